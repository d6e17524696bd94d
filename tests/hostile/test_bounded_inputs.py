"""Small files that once hung or crashed a stage (issue 18): each is read in bounded time and
memory, or refused with a message that names the file and the limit. No test here times
anything; benchmarks/hostile_corpus.py prints the times and the peak memory."""
from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from iijdesk.core import limits as L
from iijdesk.core import workspace_io as W
from iijdesk.core.document import Document
from iijdesk.core.extract import extract_document
from iijdesk.core.workspace import Workspace
from tests.hostile import corpus as C
from tests.hostile.support import RELEASES, loaded_workspace

ROOT = Path(__file__).resolve().parents[2]
_EXC_NAME = re.compile(r"\b[A-Z][A-Za-z]*(Error|Exception)\b|Traceback")


# -- numbers above the largest float -------------------------------------------------------

def test_numbers_above_1e308_end_no_extract_and_are_said(tmp_path):
    p = C.make_huge_number(tmp_path)
    out = tmp_path / "facts.csv"
    run = subprocess.run([sys.executable, "-m", "iijdesk", "extract", str(p), "-o", str(out)],
                         capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr and "OverflowError" not in run.stderr
    assert p.name in run.stderr and "too large to be an amount" in run.stderr
    assert "line 4" in run.stderr
    text = out.read_text()
    assert "inf" not in text.lower().replace("info", "")
    assert "2,000" in text and C.HUGE_NUMBER not in text   # its neighbours are read


def test_a_value_at_the_limit_is_no_fact_and_every_value_is_finite():
    import math
    big = "1" + "0" * 30                                    # 1e30: MAX_NUMBER_VALUE
    doc = Document.from_text("r.txt", "Consolidated Statements of Income\n(in billions of yen)\n"
                             f"\t2024\t2023\nRevenue\t{big}\t99{'0' * 28}\nCost\t(12)\t(13)\n")
    facts = extract_document(doc)
    assert big not in set(facts["printed"])
    assert all(math.isfinite(v) for v in facts["value"].dropna())
    assert any("1e30 or more" in n for n in doc.notes)


# -- long lines ---------------------------------------------------------------------------

def test_a_line_over_the_limit_is_not_read_and_the_import_says_so(tmp_path):
    p = C.make_long_line(tmp_path, numbers=L.MAX_TABLE_LINE_CHARS // 5)
    assert p.stat().st_size > L.MAX_TABLE_LINE_CHARS
    text = p.read_text()
    with_release = tmp_path / "release_and_long_line.txt"
    with_release.write_text(RELEASES[0].read_text(encoding="utf-8") + "\n" + text)
    ws = Workspace()
    r, = ws.add_files([with_release])
    assert r.ok and r.n_facts > 100                           # the rest of the release is read
    line = len(RELEASES[0].read_text(encoding="utf-8").split("\n")) + 4
    assert with_release.name in r.message and f"line {line} is" in r.message
    assert f"{L.MAX_TABLE_LINE_CHARS:,}" in r.message and "not read for tables" in r.message
    assert not (ws.facts["line"] == line).any()
    assert ws.documents[with_release.name].text.split("\n")[line - 1] == text.split("\n")[3]


def test_a_long_line_under_the_limit_is_read_whole(tmp_path):
    n = 4000
    p = C.make_long_line(tmp_path, numbers=n)
    facts = extract_document(Document.from_text(p.name, p.read_text()))
    assert len(facts) == n and facts["col"].nunique() == n


# -- many pages ---------------------------------------------------------------------------

def test_a_pdf_over_the_page_limit_is_refused_before_its_pages_are_read(tmp_path, monkeypatch):
    from iijdesk.core.ingest import pdf as P
    p = C.make_many_pages_pdf(tmp_path, pages=12)
    monkeypatch.setattr(P, "MAX_PDF_PAGES", 10)
    r, = Workspace().add_files([p])
    assert not r.ok and p.name in r.message and "12 pages" in r.message and "10" in r.message
    assert not _EXC_NAME.search(r.message)


def test_the_pages_of_a_pdf_show_in_the_import_progress(tmp_path):
    p = C.make_many_pages_pdf(tmp_path, pages=45)
    calls = []
    r, = Workspace().add_files([p], progress=lambda i, n, name: calls.append(name))
    assert r.ok
    assert f"{p.name} (page 1 of 45)" in calls and f"{p.name} (page 41 of 45)" in calls


def test_the_page_limit_is_stated_in_limits():
    assert isinstance(L.MAX_PDF_PAGES, int) and 100 <= L.MAX_PDF_PAGES <= 5000


# -- workspace zip bombs ------------------------------------------------------------------

def _open_in_child(path: Path) -> tuple[str, int]:
    # the growth of the peak, not the peak: a forked child starts with its parent's
    code = (f"import sys, resource; sys.path.insert(0, {str(ROOT)!r})\n"
            "from iijdesk.core import workspace_io as W\n"
            "rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
            f"try:\n    W.read_workspace({str(path)!r}); print('OPENED')\n"
            "except W.WorkspaceFileError as e:\n    print('REFUSED', e)\n"
            "print('RSS', (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss0) // 1024)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         timeout=300)
    lines = out.stdout.splitlines()
    assert len(lines) == 2, out.stderr[-2000:]
    return lines[0], int(lines[1].split()[1])


@pytest.mark.skipif(sys.platform == "win32", reason="ru_maxrss is POSIX")
def test_a_facts_table_larger_than_its_rows_is_refused_before_it_is_unpacked(tmp_path):
    p = C.make_workspace_bomb(tmp_path, mib=64)
    assert p.stat().st_size < 2 << 20
    msg, rss_mb = _open_in_child(p)
    assert msg.startswith("REFUSED") and p.name in msg and "64 MiB" in msg, msg
    assert rss_mb < 64, f"peak memory grew by {rss_mb} MB to refuse it: the table was unpacked"


def test_a_workspace_declaring_too_many_facts_is_refused_unread(tmp_path, monkeypatch):
    p = C.make_workspace_bomb(tmp_path, mib=8, declared=True)
    monkeypatch.setattr(L, "MAX_WORKSPACE_FACTS", 10_000)
    with pytest.raises(W.WorkspaceFileError, match=rf"{re.escape(p.name)}: .*facts, more than the 10,000"):
        W.read_workspace(p)


def test_rows_beyond_the_declared_count_stop_the_read(tmp_path, monkeypatch):
    p = C.make_workspace_bomb(tmp_path, mib=2)
    monkeypatch.setattr(L, "MAX_FACT_ROW_BYTES", 1 << 20)      # past the size check
    with pytest.raises(W.WorkspaceFileError, match=rf"{re.escape(p.name)}: .*more than \d+ rows"):
        W.read_workspace(p)


# -- every workspace message names the file -------------------------------------------------

@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    d = tmp_path_factory.mktemp("saved")
    p = d / "good.iijdesk"
    W.save_workspace(loaded_workspace(RELEASES[:1]), p)
    return p


def _rewrite(src: Path, dst: Path, change) -> Path:
    with zipfile.ZipFile(src) as zin:
        members = {i.filename: zin.read(i) for i in zin.infolist()}
    manifest = json.loads(members[W.MANIFEST])
    change(members, manifest)
    members[W.MANIFEST] = json.dumps(manifest).encode()
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in members.items():
            if data is not None:
                zout.writestr(name, data)
    return dst


def _facts_rows(members, manifest, n):
    manifest["facts"]["schema"]["rows"] = n


def _bad_kind(members, manifest):
    manifest["facts"]["schema"]["columns"][3]["kind"] = "vector"


def _drop(member):
    def change(members, manifest):
        members[member] = None
    return change


def _doc_size(members, manifest):
    manifest["documents"][0]["size"] += 1


def _bad_json(member):
    def change(members, manifest):
        members[member] = b"{not json"
    return change


def _version(members, manifest):
    manifest["format_version"] = 99


def _no_manifest_format(members, manifest):
    manifest["format"] = "something-else"


DAMAGE = {
    "fewer rows than the manifest": lambda m, f: _facts_rows(m, f, 5),
    "more rows than the manifest": lambda m, f: _facts_rows(m, f, f["facts"]["schema"]["rows"] - 1),
    "an unknown column kind": _bad_kind,
    "the facts table missing": _drop(W.FACTS),
    "a release's bytes missing": lambda m, f: m.__setitem__(f["documents"][0]["original"], None),
    "a release of another size": _doc_size,
    "the edits damaged": _bad_json(W.EDITS),
    "the choices damaged": _bad_json(W.CHOICES),
    "a newer format": _version,
    "not an iijdesk manifest": _no_manifest_format,
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_every_workspace_error_names_the_file(saved, tmp_path, damage):
    p = _rewrite(saved, tmp_path / f"damaged_{len(damage)}.iijdesk", DAMAGE[damage])
    with pytest.raises(W.WorkspaceFileError) as e:
        W.load_workspace(p)
    assert str(e.value).startswith(f"{p.name}: "), str(e.value)
    assert "\n" not in str(e.value)


def test_file_level_errors_name_the_file(tmp_path):
    for name, data in (("missing.iijdesk", None), ("text.iijdesk", b"hello"),
                       ("cut.iijdesk", b"PK\x03\x04 garbage")):
        p = tmp_path / name
        if data is not None:
            p.write_bytes(data)
        with pytest.raises(W.WorkspaceFileError, match=rf"^{re.escape(name)}: "):
            W.load_workspace(p)
        info = W.find_recovery(p)
        assert info is None if data is None else (not info.readable and name in info.message)


def test_save_errors_name_the_file(tmp_path):
    ws = loaded_workspace(RELEASES[:1])
    target = tmp_path / "no" / "such" / "folder" / "w.iijdesk"
    with pytest.raises(W.WorkspaceSaveError, match=re.escape(str(target))):
        W.save_workspace(ws, target)
