"""Series across releases for the Timeline sheet and the charts.

A line item is (statement kind, parent, label, unit); its points are the `value` facts per
period (end date, months). Where releases print the same period, the latest release wins
(restated comparatives replace the originals); the cells link back to the statement sheets.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from iijdesk.core.export.formats import number_format
from iijdesk.core.export.plan import KIND_ORDER, norm_label

# Period lengths in the order their column groups appear (quarters first, instants last).
MONTHS_ORDER = (3, 6, 9, 12, 0)
# What the charts show, by label (generic statement vocabulary, any release).
CHART_LINES = {
    "revenue": re.compile(r"^(total )?(net |operating )?(revenues?|sales|net sales)( total)?$"),
    "operating income": re.compile(r"^operating (income|profit)( loss)?$"),
    "net income": re.compile(r"^net income( attributable to [\w ]+)?$"),
}
# Statement kinds preferred as the source of a charted series.
CHART_KIND_PREFERENCE = ("income", "summary", "segment", "other")
CHART_GROUPS = (3, 12, 6, 9)
MIN_POINTS = 2


@dataclass
class Series:
    kind: str
    parent: str
    label: str
    unit: str
    scale: int
    decimals: int
    points: dict = field(default_factory=dict)     # period column index -> fact id


@dataclass
class Timeline:
    periods: list[tuple[str, int]]
    series: list[Series]
    sheet: str = "Timeline"
    first_col: int = 0
    first_row: int = 0


@dataclass
class ChartSpec:
    type: str
    title: str
    series: list[int]
    cols: list[int]
    num_format: str
    x_name: str


def months_caption(months: int) -> str:
    return "at" if months == 0 else f"{months} months"


def build(ws, facts: pd.DataFrame, docs: list[str], recs: dict) -> Timeline:
    """The timeline of `facts` (workspace `ws` is kept for a shared timeline model)."""
    f = facts
    if not len(f):
        return Timeline([], [])
    m = f[(f["measure"] == "value") & (f["period_end"] != "") & f["period_months"].notna()
          & f["value"].notna()]
    if not len(m):
        return Timeline([], [])
    asof = m.groupby("doc")["period_end"].max()
    doc_rank = {d: i for i, d in enumerate(docs)}
    tbl_rank = {t: i for i, t in enumerate(dict.fromkeys(f["table_id"]))}
    d = pd.DataFrame({
        "fid": m.index,
        "kind": m["kind"].values,
        "pkey": [norm_label(x) for x in m["parent"]],
        "lkey": [norm_label(x) for x in m["row_label"]],
        "unit": m["unit"].values,
        "end": m["period_end"].values,
        "months": m["period_months"].astype(int).values,
        "asof": m["doc"].map(asof).values,
        "drank": m["doc"].map(lambda x: doc_rank.get(x, 1 << 30)).values,
        "trank": m["table_id"].map(lambda x: tbl_rank.get(x, 1 << 30)).values,
        "row": m["row"].fillna(0).astype(int).values,
    })
    # Latest release first, then the release's first table: its figure stands for the period.
    d = d.sort_values(["asof", "drank", "trank", "row"], ascending=[False, True, True, True], kind="stable")
    d = d.drop_duplicates(["kind", "pkey", "lkey", "unit", "end", "months"], keep="first")
    periods = sorted({(e, int(mo)) for e, mo in zip(d["end"], d["months"])},
                     key=lambda p: (MONTHS_ORDER.index(p[1]) if p[1] in MONTHS_ORDER else len(MONTHS_ORDER), p[1], p[0]))
    pidx = {p: i for i, p in enumerate(periods)}
    # Series in statement order: kind, then where the item first appears.
    first = d.sort_values(["drank", "trank", "row"], kind="stable")
    keys = list(dict.fromkeys(zip(first["kind"], first["pkey"], first["lkey"], first["unit"])))
    keys.sort(key=lambda k: KIND_ORDER.index(k[0]) if k[0] in KIND_ORDER else len(KIND_ORDER))
    series: dict[tuple, Series] = {}
    for k in keys:
        series[k] = None  # placeholder keeps order
    for r in d.itertuples(index=False):
        k = (r.kind, r.pkey, r.lkey, r.unit)
        s = series.get(k)
        if s is None:
            rec = recs[r.fid]
            s = series[k] = Series(r.kind, str(rec.parent), str(rec.row_label), r.unit,
                                   int(rec.scale), 0)
        s.points[pidx[(r.end, int(r.months))]] = r.fid
        rec_dec = recs[r.fid].decimals
        if rec_dec is not None and rec_dec is not pd.NA and int(rec_dec) > s.decimals:
            s.decimals = int(rec_dec)
    return Timeline(periods, [s for s in series.values() if s is not None])


def chart_specs(tl: Timeline) -> list[ChartSpec]:
    """Revenue, operating income and net income by period, one pair of charts per period length."""
    out: list[ChartSpec] = []
    for months in CHART_GROUPS:
        cols = [i for i, p in enumerate(tl.periods) if p[1] == months]
        if len(cols) < MIN_POINTS:
            continue
        picked: dict[str, int] = {}
        for what, rx in CHART_LINES.items():
            best = None
            for i, s in enumerate(tl.series):
                if s.unit in ("percent",) or "per" in s.unit or not rx.match(norm_label(s.label)):
                    continue
                n = sum(1 for c in cols if c in s.points)
                if n < MIN_POINTS:
                    continue
                pref = CHART_KIND_PREFERENCE.index(s.kind) if s.kind in CHART_KIND_PREFERENCE else 9
                score = (n, -pref, -len(s.parent))
                if best is None or score > best[0]:
                    best = (score, i)
            if best:
                picked[what] = best[1]
        label = f"{months} months" if months != 12 else "fiscal years (12 months)"
        if "revenue" in picked:
            s = tl.series[picked["revenue"]]
            out.append(ChartSpec("column", f"Revenue by period, {label}", [picked["revenue"]], cols,
                                 number_format(s.unit, s.scale, 0).split(";")[0],
                                 "period end"))
        inc = [picked[w] for w in ("operating income", "net income") if w in picked]
        if inc:
            s = tl.series[inc[0]]
            same = [i for i in inc if tl.series[i].unit == s.unit]
            out.append(ChartSpec("line", f"Operating and net income, {label}", same, cols,
                                 number_format(s.unit, s.scale, 0).split(";")[0], "period end"))
    return out
