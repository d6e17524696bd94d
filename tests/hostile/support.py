"""Shared by the workspace and hostile-input tests: a workspace holding real releases."""
from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from iijdesk.core import facts as F
from iijdesk.core.ingest import load
from iijdesk.core.workspace import Workspace

DATA = Path(__file__).resolve().parent.parent / "data"
RELEASES = sorted((DATA / "releases").glob("*.txt"))
GOLD = DATA / "gold"


def release(prefix: str) -> Path:
    return next(p for p in RELEASES if p.name.startswith(prefix))


def loaded_workspace(paths) -> Workspace:
    """A workspace holding the given real releases and their facts.

    Uses the real import (`add_files`). While the extractor still finds nothing in a real
    release, the release is loaded as a Document and its hand-verified gold facts stand in
    for the extraction (same contract), so these tests exercise saving and survival now and
    the real extractor as soon as it lands."""
    ws = Workspace()
    results = ws.add_files([os.fspath(p) for p in paths])
    missing = [p for p, r in zip(paths, results) if not r.ok]
    if missing:
        for p in missing:
            doc = load(p)
            found = F.read_csv(GOLD / (Path(p).stem + ".facts.csv"))
            found.index = pd.RangeIndex(ws._next_id, ws._next_id + len(found))
            ws._next_id += len(found)
            ws.documents[doc.name] = doc
            ws.facts = pd.concat([ws.facts, found]) if len(ws.facts) else found
        ws.recheck_all()
    assert len(ws.facts), "no facts in the test workspace"
    return ws


def extractor_is_real() -> bool:
    ws = Workspace()
    return bool(ws.add_files([os.fspath(RELEASES[0])])[0].ok)


def snapshot(ws: Workspace) -> dict:
    """What must survive a hostile import: every loaded release's bytes and facts."""
    return {
        "docs": {k: (d.raw, d.text) for k, d in ws.documents.items()},
        "facts": ws.facts.copy(),
        "edits": list(ws.edits),
    }


def assert_survived(ws: Workspace, before: dict) -> None:
    for name, (raw, text) in before["docs"].items():
        assert name in ws.documents, f"{name} was lost"
        assert ws.documents[name].raw == raw and ws.documents[name].text == text
    old = before["facts"]
    now = ws.facts.loc[ws.facts.index.isin(old.index)]
    pd.testing.assert_frame_equal(now, old, check_exact=True)
    assert ws.edits[: len(before["edits"])] == before["edits"]
