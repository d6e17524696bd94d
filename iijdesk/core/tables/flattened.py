"""Tables the conversion flattened onto a single line.

Some PDF conversions run a whole small table into one line: headers, labels and cells in
reading order, numbers glued together (`1,2341,2345,678`). The cells can still be read: each run
of numbers belongs either to the period printed around it (`Nine months ended 12,345 (4.9) ...
December 31, 2009`) or, when the column periods stand first (`CAPEX3Q113Q12JPY millions...`), to
those columns in order. Every fact read this way is flagged suspect: its column could not be
told from the layout."""
from __future__ import annotations

import re

from iijdesk.core.periods import DATE_RE, QUARTER_RE, DocPeriods, Period
from iijdesk.core.tables.numbers import Num, find_numbers
from iijdesk.core.units import UNKNOWN

# A line is a flattened table when it repeats a column unit this often and holds this many numbers.
FLAT_MIN_UNIT_WORDS = 2
FLAT_MIN_NUMBERS = 4
FLAT_MIN_LENGTH = 120
UNIT_WORD_RE = re.compile(r"JPY\s*millions?|thousands\s+of\s+JPY|millions\s+of\s+yen", re.I)
PCT_IS_YOY_RE = re.compile(r"%\s*shown\s*is\s*(YoY|year)", re.I)
SUSPECT_NOTE = "table flattened onto one line by the conversion; the cell's column is read from its order"


def is_flattened(text: str) -> bool:
    return "\t" not in text.strip() and len(text) >= FLAT_MIN_LENGTH and \
        len(UNIT_WORD_RE.findall(text)) >= FLAT_MIN_UNIT_WORDS


def _unglue(text: str) -> str:
    """Put back the spaces the conversion dropped between cells, labels and codes."""
    t = re.sub(r"(?<=[A-Za-z])(?=[1-4]Q\d{2})", " ", text)              # CAPEX3Q11
    t = re.sub(r"([1-4]Q\d{2})(?=[1-4]Q\d{2}|[A-Z])", r"\1 ", t)        # 3Q113Q12JPY
    for _ in range(8):                                                    # 1,2341,2345,678
        t2 = re.sub(r"(\d{1,3}(?:,\d{3})+)(?=\d)", r"\1 ", t)
        if t2 == t:
            break
        t = t2
    t = re.sub(r"(?<=\d)(?=[A-Za-z])|(?<=[A-Za-z])(?=\d)|(?<=\))(?=[A-Za-z\d])", " ", t)
    return t


def read_flattened(text: str, dp: DocPeriods, cumulative: bool | None = None,
                   currency: str = UNKNOWN) -> list[dict]:
    """One record per number: printed, value (printed units), measure, unit, scale, period, start."""
    if not is_flattened(text):
        return []
    t = _unglue(text)
    nums = [n for n in find_numbers(t) if n.value is not None]
    dates = [(m.start(), m.end(), m.group(0)) for m in DATE_RE.finditer(t)]
    nums = [n for n in nums if not any(a <= n.start < b for a, b, _ in dates)]
    codes = [m for m in QUARTER_RE.finditer(t)]
    nums = [n for n in nums if not any(m.start() <= n.start < m.end() for m in codes)]
    if len(nums) < FLAT_MIN_NUMBERS:
        return []
    groups = _groups(t, nums)
    scale = 1_000_000 if re.search(r"millions?", t, re.I) else 1000
    pct_measure = "yoy_pct" if PCT_IS_YOY_RE.search(t) else "share_pct"
    out: list[dict] = []
    cursor = [0]
    header_codes = [m for m in codes if m.start() < nums[0].start]
    if len(header_codes) >= 2:
        cols = [dp.parse(m.group(0), cumulative) for m in header_codes]
        for g in groups:
            for n, p in zip(g, _spread(len(g), cols)):
                out.append(_record(n, p, scale, pct_measure, text, cursor, currency))
        return [r for r in out if r is not None]
    for g in groups:
        p = _period_around(t, g, dp, cumulative)
        if p is None:
            continue
        for n in g:
            out.append(_record(n, p, scale, pct_measure, text, cursor, currency))
    return [r for r in out if r is not None]


def _groups(t: str, nums: list[Num]) -> list[list[Num]]:
    groups: list[list[Num]] = []
    for n in nums:
        if groups and not re.search(r"[A-Za-z]", t[groups[-1][-1].end: n.start]):
            groups[-1].append(n)
        else:
            groups.append([n])
    return groups


def _spread(n: int, cols: list[Period]) -> list[Period]:
    """More numbers than columns: the first and the last take the outer columns, the copies in
    between repeat the first (a duplicated cell); fewer: the first columns."""
    if n <= len(cols):
        return cols[:n]
    return [cols[0]] * (n - 1) + [cols[-1]]


def _period_around(t: str, g: list[Num], dp: DocPeriods, cumulative) -> Period | None:
    after = DATE_RE.search(t, g[-1].end, min(len(t), g[-1].end + 40))
    m = after
    if m is None:
        before = [d for d in DATE_RE.finditer(t, 0, g[0].start)]
        m = before[-1] if before else None
    if m is None:
        return None
    lead = t[max(0, g[0].start - 40): g[0].start]
    lead = DATE_RE.split(lead)[-1] if DATE_RE.search(lead) else lead
    p = dp.parse(lead + " " + m.group(0), cumulative)
    p.end = dp.parse(m.group(0)).end
    return p


def _record(n: Num, p: Period, scale: int, pct_measure: str, original: str, cursor: list[int],
            currency: str) -> dict | None:
    pct = n.percent or n.decimals == 1
    # the span in the line as printed: ungluing only added spaces, so try the token with and
    # without them; a token that cannot be found in the line gives no fact
    printed, start = "", -1
    for cand in (n.printed, n.printed.replace(" ", ""), n.printed.strip("()"), n.printed.strip("()").replace(" ", "")):
        start = original.find(cand, cursor[0])
        if start >= 0:
            printed = cand
            break
    if start < 0:
        return None
    cursor[0] = start + len(printed)
    return {
        "printed": printed, "value": n.value if pct else n.value * scale,
        "measure": pct_measure if pct else "value", "unit": "percent" if pct else currency,
        "scale": 1 if pct else scale, "period_end": p.end.isoformat() if p.end else "",
        "period_months": p.months, "decimals": n.decimals,
        "start": start, "end": start + len(printed),
        "flag": "suspect", "note": SUSPECT_NOTE,
    }
