"""The workbook read back with openpyxl: sheets, formats, formulas, comments, links, properties."""
from __future__ import annotations

import re

import pandas as pd
import pytest

from iijdesk import __version__
from iijdesk.core.export.formats import excel_value
from iijdesk.core.export.writer import fact_ids_of

FIXED_SHEETS = ("About", "Findings", "Timeline", "Charts", "Sources")


def _cell(wb, where):
    sheet, ref = where
    return wb[sheet][ref]


def test_sheets_per_statement_kind(book):
    ws, res, wb, _ = book
    names = wb.sheetnames
    for s in FIXED_SHEETS:
        assert s in names
    assert all(len(n) <= 31 for n in names)
    kinds = set(ws.facts["kind"])
    for kind, title in (("income", "Income"), ("balance", "Balance sheet"), ("cashflow", "Cash flows")):
        if kind in kinds:
            assert any(n.startswith(title) for n in names), (title, names)
    assert res.sheets == names


def test_every_fact_has_a_cell_holding_its_value(book):
    ws, res, wb, _ = book
    assert set(res.cells) == set(ws.facts.index)
    for fid, rec in ws.facts.iterrows():
        c = _cell(wb, res.cells[fid])
        if fid in res.totals:                 # a total: formula here, printed value beside it
            assert str(c.value).startswith("=SUM("), (fid, c.value)
            chk = _cell(wb, res.check_cells[fid])
            assert chk.value == pytest.approx(excel_value(rec["value"], rec["unit"]))
        elif pd.isna(rec["value"]):
            assert c.value in (rec["printed"], None) or str(c.value) == rec["printed"]
        else:
            assert c.data_type == "n", (fid, c.value)
            assert c.value == pytest.approx(excel_value(rec["value"], rec["unit"])), fid


def test_number_formats_follow_unit_and_scale(book):
    ws, res, wb, _ = book
    f = ws.facts
    seen = set()
    for fid, rec in f.iterrows():
        if fid in res.totals or pd.isna(rec["value"]):
            continue
        nf = _cell(wb, res.cells[fid]).number_format
        if rec["unit"] == "percent":
            assert nf.startswith("0") and "%" in nf, nf
            seen.add("percent")
        elif rec["unit"] == "JPY" and rec["scale"] == 1_000_000:
            assert nf.startswith("#,##0") and nf.split(";")[0].endswith(",,") and "(" in nf, nf
            seen.add("millions")
        elif rec["unit"] == "JPY" and rec["scale"] == 1000:
            assert re.fullmatch(r"#,##0(\.0+)?,;\(#,##0(\.0+)?,\)", nf), nf
            seen.add("thousands")
        elif rec["unit"].endswith("_per_share"):
            assert nf.startswith("#,##0") and not nf.split(";")[0].endswith(","), nf
            seen.add("per share")
    assert {"percent", "millions", "thousands"} <= seen


def test_statement_layout_frozen_outlined_and_sized(book):
    ws, res, wb, _ = book
    income = next(n for n in wb.sheetnames if n.startswith("Income"))
    sh = wb[income]
    assert sh.freeze_panes and sh.freeze_panes != "A1"
    assert sh.column_dimensions["A"].width >= 18
    levels = [d.outline_level for d in sh.row_dimensions.values()]
    assert any(lv > 0 for lv in levels), "totals' items are grouped in an outline"
    # periods run left to right in time order within a block's header row
    hdr_row = next(r for r in range(1, 10) if any(
        isinstance(c.value, str) and re.match(r"\dM to \d{4}", c.value) for c in sh[r]))
    periods = [re.search(r"(\d+)M to (\d{4}-\d\d-\d\d)", c.value).group(2, 1)
               for c in sh[hdr_row] if isinstance(c.value, str) and re.match(r"\d+M to", c.value)]
    assert periods == sorted(periods, key=lambda p: (p[0], int(p[1])))


def test_totals_are_sums_beside_the_printed_total_with_a_highlight_rule(book):
    ws, res, wb, _ = book
    assert len(res.totals) > 50
    sheets_with_totals = {a[0] for (a, _p, _t) in res.totals.values()}
    for name in sheets_with_totals:
        rules = wb[name].conditional_formatting
        formulas = [f for cf in rules for r in cf.rules for f in (r.formula or [])]
        assert any(f.startswith("ABS(") for f in formulas), name
    for fid, ((s, a), (s2, p), tol) in res.totals.items():
        assert s == s2 and tol >= 0
        formula = wb[s][a].value
        assert formula.startswith("=SUM(") and formula.count("(") >= 1
        assert res.formulas[(s, a)] == pytest.approx(res.formulas[(s, a)])


def test_sources_sheet_gives_release_and_line_of_every_value(book):
    ws, res, wb, _ = book
    sh = wb["Sources"]
    hdr = [c.value for c in sh[1]]
    col = {h: i for i, h in enumerate(hdr)}
    assert sh.max_row - 1 == len(ws.facts)
    n_links = 0
    for row in sh.iter_rows(min_row=2, max_row=60):
        fid = int(row[col["Fact id"]].value)
        rec = ws.facts.loc[fid]
        assert row[col["Release"]].value == rec["doc"]
        assert row[col["Line"]].value == rec["line"]
        assert row[col["Printed"]].value == rec["printed"]
        link = row[col["Cell"]].hyperlink
        assert link is not None
        sheet, ref = res.cells[fid]
        assert link.location.replace("'", "") == f"{sheet}!{ref}"
        n_links += 1
        src = row[col["Source line"]].value
        if rec["printed"].strip() and src:
            assert rec["printed"].strip("()") in src
    assert n_links >= 50


def test_findings_sheet_links_to_the_cells_involved(book):
    ws, res, wb, _ = book
    sh = wb["Findings"]
    assert len(ws.findings) > 0
    assert sh.max_row - 1 == len(ws.findings)
    hdr = [c.value for c in sh[1]]
    first_link = hdr.index("Cells")
    by_id = {f.id: f for f in ws.findings.itertuples()}
    linked = 0
    for row in sh.iter_rows(min_row=2):
        f = by_id[row[hdr.index("Finding id")].value]
        assert row[hdr.index("Message")].value == f.message
        want = [res.cells[i] for i in fact_ids_of(f.fact_ids) if i in res.cells]
        links = [c.hyperlink.location.replace("'", "") for c in row[first_link:] if c.hyperlink]
        assert links[:len(want)] == [f"{s}!{r}" for s, r in want][:len(links)]
        linked += bool(links)
    assert linked >= 0.9 * len(ws.findings)


def test_cells_in_findings_carry_the_finding_in_a_comment(book):
    ws, res, wb, _ = book
    f = ws.findings.iloc[0]
    fid = fact_ids_of(f["fact_ids"])[0]
    where = res.check_cells.get(fid) or res.cells[fid]
    c = _cell(wb, where)
    assert c.comment is not None and f["message"][:40] in c.comment.text


def test_timeline_links_to_statement_cells(book):
    ws, res, wb, _ = book
    sh = wb["Timeline"]
    formulas = [c.value for row in sh.iter_rows(min_row=3, max_row=80) for c in row
                if isinstance(c.value, str) and c.value.startswith("=")]
    assert formulas
    assert any("!" in f for f in formulas)
    periods = [c.value for c in sh[2][4:] if c.value]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d", p) for p in periods)


def test_native_charts(book):
    ws, res, wb, path = book
    import zipfile

    with zipfile.ZipFile(path) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) >= 3
        xml = " ".join(z.read(n).decode("utf-8") for n in charts)
    assert "Timeline" in xml and "Revenue" in xml and "Operating income" in xml


def test_workbook_properties(book):
    ws, res, wb, _ = book
    p = wb.properties
    assert "iijdesk" in (p.title or "")
    assert all(d in (p.description or "") for d in ws.documents)
    custom = {c.name: c.value for c in wb.custom_doc_props.props}
    assert custom["iijdesk version"] == __version__
    assert all(d in custom["Source releases"] for d in ws.documents)
    assert re.match(r"\d{4}-\d\d-\d\dT", str(custom["Exported at"]))


def test_statement_labels_link_to_their_sources(book):
    ws, res, wb, _ = book
    src = wb["Sources"]
    hdr = {c.value: i for i, c in enumerate(src[1])}
    checked = 0
    for fid in list(res.cells)[:300:7]:
        sheet, ref = res.cells[fid]
        row = wb[sheet][ref].row
        label = wb[sheet].cell(row, 1)
        assert label.hyperlink is not None and label.hyperlink.location.startswith("Sources!A")
        target = int(label.hyperlink.location.split("!A")[1])
        line = src.cell(target, hdr["Line"] + 1).value
        doc = src.cell(target, hdr["Release"] + 1).value
        assert doc == ws.facts.at[fid, "doc"]
        assert label.value == src.cell(target, hdr["Row label"] + 1).value
        assert isinstance(line, int)
        checked += 1
    assert checked >= 30
