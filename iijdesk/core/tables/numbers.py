"""Numbers as releases print them: `(1,234)`, `-`/`--`/`—` nil, `4.9%`, `(4.9%)`, `1,012.6%`,
`530.5 Gbps`, `JPY12,837`, `+70`, `down 0.1 %`, decimals in per-share rows.

`find_numbers(text)` returns every number token in a cell or a line with its span; a damaged
number (`868,17`: a comma group of fewer than three digits) is kept as printed and carries the
reason in `damage`, never silently "fixed"."""
from __future__ import annotations

import re
from dataclasses import dataclass

from iijdesk.core.limits import MAX_NUMBER_VALUE

# Characters printed for "nil" in a numeric cell.
NIL_TOKENS = frozenset({"-", "--", "---", "—", "——", "–", "_", "―", "‐", "−", "- -", "n/a", "N/A", "－"})

UNIT_SUFFIXES = ("Gbps", "Mbps", "Tbps", "Kbps", "bps")

_NUM_RE = re.compile(
    r"""
    (?P<cur0>(?:US\$|\$|¥|€|£)(?=\())?
    (?P<open>\()?
    (?P<word>(?:up|down|increase|decrease)\s+)?
    (?P<sign>[+\-−–△▲](?=\s?(?:\d|\.\d|JPY|US\$|\$|¥|€|£)))?
    (?P<cur>(?:JPY|US\$|\$|¥|USD|€|£|EUR|GBP)\s?)?
    (?P<num>\d(?:[\d,]*\d)?(?:\.\d+)?|\.\d+)
    (?P<pct>\s?%)?
    (?P<unit>\s?(?:Gbps|Mbps|Tbps|Kbps))?
    (?P<close>\))?
    """,
    re.X,
)
_ANY_DIGIT = re.compile(r"\d")
# Unit words a conversion glues to the number before them ("202,544shares").
_GLUED_UNIT = re.compile(r"(?:shares?|millions?|billions?|thousands?|contracts|yen)\b", re.I)
_ANY_DASH = re.compile(r"[-—–_―‐−－]")
_NIL_RE = re.compile(r"(?<![\w\-—–_―])(?:-{1,3}|—{1,2}|–|_|―|‐|－)(?![\w\-—–_―])")


@dataclass(slots=True)
class Num:
    printed: str          # the token exactly as printed
    value: float | None   # signed value in printed units; None for a nil dash
    decimals: int = 0
    percent: bool = False
    unit: str = ""        # Gbps ... when printed with the number
    currency: str = ""    # JPY / USD when printed as a prefix
    start: int = 0
    end: int = 0
    damage: str = ""      # why the token looks damaged ("" when it does not)
    paren: bool = False   # printed inside parentheses
    word: str = ""        # "up"/"down" printed before the number

    @property
    def is_nil(self) -> bool:
        return self.value is None


def parse_number(text: str) -> Num | None:
    """The single number `text` holds (a whole cell), or None if it is not exactly one number."""
    s = text.strip()
    if not s:
        return None
    if s in NIL_TOKENS:
        return Num(printed=s, value=None, start=0, end=len(s))
    nums = find_numbers(s)
    if len(nums) == 1 and nums[0].printed == s:
        return nums[0]
    return None


# Digits that are codes, not amounts: phone numbers ("308-236-8491", "(308) 236-8491",
# "1-800-555-0100") and ZIP+4 codes ("68848-1480").
NOT_AMOUNT_RE = re.compile(r"(?<![\d,.])(?:1[-.])?(?:\(\d{3}\)\s*|\d{3}[-.])\d{3}[-.]\d{4}(?![\d,])"
                           r"|(?<![\d,.])\d{5}-\d{4}(?![\d,])")


# A field printing a range of two numbers ("4.70-5.75%", "$1.10 – $1.20"): one cell of two
# values, both positive, both percent when the range ends in one.
RANGE_FIELD_RE = re.compile(r"^\(?[$€£¥]?\s*\d[\d,]*(?:\.\d+)?\s*%?\s*[-–—]\s*[$€£¥]?\s*\d[\d,]*(?:\.\d+)?\s*%?\)?$")


def is_range(text: str) -> bool:
    return bool(RANGE_FIELD_RE.match(text.strip()))


def range_ends(text: str, nums: list[Num]) -> list[Num]:
    """The two ends of a range field as printed: the dash joins them, it is no minus sign."""
    if len(nums) != 2 or not is_range(text):
        return nums
    a, b = nums
    if b.value is not None and b.value < 0 and b.printed.lstrip().startswith(("-", "–", "—")):
        b.value = -b.value
        stripped = b.printed.lstrip("-–— ")
        b.start += len(b.printed) - len(stripped)      # the span stays the printed text's
        b.printed = stripped
    if b.percent and not a.percent:
        a.percent = True
    return nums


def find_numbers(text: str, offset: int = 0) -> list[Num]:
    """Every number token in `text` (spans shifted by `offset`). Digits glued to letters (FY2008,
    3Q09, IPv6) are not numbers; nil dashes standing alone are."""
    out: list[Num] = []
    has_digit = _ANY_DIGIT.search(text) is not None
    codes = [m.span() for m in NOT_AMOUNT_RE.finditer(text)] if has_digit and ("-" in text or ")" in text) else []
    for m in (_NUM_RE.finditer(text) if has_digit else ()):
        s, e = m.span()
        if codes and any(a <= m.start("num") < b for a, b in codes):
            continue    # a phone number or a ZIP+4 code: digits, not an amount
        # digits glued to a word on the left or right are part of that word (FY2008, 3Q09, 1H).
        left = text[s - 1] if s > 0 else " "
        core_s = m.start("num")
        core_left = text[core_s - 1] if core_s > 0 else " "
        right = text[e] if e < len(text) else " "
        if (core_left.isalpha() and not m.group("cur")) or (
                right.isalpha() and not m.group("unit") and not _GLUED_UNIT.match(text, e)):
            continue
        if left.isalnum() and not m.group("open") and not m.group("sign") and not m.group("cur"):
            continue
        if core_left in "/." or right in "/" or (right == "." and e + 1 < len(text) and text[e + 1].isdigit()):
            continue  # dates and versions: 10/04, 2010.8.13
        out.append(_make(m, text, offset))
    if not _ANY_DASH.search(text):
        return out
    for m in _NIL_RE.finditer(text):
        s, e = m.span()
        if any(n.start - offset <= s < n.end - offset for n in out):
            continue
        out.append(Num(printed=m.group(0), value=None, start=s + offset, end=e + offset))
    out.sort(key=lambda n: n.start)
    return out


_CURRENCY = {"$": "USD", "US$": "USD", "¥": "JPY", "€": "EUR", "£": "GBP"}
_SIMPLE_INT = re.compile(r"\d{1,3}(?:,\d{3})*|\d+")


def _make(m: re.Match, text: str, offset: int) -> Num:
    g_open, g_word, g_sign, g_cur0, g_cur, num, g_pct, g_unit, g_close = m.group(
        "open", "word", "sign", "cur0", "cur", "num", "pct", "unit", "close")
    opened, closed = g_open is not None, g_close is not None
    start, end = m.span()
    # a parenthesis belongs to the number only when it wraps it: "(1,234)" or "(1,234" cut at an edge
    if closed and not opened:
        end -= 1
        closed = False
    damage = ""
    if _SIMPLE_INT.fullmatch(num):                       # the common case: well-formed integer
        value = float(num.replace(",", "")) if "," in num else float(num)
        decimals = 0
    else:
        digits = num.replace(",", "")
        if digits.startswith("."):
            digits = "0" + digits
        try:
            value = float(digits)
        except ValueError:
            value = 0.0
        decimals = len(digits.split(".")[1]) if "." in digits else 0
        groups = num.split(".")[0].split(",")
        if len(groups) > 1 and (any(len(g) != 3 for g in groups[1:]) or not (1 <= len(groups[0]) <= 3)):
            damage = "comma groups not of three digits (truncated or merged in conversion)"
        if num.endswith(","):
            damage = damage or "trailing comma"
    word = g_word.strip().lower() if g_word else ""
    neg = (opened and not (g_pct and _is_parenthetical(text, m)) and word not in ("up", "increase")) or \
        (g_sign is not None and g_sign in "-−–△▲") or word in ("down", "decrease")
    if opened and not closed:
        # "(20,640" whose closing parenthesis was cut off
        damage = damage or "closing parenthesis missing"
    cur = (g_cur or g_cur0 or "").strip()
    signed = -value if neg else value
    if not abs(value) < MAX_NUMBER_VALUE:           # 1e309 parses to inf: no amount at all
        signed = None
        damage = "too large to be an amount; it has no value"
    return Num(text[start:end], signed, decimals, g_pct is not None,
               g_unit.strip() if g_unit else "", _CURRENCY.get(cur, cur), start + offset, end + offset,
               damage, opened, word)


def _is_parenthetical(text: str, m: re.Match) -> bool:
    """`2,771 (17.5%)`: a percent in parentheses set off by a space after another number is an
    aside, not a negative. Glued to it (`16,550(5.5%)`) it is the next cell run into this one
    by the conversion, and negative as parentheses are."""
    raw = text[: m.start()]
    before = raw.rstrip()
    return bool(before) and len(before) < len(raw) and (before[-1].isdigit() or before[-1] == ")")
