"""Updating the analyst's own model: link, audit, fill, roll forward (iijdesk.core.model_update).

The models are built here from the gold facts of the five sample releases (tests.model_builder)
with planted errors; the facts they are updated from are the ones iijdesk extracts from the
releases themselves."""
from __future__ import annotations

import hashlib
import math
from datetime import date, datetime

import pandas as pd
import pytest

from iijdesk.core import facts as F
from iijdesk.core.model_update import (FiscalCalendar, ModelError, analyse, load_model, parse_label, resolve,
                                       update_model)
from iijdesk.core.model_update.labels import next_token
from iijdesk.core.model_update.link import FactIndex
from iijdesk.core.model_update.roll import WRITTEN_FILL_RGB
from tests.conftest import RELEASES
from tests.lo_recalc import find_soffice, recalc
from tests.model_builder import MILLION, build_model_a, build_model_b, gold_facts


@pytest.fixture(scope="module")
def facts():
    from iijdesk.core.workspace import Workspace

    ws = Workspace()
    ws.add_files(RELEASES)
    return ws.facts


@pytest.fixture(scope="module")
def index(facts):
    return FactIndex(facts)


@pytest.fixture(scope="module", params=["a", "b"])
def updated(request, facts, index, tmp_path_factory):
    d = tmp_path_factory.mktemp(f"model_{request.param}")
    model = d / "model.xlsx"
    plan = (build_model_a if request.param == "a" else build_model_b)(model)
    before = hashlib.sha256(model.read_bytes()).hexdigest()
    out = d / "model-updated.xlsx"
    res = update_model(str(model), facts, str(out), index=index)
    return plan, res, model, out, before


# -- period labels ---------------------------------------------------------------------
MARCH_BY_START = FiscalCalendar(3, named_by_start=True)     # FY2008 = Apr 2008 - Mar 2009
JUNE_BY_END = FiscalCalendar(6)                             # FY2025 = Jul 2024 - Jun 2025


@pytest.mark.parametrize("label,cal,end,months", [
    ("1Q25", JUNE_BY_END, date(2024, 9, 30), 3),
    ("Q1 FY2025", JUNE_BY_END, date(2024, 9, 30), 3),
    ("FY2024", JUNE_BY_END, date(2024, 6, 30), 12),
    ("3Q12", MARCH_BY_START, date(2012, 12, 31), 3),
    ("3Q12", FiscalCalendar(3, True, cumulative_quarters=True), date(2012, 12, 31), 9),
    ("FY2008", MARCH_BY_START, date(2009, 3, 31), 12),
    ("1H10", MARCH_BY_START, date(2010, 9, 30), 6),
    ("9M09", MARCH_BY_START, date(2009, 12, 31), 9),
    ("Q4 2024", FiscalCalendar(), date(2024, 12, 31), 3),
    ("2025 Q1", FiscalCalendar(), date(2025, 3, 31), 3),
    ("Dec-09", FiscalCalendar(), date(2009, 12, 31), 3),
    ("December 31, 2009", FiscalCalendar(), date(2009, 12, 31), 3),
    ("Three months ended December 31, 2009", FiscalCalendar(), date(2009, 12, 31), 3),
    ("2009-12-31", FiscalCalendar(), date(2009, 12, 31), 3),
    (datetime(2009, 12, 1), FiscalCalendar(), date(2009, 12, 31), 3),   # "Dec-09" typed in Excel
])
def test_period_labels_as_analysts_write_them(label, cal, end, months):
    p = resolve(parse_label(label), cal, date_months=3)
    assert (p.end, p.months) == (end, months)


def test_labels_that_are_not_periods():
    for text in ("Total revenues", "JPY millions", "Q5 2024", "Note 4", 2007.5, 12, None, True):
        assert parse_label(text) is None, text


def test_the_next_period_is_written_like_the_last():
    assert next_token(parse_label("2Q10"), 3).text == "3Q10"
    assert next_token(parse_label("4Q10"), 3).text == "1Q11"
    assert next_token(parse_label("Q4 FY2025"), 3).text == "Q1 FY2026"
    assert next_token(parse_label("3Q10E"), 3).text == "4Q10"
    assert next_token(parse_label("Dec-09"), 3).text == "Mar-10"
    assert next_token(parse_label("FY2009"), 12).text == "FY2010"


# -- layout ----------------------------------------------------------------------------
def test_the_layouts_are_found(updated):
    plan, res, *_ = updated
    lay = next(l for l in res.layouts if l.sheet == plan.sheet)
    if plan.sheet == "Model":             # one header row, labels in column A
        assert (lay.period_row, lay.year_row, lay.label_col) == (3, None, 1)
    else:                                 # years over quarters, labels in column B, indented
        assert (lay.period_row, lay.year_row, lay.label_col) == (3, 2, 2)
        assert "Cover" in res.skipped
        assert {ra.level for ra in res.rows[plan.sheet]} == {1, 2}
    # the releases' numbers decide what "3Q09" means: IIJ's fiscal year ends in March and is
    # named by the year it starts in
    assert (lay.calendar.fy_end_month, lay.calendar.named_by_start) == (3, True)


def test_a_layout_can_be_overridden(facts, index, tmp_path):
    from iijdesk.core.model_update import LayoutChoice

    model = tmp_path / "m.xlsx"
    build_model_a(model)
    wb = load_model(str(model))
    res = analyse(wb, facts, {"Model": LayoutChoice(period_row=3, label_col=1)}, index=index)
    assert res.layouts[0].period_row == 3 and len(res.findings) == 6
    res = analyse(load_model(str(model)), facts, {"Model": LayoutChoice(skip=True)}, index=index)
    assert not res.layouts and res.skipped == ["Model"]


# -- link and audit --------------------------------------------------------------------
def test_every_planted_error_is_reported_and_nothing_else(updated):
    plan, res, *_ = updated
    found = {f.cell: f.kind for f in res.findings if f.sheet == plan.sheet}
    assert found == plan.planted
    for f in res.findings:
        assert f.release_value is not None and f.sources and f.sources[0].line > 0
        assert f.message


def test_the_audit_gives_the_release_value_and_the_reason(updated):
    plan, res, *_ = updated
    for f in res.findings:
        x = plan.hard_coded[f.cell]
        if f.kind == "model_scale":
            assert "1,000 times" in f.message
        if f.kind == "model_sign":
            assert "sign" in f.message and f.release_value * f.model_value < 0
        # the release value is the figure the analyst meant, in the row's units
        assert math.isclose(f.release_value, x, rel_tol=1e-3, abs_tol=0.5), (f.cell, f.release_value, x)


def test_the_hard_coded_history_is_linked_to_its_source(updated):
    plan, res, model, out, _ = updated
    import openpyxl

    linked = {k.cell for k in res.links if k.sheet == plan.sheet}
    sourced = {c for c in plan.hard_coded if c not in plan.planted}
    assert sourced <= linked, sorted(sourced - linked)[:5]
    ws = openpyxl.load_workbook(out)[plan.sheet]
    for k in res.links:
        text = ws[k.cell].comment.text
        assert k.sources[0].doc in text and f"line {k.sources[0].line}" in text
        assert k.sources[0].table in text


# -- fill and roll forward ----------------------------------------------------------------
def test_the_missing_quarter_is_filled_equal_to_the_gold(updated):
    plan, res, *_ = updated
    gold = gold_facts()
    written = {w.cell: w for w in res.written if w.sheet == plan.sheet and w.kind == "value"}
    assert set(plan.expected_fill) == set(written), (sorted(set(plan.expected_fill) ^ set(written)))
    for cell, want in plan.expected_fill.items():
        got = written[cell].value * MILLION
        # within the rounding of the gold's own printing of the line, and exactly a gold fact
        assert abs(got - want * MILLION) <= 0.5 * MILLION + 1, (cell, got, want)
        assert (gold["value"] - got).abs().min() < 1e-3 * MILLION / 1000 + 1, (cell, got)


def test_the_new_period_column_has_a_header_like_the_others(updated):
    plan, res, model, out, _ = updated
    import openpyxl

    ws = openpyxl.load_workbook(out)[plan.sheet]
    head = ws[f"{plan.new_column}3"]
    assert head.value == ("2Q10" if plan.sheet == "Model" else "Q2")
    assert any(w.period == ("2Q10" if plan.sheet == "Model" else "Q2 FY2010") for w in res.written)
    assert head.fill.fgColor.rgb == WRITTEN_FILL_RGB


def test_every_written_cell_is_marked(updated):
    plan, res, model, out, _ = updated
    import openpyxl

    ws = openpyxl.load_workbook(out)[plan.sheet]
    for w in res.written:
        cell = ws[w.cell]
        assert cell.fill.fgColor.rgb == WRITTEN_FILL_RGB, w.cell
        assert cell.comment is not None and "iijdesk" in cell.comment.text
        if w.kind == "value":
            assert w.sources[0].doc in cell.comment.text


def test_formulas_of_the_analysts_rows_are_copied_across(updated):
    plan, res, model, out, _ = updated
    import openpyxl

    ws = openpyxl.load_workbook(out)[plan.sheet]
    new = [w for w in res.written if w.kind == "formula"]
    assert new
    for w in new:
        assert ws[w.cell].value.startswith("=")
        assert plan.new_column in ws[w.cell].value           # the references moved with it


def test_the_original_model_is_untouched(updated):
    plan, res, model, out, before = updated
    assert hashlib.sha256(model.read_bytes()).hexdigest() == before
    assert out.exists() and res.output == str(out)


def test_every_formula_and_sheet_is_kept(updated):
    plan, res, model, out, _ = updated
    import openpyxl

    a, b = openpyxl.load_workbook(model), openpyxl.load_workbook(out)
    assert a.sheetnames == b.sheetnames
    for name in a.sheetnames:
        for row in a[name].iter_rows():
            for cell in row:
                got = b[name][cell.coordinate]
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    assert got.value == cell.value, cell.coordinate
                    assert got.number_format == cell.number_format
                elif cell.value is not None:
                    assert got.value == cell.value, cell.coordinate     # no figure was changed
                assert _look(got) == _look(cell), cell.coordinate
    assert [str(r) for r in a[plan.sheet].merged_cells.ranges] == [str(r) for r in b[plan.sheet].merged_cells.ranges]
    assert not [n for n in res.notes if "lost" in n]


def _look(cell):
    f, a = cell.font, cell.alignment
    return (f.b, f.i, f.sz, f.name, a.indent, a.horizontal, cell.number_format)


@pytest.mark.skipif(find_soffice() is None, reason="LibreOffice (soffice) not installed; cannot recalculate")
def test_libreoffice_recalculates_every_formula_right(updated, tmp_path):
    plan, res, model, out, _ = updated
    import openpyxl

    calc = openpyxl.load_workbook(recalc(out, tmp_path / "lo"), data_only=True)[plan.sheet]
    kept = openpyxl.load_workbook(out)[plan.sheet]

    def get(coord):
        v = calc[coord].value
        return 0.0 if v is None or v == "" else float(v)

    checked = 0
    for coord, fn in plan.checks.items():
        if not (isinstance(kept[coord].value, str) and kept[coord].value.startswith("=")):
            continue
        got, want = calc[coord].value, fn(get)
        assert isinstance(got, (int, float)), (coord, got)
        assert math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-9), (coord, got, want)
        checked += 1
    assert checked >= len(plan.formulas)


# -- candidates, refusals ------------------------------------------------------------------
def _fact(doc, line, table, label, end, value, printed, scale=1000):
    return {"doc": doc, "line": line, "table": table, "row_label": label, "col_label": "3M",
            "period_end": end, "period_months": 3, "measure": "value", "unit": "USD", "scale": scale,
            "printed": printed, "value": value, "kind": "income"}


def test_several_candidates_are_offered_not_guessed(tmp_path):
    """Revenue printed by the income statement and by the segment table agrees for three
    quarters and differs in the fourth: the row is linked to both, the fourth is not written."""
    import openpyxl

    ends = ["2024-03-31", "2024-06-30", "2024-09-30", "2024-12-31"]
    vals = [101234, 102345, 103456]
    rows = []
    for i, (e, v) in enumerate(zip(ends, vals + [104567])):
        rows.append(_fact("r.txt", 10 + i, "Statements of Income", "Net sales", e, v * 1000.0, f"{v:,}"))
    for i, (e, v) in enumerate(zip(ends, vals + [104999])):
        rows.append(_fact("r.txt", 50 + i, "Segment information", "Total segment revenue", e, v * 1000.0, f"{v:,}"))
    facts = F.normalise(pd.DataFrame(rows))
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["USD thousands", "Q1 2024", "Q2 2024", "Q3 2024"])
    ws.append(["Revenue"] + vals)
    model = tmp_path / "m.xlsx"
    wb.save(model)
    res = update_model(str(model), facts, str(tmp_path / "out.xlsx"))
    ra = res.rows[ws.title][0]
    assert len(ra.candidates) == 2 and not res.findings
    assert not [w for w in res.written if w.kind == "value"]
    assert any("several candidates" in n and "104,567" in n and "104,999" in n for n in res.notes)


def test_the_model_is_never_overwritten(facts, index, tmp_path):
    model = tmp_path / "m.xlsx"
    build_model_a(model)
    with pytest.raises(ModelError, match="the model itself"):
        update_model(str(model), facts, str(model), overwrite=True, index=index)
    out = tmp_path / "out.xlsx"
    out.write_bytes(b"x")
    with pytest.raises(ModelError, match="already exists"):
        update_model(str(model), facts, str(out), index=index)


@pytest.mark.parametrize("name,content,message", [
    ("old.xls", b"\xd0\xcf\x11\xe0", "old-format"),
    ("notes.xlsx", b"not a zip", "not an Excel workbook"),
    ("missing.xlsx", None, "no such file"),
])
def test_bad_models_are_clear_messages(facts, index, tmp_path, name, content, message):
    model = tmp_path / name
    if content is not None:
        model.write_bytes(content)
    with pytest.raises(ModelError, match=message):
        update_model(str(model), facts, str(tmp_path / "out.xlsx"), index=index)


def test_a_sheet_without_periods_is_said(facts, index, tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["Revenue", 1, 2, 3])
    model = tmp_path / "m.xlsx"
    wb.save(model)
    with pytest.raises(ModelError, match="no sheet names periods"):
        update_model(str(model), facts, str(tmp_path / "out.xlsx"), index=index)


def test_dates_as_headers_link_like_labels(facts, index, tmp_path):
    """Excel dates across (a model kept by calendar quarter ends) and text dates."""
    import openpyxl

    gold = gold_facts()
    ends = ["2008-12-31", "2009-03-31"]
    want = [float(gold[(gold["n"] == "total revenue") & (gold["period_end"] == e) &
                       (gold["period_months"] == "3") & (gold["scale"] == "1000")]["value"].iloc[0])
            for e in ends]
    for header in ([datetime(2008, 12, 31), datetime(2009, 3, 31)], ["Dec-08", "Mar-09"]):
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append(["JPY thousands"] + header)
        ws.append(["Revenues"] + [w / 1000 for w in want])
        model = tmp_path / "d.xlsx"
        wb.save(model)
        res = analyse(load_model(str(model)), facts, index=index)
        assert len(res.links) == 2 and not res.findings, header


def test_an_estimate_column_is_compared_not_overwritten(tmp_path):
    """"Q2 2024E" holds the analyst's estimate; the release now prints the actual: an info
    finding with both, and the estimate stays."""
    import openpyxl

    vals = [101234, 102345, 103456]
    rows = [_fact("r.txt", 10 + i, "Statements of Income", "Net sales", e, v * 1000.0, f"{v:,}")
            for i, (e, v) in enumerate(zip(["2024-03-31", "2024-06-30", "2024-09-30"], vals))]
    facts = F.normalise(pd.DataFrame(rows))
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Code", "USD thousands", "Q1 2024", "Q2 2024", "Q3 2024E"])
    ws.append(["IS1", "Net sales", vals[0], vals[1], 99000])
    model = tmp_path / "m.xlsx"
    wb.save(model)
    out = tmp_path / "out.xlsx"
    res = update_model(str(model), facts, str(out))
    assert res.layouts[0].label_col == 2                   # the labels, not the short codes
    [f] = res.findings
    assert (f.kind, f.severity, f.cell, f.release_value) == ("model_estimate", "info", "E2", vals[2])
    assert openpyxl.load_workbook(out).active["E2"].value == 99000
