"""Table kinds, row units, labels and hierarchy: the parts of a table read from its words."""
from __future__ import annotations

import re
from functools import lru_cache

from iijdesk.core.units import CURRENCY_PATTERNS, UNKNOWN, currency_of

KIND_RULES = [
    ("equity", re.compile(r"(shareholders|stockholders)['’]?\s+equity\s*\(|statements?\s+of\s+(changes\s+in\s+)?(shareholders|stockholders)|changes\s+in\s+(net\s+assets|equity)", re.I)),
    ("balance", re.compile(r"balance\s+sheets?|financial\s+(position|condition)", re.I)),
    ("cashflow", re.compile(r"cash\s+flows?", re.I)),
    ("dividends", re.compile(r"dividend", re.I)),
    ("targets", re.compile(r"target|forecast|outlook|guidance", re.I)),
    ("nongaap", re.compile(r"ebitda|non-?gaap|capex|reconciliation", re.I)),
    ("segment", re.compile(r"segment", re.I)),
    ("income", re.compile(r"statements?\s+of\s+(income|operations)|comprehensive\s+income|income\s+statements?|results\s+of\s+operations|operating\s+results|financial\s+results", re.I)),
    ("kpi", re.compile(r"number\s+of|contracts|employees|bandwidth|\bATM|personnel|subscribers|group\s+companies", re.I)),
    ("breakdown", re.compile(r"breakdown|revenues?\b|cost", re.I)),
    ("per_share", re.compile(r"per\s+share|shares\s+outstanding", re.I)),
    ("summary", re.compile(r"summary|highlights", re.I)),
]

FOOTNOTE_RE = re.compile(r"[¹²³⁴⁵⁶⁷⁸⁹⁰]+|\((?:\d|[a-z]|\*)\)(?=\s|$|:)|(?<=[a-z])\d(?=\s|$|:)|\*+(?=\s|$)")
TOTAL_RE = re.compile(
    r"^(total\b|net\s+(cash|increase|decrease|revenues?|sales)\b|consolidated\s+total|subtotal|sum\b)|\btotal$|^operating\s+income\b",
    re.I)
PER_ADS_RE = re.compile(r"per\s+ads\b|per\s+american\s+depositary", re.I)
PER_SHARE_RE = re.compile(r"per\s+(common\s+)?share|dividends?\s+per|dividend\b.*\bshare", re.I)
# An amount per share printed in parentheses inside a label: "($0.51 per share)".
PRICED_PER_SHARE_RE = re.compile(r"\(\s*(?:[$€£¥]|US\$|JPY)\s*\d[\d,]*(?:\.\d+)?\s+per\s+(?:common\s+)?share\s*\)", re.I)
SHARES_RE = re.compile(r"\(shares\)|number\s+of\s+shares|shares\s+outstanding|^shares\b|weighted[- ]average\s+"
                       r"(?:number\s+of\s+)?(?:common\s+|ordinary\s+)?shares\b|\bshares\s+used\b|average\s+shares\b"
                       r"|^(?:potential|dilutive|incremental|anti-?dilutive|less:?)\b.*\bshares\b", re.I)
# Rows that state a balance at a date even inside a table of durations.
INSTANT_ROW_RE = re.compile(r"\bbacklog\b", re.I)
# A cell's own note on whether it is paid/actual or forecast ("JPY8.75 (Paid)", "10.00 (Forecast)").
ACTUAL_CELL_RE = re.compile(r"\((?:paid|actual|results?)\)", re.I)
FORECAST_CELL_RE = re.compile(r"\((?:forecast|target|plan|estimate)\)", re.I)
# Rows that are averages over a period even where the release dates them "As of" its last day
# (a weighted-average share count at a fiscal year end covers that fiscal year).
PERIOD_AVERAGE_ROW_RE = re.compile(r"\bweighted[- ]average\b", re.I)
ADS_RE = re.compile(r"\(ADSs?\)|ADS\s+equivalents", re.I)
UNIT_LIST_RE = re.compile(r"\(\s*((?:JPY|Yen|U\.\s?S\.\s*Dollars?|USD|US\$)\s*(?:/\s*(?:JPY|Yen|U\.\s?S\.\s*Dollars?|USD|US\$)\s*)+)\)", re.I)


def table_kind(title: str, context: str = "") -> str:
    for kind, rx in KIND_RULES:
        if rx.search(title):
            return kind
    for kind, rx in KIND_RULES:
        if rx.search(context):
            return kind
    return "other"


def clean_label(label: str) -> str:
    s = re.sub(r"</?u>|\*\*|➤|◆|■|●|・", "", label)
    s = FOOTNOTE_RE.sub("", s)
    s = " ".join(s.split()).strip()
    s = s.rstrip(":").strip()
    s = re.sub(r"^[-–]\s+", "", s)
    return s


def is_total(label: str) -> bool:
    return bool(TOTAL_RE.search(label.strip()))


@lru_cache(maxsize=4096)
def unit_list(label: str) -> tuple[str, ...]:
    """`(JPY / U.S. Dollars / JPY)` printed in a row label: the unit of each cell in turn."""
    m = UNIT_LIST_RE.search(label)
    if not m:
        return ()
    return tuple("USD" if re.search(r"U\.\s?S|USD|US\$", p, re.I) else currency_of(p) or "JPY"
                 for p in m.group(1).split("/"))


RATIO_RE = re.compile(r"\bratio\b|\bmargin\b|\brate\b|\bpayout\b|\bincome\s+to\b|\bto\s+total\b", re.I)
# Between two balances of one date, "Equity to Total Assets" is a composition (a share).
COMPOSITION_RE = re.compile(r"\bto\s+total\b|percentage\s+of", re.I)
EDGE_RE = re.compile(r"\b(beginning|end)\s+of\s+(the\s+)?(period|year|quarter|fiscal\s+year)\b", re.I)
# "Beginning Balance", "Ending balance", "Opening balance": a roll-forward's edges.
BALANCE_EDGE_RE = re.compile(r"^\s*(beginning|opening|ending|closing)\s+balances?\b", re.I)
_CELL_SCALE_RE = re.compile(r"^\s*(billion|million|thousand)s?\b", re.I)
_CELL_UNIT_RE = re.compile(r"^\s*(shares|contracts|ATMs|persons|employees|people)\b", re.I)


@lru_cache(maxsize=4096)
def period_edge(label: str) -> str:
    """"beginning" / "end" for rows stating a balance at a period edge (cash at beginning of period)."""
    m = EDGE_RE.search(label)
    if m:
        return m.group(1).lower()
    m = BALANCE_EDGE_RE.match(label)
    if m:
        return "beginning" if m.group(1).lower() in ("beginning", "opening") else "end"
    return ""


def cell_words(field_text: str, num) -> tuple[str, int | None]:
    """Unit and scale a tab field prints beside its number: `JPY12,345 million`, `204,300 shares`."""
    if not field_text:
        return (num.currency if num.currency in CURRENCY_PATTERNS else ""), None
    i = field_text.find(num.printed.strip())
    after = field_text[i + len(num.printed.strip()):] if i >= 0 else ""
    before = field_text[:i] if i >= 0 else ""
    unit = ""
    if num.currency in CURRENCY_PATTERNS and num.currency not in ("USD", "JPY"):
        unit = num.currency
    elif num.currency == "USD" or before.rstrip().endswith(("$", "US$", "USD")):
        unit = "USD"
    elif num.currency == "JPY" or before.rstrip().endswith(("JPY", "¥")):
        unit = "JPY"
    m = _CELL_UNIT_RE.match(after)
    if m:
        w = m.group(1).lower()
        unit = {"employees": "persons", "people": "persons", "atms": "ATMs"}.get(w, w)
    sm = _CELL_SCALE_RE.match(after)
    scale = {"billion": 1_000_000_000, "million": 1_000_000, "thousand": 1000}[sm.group(1).lower()] if sm else None
    return unit, scale


def row_unit(label: str, title: str, col_unit: str, translation: bool, cell_unit: str, cell_percent: bool,
             measure: str, list_unit: str | None, kind: str = "", col_header: str = "",
             col_scaled: bool = False, currency: str = UNKNOWN, section: str = "") -> tuple[str, bool]:
    """(unit, per_unit) for one cell; per_unit True means the scale is 1 (counts, per-share)."""
    if cell_unit in CURRENCY_PATTERNS:
        list_unit = cell_unit
    elif cell_unit:
        return cell_unit, True
    if measure in ("yoy_pct", "share_pct") or cell_percent:
        return "percent", True
    cur = list_unit or (col_unit if translation else currency)
    cls = _label_class(label, title, kind, col_header)
    if not cls and section:
        # "Net earnings per share" / "Basic", "Avg. shares outstanding" / "Diluted": the heading
        # above a row says what it counts
        sc = _label_class(section, "", kind, "")
        if sc in ("per_share", "per_ADS", "shares", "ADS"):
            cls = sc
    if cls == "per_ADS":
        return f"{cur}_per_ADS", True
    if cls == "per_share":
        return f"{cur}_per_share", True
    if cls == "ADS":
        return "ADS", True
    if kind == "dividends" and cls != "shares" and (list_unit or col_unit) in CURRENCY_PATTERNS and not col_scaled:
        return f"{cur}_per_share", True
    if cls == "contracts" and translation:
        cls = ""
    if cls:
        return cls, True
    unit = list_unit or col_unit
    return unit, unit in COUNT_UNITS


_SHARES_TITLE_RE = re.compile(r"shares\s+outstanding|number\s+of\s+shares", re.I)
_CONTRACTS_TITLE_RE = re.compile(r"number\s+of\s+contracts|^contracts\b", re.I)
_PERSONS_RE = re.compile(r"number\s+of\s+employees|employees\b|personnel\b", re.I)
_COST_RE = re.compile(r"cost|expense", re.I)
_ATMS_RE = re.compile(r"number\s+of\s+ATMs|\bATMs\b")


@lru_cache(maxsize=8192)
def _label_class(label: str, title: str, kind: str, col_header: str) -> str:
    """What a row's words say its cells count: per_ADS, per_share, ADS, shares, contracts,
    persons, ATMs, or "" (money in the column's currency). Asked once per row and column."""
    if PER_ADS_RE.search(label) or PER_ADS_RE.search(col_header):
        return "per_ADS"
    # "Cash dividends paid ($1.30 per share)": the rate is a label number; the row is money
    label = PRICED_PER_SHARE_RE.sub(" ", label)
    if (PER_SHARE_RE.search(label) or PER_SHARE_RE.search(col_header) or
            PER_SHARE_RE.search(title) and not _SHARES_TITLE_RE.search(title)) and not SHARES_RE.search(label):
        return "per_share"
    if ADS_RE.search(label):
        return "ADS"
    if SHARES_RE.search(label) or (kind != "dividends" and _SHARES_TITLE_RE.search(title)):
        return "shares"
    if _CONTRACTS_TITLE_RE.search(title):
        return "contracts"
    if _PERSONS_RE.search(label) and not _COST_RE.search(label):
        return "persons"
    if _ATMS_RE.search(label):
        return "ATMs"
    return ""


COUNT_UNITS = frozenset({"shares", "ADS", "contracts", "persons", "ATMs", "Gbps", "Mbps"})
