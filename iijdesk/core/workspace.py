"""The loaded releases, their facts and findings, and the user's edits.

The GUI and the CLI both sit on this object and never reach below it. Fact ids are the
facts frame's index labels: unique within the workspace and stable across imports and edits.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from typing import Callable, Iterable

import pandas as pd

from iijdesk.core import facts as F
from iijdesk.core import reconcile
from iijdesk.core.document import Document, NotAReleaseError
from iijdesk.core.events import Event
from iijdesk.core.extract import extract_document
from iijdesk.core.ingest import load


@dataclass
class ImportResult:
    name: str
    path: str
    ok: bool
    message: str = ""
    n_tables: int = 0
    n_facts: int = 0


@dataclass
class Edit:
    fact_id: int
    old_value: float
    new_value: float
    old_printed: str
    new_printed: str
    at: float = field(default_factory=time.time)


Progress = Callable[[int, int, str], None]


class Workspace:
    def __init__(self) -> None:
        self.documents: dict[str, Document] = {}
        self.facts: pd.DataFrame = F.empty_facts()
        self.findings: pd.DataFrame = reconcile.empty_findings()
        self.edits: list[Edit] = []
        # the user's decisions that are not edits (saved with the workspace): "timeline" holds
        # accepted/rejected series merges and which value stands where releases disagree
        self.choices: dict = {}
        self._engine = reconcile.Engine(self.facts, documents=self.documents)
        self._next_id = 0
        # events
        self.documents_changed = Event("documents_changed")
        self.facts_changed = Event("facts_changed")        # emitted with the changed fact ids
        self.findings_changed = Event("findings_changed")

    # -- import -----------------------------------------------------------------------
    def add_files(self, paths: Iterable[str | os.PathLike], progress: Progress | None = None,
                  ) -> list[ImportResult]:
        """Import files and folders; every failure becomes a result with a message."""
        files = expand_paths(paths)
        results = []
        for i, path in enumerate(files):
            if progress:
                progress(i, len(files), os.path.basename(path))
            try:
                doc = load(path)
                results.append(self._add(doc))
            except NotAReleaseError as e:
                results.append(ImportResult(os.path.basename(path), path, False, str(e)))
            except Exception as e:  # never lose the workspace to one bad file
                results.append(ImportResult(os.path.basename(path), path, False,
                                            f"{os.path.basename(path)}: could not be read ({type(e).__name__}: {e})"))
        if progress:
            progress(len(files), len(files), "")
        if any(r.ok for r in results):
            self.recheck_all()
        return results

    def add_document(self, doc: Document) -> ImportResult:
        r = self._add(doc)
        if r.ok:
            self.recheck_all()
        return r

    def _add(self, doc: Document) -> ImportResult:
        found = extract_document(doc)
        if not len(found):
            return ImportResult(doc.name, doc.path, False,
                                f"{doc.name}: no tables found; this does not look like an earnings release")
        if doc.name in self.documents:
            self.remove_document(doc.name, recheck=False)
        found.index = pd.RangeIndex(self._next_id, self._next_id + len(found))
        self._next_id += len(found)
        self.documents[doc.name] = doc
        self.facts = pd.concat([self.facts, found]) if len(self.facts) else found
        self.documents_changed.emit()
        self.facts_changed.emit(list(found.index))
        return ImportResult(doc.name, doc.path, True, "", found["table_id"].nunique(), len(found))

    def remove_document(self, name: str, recheck: bool = True) -> None:
        self.documents.pop(name, None)
        self.facts = self.facts[self.facts["doc"] != name]
        self.edits = [e for e in self.edits if e.fact_id in self.facts.index]
        self.documents_changed.emit()
        self.facts_changed.emit([])
        if recheck:
            self.recheck_all()

    # -- checks -----------------------------------------------------------------------
    def recheck_all(self) -> pd.DataFrame:
        self._engine = reconcile.Engine(self.facts, documents=self.documents)
        self.findings = self._engine.run()
        self.findings_changed.emit()
        return self.findings

    # -- edits ------------------------------------------------------------------------
    def apply_edit(self, fact_id: int, new_value: float, new_printed: str | None = None) -> Edit:
        row = self.facts.loc[fact_id]
        edit = Edit(fact_id, float(row["value"]), float(new_value), str(row["printed"]),
                    new_printed if new_printed is not None else _plain(new_value, row))
        self.edits.append(edit)          # listeners of the events below see the edit list updated
        self._set(fact_id, edit.new_value, edit.new_printed)
        return edit

    def revert_edit(self, edit: Edit) -> None:
        if edit in self.edits:
            self.edits.remove(edit)
        self._set(edit.fact_id, edit.old_value, edit.old_printed)

    def _set(self, fact_id: int, value: float, printed: str) -> None:
        self.facts.at[fact_id, "value"] = value
        self.facts.at[fact_id, "printed"] = printed
        self.facts_changed.emit([fact_id])
        self._engine.facts = self.facts
        self.findings = self._engine.recheck([fact_id])
        self.findings_changed.emit()

    @property
    def timeline_choices(self) -> dict | None:
        return self.choices.get("timeline")

    @timeline_choices.setter
    def timeline_choices(self, value: dict | None) -> None:
        self.choices["timeline"] = value if value is not None else {}

    def edited_ids(self) -> set[int]:
        return {e.fact_id for e in self.edits}


def _plain(value: float, row: pd.Series) -> str:
    scale = int(row["scale"]) or 1
    v = value / scale
    dec = row["decimals"] if not pd.isna(row["decimals"]) else 0
    s = f"{abs(v):,.{int(dec)}f}"
    return f"({s})" if v < 0 else s


# Files that are never releases, skipped silently inside folders.
_SKIP_SUFFIXES = (".pyc", ".DS_Store")


def expand_paths(paths: Iterable[str | os.PathLike]) -> list[str]:
    """Files as given, folders walked (sorted, hidden files skipped)."""
    out: list[str] = []
    for p in paths:
        p = os.fspath(p)
        if os.path.isdir(p):
            for root, dirs, names in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for n in sorted(names):
                    if not n.startswith(".") and not n.endswith(_SKIP_SUFFIXES):
                        out.append(os.path.join(root, n))
        else:
            out.append(p)
    return out
