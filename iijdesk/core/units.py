"""What currency a document reports in, read from the document itself.

A release or filing names its currency many times: in its scale lines ("in millions of
dollars", "Unit: JPY million", "(in thousands of euros)"), as signs before amounts ("$1,234",
"¥500", "€12") and in prose. The currency named most often is the reporting currency; a column
headed with another currency ("U.S. Dollars" in a yen release) is a convenience translation.
Where the document names no currency at all, the currency is UNKNOWN: nothing is assumed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

UNKNOWN = "unknown"

# ISO code -> the ways documents print it. Signs count only before a digit: "$" alone in a
# table cell of its own is joined to its number before this is read, "$ in millions" is a word.
CURRENCY_PATTERNS: dict[str, re.Pattern] = {
    "USD": re.compile(r"US\$|U\.S\.\s?\$|(?<![A-Za-z])\$\s?\(?\d|\bUSD\b|U\.\s?S\.\s?[Dd]ollars?|\b[Dd]ollars?\b"
                      r"|\$\s*in\s+(?:millions|thousands|billions)"),
    "JPY": re.compile(r"[¥￥]\s?\(?\d|\bJPY\b|\b[Yy]en\b|円"),
    "EUR": re.compile(r"€\s?\(?\d|\d\s?€|\bEUR\b|\b[Ee]uros?\b"),
    "GBP": re.compile(r"£\s?\(?\d|\bGBP\b|\b[Pp]ounds?\s+sterling\b"),
    "CHF": re.compile(r"\bCHF\b|\bSwiss\s+francs?\b"),
    "CAD": re.compile(r"\bC\$\s?\d|\bCAD\b|\bCanadian\s+dollars?\b"),
    "CNY": re.compile(r"\bRMB\b|\bCNY\b|\b[Rr]enminbi\b|\bYuan\b"),
    "KRW": re.compile(r"₩\s?\d|\bKRW\b|\b[Ww]on\b(?=\s+(?:in\s+)?(?:millions|billions|thousands))"),
    "INR": re.compile(r"₹\s?\d|\bINR\b|\b[Rr]upees?\b"),
}
# Currencies whose words overlap another's ("Canadian dollars" is also "dollars"): counted
# against the broader one.
_NARROWER = {"CAD": "USD"}
# How much of a long document is read to decide (filings name their currency early and often).
READ_CHARS = 400_000
# The reporting currency must be named at least this many times more than the runner-up ...
DOMINANCE = 1.5
# ... or, where two are close, the one a scale line names wins.
SCALE_LINE_RE = re.compile(
    r"\(\s*(?:in\s+)?(?:millions|thousands|billions)\s+of\s+([A-Za-z. ]+?)\s*[,)]|unit\s*:\s*([A-Z]{3})\b"
    r"|\(\s*([A-Z]{3})\s+(?:in\s+)?(?:millions|thousands|billions)", re.I)


@dataclass
class DocUnits:
    currency: str = UNKNOWN          # ISO code of the reporting currency, or UNKNOWN
    mentions: dict | None = None     # ISO code -> times named (the evidence)

    @classmethod
    def read(cls, text: str) -> "DocUnits":
        head = text[:READ_CHARS]
        counts = {code: len(rx.findall(head)) for code, rx in CURRENCY_PATTERNS.items()}
        for narrow, broad in _NARROWER.items():
            counts[broad] = max(0, counts[broad] - counts[narrow])
        ranked = sorted(((n, c) for c, n in counts.items() if n), reverse=True)
        if not ranked:
            return cls(UNKNOWN, counts)
        best = ranked[0][1]
        if len(ranked) > 1 and ranked[0][0] < DOMINANCE * ranked[1][0]:
            named = scale_line_currency(head)
            if named in (ranked[0][1], ranked[1][1]):
                best = named
        return cls(best, counts)

    def of_text(self, text: str) -> str | None:
        """The currency a header or unit phrase names, or None."""
        return currency_of(text)


def currency_of(text: str) -> str | None:
    """The single currency a short phrase names ("U.S. Dollars", "JPY millions", "€"), or None."""
    hits = [code for code, rx in CURRENCY_PATTERNS.items() if rx.search(text)]
    for narrow, broad in _NARROWER.items():
        if narrow in hits and broad in hits:
            hits.remove(broad)
    return hits[0] if len(hits) == 1 else None


def names_currency(text: str) -> bool:
    """Whether a phrase names any currency at all."""
    return any(rx.search(text) for rx in CURRENCY_PATTERNS.values())


_WORD_CURRENCY = {"dollars": "USD", "u.s. dollars": "USD", "yen": "JPY", "japanese yen": "JPY",
                  "euros": "EUR", "euro": "EUR", "pounds": "GBP"}


def scale_line_currency(text: str) -> str | None:
    for m in SCALE_LINE_RE.finditer(text):
        word = (m.group(1) or "").strip().lower()
        code = _WORD_CURRENCY.get(word) or (m.group(2) or m.group(3) or "").upper()
        if code in CURRENCY_PATTERNS:
            return code
    return None
