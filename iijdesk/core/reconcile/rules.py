"""The reconciliation rules: one function per accounting identity or damage signature.

Each rule is registered by name, reads the structure once (Context) and returns Checks;
a Check names the facts it involves and evaluates the identity on their current values.
Nothing here knows which release it is looking at: rules are driven by the tables'
hierarchy, labels, measures, units, periods and scale only."""
from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from datetime import date

from iijdesk.core.reconcile.engine import Check, make_finding, rule
from iijdesk.core.reconcile.model import SUBTRACTED_LABEL, Context, similarity
from iijdesk.core.reconcile.tolerance import (
    FLOAT_SLACK, HALF, NEAR_UNITS, is_plug, pair_tolerance, ratio_tolerance, sum_tolerance)

# -- shared helpers ------------------------------------------------------------------------

NIL = re.compile(r"^\s*[-—–_]{1,3}\s*$")
WELL_FORMED = re.compile(
    r"^\s*(?:[A-Za-z]+\s+)?[+\-−–]?\s*\(?\s*[+\-−–]?\s*(?:US)?[$¥]?\s*"
    r"(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+)\s*%?\s*\)?\s*(?:%|[A-Za-z]+)?\s*$")
NUMBER_TOKEN = re.compile(r"\d[\d,]*(?:\.\d+)?")
# A USD cell off by more than this share of JPY / rate (and not by a power of ten) is no
# translation of that JPY cell; the pair is not judged.
USD_PAIR_DOUBT = 0.5
# Least number of pairs that make an inferred exchange rate credible.
MIN_RATE_PAIRS = 5
# Least significant digits a USD figure needs to take part in inferring the rate.
RATE_MIN_USD_UNITS = 1000
# A column's decimals are "its own" when this share of its figures print them.
COLUMN_DECIMALS_SHARE = 0.8
# Label similarity (token Jaccard) above which two rows name the same line item.
SAME_ITEM_SIMILARITY = 0.5
# Share of a column's other rows that must carry a cell before a gap counts as a lost cell.
CELL_PRESENT_SHARE = 0.9
RATE_TEXT = re.compile(
    r"(?:JPY|¥|Yen)\s*(\d{2,3}\.\d{1,4})\s*(?:per|=|to)\s*(?:US)?\s*\\?\$\s*1(?:\.00)?", re.I)


def fmt(value: float, scale: float = 1.0, decimals: int = 0, unit: str = "") -> str:
    """A base-unit value as the table would print it."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    v = value / (scale or 1.0) if unit != "percent" else value
    s = f"{abs(v):,.{max(decimals, 0)}f}"
    return f"({s})" if v < 0 else s


def fmt_at(ctx: Context, value: float, i: int) -> str:
    return fmt(value, ctx.scale[i], ctx.decimals[i], ctx.unit[i])


def where(ctx: Context, i: int) -> str:
    return f"{ctx.doc[i]} line {ctx.line[i]}"


def item_name(ctx: Context, i: int) -> str:
    lab = ctx.label[i].strip()
    if lab.lower() in ("total", "subtotal", "others", "other", "elimination", "") and ctx.parent[i]:
        return f"{ctx.parent[i]}: {lab or '(no label)'}"
    return lab or "(no label)"


def period_text(ctx: Context, i: int) -> str:
    pe, m = ctx.period_end[i], ctx.months[i]
    if not pe:
        return ctx.col_label[i] or "its column"
    if m == 0:
        return f"at {pe}"
    if m > 0:
        return f"for the {m} months to {pe}"
    return pe


CURRENCY_PREFIX = re.compile(r"^\s*(?:JPY|US\$|USD|\$|¥)\s*")
WORDS_IN_CELL = re.compile(r"\b(?:up|down|approx\.?|about)\b", re.I)


def printed_number(printed: str) -> float | None:
    """The number a well-formed cell prints, sign included, before scaling."""
    toks = NUMBER_TOKEN.findall(printed or "")
    if len(toks) != 1:
        return None
    try:
        v = float(toks[0].replace(",", ""))
    except ValueError:
        return None
    neg = "(" in printed or re.search(r"[-−–]\s*\d", printed) or re.search(r"\bdown\b", printed, re.I)
    return -v if neg else v


def value_matches_printed(ctx: Context, i: int) -> bool:
    """The fact's value is its printed number times its scale (else the value was misread)."""
    v = ctx.values[i]
    if nan(v):
        return True
    n = printed_number(ctx.printed[i])
    if n is None:
        return True
    s = ctx.scale[i] if ctx.unit[i] != "percent" else 1.0
    return abs(abs(n * s) - abs(v)) <= 1e-6 * max(1.0, abs(v))


def is_ok_number(printed: str) -> bool:
    """A cell that reads as one well-formed number (or a nil dash)."""
    p = CURRENCY_PREFIX.sub("", printed)
    if re.search(r"(?<![\d.])0,\d", p):      # "0,000.20": no number starts with a zero group
        return False
    if WORDS_IN_CELL.search(p):       # "(down 0.1 %" from a sentence: the words carry the sign
        p = WORDS_IN_CELL.sub("", p).replace("(", "").replace(")", "")
    return bool(NIL.match(p) or WELL_FORMED.match(p)) and \
        p.count("(") == p.count(")") and len(NUMBER_TOKEN.findall(p)) <= 1


def nan(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def shift_year(iso: str, years: int) -> str:
    try:
        y, m, d = (int(x) for x in iso.split("-"))
        if m == 2 and d == 29:
            d = 28
        return date(y + years, m, d).isoformat()
    except ValueError:
        return ""


USD_OF = {"JPY": "USD", "JPY_per_share": "USD_per_share", "JPY_per_ADS": "USD_per_ADS"}


def usd_pairs(ctx: Context) -> list[tuple[int, int]]:
    """(JPY position, USD position) in the same row for the same period and measure.

    Where a row holds several JPY cells for one period (amounts quoted inside the label),
    the one of the USD cell's scale whose ratio is nearest the release's usual JPY/USD
    ratio is taken."""
    cached = getattr(ctx, "_usd_pairs", None)
    if cached is not None:
        return cached
    sure, unsure = [], []
    for t in ctx.tables.values():
        for r in t.rows:
            by = defaultdict(list)
            for ck, i in r.cells.items():
                by[(ctx.period_end[i], ctx.months[i], ctx.measure[i])].append(i)
            for key, cells in by.items():
                for u in cells:
                    base = {v: k for k, v in USD_OF.items()}.get(ctx.unit[u])
                    if not base:
                        continue
                    js = [j for j in cells if ctx.unit[j] == base]
                    same = [j for j in js if ctx.scale[j] == ctx.scale[u]] or js
                    if len(same) == 1:
                        sure.append((same[0], u))
                    elif same:
                        unsure.append((same, u))
    # statements printed twice, once per currency (equity roll-forwards): same label, period
    # and column name once the currency words are taken out
    paired = {u for j, u in sure} | {u for js, u in unsure}
    twins = []
    by_key = defaultdict(list)
    for p in range(ctx.n):
        if ctx.unit[p] in USD_OF:
            by_key[_twin_key(ctx, p)].append(p)
    for p in range(ctx.n):
        base = {v: k for k, v in USD_OF.items()}.get(ctx.unit[p])
        if base and p not in paired:
            js = [j for j in by_key.get(_twin_key(ctx, p), ()) if ctx.unit[j] == base]
            if len(js) == 1:
                twins.append((js[0], p))
    # ... or as two tables (one per currency): same label, period and place in the row
    paired |= {u for j, u in twins}
    by_place = defaultdict(list)
    for p in range(ctx.n):
        if ctx.unit[p] in USD_OF:
            by_place[_place_key(ctx, p)].append(p)
    for p in range(ctx.n):
        base = {v: k for k, v in USD_OF.items()}.get(ctx.unit[p])
        if base and p not in paired:
            js = [j for j in by_place.get(_place_key(ctx, p), ()) if ctx.unit[j] == base
                  and ctx.table_id[j] != ctx.table_id[p]]
            if len(js) == 1:
                twins.append((js[0], p))
    # ... or as two tables whose columns carry the same names once the currency words go
    paired |= {u for j, u in twins}
    by_name = defaultdict(list)
    for p in range(ctx.n):
        if ctx.unit[p] in USD_OF:
            by_name[(ctx.doc[p],) + _twin_key(ctx, p)[1:]].append(p)
    for p in range(ctx.n):
        base = {v: k for k, v in USD_OF.items()}.get(ctx.unit[p])
        if base and p not in paired:
            js = [j for j in by_name.get((ctx.doc[p],) + _twin_key(ctx, p)[1:], ()) if ctx.unit[j] == base
                  and ctx.table_id[j] != ctx.table_id[p]]
            if len(js) == 1:
                twins.append((js[0], p))
    ratios = defaultdict(list)
    for j, u in sure:
        if not nan(ctx.values[j]) and not nan(ctx.values[u]) and ctx.values[u] and ctx.values[j] / ctx.values[u] > 0:
            ratios[ctx.doc[j]].append(math.log(ctx.values[j] / ctx.values[u]))
    med = {d: sorted(v)[len(v) // 2] for d, v in ratios.items()}
    pairs = list(sure)
    for j, u in twins:       # a twin found by name only must also look like a translation
        m = med.get(ctx.doc[u])
        vj, vu = ctx.values[j], ctx.values[u]
        if m is not None and not nan(vj) and not nan(vu) and vu and vj / vu > 0 \
                and abs(math.log(vj / vu) - m) < TWIN_RATIO_SLACK:
            pairs.append((j, u))
    for js, u in unsure:
        m = med.get(ctx.doc[u])
        if m is None or nan(ctx.values[u]) or not ctx.values[u]:
            continue
        def dist(j):
            q = ctx.values[j] / ctx.values[u] if not nan(ctx.values[j]) else -1
            return abs(math.log(q) - m) if q > 0 else math.inf
        best = min(js, key=dist)
        if dist(best) < 0.5:
            pairs.append((best, u))
    ctx._usd_pairs = pairs
    return pairs


# How far (in log ratio) a by-name JPY/USD twin may sit from the release's usual ratio.
TWIN_RATIO_SLACK = 0.2
CURRENCY_WORDS = re.compile(r"\(?\b(thousands?|millions?|billions?)\b(\s+of\b)?|\b(u\.?s\.?\s*dollars?|u\.s\.?|usd|jpy|yen)(?!\w)\)?|[()]", re.I)


def _twin_key(ctx: Context, p: int) -> tuple:
    name = " ".join(CURRENCY_WORDS.sub(" ", ctx.col_label[p]).split()).lower()
    return (ctx.table_id[p], ctx.label[p].strip().lower(), ctx.period_end[p], ctx.months[p], ctx.measure[p], name)


def _place_key(ctx: Context, p: int) -> tuple:
    """A cell's label, period and ordinal place among its row's cells of the same kind."""
    row = getattr(ctx, "_row_of", None)
    if row is None:
        row = ctx._row_of = {}
        for t in ctx.tables.values():
            for r in t.rows:
                cells = sorted(r.cells.values(), key=lambda i: (ctx.col[i], ctx.start[i]))
                for k, i in enumerate(cells):
                    row[i] = k
    return (ctx.doc[p], ctx.label[p].strip().lower(), ctx.period_end[p], ctx.months[p], ctx.measure[p], row.get(p))


def rates(ctx: Context) -> dict[str, float]:
    """JPY per USD for each release: as the release states it, else inferred from its pairs."""
    cached = getattr(ctx, "_rates", None)
    if cached is not None:
        return cached
    out: dict[str, float] = {}
    for name in dict.fromkeys(ctx.doc):     # the releases of these facts, not every one loaded
        doc = ctx.documents.get(name)
        text = getattr(doc, "text", doc if isinstance(doc, str) else "")
        m = RATE_TEXT.search(text or "")
        if m:
            out[name] = float(m.group(1))
    by_doc = defaultdict(list)
    for j, u in usd_pairs(ctx):
        if ctx.unit[j] != "JPY" or not is_ok_number(ctx.printed[j]) or not is_ok_number(ctx.printed[u]):
            continue
        vj, vu = ctx.values[j], ctx.values[u]
        if nan(vj) or nan(vu) or vu == 0 or abs(vu) < RATE_MIN_USD_UNITS * ctx.unit_last[u]:
            continue
        by_doc[ctx.doc[j]].append((j, u))
    for d, pairs in by_doc.items():
        if d in out or len(pairs) < MIN_RATE_PAIRS:
            continue
        ratios = sorted(ctx.values[j] / ctx.values[u] for j, u in pairs)
        med = ratios[len(ratios) // 2]
        if med <= 0:
            continue
        best, best_n = None, -1
        for k in range(-8, 9):
            rate = round(med, 2) + k * 0.01
            n = sum(1 for j, u in pairs if abs(ctx.values[j] / rate - ctx.values[u]) <=
                    pair_tolerance(ctx.unit_last[u], ctx.unit_last[j] / rate, ctx.values[u]))
            if n > best_n:
                best, best_n = rate, n
        if best_n >= max(MIN_RATE_PAIRS, len(pairs) // 2):
            out[d] = round(best, 4)
    ctx._rates = out
    return out


def _lost_digits(ratio: float) -> int:
    """k when `ratio` is close to 10**k for k != 0 (a figure that lost k digits), else 0."""
    if ratio <= 0:
        return 0
    k = round(math.log10(ratio))
    if k != 0 and abs(ratio / 10 ** k - 1) < 0.02:
        return k
    return 0


# -- rules -----------------------------------------------------------------------------------

@rule("usd_translation", scope="doc")
def usd_translation(ctx: Context):
    """A USD convenience-translation column equals the JPY column / the stated rate, within
    half a unit of the USD figure plus what the JPY figure's own rounding moves it."""
    rate_of = rates(ctx)
    checks = []
    for j, u in usd_pairs(ctx):
        rate = rate_of.get(ctx.doc[j])
        if not rate:
            continue

        def ev(c, j=j, u=u, rate=rate):
            if not (is_ok_number(c.printed[j]) and is_ok_number(c.printed[u])):
                return []
            vj, vu = c.values[j], c.values[u]
            if nan(vj) or nan(vu):
                return []
            exp = vj / rate
            tol = pair_tolerance(c.unit_last[u], c.unit_last[j] / rate, exp)
            if abs(vu - exp) <= tol:
                return []
            k = _lost_digits(abs(vu / exp)) if exp and vu else 0
            if k == 0 and exp and abs(vu / exp - 1) > USD_PAIR_DOUBT:
                return []      # not a translation of this JPY cell: the pairing is doubtful
            name = item_name(c, j)
            if k > 0:
                fixv = round(vu * rate / c.unit_last[j]) * c.unit_last[j]
                return [make_finding(
                    c, "usd_translation", "ocr_damage", "error", [j, u],
                    f"{name}: the JPY figure {c.printed[j]} {period_text(c, j)} has lost {k} digit(s); "
                    f"the USD figure {c.printed[u]} x {rate} gives about {fmt_at(c, fixv, j)}.",
                    expected=fixv, actual=vj, expected_text=fmt_at(c, fixv, j),
                    actual_text=c.printed[j], fix=j, fix_value=fixv)]
            fixv = round(exp / c.unit_last[u]) * c.unit_last[u]
            sev = "warning" if is_plug(vu - exp, c.unit_last[u] * 1.5) else "error"
            return [make_finding(
                c, "usd_translation", "usd_mismatch", sev, [u, j],
                f"{name} {period_text(c, u)}: JPY {c.printed[j]} / {rate} = USD "
                f"{fmt(exp, c.scale[u], c.decimals[u] + 2)}, which does not round to the printed "
                f"USD {c.printed[u]}.",
                expected=fixv, actual=vu, expected_text=fmt_at(c, fixv, u),
                actual_text=c.printed[u], fix=u, fix_value=fixv)]
        checks.append(Check("usd_translation", (j, u), ev))
    return checks


def _evidence_for(ctx: Context, i: int) -> tuple[float, str]:
    """A likely true value for fact i from its USD/JPY twin or the same item elsewhere."""
    rate_of = rates(ctx)
    for j, u in usd_pairs(ctx):
        if i == j and ctx.doc[j] in rate_of and is_ok_number(ctx.printed[u]) and not nan(ctx.values[u]):
            v = ctx.values[u] * rate_of[ctx.doc[j]]
            return v, f"USD {ctx.printed[u]} x {rate_of[ctx.doc[j]]} = {fmt_at(ctx, v, j)}"
        if i == u and ctx.doc[u] in rate_of and is_ok_number(ctx.printed[j]) and not nan(ctx.values[j]):
            v = ctx.values[j] / rate_of[ctx.doc[u]]
            return v, f"JPY {ctx.printed[j]} / {rate_of[ctx.doc[u]]} = {fmt_at(ctx, v, u)}"
    for k in _same_item_elsewhere(ctx, i):
        if is_ok_number(ctx.printed[k]) and not nan(ctx.values[k]):
            return ctx.values[k], f"{ctx.table_id[k].split('#')[0]} line {ctx.line[k]} prints {ctx.printed[k]}"
    return math.nan, ""


def _same_item_elsewhere(ctx: Context, i: int, finer: bool = False) -> list[int]:
    """The same line item for the same period in the release's other tables, printed at the
    same or a finer scale (finer=True: a strictly finer one)."""
    # A similarity of 0.99 between two labels' word sets means the same set (sets of fewer than
    # 100 words differ by one word at 0.99 at most): the index is keyed by the set itself, so a
    # look-up reads only the item's own twins (scanning the period's every fact was quadratic).
    idx = getattr(ctx, "_item_index", None)
    if idx is None:
        idx = defaultdict(list)
        for p in range(ctx.n):
            toks = ctx.tokens(ctx.label[p])
            if toks:
                idx[(ctx.doc[p], ctx.period_end[p], ctx.months[p], ctx.unit[p], ctx.measure[p],
                     toks)].append(p)
        ctx._item_index = idx
    toks = ctx.tokens(ctx.label[i])
    out = []
    for p in idx.get((ctx.doc[i], ctx.period_end[i], ctx.months[i], ctx.unit[i], ctx.measure[i],
                      toks), ()):
        if p != i and ctx.table_id[p] != ctx.table_id[i] and \
                (ctx.scale[p] < ctx.scale[i] if finer else ctx.scale[p] <= ctx.scale[i]):
            out.append(p)
    return out


@rule("damaged_number", scope="doc")
def damaged_number(ctx: Context):
    """A printed cell that cannot be a well-formed number: a last digit group shorter than three
    (truncated at the column edge), an unbalanced parenthesis, two numbers run together or
    glued into one cell, or decimals in a column that prints none."""
    checks = []
    col_dec = {}
    for t in ctx.tables.values():
        for ck, pos in t.columns.items():
            decs = Counter(ctx.decimals[p] for p in pos if is_ok_number(ctx.printed[p])
                           and not NIL.match(ctx.printed[p]))
            if sum(decs.values()) >= 4:
                d, n = decs.most_common(1)[0]
                if n >= COLUMN_DECIMALS_SHARE * sum(decs.values()):
                    for p in pos:
                        col_dec[p] = d
    for i in range(ctx.n):
        in_label = _in_label(ctx, i)
        if i in col_dec and in_label:
            del col_dec[i]        # a number quoted in the label stands in no column

        def ev(c, i=i, in_label=in_label):
            pr = c.printed[i].strip()
            if in_label:          # "($1.30 per share)": the parenthesis belongs to the label's prose
                pr = pr.strip("()")
            if not pr or is_ok_number(pr) and not (i in col_dec and c.decimals[i] != col_dec[i]
                                                   and not NIL.match(pr)):
                return []
            if _footnote_mark(c, i):
                return []
            pr = CURRENCY_PREFIX.sub("", pr)
            toks = NUMBER_TOKEN.findall(pr)
            what = None
            if len(toks) > 1:
                what = f"holds {len(toks)} numbers run together ({pr})"
            elif toks and any(len(g) > 3 for g in toks[0].split(".")[0].split(",")[1:]):
                what = f"has digits run together ({pr})"
            elif toks and "," in toks[0] and len(toks[0].split(".")[0].split(",")[-1]) < 3:
                lost = 3 - len(toks[0].split(".")[0].split(",")[-1])
                what = f"is truncated: its last digit group lost {lost} digit(s) ({pr})"
            elif toks and toks[0].startswith("0,"):
                what = f"is garbled ({pr})"
            elif pr.count("(") != pr.count(")"):
                what = f"has lost a parenthesis ({pr})"
            elif not is_ok_number(pr):
                what = f"is not a well-formed number ({pr})"
            elif i in col_dec and c.decimals[i] != col_dec[i] and not NIL.match(pr):
                what = f"prints {c.decimals[i]} decimals where its column prints {col_dec[i]} ({pr})"
            if not what:
                return []
            ev_v, ev_t = _evidence_for(c, i)
            if "parenthesis" in what and toks:
                ev_v = c.values[i] if not nan(c.values[i]) else ev_v
                ev_t = ev_t or "digits complete"
            msg = f"{item_name(c, i)} {period_text(c, i)}: the cell {what}"
            msg += f"; likely {fmt_at(c, ev_v, i)} ({ev_t})." if not nan(ev_v) else "."
            return [make_finding(c, "damaged_number", "ocr_damage", "error", [i], msg,
                                 expected=ev_v, actual=c.values[i],
                                 expected_text=fmt_at(c, ev_v, i) if not nan(ev_v) else "",
                                 actual_text=pr, fix=i if not nan(ev_v) else None, fix_value=ev_v)]
        checks.append(Check("damaged_number", (i,), ev))
    return checks


def _share_rows(ctx: Context, t) -> dict:
    """share column key -> [(row index, share position)] in row order."""
    out = defaultdict(list)
    for ri, r in enumerate(t.rows):
        for ck, i in r.cells.items():
            if ctx.measure[i] == "share_pct":
                out[ck].append((ri, i))
    return out


def _amount_in_row(ctx: Context, r, like: int, unit: str | None = None) -> int | None:
    """The amount cell of row r for the period of fact `like` (same unit if given)."""
    best = None
    for ck, i in r.cells.items():
        if ctx.measure[i] not in ("value", "target") or ctx.unit[i] == "percent":
            continue
        if ctx.period_end[i] != ctx.period_end[like] or ctx.months[i] != ctx.months[like]:
            continue
        if unit and ctx.unit[i] != unit:
            continue
        if ctx.unit[i].startswith("USD") and best is not None:
            continue
        if best is None or (ctx.unit[best].startswith("USD") and not ctx.unit[i].startswith("USD")):
            best = i
    return best


def _percent_finding(c: Context, rule_name: str, kind: str, pct: int, a: int, b: int, exp: float,
                     message, pct_sign: str) -> list[dict]:
    """A printed percentage `pct` recomputed as `exp` from amounts a and b: a finding when it
    misses by more than the rounding of all three explains (a one-unit miss is a warning)."""
    if not (is_ok_number(c.printed[a]) and is_ok_number(c.printed[b])):
        return []
    vp = c.values[pct]
    tol = ratio_tolerance(c.values[a], c.values[b], c.unit_last[a], c.unit_last[b], c.unit_last[pct])
    if abs(vp - exp) <= tol:
        return []
    sev = "warning" if is_plug(vp - exp, c.unit_last[pct] * 1.5) else "error"
    fixv = round(exp, c.decimals[pct])
    return [make_finding(
        c, rule_name, kind, sev, [pct, a, b], message(fixv),
        expected=fixv, actual=vp, expected_text=f"{fixv:.{c.decimals[pct]}f}{pct_sign}",
        actual_text=c.printed[pct], fix=pct, fix_value=fixv)]


@rule("share_of_total", scope="doc")
def share_of_total(ctx: Context):
    """A "% of total" column equals the row's amount / the total's amount (the row printing
    100.0 in that column, the section's own total first), within its rounding."""
    checks = []
    for t in ctx.tables.values():
        for ck, cells in _share_rows(ctx, t).items():
            hundred = [ri for ri, i in cells if not nan(ctx.values[i]) and abs(ctx.values[i] - 100) < 1e-9]
            if not hundred:
                continue
            for ri, s in cells:
                if ri in hundred:
                    continue
                after = [h for h in hundred if h > ri]
                hr = after[0] if after else hundred[-1]
                num = _amount_in_row(ctx, t.rows[ri], s)
                if num is None:
                    continue
                den = _amount_in_row(ctx, t.rows[hr], s, ctx.unit[num])
                if den is None:
                    continue

                def ev(c, s=s, num=num, den=den):
                    vs, vn, vd = c.values[s], c.values[num], c.values[den]
                    if nan(vs) or nan(vn) or nan(vd) or vd == 0:
                        return []
                    exp = 100.0 * vn / vd
                    return _percent_finding(
                        c, "share_of_total", "share_mismatch", s, num, den, exp,
                        lambda fixv: (f"{item_name(c, s)} {period_text(c, s)}: {c.printed[num]} / "
                                      f"{c.printed[den]} = {exp:.{c.decimals[s] + 2}f}%, which does not "
                                      f"round to the printed {c.printed[s]}."), pct_sign="")
                checks.append(Check("share_of_total", (s, num, den), ev))
    return checks


def _prior_amount(ctx: Context, t, r, cur: int) -> int | None:
    """The amount one year before `cur` for the same item: same row (nearest column), else
    the same column label in another row."""
    prior_end = shift_year(ctx.period_end[cur], -1)
    if not prior_end:
        return None
    same_row = [i for i in r.cells.values()
                if i != cur and ctx.period_end[i] == prior_end and ctx.months[i] == ctx.months[cur]
                and ctx.unit[i] == ctx.unit[cur] and ctx.measure[i] in ("value", "target")]
    if same_row:
        return min(same_row, key=lambda i: abs(ctx.col[i] - ctx.col[cur]))
    def unique_label(row, i):
        return ctx.col_label[i] and sum(ctx.col_label[k] == ctx.col_label[i] for k in row.cells.values()) == 1
    if not unique_label(r, cur):
        return None
    for r2 in t.rows:
        for ck, i in r2.cells.items():
            if i != cur and ctx.period_end[i] == prior_end and ctx.months[i] == ctx.months[cur] \
                    and ctx.unit[i] == ctx.unit[cur] and ctx.col_label[i] == ctx.col_label[cur] \
                    and ctx.col[i] == ctx.col[cur] and unique_label(r2, i):
                return i
    return None


def _current_amount(ctx: Context, t, r, y: int) -> int | None:
    """The amount a YoY / change cell compares: same row and period, the nearest column
    before it (else after it)."""
    cands = [i for i in r.cells.values()
             if ctx.measure[i] in ("value", "target") and ctx.unit[i] not in ("percent",)
             and not ctx.unit[i].startswith("USD")
             and ctx.period_end[i] == ctx.period_end[y] and ctx.months[i] == ctx.months[y]]
    if not cands:
        return None
    before = [i for i in cands if ctx.col[i] < ctx.col[y]]
    if before:
        return max(before, key=lambda i: ctx.col[i])
    return min(cands, key=lambda i: ctx.col[i])


@rule("yoy_recomputed", scope="doc")
def yoy_recomputed(ctx: Context):
    """A YoY % equals (this period / the same period a year before - 1) x 100, within half
    its last digit plus what the two amounts' rounding moves it."""
    checks = []
    for t in ctx.tables.values():
        for r in t.rows:
            for ck, y in r.cells.items():
                if ctx.measure[y] != "yoy_pct":
                    continue
                cur = _current_amount(ctx, t, r, y)
                if cur is None:
                    continue
                pri = _prior_amount(ctx, t, r, cur)
                if pri is None:
                    continue

                twins = tuple(i for i in r.cells.values() if i != y and ctx.measure[i] == "yoy_pct"
                              and ctx.period_end[i] == ctx.period_end[y] and ctx.months[i] == ctx.months[y])

                def ev(c, y=y, cur=cur, pri=pri, twins=twins):
                    vy, vc, vp = c.values[y], c.values[cur], c.values[pri]
                    if nan(vy) or nan(vc) or nan(vp) or vp <= 0 or vc < 0:
                        return []
                    exp0 = (vc / vp - 1.0) * 100.0
                    if any(not nan(c.values[w]) and abs(c.values[w] - exp0) <= ratio_tolerance(
                            vc, vp, c.unit_last[cur], c.unit_last[pri], c.unit_last[w]) for w in twins):
                        return []     # a sibling cell is this YoY; this one is another measure
                    return _percent_finding(
                        c, "yoy_recomputed", "yoy_mismatch", y, cur, pri, exp0,
                        lambda fixv: (f"{item_name(c, y)}: {c.printed[cur]} against {c.printed[pri]} a "
                                      f"year earlier is {exp0:+.{c.decimals[y] + 1}f}%, not the printed "
                                      f"{c.printed[y]}."), pct_sign="%")
                checks.append(Check("yoy_recomputed", (y, cur, pri), ev))
    return checks


def _nil0(c: Context, i: int) -> float:
    """A cell's value, a printed nil dash as 0 (NaN for anything else unreadable)."""
    v = c.values[i]
    if nan(v) and NIL.match(c.printed[i] or ""):
        return 0.0
    return v


@rule("change_column", scope="doc")
def change_column(ctx: Context):
    """A "Changes" column equals the first amount minus the second, within rounding.

    The two amounts are the two nearest amount columns to the change's left (a change
    column follows what it compares), of two different periods; a nil dash is 0. Where a
    sibling change cell of the row already is that difference, this one is another measure
    (a % change whose % sign stands in a cell of its own) and is not judged. A change
    column with fewer than two amounts before it moves a balance (a roll-forward), it is no
    difference of columns."""
    checks = []
    for t in ctx.tables.values():
        for r in t.rows:
            for ck, d in r.cells.items():
                if ctx.measure[d] != "change":
                    continue
                left = sorted((i for i in r.cells.values()
                               if ctx.measure[i] in ("value", "target") and ctx.unit[i] == ctx.unit[d]
                               and ctx.col[i] < ctx.col[d] and not _in_label(ctx, i)),
                              key=lambda i: ctx.col[i])[-2:]
                if len(left) < 2 or (ctx.period_end[left[0]], ctx.months[left[0]]) == \
                        (ctx.period_end[left[1]], ctx.months[left[1]]):
                    continue
                siblings = tuple(i for i in r.cells.values() if i != d and ctx.measure[i] == "change"
                                 and ctx.col[left[1]] < ctx.col[i] and ctx.col[i] < ctx.col[d] + 3)

                def ev(c, d=d, pair=tuple(left), siblings=siblings):
                    vd = c.values[d]
                    if nan(vd) or not all(is_ok_number(c.printed[i]) for i in pair):
                        return []
                    v0, v1 = _nil0(c, pair[0]), _nil0(c, pair[1])
                    if nan(v0) or nan(v1):
                        return []
                    units = [c.unit_last[pair[0]], c.unit_last[pair[1]], c.unit_last[d]]
                    tol = sum_tolerance(units)
                    for exp in (v0 - v1, v1 - v0):      # current first, or prior first
                        if abs(vd - exp) <= tol:
                            return []
                    for sib in siblings:                # a sibling is the change; this is its %
                        vs = c.values[sib]
                        if not nan(vs) and any(abs(vs - e) <= tol for e in (v0 - v1, v1 - v0)):
                            return []
                    a, b = sorted(pair, key=lambda i: c.period_end[i], reverse=True)   # later first
                    exp = _nil0(c, a) - _nil0(c, b)
                    return [make_finding(
                        c, "change_column", "sum_mismatch", "warning", [d, a, b],
                        f"{item_name(c, d)}: the change {c.printed[d]} is not {c.printed[a]} - {c.printed[b]} "
                        f"= {fmt_at(c, exp, d)}.",
                        expected=exp, actual=vd, expected_text=fmt_at(c, exp, d),
                        actual_text=c.printed[d], fix=d, fix_value=exp)]
                checks.append(Check("change_column", (d, *left, *siblings), ev))
    return checks


GENERIC_LABELS = {"total", "subtotal", "others", "other", "elimination", "sum", "net", ""}


def item_tokens(ctx: Context, i: int) -> frozenset:
    """Tokens naming the line item of fact i (a bare "Total" is named by its section)."""
    lab = ctx.label[i].strip().lower().rstrip(":")
    toks = ctx.tokens(ctx.label[i])
    if lab in GENERIC_LABELS or not toks:
        toks = toks | ctx.tokens(ctx.parent[i])
    return toks - {"total"}


def item_tokens_ctx(ctx: Context, i: int) -> frozenset:
    """item_tokens plus the section (parent) the row stands in."""
    return (item_tokens(ctx, i) | ctx.tokens(ctx.parent[i])) - {"total"}


# Words that make two otherwise alike labels different items ("income before income tax"
# is not "income tax").
DISCRIMINATING_WORDS = frozenset({"before", "after", "gross", "margin", "ratio"})


def item_similarity(a: frozenset, b: frozenset) -> float:
    if (a ^ b) & DISCRIMINATING_WORDS:
        return 0.0
    return similarity(a, b)


def _bucket_index(ctx: Context) -> dict:
    idx = getattr(ctx, "_buckets", None)
    if idx is None:
        idx = defaultdict(list)
        for p in range(ctx.n):
            v = ctx.values[p]
            if nan(v) or not ctx.period_end[p] or not is_ok_number(ctx.printed[p]):
                continue
            idx[(ctx.doc[p], ctx.period_end[p], ctx.months[p], ctx.unit[p], ctx.measure[p])].append(p)
        for k in idx:
            idx[k].sort(key=lambda p: ctx.values[p])
        ctx._buckets = idx
        ctx._bucket_vals = {k: [ctx.values[p] for p in v] for k, v in idx.items()}
    return idx


# A same-scale printing this many units away still counts when one digit alone differs.
MISREAD_UNITS = 9


def _digits(printed: str) -> str:
    return "".join(ch for ch in printed if ch.isdigit())


def _one_digit_apart(ctx: Context, a: int, b: int) -> bool:
    """Same scale and decimals, same number of digits, exactly one digit different."""
    if ctx.scale[a] != ctx.scale[b] or ctx.decimals[a] != ctx.decimals[b]:
        return False
    da, db = _digits(ctx.printed[a]), _digits(ctx.printed[b])
    return len(da) == len(db) >= 4 and sum(x != y for x, y in zip(da, db)) == 1


EITHER_SIGN = re.compile(r"\b(loss|losses|gains?|income|benefit|other|net|changes?|increase|decrease|effect)\b", re.I)


def _sign_flip_checks(ctx: Context, key, members, vals, a, ta, tca) -> list:
    """a prints negative where the same item prints positive elsewhere and the other cells
    of a's own row are positive: a's parentheses are wrong."""
    va, ua = ctx.values[a], ctx.unit_last[a]
    if EITHER_SIGN.search(ctx.label[a]):
        return []             # gains / losses / income may take either sign from period to period
    t = ctx.tables[ctx.table_id[a]]
    row = next((r for r in t.rows if a in r.cells.values()), None)
    others = [i for i in row.cells.values() if i != a and ctx.unit[i] == ctx.unit[a]
              and ctx.measure[i] == ctx.measure[a] and not nan(ctx.values[i])] if row else []
    if not others or not all(ctx.values[i] > 0 for i in others):
        return []
    lo, hi = bisect_left(vals, -va - 2 * ua), bisect_right(vals, -va + 2 * ua)
    for b in members[lo:hi]:
        if ctx.table_id[b] == ctx.table_id[a] or ctx.scale[b] > ctx.scale[a]:
            continue
        if abs(-va - ctx.values[b]) > pair_tolerance(ua, ctx.unit_last[b], va) or not _comparable(ctx, a, b):
            continue
        s = max(item_similarity(ta, item_tokens(ctx, b)), item_similarity(tca, item_tokens_ctx(ctx, b)))
        if s < SAME_ITEM_SIMILARITY:
            continue

        def ev(c, a=a, b=b):
            if nan(c.values[a]) or nan(c.values[b]) or c.values[a] >= 0:
                return []
            return [make_finding(
                c, "cross_table", "cross_table", "error", [a, b],
                f"{item_name(c, a)} {period_text(c, a)} prints {c.printed[a]} (negative) in \"{c.title[a]}\" "
                f"while its row's other figures are positive and \"{c.title[b]}\" (line {c.line[b]}) "
                f"prints {c.printed[b]}: the sign is wrong.",
                expected=-c.values[a], actual=c.values[a], expected_text=fmt_at(c, -c.values[a], a),
                actual_text=c.printed[a], fix=a, fix_value=-c.values[a])]
        return [Check("cross_table", (a, b), ev)]
    return []


def _same_label_one_unparented(ctx: Context, a: int, b: int) -> float:
    """Two rows printed with the same label where only one table shows the section it stands in
    ("Elimination" under "Net Revenues" in a summary, bare in the segment note) name one item;
    the values must still be close for the pair to be compared."""
    if (not ctx.parent[a]) != (not ctx.parent[b]) and \
            ctx.label[a].strip().lower() == ctx.label[b].strip().lower():
        return 1.0
    return 0.0


# Words of a column header that name its period, scale or currency, not a dimension of it.
PERIOD_SCALE_WORDS = frozenset("""
january february march april may june july august september october november december
jan feb mar apr jun jul aug sep sept oct nov dec ended ending end months month three six nine
twelve year years quarter quarters fiscal fy weeks week thirteen twenty thirty fifty two one
period periods as of at for the and to in unaudited audited millions million thousands thousand
billions billion jpy yen usd dollars dollar u s us amount amounts total totals consolidated actual
actuals results result except per share data cumulative ytd""".split())
_HEADER_WORD = re.compile(r"[a-z]+")


def column_member(ctx: Context, i: int) -> frozenset:
    """What a fact's column header says beyond its period, scale and currency: the segment,
    measure or basis of the column ("Upstream U.S.", "As Previously Reported", "Adjusted
    Cost"); empty for a plain period column."""
    memo = ctx.__dict__.setdefault("_col_member", {})
    lab = ctx.col_label[i]
    m = memo.get(lab)
    if m is None:
        low = lab.lower()
        m = memo[lab] = frozenset(w for w in _HEADER_WORD.findall(low) if w not in PERIOD_SCALE_WORDS
                                  and not _date_fragment(w))
    return m


def _date_fragment(word: str) -> bool:
    """A word whose letters all stand, in order, in one period word: what is left of a date
    damaged in conversion ("nths Ended er 31" for "Months Ended December 31")."""
    for pw in _FRAGMENT_SOURCES:
        k = 0
        for ch in pw:
            if k < len(word) and ch == word[k]:
                k += 1
        if k == len(word):
            return True
    return False


_FRAGMENT_SOURCES = tuple(w for w in PERIOD_SCALE_WORDS if len(w) >= 5)


def _repeated_in_table(ctx: Context, i: int) -> bool:
    """The fact's row label stands on more than one row of its table for its column: which
    of them another table's figure is cannot be told."""
    memo = ctx.__dict__.get("_label_rows")
    if memo is None:
        memo = ctx.__dict__["_label_rows"] = Counter(
            (ctx.table_id[p], ctx.colkey(p), ctx.label[p].strip().lower(), ctx.parent[p].strip().lower())
            for p in range(ctx.n))
    return memo[(ctx.table_id[i], ctx.colkey(i), ctx.label[i].strip().lower(), ctx.parent[i].strip().lower())] > 1


# Distinct values one label prints for one period in one release from which it names no
# single item (the same figure printed twice, and once misprinted, gives two).
AMBIGUOUS_LABEL_VALUES = 3


def _label_values(ctx: Context, i: int) -> int:
    """How many different values the fact's label prints for its period and unit, at its
    precision and in columns of its basis, in its release."""
    memo = ctx.__dict__.get("_label_value_sets")
    if memo is None:
        memo = defaultdict(set)
        for p in range(ctx.n):
            if not nan(ctx.values[p]) and not _repeated_in_table(ctx, p):
                memo[(ctx.doc[p], ctx.label[p].strip().lower(), ctx.period_end[p], ctx.months[p],
                      ctx.unit[p], ctx.unit_last[p], column_member(ctx, p))].add(round(float(ctx.values[p]), 6))
        ctx.__dict__["_label_value_sets"] = memo
    return len(memo[(ctx.doc[i], ctx.label[i].strip().lower(), ctx.period_end[i], ctx.months[i], ctx.unit[i],
                     ctx.unit_last[i], column_member(ctx, i))])


def _label_needs_section(ctx: Context, i: int) -> bool:
    """The fact's label stands under two or more sections of its table ("International"
    under each product): the label alone does not name the item, its section does."""
    memo = ctx.__dict__.get("_label_parents")
    if memo is None:
        memo = defaultdict(set)
        for p in range(ctx.n):
            memo[(ctx.table_id[p], ctx.label[p].strip().lower())].add(ctx.parent[p].strip().lower())
        ctx.__dict__["_label_parents"] = memo
    return len(memo[(ctx.table_id[i], ctx.label[i].strip().lower())]) > 1


def _comparable(ctx: Context, a: int, b: int) -> bool:
    """Two figures can print one number: both name an item (a label) and stand in columns of
    the same segment or basis; printed alike, each also names its row unambiguously, in
    compatible sections where the label needs one."""
    if not ctx.label[a].strip() or not ctx.label[b].strip():
        return False
    if ctx.unit_last[a] == ctx.unit_last[b]:
        # printed alike (not a condensed summary of a finer statement, which groups its rows
        # under headings of its own): a label under several sections needs the same section,
        # and a label printing many values for one period is a region or segment line, no item
        if ctx.parent[a].strip() and ctx.parent[b].strip() and not parents_compatible(ctx, a, b) and \
                (_label_needs_section(ctx, a) or _label_needs_section(ctx, b)):
            return False
        if _label_values(ctx, a) >= AMBIGUOUS_LABEL_VALUES:
            return False
        if _repeated_in_table(ctx, a) or _repeated_in_table(ctx, b):
            return False
    return column_member(ctx, a) == column_member(ctx, b)


@rule("cross_table", scope="doc")
def cross_table(ctx: Context):
    """The same line item for the same period and unit in two tables of one release (e.g. a
    JPY-millions summary and a thousands-of-JPY statement) agrees within what the two
    scales' rounding explains. The finest printing is taken as the evidence."""
    idx = _bucket_index(ctx)
    checks, done = [], set()
    for key, members in idx.items():
        vals = ctx._bucket_vals[key]
        if ctx.measure[members[0]] not in ("value", "target"):
            continue
        for a in members:
            va, ua = ctx.values[a], ctx.unit_last[a]
            if va == 0:
                continue
            ta, tca = item_tokens(ctx, a), item_tokens_ctx(ctx, a)
            lo = bisect_left(vals, va - MISREAD_UNITS * ua - ua)
            hi = bisect_right(vals, va + MISREAD_UNITS * ua + ua)
            cands = []
            for b in members[lo:hi]:
                if ctx.table_id[b] == ctx.table_id[a] or ctx.scale[b] > ctx.scale[a]:
                    continue
                near = abs(va - ctx.values[b]) <= NEAR_UNITS * ua + HALF * ctx.unit_last[b]
                if ctx.unit_last[b] == ua and abs(va - ctx.values[b]) > pair_tolerance(ua, ua, va):
                    near = False      # printed alike, one true number prints the same digits
                if not near and not _one_digit_apart(ctx, a, b):
                    continue
                if not _comparable(ctx, a, b):
                    continue
                s = max(item_similarity(ta, item_tokens(ctx, b)), item_similarity(tca, item_tokens_ctx(ctx, b)),
                        _same_label_one_unparented(ctx, a, b))
                if s >= SAME_ITEM_SIMILARITY:
                    cands.append((s, b))
            if not cands and va < 0:
                checks.extend(_sign_flip_checks(ctx, key, members, vals, a, ta, tca))
                continue
            if not cands:
                continue
            finest = min(ctx.scale[b] for s, b in cands)
            cands = [(s, b) for s, b in cands if ctx.scale[b] == finest]
            if any(abs(va - ctx.values[b]) <= pair_tolerance(ua, ctx.unit_last[b], va) for s, b in cands):
                continue
            s, b = max(cands, key=lambda sb: (sb[0], -abs(va - ctx.values[sb[1]])))
            pair = (min(a, b), max(a, b))
            if pair in done:
                continue
            done.add(pair)

            def ev(c, a=a, b=b):
                va, vb = c.values[a], c.values[b]
                if nan(va) or nan(vb) or not (is_ok_number(c.printed[a]) and is_ok_number(c.printed[b])):
                    return []
                if abs(va - vb) <= pair_tolerance(c.unit_last[a], c.unit_last[b], va):
                    return []
                exp = round(vb / c.unit_last[a]) * c.unit_last[a]
                sev = "warning" if is_plug(va - vb, c.unit_last[a] * 1.5) else "error"
                return [make_finding(
                    c, "cross_table", "cross_table", sev, [a, b],
                    f"{item_name(c, a)} {period_text(c, a)} prints {c.printed[a]} in \"{c.title[a]}\" "
                    f"(line {c.line[a]}), but \"{c.title[b]}\" (line {c.line[b]}) prints {c.printed[b]}, "
                    f"which rounds to {fmt_at(c, exp, a)}.",
                    expected=exp, actual=va, expected_text=fmt_at(c, exp, a), actual_text=c.printed[a],
                    fix=a, fix_value=exp)]
            checks.append(Check("cross_table", (a, b), ev))
    return checks


# Columns in which a run of rows must add up to a total before it is taken as the total's items.
MIN_WITNESS_COLUMNS = 2
# Longest run of rows above a total that is tried as its items.
MAX_BLOCK = 30


def _amount_columns(ctx: Context, t) -> dict:
    """column key -> [(row index, position)] for the amount columns of a table."""
    out = defaultdict(list)
    for ri, r in enumerate(t.rows):
        for ck, i in r.cells.items():
            if ctx.measure[i] in ("value", "target") and ctx.unit[i] != "percent":
                out[ck].append((ri, i))
    return out


def _val0(ctx: Context, i: int) -> float:
    v = ctx.values[i]
    return 0.0 if nan(v) else float(v)


def _block_sum(ctx: Context, t, entries, cells: dict, skip=None):
    """Sums of the entries' cells in one column: (plain, with subtracted rows negated),
    the units involved, or None when a row of the block has no cell there."""
    s_plain = s_signed = 0.0
    units = []
    for ri in entries:
        if ri == skip:
            continue
        i = cells.get(ri)
        if i is None:
            return None
        v = _val0(ctx, i)
        s_plain += v
        s_signed += -v if SUBTRACTED_LABEL.search(t.rows[ri].label) else v
        units.append(ctx.unit_last[i])
    return s_plain, s_signed, units


def _fits(total: float, sums, unit_total: float) -> bool:
    s_plain, s_signed, units = sums
    tol = sum_tolerance(units + [unit_total])
    return abs(s_plain - total) <= tol or abs(s_signed - total) <= tol


def _resolve_totals(ctx: Context, t, column: list) -> tuple[dict, dict]:
    """For each total-like row of one column: the rows (collapsed: an earlier total stands
    for its items, a section header with numbers for the rows under it) just above it that
    add up to it, or None; and the collapsed rows standing above each total. Worked out once
    per run for each column (items_vs_total and precise_parts both ask)."""
    memo = ctx.__dict__.setdefault("_resolved_totals", {})
    key = tuple(i for _, i in column)
    if key not in memo:
        memo[key] = _resolve_totals_uncached(ctx, t, column)
    return memo[key]


def _resolve_totals_uncached(ctx: Context, t, column: list) -> tuple[dict, dict]:
    cells = {ri: i for ri, i in column}
    headers = {t.rows[ri].label for ri, i in column if t.rows[ri].label}
    stack: list[int] = []
    found: dict = {}
    before: dict = {}
    for ri, i in column:
        r = t.rows[ri]
        if r.parent and r.parent in headers and stack and not ctx.row_total(r.label, i) and \
                any(t.rows[s].label == r.parent for s in stack[-MAX_BLOCK:]):
            continue          # an item under a section header that carries the section's numbers
        if ctx.row_total(r.label, i) and not nan(ctx.values[i]):
            hit = None
            before[ri] = list(stack[-MAX_BLOCK:])
            for k in range(2, min(len(stack), MAX_BLOCK) + 1):
                block = stack[-k:]
                sums = _block_sum(ctx, t, block, cells)
                if sums and _fits(ctx.values[i], sums, ctx.unit_last[i]):
                    hit = tuple(block)
                    break
            found[ri] = hit
            if hit:
                del stack[-len(hit):]
        stack.append(ri)
    return found, before


@rule("items_vs_total", scope="doc")
def items_vs_total(ctx: Context):
    """Items add to their printed total or subtotal within what rounding explains ((n+1)/2
    units of the last digit for n items); an earlier subtotal stands for its own items, and
    elimination / inter-segment / "less" rows may enter negated. The items of a total are
    the run of rows above it that adds up in the table's other columns; a column where that
    run misses is reported. When no run adds up in any column but leaving out one row makes
    every column add up, that row's numbers are phantoms."""
    checks = []
    for t in ctx.tables.values():
        cols = _amount_columns(ctx, t)
        if not cols:
            continue
        resolved, befores = {}, {}
        for ck, col in cols.items():
            resolved[ck], befores[ck] = _resolve_totals(ctx, t, col)
        totals = sorted({ri for res in resolved.values() for ri in res})
        for ri in totals:
            blocks = Counter(res[ri] for res in resolved.values() if res.get(ri))
            if blocks:
                block, n_witness = blocks.most_common(1)[0]
                # a statement of two columns has one witness for a defect in the other
                possible = sum(1 for res in resolved.values() if ri in res)
                if n_witness < min(MIN_WITNESS_COLUMNS, possible - 1):
                    continue
                for ck, col in cols.items():
                    res = resolved[ck]
                    if ri not in res or res[ri] is not None:
                        continue
                    cells = {r_: i for r_, i in col}
                    if any(b not in cells for b in block):
                        continue
                    tpos = cells[ri]
                    items = tuple(cells[b] for b in block)

                    def ev(c, tpos=tpos, items=items, block=block, t=t):
                        if not all(is_ok_number(c.printed[p]) and value_matches_printed(c, p)
                                   for p in items + (tpos,)):
                            return []
                        if nan(c.values[tpos]):
                            return []
                        cells_now = {b: p for b, p in zip(block, items)}
                        sums = _block_sum(c, t, block, cells_now)
                        if _fits(c.values[tpos], sums, c.unit_last[tpos]):
                            return []
                        s_plain, s_signed, units = sums
                        s = s_signed if any(SUBTRACTED_LABEL.search(t.rows[b].label) for b in block) else s_plain
                        return [make_finding(
                            c, "items_vs_total", "sum_mismatch", "error", (tpos,) + items,
                            f"{item_name(c, tpos)} {period_text(c, tpos)}: its {len(items)} items add to "
                            f"{fmt_at(c, s, tpos)} but the total prints {c.printed[tpos]} (difference "
                            f"{fmt_at(c, c.values[tpos] - s, tpos)}; rounding explains at most "
                            f"{fmt_at(c, sum_tolerance(units + [c.unit_last[tpos]]), tpos)}).",
                            expected=s, actual=c.values[tpos], expected_text=fmt_at(c, s, tpos),
                            actual_text=c.printed[tpos])]
                    checks.append(Check("items_vs_total", (tpos,) + items, ev))
            else:
                checks.extend(_phantom_checks(ctx, t, cols, befores, ri))
    return checks


@rule("precise_parts", scope="doc")
def precise_parts(ctx: Context):
    """A total and its items that add up as printed, where every one of them but one is
    printed more precisely elsewhere in the release (a JPY-millions summary over statements in
    thousands): worked out from those precise figures, the odd one out must round to what it
    prints. A summary can add up in its own rounded numbers and still carry a sum that the true
    figures do not give (an adjusted EBITDA off by one unit from operating income plus
    depreciation)."""
    checks = []
    for t in ctx.tables.values():
        for ck, col in _amount_columns(ctx, t).items():
            resolved, _ = _resolve_totals(ctx, t, col)
            cells = {ri: i for ri, i in col}
            for ri, block in resolved.items():
                if not block:
                    continue
                members = (cells[ri],) + tuple(cells[b] for b in block)
                signs = (1,) + tuple(-1 if SUBTRACTED_LABEL.search(t.rows[b].label) else 1 for b in block)

                def ev(c, members=members, signs=signs):
                    return _precise_parts_finding(c, members, signs)
                checks.append(Check("precise_parts", members, ev))
    return checks


def _precise_twin(ctx: Context, i: int) -> tuple[float, int] | None:
    """The same item printed to a finer unit in another table of the release (its value signed
    as i's, and its position)."""
    finest = ctx.__dict__.get("_finest_unit")
    if finest is None:
        finest = ctx.__dict__["_finest_unit"] = {}
        for p in range(ctx.n):
            key = (ctx.doc[p], ctx.unit[p])
            finest[key] = min(finest.get(key, math.inf), ctx.unit_last[p])
    if ctx.unit_last[i] <= finest.get((ctx.doc[i], ctx.unit[i]), 0):
        return None             # nothing in the release is printed finer
    for k in _same_item_elsewhere(ctx, i, finer=True):
        if ctx.unit_last[k] >= ctx.unit_last[i] or not is_ok_number(ctx.printed[k]) or nan(ctx.values[k]):
            continue
        v = float(ctx.values[k])
        for cand in (v, -v):
            if abs(cand - ctx.values[i]) <= ctx.unit_last[i] / 2 + 1e-9 * abs(cand):
                return cand, k
    return None


def _precise_parts_finding(c: Context, members: tuple, signs: tuple) -> list:
    if any(nan(c.values[p]) for p in members):
        return []
    total, items = members[0], members[1:]
    plain = sum(c.values[p] for p in items)
    signed = sum(s * c.values[p] for s, p in zip(signs[1:], items))
    tol = sum_tolerance([c.unit_last[p] for p in members])
    if abs(plain - c.values[total]) <= tol:
        signs = (1,) * len(members)
    elif abs(signed - c.values[total]) > tol:
        return []               # does not add up as printed: items_vs_total's finding
    found, lacking = [], []
    for k, p in enumerate(members):
        found.append(_precise_twin(c, p))
        if found[-1] is None:
            lacking.append(k)
            if len(lacking) > 1:
                return []       # most sums: printed nowhere more precisely
    if len(lacking) != 1 or not all(is_ok_number(c.printed[p]) and value_matches_printed(c, p)
                                    for p in members):
        return []
    j = lacking[0]
    if any(c.unit_last[k] < c.unit_last[members[j]] for k in _same_item_elsewhere(c, members[j], finer=True)):
        return []               # printed precisely elsewhere, differently: cross_table's finding
    twins = [tw[0] if tw else 0.0 for tw in found]
    if j == 0:
        derived = sum(s * tw for s, tw in zip(signs[1:], twins[1:]))
    else:
        rest = sum(s * tw for k, (s, tw) in enumerate(zip(signs[1:], twins[1:]), 1) if k != j)
        derived = signs[j] * (twins[0] - rest)
    odd = members[j]
    if abs(derived - c.values[odd]) <= c.unit_last[odd] / 2 + 1e-9 * max(1.0, abs(derived)):
        return []
    parts = " and ".join(f"{item_name(c, p)} {c.printed[tw[1]]} (line {c.line[tw[1]]})"
                         for p, tw in zip(members, found) if tw is not None)
    exact = fmt_at(c, derived, odd)
    return [make_finding(
        c, "precise_parts", "cross_table", "warning", list(members) + [tw[1] for tw in found if tw],
        f"{item_name(c, odd)} {period_text(c, odd)} prints {c.printed[odd]}, but the precisely "
        f"printed figures of the other rows of its sum, {parts}, give {exact}: more than "
        "rounding apart.",
        expected=derived, actual=c.values[odd], expected_text=exact, actual_text=c.printed[odd])]


def _phantom_checks(ctx: Context, t, cols: dict, befores: dict, ri: int) -> list:
    """Total row ri adds up in no column: does leaving out one row above fix every column?"""
    usable = [ck for ck in cols if ri in befores[ck]]
    if len(usable) < 2:
        return []
    common = None
    for ck in usable:
        cells = dict(cols[ck])
        stack = befores[ck][ri]
        tv, tu = ctx.values[cells[ri]], ctx.unit_last[cells[ri]]
        ok = set()
        for k in range(3, len(stack) + 1):
            block = stack[-k:]
            sums = _block_sum(ctx, t, block, cells)
            if not sums:
                break
            for sk in block:
                v = _val0(ctx, cells[sk])
                vs = -v if SUBTRACTED_LABEL.search(t.rows[sk].label) else v
                if _fits(tv, (sums[0] - v, sums[1] - vs, sums[2]), tu):
                    ok.add(sk)
        common = ok if common is None else common & ok
        if not common:
            return []
    common = {sk for sk in common if not _heads_rows_below(ctx, t, cols, usable, sk)
              and not _sums_rows_above(ctx, t, cols, usable, sk)}
    if not common:
        return []
    skip = max(common)
    pos = tuple(dict(cols[ck])[skip] for ck in usable)
    tpos = tuple(dict(cols[ck])[ri] for ck in usable)

    def ev(c, pos=pos, tpos=tpos, skip=skip, ri=ri, t=t):
        lab = t.rows[skip].label or "(no label)"
        return [make_finding(
            c, "items_vs_total", "ocr_damage", "error", list(pos),
            f"Row \"{lab}\" (line {t.rows[skip].line}) carries numbers that take part in no total: "
            f"\"{t.rows[ri].label}\" (line {t.rows[ri].line}) adds up in every column only without "
            f"them, so they are phantoms or duplicates (true cells empty).",
            actual=c.values[pos[0]], actual_text=c.printed[pos[0]])]
    return [Check("items_vs_total", pos + tpos, ev)]


def _heads_rows_below(ctx: Context, t, cols: dict, usable: list, sk: int) -> bool:
    """Row sk equals the sum of a run of 2+ rows right below it in every column: it is a
    section header carrying its section's numbers, not a phantom."""
    return _sums_a_run(ctx, t, cols, usable, sk, range(sk + 1, min(len(t.rows), sk + 1 + MAX_BLOCK)))


def _sums_rows_above(ctx: Context, t, cols: dict, usable: list, sk: int) -> bool:
    """Row sk equals the sum of a run of 2+ rows right above it in every column (a "less"
    row entering negated): a subtotal printed without "Total" in its label ("Property, net"
    after the gross amount and "Less accumulated depreciation", or no label at all)."""
    return _sums_a_run(ctx, t, cols, usable, sk, range(sk - 1, max(-1, sk - 1 - MAX_BLOCK), -1))


def _sums_a_run(ctx: Context, t, cols: dict, usable: list, sk: int, rows: range) -> bool:
    """In every usable column, row sk equals the sum of the first k >= 2 of `rows` (nearest first)."""
    for ck in usable:
        cells = dict(cols[ck])
        run = [r_ for r_ in rows if r_ in cells]
        v = _val0(ctx, cells[sk])
        if not any((sums := _block_sum(ctx, t, run[:k], cells)) and _fits(v, sums, ctx.unit_last[cells[sk]])
                   for k in range(2, len(run) + 1)):
            return False
    return True


def _collapse(ctx: Context, t, rows: list, cells: dict) -> list:
    """rows with each total that adds up its run above replaced by itself alone."""
    stack: list[int] = []
    for ri in rows:
        i = cells[ri]
        if ctx.row_total(t.rows[ri].label, i) and not nan(ctx.values[i]):
            for k in range(2, min(len(stack), MAX_BLOCK) + 1):
                sums = _block_sum(ctx, t, stack[-k:], cells)
                if sums and _fits(ctx.values[i], sums, ctx.unit_last[i]):
                    del stack[-k:]
                    break
        stack.append(ri)
    return stack


def _in_label(ctx: Context, i: int) -> bool:
    """The number is quoted inside its row label (an allowance, a share count), not a cell."""
    pr = ctx.printed[i].strip().strip("()")
    return bool(pr) and any(ch.isdigit() for ch in pr) and pr in ctx.label[i]


FOOTNOTE_MARK = re.compile(r"^\d(?:,\d)*$")
# Least cells a column of bare one-digit marks must hold before it counts as footnote marks.
FOOTNOTE_COLUMN_CELLS = 2


def _footnote_column(ctx: Context, t, ck) -> bool:
    """A column whose every cell is a bare one-digit mark ("1", "5", "1,4"): the references
    to footnotes that filing agents print in a column of their own, not numbers."""
    memo = ctx.__dict__.setdefault("_footnote_cols", {})
    key = (t.tid, ck)
    if key not in memo:
        pos = t.columns.get(ck, ())
        memo[key] = len(pos) >= FOOTNOTE_COLUMN_CELLS and all(
            FOOTNOTE_MARK.match(ctx.printed[p].strip()) for p in pos)
    return memo[key]


def _footnote_mark(ctx: Context, i: int) -> bool:
    t = ctx.tables.get(ctx.table_id[i])
    return t is not None and _footnote_column(ctx, t, ctx.colkey(i))


def _rows_with_cells(t) -> list:
    return [ri for ri, r in enumerate(t.rows) if r.cells]


# Rows on either side of a gap that must all carry the column before the gap counts as lost.
GAP_NEIGHBOURS = 2


@rule("missing_cell", scope="doc")
def missing_cell(ctx: Context):
    """A row that prints some of its cells but leaves one empty (no number, no nil dash)
    where the rows around it all print that column: the cell was lost in conversion."""
    checks = []
    for t in ctx.tables.values():
        rows = _rows_with_cells(t)
        for n_, ri in enumerate(rows):
            r = t.rows[ri]
            near = rows[max(0, n_ - GAP_NEIGHBOURS):n_] + rows[n_ + 1:n_ + 1 + GAP_NEIGHBOURS]
            if len(near) < 2:
                continue
            common = set.intersection(*(set(t.rows[x].cells) for x in near))
            if not (common & set(r.cells)):
                continue
            families = {(ctx.measure[i], ctx.unit[i]) for i in r.cells.values() if not _in_label(ctx, i)}
            gaps = [ck for ck in sorted(common - set(r.cells), key=str)
                    if ctx.measure[t.rows[near[0]].cells[ck]] in ("value", "target")
                    and (ck[3], ck[4]) in families and len(ck) <= 5   # len > 5: a 2nd number in one cell
                    and not _footnote_column(ctx, t, ck)]
            if len(gaps) != 1:
                continue             # a row of another shape (it spans fewer columns), not a lost cell
            if _line_prints_as_many(ctx, t.doc, r.line, t.rows[near[-1]].line):
                continue             # the release prints the cell: the extraction lost it, not the text
            for ck in gaps:
                ref = t.rows[near[-1]].cells[ck]
                anchor = next(iter(r.cells.values()))

                def ev(c, anchor=anchor, ref=ref, r=r, ck=ck):
                    return [make_finding(
                        c, "missing_cell", "ocr_damage", "error", [anchor],
                        f"\"{r.label or '(no label)'}\" (line {r.line}) has no cell in the column "
                        f"\"{ck[0] or ck[1]}\" that the rows around it all print (e.g. line {c.line[ref]}); "
                        f"the number was lost in conversion.",
                        expected_text="(a number)", actual_text="(empty)")]
                checks.append(Check("missing_cell", (anchor,), ev))
    return checks


VALUE_CELL = re.compile(r"^[^A-Za-z]*\d[^A-Za-z]*$|^[\s$€¥]*[-—–]{1,3}\s*$")


def _line_value_cells(text: str) -> int:
    """How many cells of a release line print a number or a nil dash."""
    cells = text.split("\t") if "\t" in text else CELL_SPLIT.split(text.strip())
    return sum(1 for c in cells if c.strip() and VALUE_CELL.match(c.strip()))


def _line_prints_as_many(ctx: Context, doc: str, line: int, ref_line: int) -> bool:
    """The release line `line` prints as many number cells as `ref_line` (needs the documents)."""
    lines = _doc_lines(ctx, doc)
    if not lines or not (0 < line <= len(lines)) or not (0 < ref_line <= len(lines)):
        return False
    return _line_value_cells(lines[line - 1]) >= _line_value_cells(lines[ref_line - 1])


# Rows of a table that must all lack labels before the labels count as lost.
MIN_UNLABELLED_ROWS = 3
GLUED_HEADER = re.compile(r"^[A-Z][A-Z0-9 .,'&\-]{8,}:\s*\S")


@rule("label_damage", scope="doc")
def label_damage(ctx: Context):
    """Row labels that cannot be right: a row repeating the label of the sibling just above
    it with different numbers; a section header glued to the row label; numbers on a row
    without any label."""
    checks = []
    pages = _page_numbers(ctx)
    for t in ctx.tables.values():
        rows = _rows_with_cells(t)
        unlabelled = [ri for ri in rows if not t.rows[ri].label.strip()]
        if len(rows) == 1 and unlabelled and len(t.rows[rows[0]].cells) <= 2:
            pos = tuple(t.rows[rows[0]].cells.values())
            if pos[0] in pages:
                continue          # page furniture: the page's number between two paragraphs

            def ev(c, pos=pos):
                return [make_finding(
                    c, "label_damage", "ocr_damage", "warning", list(pos),
                    f"Line {c.line[pos[0]]} holds a stray number ({', '.join(c.printed[p] for p in pos)}) "
                    f"with no row label and no table around it.", actual_text=c.printed[pos[0]])]
            checks.append(Check("label_damage", pos, ev))
            continue
        if len(unlabelled) >= MIN_UNLABELLED_ROWS and len(unlabelled) == len(rows) and \
                not _labels_elsewhere_on_line(ctx, t, unlabelled):
            pos = tuple(next(iter(t.rows[ri].cells.values())) for ri in unlabelled)

            def ev(c, pos=pos, t=t):
                return [make_finding(
                    c, "label_damage", "label_error", "error", list(pos),
                    f"{len(pos)} row(s) of \"{t.title}\" print numbers without a row label "
                    f"(lines {', '.join(str(c.line[p]) for p in pos[:6])}{' ...' if len(pos) > 6 else ''}).",
                    actual_text="(no label)")]
            checks.append(Check("label_damage", pos, ev))
        for a, b in zip(rows, rows[1:]):
            ra, rb = t.rows[a], t.rows[b]
            if not ra.label or ra.label != rb.label or ra.parent != rb.parent:
                continue
            shared = [ck for ck in ra.cells if ck in rb.cells
                      if not nan(ctx.values[ra.cells[ck]]) and not nan(ctx.values[rb.cells[ck]])
                      and not _in_label(ctx, ra.cells[ck]) and not _in_label(ctx, rb.cells[ck])]
            if not shared or all(abs(ctx.values[ra.cells[ck]] - ctx.values[rb.cells[ck]]) < 1e-9 for ck in shared):
                continue
            if _text_cells(ctx, t.doc, ra.line) != _text_cells(ctx, t.doc, rb.line):
                continue          # another text column ("Line item impacted") tells the rows apart
            pa, pb = ra.cells[shared[0]], rb.cells[shared[0]]

            def ev(c, pa=pa, pb=pb, rb=rb, ra=ra):
                return [make_finding(
                    c, "label_damage", "label_error", "error", [pb, pa],
                    f"Line {rb.line} repeats the label \"{rb.label}\" of line {ra.line} with different "
                    f"numbers; one of the two rows carries another item's label.",
                    actual_text=rb.label)]
            checks.append(Check("label_damage", (pa, pb), ev))
        for ri in rows:
            r = t.rows[ri]
            if GLUED_HEADER.match(r.label) and not r.label.rstrip().endswith(":"):
                p = next(iter(r.cells.values()))

                def ev(c, p=p, r=r):
                    head = r.label.split(":")[0]
                    return [make_finding(
                        c, "label_damage", "label_error", "warning", [p],
                        f"The section header \"{head}:\" is glued to the row label on line {r.line}; "
                        f"it belongs on a line of its own.", actual_text=r.label[:80])]
                checks.append(Check("label_damage", (p,), ev))
    return checks


# Least stray numbers of a document, rising with its lines, that make them its page numbers.
PAGE_RUN = 3
# Share of consecutive stray numbers that must rise for the run to count as page numbers.
PAGE_RISING_SHARE = 0.8
WORD_CELL = re.compile(r"[A-Za-z]{3,}")


def _page_numbers(ctx: Context) -> set:
    """Positions of lone whole numbers standing between paragraphs (a one-row, unlabelled
    table) that rise with the document's lines: its page numbers, not facts of a table."""
    by_doc = defaultdict(list)
    for t in ctx.tables.values():
        rows = _rows_with_cells(t)
        if len(rows) != 1 or t.rows[rows[0]].label.strip() or len(t.rows[rows[0]].cells) > 2:
            continue
        p = next(iter(t.rows[rows[0]].cells.values()))
        v = ctx.values[p]
        if not nan(v) and v > 0 and ctx.printed[p].strip().isdigit():
            by_doc[ctx.doc[p]].append((ctx.line[p], int(ctx.printed[p]), p))
    out = set()
    for d, items in by_doc.items():
        items.sort()
        if len(items) < PAGE_RUN:
            continue
        rising = sum(1 for a, b in zip(items, items[1:]) if b[1] > a[1])
        if rising >= PAGE_RISING_SHARE * (len(items) - 1):
            out.update(p for _, _, p in items)
    return out


def _text_cells(ctx: Context, doc: str, line: int) -> tuple:
    """The cells of a release line that carry words (labels, descriptions), in order."""
    lines = _doc_lines(ctx, doc)
    if not lines or not (0 < line <= len(lines)):
        return ()
    text = lines[line - 1]
    cells = text.split("\t") if "\t" in text else CELL_SPLIT.split(text.strip())
    return tuple(c.strip() for c in cells if WORD_CELL.search(c) and not VALUE_CELL.match(c.strip()))


def _labels_elsewhere_on_line(ctx: Context, t, rows: list) -> bool:
    """The release prints words on the lines of these rows (a label after the numbers, an
    exhibit's description): the labels are there, only not in the first cell."""
    with_words = sum(1 for ri in rows if _text_cells(ctx, t.doc, t.rows[ri].line))
    return with_words > len(rows) / 2


# A label ending in one of these words continues on the next line.
DANGLING_WORDS = frozenset({"to", "of", "and", "for", "in", "ended", "ending", "the", "by", "from",
                            "on", "at", "with", "per"})


@rule("wrapped_label_numbers", scope="doc")
def wrapped_label_numbers(ctx: Context):
    """Numbers standing on the continuation line of a wrapped row label (its label is the tail
    of the label above it, or completes it into a label printed elsewhere): phantoms or a
    duplicate of the row above."""
    vocab = {lab.strip().lower() for lab in ctx.label if lab.strip()}
    # labels that stand as rows of their own somewhere (not only under a label ending with them)
    standalone = set()
    for t in ctx.tables.values():
        rows = _rows_with_cells(t)
        for k, ri in enumerate(rows):
            lb = t.rows[ri].label.strip().lower()
            prev = t.rows[rows[k - 1]].label.strip().lower() if k else ""
            if lb and not prev.endswith(" " + lb):
                standalone.add(lb)
    checks = []
    for t in ctx.tables.values():
        rows = _rows_with_cells(t)
        for a, b in zip(rows, rows[1:]):
            ra, rb = t.rows[a], t.rows[b]
            la, lb = ra.label.strip(), rb.label.strip()
            if not la or not lb or la == lb or rb.line - ra.line != 1:
                continue
            pos = tuple(rb.cells.values())
            dup = all(any(abs(ctx.values[p] - ctx.values[q]) < 1e-9 for q in ra.cells.values()
                          if not nan(ctx.values[q])) for p in pos if not nan(ctx.values[p]))
            # the tail of the label above: only a lower-case fragment or one repeating the
            # numbers above ("Income tax expense" under "Income before income tax expense" is a row)
            tail = la.lower().endswith(" " + lb.lower()) and lb.lower() not in standalone \
                and (lb[:1].islower() or dup or len(lb.split()) == 1
                     or bool(re.fullmatch(MONTH_WORD + r"\s+\d{1,2},?\s*\d{4}", lb, re.I)))
            joined = f"{la} {lb}".lower() in vocab
            dangling = la.split()[-1].lower() in DANGLING_WORDS
            if not (tail or joined or dangling):
                continue

            def ev(c, pos=pos, ra=ra, rb=rb, dup=dup):
                what = "repeat the numbers of the row above" if dup else "belong to no row"
                return [make_finding(
                    c, "wrapped_label_numbers", "ocr_damage", "error", list(pos),
                    f"Line {rb.line} (\"{rb.label}\") is the wrapped end of the label on line {ra.line}, "
                    f"yet carries numbers ({', '.join(c.printed[p] for p in pos[:4])}) that {what}.",
                    actual_text=" | ".join(c.printed[p] for p in pos[:4]), extra_lines=(ra.line,))]
            checks.append(Check("wrapped_label_numbers", pos, ev))
    return checks


MONTHS = {m: i + 1 for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"])}
FULL_DATE = re.compile(r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+(\d{1,2}),\s*(\d{4})\b", re.I)
DURATION_WORDS = re.compile(r"\b(ended|ending|months?|year|quarter|fy|period)\b", re.I)


@rule("header_date", scope="doc")
def header_date(ctx: Context):
    """A balance column headed with one date ("March 31, 2008") that carries the balances of
    another date (the period the facts model resolved for it from the release's own
    definitions and the other tables)."""
    checks = []
    for t in ctx.tables.values():
        for ck, pos in t.columns.items():
            i0 = pos[0]
            lab, pe = ctx.col_label[i0], ctx.period_end[i0]
            if ctx.months[i0] != 0 or not pe or DURATION_WORDS.search(lab):
                continue
            dates = FULL_DATE.findall(lab)
            if len(dates) != 1:
                continue
            mon, day, year = dates[0]
            printed = f"{int(year):04d}-{MONTHS[mon[:3].lower()]:02d}-{int(day):02d}"
            if printed == pe:
                continue
            if any(ctx.col_label[q] == lab and ctx.period_end[q] == printed
                   for ck2, q2 in t.columns.items() if ck2 != ck for q in q2[:1]):
                continue      # the header's other cells are at its date: a roll-forward's opening
                # balance read at the period's start, not a wrong header
            posl = tuple(pos)

            evidence, extra = _date_evidence(ctx, t, posl, pe)

            def ev(c, posl=posl, lab=lab, printed=printed, pe=pe, t=t, evidence=evidence, extra=extra):
                why = f" ({'; '.join(evidence)})" if evidence else ""
                return [make_finding(
                    c, "header_date", "label_error", "error", list(posl) + list(extra),
                    f"The column headed \"{lab}\" in \"{t.title}\" carries the figures at {pe}, not "
                    f"{printed}{why}: its header date is wrong; its {len(posl)} cells are read at {pe}.",
                    expected_text=pe, actual_text=lab)]
            checks.append(Check("header_date", posl, ev))
    return checks


CASH_ROW = re.compile(r"^\W*cash\b", re.I)


def _date_evidence(ctx: Context, t, posl: tuple, pe: str) -> tuple[list[str], tuple]:
    """What in the release proves a column's period `pe`: the table's title or subtitle lines
    naming that date, and a cash-flow statement whose ending cash for a period ending then
    equals the column's cash. (evidence sentences, positions of the proving figures)"""
    out, extra = [], []
    lines = _doc_lines(ctx, t.doc) or []
    head, _ = table_text_lines(ctx, t)
    y, m, d = pe.split("-") if pe.count("-") == 2 else ("", "", "")
    for ln in [ln for ln in head if ln <= len(lines)]:
        for mon, day, year in FULL_DATE.findall(lines[ln - 1]):
            if (year, f"{MONTHS[mon[:3].lower()]:02d}", f"{int(day):02d}") == (y, m, d):
                out.append(f"line {ln} above the table names {lines[ln - 1].strip()[:60]}")
                break
        if out:
            break
    cash = [p for p in posl if CASH_ROW.search(ctx.label[p]) and not nan(ctx.values[p])]
    for p in cash[:1]:
        for q in range(ctx.n):
            if ctx.doc[q] == t.doc and ctx.table_id[q] != t.tid and ctx.period_end[q] == pe and \
                    ctx.months[q] > 0 and CASH_END.search(ctx.label[q]) and not nan(ctx.values[q]) and \
                    abs(ctx.values[q] - ctx.values[p]) <= pair_tolerance(ctx.unit_last[p], ctx.unit_last[q], ctx.values[p]):
                out.append(f"the cash-flow statement's ending cash for the period to {pe} (line {ctx.line[q]}, "
                           f"{ctx.printed[q]}) equals its cash")
                extra.append(q)
                break
    return out, tuple(extra)


# Least items two releases must share for one table's period before they are compared as a whole.
CROSS_RELEASE_MIN_ITEMS = 3


def _issuers(ctx: Context) -> dict[str, str]:
    """doc -> the company it is about (core/issuer.py). Releases of two companies are never
    compared; a document naming none goes with the only company the others name, if one."""
    found = getattr(ctx, "_issuers", None)
    if found is None:
        from iijdesk.core.issuer import issuer_groups
        found = ctx._issuers = issuer_groups(set(ctx.doc), ctx.documents)
    return found


def _release_index(ctx: Context) -> dict:
    """(issuer and item tokens, period end, months, unit) -> {doc: [positions]}."""
    idx = getattr(ctx, "_release_index", None)
    if idx is None:
        issuer = _issuers(ctx)
        idx = defaultdict(lambda: defaultdict(list))
        for p in range(ctx.n):
            if nan(ctx.values[p]) or not ctx.period_end[p] or ctx.months[p] < 0 \
                    or ctx.measure[p] not in ("value",) or not is_ok_number(ctx.printed[p]):
                continue
            lab = ctx.label[p].strip().lower().rstrip(":")
            toks = (ctx.tokens(ctx.label[p]), ctx.tokens(ctx.parent[p]) if lab in GENERIC_LABELS else None)
            if not toks[0] and not toks[1]:
                continue
            toks = (issuer[ctx.doc[p]],) + toks
            idx[(toks, ctx.period_end[p], ctx.months[p], ctx.unit[p])][ctx.doc[p]].append(p)
        ctx._release_index = idx
    return idx


def parents_compatible(ctx: Context, a: int, b: int) -> bool:
    """Two rows name the same item only if they stand in the same section (or one has none)."""
    pa, pb = ctx.tokens(ctx.parent[a]), ctx.tokens(ctx.parent[b])
    return not pa or not pb or pa == pb or pa <= pb or pb <= pa


def _agree(ctx: Context, a: int, b: int) -> bool:
    return abs(ctx.values[a] - ctx.values[b]) <= pair_tolerance(ctx.unit_last[a], ctx.unit_last[b], ctx.values[a])


# A column is mis-dated when this many of its items (and this share of those compared) match
# another release a year away and none matches at its own date; with no other release at
# its own date, more items must match.
MISDATED_MIN_ITEMS = 2
MISDATED_SHARE = 0.8
MISDATED_ALONE_ITEMS = 5


# Releases named in a note before "and N more".
NAMED_RELEASES = 3


def _value_groups(ctx: Context, by_doc: dict) -> list:
    """The positions of one item and period across releases, grouped by what a comparison
    reads of them (value, last printed digit, parent tokens): [(rep, {doc: first position},
    Counter(doc), total)]. Comparing a figure with each group instead of with each figure
    keeps many copies of one release linear."""
    d: dict = {}
    for doc, ps in by_doc.items():
        for p in ps:
            gk = (ctx.values[p], ctx.unit_last[p], ctx.tokens(ctx.parent[p]))
            e = d.get(gk)
            if e is None:
                e = d[gk] = [p, {}, Counter()]
            e[1].setdefault(doc, p)
            e[2][doc] += 1
    return [(rep, first, cnt, sum(cnt.values())) for rep, first, cnt in d.values()]


def _same_item_groups(ctx: Context, positions: list) -> list[list[int]]:
    """Split one item key's positions by the section they stand in: one group per widest
    parent (token set), holding the figures whose parent is part of it; figures without a
    section go with every group (as parents_compatible has it)."""
    by_parent: dict = defaultdict(list)
    for p in positions:
        by_parent[ctx.tokens(ctx.parent[p])].append(p)
    if len(by_parent) == 1:
        return [positions]
    widest = [q for q in by_parent if not any(q < r for r in by_parent)]
    return [[p for q, ps in by_parent.items() if q <= w for p in ps] for w in widest]


def _clusters(c: Context, sid: int, positions: tuple) -> tuple[dict, dict]:
    """The figures of one item across releases in clusters of agreeing values, at the
    current values: ({position: cluster}, {doc: set of clusters}). Cached per group while
    its values stay the same (edits change them)."""
    memo = c.__dict__.setdefault("_xr_clusters", {})
    vals = tuple(c.values[p] for p in positions)
    hit = memo.get(sid)
    if hit is not None and hit[0] == vals:
        return hit[1]
    reps: list[int] = []                    # one position per distinct (value, last digit)
    rep_of: dict = {}
    for p in positions:
        if nan(c.values[p]):
            continue
        k = (c.values[p], c.unit_last[p])
        if k not in rep_of:
            rep_of[k] = len(reps)
            reps.append(p)
    parent = list(range(len(reps)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i
    for i in range(len(reps)):
        for j in range(i + 1, len(reps)):
            if _agree(c, reps[i], reps[j]):
                parent[find(i)] = find(j)
    cluster, sig = {}, defaultdict(set)
    for p in positions:
        if nan(c.values[p]):
            continue
        cid = find(rep_of[(c.values[p], c.unit_last[p])])
        cluster[p] = cid
        sig[c.doc[p]].add(cid)
    out = (cluster, dict(sig))
    memo[sid] = (vals, out)
    return out


def _releases_text(docs: list[str]) -> str:
    docs = sorted(docs)
    if len(docs) <= NAMED_RELEASES:
        return " and ".join(docs) if len(docs) < 3 else ", ".join(docs[:-1]) + " and " + docs[-1]
    return f"{len(docs)} other releases ({', '.join(docs[:2])} ...)"


@rule("cross_release", scope="issuer")
def cross_release(ctx: Context):
    """The same line item and period in two or more loaded releases.

    - A column whose figures disagree with every other release at its own date but agree
      with another release a year away is mis-dated (error).
    - A line item the releases print differently (no value in common) is a restatement
      (info): one note per item and period, however many releases print it.
    - Agreement is noted once per table and period of a release (info), against all the
      other releases together, never once per pair of releases.
    Figures are compared group by group (equal values at once), so many releases, even many
    copies of one, take time in proportion to their number."""
    idx = _release_index(ctx)
    docs = sorted(set(ctx.doc))
    if len(docs) < 2:
        return []
    checks = []
    groups: dict = {}

    def groups_of(key):
        g = groups.get(key)
        if g is None:
            g = groups[key] = _value_groups(ctx, idx[key])
        return g

    # per (doc, table, column): agreement with other releases at its date and a year away
    tally = defaultdict(lambda: Counter())
    for key, by_doc in idx.items():
        toks, pe, m, unit = key
        if len(by_doc) < 2 and m != 0:
            continue
        same = groups_of(key) if len(by_doc) > 1 else []
        shifted = []
        for shift in (-1, 1):
            k2 = (toks, shift_year(pe, shift), m, unit)
            if k2 in idx:
                shifted.append((shift, groups_of(k2)))
        for da, pa in by_doc.items():
            for a in pa:
                n = tally[(da, ctx.table_id[a], ctx.colkey(a))]
                for rep, first, cnt, total in same:
                    k = total - cnt.get(da, 0)
                    if k and parents_compatible(ctx, a, rep):
                        n["same_ok" if _agree(ctx, a, rep) else "same_bad"] += k
                for shift, other in shifted:
                    for rep, first, cnt, total in other:
                        k = total - cnt.get(da, 0)
                        if not k or not parents_compatible(ctx, a, rep):
                            continue
                        if _agree(ctx, a, rep):
                            n[f"shift{shift:+d}"] += k
                            n[f"shift{shift:+d}_ex"] = next(b for d, b in first.items() if d != da)
                        else:
                            n[f"shift{shift:+d}_bad"] += k
    misdated = set()
    for (da, tid, ck), n in tally.items():
        for shift in (-1, 1):
            ok, bad = n[f"shift{shift:+d}"], n[f"shift{shift:+d}_bad"]
            if n["same_ok"] == 0 and ok >= MISDATED_MIN_ITEMS and ok >= MISDATED_SHARE * (ok + bad) \
                    and (n["same_bad"] >= 2 or ok >= MISDATED_ALONE_ITEMS):
                misdated.add((da, tid, ck))
                t = ctx.tables[tid]
                pos = tuple(t.columns.get(ck, ()))
                ex = n[f"shift{shift:+d}_ex"]
                true_end = shift_year(ck[1], shift)

                same_bad, n_ok = n["same_bad"], ok

                def ev(c, pos=pos, t=t, ck=ck, true_end=true_end, ex=ex, da=da, same_bad=same_bad, n_ok=n_ok):
                    why = ("its figures disagree with the other releases at that date and"
                           if same_bad else "no other release gives that date, and")
                    return [make_finding(
                        c, "cross_release", "label_error", "error", list(pos), doc=da,
                        message=f"The column \"{ck[0]}\" of \"{t.title}\" is dated {ck[1]}, but {why} "
                                f"{n_ok} of its figures match {c.doc[ex]}'s figures at {true_end} (e.g. "
                                f"{item_name(c, ex)} {c.printed[ex]}, line {c.line[ex]}): the column is mis-dated.",
                        expected_text=true_end, actual_text=ck[1])]
                checks.append(Check("cross_release", pos, ev))

    # Columns (release, table, period) compared with the other releases: those sharing at
    # least CROSS_RELEASE_MIN_ITEMS items with them, and not mis-dated.
    col_items = defaultdict(list)
    for key, by_doc in idx.items():
        if len(by_doc) < 2:
            continue
        for d, ps in by_doc.items():
            for p in ps:
                if (d, ctx.table_id[p], ctx.colkey(p)) not in misdated:
                    col_items[(d, ctx.table_id[p], key[1], key[2])].append(p)
    columns = {col: ps for col, ps in col_items.items() if len(ps) >= CROSS_RELEASE_MIN_ITEMS}
    compared = {p for ps in columns.values() for p in ps}
    # Item groups: one item key and section, the compared figures of every release.
    group_of: dict = {}
    item_groups: list[tuple] = []
    for key, by_doc in idx.items():
        if len(by_doc) < 2:
            continue
        pos = [p for ps in by_doc.values() for p in ps if p in compared]
        for g in _same_item_groups(ctx, pos):
            if len({ctx.doc[p] for p in g}) < 2:
                continue
            sid = len(item_groups)
            item_groups.append(tuple(sorted(g)))
            for p in g:
                group_of.setdefault(p, sid)

    for sid, g in enumerate(item_groups):
        def ev_item(c, sid=sid, g=g):
            cluster, sig = _clusters(c, sid, g)
            by_sig: dict = defaultdict(list)
            for d, cs in sig.items():
                by_sig[frozenset(cs)].append(d)
            sets = [(s_, sorted(ds)) for s_, ds in by_sig.items()]
            clash = [(i, j) for i in range(len(sets)) for j in range(len(sets))
                     if i != j and not (sets[i][0] & sets[j][0])]
            if not clash:
                return []
            # the fewest releases printing it one way, against the most printing it otherwise
            mi = min({i for i, _ in clash}, key=lambda i: (len(sets[i][1]), sets[i][1][0]))
            bj = max((j for i, j in clash if i == mi), key=lambda j: (len(sets[j][1]), [-ord(x) for x in sets[j][1][0]]))
            m_docs, b_docs = sets[mi][1], sets[bj][1]
            da, db = m_docs[0], b_docs[0]
            a = next(p for p in g if c.doc[p] == da and p in cluster)
            b = next(p for p in g if c.doc[p] == db and p in cluster)
            involved = [p for p in g if c.doc[p] in set(m_docs) | set(b_docs)]
            also_a = f" (as {_releases_text(m_docs[1:])} {'does' if len(m_docs) == 2 else 'do'})" if len(m_docs) > 1 else ""
            also_b = f" (and so {'does' if len(b_docs) == 2 else 'do'} {_releases_text(b_docs[1:])})" if len(b_docs) > 1 else ""
            return [make_finding(
                c, "cross_release", "restatement", "info", involved, doc=da,
                message=f"{item_name(c, a)} {period_text(c, a)}: {da} line {c.line[a]} prints "
                        f"{c.printed[a]}{also_a}, {db} line {c.line[b]} prints {c.printed[b]}{also_b} "
                        f"(restated or misread).",
                expected=c.values[b], actual=c.values[a], expected_text=c.printed[b],
                actual_text=c.printed[a])]
        checks.append(Check("cross_release", g, ev_item))

    for (da, ta, pe, m), items in columns.items():
        items = tuple(p for p in items if p in group_of)
        if len(items) < CROSS_RELEASE_MIN_ITEMS:
            continue

        def ev_column(c, items=items, da=da):
            ok, bad, others = [], [], set()
            for a in items:
                sid = group_of[a]
                cluster, sig = _clusters(c, sid, item_groups[sid])
                ds = [d for d in sig if d != da]
                if a not in cluster or not ds:
                    continue
                others.update(ds)
                miss = [d for d in ds if cluster[a] not in sig[d]]
                (bad if miss else ok).append((a, miss))
            if not ok and not bad:
                return []
            a0 = items[0]
            eg = ""
            if bad:
                a, miss = bad[0]
                b = next(p for p in item_groups[group_of[a]] if c.doc[p] == sorted(miss)[0] and not nan(c.values[p]))
                eg = f" (e.g. {item_name(c, a)}: {c.printed[a]} vs {c.printed[b]} in {c.doc[b]})"
            n = len(others)
            verb = "does" if n == 1 else "do"
            return [make_finding(
                c, "cross_release", "cross_release", "info", [a for a, _ in ok + bad], doc=da,
                message=f"\"{c.title[a0]}\" in {da} gives {period_text(c, a0)}, as "
                        f"{_releases_text(list(others))} {verb}: {len(ok)} item(s) agree with "
                        f"{'it' if n == 1 else 'all of them'}, {len(bad)} differ{eg}.")]
        checks.append(Check("cross_release", items, ev_column))
    return checks


# -- rules that read the release's text around a table (need Engine(documents=...)) -----------

# Header lines looked at above a table's first row (blank lines allowed between them).
HEADER_MAX_LINES = 8
HEADER_MAX_BLANKS = 1
CELL_SPLIT = re.compile(r"\t|\s{2,}")
MONTH_WORD = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?"
DAY_NO_YEAR = re.compile(MONTH_WORD + r"\s+\d{1,2}\b(?!,?\s*\d{4})(?:,\s*\d{1,3}\b(?!\d))?")
YEAR_TOKEN = re.compile(r"(?<![\d,.])(\d{4})(?![\d,.])")
PUNCT_CELL = re.compile(r"^(?=.*[,.;:`])[\s,.;:\-–—_`'\"]+$")
FUNCTION_WORDS = {"of", "to", "as", "per", "in", "and", "the", "a", "an", "for", "by", "on"}
LONE_NUMBER_CELL = re.compile(r"^[`'\s]*\d{1,3}[,.]?$")
LONE_DASH_CELL = re.compile(r"^[-–—]$")
RUN_TOGETHER = re.compile(r"\d,\d{4,}")
PERIOD_HINT = re.compile(r"\b(19|20)\d{2}\b|\b\d?Q\d{2}\b|\b[12]H\d{2}\b|FY\s?\d{2,4}|\d{2}/\d{1,2}|"
                         r"month|year|quarter|" + MONTH_WORD, re.I)


def _doc_lines(ctx: Context, doc: str) -> list | None:
    d = ctx.documents.get(doc)
    if d is None:
        return None
    lines = getattr(d, "lines", None)
    if lines is None and isinstance(d, str):
        lines = d.split("\n")
    return lines


def _fact_lines(ctx: Context, doc: str) -> set:
    cache = getattr(ctx, "_fact_lines", None)
    if cache is None:
        cache = defaultdict(set)
        for p in range(ctx.n):
            cache[ctx.doc[p]].add(ctx.line[p])
        ctx._fact_lines = cache
    return cache[doc]


def table_text_lines(ctx: Context, t) -> tuple[list, list]:
    """(header lines above the first row, lines inside the table without numbers), 1-based."""
    lines = _doc_lines(ctx, t.doc)
    if not lines:
        return [], []
    facts_at = _fact_lines(ctx, t.doc)
    own = sorted({r.line for r in t.rows if r.cells})
    if not own:
        return [], []
    first, last = own[0], own[-1]
    head, blanks, ln = [], 0, first - 1
    while ln >= 1 and len(head) < HEADER_MAX_LINES:
        text = lines[ln - 1]
        if ln in facts_at:
            break
        if not text.strip():
            blanks += 1
            if blanks > HEADER_MAX_BLANKS:
                break
        else:
            head.append(ln)
        ln -= 1
    inside = [ln for ln in range(first + 1, min(last + 2, len(lines) + 1))
              if ln not in facts_at and lines[ln - 1].strip()]
    return sorted(head), inside


def _cells(text: str) -> list:
    return [c.strip() for c in CELL_SPLIT.split(text.strip()) if c.strip()]


def _doc_years(ctx: Context, doc: str) -> tuple[int, int] | None:
    """(first, last) year of the document's periods; one pass over the facts for all documents
    (a pass per table was quadratic in a long release)."""
    years = getattr(ctx, "_doc_years", None)
    if years is None:
        spans: dict[str, list[int]] = {}
        for p in range(ctx.n):
            y = ctx.period_end[p][:4]
            if y.isdigit():
                span = spans.setdefault(ctx.doc[p], [int(y), int(y)])
                span[0], span[1] = min(span[0], int(y)), max(span[1], int(y))
        years = ctx._doc_years = {d: (a, b) for d, (a, b) in spans.items()}
    return years.get(doc)


def _year_below(text: str, below: str, span: tuple) -> bool:
    """A year printed under the date on the next header line (a wrapped header)."""
    if "\t" in text:
        idx = text[:span[0]].count("\t")
        parts = below.split("\t")
        return idx < len(parts) and bool(YEAR_TOKEN.search(parts[idx]))
    for m in YEAR_TOKEN.finditer(below):
        if m.start() < span[1] + 6 and m.end() > span[0] - 3:
            return True
    return False


# Column headings of period grids (dividends): quarter ends, interim, year end, total.
GRID_HEADING = re.compile(r"\b[1-3]Q[- ]?end\b|\binterim\b|\byear[- ]?end\b|\btotal\b|\bfull[- ]year\b", re.I)


def _merged_headings(text: str) -> str | None:
    """A tab-separated header line where several column headings landed in one cell and the
    cells after it are empty ("2Q-end Year-end Total" | | ): merged in conversion."""
    if "\t" not in text:
        return None
    fields = text.split("\t")
    heads = [[m.group(0).lower() for m in GRID_HEADING.finditer(f)] for f in fields]
    for i, hs in enumerate(heads):
        if len(hs) < 2 or len(set(hs)) < len(hs) or GRID_HEADING.sub("", fields[i]).strip():
            continue
        if any(h in heads[j] for j in range(len(fields)) if j != i for h in hs):
            continue            # a neighbour's heading leaked into this cell: another problem
        after = fields[i + 1:i + len(hs)]
        if len(after) == len(hs) - 1 and not any(f.strip() for f in after):
            return (f"the column headings \"{fields[i].strip()}\" are merged into one cell over "
                    f"{len(hs)} columns")
    return None


# A cell of this many words (or of PROSE_SENTENCE_WORDS ending a sentence) is prose, not a
# column header: a paragraph of notes or a cover page's legal text.
PROSE_WORDS = 20
PROSE_SENTENCE_WORDS = 12
YEAR_CONTEXT = re.compile(r"(?:\b\d{1,2},?\s*|" + MONTH_WORD + r",?\s*|\b(?:fy|fiscal|year|years|ended|ending|"
                          r"of|as of|at|through|to|and)\s+)$", re.I)
YEARS_ONLY_CELL = re.compile(r"^[\s(]*(?:\d{4}|\d?Q\d{2}|FY\s?\d{2,4})(?:[\s,/&\-–]+(?:\d{4}|\d?Q\d{2}|FY\s?\d{2,4}))*[\s)]*$", re.I)


def _is_prose(cell: str) -> bool:
    n = len(cell.split())
    return n >= PROSE_WORDS or (n >= PROSE_SENTENCE_WORDS and cell.rstrip().endswith((".", ":", ";")))


def _period_years(text: str) -> list[int]:
    """The years of a header line that name periods: after a day or month ("Dec 31, 2009"),
    after "fiscal" / "year ended", or in a cell of years only ("2008  2009"); not house or
    file numbers, nor the years of statutes ("Act of 1934" is after "of" but in prose)."""
    out = []
    for cell in (text.split("\t") if "\t" in text else CELL_SPLIT.split(text.strip())):
        if YEARS_ONLY_CELL.match(cell):
            out.extend(int(y) for y in YEAR_TOKEN.findall(cell))
            continue
        for m in YEAR_TOKEN.finditer(cell):
            before = cell[:m.start()]
            if YEAR_CONTEXT.search(before) and not re.search(r"\b(?:act|section|rule|form|no\.?|number)\s+of\s*$|"
                                                             r"\bact\s+of\s*$", before, re.I):
                out.append(int(m.group(1)))
    return out


def _header_problem(text: str, years, below: str = "") -> str | None:
    merged = _merged_headings(text)
    if merged:
        return merged
    cells = _cells(text)
    if any(_is_prose(c) for c in cells):
        return None
    low = [c.lower() for c in cells]
    for a, ca in enumerate(low):
        if not (len(ca.split()) >= 2 or re.search(r"\d", ca)) or len(ca) < 4:
            continue
        for b, cb in enumerate(low):
            if a == b or len(cb) <= len(ca):
                continue
            m = re.search(r"(^|\s)" + re.escape(ca) + r"(\s|$)", cb)
            if not m or PERIOD_HINT.search(ca) or re.search(r"(jpy|yen|dollars?|millions?|thousands?|%)", ca):
                continue
            rest = (cb[:m.start()] + " " + cb[m.end():]).split()
            if rest and any(w in FUNCTION_WORDS for w in rest):
                continue      # "Common Stock Held in Treasury": one heading that grows a phrase
            if len(rest) == 1 and cb.endswith(ca):
                continue      # "Large accelerated filer": a word qualifying the heading
            return f"the header \"{cells[a]}\" is repeated inside \"{cells[b]}\""
    for c in cells:
        words = c.split()
        for n in range(4, 1, -1):
            for s in range(0, len(words) - 2 * n + 1):
                rep = [w.lower() for w in words[s:s + n]]
                if rep == [w.lower() for w in words[s + n:s + 2 * n]] and \
                        not re.search(r"(jpy|yen|dollars?|millions?|thousands?|%)", " ".join(rep)):
                    return f"\"{' '.join(words[s:s + n])}\" is printed twice in one header cell"
    m = DAY_NO_YEAR.search(text)
    if m and not re.search(r"\(.*" + re.escape(m.group(0)), text) and not _year_below(text, below, m.span()):
        return f"the date \"{m.group(0).strip()}\" has no (or a truncated) year"
    if years:
        found = sorted(set(_period_years(text)))
        if len(found) >= SCHEDULE_MIN_YEARS and found == list(range(found[0], found[0] + len(found))) \
                and years[0] <= found[0] <= years[1] + 1:
            found = []     # "2025 | 2026 | ... | 2029": a schedule of years to come (maturities)
        for y in found:
            if 1900 <= y <= 3100 and not (years[0] - 2 <= y <= years[1] + 2):
                return f"the year {y} cannot be right for a release covering {years[0]}-{years[1]}"
    junk = [c for c in cells if PUNCT_CELL.match(c) and not re.fullmatch(r"[-–—_]{1,3}", c)]
    if junk:
        return f"the line carries garbage cells ({' | '.join(junk[:3])})"
    words = [c for c in cells if re.search(r"[A-Za-z]{3,}", c)]
    lone = [c for c in cells if LONE_NUMBER_CELL.match(c)]
    if lone:
        lone += [c for c in cells if LONE_DASH_CELL.match(c)]
    # a label followed by its numbers (a contents line and its page, a row the extractor
    # left out) is a row's shape; a stray token stands among the headings, before a word
    last_word = max((k for k, c in enumerate(cells) if re.search(r"[A-Za-z]{3,}", c)), default=-1)
    lone = [c for k, c in enumerate(cells) if k < last_word and c in lone]
    if lone and words and len(lone) < len(cells) and not re.search(r"\d", " ".join(words)):
        return f"stray token(s) {' | '.join(lone[:3])} stand among the column headers"
    return None


@rule("header_text", scope="doc")
def header_text(ctx: Context):
    """Column headers and in-table lines that are evidently garbled in the release text: a
    header repeated inside its neighbour, a phrase printed twice, a date without (or with a
    truncated) year, a year the release cannot mean, garbage or stray tokens, numbers run
    together on a line that yields no row. Needs the documents."""
    if not ctx.documents:
        return []
    checks = []
    for t in ctx.tables.values():
        lines = _doc_lines(ctx, t.doc)
        if not lines:
            continue
        head, inside = table_text_lines(ctx, t)
        years = _doc_years(ctx, t.doc)
        anchor = next(iter(t.rows[0].cells.values()), None) if t.rows else None
        for ln in head + inside:
            text = lines[ln - 1]
            below = lines[ln] if ln < len(lines) else ""
            problem = _header_problem(text, years, below) if ln in head or not _cells(text)[:1] or \
                len(_cells(text)) > 1 else None
            kind = "label_error"
            if ln in inside and problem and ("garbage" in problem or "stray" in problem):
                kind = "ocr_damage"
            if not problem and RUN_TOGETHER.search(text):
                problem, kind = "numbers run together on a line that gives no row", "ocr_damage"
            if not problem:
                continue
            if "stray" in problem or "garbage" in problem or "merged into one cell" in problem:
                kind = "ocr_damage"

            def ev(c, ln=ln, t=t, problem=problem, kind=kind, text=text):
                return [make_finding(
                    c, "header_text", kind, "warning", [], doc=t.doc, extra_lines=(ln,),
                    message=f"Line {ln} of \"{t.title}\": {problem}.", actual_text=text.strip()[:120])]
            checks.append(Check("header_text", (anchor,) if anchor is not None else (), ev))
    return checks


# A header of this many consecutive years from the release's own runs forward: a schedule.
SCHEDULE_MIN_YEARS = 3
FISCAL_TOKEN = re.compile(r"\b\d?Q(\d{2})\b|\b[12]H(\d{2})\b|\bFY\s?(\d{2}|\d{4})\b", re.I)


def _header_years(text: str) -> set:
    ys = {int(y) for y in YEAR_TOKEN.findall(text) if 1900 <= int(y) <= 2100}
    for m in FISCAL_TOKEN.finditer(text):
        g = next(x for x in m.groups() if x)
        y = int(g) + (2000 if len(g) == 2 else 0)
        ys |= {y, y + 1}
    return ys


@rule("column_without_period", scope="doc")
def column_without_period(ctx: Context):
    """An amount column whose period is named nowhere in its table's header lines while its
    sibling columns' periods are: the header lost its date (the period was inferred).
    Reads the documents."""
    if not ctx.documents:
        return []
    checks = []
    for t in ctx.tables.values():
        lines = _doc_lines(ctx, t.doc)
        if not lines:
            continue
        head, _ = table_text_lines(ctx, t)
        years = set()
        for ln in head:
            years |= _header_years(lines[ln - 1])
        if not years:
            continue
        for r in t.rows:
            years |= _header_years(r.label)
        amount_cols = [(ck, pos) for ck, pos in t.columns.items()
                       if ctx.measure[pos[0]] == "value" and ctx.unit[pos[0]] not in ("percent",)
                       and not ctx.unit[pos[0]].startswith("USD") and len(ck) == 5 and ck[1][:4].isdigit()]
        if len({ck[1] for ck, pos in amount_cols}) < 2:
            continue
        for ck, pos in amount_cols:
            if int(ck[1][:4]) in years or _header_years(ck[0]) or len(pos) < 2 or not ck[0].strip():
                continue
            posl = tuple(pos)

            def ev(c, posl=posl, ck=ck, t=t, head=tuple(head)):
                return [make_finding(
                    c, "column_without_period", "label_error", "warning", [], doc=t.doc, extra_lines=head,
                    message=f"The column headed \"{ck[0]}\" in \"{t.title}\" carries {period_text(c, posl[0])}, "
                            f"but no header line names that period: the header lost its date.",
                    actual_text=ck[0])]
            checks.append(Check("column_without_period", posl, ev))
    return checks


@rule("glued_header_in_text", scope="doc")
def glued_header_in_text(ctx: Context):
    """A row whose printed label starts with a section header ("...EQUITY: Common stock"):
    the header was glued onto the row. Reads the documents."""
    if not ctx.documents:
        return []
    checks = []
    for t in ctx.tables.values():
        lines = _doc_lines(ctx, t.doc)
        if not lines:
            continue
        for r in t.rows:
            if not r.cells or r.line < 1 or r.line > len(lines):
                continue
            text = lines[r.line - 1].strip()
            label_part = _cells(text)[0] if _cells(text) else ""
            m = GLUED_HEADER.match(label_part)
            if not m or label_part.rstrip().endswith(":"):
                continue
            p = next(iter(r.cells.values()))

            def ev(c, p=p, r=r, label_part=label_part):
                head = label_part.split(":")[0]
                return [make_finding(
                    c, "glued_header_in_text", "label_error", "warning", [p],
                    f"The section header \"{head}:\" is glued to the row label on line {r.line}; "
                    f"it belongs on a line of its own.", actual_text=label_part[:80])]
            checks.append(Check("glued_header_in_text", (p,), ev))
    return checks



@rule("percent_header_amounts", scope="doc")
def percent_header_amounts(ctx: Context):
    """A column headed as a percentage ("% of Revenues") whose cells the facts model reads as
    amounts (a currency unit): the header or the unit line is wrong."""
    checks = []
    for t in ctx.tables.values():
        for ck, pos in t.columns.items():
            i0 = pos[0]
            if not re.search(r"%|percent", ck[0], re.I) or ctx.measure[i0] not in ("value", "target"):
                continue
            if ctx.unit[i0] in ("percent", "") or len(pos) < 2:
                continue
            if any(ctx.col_label[p] == ck[0] and "%" in ctx.printed[p] for q in t.columns.values() for p in q):
                continue      # some cells of the column print "%": percentages, misread as amounts
            posl = tuple(pos)
            head, _ = table_text_lines(ctx, t)

            def ev(c, posl=posl, ck=ck, t=t, head=tuple(head)):
                return [make_finding(
                    c, "percent_header_amounts", "label_error", "error", list(posl), extra_lines=head,
                    message=f"The column headed \"{ck[0]}\" in \"{t.title}\" holds amounts in "
                            f"{c.unit[posl[0]]} (scale {c.scale[posl[0]]:g}), not percentages: its header or unit "
                            f"line is wrong.", actual_text=ck[0])]
            checks.append(Check("percent_header_amounts", posl, ev))
    return checks


NET_DIRECTION = re.compile(r"^\W*net\s+(increase|decrease)\b(?!.*\b(increase|decrease)\b)", re.I)


@rule("direction_label", scope="doc")
def direction_label(ctx: Context):
    """A row labelled only "Net decrease ..." printing an inflow (or "Net increase ..." an
    outflow) while its other periods have the labelled sign: the label is wrong for that
    period."""
    checks = []
    for t in ctx.tables.values():
        for r in t.rows:
            m = NET_DIRECTION.match(r.label)
            if not m:
                continue
            want = -1 if m.group(1).lower() == "decrease" else 1
            cells = [i for i in r.cells.values() if ctx.measure[i] == "value" and not nan(ctx.values[i])
                     and ctx.values[i] != 0 and not _in_label(ctx, i)]
            signed = any(ctx.values[i] < 0 and "(" in ctx.printed[i] for r2 in t.rows for i in r2.cells.values())
            if not signed:
                continue
            cells = tuple(cells)

            def ev(c, cells=cells, r=r, want=want):
                bad = [i for i in cells if not nan(c.values[i]) and c.values[i] != 0 and (c.values[i] > 0) != (want > 0)]
                if not bad:
                    return []
                return [make_finding(
                    c, "direction_label", "label_error", "warning", bad,
                    f"\"{r.label}\" (line {r.line}) prints {', '.join(c.printed[i] for i in bad)} "
                    f"({', '.join(period_text(c, i) for i in bad[:2])}), the opposite direction of its label; "
                    f"the row is an increase (decrease).", actual_text=c.printed[bad[0]])]
            if cells:
                checks.append(Check("direction_label", cells, ev))
    return checks



PERCENT_OF = re.compile(r"%\s*of\s+(?:total\s+)?([A-Za-z]+)", re.I)


@rule("percent_of_base", scope="doc")
def percent_of_base(ctx: Context):
    """In a "% of X" column the row that is X itself (total X) prints 100; when it prints
    something else, the column holds no percentages of X (the header or unit is wrong)."""
    checks = []
    for t in ctx.tables.values():
        for ck, pos in t.columns.items():
            if ctx.measure[pos[0]] != "share_pct":
                continue
            m = PERCENT_OF.search(ck[0])
            if not m:
                continue
            base = ctx.tokens(m.group(1))
            if not base:
                continue
            rows = [i for i in pos if base <= ctx.tokens(ctx.label[i]) and
                    (ctx.tokens(ctx.label[i]) - base) <= {"total", "net", "operating"}]
            if not rows:
                continue
            b = rows[0]
            posl = tuple(pos)
            head, _ = table_text_lines(ctx, t)

            def ev(c, b=b, posl=posl, ck=ck, t=t, head=tuple(head)):
                if nan(c.values[b]) or abs(c.values[b] - 100.0) <= HALF * c.unit_last[b] + FLOAT_SLACK:
                    return []
                return [make_finding(
                    c, "percent_of_base", "label_error", "error", list(posl), extra_lines=head,
                    message=f"The column \"{ck[0]}\" of \"{t.title}\" is headed as a percentage of "
                            f"{c.label[b]}, yet {c.label[b]} (line {c.line[b]}) prints {c.printed[b]}, not 100: "
                            f"the cells are not percentages (wrong header or unit).",
                    expected=100.0, actual=c.values[b], expected_text="100.0", actual_text=c.printed[b])]
            checks.append(Check("percent_of_base", posl, ev))
    return checks


# A table whose newest balance column is this many years older than the release's own
# reporting date is suspect.
STALE_YEARS = 1


@rule("stale_column_date", scope="doc")
def stale_column_date(ctx: Context):
    """A table of balances (or counts) at dates whose newest column is exactly a year older
    than the date the release reports at (the newest balance date of its statements), while
    its columns are compared year on year: the header years are likely one year off."""
    latest = {}
    for p in range(ctx.n):
        if ctx.months[p] == 0 and ctx.measure[p] == "value" and ctx.period_end[p][:4].isdigit():
            d = ctx.doc[p]
            if ctx.period_end[p] > latest.get(d, ""):
                latest[d] = ctx.period_end[p]
    support = Counter((ctx.doc[p], ctx.period_end[p]) for p in range(ctx.n)
                      if ctx.months[p] == 0 and ctx.measure[p] == "value")
    checks = []
    for t in ctx.tables.values():
        d = t.doc
        if d not in latest or support[(d, latest[d])] < 20:
            continue
        inst = [p for pos in t.columns.values() for p in pos
                if ctx.months[p] == 0 and ctx.measure[p] == "value" and ctx.period_end[p]]
        if len(inst) < 2:
            continue
        ends = sorted({ctx.period_end[p] for p in inst})
        if len(ends) < 2 or ends[-1] != shift_year(latest[d], -STALE_YEARS) or ends[-2] != shift_year(latest[d], -STALE_YEARS - 1):
            continue
        if not any(ctx.measure[p] in ("yoy_pct", "change") for pos in t.columns.values() for p in pos):
            continue
        posl = tuple(inst)
        head, _ = table_text_lines(ctx, t)

        def ev(c, posl=posl, t=t, ends=tuple(ends), head=tuple(head), want=latest[d]):
            return [make_finding(
                c, "stale_column_date", "label_error", "warning", list(posl), extra_lines=head,
                message=f"\"{t.title}\" compares {ends[-1]} with {ends[-2]}, a year before the release's "
                        f"reporting date {want}; its header years are likely one year off.",
                expected_text=want, actual_text=ends[-1])]
        checks.append(Check("stale_column_date", posl, ev))
    return checks



GLUED_NUMBERS = re.compile(r"\d\)\(?\d|\d\(\d|\d,\d{4,}|%\d")


FOOTNOTE_BEFORE = re.compile(r"\(\d{1,2}\)$")
FOOTNOTE_AFTER = re.compile(r"^\(\d{1,2}\)")


def _footnote_glue(text: str, m) -> bool:
    """The glued spot is a footnote reference ("(1)" after a label or year, "(2)(6)") touching
    a number: filing agents print those marks without a space, no cells were merged."""
    if m.group(0).endswith(")") or "%" in m.group(0) or "," in m.group(0):
        return False
    k = m.start() + m.group(0).index(")") + 1 if ")" in m.group(0) else None
    if k is not None and FOOTNOTE_BEFORE.search(text[:k]):
        return True
    j = m.start() + m.group(0).index("(") if "(" in m.group(0) else None
    return j is not None and bool(FOOTNOTE_AFTER.match(text[j:]))


@rule("glued_numbers_in_text", scope="doc")
def glued_numbers_in_text(ctx: Context):
    """A line of the release whose text runs numbers together ("(4.9)2,007", "25,58115,922",
    "2,2082,549"): cells were merged in conversion, so numbers are lost, duplicated or in
    the wrong columns. Reads the documents."""
    if not ctx.documents:
        return []
    at_line = defaultdict(list)
    for p in range(ctx.n):
        at_line[(ctx.doc[p], ctx.line[p])].append(p)
    checks = []
    for name in sorted(set(ctx.doc)):
        lines = _doc_lines(ctx, name)
        if not lines:
            continue
        for ln, text in enumerate(lines, start=1):
            m = next((m for m in GLUED_NUMBERS.finditer(text) if not _footnote_glue(text, m)), None)
            if not m:
                continue
            pos = tuple(at_line.get((name, ln), ()))

            def ev(c, pos=pos, ln=ln, name=name, frag=text[max(0, m.start() - 10):m.end() + 10]):
                return [make_finding(
                    c, "glued_numbers_in_text", "ocr_damage", "warning", [], doc=name, extra_lines=(ln,),
                    message=f"Line {ln} runs numbers together (\"{frag.strip()}\"): cells were merged in "
                            f"conversion, so numbers may be lost, repeated or in the wrong columns.",
                    actual_text=frag.strip())]
            checks.append(Check("glued_numbers_in_text", pos, ev))
    return checks



CASH_BEGIN = re.compile(r"\bbeginning\b", re.I)
CASH_END = re.compile(r"\bend of\b", re.I)
CASH_NET = re.compile(r"^\W*net\s+(increase|decrease)\b.*\bcash\b", re.I)
CASH_SECTION = re.compile(r"^\W*net cash\b.*\b(operating|investing|financing)\b", re.I)
CASH_FX = re.compile(r"\beffect of exchange rate", re.I)


def _row_cells_by_label(ctx: Context, t, pattern) -> list:
    return [r for r in t.rows if r.cells and pattern.search(r.label)]


def _cash_check(name: str, target, parts, t, what: str):
    positions = (target,) + tuple(parts)

    def ev(c, target=target, parts=tuple(parts), t=t):
        if any(nan(c.values[p]) and not NIL.match(c.printed[p]) for p in (target,) + parts):
            return []
        if not all(is_ok_number(c.printed[p]) for p in (target,) + parts):
            return []
        s = sum(_val0(c, p) for p in parts)
        tol = sum_tolerance([c.unit_last[p] for p in (target,) + parts])
        if abs(s - _val0(c, target)) <= tol:
            return []
        return [make_finding(
            c, name, "sum_mismatch", "error", (target,) + parts,
            f"{what} {period_text(c, target)}: {' + '.join(c.printed[p] for p in parts)} = "
            f"{fmt_at(c, s, target)}, but \"{c.label[target]}\" prints {c.printed[target]}.",
            expected=s, actual=_val0(c, target), expected_text=fmt_at(c, s, target),
            actual_text=c.printed[target])]
    return Check(name, positions, ev)


@rule("cash_roll_forward", scope="doc")
def cash_roll_forward(ctx: Context):
    """Cash flow statement: beginning cash + the net change = ending cash, and the net change
    = operating + investing + financing cash flows + the exchange-rate effect, per column."""
    checks = []
    for t in ctx.tables.values():
        begin, end = _row_cells_by_label(ctx, t, CASH_BEGIN), _row_cells_by_label(ctx, t, CASH_END)
        net = _row_cells_by_label(ctx, t, CASH_NET)
        sections = _row_cells_by_label(ctx, t, CASH_SECTION)
        fx = _row_cells_by_label(ctx, t, CASH_FX)
        if not net:
            continue
        for ck, n_pos in net[0].cells.items():
            unit = ctx.unit[n_pos]
            if begin and end:
                b = next((i for i in begin[0].cells.values() if ctx.unit[i] == unit and ctx.col[i] == ctx.col[n_pos]), None)
                e = next((i for i in end[0].cells.values() if ctx.unit[i] == unit and ctx.col[i] == ctx.col[n_pos]), None)
                if b is not None and e is not None:
                    checks.append(_cash_check("cash_roll_forward", e, (b, n_pos), t, "Ending cash"))
            if len(sections) == 3:
                parts = [r.cells.get(ck) for r in sections + fx[:1]]
                if all(p is not None for p in parts):
                    checks.append(_cash_check("cash_roll_forward", n_pos, tuple(parts), t, "Net change in cash"))
    return checks


BALANCE_ROW = re.compile(r"^\W*balance\b", re.I)
TOTAL_COMPREHENSIVE = re.compile(r"total comprehensive", re.I)


@rule("equity_roll_forward", scope="doc")
def equity_roll_forward(ctx: Context):
    """Statement of equity: each component's opening balance + the movements printed below it
    = its closing balance (a "total comprehensive income" subtotal is not counted twice)."""
    checks = []
    for t in ctx.tables.values():
        bal = [ri for ri, r in enumerate(t.rows) if r.cells and BALANCE_ROW.search(r.label)]
        if len(bal) < 2:
            continue
        # a component is named by its column label where the labels tell the cells of a row
        # apart, else by the extractor's column position
        by_label = all(len({ctx.col_label[i] for i in r.cells.values()}) == len(r.cells) for r in t.rows)
        comps = defaultdict(dict)
        any_unit = defaultdict(set)       # component name -> rows with a figure of any unit or scale
        for ri, r in enumerate(t.rows):
            for i in r.cells.values():
                if ctx.measure[i] == "value" and not _in_label(ctx, i):
                    name = ctx.col_label[i] if by_label else f"{ctx.col_label[i]} (column {ctx.col[i] + 1})"
                    comps[(name, ctx.unit[i], ctx.scale[i])].setdefault(ri, i)
                    if not nan(ctx.values[i]):
                        any_unit[name].add(ri)
        table_checks = []
        for comp, cells in comps.items():
            for b1, b2 in zip(bal, bal[1:]):
                if b1 not in cells or b2 not in cells:
                    continue
                moves = [ri for ri in range(b1 + 1, b2) if ri in cells]
                if not moves:
                    continue
                if any(ri not in cells for ri in any_unit[comp[0]] if b1 < ri < b2):
                    continue      # a movement read in another unit or scale: the sum cannot be judged
                plain = tuple(cells[ri] for ri in moves if not TOTAL_COMPREHENSIVE.search(t.rows[ri].label))
                full = tuple(cells[ri] for ri in moves)
                # "Total change in ..." adds the movements above it: counted once
                items = tuple(cells[ri] for ri in moves if not ctx.row_total(t.rows[ri].label, cells[ri]))

                def ev(c, o=cells[b1], e=cells[b2], plain=plain, full=full, comp=comp, items=items):
                    # a sum_mismatch lists its total first, then the items it adds (the
                    # workbook writes that formula): the closing balance, then the opening
                    # balance and the movements
                    pos = (e, o) + full
                    if not all(is_ok_number(c.printed[p]) for p in pos):
                        return []
                    tol = sum_tolerance([c.unit_last[p] for p in pos])
                    sums = [_val0(c, o) + sum(_val0(c, p) for p in mv) for mv in (plain, full, items)]
                    if any(abs(s_ - _val0(c, e)) <= tol for s_ in sums):
                        return []
                    s_ = sums[0]
                    return [make_finding(
                        c, "equity_roll_forward", "sum_mismatch", "error", pos,
                        f"{comp[0] or 'Equity'}: opening {c.printed[o]} plus the movements = {fmt_at(c, s_, e)}, "
                        f"but the closing balance (line {c.line[e]}) prints {c.printed[e]}.",
                        expected=s_, actual=_val0(c, e), expected_text=fmt_at(c, s_, e), actual_text=c.printed[e])]
                table_checks.append(Check("equity_roll_forward", (cells[b1], cells[b2]) + full, ev))
        # the components are only trusted where at least one of them rolls forward
        if sum(1 for c in table_checks if not c.evaluate(ctx)) >= 1:
            checks.extend(table_checks)
    return checks


@rule("balance_sheet_identity", scope="doc")
def balance_sheet_identity(ctx: Context):
    """Balance sheet: total assets = total liabilities and equity (the two grand totals), and
    that = total liabilities + minority / noncontrolling interests + shareholders' equity
    (or + total equity where one is printed), per column."""
    checks = []
    pat = {
        "liab": re.compile(r"^\W*total liabilities\W*$", re.I),
        "equity": re.compile(r"^\W*total (shareholders'? )?equity\W*$|^\W*total .*shareholders'? equity\W*$", re.I),
        "total_equity": re.compile(r"^\W*total equity\W*$", re.I),
        "nci": re.compile(r"^\W*(minority interests?|noncontrolling interests?)\W*$", re.I),
    }
    for t in ctx.tables.values():
        grand = [r for r in t.rows if r.cells and re.fullmatch(r"\W*(total|total assets|total liabilities and "
                                                                  r"(shareholders'? )?equity)\W*", r.label, re.I)]
        liab = [r for r in t.rows if r.cells and pat["liab"].search(r.label)]
        if len(grand) < 2 or not liab:
            continue
        assets, le = grand[0], grand[-1]
        tot_eq = [r for r in t.rows if r.cells and pat["total_equity"].search(r.label)]
        sh_eq = [r for r in t.rows if r.cells and pat["equity"].search(r.label) and not pat["total_equity"].search(r.label)]
        nci = [r for r in t.rows if r.cells and pat["nci"].search(r.label)]
        for ck, a in assets.cells.items():
            if ctx.measure[a] != "value" or ck not in le.cells:
                continue
            checks.append(_cash_check("balance_sheet_identity", le.cells[ck], (a,), t,
                                      "Total liabilities and equity against total assets"))
            parts = [liab[0].cells.get(ck)]
            if tot_eq:
                parts.append(tot_eq[0].cells.get(ck))
            elif sh_eq:
                parts.append(sh_eq[-1].cells.get(ck))
                if nci:
                    parts.append(nci[0].cells.get(ck))
            if len(parts) >= 2 and all(p is not None for p in parts):
                checks.append(_cash_check("balance_sheet_identity", le.cells[ck], tuple(parts), t,
                                          "Liabilities + equity"))
    return checks


def _shift_months(iso: str, months: int) -> str:
    """The month-end `months` before `iso` (a period end)."""
    try:
        y, m, _ = (int(x) for x in iso.split("-"))
    except ValueError:
        return ""
    m -= months
    while m <= 0:
        m += 12
        y -= 1
    nxt = date(y + (m == 12), m % 12 + 1, 1)
    return date.fromordinal(nxt.toordinal() - 1).isoformat()


@rule("derived_period", scope="issuer")
def derived_period(ctx: Context):
    """Cumulative periods agree with the quarter between them: nine months - six months = the
    third quarter (likewise 6 - 3, 12 - 9), for the same item, in one release or across the
    loaded releases, within the three figures' rounding."""
    idx = _release_index(ctx)
    by_item = defaultdict(dict)
    for (toks, pe, m, unit), by_doc in idx.items():
        if m <= 0:
            continue
        for d, pos in by_doc.items():
            for p in pos:
                by_item[(toks, unit)].setdefault((pe, m), []).append(p)
    checks, seen = [], set()
    for (toks, unit), periods in by_item.items():
        for (pe, m), longs in periods.items():
            if m not in (6, 9, 12):
                continue
            shorts = periods.get((_shift_months(pe, 3), m - 3))
            quarters = periods.get((pe, 3))
            if not shorts or not quarters:
                continue
            if unit not in ("JPY", "USD"):
                continue
            triples = [(a, b, q) for a in longs[:6] for b in shorts[:6] for q in quarters[:6]
                       if len({ctx.label[x].strip().lower() for x in (a, b, q)}) == 1
                       and parents_compatible(ctx, a, b) and parents_compatible(ctx, a, q)
                       and parents_compatible(ctx, b, q)]
            if not triples:
                continue
            a, b, q = min(triples, key=lambda t3: (sum(ctx.scale[x] for x in t3), t3))
            key = (a, b, q)
            if key in seen:
                continue
            seen.add(key)

            def ev(c, a=a, b=b, q=q):
                if any(nan(c.values[p]) for p in (a, b, q)):
                    return []
                exp = c.values[a] - c.values[b]
                tol = sum_tolerance([c.unit_last[a], c.unit_last[b], c.unit_last[q]])
                if abs(exp - c.values[q]) <= tol:
                    return []
                if (c.values[a] < 0) != (c.values[b] < 0) and c.values[a] and c.values[b]:
                    return []     # printed with different sign conventions (a statement vs a KPI table)
                docs = sorted({c.doc[a], c.doc[b], c.doc[q]})
                # within one release it is an inconsistency; across releases most often a
                # restatement or reclassification between them
                kind, sev = ("cross_table", "warning") if len(docs) == 1 else ("cross_release", "info")
                return [make_finding(
                    c, "derived_period", kind, sev, [q, a, b], doc=c.doc[q],
                    message=f"{item_name(c, q)}: {c.printed[a]} ({c.months[a]} months to {c.period_end[a]}, "
                            f"{c.doc[a]} line {c.line[a]}) - {c.printed[b]} ({c.months[b]} months to "
                            f"{c.period_end[b]}, {c.doc[b]} line {c.line[b]}) = {fmt_at(c, exp, q)}, but the "
                            f"quarter prints {c.printed[q]}.",
                    expected=exp, actual=c.values[q], expected_text=fmt_at(c, exp, q), actual_text=c.printed[q])]
            checks.append(Check("derived_period", (a, b, q), ev))
    return checks


MARGIN_RATIO = re.compile(r"gross margin ratio", re.I)
REVENUE_ROW = re.compile(r"revenue", re.I)
COST_ROW = re.compile(r"^\W*cost\b", re.I)


@rule("margin_ratio", scope="doc")
def margin_ratio(ctx: Context):
    """A printed gross-margin ratio equals (revenues - cost) / revenues of its own table, for
    the same period, within half its last digit plus the amounts' rounding."""
    checks = []
    for t in ctx.tables.values():
        ratio_rows = [r for r in t.rows if r.cells and MARGIN_RATIO.search(r.label)]
        rev = next((r for r in t.rows if r.cells and REVENUE_ROW.search(r.label) and not COST_ROW.search(r.label)), None)
        cost = next((r for r in t.rows if r.cells and COST_ROW.search(r.label)), None)
        if not ratio_rows or rev is None or cost is None:
            continue
        for rr in ratio_rows:
            for i in rr.cells.values():
                if ctx.unit[i] != "percent" or ctx.measure[i] not in ("value", "share_pct"):
                    continue
                v = _amount_in_row(ctx, rev, i)
                c_ = _amount_in_row(ctx, cost, i, ctx.unit[v]) if v is not None else None
                if v is None or c_ is None:
                    continue

                def ev(c, i=i, v=v, c_=c_):
                    vr, vc, vi = c.values[v], c.values[c_], c.values[i]
                    if nan(vr) or nan(vc) or nan(vi) or vr == 0:
                        return []
                    exp = 100.0 * (vr - vc) / vr
                    tol = ratio_tolerance(vr - vc, vr, c.unit_last[v] + c.unit_last[c_], c.unit_last[v], c.unit_last[i])
                    if abs(exp - vi) <= tol:
                        return []
                    return [make_finding(
                        c, "margin_ratio", "share_mismatch", "warning", [i, v, c_],
                        f"{c.label[i]} {period_text(c, i)}: ({c.printed[v]} - {c.printed[c_]}) / {c.printed[v]} = "
                        f"{exp:.{c.decimals[i] + 2}f}%, not the printed {c.printed[i]}.",
                        expected=round(exp, c.decimals[i]), actual=vi,
                        expected_text=f"{exp:.{c.decimals[i]}f}%", actual_text=c.printed[i])]
                checks.append(Check("margin_ratio", (i, v, c_), ev))
    return checks


SHARES_ROW = re.compile(r"basic.*(number of shares|shares outstanding)", re.I)
PER_SHARE_ROW = re.compile(r"basic.*per share", re.I)
NET_INCOME_ROW = re.compile(r"^\W*net income( \(loss\))?( attributable to (?!non)[^:]*)?\W*$", re.I)


@rule("per_share", scope="doc")
def per_share(ctx: Context):
    """Basic earnings per share = net income (attributable to the company) / the basic
    weighted-average number of shares, for the same period, within the rounding of both."""
    checks = []
    for t in ctx.tables.values():
        shares = next((r for r in t.rows if r.cells and SHARES_ROW.search(r.label)), None)
        eps = next((r for r in t.rows if r.cells and PER_SHARE_ROW.search(r.label) and not re.search(r"\bADS\b", r.label)), None)
        ni_rows = [r for r in t.rows if r.cells and NET_INCOME_ROW.search(r.label)]
        if shares is None or eps is None or not ni_rows:
            continue
        ni = ni_rows[-1]
        for i in eps.cells.values():
            if not ctx.unit[i].startswith("JPY"):
                continue
            s_ = next((k for k in shares.cells.values() if ctx.period_end[k] == ctx.period_end[i]
                       and ctx.months[k] == ctx.months[i]), None)
            n_ = _amount_in_row(ctx, ni, i, "JPY")
            if s_ is None or n_ is None:
                continue

            def ev(c, i=i, s_=s_, n_=n_):
                vi, vs, vn = c.values[i], c.values[s_], c.values[n_]
                if nan(vi) or nan(vs) or nan(vn) or vs <= 0:
                    return []
                exp = vn / vs
                tol = HALF * c.unit_last[i] + HALF * c.unit_last[n_] / vs + abs(exp) * HALF * c.unit_last[s_] / vs + FLOAT_SLACK
                if abs(exp - vi) <= tol:
                    return []
                return [make_finding(
                    c, "per_share", "cross_table", "warning", [i, n_, s_],
                    f"{c.label[i]} {period_text(c, i)}: {c.printed[n_]} / {c.printed[s_]} shares = "
                    f"{exp:,.{c.decimals[i] + 2}f}, not the printed {c.printed[i]}.",
                    expected=round(exp, c.decimals[i]), actual=vi, expected_text=f"{exp:,.{c.decimals[i]}f}",
                    actual_text=c.printed[i])]
            checks.append(Check("per_share", (i, s_, n_), ev))
    return checks
