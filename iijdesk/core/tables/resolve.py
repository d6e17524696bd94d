"""Columns of a table -> measure, unit, scale and period.

Each column slot gathers the header text standing over it; what the text does not say is
inferred from the table's other columns and the release's own definitions: a `%` column takes
the period of the amount to its left, a U.S. dollar column translates the latest period, a
comparative column with its year lost in conversion is one year before its neighbour."""
from __future__ import annotations

import re
from datetime import date

from iijdesk.core.periods import DocPeriods, Period
from iijdesk.core.tables.model import Column, Table

# Right edges closer than this (characters) belong to one fixed-width column.
SLOT_TOLERANCE = 3
# A header phrase over a fixed-width column may sit this far beside it.
HEADER_REACH = 4

USD_RE = re.compile(r"U\.\s?S\.|\bUSD\b|US\$|dollars", re.I)
SHARE_RE = re.compile(r"%\s*of\s*(total\s*)?(net\s*)?revenues?|%\s*of\s*total|%\s*of\s*sales|composition|^%$|^\s*%\s*$|revenues$", re.I)
YOY_RE = re.compile(r"\bYoY\b|\bQoQ\b|chang|increase|decrease|growth|\bvs\.?\b|compared", re.I)
TARGET_RE = re.compile(r"target|forecast|plan\b|outlook|guidance", re.I)
ACTUAL_RE = re.compile(r"\bactual|\bresults?\b", re.I)
THREE_MONTHS_RE = re.compile(r"\(\s*3\s*months?\s*\)|three\s+months|3\s+months", re.I)
PCT_IS_YOY_RE = re.compile(r"%\s*shown\s*is\s*(YoY|year)", re.I)


def scale_of(text: str) -> int | None:
    t = text.lower()
    if re.search(r"\bbillions?\b|\bbil\b|\bbn\b", t):
        return 1_000_000_000
    if re.search(r"\bmillions?\b|\bmil\b|\bmn\b", t):
        return 1_000_000
    if re.search(r"\bthousands?\b|in\s+000s|\(000\)", t):
        return 1000
    return None


def assign_slots(t: Table) -> None:
    if t.layout == "tabbed":
        for r in t.rows:
            seen: dict[int, int] = {}
            slots = []
            for c in r.line.cells:
                k = seen.get(c.field, 0)
                seen[c.field] = k + 1
                slots.append(c.field * 10 + k)
            r.slots = slots
        return
    ends = sorted({c.num.end for r in t.rows for c in r.line.cells})
    clusters: list[list[int]] = []
    for e in ends:
        if clusters and e - clusters[-1][-1] <= SLOT_TOLERANCE:
            clusters[-1].append(e)
        else:
            clusters.append([e])
    edge = {e: i for i, cl in enumerate(clusters) for e in cl}
    for r in t.rows:
        r.slots = [edge[c.num.end] * 10 for c in r.line.cells]


def slot_headers(t: Table) -> dict[int, str]:
    """Header text over each slot (joined top to bottom)."""
    slots = sorted({s for r in t.rows for s in r.slots})
    texts: dict[int, list[str]] = {s: [] for s in slots}
    if t.layout == "tabbed":
        for h in t.header_lines:
            if not h.fields:
                continue
            for s in slots:
                f = s // 10
                if f < len(h.fields) and h.fields[f].strip():
                    texts[s].append(h.fields[f].strip())
        return {s: " ".join(v) for s, v in texts.items()}
    # fixed width: each phrase goes to the slots it overlaps, else the nearest one
    ranges = {}
    for s in slots:
        spans = [(c.num.start, c.num.end) for r in t.rows for c, sl in zip(r.line.cells, r.slots) if sl == s]
        ranges[s] = (min(a for a, _ in spans), max(b for _, b in spans))
    left_edge = min(a for a, _ in ranges.values()) if ranges else 0
    for h in t.header_lines:
        for m in re.finditer(r"\S+(?: \S+)*", h.text):
            a, b = m.span()
            if b < left_edge - HEADER_REACH * 3:
                continue
            hit = [s for s, (x, y) in ranges.items() if a < y + 1 and b > x - 1]
            if not hit:
                near = min(ranges, key=lambda s: min(abs(a - ranges[s][1]), abs(b - ranges[s][0])))
                x, y = ranges[near]
                if min(abs(a - y), abs(b - x)) <= HEADER_REACH:
                    hit = [near]
            for s in hit:
                texts[s].append(m.group(0))
    return {s: " ".join(v) for s, v in texts.items()}


def resolve(t: Table, dp: DocPeriods) -> None:
    assign_slots(t)
    headers = slot_headers(t)
    table_text = " ".join([t.title] + t.context + [_text(h) for h in t.header_lines])
    table_scale = scale_of(" ".join(t.context + [_text(h) for h in t.header_lines] + [t.title]))
    three = bool(THREE_MONTHS_RE.search(t.title + " " + " ".join(t.context) + " " + t.section_heading))
    cumulative = False if three else None
    pct_is_yoy = bool(PCT_IS_YOY_RE.search(table_text))
    cols: dict[int, Column] = {}
    for s, h in headers.items():
        c = Column(slot=s, header=h)
        cells = [cell for r in t.rows for cell, sl in zip(r.line.cells, r.slots) if sl == s]
        pct_cells = sum(1 for x in cells if x.num.percent)
        valued = sum(1 for x in cells if not x.num.is_nil)
        if USD_RE.search(h) and not re.search(r"JPY|yen", h.split("U.S")[-1] if "U.S" in h else "", re.I):
            c.is_usd = True
            c.unit = "USD"
        if YOY_RE.search(h) and not TARGET_RE.search(h.split("(")[0]):
            c.measure = "yoy_pct" if (pct_cells or "%" in h or not valued) else "change"
        elif SHARE_RE.search(h.strip()) or (h.strip().endswith("%") and not _has_period_words(h)):
            c.measure = "yoy_pct" if pct_is_yoy else "share_pct"
        elif TARGET_RE.search(h) and not ACTUAL_RE.search(h):
            c.measure = "target"
        if c.measure in ("yoy_pct", "share_pct"):
            c.unit, c.scale = "percent", 1
        else:
            c.scale = scale_of(h) or table_scale or 1
        c.period = dp.parse(h, cumulative) if h else Period()
        cols[s] = c
    _fill_periods(t, cols, dp, cumulative, table_text)
    t.columns = cols


def _has_period_words(h: str) -> bool:
    return bool(re.search(r"(19|20)\d{2}|\bFY|\d\s?Q|\d\s?H\b|months|as of", h, re.I))


def _text(h) -> str:
    return h.text.replace("\t", " ")


def _fill_periods(t: Table, cols: dict[int, Column], dp: DocPeriods, cumulative, table_text: str) -> None:
    order = sorted(cols)
    value_slots = [s for s in order if cols[s].measure in ("value", "target") and not cols[s].is_usd]
    table_period = dp.parse(table_text, cumulative)
    # periods printed anywhere in the table's text, in order
    printed = _periods_in(" ".join([t.title] + t.context + [_text(h) for h in t.header_lines]), dp, cumulative)
    months_default = table_period.months
    if months_default is None:
        months_default = next((p.months for p in printed if p.months is not None), None)
    for s in value_slots:
        p = cols[s].period
        if p.months is None and p.end is not None:
            p.months = months_default if months_default is not None else _months_from_report(dp, p.end)
        if p.end is None and p.months is None and months_default is not None:
            p.months = months_default
    known = [cols[s].period for s in value_slots if cols[s].period.end]
    missing = [s for s in value_slots if cols[s].period.end is None]
    if missing:
        candidates = [p for p in printed if p.end and not any(p.end == k.end for k in known)]
        if len(candidates) >= len(missing):
            for s, p in zip(missing, candidates):
                cols[s].period.end = p.end
                if cols[s].period.months is None:
                    cols[s].period.months = p.months if p.months is not None else months_default
        elif known:
            # comparative columns one year apart from the ones read
            idx_known = [i for i, s in enumerate(value_slots) if cols[s].period.end]
            for i, s in enumerate(value_slots):
                if cols[s].period.end is None:
                    j = min(idx_known, key=lambda k: abs(k - i))
                    ref = cols[value_slots[j]].period
                    direction = _direction(cols, value_slots)
                    shifted = ref.shifted(direction * (i - j))
                    cols[s].period.end = shifted.end
                    if cols[s].period.months is None:
                        cols[s].period.months = ref.months
                    cols[s].period.guessed = True
        elif dp.report and dp.report.end:
            n = len(value_slots)
            for i, s in enumerate(value_slots):
                ref = Period(dp.report.end, months_default if months_default is not None else dp.report.months)
                cols[s].period.end = ref.shifted(i - (n - 1)).end
                if cols[s].period.months is None:
                    cols[s].period.months = ref.months
                cols[s].period.guessed = True
    latest = max((cols[s].period for s in value_slots if cols[s].period.end and cols[s].measure == "value"),
                 key=lambda p: p.end, default=None)
    latest_any = max((cols[s].period for s in value_slots if cols[s].period.end), key=lambda p: p.end, default=None)
    for s in order:
        c = cols[s]
        if s in value_slots:
            continue
        if c.measure == "share_pct":
            left = [v for v in value_slots if v < s]
            src = cols[left[-1]].period if left else (cols[value_slots[0]].period if value_slots else None)
            if src is not None and (c.period.end is None or not _has_period_words(c.header)):
                c.period = Period(src.end, src.months)
        elif c.is_usd:
            if latest is not None:
                p = c.period
                if p.end is None or p.end != latest.end:
                    c.period = Period(latest.end, latest.months)
        else:  # yoy / change columns compare the latest period with the one before
            ref = latest_any or latest
            if ref is not None:
                c.period = Period(ref.end, ref.months)
    for c in cols.values():
        p = c.period
        c.period_end = p.end.isoformat() if p.end else ""
        c.period_months = p.months


def _direction(cols, value_slots) -> int:
    """+1 when periods run left to right in time, -1 when the latest comes first."""
    dated = [(i, cols[s].period.end) for i, s in enumerate(value_slots) if cols[s].period.end]
    if len(dated) >= 2:
        return 1 if dated[-1][1] > dated[0][1] else -1
    return 1


def _months_from_report(dp: DocPeriods, end: date) -> int | None:
    if dp.report and dp.report.end and (dp.report.end.month, dp.report.end.day) == (end.month, end.day):
        return dp.report.months
    return None


def _periods_in(text: str, dp: DocPeriods, cumulative) -> list[Period]:
    """Every period printed in `text`, in order (dates with their duration words)."""
    from iijdesk.core.periods import DATE_RE, FY_RE, QUARTER_RE, HALF_RE
    out: list[Period] = []
    spans = []
    clean = re.sub(r"(?<=[A-Za-z])\s(?=[a-z])", "", text)  # "Mar ch" -> "March" after tab damage
    for rx in (DATE_RE, QUARTER_RE, HALF_RE, FY_RE):
        for m in rx.finditer(clean):
            if any(a <= m.start() < b for a, b in spans):
                continue
            before = clean[max(0, m.start() - 40): m.start()]
            p = dp.parse(before + " " + m.group(0), cumulative) if rx is DATE_RE else dp.parse(m.group(0), cumulative)
            if rx is DATE_RE:
                p2 = dp.parse(m.group(0))
                p.end = p2.end
            if p.end:
                spans.append(m.span())
                out.append((m.start(), p))
    out.sort(key=lambda x: x[0])
    res: list[Period] = []
    for _, p in out:
        if not any(p.end == q.end for q in res):
            res.append(p)
    return res
