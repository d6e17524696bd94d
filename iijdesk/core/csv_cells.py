"""Text cells of the CSV files we write, made safe to open in a spreadsheet.

Excel, LibreOffice and Google Sheets run a cell that starts with = + - @ (or a tab or carriage
return before one) as a formula, so a row label printed as `=HYPERLINK(...)` in a release
would become a live formula in facts.csv (CSV formula injection). Such text cells get a
leading single quote, which spreadsheets read as "this is text" and do not show. Numbers are
left alone: `-4.9` or `(4,100)` is a number to a spreadsheet, not a formula, and the scorers
read them as numbers; so are nil dashes (`-`, `--`, `—`), which cannot carry a formula.

`escape` and `unescape` round-trip every string exactly: a cell that already starts with
quotes before a trigger character gets one more quote, and reading drops one.
"""
from __future__ import annotations

import re

import pandas as pd

TRIGGERS = "=+-@\t\r"
_NEEDS_QUOTE = re.compile(r"^'*[=+\-@\t\r]")
_ESCAPED = re.compile(r"^'+[=+\-@\t\r]")
# A plain number as releases print it (sign, thousands separators, decimals, percent,
# parentheses) or a nil dash: safe as it is (nothing but signs, digits and punctuation).
_SAFE = re.compile(r"^[-+]?\(?[-+]?(\d[\d,]*)?(\.\d+)?\)?%?$|^[-\u2012\u2013\u2014\u2015]+$")


def escape(text: str) -> str:
    """`text` as a CSV cell that no spreadsheet runs as a formula."""
    if text and _NEEDS_QUOTE.match(text) and not _SAFE.match(text):
        return "'" + text
    return text


def unescape(text: str) -> str:
    """The text `escape` was given."""
    return text[1:] if text and _ESCAPED.match(text) else text


def escape_series(s: pd.Series) -> pd.Series:
    """`escape` over a text column (only the few cells that need it are touched)."""
    s = s.astype(str)
    first = s.str[:1]
    maybe = first.isin(list(TRIGGERS) + ["'"])
    if not maybe.any():
        return s
    out = s.copy()
    out[maybe] = s[maybe].map(escape)
    return out


def unescape_series(s: pd.Series) -> pd.Series:
    maybe = s.astype(str).str.startswith("'")
    if not maybe.any():
        return s
    out = s.copy()
    out[maybe] = s[maybe].map(unescape)
    return out
