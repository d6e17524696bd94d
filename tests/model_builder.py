"""Analysts' models built from the gold facts of the five sample releases, for the model-update
tests: hard-coded history, the analyst's own formulas, planted errors, a missing quarter.

`build_model_a(path)`: one sheet, quarters across one header row ("4Q07" ... "1Q10"), labels
in column A, figures in JPY millions with the statements' precision; the quarter after the
last one (2Q10, printed by one release) is missing, for the roll-forward.

`build_model_b(path)`: years and quarters across ("FY2008" over "Q1 Q2 Q3 Q4 FY"), labels in
column B indented by the cell alignment, figures rounded to whole millions, FY columns that
are sums of the quarters; one quarter's column is there but empty (a gap), and the quarter
after the last one is missing.

Each returns a `Plan`: the planted errors (cell -> kind), the cells the update must write with
the gold's value, and every formula with a Python function computing what it must give.
"""
from __future__ import annotations

import glob
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from iijdesk.core.timeline import normalise_label

GOLD_DIR = Path(__file__).parent / "data" / "gold"
MILLION = 1e6

# Quarter ends of IIJ's fiscal years (FY2008 = April 2008 - March 2009), oldest first.
QUARTERS = ["2008-03-31", "2008-06-30", "2008-09-30", "2008-12-31", "2009-03-31", "2009-06-30",
            "2009-09-30", "2009-12-31", "2010-03-31", "2010-06-30"]
NEXT_QUARTER = "2010-09-30"      # printed by one release, not in the models

# (the analyst's label, the releases' label normalised) for the hard-coded rows.
ITEMS = [
    ("Total revenues", "total revenue"),
    ("Cost of systems integration", "cost of system integration"),
    ("Total cost of revenues", "total cost"),
    ("Sales and marketing", "sale and marketing"),
    ("General and administrative", "general and administrative"),
    ("Research and development", "research and development"),
    ("Operating income", "operating income"),
    ("Income before income tax expense", "income before income tax expense"),
    ("Net income", "net income"),
    ("Adjusted EBITDA", "adjusted ebitda"),
]


def gold_facts() -> pd.DataFrame:
    df = pd.concat([pd.read_csv(p, dtype=str, keep_default_na=False)
                    for p in sorted(glob.glob(str(GOLD_DIR / "*.facts.csv")))], ignore_index=True)
    df = df[(df["measure"] == "value") & (df["unit"] == "JPY") & (df["value"] != "")].copy()
    df["value"] = df["value"].astype(float)
    df["n"] = df["row_label"].map(normalise_label)
    dec = df["printed"].str.extract(r"\.(\d+)", expand=False).str.len().fillna(0)
    df["prec"] = df["scale"].astype(float) * 10.0 ** -dec
    latest = df.groupby("doc")["period_end"].max()
    df["order"] = df["doc"].map(latest)
    return df


def gold_value(gold: pd.DataFrame, norm: str, end: str, months: int = 3) -> float | None:
    """The most precise printing (the latest release's among equals), in base units."""
    g = gold[(gold["n"] == norm) & (gold["period_end"] == end) & (gold["period_months"] == str(months))]
    if g.empty:
        return None
    g = g.sort_values(["prec", "order"], ascending=[True, False])
    return float(g["value"].iloc[0])


@dataclass
class Plan:
    sheet: str
    planted: dict = field(default_factory=dict)     # cell -> finding kind expected
    expected_fill: dict = field(default_factory=dict)   # cell -> value in model units (gold)
    formulas: dict = field(default_factory=dict)    # cell -> formula text
    checks: dict = field(default_factory=dict)      # cell -> fn(get) computing the formula's value
    new_column: str = ""
    hard_coded: dict = field(default_factory=dict)  # cell -> value as built (before errors)


def _label(q_end: str) -> str:
    """IIJ style quarter label: the quarter ending Dec 2009 is 3Q09 (FY named by its start)."""
    d = date.fromisoformat(q_end)
    fy = d.year if d.month > 3 else d.year - 1
    q = {6: 1, 9: 2, 12: 3, 3: 4}[d.month]
    return f"{q}Q{fy % 100:02d}"


def build_model_a(path) -> Plan:
    import openpyxl
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter as L

    gold = gold_facts()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Model"
    plan = Plan("Model")
    ws["A1"] = "Quarterly model (JPY millions)"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A3"] = "JPY millions"
    for j, q in enumerate(QUARTERS):
        c = ws.cell(row=3, column=2 + j, value=_label(q))
        c.font = Font(bold=True)
    plan.new_column = L(2 + len(QUARTERS))
    rows = {}
    r = 4
    for label, norm in ITEMS:
        ws.cell(row=r, column=1, value=label)
        rows[label] = r
        for j, q in enumerate(QUARTERS):
            v = gold_value(gold, norm, q)
            if v is None:
                continue
            x = v / MILLION
            if label == "Adjusted EBITDA":
                x = round(x)               # typed as whole millions: linked within rounding
            else:
                x = round(x, 6)
            cell = ws.cell(row=r, column=2 + j, value=x)
            cell.number_format = "#,##0.00"
            plan.hard_coded[cell.coordinate] = x
        nv = gold_value(gold, norm, NEXT_QUARTER)
        if nv is not None:
            plan.expected_fill[f"{plan.new_column}{r}"] = nv / MILLION
        r += 1
    # the analyst's formulas
    f_rows = {"Gross profit": r, "Operating margin": r + 1, "Revenue growth YoY": r + 2, "Opex check": r + 3}
    for name, fr in f_rows.items():
        ws.cell(row=fr, column=1, value=name)
    R = rows
    for j in range(len(QUARTERS) + 1):          # +1: what the new column must compute
        col = L(2 + j)
        f = {
            "Gross profit": f"={col}{R['Total revenues']}-{col}{R['Total cost of revenues']}",
            "Operating margin": f"=IF({col}{R['Total revenues']}=0,0,{col}{R['Operating income']}/{col}{R['Total revenues']})",
            "Opex check": (f"={col}{f_rows['Gross profit']}-{col}{R['Sales and marketing']}"
                           f"-{col}{R['General and administrative']}-{col}{R['Research and development']}"),
        }
        if j >= 4:
            back = L(2 + j - 4)
            f["Revenue growth YoY"] = (f"=IF({back}{R['Total revenues']}=0,0,"
                                       f"{col}{R['Total revenues']}/{back}{R['Total revenues']}-1)")
        for name, text in f.items():
            coord = f"{col}{f_rows[name]}"
            if j < len(QUARTERS):
                ws[coord] = text
                ws[coord].number_format = "0.0%" if name in ("Operating margin", "Revenue growth YoY") else "#,##0.00"
            plan.formulas[coord] = text
        rev, cost, oi = (f"{col}{R['Total revenues']}", f"{col}{R['Total cost of revenues']}",
                         f"{col}{R['Operating income']}")
        gp = f"{col}{f_rows['Gross profit']}"
        plan.checks[gp] = (lambda g, rev=rev, cost=cost: g(rev) - g(cost))
        plan.checks[f"{col}{f_rows['Operating margin']}"] = (
            lambda g, rev=rev, oi=oi: 0 if g(rev) == 0 else g(oi) / g(rev))
        sm, ga, rd = (f"{col}{R[k]}" for k in ("Sales and marketing", "General and administrative",
                                                "Research and development"))
        plan.checks[f"{col}{f_rows['Opex check']}"] = (
            lambda g, rev=rev, cost=cost, sm=sm, ga=ga, rd=rd: g(rev) - g(cost) - g(sm) - g(ga) - g(rd))
        if j >= 4:
            back = f"{L(2 + j - 4)}{R['Total revenues']}"
            plan.checks[f"{col}{f_rows['Revenue growth YoY']}"] = (
                lambda g, rev=rev, back=back: 0 if g(back) == 0 else g(rev) / g(back) - 1)
    for coord in list(plan.formulas):
        if coord.startswith(plan.new_column) and coord[len(plan.new_column):].isdigit():
            plan.formulas.pop(coord)            # the new column's formulas are the update's
    # planted errors
    col_of = {q: L(2 + j) for j, q in enumerate(QUARTERS)}

    def plant(label, q, kind, fn):
        coord = f"{col_of[q]}{R[label]}"
        ws[coord] = fn(ws[coord].value)
        plan.planted[coord] = kind

    plant("Total revenues", "2008-12-31", "model_differs", _transpose)
    plant("Sales and marketing", "2009-09-30", "model_differs", lambda x: round(x * 1.1, 2))
    plant("General and administrative", "2009-03-31", "model_scale", lambda x: x * 1000)
    plant("Income before income tax expense", "2009-12-31", "model_scale", lambda x: x * 1000)
    plant("Operating income", "2008-03-31", "model_sign", lambda x: -x)
    plant("Research and development", "2009-12-31", "model_sign", lambda x: -x)
    wb.save(path)
    return plan


def _transpose(x: float) -> float:
    """Swap the first two different adjacent digits of the integer part (a typo)."""
    s = f"{x:.6f}"
    whole, frac = s.split(".")
    for i in range(len(whole) - 1):
        if whole[i] != whole[i + 1]:
            whole = whole[:i] + whole[i + 1] + whole[i] + whole[i + 2:]
            break
    return float(f"{whole}.{frac}")


def build_model_b(path) -> Plan:
    """Years and quarters across; labels in column B, indented; FY columns sum the quarters."""
    import openpyxl
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter as L

    gold = gold_facts()
    wb = openpyxl.Workbook()
    cover = wb.active
    cover.title = "Cover"
    cover["A1"] = "IIJ model - see the P&L sheet"
    ws = wb.create_sheet("P&L")
    plan = Plan("P&L")
    ws["B1"] = "Profit and loss (JPY mn)"
    ws["B1"].font = Font(bold=True)
    # FY2007 .. FY2010: only the quarters of QUARTERS (FY2007 Q4 .. FY2010 Q1) hold figures
    years = [2007, 2008, 2009, 2010]
    col = 3
    qcols: dict[str, int] = {}
    fycols: dict[int, tuple[int, list[int]]] = {}
    for fy in years:
        ws.cell(row=2, column=col, value=f"FY{fy}").font = Font(bold=True)
        quarters = []
        n_q = 4 if fy < 2010 else 1             # the model stops at Q1 FY2010
        for q in range(1, n_q + 1):
            m = {1: 6, 2: 9, 3: 12, 4: 3}[q]
            y = fy if q < 4 else fy + 1
            end = date(y, m, 30 if m in (6, 9) else 31).isoformat()
            ws.cell(row=3, column=col, value=f"Q{q}").alignment = Alignment(horizontal="right")
            qcols[end] = col
            quarters.append(col)
            col += 1
        if fy < 2010:
            ws.cell(row=3, column=col, value="FY").font = Font(bold=True)
            fycols[fy] = (col, quarters)
            col += 1
        if n_q == 4:
            ws.merge_cells(start_row=2, start_column=quarters[0], end_row=2, end_column=col - 1)
    plan.new_column = L(col)
    gap_quarter = "2009-12-31"                  # Q3 FY2009: its column is there, empty
    r = 5
    ws.cell(row=4, column=2, value="Revenues and costs")
    rows = {}
    for label, norm in ITEMS:
        cell = ws.cell(row=r, column=2, value=label)
        cell.alignment = Alignment(indent=1 if label in ("Total revenues", "Operating income") else 2)
        rows[label] = r
        for end, c in qcols.items():
            v = gold_value(gold, norm, end)
            if v is None:
                continue
            x = round(v / MILLION)
            if end == gap_quarter:
                plan.expected_fill[f"{L(c)}{r}"] = v / MILLION
                continue
            ws.cell(row=r, column=c, value=x).number_format = "#,##0"
            plan.hard_coded[f"{L(c)}{r}"] = x
        nv = gold_value(gold, norm, NEXT_QUARTER)
        if nv is not None:
            plan.expected_fill[f"{plan.new_column}{r}"] = nv / MILLION
        for fy, (fc, qs) in fycols.items():
            f = f"=SUM({L(qs[0])}{r}:{L(qs[-1])}{r})"
            ws.cell(row=r, column=fc, value=f).font = Font(bold=True)
            plan.formulas[f"{L(fc)}{r}"] = f
            plan.checks[f"{L(fc)}{r}"] = (lambda g, cs=[f"{L(q)}{r}" for q in qs]: sum(g(c) for c in cs))
        r += 1
    gp_row = r
    ws.cell(row=gp_row, column=2, value="Gross profit").alignment = Alignment(indent=1)
    all_cols = sorted(list(qcols.values()) + [fc for fc, _ in fycols.values()]) + [col]
    for c in all_cols:
        rev, cost = f"{L(c)}{rows['Total revenues']}", f"{L(c)}{rows['Total cost of revenues']}"
        f = f"={rev}-{cost}"
        coord = f"{L(c)}{gp_row}"
        if c != col:
            ws[coord] = f
            plan.formulas[coord] = f
        plan.checks[coord] = (lambda g, rev=rev, cost=cost: g(rev) - g(cost))
    # planted errors
    def plant(label, end, kind, fn):
        coord = f"{L(qcols[end])}{rows[label]}"
        ws[coord] = fn(ws[coord].value)
        plan.planted[coord] = kind

    plant("Total cost of revenues", "2009-09-30", "model_differs", lambda x: x + 250)
    plant("Operating income", "2009-03-31", "model_differs", _transpose_int)
    plant("Total revenues", "2009-09-30", "model_scale", lambda x: x * 1000)
    plant("General and administrative", "2008-12-31", "model_sign", lambda x: -x)
    wb.save(path)
    return plan


def _transpose_int(x) -> int:
    return int(_transpose(float(x)))
