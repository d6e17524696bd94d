"""The workspace: which files are one document, and imports that are stopped."""
from __future__ import annotations

import shutil
import threading
import time

import pytest

from iijdesk.core import workspace as W
from iijdesk.core import workspace_io
from iijdesk.core.interrupt import CancelToken
from iijdesk.core.workspace import Workspace
from tests.conftest import release


@pytest.fixture
def two_of_a_name(tmp_path):
    """Two different releases both called release.txt, in folders a/ and b/."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a, b = tmp_path / "a" / "release.txt", tmp_path / "b" / "release.txt"
    shutil.copy(release("000"), a)
    shutil.copy(release("004"), b)
    return a, b


def test_two_files_with_one_name_are_two_documents(two_of_a_name):
    a, b = two_of_a_name
    ws = Workspace()
    ra, rb = ws.add_files([a, b])
    assert ra.ok and rb.ok
    assert (ra.name, rb.name) == ("release.txt", "b/release.txt")
    assert "another loaded file has that name" in rb.message and "b/release.txt" in rb.message
    assert list(ws.documents) == ["release.txt", "b/release.txt"]
    assert set(ws.facts["doc"]) == {"release.txt", "b/release.txt"}
    assert ws.facts["table_id"].str.startswith("b/release.txt#").any()
    # each keeps its own facts, and an edit of one survives the other
    n_b = (ws.facts["doc"] == "b/release.txt").sum()
    fid = int(ws.facts.index[ws.facts["doc"] == "release.txt"][0])
    ws.apply_edit(fid, 1.0)
    ws.add_files([b])                                     # the same file again: nothing lost
    assert (ws.facts["doc"] == "b/release.txt").sum() == n_b
    assert [e.fact_id for e in ws.edits] == [fid]


def test_the_same_file_twice_is_one_document_with_a_message(two_of_a_name):
    a, _ = two_of_a_name
    ws = Workspace()
    first, again = ws.add_files([a, a])
    assert first.ok and not again.ok and again.status == W.DUPLICATE
    assert "already loaded as release.txt (the same file)" in again.message
    assert list(ws.documents) == ["release.txt"]
    n = len(ws.facts)
    (later,) = ws.add_files([a])
    assert later.status == W.DUPLICATE and len(ws.facts) == n


def test_a_copy_of_a_file_elsewhere_is_a_document_of_its_own_with_a_note(tmp_path):
    src = release("004")
    (tmp_path / "x").mkdir()
    copy = tmp_path / "x" / src.name
    shutil.copy(src, copy)
    ws = Workspace()
    r1, r2 = ws.add_files([src, copy])
    assert r1.ok and r2.ok and r2.name == f"x/{src.name}"
    assert "the same content as " + src.name in r2.message


def test_names_and_identities_survive_save_and_open(two_of_a_name, tmp_path):
    a, b = two_of_a_name
    ws = Workspace()
    ws.add_files([a, b])
    path = tmp_path / "w.iijdesk"
    workspace_io.save_workspace(ws, path)
    back = workspace_io.load_workspace(path)
    assert list(back.documents) == ["release.txt", "b/release.txt"]
    assert set(back.facts["doc"]) == {"release.txt", "b/release.txt"}
    again = back.add_files([b, a])
    assert [r.status for r in again] == [W.DUPLICATE, W.DUPLICATE]
    assert again[0].name == "b/release.txt"


def test_in_memory_documents_of_one_name_get_a_number():
    from iijdesk.core.ingest import load_bytes
    ws = Workspace()
    one = ws.add_document(load_bytes("r.txt", release("004").read_bytes()))
    two = ws.add_document(load_bytes("r.txt", release("000").read_bytes()))
    same = ws.add_document(load_bytes("r.txt", release("000").read_bytes()))
    assert (one.name, two.name) == ("r.txt", "r.txt (2)") and same.status == W.DUPLICATE


# -- stopping an import --------------------------------------------------------------------
@pytest.fixture
def slow_file(tmp_path, monkeypatch):
    """A file called slow.txt whose extraction never ends (as a hostile 50 MB file's)."""
    slow = tmp_path / "slow.txt"
    shutil.copy(release("004"), slow)
    real = W.extract_document

    def extract(doc):
        if doc.name == "slow.txt":
            while True:
                sum(range(1000))
        return real(doc)
    monkeypatch.setattr(W, "extract_document", extract)
    return slow


def test_a_file_over_the_time_limit_is_stopped_and_the_others_load(slow_file):
    ws = Workspace()
    ws.file_time_limit = 1.0
    t = time.monotonic()
    results = ws.add_files([release("000"), slow_file, release("004")])
    assert time.monotonic() - t < 30
    assert [r.status for r in results] == [W.LOADED, W.FAILED, W.LOADED]
    assert "took over 1 s" in results[1].message
    assert set(ws.documents) == {release("000").name, release("004").name}
    assert len(ws.findings)


def test_cancel_stops_the_file_being_read_and_keeps_what_was_loaded(slow_file):
    ws = Workspace()
    ws.file_time_limit = None                 # only the cancel can stop it
    token = CancelToken()
    started = threading.Event()

    def progress(i, n, name):
        if name == "slow.txt":
            started.set()
    threading.Thread(target=lambda: (started.wait(30), time.sleep(0.3), token.cancel()), daemon=True).start()
    t = time.monotonic()
    results = ws.add_files([release("000"), slow_file, release("004")], progress=progress, cancel=token)
    assert time.monotonic() - t < 30
    assert [r.status for r in results] == [W.LOADED, W.CANCELLED, W.CANCELLED]
    assert list(ws.documents) == [release("000").name]
    assert len(ws.facts) and set(ws.facts["doc"]) == {release("000").name}


def test_a_check_rule_over_its_time_limit_is_skipped_and_said(monkeypatch):
    from iijdesk.core.reconcile import engine as E
    from iijdesk.core.reconcile import rules  # noqa: F401  (registers the rules)

    def forever(ctx):
        while True:
            sum(range(1000))
    monkeypatch.setitem(E.RULES, "cross_table", forever)
    ws = Workspace()
    ws.rule_time_limit = 0.5
    ws.add_files([release("000")])
    assert ws.check_notes == ["the cross_table check was stopped after 0.5 s (too slow)"]
    assert len(ws.findings) and "cross_table" not in set(ws.findings["rule"])


def test_an_import_checks_the_new_release_and_leaves_the_other_parts_alone(tmp_path):
    """Adding a release builds its own checks and its company's comparisons again; every
    other release's checks are kept (the same objects), and the findings are those of checking
    everything afresh. Removing it takes its findings away and nothing else."""
    first = [release(p) for p in ("000", "001", "002")]
    ws = Workspace()
    ws.add_files(first)
    before = dict(ws._engine.parts)
    ws.add_files([release("003")])
    new = next(n for n in ws.documents if n.startswith("003"))
    kept = [k for k in before if k[0] == "doc" and ws._engine.parts.get(k) is before[k]]
    assert len(kept) == len(first)
    assert ("doc", new) in ws._engine.parts
    fresh = Workspace()
    fresh.add_files([*first, release("003")])
    assert set(ws.findings["id"]) == set(fresh.findings["id"])
    ws.remove_document(new)
    assert new not in set(ws.findings["doc"])
    again = Workspace()
    again.add_files(first)
    assert set(ws.findings["id"]) == set(again.findings["id"])


def test_a_releases_facts_are_read_by_their_id_run_also_after_a_remove():
    ws = Workspace()
    ws.add_files([release("000"), release("001")], check=False)
    facts = ws.facts
    for name in ws.documents:
        got = ws.document_facts(name)
        assert got.index.equals(facts.index[facts["doc"] == name]), name
    first, second = list(ws.documents)
    ws.remove_document(first, recheck=False)
    assert ws.document_facts(second).index.equals(ws.facts.index)
    assert not len(ws.document_facts(first))
