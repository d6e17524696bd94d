"""Recalculate the exported workbook with LibreOffice: every formula must come out as the value
iijdesk computed, and each printed total's check column must agree with the findings."""
from __future__ import annotations

import math

import pytest

from iijdesk.core.export.writer import fact_ids_of
from tests.lo_recalc import find_soffice, recalc

pytestmark = pytest.mark.skipif(find_soffice() is None,
                                reason="LibreOffice (soffice) not installed; cannot recalculate")


def _export_and_recalc(ws, tmp_path):
    import openpyxl

    from iijdesk.core.export import export_workbook

    # No cached results: whatever a formula cell holds afterwards, LibreOffice computed it.
    res = export_workbook(ws, tmp_path / "book.xlsx", cached_values=False)
    out = recalc(res.path, tmp_path / "recalculated")
    return res, openpyxl.load_workbook(out, data_only=True)


def _sum_mismatches(ws) -> set:
    """Total fact ids the reconciliation reports as not adding up."""
    out = set()
    for f in ws.findings.itertuples():
        if f.kind == "sum_mismatch":
            ids = fact_ids_of(f.fact_ids)
            if ids:
                out.add(ids[0])
    return out


def _assert_formulas(res, wb):
    bad = []
    for (sheet, ref), want in res.formulas.items():
        got = wb[sheet][ref].value
        if not isinstance(got, (int, float)) or not math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-6):
            bad.append((sheet, ref, got, want))
    assert not bad, f"{len(bad)} of {len(res.formulas)} formulas differ, e.g. {bad[:5]}"


def _flagged(res, wb) -> set:
    out = set()
    for fid, ((s, a), (s2, p), tol) in res.totals.items():
        if abs(wb[s][a].value - wb[s2][p].value) > tol:
            out.add(fid)
    return out


@pytest.fixture(scope="module")
def recalculated(real_ws, tmp_path_factory):
    return _export_and_recalc(real_ws, tmp_path_factory.mktemp("recalc"))


def test_every_formula_recalculates_to_the_value_iijdesk_computed(recalculated):
    res, wb = recalculated
    assert len(res.formulas) > 1000
    _assert_formulas(res, wb)


def test_printed_totals_check_column_agrees_with_findings(real_ws, recalculated):
    res, wb = recalculated
    flagged = _flagged(res, wb)
    findings = _sum_mismatches(real_ws)
    exported = findings & set(res.totals)
    assert flagged == exported, (
        f"flagged without a finding: {sorted(flagged - exported)[:10]}; "
        f"finding not flagged: {sorted(exported - flagged)[:10]}")
    # every sum the checks report is a formula in the workbook
    assert findings <= set(res.totals)


def test_an_edit_that_breaks_a_sum_is_flagged_live(tmp_path):
    """Edit one item of a total so it no longer adds up: the reconciliation reports it and the
    recalculated workbook shades the same total; the edited cell says what it replaced."""
    import openpyxl

    from iijdesk.core.export import export_workbook
    from iijdesk.core.workspace import Workspace
    from tests.conftest import release

    ws = Workspace()
    assert ws.add_files([release("000")])[0].ok
    res0 = export_workbook(ws, tmp_path / "before.xlsx")
    before = _sum_mismatches(ws)
    f = ws.facts
    edited = None
    for total in [t for t in res0.totals if t not in before and f.at[t, "unit"] == "JPY"][:40]:
        sheet, ref = res0.cells[total]
        formula = _formula_of(res0.path, sheet, ref)
        items = [fid for fid, (s, r) in res0.cells.items()
                 if s == sheet and r != ref and _in_sum(r, formula) and fid not in res0.totals
                 and not math.isnan(f.at[fid, "value"])]
        if not items:
            continue
        item = items[0]
        old_printed = f.at[item, "printed"]
        edit = ws.apply_edit(item, float(f.at[item, "value"]) + 1000 * int(f.at[item, "scale"]))
        # (a full re-run: the engine's incremental recheck only re-evaluates checks built
        # for sums that missed when it last ran)
        ws.recheck_all()
        if total in _sum_mismatches(ws):
            edited = (total, item, old_printed)
            break
        ws.revert_edit(edit)
        ws.recheck_all()
    assert edited, "no total the checks verify could be broken by an edit"
    total, item, old_printed = edited

    res, wb = _export_and_recalc(ws, tmp_path)
    _assert_formulas(res, wb)
    flagged = _flagged(res, wb)
    findings = _sum_mismatches(ws) & set(res.totals)
    assert total in flagged
    assert findings <= flagged
    # Anything else shaded adds up the edited cell too (the workbook's own live sums).
    sheet, ref = res.cells[item]
    for other in flagged - findings:
        s, r = res.cells[other]
        assert s == sheet and _in_sum(ref, _formula_of(res.path, s, r)), other
    comment = openpyxl.load_workbook(res.path)[sheet][ref].comment
    assert comment is not None and "Edited" in comment.text and old_printed in comment.text


def _formula_of(path, sheet, ref) -> str:
    import openpyxl

    return openpyxl.load_workbook(path)[sheet][ref].value


def _in_sum(ref: str, formula: str) -> bool:
    """Whether cell `ref` is one of the cells a SUM formula adds."""
    from openpyxl.utils.cell import coordinate_from_string, range_boundaries

    col, row = coordinate_from_string(ref)
    from openpyxl.utils import column_index_from_string

    c = column_index_from_string(col)
    for part in formula.split("(", 1)[1].rstrip(")").replace(")-SUM(", ",").split(","):
        part = part.strip()
        if ":" not in part:
            part = f"{part}:{part}"
        c0, r0, c1, r1 = range_boundaries(part)
        if c0 <= c <= c1 and r0 <= row <= r1:
            return True
    return False


def test_sheet_names_from_awkward_release_names_recalculate(tmp_path):
    """Release names with quotes, brackets and a leading '=' become sheet names that formulas
    on other sheets (Timeline) still reference correctly."""
    import pandas as pd

    from iijdesk.core import facts as F
    from iijdesk.core.workspace import Workspace

    rows = []
    for doc, labels in (("it's [Q1].txt", ["Sales", "Other"]), ("=x'y.txt", ["Revenue", "Misc"])):
        for i, lab in enumerate(labels + ["Total"]):
            for c, end in enumerate(("2010-03-31", "2009-03-31")):
                v = (10 + c, 5, 15 + c)[i]
                rows.append(dict(doc=doc, line=10 + i, table="T", kind="income", parent="",
                                 row_label=lab, row=i, level=0, is_total=i == 2,
                                 col_label=f"FY {end}", col=c, period_end=end, period_months=12,
                                 measure="value", unit="JPY", scale=1_000_000, printed=str(v),
                                 value=v * 1e6))
    ws = Workspace()
    ws.facts = F.normalise(pd.DataFrame(rows))
    res, wb = _export_and_recalc(ws, tmp_path)
    assert "Income it's _Q1_" in res.sheets and "Income =x'y" in res.sheets
    assert len(res.totals) == 4
    _assert_formulas(res, wb)
    assert not _flagged(res, wb)


def test_an_edit_keeps_the_sum_formula_and_shades_it(tmp_path):
    """Sums are found on the values as printed: after an edit breaks one, the total is still a
    live formula and the recalculated workbook shades it."""
    from iijdesk.core.export import export_workbook
    from iijdesk.core.workspace import Workspace
    from tests.conftest import release

    ws = Workspace()
    assert ws.add_files([release("003")])[0].ok
    res0 = export_workbook(ws, tmp_path / "before.xlsx")
    f = ws.facts
    total = next(t for t in res0.totals if t not in _sum_mismatches(ws) and f.at[t, "unit"] == "JPY")
    sheet, ref = res0.cells[total]
    formula = _formula_of(res0.path, sheet, ref)
    item = next(fid for fid, (s, r) in res0.cells.items()
                if s == sheet and r != ref and _in_sum(r, formula) and fid not in res0.totals
                and not math.isnan(f.at[fid, "value"]))
    ws.apply_edit(item, float(f.at[item, "value"]) + 1000 * int(f.at[item, "scale"]))
    res, wb = _export_and_recalc(ws, tmp_path)
    assert res.cells[total] == (sheet, ref) and total in res.totals
    _assert_formulas(res, wb)
    assert total in _flagged(res, wb)
