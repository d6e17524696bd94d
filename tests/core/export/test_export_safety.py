"""Writing the file safely: text is never a formula, nothing is overwritten silently, a failed
or refused export leaves no half-written file, a locked target gives a clear message."""
from __future__ import annotations

import os

import openpyxl
import pandas as pd
import pytest

from iijdesk.core import facts as F
from iijdesk.core.document import Document
from iijdesk.core.export import ExportError, TargetExistsError, TargetLockedError, export_workbook
from iijdesk.core.workspace import Workspace

HOSTILE = ["=SUM(A1:A9)", "+1+1", "-2+3", "@cmd", "=HYPERLINK(\"http://x\",\"y\")", "-"]


def _hostile_ws() -> Workspace:
    """A tiny workspace whose release text (labels, headers, titles, printed) looks like formulas."""
    rows = []
    for i, lab in enumerate(HOSTILE):
        rows.append(dict(doc="=evil.txt", line=10 + i, table="=TABLE()", kind="income",
                         parent="", row_label=lab, row=i, level=0, is_total=False,
                         col_label="@header", col=0, period_end="2010-03-31", period_months=12,
                         measure="value", unit="JPY", scale=1_000_000,
                         printed="-" if lab == "-" else f"{i + 1:,}",
                         value=float("nan") if lab == "-" else (i + 1) * 1e6, flag="", note="=note()"))
    ws = Workspace()
    ws.facts = F.normalise(pd.DataFrame(rows))
    ws.documents["=evil.txt"] = Document.from_text("=evil.txt", "\n".join(["=cmd|' /C calc'!A0"] * 20))
    return ws


def test_release_text_is_written_as_text_never_a_formula(tmp_path):
    ws = _hostile_ws()
    res = export_workbook(ws, tmp_path / "x.xlsx")
    wb = openpyxl.load_workbook(res.path)
    formulas = {(s, r) for (s, r) in res.formulas}
    seen = set()
    for sh in wb.worksheets:
        for row in sh.iter_rows():
            for c in row:
                if c.data_type == "f" or (isinstance(c.value, str) and c.value.startswith("=")
                                          and c.data_type != "s"):
                    assert (sh.title, c.coordinate) in formulas, (sh.title, c.coordinate, c.value)
                if isinstance(c.value, str) and c.value in HOSTILE + ["=TABLE()", "@header", "=note()"]:
                    assert c.data_type == "s"
                    seen.add(c.value)
    assert set(HOSTILE) <= seen
    # the statement's label cells hold the text exactly
    stmt = wb[next(n for n in wb.sheetnames if n.startswith("Income"))]
    labels = [c.value for c in stmt["A"] if c.value in HOSTILE]
    assert labels == HOSTILE


def test_existing_file_is_never_overwritten_silently(tmp_path, real_ws):
    target = tmp_path / "book.xlsx"
    target.write_bytes(b"precious")
    with pytest.raises(FileExistsError) as e:
        export_workbook(real_ws, target)
    assert isinstance(e.value, TargetExistsError) and isinstance(e.value, ExportError)
    assert "book.xlsx" in str(e.value) and "already exists" in str(e.value)
    assert not str(e.value).startswith("[Errno")          # a message a user reads as is
    assert target.read_bytes() == b"precious"
    export_workbook(real_ws, target, overwrite=True)
    assert openpyxl.load_workbook(target).sheetnames[0] == "About"
    assert sorted(os.listdir(tmp_path)) == ["book.xlsx"]


def test_failure_leaves_no_half_written_file(tmp_path, real_ws, monkeypatch):
    import iijdesk.core.export as X

    target = tmp_path / "book.xlsx"
    target.write_bytes(b"precious")

    def boom(*a, **k):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(X, "write_workbook", boom)
    with pytest.raises(RuntimeError):
        export_workbook(real_ws, target, overwrite=True)
    assert target.read_bytes() == b"precious"
    assert sorted(os.listdir(tmp_path)) == ["book.xlsx"]
    with pytest.raises(RuntimeError):
        export_workbook(real_ws, tmp_path / "new.xlsx")
    assert sorted(os.listdir(tmp_path)) == ["book.xlsx"]


def test_locked_target_gives_a_clear_message(tmp_path, real_ws, monkeypatch):
    target = tmp_path / "book.xlsx"
    target.write_bytes(b"open in Excel")
    # Excel and LibreOffice keep a lock file next to a workbook they have open
    for lock in ("~$book.xlsx", ".~lock.book.xlsx#"):
        (tmp_path / lock).write_text("user")
        with pytest.raises(PermissionError) as e:
            export_workbook(real_ws, target, overwrite=True)
        assert isinstance(e.value, TargetLockedError)
        assert "open in another program" in str(e.value)
        (tmp_path / lock).unlink()
    assert target.read_bytes() == b"open in Excel"

    # Windows refuses to replace a file another program holds open
    def refuse(src, dst):
        raise PermissionError(13, "The process cannot access the file", str(dst))

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(TargetLockedError) as e:
        export_workbook(real_ws, target, overwrite=True)
    assert "book.xlsx" in str(e.value) and "close it" in str(e.value)
    assert target.read_bytes() == b"open in Excel"
    assert sorted(os.listdir(tmp_path)) == ["book.xlsx"]


def test_bad_targets_give_clear_messages(tmp_path, real_ws):
    with pytest.raises(ExportError, match="does not exist"):
        export_workbook(real_ws, tmp_path / "no" / "such" / "book.xlsx")
    with pytest.raises(ExportError, match="is a folder"):
        export_workbook(real_ws, tmp_path, overwrite=True)


def test_empty_workspace_exports_a_valid_workbook(tmp_path):
    res = export_workbook(Workspace(), tmp_path / "empty.xlsx")
    wb = openpyxl.load_workbook(res.path)
    assert {"About", "Findings", "Timeline", "Charts", "Sources"} <= set(wb.sheetnames)


def test_a_file_that_appears_while_exporting_is_not_replaced(tmp_path, real_ws, monkeypatch):
    import iijdesk.core.export as X

    target = tmp_path / "book.xlsx"
    real = X.write_workbook

    def slow(ws, path, **kw):
        res = real(ws, path, **kw)
        target.write_bytes(b"saved by someone else meanwhile")
        return res

    monkeypatch.setattr(X, "write_workbook", slow)
    with pytest.raises(TargetExistsError):
        export_workbook(real_ws, target)
    assert target.read_bytes() == b"saved by someone else meanwhile"
    assert sorted(os.listdir(tmp_path)) == ["book.xlsx"]


def test_new_workbook_gets_ordinary_permissions(tmp_path):
    import stat

    res = export_workbook(Workspace(), tmp_path / "p.xlsx")
    mask = os.umask(0o022)
    os.umask(mask)
    assert stat.S_IMODE(os.stat(res.path).st_mode) == 0o666 & ~mask
