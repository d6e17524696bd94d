"""Numbers printed inside a row label: "net of allowances of $503 and $506, respectively",
"Common stock, $0.25 par value; authorized 11,200 shares", "Treasury stock — 3,934 shares".

They are facts of the row's columns (SPEC: col_label "(number in row label)"): a run "X and Y"
with as many numbers as the row has periods gives one number to each period in column order;
a single number holds for every period. What is not such a fact stays out: years, dates, note
and footnote references, item numbers, and bare numbers that name no unit.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from iijdesk.core.periods import DATE_RE, MONTH_DAY_RE
from iijdesk.core.tables.numbers import Num, find_numbers
from iijdesk.core.units import currency_of

COL_LABEL = "(number in row label)"

# References and codes that are not amounts.
_SKIP_RE = re.compile(
    r"\b(?:notes?|items?|level|tier|class|series|phase|section|rule|schedule|exhibit|page|part|step|"
    r"region|unit|stage|fund|trust|plan)\s+[A-Z]?\d+(?:\s*(?:and|&|,)\s*\d+)*\b"
    r"|\(\s*\d{1,2}\s*\)|\(\s*[a-z]\s*\)|\[\s*\d{1,2}\s*\]"
    r"|(?<![\d,.$])(?:19|20)\d{2}(?![\d,])"
    r"|\bQ[1-4]\b|\b[1-4]Q\b|\bFY\s?\d{2,4}",
    re.I)
# The unit words that make a label number a fact, looked for right after it (or before it).
_SHARES_AFTER_RE = re.compile(r"^\s*(?:(?P<scale>thousand|million|billion)s?\s+)?(?:common\s+|ordinary\s+|preferred\s+)?shares?\b", re.I)
_SCALE_AFTER_RE = re.compile(r"^\s*(?P<scale>thousand|million|billion)s?\b", re.I)
# "(750MM Euro ...)", "(1.5B Euro ...)": a face amount in a currency named after it.
_ABBREV_AMOUNT_RE = re.compile(r"(?<![\w.,])(?P<num>\d{1,3}(?:,\d{3})*(?:\.\d+)?)(?P<scale>MM|M|B|BN|K)\s+"
                               r"(?:Euros?|EUR|USD|GBP|CHF|JPY|Yen|Pounds?|Sterling|Swiss\s+Francs?|Dollars?)\b", re.I)
_ABBREV_SCALES = {"k": 1000, "m": 1_000_000, "mm": 1_000_000, "b": 1_000_000_000, "bn": 1_000_000_000}
_PAR_RE = re.compile(r"par\s+value|per\s+share|stated\s+value", re.I)
_SCALES = {"thousand": 1000, "million": 1_000_000, "billion": 1_000_000_000}
# A share count printed with this many units or more is a plain count, whatever the table's scale.
FULL_COUNT_MIN = 1_000_000
# How far apart two numbers of an "X and Y" run may stand (characters of text between them).
PAIR_GAP = 40
_PAIR_JOIN_RE = re.compile(r"^[\s$¥€£]*(?:(?:thousand|million|billion)s?\s+)?(?:shares?\s+)?(?:,\s*)?(?:and|&|/)\s+"
                           r"(?:JPY|USD|US\$|\$|¥|€|£)?\s*$", re.I)


@dataclass
class LabelNumber:
    num: Num
    kind: str          # "money" | "per_share" | "shares" | "percent"
    scale: int | None  # a scale printed with the number ("9,000 million shares"), else None
    group: int         # numbers of one "X and Y" run share a group


def label_numbers(label: str, offset: int = 0) -> list[LabelNumber]:
    """The numbers in a row label that are facts, with spans shifted by `offset`."""
    if not re.search(r"\d", label):
        return []
    skip = [m.span() for rx in (DATE_RE, MONTH_DAY_RE, _SKIP_RE) for m in rx.finditer(label)]
    out: list[LabelNumber] = []
    for n in find_numbers(label):
        if n.value is None or any(a <= n.start < b for a, b in skip):
            continue
        after = label[n.end:]
        before = label[max(0, n.start - 30): n.start]
        sh = _SHARES_AFTER_RE.match(after)
        sc = _SCALE_AFTER_RE.match(after)
        if n.percent:
            kind, scale = "percent", None
        elif sh:
            kind = "shares"
            scale = _SCALES[sh.group("scale").lower()] if sh.group("scale") else None
            if scale is None and abs(n.value) >= FULL_COUNT_MIN:
                scale = 1
        elif n.currency or re.search(r"(?:JPY|USD|US\$|\$|¥|€|£)\s*$", before):
            near = label[n.end: n.end + 40] + " " + before[-25:]
            kind = "per_share" if _PAR_RE.search(near) and not sc else "money"
            scale = _SCALES[sc.group("scale").lower()] if sc else None
        else:
            kind, scale = "", None   # a bare number names nothing ("Level 3") unless its pair does
        out.append(LabelNumber(Num(n.printed, n.value, n.decimals, n.percent, n.unit, n.currency,
                                   n.start + offset, n.end + offset, n.damage, n.paren, n.word),
                               kind, scale, len(out)))
    # "3,224 and 3,216 shares issued": the first of a pair takes the unit printed after the second
    for a, b in zip(reversed(out[:-1]), reversed(out[1:])):
        between = label[a.num.end - offset: b.num.start - offset]
        if not a.kind and b.kind in ("shares", "money") and len(between) <= PAIR_GAP and \
                _PAIR_JOIN_RE.match(between) and bool(a.num.currency) == bool(b.num.currency):
            a.kind, a.scale = b.kind, b.scale
    out = [x for x in out if x.kind]
    for m in _ABBREV_AMOUNT_RE.finditer(label):
        text = m.group("num")
        decimals = len(text.split(".")[1]) if "." in text else 0
        num = Num(text + m.group("scale"), float(text.replace(",", "")), decimals, False, "",
                  currency_of(m.group(0)) or "", m.start() + offset, m.end("scale") + offset)
        out.append(LabelNumber(num, "money", _ABBREV_SCALES[m.group("scale").lower()], len(out)))
    out.sort(key=lambda x: x.num.start)
    for a, b in zip(out, out[1:]):
        between = label[a.num.end - offset: b.num.start - offset]
        if a.kind == b.kind and len(between) <= PAIR_GAP and _PAIR_JOIN_RE.match(between):
            b.group = a.group
    return out


def assign_periods(numbers: list[LabelNumber], periods: list[tuple[str, int | None]]) -> list[tuple[LabelNumber, str, int | None]]:
    """Each label number with the period(s) it belongs to: a run of as many numbers as there
    are periods takes them in order; any other number holds for every period."""
    out = []
    groups: dict[int, list[LabelNumber]] = {}
    for x in numbers:
        groups.setdefault(x.group, []).append(x)
    for run in groups.values():
        if len(run) > 1 and len(run) == len(periods):
            out += [(x, end, months) for x, (end, months) in zip(run, periods)]
        else:
            out += [(x, end, months) for x in run for end, months in periods]
    return out
