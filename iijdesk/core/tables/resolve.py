"""Columns of a table -> measure, unit, scale and period.

Each column slot gathers the header text standing over it; what the text does not say is
inferred from the table's other columns and the release's own definitions: a `%` column takes
the period of the amount to its left, a U.S. dollar column translates the latest period, a
comparative column with its year lost in conversion is one year before its neighbour."""
from __future__ import annotations

import bisect
import calendar
import re
from datetime import date
from functools import lru_cache

from iijdesk.core.periods import DATE_RE, DocPeriods, Period
from iijdesk.core.tables.lines import CELL_NOISE_WORDS
from iijdesk.core.tables.numbers import is_range
from iijdesk.core.tables.model import Column, Table
from iijdesk.core.units import DocUnits, currency_of, names_currency

# Right edges closer than this (characters) belong to one fixed-width column.
SLOT_TOLERANCE = 3
# A header phrase over a fixed-width column may sit this far beside it.
HEADER_REACH = 4

USD_RE = re.compile(r"U\.\s?S\.|\bUSD\b|US\$|dollars", re.I)
SHARE_RE = re.compile(r"(?:%|percent(?:age)?)\s*(?:of|to)\s*(total\s*)?(net\s*)?(?:revenues?|sales)|%\s*of\s*total|%\s*of\s*sales|composition|^%$|%.*\b(total|revenues)$", re.I)
YOY_RE = re.compile(r"\bYoY\b|\bQoQ\b|chang|increase|decrease|growth|\bvs\.?\b|compared", re.I)
TARGET_RE = re.compile(r"target|forecast|plan\b|outlook|guidance", re.I)
ACTUAL_RE = re.compile(r"\bactual|\bresults?\b", re.I)
THREE_MONTHS_RE = re.compile(r"\(\s*3\s*months?\s*\)|three\s+months|3\s+months", re.I)
PCT_IS_YOY_RE = re.compile(r"%\s*shown\s*is\s*(YoY|year)", re.I)
INSTANT_RE = re.compile(r"\bas\s+of\b|\bas\s+at\b|balance\s+sheets?|financial\s+position|number\s+of\s+(contracts|employees|subscribers|atms)|\bbacklog\b", re.I)
# Words of amounts that flow over a period (a column "Additions to Property ... June 29, 2025"
# holds the year to date, not a balance at that date).
FLOW_WORDS_RE = re.compile(r"\b(?:revenues?|sales|income|expenses?|earnings|additions?|depreciation|amortization|"
                           r"cash\s+flows?|provided|used\s+in|capital\s+expenditures?|purchases|payments|proceeds|"
                           r"dividends\s+paid|costs?\s+of)\b", re.I)
PERIOD_WORDS_RE = re.compile(r"(19|20)\d{2}|\bFY|\d\s?Q\d|\d\s?H\d|months|as of|ended", re.I)


_BILLION_RE = re.compile(r"\bbillions?\b|\bbil\b|\bbn\b|十億円", re.I)
_MILLION_RE = re.compile(r"\bmillions?\b|\bmil\b|\bmn\b|百万円", re.I)
_THOUSAND_RE = re.compile(r"\bthousands?\b|in\s+000s|\(000\)|千円", re.I)


# An amount written out in prose ("$1.15 billion", "JPY 35 millions") states no table's scale.
_AMOUNT_WORD_RE = re.compile(r"\d(?:[\d,.]*\d)?\s*(?:billions?|millions?|thousands?|bn|mn)\b", re.I)


@lru_cache(maxsize=2048)
def scale_of(text: str) -> int | None:
    """The multiplier a header or unit line states: thousands, millions, billions."""
    if _AMOUNT_WORD_RE.search(text):
        text = _AMOUNT_WORD_RE.sub(" ", text)
    if _BILLION_RE.search(text):
        return 1_000_000_000
    if _MILLION_RE.search(text):
        return 1_000_000
    if _THOUSAND_RE.search(text):
        return 1000
    return None


# "(in millions of shares)", "shares in thousands": the scale of share counts, said outright.
SHARES_SCALE_RE = re.compile(r"\b(?:millions|thousands|billions)\s+of\s+shares\b|\bshares\s+in\s+(?:millions|thousands|billions)\b"
                             r"|\bshare\s+(?:data|amounts|counts?)\s+in\s+(?:millions|thousands)\b", re.I)
# A column of share counts in a money table: "Common Shares Outstanding", "Number of Shares".
SHARES_COLUMN_RE = re.compile(r"\b(?:common\s+)?shares\s+(?:outstanding|issued)\s*$|^\s*(?:number\s+of\s+shares|shares)\s*$", re.I)
# A column counting things other than shares: "Number of plaintiffs", "Number of stores".
COUNT_COLUMN_RE = re.compile(r"^\s*(?:approximate\s+|total\s+)?number\s+of\s+(?!shares\b)[a-z]", re.I)
# A table's unit phrase naming share counts and nothing else.
SHARES_ONLY_RE = re.compile(r"\((?:in\s+)?(?:millions|thousands|billions)\s+of\s+shares\)|\(shares\s+in\s+(?:millions|thousands|billions)\)", re.I)
# "(In millions, except per share data)": the scale covers every figure but per-share amounts,
# share counts included.
EXCEPT_PER_SHARE_RE = re.compile(r"except\s+(?:for\s+)?(?:per[-\s]share|share|par\s+value|shares)", re.I)
_SCALE_PHRASE_RE = re.compile(r"[^()\t]*\b(?:millions?|thousands?|billions?)\b[^()\t]*", re.I)


def share_scale_of(texts: list[str], table_scale: int | None) -> int:
    """The multiplier of a table's share counts. A scale said of shares is theirs; a scale
    phrase that names no currency ("in millions") or excepts only per-share amounts covers the
    counts too; one bound to a currency ("Thousands of JPY", "millions of dollars") does not."""
    for x in texts:
        m = SHARES_SCALE_RE.search(x or "")
        if m:
            return scale_of(m.group(0)) or 1
    if not table_scale:
        return 1
    for x in texts:
        for m in _SCALE_PHRASE_RE.finditer(x or ""):
            phrase = m.group(0)
            if scale_of(phrase) != table_scale:
                continue
            if EXCEPT_PER_SHARE_RE.search(phrase) or not names_currency(phrase):
                return table_scale
            return 1
    return 1


# A single-spaced header phrase over this many columns or more is read as one piece per column;
# over two it is more often one unit phrase ("JPY millions") that overhangs its column.
SPLIT_MIN_COLUMNS = 3
SPLIT_OVERHANG = 2          # characters a centred header word may pass its number's right edge


def assign_slots(t: Table) -> None:
    if t.layout == "tabbed":
        for r in t.rows:
            r.slots = _tab_slots(r.line.cells, r.line.fields)
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




def _tab_slots(cells, fields: list[str] | None = None) -> list[int]:
    """Column slot of each cell of a tab-separated row. Several numbers in one field are either
    two rows stacked by the conversion (every numeric field holds the same count: one column),
    a range printed in one cell ("4.70-5.75%": both in that column) or cells spilled into their
    left neighbour (they move on into the empty fields to the right; a field holding text, such
    as a maturity date, is not empty)."""
    per_field: dict[int, int] = {}
    for c in cells:
        per_field[c.field] = per_field.get(c.field, 0) + 1
    counts = set(per_field.values())
    if len(counts) == 1 and len(per_field) > 1:
        return [c.field * 10 for c in cells]         # stacked rows: same column
    slots = []
    seen: dict[int, int] = {}
    taken = set(per_field)
    if fields:
        taken |= {i for i, f in enumerate(fields) if i and f.strip()}
    for c in cells:
        k = seen.get(c.field, 0)
        seen[c.field] = k + 1
        if k == 0 or (per_field[c.field] == 2 and is_range(c.field_text)):
            slots.append(c.field * 10)
            continue
        nxt = c.field + k
        if nxt not in taken:
            slots.append(nxt * 10)
            taken.add(nxt)
        else:
            slots.append(c.field * 10 + k)
    return slots


def _split_over_columns(m: re.Match, hit: list[int], ranges: dict[int, tuple[int, int]]) -> dict[int, str] | None:
    """A header phrase whose words stand one group over each of several columns, separated by
    single spaces ("Shares U.S. Dollars U.S. Dollars U.S. Dollars"). Numbers are right-aligned,
    and so are their headers: a word belongs to the first column whose right edge it does not
    pass (by more than SPLIT_OVERHANG). None unless every column gets words."""
    cols = sorted(hit, key=lambda s: ranges[s][1])
    groups: dict[int, list[str]] = {s: [] for s in cols}
    for w in re.finditer(r"\S+", m.group(0)):
        end = m.start() + w.end()
        col = next((s for s in cols if end <= ranges[s][1] + SPLIT_OVERHANG), cols[-1])
        groups[col].append(w.group(0))
    if any(not g for g in groups.values()):
        return None
    return {s: " ".join(g) for s, g in groups.items()}


def _cells_by_slot(t: Table) -> dict:
    """slot -> its cells in row order, gathered in one pass (a pass per slot was quadratic on
    a line of thousands of numbers)."""
    out: dict = {}
    for r in t.rows:
        for cell, sl in zip(r.line.cells, r.slots):
            out.setdefault(sl, []).append(cell)
    return out


def slot_headers(t: Table) -> tuple[dict[int, str], dict[int, str]]:
    """(all header text over each slot, the bottom-most header text over it: its unit line)."""
    slots = sorted({s for r in t.rows for s in r.slots})
    texts: dict[int, list[tuple[int, str]]] = {s: [] for s in slots}
    if t.layout == "tabbed":
        for h in t.header_lines:
            if not h.fields:
                continue
            spans = h.markup.spans if h.markup is not None else {}
            for s in slots:
                f = s // 10
                if f < len(h.fields) and h.fields[f].strip():
                    texts[s].append((h.no, h.fields[f].strip()))
                else:   # under a cell that spans several columns in the markup
                    k = next((a for a, n in spans.items() if a < f < a + n), None)
                    if k is not None and h.fields[k].strip():
                        texts[s].append((h.no, h.fields[k].strip()))
    else:
        ranges = {}
        by_slot = _cells_by_slot(t)
        for s in slots:             # in slot order: ties below go to the leftmost
            cells = by_slot[s]
            ranges[s] = (min(c.num.start for c in cells), max(c.num.end for c in cells))
        left_edge = min(a for a, _ in ranges.values()) if ranges else 0
        for h in t.header_lines:
            for m in re.finditer(r"\S+(?: \S+)*", h.text):
                a, b = m.span()
                if b < left_edge - HEADER_REACH * 3:
                    continue
                phrase = m.group(0)
                hit = [s for s, (x, y) in ranges.items() if a < y and b > x]
                split = _split_over_columns(m, hit, ranges) if len(hit) >= SPLIT_MIN_COLUMNS else None
                if split:
                    for s, piece in split.items():
                        texts[s].append((h.no, piece))
                    continue
                if len(hit) > 1 and not PERIOD_WORDS_RE.search(phrase) and not re.search(r"fiscal|year|months|ended", phrase, re.I):
                    # a unit phrase over two columns belongs to the one it covers most
                    hit = [max(hit, key=lambda s: min(b, ranges[s][1]) - max(a, ranges[s][0]))]
                if not hit:
                    near = min(ranges, key=lambda s: min(abs(a - ranges[s][1]), abs(b - ranges[s][0])))
                    x, y = ranges[near]
                    if min(abs(a - y), abs(b - x)) <= HEADER_REACH:
                        hit = [near]
                for s in hit:
                    texts[s].append((h.no, phrase))
    full = {s: " ".join(x for _, x in v) for s, v in texts.items()}
    bottom = {}
    for s, v in texts.items():
        if v:
            last = max(n for n, _ in v)
            bottom[s] = " ".join(x for n, x in v if n == last)
        else:
            bottom[s] = ""
    return full, bottom


# Context lines longer than this are prose: they are not read for the table's duration.
CONTEXT_MAX_LENGTH = 200


def resolve(t: Table, dp: DocPeriods, du: DocUnits | None = None) -> None:
    currency = (du or DocUnits()).currency
    unit_context = t.unit_context
    assign_slots(t)
    headers, bottoms = slot_headers(t)
    header_text = " ".join(_text(h) for h in t.header_lines)
    # (a paragraph of prose above a table says many things; only short context lines govern it)
    table_text = " ".join([t.title] + [c for c in t.context if len(c) <= CONTEXT_MAX_LENGTH] + [header_text])
    table_scale = scale_of(" ".join(t.context + [header_text, t.title])) or scale_of(unit_context)
    t.share_scale = share_scale_of(t.context + [header_text, t.title, unit_context], table_scale)
    three = bool(THREE_MONTHS_RE.search(t.title + " " + " ".join(t.context) + " " + t.section_heading))
    if re.search(r"\b(nine|six)\s+months\b", t.section_heading, re.I) and not THREE_MONTHS_RE.search(t.title):
        three = False
    cumulative = False if three else None
    pct_is_yoy = t.pct_is_yoy or bool(PCT_IS_YOY_RE.search(table_text + " " + t.preamble))
    usd_by_rows = _usd_slots_from_row_labels(t)
    # "Common Stock Share Activity (millions of shares)" over the label column: counts, not money
    label_heads = [h.fields[0] for h in t.header_lines if h.fields] + [t.title]
    shares_table = any(SHARES_ONLY_RE.search(x) for x in label_heads)
    prev: Column | None = None
    cols: dict[int, Column] = {}
    by_slot = _cells_by_slot(t)
    for s, h in headers.items():
        c = Column(slot=s, header=h, unit=currency)
        unit_text = bottoms.get(s, "")
        cells = by_slot.get(s, [])
        pct_cells = sum(1 for x in cells if x.num.percent)
        valued = [x for x in cells if not x.num.is_nil]
        small_decimals = valued and all(x.num.decimals == 1 and abs(x.num.value) <= 200 for x in valued)
        signs = {x.num.currency for x in valued}
        cell_currency = signs.pop() if len(signs) == 1 else ""
        yoy_cells = valued and all(x.num.percent and (x.num.word or re.search(r"\bYoY\b", x.field_text)) for x in valued)
        named = "USD" if USD_RE.search(unit_text or h) else currency_of(unit_text or h)
        if (named and named != currency) or (s in usd_by_rows and currency != "USD") or \
                (cell_currency and cell_currency != currency):
            c.translation = True     # a convenience translation into another currency
            c.unit = named if named and named != currency else cell_currency or "USD"
        if re.fullmatch(r"\(?shares\)?", unit_text.strip(), re.I) or (shares_table and not c.translation) or \
                SHARES_COLUMN_RE.search(h):
            c.unit = "shares"
        elif COUNT_COLUMN_RE.search(h) and not any(x.num.currency for x in valued):
            c.unit = "count"          # "Number of plaintiffs", "Number of stores"
        if yoy_cells and not h:
            c.measure = "yoy_pct"
        elif YOY_RE.search(h) and not TARGET_RE.search(h.split("(")[0]):
            c.measure = "yoy_pct" if (pct_cells or "%" in h or not valued or small_decimals) else "change"
            c.translation = False
            c.unit = currency
        elif SHARE_RE.search(unit_text.strip()) or unit_text.strip().endswith("%") or \
                (SHARE_RE.search(h) and small_decimals) or (h.strip().endswith("%") and not PERIOD_WORDS_RE.search(h)):
            c.measure = "yoy_pct" if pct_is_yoy else "share_pct"
            c.translation = False
        elif TARGET_RE.search(h) and not ACTUAL_RE.search(h):
            c.measure = "target"
        if not h and prev is not None and prev.measure in ("change", "yoy_pct") and valued and \
                all(x.num.percent for x in valued):
            c.measure, c.header = "yoy_pct", prev.header   # the % half of a "YoY" header over two cells
        if c.measure == "share_pct" and _not_a_share(t, s):
            # a "% of revenues" column whose revenue row is not 100 holds amounts: flag it
            c.measure, c.false_share = "value", True
            c.suspect = (f"the header reads '{h}' but the revenue row is not 100 in this column: "
                         "the cells are amounts")
        if c.measure in ("yoy_pct", "share_pct"):
            c.unit, c.scale = "percent", 1
        else:
            c.scale = scale_of(h) or table_scale or 1
        cols[s] = c
        prev = c
    _fill_periods(t, cols, dp, cumulative, table_text)
    t.columns = cols


REVENUE_ROW_RE = re.compile(r"^(total\s+)?(net\s+)?(operating\s+)?(revenues?|sales)$", re.I)
# A share of revenues on the revenue row itself is 100 within this.
SHARE_TOTAL_TOLERANCE = 0.5


def _not_a_share(t: Table, slot: int) -> bool:
    for r in t.rows:
        if REVENUE_ROW_RE.match(r.label.strip()):
            for cell, sl in zip(r.line.cells, r.slots):
                if sl == slot and cell.num.value is not None and not cell.num.percent:
                    return abs(cell.num.value - 100) > SHARE_TOTAL_TOLERANCE
    return False


def _usd_slots_from_row_labels(t: Table) -> set[int]:
    """Rows labelled `(JPY / U.S. Dollars / JPY)` say which of their cells is in dollars."""
    from iijdesk.core.tables.classify import unit_list
    out: set[int] = set()
    for r in t.rows:
        units = unit_list(r.label)
        if units and len(units) == len(r.slots):
            out |= {s for s, u in zip(r.slots, units) if u == "USD"}
    return out


def _text(h) -> str:
    return h.text.replace("\t", " ")


def _clean_context(s: str) -> str:
    """Subtitles split by tabs inside words in conversion: "(As of Mar\\tch 31, 2009 and Dec\\tcember 3\\t1, 2009)"."""
    return re.sub(r"(?<=\w)\t(?=\w)", "", s).replace("\t", " ")


def _fill_periods(t: Table, cols: dict[int, Column], dp: DocPeriods, cumulative, table_text: str) -> None:
    order = sorted(cols)
    value_slots = [s for s in order if cols[s].measure in ("value", "target") and not cols[s].translation]
    context_text = " ".join([t.title] + [_clean_context(c) for c in t.context if len(c) <= CONTEXT_MAX_LENGTH] +
                            [_text(h) for h in t.header_lines])
    cands = [c for c in dp.find_all(context_text, cumulative) if _plausible(dp, c)]
    intro = _intro_sentence(t.preamble)
    if not cands and intro:
        # "The following is a summary of our debt as of June 30, 2025 (in millions):"
        cands = [c for c in dp.find_all(intro, cumulative) if _plausible(dp, c)]
        table_text = f"{table_text} {intro}"
    # (a table without a title of its own is named after its first row: that label is no header)
    own_title = "" if t.rows and t.title_line == t.rows[0].line.no else t.title
    header_text = " ".join([own_title] + [_text(h) for h in t.header_lines])
    instant = bool(INSTANT_RE.search(header_text))
    table_period = dp.parse(table_text, cumulative)
    months_default = 0 if instant else table_period.months
    if months_default is None:
        months_default = next((p.months for p in cands if p.months is not None), None)
    periods: dict[int, Period] = {}
    tokens = {s: dp.find_all(cols[s].header, cumulative, unique=False) for s in value_slots}
    seq = [p for s in value_slots for p in tokens[s]]
    if not t.header_lines and not seq and value_slots and len(dp.compared) == len(value_slots):
        # a headerless chart table in a release that defines its comparisons ("YoY = 1Q10
        # compared to 1Q09", "QoQ = 1Q10 compared to 4Q09"): its columns are those periods
        for s, p in zip(value_slots, dp.compared):
            periods[s] = Period(p.end, p.months, p.source, True)
    elif len(seq) == len(value_slots) and any(len(v) > 1 for v in tokens.values()):
        for s, p in zip(value_slots, seq):       # a header merged into one field: "3Q08 3Q09"
            periods[s] = p
    else:
        for s in value_slots:
            if tokens[s]:
                periods[s] = tokens[s][-1]      # the bottom header line is the most specific
        used = {(p.end, p.months) for p in periods.values()}
        for s in value_slots:
            if s in periods:
                continue
            partial = dp.parse(cols[s].header, cumulative) if cols[s].header else Period()
            fit = [c for c in cands if (c.end, c.months) not in used and partial.fits(c)]
            if fit:
                periods[s] = Period(fit[0].end, fit[0].months if fit[0].months is not None else partial.months)
                used.add((fit[0].end, fit[0].months))
        _one_period_for_measures(cols, value_slots, periods, cands, dp, cumulative)
        missing = [s for s in value_slots if s not in periods]
        free = [c for c in cands if (c.end, c.months) not in used and not any(c.end == p.end for p in periods.values())]
        if missing and len(free) >= len(missing):
            for s, c in zip(missing, free):
                periods[s] = Period(c.end, c.months)
        elif missing and periods:
            direction = _direction(periods, value_slots)
            # the nearest column dated by its header (the shifted ones are guessed: never a reference)
            known = [k for k, v in enumerate(value_slots) if v in periods and not periods[v].guessed]
            for i, s in enumerate(value_slots):
                if s in periods:
                    continue
                j = _nearest(known, i)
                if j is None:
                    continue
                ref = periods[value_slots[j]]
                periods[s] = ref.shifted(direction * (i - j))
        elif missing and free:
            for s, c in zip(missing, free):
                periods[s] = Period(c.end, c.months)
        elif missing and dp.fy_read and all(_lone_year(cols[s].header) for s in missing):
            # "2025 | 2026 | 2027" over amounts: years to come (amortization, maturities,
            # lease payments) are estimates at the report's balance date, as filers tag them;
            # past years are fiscal years
            report_end = dp.report.end if dp.report is not None else None
            for s in missing:
                y = int(_lone_year(cols[s].header))
                fy = dp.fy_end(y - dp.fy_offset)                  # the fiscal year ending in y
                if report_end is not None and fy >= report_end:
                    periods[s] = Period(report_end, 0, cols[s].header, True)
                else:
                    periods[s] = Period(fy, 12, cols[s].header)
        elif missing and dp.report and dp.report.end and not all(
                _names_a_measure(cols[s].header) for s in value_slots):
            # columns whose year was lost from their headers: a run of years to the report's.
            # (Columns headed by measures, "Carrying Value | Fair Value", are no run of years:
            # without a period anywhere they stay undated rather than dated wrong.)
            n = len(value_slots)
            for i, s in enumerate(value_slots):
                ref = Period(dp.report.end, dp.report.months)
                periods[s] = ref.shifted(i - (n - 1))
        elif missing and dp.report and dp.report.end:
            for s in missing:
                if cols[s].unit == "count":      # how many there are, as of the report's date
                    periods[s] = Period(dp.report.end, 0, dp.report.source, True)
    from_header = {s for s in value_slots if s in periods and (tokens[s] or cols[s].header and
                   dp.parse(cols[s].header, cumulative).fits(periods[s]))}
    for s in value_slots:
        cols[s].from_header = s in from_header
        p = periods.get(s) or Period()
        if (instant or (cols[s].unit == "count" and s not in from_header and not tokens[s])) and p.end is not None:
            p.months = 0          # a count without a period of its own: how many there are at the end
        if p.months is None and months_default is None and p.end is not None and \
                DATE_RE.search(cols[s].header + " " + header_text) and not FLOW_WORDS_RE.search(cols[s].header):
            p.months = 0         # a full date with no duration over it, heading no flow: a balance
        if p.months is None:
            p.months = months_default if months_default is not None else _months_from_report(dp, p.end)
        cols[s].period = p
    actual_periods = [cols[s].period for s in value_slots if cols[s].measure == "value" and cols[s].period.end]
    for s in value_slots:
        # "Actual Results | Target Announced": a target beside the actuals is for the same period
        if cols[s].measure == "target" and cols[s].period.end is None and len(actual_periods) == 1:
            cols[s].period = Period(actual_periods[0].end, actual_periods[0].months)
    _year_off(cols, value_slots, order, dp)
    _stale_comparative(t, cols, value_slots, dp)
    dated = [cols[s].period for s in value_slots if cols[s].period.end]
    actual = [cols[s].period for s in value_slots if cols[s].period.end and cols[s].measure == "value"]
    latest = max(actual or dated, key=lambda p: p.end, default=None)
    latest_any = max(dated, key=lambda p: p.end, default=None)
    value_set = set(value_slots)
    n_dated = len({(p.end, p.months) for p in dated})
    run: list[int] = []          # the latest run of adjacent amount columns left of `s`
    after_value = False
    run_ref = None               # (the run's latest period, or None): one pass per run, not per column
    for s in order:
        c = cols[s]
        if s in value_set:
            if not after_value:
                run = []
            run.append(s)
            after_value, run_ref = True, None
            continue
        after_value = False
        if c.measure == "share_pct":
            src = cols[run[-1]].period if run else (cols[value_slots[0]].period if value_slots else None)
            c.period = Period(src.end, src.months) if src is not None else Period()
        elif c.translation:
            c.period = Period(latest.end, latest.months) if latest is not None else Period()
        else:  # yoy / change columns compare the latest period with the one before ...
            if run_ref is None:   # ... of the amounts beside them: "Q2 2025 | Q2 2024 | % Change | H1 2025 | ..."
                periods_left = [cols[v].period for v in run if cols[v].period.end]
                run_ref = (latest_any,)
                if len({p.months for p in periods_left}) == 1 and n_dated > len(periods_left):
                    run_ref = (max(periods_left[::-1], key=lambda p: p.end),)
            ref = run_ref[0]
            c.period = Period(ref.end, ref.months) if ref is not None else Period()
    _flows_between_balances(cols, order)
    for c in cols.values():
        p = getattr(c, "period", None) or Period()
        c.period = p
        c.period_end = p.end.isoformat() if p.end else ""
        c.period_months = p.months


INTRO_SENTENCE_RE = re.compile(r"(?:^|[.:;]\s)([^.:;]{0,300}):\s*$")


def _lone_year(header: str) -> str:
    m = re.fullmatch(r"\s*(?:fiscal\s+(?:year\s+)?)?((?:19|20)\d{2})\s*", header or "", re.I)
    return m.group(1) if m else ""


def _intro_sentence(preamble: str) -> str:
    """The sentence just above a table that introduces it, ending in a colon ("The following
    table summarizes ... as of June 30, 2025 (in millions):"); "" when the text above is not one."""
    m = INTRO_SENTENCE_RE.search(preamble.strip())
    return m.group(1).strip() if m else ""


def _flows_between_balances(cols: dict[int, Column], order: list[int]) -> None:
    """A roll-forward across columns: "December 29, 2024 Carrying Value | Changes in Fair
    Value | Purchases/Other | June 29, 2025 Carrying Value". The columns between two balances
    dated by their headers, without a date of their own, are the flows from the first date to
    the second (a change column there is an amount, not a comparison)."""
    dated = [s for s in order if cols[s].from_header and cols[s].period.end is not None
             and cols[s].period.months == 0 and cols[s].measure == "value"]
    for left, right in zip(dated, dated[1:]):
        a, b = cols[left].period.end, cols[right].period.end
        months = round((b - a).days / DAYS_PER_MONTH)
        if b <= a or months not in ROLL_FORWARD_MONTHS:
            continue
        for s in order:
            c = cols[s]
            if not left < s < right or c.from_header or c.translation or c.unit == "percent" or \
                    c.measure not in ("value", "change") or not _names_a_measure(c.header):
                continue
            c.measure = "value"
            c.period = Period(b, months)


# A roll-forward between two balances spans a quarter, a half, nine months or a year.
ROLL_FORWARD_MONTHS = (3, 6, 9, 12)
DAYS_PER_MONTH = 365.25 / 12


def _one_period_for_measures(cols: dict[int, Column], value_slots: list[int], periods: dict[int, Period],
                             cands: list[Period], dp: DocPeriods, cumulative) -> None:
    """Columns headed with words but no period ("Carrying Amount | Estimated Fair Value",
    "Level 1 | Level 2", "Upstream | Downstream") are measures of one period: the period the
    other columns share, or the single one the table's title and context name. They are not a
    run of years (that is for columns whose year was lost from a period header)."""
    plain = [s for s in value_slots if s not in periods and _names_a_measure(cols[s].header)
             and not PERIOD_WORDS_RE.search(cols[s].header) and not _partial_period(dp, cols[s].header, cumulative)]
    if not plain:
        return
    shared = {(p.end, p.months) for p in periods.values()}
    if len(shared) == 1:
        ref = next(iter(periods.values()))
    elif not periods and len({(c.end, c.months) for c in cands}) == 1:
        ref = cands[0]
    else:
        return
    for s in plain:
        periods[s] = Period(ref.end, ref.months, ref.source, True)


_UNIT_WORDS = CELL_NOISE_WORDS | {"of", "in", "the", "and", "dollar", "percent", "%"}


def _names_a_measure(header: str) -> bool:
    """A header with words beyond unit and scale words ("Carrying Amount", not "Thousands of JPY")."""
    return any(len(w) >= 3 and w.lower().strip(".,()") not in _UNIT_WORDS
               for w in re.findall(r"[A-Za-z][A-Za-z.]*", header))


def _partial_period(dp: DocPeriods, header: str, cumulative) -> bool:
    p = dp.parse(header, cumulative)
    return p.end is not None or p.month is not None or p.year is not None


def _year_off(cols: dict[int, Column], value_slots: list[int], order: list[int], dp: DocPeriods) -> None:
    """A table of balances compared year on year whose latest printed date is exactly one year
    before the date the release reports at carries a header dated a year off: the figures are
    the release's own. The dates are moved and the cells flagged, with the evidence."""
    if not dp.report or not dp.report.end or not value_slots:
        return
    if not any(cols[s].measure in ("yoy_pct", "change") for s in order):
        return
    ps = [cols[s].period for s in value_slots]
    if any(p.end is None or p.months != 0 for p in ps) or not all(cols[s].from_header for s in value_slots):
        return
    latest = max(p.end for p in ps)
    rep = dp.report.end
    if (latest.month, latest.day) == (rep.month, rep.day) and latest.year == rep.year - 1:
        for s in value_slots:
            old = cols[s].period.end
            cols[s].period = cols[s].period.shifted(1)
            cols[s].period.months = 0
            cols[s].suspect = (f"column header reads {old:%B %d, %Y} but the release reports as of "
                               f"{rep:%B %d, %Y}; a year-on-year table's latest column is the release's own date")


BALANCE_TITLE_RE = re.compile(r"balance\s+sheets?|financial\s+position", re.I)


def _stale_comparative(t: Table, cols: dict[int, Column], value_slots: list[int], dp: DocPeriods) -> None:
    """An interim balance sheet compares with the latest fiscal year end. A comparative column
    dated at an earlier fiscal year end (a year too old) is the conversion's or the printer's
    slip: it is re-dated to the fiscal year end before the latest column and flagged."""
    if not BALANCE_TITLE_RE.search(t.title) or not dp.fy_read or len(value_slots) != 2:
        return
    ps = {s: cols[s].period for s in value_slots}
    if any(p.end is None or p.months != 0 for p in ps.values()):
        return
    latest_slot = max(ps, key=lambda s: ps[s].end)
    latest = ps[latest_slot].end
    if (latest.month, latest.day) == (dp.fy_end_month, dp.fy_end_day):
        return
    y = latest.year if (dp.fy_end_month, dp.fy_end_day) < (latest.month, latest.day) else latest.year - 1
    fy_before = date(y, dp.fy_end_month, min(dp.fy_end_day, calendar.monthrange(y, dp.fy_end_month)[1]))
    for s, p in ps.items():
        if s != latest_slot and (p.end.month, p.end.day) == (dp.fy_end_month, dp.fy_end_day) and \
                p.end.year == fy_before.year - 1:
            old = p.end
            cols[s].period = Period(fy_before, 0)
            cols[s].suspect = (f"column header reads {old:%B %d, %Y} but an interim balance sheet at "
                               f"{latest:%B %d, %Y} compares with the fiscal year end {fy_before:%B %d, %Y}")


# A period more than this many years from the release's own period is a misread date.
PLAUSIBLE_YEARS = 4


def _plausible(dp: DocPeriods, p: Period) -> bool:
    if p.end is None or dp.report is None or dp.report.end is None:
        return True
    return abs(p.end.year - dp.report.end.year) <= PLAUSIBLE_YEARS


def _nearest(known: list[int], i: int) -> int | None:
    """The element of the sorted `known` closest to `i` (the smaller one on a tie)."""
    k = bisect.bisect_left(known, i)
    if k == len(known):
        return known[-1] if known else None
    if k == 0 or known[k] - i < i - known[k - 1]:
        return known[k]
    return known[k - 1]


def _direction(periods: dict[int, Period], value_slots) -> int:
    """+1 when periods run left to right in time, -1 when the latest comes first."""
    dated = [(i, periods[s].end) for i, s in enumerate(value_slots) if s in periods and periods[s].end]
    if len(dated) >= 2:
        return 1 if dated[-1][1] > dated[0][1] else -1
    return -1 if dated and dated[0][0] == 0 and len(value_slots) > 1 and False else 1


def _months_from_report(dp: DocPeriods, end: date | None) -> int | None:
    """The report's own duration for a column dated at the report's month-end (a 52/53-week
    year's comparative quarter ends a day or two off: June 30, 2024 against June 29, 2025)."""
    if not (end and dp.report and dp.report.end):
        return None
    r = dp.report.end
    try:
        same_day = abs((date(end.year, r.month, min(r.day, calendar.monthrange(end.year, r.month)[1])) - end).days)
    except ValueError:
        return None
    return dp.report.months if same_day <= FISCAL_WEEK_SLACK_DAYS else None


# Fiscal periods of 52/53 weeks end within this many days of the same date each year.
FISCAL_WEEK_SLACK_DAYS = 6
