"""Series across releases for the Timeline sheet, and the charts drawn from it.

The series come from iijdesk.core.timeline (line-item identity across releases, restatements,
derived quarters) when it is available, else from a plain pivot of the `value` facts by
(kind, parent, label, unit) x (period end, months) where the latest release wins.
The charts follow the window's chart tabs: revenue by business line, operating income and
margin, segment results, cash flows by section, KPIs.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from iijdesk.core.export.formats import number_format
from iijdesk.core.export.plan import KIND_ORDER, norm_label
from iijdesk.core.timeline import CASH_SECTIONS, OPERATING_INCOME, TOTAL_REVENUE

# Period lengths in the order their column groups appear (quarters first, instants last).
MONTHS_ORDER = (3, 6, 9, 12, 0)
# Period lengths that get charts: quarters and fiscal years.
CHART_GROUPS = (3, 12)
MIN_POINTS = 2
MAX_LINES = 8
# Line-item vocabulary (plain English accounting terms, as the chart tabs use).
PROFIT_WORDS = re.compile(r"income|profit|loss")
CURRENCY = re.compile(r"[A-Z]{3}")
# Business lines must add to total revenues within this share to be stacked as its parts.
LINES_SUM_SHARE = 0.01


@dataclass
class Series:
    kind: str
    parent: str
    label: str
    unit: str
    scale: int
    decimals: int
    points: dict = field(default_factory=dict)     # period column -> fact id
    derived: dict = field(default_factory=dict)    # period column -> (value, col_a, col_b)
    status: dict = field(default_factory=dict)     # period column -> status text
    values: dict = field(default_factory=dict)     # period column -> value (base units)
    sid: str = ""
    norm_labels: tuple = ()
    norm_parents: tuple = ()
    kinds: tuple = ()
    ratio: tuple | None = None                     # (numerator row, denominator row): a margin


@dataclass
class Timeline:
    periods: list[tuple[str, int]]
    series: list[Series]
    source: str = "pivot"
    sheet: str = "Timeline"
    first_col: int = 0
    first_row: int = 0


@dataclass
class ChartSpec:
    title: str
    kind: str                         # column | line
    subtype: str                      # "" | stacked
    rows: list[int]                   # Timeline series indexes
    cols: list[int]                   # period columns (contiguous)
    num_format: str
    y_title: str
    secondary: list[int] = field(default_factory=list)   # rows drawn as lines on a 2nd axis
    secondary_format: str = "0%"
    y_min: float | None = None                          # 0 for amounts that are never negative


def months_caption(months: int) -> str:
    return "at" if months == 0 else f"{months} months"


def _period_sort(p):
    return (MONTHS_ORDER.index(p[1]) if p[1] in MONTHS_ORDER else len(MONTHS_ORDER), p[1], p[0])


def _kind_rank(k: str) -> int:
    return KIND_ORDER.index(k) if k in KIND_ORDER else len(KIND_ORDER)


def build(ws, facts: pd.DataFrame, docs: list[str], recs: dict, core=None) -> Timeline:
    """The export's timeline: the core timeline (`core` when the caller has one built over
    these facts) where available, else a plain pivot."""
    try:
        if core is None:
            from iijdesk.core.timeline import build_timeline

            core = build_timeline(facts, getattr(ws, "timeline_choices", None))
        return _from_core(core, recs)
    except Exception:  # no core timeline, or it failed: the export must not fail for that
        return pivot(facts, docs, recs)


def _from_core(core, recs: dict) -> Timeline:
    s = core.series
    s = s[s["measure"] == "value"]
    if not len(s):
        return Timeline([], [], "core")
    periods = sorted({(str(e), int(m)) for e, m in zip(s["period_end"], s["period_months"])},
                     key=_period_sort)
    pidx = {p: i for i, p in enumerate(periods)}
    info = {r["series_id"]: r for r in core.info.to_dict("records")}
    first_fact: dict = {}
    for fid, sid in core.fact_series.items():
        if fid in recs and (sid not in first_fact or fid < first_fact[sid]):
            first_fact[sid] = fid
    out: dict[str, Series] = {}
    for r in s[["series_id", "unit", "period_end", "period_months", "status", "value", "derived",
                "fact_id"]].itertuples(index=False):
        sid = r.series_id
        ser = out.get(sid)
        if ser is None:
            inf = info[sid]
            kinds = tuple(inf["kinds"]) if isinstance(inf["kinds"], (tuple, list)) else (str(inf["kinds"]),)
            kind = min(kinds, key=_kind_rank) if kinds else "other"
            ser = out[sid] = Series(kind, str(inf["parent"] or ""), str(inf["label"]), str(r.unit),
                                    1, 0, sid=sid, norm_labels=tuple(inf["norm_labels"]),
                                    norm_parents=tuple(inf["norm_parents"]), kinds=kinds)
        col = pidx[(str(r.period_end), int(r.period_months))]
        ser.status[col] = str(r.status)
        ser.values[col] = float(r.value)
        if bool(r.derived):
            ser.derived[col] = (float(r.value), None, None)
        elif r.fact_id in recs:
            ser.points[col] = r.fact_id
    for ser in out.values():
        scales: dict[int, int] = {}
        for fid in ser.points.values():
            rec = recs[fid]
            scales[int(rec.scale)] = scales.get(int(rec.scale), 0) + 1
            d = rec.decimals
            if d is not None and d is not pd.NA and d == d and int(d) > ser.decimals:
                ser.decimals = int(d)
        if scales:
            ser.scale = max(scales, key=scales.get)
        # A derived quarter is a cumulative figure less the one three months earlier.
        for col in list(ser.derived):
            end, _m = periods[col]
            val = ser.derived[col][0]
            for m, m0 in ((6, 3), (9, 6), (12, 9)):
                a = pidx.get((end, m))
                b = pidx.get((_month_end_back(end, 3), m0))
                if a is not None and b is not None and (a in ser.points or a in ser.derived) and \
                        (b in ser.points or b in ser.derived) and a != col and b != col:
                    ser.derived[col] = (val, a, b)
                    break
    order = sorted(out.values(), key=lambda x: (_kind_rank(x.kind), first_fact.get(x.sid, 1 << 60)))
    return Timeline(periods, [x for x in order if x.points or x.derived], "core")


def _month_end_back(end: str, months: int) -> str:
    try:
        t = pd.Timestamp(end) - pd.offsets.MonthEnd(months)
        return t.strftime("%Y-%m-%d")
    except (ValueError, TypeError):
        return ""


def pivot(facts: pd.DataFrame, docs: list[str], recs: dict) -> Timeline:
    """Value facts by (kind, parent, label, unit) x (period end, months); latest release wins."""
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
    d = d.sort_values(["asof", "drank", "trank", "row"], ascending=[False, True, True, True], kind="stable")
    d = d.drop_duplicates(["kind", "pkey", "lkey", "unit", "end", "months"], keep="first")
    periods = sorted({(e, int(mo)) for e, mo in zip(d["end"], d["months"])}, key=_period_sort)
    pidx = {p: i for i, p in enumerate(periods)}
    first = d.sort_values(["drank", "trank", "row"], kind="stable")
    keys = list(dict.fromkeys(zip(first["kind"], first["pkey"], first["lkey"], first["unit"])))
    keys.sort(key=lambda k: _kind_rank(k[0]))
    series: dict[tuple, Series | None] = {k: None for k in keys}
    for r in d.itertuples(index=False):
        k = (r.kind, r.pkey, r.lkey, r.unit)
        s = series.get(k)
        if s is None:
            rec = recs[r.fid]
            s = series[k] = Series(r.kind, str(rec.parent), str(rec.row_label), r.unit,
                                   int(rec.scale), 0, sid="|".join(map(str, k)),
                                   norm_labels=(r.lkey,), norm_parents=(r.pkey,), kinds=(r.kind,))
        s.points[pidx[(r.end, int(r.months))]] = r.fid
        s.values[pidx[(r.end, int(r.months))]] = float(recs[r.fid].value)
        dec = recs[r.fid].decimals
        if dec is not None and dec is not pd.NA and dec == dec and int(dec) > s.decimals:
            s.decimals = int(dec)
    return Timeline(periods, [s for s in series.values() if s is not None])


# ----------------------------------------------------------------------------------------------
def _n_in(s: Series, cols: list[int]) -> int:
    return sum(1 for c in cols if c in s.points or c in s.derived)


def _best(tl: Timeline, rows: list[int], rx: re.Pattern) -> int | None:
    hit = [i for i in rows if any(rx.match(x) for x in tl.series[i].norm_labels)]
    if not hit:
        return None
    return max(hit, key=lambda i: (len(tl.series[i].points) + len(tl.series[i].derived), -i))


def add_margin(tl: Timeline) -> int | None:
    """Append an 'Operating margin' series (operating income / revenue, live formulas)."""
    money = _money_rows(tl)
    rev, op = _best(tl, money, TOTAL_REVENUE), _best(tl, money, OPERATING_INCOME)
    if rev is None or op is None:
        return None
    tl.series.append(Series("derived", "", "Operating margin (operating income / revenue)",
                            "percent", 1, 1, sid="margin", ratio=(op, rev)))
    return len(tl.series) - 1


def _money_rows(tl: Timeline) -> list[int]:
    cur = {}
    for s in tl.series:
        if CURRENCY.fullmatch(s.unit or ""):
            cur[s.unit] = cur.get(s.unit, 0) + len(s.points)
    if not cur:
        return []
    currency = max(cur, key=cur.get)
    return [i for i, s in enumerate(tl.series) if s.unit == currency and s.ratio is None]


def chart_specs(tl: Timeline, margin_row: int | None = None) -> list[ChartSpec]:
    """Charts as the window's chart tabs draw them, for quarters and for fiscal years."""
    out: list[ChartSpec] = []
    money = _money_rows(tl)
    if not money:
        return out
    unit = tl.series[money[0]].unit
    scale = 1_000_000
    nf = number_format(unit, scale, 0).split(";")[0]
    y_money = f"{unit} millions"
    rev = _best(tl, money, TOTAL_REVENUE)
    op = _best(tl, money, OPERATING_INCOME)
    for months in CHART_GROUPS:
        cols = [i for i, p in enumerate(tl.periods) if p[1] == months]
        if len(cols) < MIN_POINTS:
            continue
        when = "quarters" if months == 3 else ("fiscal years" if months == 12 else f"{months} months")
        # Revenue by business line: the revenue total's parts, stacked.
        if rev is not None:
            lines = _business_lines(tl, money, rev, cols)
            rows = lines or [rev]
            rows = [i for i in rows if _n_in(tl.series[i], cols) >= MIN_POINTS]
            if rows:
                out.append(ChartSpec(f"Revenue by business line ({when})", "column",
                                     "stacked" if lines else "", rows, cols, nf, y_money, y_min=0))
        if op is not None and _n_in(tl.series[op], cols) >= MIN_POINTS:
            out.append(ChartSpec(f"Operating income and margin ({when})", "column", "", [op], cols,
                                 nf, y_money, [margin_row] if margin_row is not None else []))
        seg = [i for i in money if "segment" in tl.series[i].kinds
               and _n_in(tl.series[i], cols) >= MIN_POINTS]
        if seg:
            prof = [i for i in seg if any(PROFIT_WORDS.search(x) for x in
                                          tl.series[i].norm_labels + tl.series[i].norm_parents)]
            revs = [i for i in seg if i not in prof]
            for title, rows in (("Segment revenues", revs), ("Segment profit or loss", prof)):
                if rows:
                    out.append(ChartSpec(f"{title} ({when})", "line", "", rows[:MAX_LINES], cols,
                                         nf, y_money))
        cash_rows = [i for i in money if "cashflow" in tl.series[i].kinds] or money
        picks = [r for _name, rx in CASH_SECTIONS for r in [_best(tl, cash_rows, rx)] if r is not None]
        picks = [i for i in dict.fromkeys(picks) if _n_in(tl.series[i], cols) >= MIN_POINTS]
        if picks:
            out.append(ChartSpec(f"Cash flows by section ({when})", "column", "", picks, cols, nf, y_money))
    # KPIs: operating statistics in their own units, any period (instants included).
    kpi_units: dict[str, int] = {}
    for s in tl.series:
        if "kpi" in s.kinds and not CURRENCY.fullmatch(s.unit or "") and s.unit != "percent":
            kpi_units[s.unit] = kpi_units.get(s.unit, 0) + len(s.points)
    for unit_k in sorted(kpi_units, key=kpi_units.get, reverse=True)[:2]:
        cols = [i for i, p in enumerate(tl.periods) if p[1] == 0]
        rows = [i for i, s in enumerate(tl.series) if "kpi" in s.kinds and s.unit == unit_k
                and _n_in(s, cols) >= MIN_POINTS]
        rows.sort(key=lambda i: -len(tl.series[i].points))
        if rows and len(cols) >= MIN_POINTS:
            out.append(ChartSpec(f"KPIs in {unit_k.replace('_', ' ')}", "line", "", rows[:MAX_LINES],
                                 cols, "#,##0", unit_k.replace("_", " ")))
    return out


def _business_lines(tl: Timeline, money: list[int], rev: int, cols: list[int]) -> list[int]:
    """The series under the revenue total that add up to it in the most periods."""
    total = tl.series[rev]
    names = set(total.norm_labels) | {"revenue", "revenues", "net revenue", "operating revenue"}
    kids = [i for i in money if i != rev and any(p in names for p in tl.series[i].norm_parents)
            and not any(TOTAL_REVENUE.match(x) for x in tl.series[i].norm_labels)]
    by_parent: dict[tuple, list[int]] = {}
    for i in kids:
        by_parent.setdefault(tl.series[i].norm_parents, []).append(i)
    best, best_score = [], (0, 0)
    for group in by_parent.values():
        ok = 0
        for c in cols:
            tv = total.values.get(c)
            vals = [tl.series[i].values.get(c) for i in group]
            if tv and all(v is not None for v in vals) and \
                    abs(sum(vals) - tv) <= LINES_SUM_SHARE * abs(tv):
                ok += 1
        score = (ok, len(group))
        if ok and score > best_score:
            best, best_score = group, score
    return best[:MAX_LINES]
