"""Inline XBRL: the `ix:nonFraction` tags of an HTML filing, with their contexts and units.

An SEC filing in inline XBRL prints every tagged number inside an `ix:nonFraction` element
(concept `name`, `contextRef`, `unitRef`, `decimals`, `scale`, `sign="-"`, a `format` such as
`ixt:num-dot-decimal` or `ixt:fixed-zero`); the contexts (`xbrli:context`: a period, an instant
or a start and end date, and dimension members in a segment or scenario) and units
(`xbrli:unit`) stand in `ix:header/ix:resources`, usually in a hidden `<div>`.

The reader has no parser of its own: ingest.html's parser (the standard library's html.parser,
which lower-cases tag and attribute names) hands it every tag and text, hidden ones included,
and places each printed tag on the text line and character span where its number lands in
Document.lines. `frame()` then gives one row per tag (XBRL_COLUMNS). A tag inside `ix:hidden`
or an invisible element is read (hidden=True) but has no place.

The tags are evidence to check the table reading against (reconcile/xbrl.py); extraction never
takes a value or a period from them.
"""
from __future__ import annotations

import re
from datetime import date

import pandas as pd

IX_NAMESPACES = ("http://www.xbrl.org/2013/inlineXBRL", "http://www.xbrl.org/2008/inlineXBRL")
XBRLI_NAMESPACE = "http://www.xbrl.org/2003/instance"
XBRLDI_NAMESPACE = "http://xbrl.org/2006/xbrldi"
# The prefixes filings use; a document declaring others (xmlns:p="...") is read with its own.
DEFAULT_PREFIXES = {"ix": "ix", "xbrli": "xbrli", "xbrldi": "xbrldi"}
# Where the namespace declarations are looked for (they sit on the <html> element).
DECLARATION_WINDOW = 64 * 1024
# A month in days, to turn a context's start and end dates into months (13/26/39/52-week
# fiscal periods round to 3/6/9/12 as well).
DAYS_PER_MONTH = 365.25 / 12

XBRL_COLUMNS = [
    "concept",       # the tag's name, prefix kept ("us-gaap:Revenues")
    "value",         # the XBRL value: the printed number x 10^scale, negated for sign="-"
    "printed",       # the text inside the tag, whitespace collapsed
    "decimals",      # the decimals attribute (<NA> for INF or none)
    "scale",         # the scale attribute (0 when absent)
    "sign",          # "-" or ""
    "format",        # the format attribute ("" when absent)
    "context", "unit",           # contextRef; unit as USD, shares, USD/shares, pure ...
    "period_start", "period_end",  # ISO dates ("" for an instant's start)
    "months",        # 0 for an instant, else months from the dates (<NA> without a period)
    "instant",       # the context is an instant
    "dimensional",   # the context has segment/scenario members
    "dims",          # "axis=member" joined by ";" (typed members: axis=their text)
    "fact_id",       # the tag's id attribute
    "hidden",        # not printed (in ix:hidden or an invisible element)
    "line",          # 1-based line of Document.lines where the printed number is (<NA>: none)
    "start", "end",  # its character span in that line
]

_NS_DECL = re.compile(r"""xmlns:([A-Za-z_][\w.\-]*)\s*=\s*["']([^"']+)["']""")
_WS = re.compile(r"[ \t\r\n\f\v\u00a0\u2002\u2003\u2009\u200b]+")
_DIGITS_DOT = re.compile(r"[^0-9.]")
_DIGITS_COMMA = re.compile(r"[^0-9,]")


def has_ix(markup) -> bool:
    """Whether an HTML page (str or bytes) is inline XBRL: it declares the namespace or uses
    ix: tags."""
    if isinstance(markup, (bytes, bytearray)):
        return b"inlineXBRL" in markup or b"<ix:" in markup
    return "inlineXBRL" in markup or "<ix:" in markup


class IxTag:
    """One ix:nonFraction as read: attributes, text, and where its text landed."""
    __slots__ = ("attrs", "parts", "hidden", "text", "local", "cell_line", "line_index", "start")

    def __init__(self, attrs: dict, hidden: bool) -> None:
        self.attrs = attrs
        self.parts: list[str] = []
        self.hidden = hidden
        self.text = ""
        self.local: tuple[int, int] | None = None   # span in the flushed text run
        self.cell_line = -1         # which line of its table cell
        self.line_index = -1        # index in the builder's lines (before blank lines are merged)
        self.start = -1             # character offset in that line


class IxReader:
    """Fed tag by tag by ingest.html's builder: contexts, units and nonFraction tags."""

    def __init__(self, html: str) -> None:
        pre = dict(DEFAULT_PREFIXES)
        for prefix, uri in _NS_DECL.findall(html[:DECLARATION_WINDOW]):
            if uri in IX_NAMESPACES:
                pre["ix"] = prefix.lower()
            elif uri == XBRLI_NAMESPACE:
                pre["xbrli"] = prefix.lower()
            elif uri == XBRLDI_NAMESPACE:
                pre["xbrldi"] = prefix.lower()
        ix, xi, di = pre["ix"] + ":", pre["xbrli"] + ":", pre["xbrldi"] + ":"
        self._nonfraction = ix + "nonfraction"
        self._hidden = ix + "hidden"
        self._context = xi + "context"
        self._unit = xi + "unit"
        self._text_tags = {xi + "instant": "instant", xi + "startdate": "start",
                           xi + "enddate": "end", xi + "forever": "forever",
                           xi + "measure": "measure", di + "explicitmember": "member",
                           di + "typedmember": "member"}
        self._numerator, self._denominator = xi + "unitnumerator", xi + "unitdenominator"
        self.contexts: dict[str, dict] = {}
        self.units: dict[str, str] = {}
        self.tags: list[IxTag] = []
        self.open: list[IxTag] = []       # nonFraction tags open, innermost last
        self.in_hidden = 0
        self._ctx: dict | None = None
        self._unit_id: str | None = None
        self._measures: dict[str, list[str]] = {}
        self._side = "num"
        self._field: str | None = None     # which context/unit text is being collected
        self._field_attr = ""
        self._buf: list[str] = []

    @property
    def collecting(self) -> bool:
        return bool(self.open) or self._field is not None

    # -- callbacks ---------------------------------------------------------------------
    def start(self, tag: str, attrs, visible: bool) -> None:
        if tag == self._nonfraction:
            t = IxTag({k: (v or "") for k, v in attrs}, hidden=bool(self.in_hidden) or not visible)
            self.open.append(t)
            self.tags.append(t)
        elif tag == self._hidden:
            self.in_hidden += 1
        elif tag == self._context:
            self._ctx = {"id": _get(attrs, "id"), "instant": "", "start": "", "end": "", "dims": []}
        elif tag == self._unit:
            self._unit_id = _get(attrs, "id")
            self._measures = {"num": [], "den": []}
            self._side = "num"
        elif tag == self._denominator:
            self._side = "den"
        elif tag == self._numerator:
            self._side = "num"
        else:
            f = self._text_tags.get(tag)
            if f is not None:
                self._field = f
                self._field_attr = _get(attrs, "dimension")
                self._buf = []

    def end(self, tag: str) -> IxTag | None:
        """Close `tag`; a closed nonFraction is returned (its text complete)."""
        if tag == self._nonfraction:
            if not self.open:
                return None
            t = self.open.pop()
            t.text = _WS.sub(" ", "".join(t.parts)).strip()
            t.parts = []
            return t
        if tag == self._hidden:
            self.in_hidden = max(0, self.in_hidden - 1)
        elif tag == self._context:
            if self._ctx is not None and self._ctx["id"]:
                self.contexts[self._ctx["id"]] = self._ctx
            self._ctx = None
        elif tag == self._unit:
            if self._unit_id:
                self.units[self._unit_id] = _unit_name(self._measures["num"], self._measures["den"])
            self._unit_id = None
        elif self._field is not None and self._text_tags.get(tag) == self._field:
            text = _WS.sub(" ", "".join(self._buf)).strip()
            f, self._field, self._buf = self._field, None, []
            if f == "measure" and self._unit_id is not None:
                self._measures[self._side].append(text)
            elif self._ctx is not None:
                if f == "member":
                    self._ctx["dims"].append(f"{self._field_attr}={text}")
                elif f in ("instant", "start", "end"):
                    self._ctx[f] = text[:10]
        return None

    def data(self, text: str) -> None:
        for t in self.open:
            t.parts.append(text)
        if self._field is not None:
            self._buf.append(text)

    # -- result ------------------------------------------------------------------------
    def frame(self, line_of: dict[int, int]) -> pd.DataFrame:
        """One row per tag; `line_of` maps the builder's line indexes to Document lines."""
        cols: dict[str, list] = {c: [] for c in XBRL_COLUMNS}
        for t in self.tags:
            a = t.attrs
            ctx = self.contexts.get(a.get("contextref", ""), {})
            start, end, months, instant = _period(ctx)
            scale = _int(a.get("scale", "")) or 0
            sign = "-" if a.get("sign", "").strip() == "-" else ""
            fmt = a.get("format", "")
            number = ix_number(t.text, fmt)
            value = float("nan") if number is None else number * 10.0 ** scale
            if sign and value == value:
                value = -value
            line = line_of.get(t.line_index) if not t.hidden and t.start >= 0 else None
            dec = a.get("decimals", "").strip()
            cols["concept"].append(a.get("name", ""))
            cols["value"].append(value)
            cols["printed"].append(t.text)
            cols["decimals"].append(_int(dec))
            cols["scale"].append(scale)
            cols["sign"].append(sign)
            cols["format"].append(fmt)
            cols["context"].append(a.get("contextref", ""))
            cols["unit"].append(self.units.get(a.get("unitref", ""), a.get("unitref", "")))
            cols["period_start"].append(start)
            cols["period_end"].append(end)
            cols["months"].append(months)
            cols["instant"].append(instant)
            cols["dimensional"].append(bool(ctx.get("dims")))
            cols["dims"].append(";".join(ctx.get("dims", ())))
            cols["fact_id"].append(a.get("id", ""))
            cols["hidden"].append(t.hidden)
            cols["line"].append(line)
            cols["start"].append(t.start if line is not None else None)
            cols["end"].append(t.start + len(t.text) if line is not None else None)
        df = pd.DataFrame(cols)
        for c in ("decimals", "months", "line", "start", "end"):
            df[c] = pd.array(df[c], dtype="Int64")
        df["scale"] = df["scale"].astype("int64")
        df["value"] = df["value"].astype("float64")
        for c in ("instant", "dimensional", "hidden"):
            df[c] = df[c].astype(bool)
        return df


def empty_frame() -> pd.DataFrame:
    return IxReader("").frame({})


def _get(attrs, name: str) -> str:
    for k, v in attrs:
        if k == name:
            return v or ""
    return ""


def _int(s: str) -> int | None:
    try:
        return int(str(s).strip())
    except (TypeError, ValueError):
        return None


def _local(measure: str) -> str:
    """iso4217:USD -> USD, xbrli:shares -> shares."""
    return measure.rsplit(":", 1)[-1]


def _unit_name(num: list[str], den: list[str]) -> str:
    name = "*".join(_local(m) for m in num) or "?"
    if den:
        name += "/" + "*".join(_local(m) for m in den)
    return name


def _period(ctx: dict) -> tuple[str, str, int | None, bool]:
    """(start, end, months, instant) of a context."""
    if ctx.get("instant"):
        return "", ctx["instant"], 0, True
    s, e = ctx.get("start", ""), ctx.get("end", "")
    if s and e:
        return s, e, months_between(s, e), False
    return s, e, None, False


def months_between(start: str, end: str) -> int | None:
    """Months a duration covers, rounded from its days (both dates included)."""
    try:
        days = (date.fromisoformat(end) - date.fromisoformat(start)).days + 1
    except ValueError:
        return None
    return max(0, round(days / DAYS_PER_MONTH)) if days > 0 else None


# ixt / ixt-sec transformation names (their local part, lower-case) -> how the text reads.
_ZERO_FORMATS = frozenset({"fixed-zero", "fixedzero", "zerodash", "numdash"})
_COMMA_DECIMAL = frozenset({"num-comma-decimal", "numcommadecimal", "numdotcomma", "numspacecomma",
                            "num-unit-decimal-comma"})
_WORD_FORMATS = frozenset({"numwordsen", "num-word-en", "numwordsen-nowords", "duryear"})
_SMALL = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen".split())}
_TENS = {w: 10 * (i + 2) for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split())}
_BIG = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}


def ix_number(text: str, fmt: str = "") -> float | None:
    """The number an ix:nonFraction's text stands for under its format (before scale and
    sign); None when it cannot be read."""
    local = fmt.rsplit(":", 1)[-1].strip().lower() if fmt else ""
    s = text.strip()
    if local in _ZERO_FORMATS:
        return 0.0
    if local in _WORD_FORMATS:
        return _words(s)
    if local in _COMMA_DECIMAL:
        s = _DIGITS_COMMA.sub("", s).replace(",", ".")
    else:                                  # num-dot-decimal, numcommadot, none (xs:decimal)
        s = _DIGITS_DOT.sub("", s)
    if s.count(".") > 1 or not any(ch.isdigit() for ch in s):
        return _words(text.strip())
    try:
        return float(s)
    except ValueError:
        return None


def _words(text: str) -> float | None:
    """English number words ("no", "none", "twenty-one", "three hundred") -> number."""
    words = [w for w in re.split(r"[\s\-]+", text.lower().strip(" .")) if w and w != "and"]
    if not words:
        return None
    if words in (["no"], ["none"], ["nil"]):
        return 0.0
    total = current = 0
    for w in words:
        if w in _SMALL:
            current += _SMALL[w]
        elif w in _TENS:
            current += _TENS[w]
        elif w == "hundred":
            current = max(current, 1) * 100
        elif w in _BIG:
            total += max(current, 1) * _BIG[w]
            current = 0
        else:
            return None
    return float(total + current)


def tags_of(doc) -> pd.DataFrame | None:
    """The inline-XBRL tags of a Document (its `xbrl` frame), read again from its stored bytes
    when a restored workspace did not keep them; None for a page without tags."""
    tags = getattr(doc, "xbrl", None)
    if tags is not None:
        return tags if len(tags) else None
    raw = getattr(doc, "raw", b"") or b""
    if getattr(doc, "source_kind", "") != "html" or not raw or not has_ix(raw):
        return None
    from iijdesk.core.ingest import html as _html
    from iijdesk.core.ingest import _decode_html
    try:
        decoded, _ = _decode_html(raw, _html.declared_charset)
        text, _, tags = _html.html_to_parts(decoded)
    except Exception:
        return None
    if tags is None or text.lstrip("\ufeff") != doc.text:   # positions only hold for the same text
        return None
    doc.xbrl = tags
    return tags if len(tags) else None


def places(facts: pd.DataFrame, doc_name: str | None = None) -> dict[int, list[tuple[int, int, object]]]:
    """line -> [(start, end, index label)] of the facts (of `doc_name`, when given)."""
    out: dict[int, list] = {}
    if not len(facts) or not {"line", "start", "end"} <= set(facts.columns):
        return out
    sel = facts if doc_name is None else facts[facts["doc"] == doc_name]
    for idx, ln, s, e in zip(sel.index, sel["line"], sel["start"], sel["end"]):
        if pd.isna(ln) or pd.isna(s) or pd.isna(e):
            continue
        out.setdefault(int(ln), []).append((int(s), int(e), idx))
    return out


def match(tags: pd.DataFrame, where: dict[int, list]) -> list[tuple[int, object]]:
    """(tag row, fact label) for each printed tag whose text lies within a fact's printed span
    (the fact printed at the tag's place); a tag with no such fact is left out."""
    out = []
    if tags is None or not len(tags):
        return out
    for k, (ln, s, e) in enumerate(zip(tags["line"], tags["start"], tags["end"])):
        if pd.isna(ln):
            continue
        best, overlap = None, 0
        for fs, fe, idx in where.get(int(ln), ()):
            o = min(fe, int(e)) - max(fs, int(s))
            if o > overlap:
                best, overlap = idx, o
        if best is not None:
            out.append((k, best))
    return out


def annotate(facts: pd.DataFrame, doc) -> pd.DataFrame:
    """Fill the facts' `concept` column from the tags printed at their places (in place; the
    frame is returned). Values and periods are left as the tables gave them."""
    if "concept" not in facts.columns:
        facts["concept"] = ""
    tags = tags_of(doc)
    if tags is None or not len(facts):
        return facts
    col = facts["concept"].astype("object").where(facts["concept"].notna(), "")
    for k, idx in match(tags, places(facts, doc.name)):
        col.at[idx] = tags["concept"].iat[k]
    facts["concept"] = col.astype(str)
    return facts
