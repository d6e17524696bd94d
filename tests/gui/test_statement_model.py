"""The grid model's layout rules on small frames written out by hand (the contract, not a release)."""
from __future__ import annotations

import pandas as pd
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack

from iijdesk.core import facts as F
from iijdesk.core import reconcile
from iijdesk.core.workspace import Workspace
from iijdesk.gui.bridge import WorkspaceBridge
from iijdesk.gui.statement_model import SEVERITY_COLORS, SEVERITY_ROLE, StatementModel


def fact(doc="a.txt", table_id="a.txt#0", row=0, col=0, label="Revenues", end="2010-03-31", months=12,
         value=1000e6, unit="JPY", scale=1_000_000, measure="value", parent="", level=0, total=False,
         kind="income", line=None):
    return dict(doc=doc, line=line if line is not None else 10 + row, table="T", table_id=table_id, kind=kind,
                parent=parent, row_label=label, row=row, level=level, is_total=total, col_label=f"col {col}",
                col=col, period_end=end, period_months=months, measure=measure, unit=unit, scale=scale,
                printed="", value=value, decimals=1 if unit == "percent" else 0)


def workspace(rows, findings=None) -> Workspace:
    ws = Workspace()
    ws.facts = F.normalise(pd.DataFrame(rows))
    if findings is not None:
        ws.findings = pd.DataFrame(findings, columns=reconcile.FINDING_COLUMNS)
    return ws


@pytest.fixture
def stack(qapp):
    return QUndoStack()


def test_columns_are_periods_in_time_order_with_captions(stack):
    ws = workspace([
        fact(col=0, end="2010-03-31", value=120e6), fact(col=1, end="2009-03-31", value=100e6),
        fact(col=2, end="2010-03-31", measure="yoy_pct", unit="percent", scale=1, value=20.0),
        fact(row=1, col=0, label="Costs", end="2010-03-31", value=-80e6),
        fact(row=1, col=1, label="Costs", end="2009-03-31", value=-75.4e6),
    ])
    m = StatementModel(ws, stack)
    m.set_table("a.txt#0")
    assert [m.column_header(c) for c in range(3)] == [
        "12M to 2009-03-31\nJPY mn", "12M to 2010-03-31\nJPY mn", "12M to 2010-03-31\nYoY %"]
    assert [m.cell_text(0, c) for c in range(3)] == ["100", "120", "20.0%"]
    assert [m.cell_text(1, c) for c in range(3)] == ["(75)", "(80)", ""]
    assert m.flags(m.index(1, 2)) & Qt.ItemIsEditable == Qt.NoItemFlags      # no number, no edit


def test_instants_and_section_rows(stack):
    ws = workspace([
        fact(row=1, label="Cash", parent="ASSETS", level=1, end="2010-03-31", months=0, kind="balance"),
        fact(row=2, label="Total assets", level=0, total=True, end="2010-03-31", months=0, kind="balance"),
    ])
    m = StatementModel(ws, stack)
    m.set_table("a.txt#0")
    labels = [m.headerData(r, Qt.Vertical) for r in range(m.rowCount())]
    assert labels == ["ASSETS", "    Cash", "Total assets"]           # heading without numbers shown
    assert m.column_header(0) == "at 2010-03-31\nJPY mn"
    assert m.headerData(2, Qt.Vertical, Qt.FontRole).bold()
    assert m.data(m.index(2, 0), Qt.FontRole).bold()


def test_a_damaged_row_with_two_numbers_in_one_period_gets_its_own_column(stack):
    rows = [fact(row=r, col=c, label=f"Item {r}", end=e, value=(r + 1) * 1e6)
            for r in range(20) for c, e in enumerate(["2009-03-31", "2010-03-31"])]
    rows.append(fact(row=5, col=2, label="Item 5", end="2010-03-31", value=7e6))   # a stray third number
    m = StatementModel(workspace(rows), stack)
    m.set_table("a.txt#0")
    assert m.columnCount() == 3
    assert m.column_header(2) == m.column_header(1)                    # same period, extra column last
    assert [m.cell_text(5, c) for c in range(3)] == ["6", "6", "7"]


def test_columns_that_are_not_periods_stay_as_printed(stack):
    # An equity statement: the columns are components, every row has its own period.
    rows = []
    for r, (label, end, months) in enumerate([("Balance", "2009-03-31", 0), ("Net income", "2010-03-31", 12),
                                              ("Balance", "2010-03-31", 0)]):
        for c in range(4):
            rows.append(fact(row=r, col=c, label=label, end=end, months=months, value=(c + 1) * 1e6, kind="equity"))
    m = StatementModel(workspace(rows), stack)
    m.set_table("a.txt#0")
    assert m.columnCount() == 4 and m.rowCount() == 3
    assert [m.column_header(c).split("\n")[0] for c in range(4)] == ["col 0", "col 1", "col 2", "col 3"]


def test_a_kind_across_releases_merges_rows_and_the_later_release_wins(stack):
    ws = workspace([
        fact(doc="q1.txt", table_id="q1.txt#0", row=0, label="Revenues", end="2009-06-30", months=3, value=10e6),
        fact(doc="q1.txt", table_id="q1.txt#0", row=1, label="Costs", end="2009-06-30", months=3, value=8e6),
        fact(doc="q2.txt", table_id="q2.txt#0", row=0, label="Revenues", end="2009-09-30", months=3, value=11e6),
        fact(doc="q2.txt", table_id="q2.txt#0", row=1, label="Other income", end="2009-09-30", months=3, value=1e6),
        fact(doc="q2.txt", table_id="q2.txt#0", row=2, label="Costs", end="2009-09-30", months=3, value=9e6),
        # q2 restates q1's revenues
        fact(doc="q2.txt", table_id="q2.txt#0", row=0, col=1, label="Revenues", end="2009-06-30", months=3,
             value=10.5e6),
    ])
    m = StatementModel(ws, stack)
    m.set_kind("income")
    assert [m.row_label(r) for r in range(m.rowCount())] == ["Revenues", "Other income", "Costs"]
    assert [m.column_header(c).split("\n")[0] for c in range(2)] == ["3M to 2009-06-30", "3M to 2009-09-30"]
    assert ws.facts.at[m.fact_id(m.index(0, 0)), "value"] == 10.5e6         # the restated figure
    assert ws.facts.at[m.fact_id(m.index(0, 0)), "doc"] == "q2.txt"
    assert ws.facts.at[m.fact_id(m.index(2, 0)), "doc"] == "q1.txt"


def test_findings_highlight_by_severity_and_follow_edits(stack):
    rows = [fact(row=0, label="A", value=1e6), fact(row=1, label="B", value=2e6),
            fact(row=2, label="Total", total=True, value=4e6)]
    ws = workspace(rows)
    ws.findings = pd.DataFrame([dict(id="x", rule="sum", kind="sum_mismatch", severity="warning", doc="a.txt",
                                     lines="10;11;12", fact_ids="0;1;2", expected=3e6, actual=4e6,
                                     difference=1e6, message="A + B does not add to Total", fix_fact=2,
                                     fix_value=3e6)], columns=reconcile.FINDING_COLUMNS)
    m = StatementModel(ws, stack)
    m.set_table("a.txt#0")
    assert [m.data(m.index(r, 0), SEVERITY_ROLE) for r in range(3)] == ["warning"] * 3
    assert m.data(m.index(2, 0), Qt.BackgroundRole) == SEVERITY_COLORS["warning"]
    tip = m.data(m.index(2, 0), Qt.ToolTipRole)
    assert "A + B does not add to Total" in tip and "Expected: <b>3</b>" in tip and "set this cell to <b>3</b>" in tip
    ws.findings = reconcile.empty_findings()
    m.on_findings_changed()
    assert m.data(m.index(2, 0), Qt.BackgroundRole) is None


def test_edits_invalidate_only_their_cells_and_are_undoable(stack):
    rows = [fact(row=r, col=c, label=f"Item {r}", end=e, value=(r + 1) * 1e6)
            for r in range(1000) for c, e in enumerate(["2009-03-31", "2010-03-31"])]
    ws = workspace(rows)
    m = StatementModel(ws, stack)
    bridge = WorkspaceBridge(ws)                  # as the window wires it
    bridge.factsChanged.connect(m.on_facts_changed)
    bridge.findingsChanged.connect(m.on_findings_changed)
    m.set_table("a.txt#0")
    assert m.rowCount() == 1000
    assert m.cell_text(999, 1) == "1,000"
    m.cell_text(0, 0)
    changed = []
    m.dataChanged.connect(lambda a, b: changed.append((a.row(), a.column(), b.row(), b.column())))
    assert m.setData(m.index(500, 1), "(2,500)")
    assert (500, 1, 500, 1) in changed
    assert m.cell_text(500, 1) == "(2,500)" and m.cell_text(500, 0) == "501"
    assert m._text[0] is not None                      # the other column's strings are kept
    assert m.data(m.index(500, 1), Qt.BackgroundRole) is not None          # marked as edited
    stack.undo()
    assert m.cell_text(500, 1) == "501"
    assert m.data(m.index(500, 1), Qt.BackgroundRole) is None


def test_highlights_follow_an_edit_by_delta_as_a_full_reindex_would(stack):
    """After an edit the grid updates its highlights from the workspace's delta (what the
    re-check changed), not by reading every finding; the result is what reading them all
    gives, for the fix applied and for the fix undone."""
    from tests.conftest import release
    ws = Workspace()
    ws.add_files([release("000")])
    f = ws.findings
    fixable = f[f["fix_fact"].notna() & f["fix_value"].notna()].iloc[0]
    fid = int(fixable["fix_fact"])
    m = StatementModel(ws, stack)
    bridge = WorkspaceBridge(ws)
    bridge.findingsChanged.connect(m.on_findings_changed)
    m.set_table(ws.facts.at[fid, "table_id"])
    assert m.severity(fid)

    def same_as_a_fresh_model():
        fresh = StatementModel(ws, QUndoStack())
        fresh.set_table(m.key)
        assert m._sev_by_fact == fresh._sev_by_fact
        for x in m.fact_ids():
            assert list(m.findings_for(x)["id"]) == list(fresh.findings_for(x)["id"]), x

    version = ws.findings_version
    edit = ws.apply_edit(fid, float(fixable["fix_value"]))
    assert ws.findings_delta is not None and ws.findings_delta[0] == version
    assert fixable["id"] not in set(m.findings_for(fid)["id"])
    same_as_a_fresh_model()
    ws.revert_edit(edit)
    assert fixable["id"] in set(m.findings_for(fid)["id"])
    same_as_a_fresh_model()
