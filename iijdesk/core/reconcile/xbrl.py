"""The filing's own inline-XBRL tags against the table reading, number by number.

An inline-XBRL filing (ingest/ixbrl.py) tags a printed number with its value, period and unit.
Every tagged number that has a fact at its place (the same line and characters) is checked:

* value: the fact's base value against the tag's (printed x 10^scale); magnitudes only, since
  a tag's sign is the concept's (a cost is tagged positive and printed in parentheses or not)
  while the fact's sign is the page's. A nil dash agrees with a zero tag;
* period: an instant tag wants an instant fact, a duration tag the same months; the ends may
  differ by a few days (fiscal quarters end on a Saturday while headers may say the month end);
* unit: money, shares, money per share and ratios (a percent fact against a `pure` tag)
  must be the same kind of unit (the currency too).

A disagreement is a warning (kind xbrl_mismatch) naming the concept, the tag's value and
period, and ours. Tagged numbers with no fact at their place are counted in one info finding
per document (kind xbrl_unmatched). The tags never change a fact.
"""
from __future__ import annotations

import math
from datetime import date

import pandas as pd

from iijdesk.core.ingest import ixbrl
from iijdesk.core.reconcile.engine import Check, make_finding, rule
from iijdesk.core.reconcile.model import Context
from iijdesk.core.reconcile.tolerance import FLOAT_SLACK

RULE = "xbrl_tags"
MISMATCH = "xbrl_mismatch"
UNMATCHED = "xbrl_unmatched"
# A period end this many days from the tag's still names the same period (52/53-week years).
PERIOD_END_DAYS = 7
# Our percent facts hold the printed percent number; a `pure` tag holds the ratio.
PERCENT = 0.01
# How many unmatched tags the info finding lists by name.
UNMATCHED_EXAMPLES = 5


def unit_family(unit: str) -> str | None:
    """A comparable kind of unit ("money:USD", "shares", "per_share:USD", "ratio"); None for
    units neither side can judge (barrels, customers ...)."""
    u = (unit or "").strip()
    if not u:
        return None
    low = u.lower()
    if low in ("pure", "percent", "%", "ratio"):
        return "ratio"
    if low in ("shares", "share", "ads", "count"):
        return "shares"
    for sep in ("/", "_per_"):
        if sep in u:
            num, den = u.split(sep, 1)
            if den.lower() in ("shares", "share", "ads"):
                return f"per_share:{num.upper()}"
            return None
    if len(u) == 3 and u.isalpha() and u.isupper():
        return f"money:{u}"
    return None


def _days_apart(a: str, b: str) -> int | None:
    try:
        return abs((date.fromisoformat(a[:10]) - date.fromisoformat(b[:10])).days)
    except (TypeError, ValueError):
        return None


def _period_words(end: str, months) -> str:
    if not end or months is None or pd.isna(months) or int(months) < 0:
        return "with no period"
    months = int(months)
    return f"at {end}" if months == 0 else f"for the {months} months to {end}"


def _num(x: float) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "nil"
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.6g}"


def compare(ctx: Context, p: int, tag: dict) -> list[str]:
    """What disagrees between fact position `p` and one tag (a row of the tags frame)."""
    why = []
    v = ctx.values[p]
    tv = tag["value"]
    percent = ctx.unit[p] == "percent"
    ours = abs(v) * (PERCENT if percent else 1.0) if not math.isnan(v) else 0.0
    if not math.isnan(tv) and abs(ours - abs(tv)) > FLOAT_SLACK * max(abs(ours), abs(tv), 1.0):
        if ours and tv and _power_of_ten(abs(tv) / ours):
            why.append(f"scale: the tag is x10^{tag['scale']}, ours x{_num(ctx.scale[p])}")
        else:
            why.append("value")
    months, end = tag["months"], tag["period_end"]
    if not pd.isna(months):
        if ctx.months[p] < 0 or not ctx.period_end[p]:
            why.append("period: ours has none")
        elif ctx.months[p] != int(months):
            why.append("period: " + ("an instant" if int(months) == 0 else f"{int(months)} months")
                       + " tagged, ours " + ("an instant" if ctx.months[p] == 0 else f"{ctx.months[p]} months"))
        else:
            d = _days_apart(ctx.period_end[p], end)
            if d is None or d > PERIOD_END_DAYS:
                why.append(f"period end: {end} tagged, ours {ctx.period_end[p]}")
    tf, of = unit_family(tag["unit"]), unit_family(ctx.unit[p])
    if tf and of and tf != of:
        why.append(f"unit: {tag['unit']} tagged, ours {ctx.unit[p]}")
    return why


def _power_of_ten(ratio: float) -> bool:
    if ratio <= 0:
        return False
    k = round(math.log10(ratio))
    return k != 0 and abs(ratio / 10.0 ** k - 1.0) < 1e-6


def _mismatch_check(p: int, tag: dict) -> Check:
    def evaluate(c: Context) -> list:
        why = compare(c, p, tag)
        if not why:
            return []
        ours_v = c.values[p]
        ours = f"{_num(ours_v)} {c.unit[p]} {_period_words(c.period_end[p], c.months[p])}"
        theirs = f"{_num(tag['value'])} {tag['unit']} {_period_words(tag['period_end'], tag['months'])}"
        dims = f" [{tag['dims']}]" if tag["dims"] else ""
        msg = (f"{tag['concept']}{dims} printed {tag['printed']!r}: the filing's tag reads {theirs}, "
               f"the table gives {ours} ({'; '.join(why)})")
        tv = tag["value"]
        expected = abs(tv) / (PERCENT if c.unit[p] == "percent" else 1.0) if not math.isnan(tv) else math.nan
        if not math.isnan(ours_v) and ours_v < 0:
            expected = -expected
        return [make_finding(c, RULE, MISMATCH, "warning", [p], msg, expected=expected, actual=ours_v,
                             expected_text=tag["printed"], actual_text=c.printed[p])]
    return Check(RULE, (p,), evaluate)


def _unmatched_check(doc: str, n_tags: int, missing: pd.DataFrame) -> Check:
    lines = sorted({int(x) for x in missing["line"].dropna()})
    names = ", ".join(f"{r.concept} {r.printed!r}" for r in missing.head(UNMATCHED_EXAMPLES).itertuples())
    msg = (f"{len(missing)} of {n_tags} numbers the filing tags have no fact at their place "
           f"(e.g. {names})")

    def evaluate(c: Context) -> list:
        return [make_finding(c, RULE, UNMATCHED, "info", [], msg, doc=doc, extra_lines=lines)]
    return Check(RULE, (), evaluate)


@rule(RULE, scope="doc")
def xbrl_tags(ctx: Context):
    """Each printed inline-XBRL tag against the fact at its place."""
    if not ctx.documents or not ctx.n:
        return
    facts = ctx.facts
    for name in dict.fromkeys(ctx.doc):      # the documents of these facts, not every one loaded
        doc = ctx.documents.get(name)
        tags = ixbrl.tags_of(doc) if doc is not None else None
        if tags is None:
            continue
        printed = tags[tags["line"].notna()]
        if not len(printed):
            continue
        pairs = ixbrl.match(printed, ixbrl.places(facts, doc.name))
        matched = set()
        records = printed.to_dict("records")
        for k, label in pairs:
            matched.add(k)
            p = ctx.pos_of.get(label)
            if p is not None:
                yield _mismatch_check(p, records[k])
        missing = printed.iloc[[k for k in range(len(printed)) if k not in matched]]
        if len(missing):
            yield _unmatched_check(doc.name, len(printed), missing)
