"""Every file of the hostile corpus, dropped on a workspace that already holds a real release:
a clear message in the import result, and the loaded release and its facts untouched."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import textwrap
from contextlib import contextmanager
from pathlib import Path

import pytest

from iijdesk.core import workspace as workspace_mod
from iijdesk.core.document import Document
from iijdesk.core.extract import extract_document
from iijdesk.core.ingest import load
from tests.hostile import corpus as C
from tests.hostile.support import (assert_survived, extractor_is_real, loaded_workspace, release,
                                   snapshot)

ROOT = Path(__file__).resolve().parents[2]
HANG_LIMIT_S = 120      # a guard against freezes, not a speed target


@contextmanager
def no_hang(seconds=HANG_LIMIT_S):
    """Fail (instead of hanging the suite) if the block runs for `seconds`."""
    if not hasattr(signal, "SIGALRM"):
        yield
        return

    def boom(*_):
        raise TimeoutError(f"import did not finish within {seconds} s (frozen?)")

    old = signal.signal(signal.SIGALRM, boom)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


@pytest.fixture(scope="module")
def loaded():
    return loaded_workspace([release("000")])


@pytest.fixture
def ws(loaded):
    """A fresh copy of the workspace holding release 000 (with one user edit)."""
    from iijdesk.core.workspace import Workspace
    w = Workspace()
    w.documents = dict(loaded.documents)
    w.facts = loaded.facts.copy()
    w._next_id = loaded._next_id
    w.recheck_all()
    fid = w.facts.index[w.facts["value"].notna()][3]
    w.apply_edit(fid, 12345.0)
    return w


_EXC_NAME = re.compile(r"\b[A-Z][A-Za-z]*(Error|Exception|Warning)\b|Traceback")


def assert_clear(result, path, pattern):
    """Refused, with a one-line message naming the file and saying why in plain words."""
    msg = result.message
    assert not result.ok, f"{path.name} was accepted: {result}"
    assert path.name in msg, msg
    assert re.search(pattern, msg, re.I), f"unclear message for {path.name}: {msg!r}"
    assert not _EXC_NAME.search(msg), f"an exception leaked into the message: {msg!r}"
    assert "\n" not in msg.strip()


def drop(ws, path):
    before = snapshot(ws)
    with no_hang():
        results = ws.add_files([path])
    assert len(results) == 1
    assert_survived(ws, before)
    return results[0]


def test_empty_file(ws, tmp_path):
    p = C.make_empty(tmp_path)
    assert_clear(drop(ws, p), p, r"empty")
    p = C.make_whitespace_only(tmp_path)
    assert_clear(drop(ws, p), p, r"empty")


def test_an_image_named_txt(ws, tmp_path):
    p = C.make_png(tmp_path)
    assert_clear(drop(ws, p), p, r"image|PNG")


def test_a_zip_archive(ws, tmp_path):
    p = C.make_zip(tmp_path)
    assert_clear(drop(ws, p), p, r"zip|archive")


def test_an_encrypted_pdf(ws, tmp_path):
    p = C.make_encrypted_pdf(tmp_path)
    assert_clear(drop(ws, p), p, r"encrypted|password")


def test_a_corrupt_pdf(ws, tmp_path):
    for make in (C.make_corrupt_pdf, C.make_fake_pdf):
        p = make(tmp_path)
        assert_clear(drop(ws, p), p, r"damaged|corrupt|broken|cannot be (read|opened)")


def test_deeply_nested_html(ws, tmp_path):
    """100,000 nested <div>s around a real table: no RecursionError, no freeze."""
    p = C.make_nested_html(tmp_path)
    r = drop(ws, p)
    if r.ok:
        # the nesting changes nothing: the <pre> table gives what the same text gives alone
        plain = extract_document(Document.from_text("plain.txt", C.nested_html_table_text()))
        assert r.n_facts == len(plain) > 0 and p.name in ws.documents
    else:
        assert_clear(r, p, r"no tables|not .*release|nest")


def test_deeply_nested_tables_html(ws, tmp_path):
    p = C.make_nested_tables_html(tmp_path)
    r = drop(ws, p)
    assert r.ok or not _EXC_NAME.search(r.message), r.message
    if not r.ok:
        assert p.name in r.message


def test_a_japanese_release_in_shift_jis(ws, tmp_path):
    p = C.make_shift_jis(tmp_path)
    doc = load(p)
    assert doc.encoding.replace("_", "").lower() in ("cp932", "shiftjis", "ms932", "sjis")
    assert "売上高" in doc.text and "△4.9%" in doc.text and "営業利益" in doc.text
    r = drop(ws, p)
    if r.ok:
        facts = ws.facts[ws.facts["doc"] == p.name]
        assert "50,789,321" in set(facts["printed"])
        assert any("売上高" in s for s in facts["row_label"])
    else:
        assert_clear(r, p, r"no tables|not .*release|japanese|language")


def test_a_release_with_every_table_mangled(ws, tmp_path):
    p = C.make_mangled(tmp_path)
    r = drop(ws, p)
    if r.ok:
        got = ws.facts[ws.facts["doc"] == p.name]
        assert len(got) == r.n_facts > 0
        # the numbers are garbled: what was found must keep the printed text as printed
        text = ws.documents[p.name].text.split("\n")
        for line, s, e, printed in zip(got["line"], got["start"], got["end"], got["printed"]):
            if printed and s is not None and e is not None and not any(
                    x is None or x != x for x in (s, e)):
                assert text[int(line) - 1][int(s):int(e)] == printed
    else:
        assert_clear(r, p, r"no tables|not .*release")


def test_a_file_that_vanishes_between_drop_and_read(ws, tmp_path, monkeypatch):
    p = tmp_path / "gone.txt"
    p.write_bytes(release("001").read_bytes())
    real_expand = workspace_mod.expand_paths

    def expand_then_delete(paths):
        files = real_expand(paths)
        p.unlink()                      # e.g. a sync client moved it away
        return files

    monkeypatch.setattr(workspace_mod, "expand_paths", expand_then_delete)
    r = drop(ws, p)
    assert_clear(r, p, r"cannot be read|no longer|not found|no such file|does not exist|missing")


def test_a_folder_of_500_files(ws, tmp_path):
    folder = C.make_folder_of_500(tmp_path)
    before = snapshot(ws)
    calls = []
    with no_hang(600):
        results = ws.add_files([folder], progress=lambda i, n, name: calls.append((i, n, name)))
    assert_survived(ws, before)
    assert len(results) == 500                          # the hidden file is skipped
    assert calls[-1] == (500, 500, "") and len(calls) == 501
    assert [c[0] for c in calls] == list(range(501))
    names = {r.name: r for r in results}
    for r in results:
        if not r.ok:
            assert r.name in r.message and not _EXC_NAME.search(r.message), r.message
    for n in [n for n in names if n.startswith("empty")]:
        assert re.search("empty", names[n].message)
    for n in [n for n in names if n.startswith("img")]:
        assert re.search("image|PNG", names[n].message)
    for n in [n for n in names if n.startswith("note")]:
        assert re.search(r"no tables|not .*release", names[n].message), names[n].message
    if extractor_is_real():
        assert names["copy_a_release.txt"].ok and names["copy_b_release.txt"].ok
        assert set(ws.documents) == set(before["docs"]) | {"copy_a_release.txt",
                                                           "copy_b_release.txt"}


_HUGE = textwrap.dedent("""
    import resource, sys
    sys.path.insert(0, {root!r})
    from tests.hostile.support import loaded_workspace, release, snapshot, assert_survived
    ws = loaded_workspace([release("000")])
    before = snapshot(ws)
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    r = ws.add_files([{path!r}])[0]
    rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert_survived(ws, before)
    print("RESULT", int(r.ok), (rss1 - rss0) // 1024)
    print("MESSAGE", r.message)
""")


@pytest.mark.skipif(sys.platform == "win32", reason="ru_maxrss is POSIX")
def test_a_200_mb_text_is_refused_with_bounded_memory(tmp_path):
    """Run in a fresh process so the peak RSS is this import's, not the test suite's."""
    p = C.make_huge_text(tmp_path)
    assert p.stat().st_size == C.HUGE_BYTES
    out = subprocess.run([sys.executable, "-c", _HUGE.format(root=str(ROOT), path=str(p))],
                         capture_output=True, text=True, cwd=ROOT, timeout=HANG_LIMIT_S * 3)
    lines = dict(l.split(" ", 1) for l in out.stdout.splitlines() if " " in l)
    assert "RESULT" in lines, out.stderr[-3000:]
    ok, grown_mb = map(int, lines["RESULT"].split())
    msg = lines["MESSAGE"]
    assert not ok and p.name in msg and re.search(r"too large|size|limit", msg, re.I), msg
    assert re.search(r"\d+\s*MB", msg), f"the message should state the limit: {msg!r}"
    assert grown_mb < 64, f"peak memory grew by {grown_mb} MB reading a refused file"


_SPECIAL = textwrap.dedent("""
    import resource, sys
    sys.path.insert(0, {root!r})
    resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))   # an endless read fails fast
    from tests.hostile.support import loaded_workspace, release, snapshot, assert_survived
    ws = loaded_workspace([release("000")])
    before = snapshot(ws)
    results = ws.add_files([{path!r}])
    assert_survived(ws, before)
    for r in results:
        print("RESULT", int(r.ok), r.name, "|", r.message)
""")


def _import_in_child(path, timeout=60):
    try:
        out = subprocess.run([sys.executable, "-c", _SPECIAL.format(root=str(ROOT), path=str(path))],
                             capture_output=True, text=True, cwd=ROOT, timeout=timeout)
    except subprocess.TimeoutExpired:
        pytest.fail(f"importing {path} froze (no result within {timeout} s)")
    rows = [l.split(" ", 3) for l in out.stdout.splitlines() if l.startswith("RESULT")]
    assert rows, out.stderr[-2000:]
    return [(bool(int(ok)), name, msg.lstrip("| ").strip()) for _, ok, name, msg in rows]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_in_a_dropped_folder_does_not_freeze_the_import(tmp_path):
    folder = tmp_path / "drop"
    folder.mkdir()
    os.mkfifo(folder / "pipe.txt")
    (folder / "r.txt").write_bytes(release("001").read_bytes())
    rows = _import_in_child(folder)
    by_name = {name: (ok, msg) for ok, name, msg in rows}
    ok, msg = by_name["pipe.txt"]
    assert not ok and "pipe.txt" in msg and re.search(r"not a (regular )?file|pipe|device", msg)


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_a_device_file_is_refused_without_reading_it_forever():
    rows = _import_in_child("/dev/zero")
    ok, name, msg = rows[0]
    assert not ok and "zero" in msg and re.search(r"not a (regular )?file|device|too large", msg)
