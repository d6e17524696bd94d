"""HTML -> plain text lines, as news-wire pages publish releases.

* a `<table>` row becomes one line, its cells joined by tabs (a cell spanning n columns is
  followed by n-1 empty cells, so the numbers under a spanning header stay in their columns);
* a `<pre>` block is kept verbatim, spacing and line breaks included (fixed-width tables);
* every other block element (p, div, h1..h6, li, br ...) starts a new line; inline text has its
  whitespace collapsed as a browser would;
* script, style, head and other non-content elements are dropped.

Built on the standard library's html.parser, which is lenient with broken markup and does not
recurse, so deeply nested or unclosed tags cannot exhaust the stack. The handler keeps only a
small stack of open tables; everything else is counters.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser

# Tags that end the current line (and start a new one) when they open or close.
BLOCK_TAGS = frozenset("""
address article aside blockquote body caption center dd details dialog dir div dl dt fieldset
figcaption figure footer form frameset h1 h2 h3 h4 h5 h6 header hgroup hr html legend li main
menu nav noscript ol p section summary ul title
""".split())
# Block tags after which a browser leaves vertical space: a blank line in the text.
PARA_TAGS = frozenset("p h1 h2 h3 h4 h5 h6 blockquote hr ul ol dl figure address center".split())
# Tags whose content is not text for the reader.
SKIP_TAGS = frozenset("script style head template svg math object iframe noembed noframes select".split())
# Tags that only stand in a page's body: seeing one ends an unclosed <head>.
CONTENT_TAGS = frozenset("table pre p div h1 h2 h3 h4 h5 h6 ul ol".split())
VOID_TAGS = frozenset("area base br col embed hr img input link meta param source track wbr".split())
# A spanning cell is padded with at most this many empty cells.
MAX_COLSPAN = 50
# A row whose cells hold more lines than this is page layout, not data: emitted line by line.
MAX_CELL_LINES = 3

_WS = re.compile(r"[ \t\r\n\f\v\u00a0\u2002\u2003\u2009\u200b]+")


class _Table:
    __slots__ = ("cells", "cell", "in_cell", "span", "rows")

    def __init__(self) -> None:
        self.cells: list[tuple[str, int]] = []   # finished (text, colspan) of the current row
        self.cell: list[str] = []                # lines of the current cell
        self.in_cell = False
        self.span = 1                            # colspan of the current cell
        self.rows: list[list[tuple[str, int]]] = []   # data rows waiting for the table's end


class _TextBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.buf: list[str] = []         # inline text of the current line
        self.skipping: list[str] = []    # open SKIP_TAGS, innermost last
        self.pre = 0                     # depth inside <pre>/<textarea>/<listing>/<xmp>
        self.pre_buf: list[str] = []
        self.pre_first = False
        self.tables: list[_Table] = []

    # -- where text goes ------------------------------------------------------------------
    def _cur_table(self) -> _Table | None:
        t = self.tables[-1] if self.tables else None
        return t if t is not None and t.in_cell else None

    def _flush_inline(self, para: bool = False) -> None:
        """End the current inline run: into the open cell, or as a line of its own; `para`
        (the end of a paragraph-like block) leaves one blank line after it."""
        text = _WS.sub(" ", "".join(self.buf)).strip()
        self.buf = []
        t = self._cur_table()
        if t is not None:
            if text:
                t.cell.append(text)
            return
        if text:
            self.lines.append(text)
        if para and self.lines and self.lines[-1] != "":
            self.lines.append("")

    def _end_cell(self, t: _Table) -> None:
        self._flush_inline()
        if t.in_cell:
            t.cells.append(("\n".join(t.cell), t.span))
        t.cell, t.in_cell, t.span = [], False, 1

    def _end_row(self, t: _Table) -> None:
        if t.in_cell:
            self._end_cell(t)
        cells, t.cells = t.cells, []
        if not any(c.strip() for c, _ in cells):
            return
        filled = [c for c, _ in cells if c.strip()]
        if (max(c.count("\n") + 1 for c in filled) > MAX_CELL_LINES
                or (len(filled) == 1 and "\n" in filled[0])):
            # A layout row: its cells are paragraphs of their own (after the rows before it).
            self._flush_rows(t)
            for c in filled:
                self.lines.extend(c.split("\n"))
            return
        t.rows.append([(c.replace("\n", " "), span) for c, span in cells])

    def _flush_rows(self, t: _Table) -> None:
        """Emit the data rows collected so far, laid out on their shared columns."""
        if t.rows:
            self.lines.extend(layout_rows(t.rows))
            t.rows = []

    # -- parser callbacks -------------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "body" or (tag in CONTENT_TAGS and self.skipping == ["head"]):
            self.skipping = []           # an unclosed <head> (or <svg> ...) ends where content starts
        if tag in SKIP_TAGS:
            self.skipping.append(tag)
            return
        if self.skipping:
            return
        if self.pre:
            if tag == "br":
                self.pre_buf.append("\n")
            elif tag in ("pre", "xmp", "listing", "textarea"):
                self.pre += 1
            return
        if tag in ("pre", "xmp", "listing", "plaintext", "textarea"):
            self._flush_inline()
            self.pre = 1
            self.pre_buf = []
            self.pre_first = True
            return
        if tag == "table":
            self._flush_inline()
            # A table inside a cell: the cell's text so far becomes lines of its own first.
            t = self._cur_table()
            if t is not None:
                self._flush_rows(t)
                self.lines.extend(t.cell)
                t.cell = []
            self.tables.append(_Table())
            return
        if self.tables:
            t = self.tables[-1]
            if tag == "tr":
                self._end_row(t)
                return
            if tag in ("td", "th"):
                if t.in_cell:
                    self._end_cell(t)
                t.in_cell = True
                t.span = _colspan(attrs)
                return
            if tag in ("thead", "tbody", "tfoot", "colgroup", "col"):
                return
            if tag == "caption":
                self._flush_inline()
                return
        if tag == "br":
            if self._cur_table() is not None:
                self.buf.append(" ")
            elif "".join(self.buf).strip():
                self._flush_inline()
            else:                       # <br><br>: a blank line
                self._flush_inline(para=True)
            return
        if tag in BLOCK_TAGS:
            self._flush_inline(para=tag in PARA_TAGS)

    def handle_startendtag(self, tag: str, attrs) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID_TAGS:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIP_TAGS:
            if tag in self.skipping:     # close it and whatever was left open inside it
                del self.skipping[len(self.skipping) - 1 - self.skipping[::-1].index(tag):]
            return
        if self.skipping:
            return
        if self.pre:
            if tag in ("pre", "xmp", "listing", "textarea"):
                self.pre -= 1
                if not self.pre:
                    self._end_pre()
            return
        if tag == "table":
            if self.tables:
                t = self.tables[-1]
                self._end_row(t)
                self._flush_rows(t)
                self.tables.pop()
                if not self.tables and self.lines and self.lines[-1] != "":
                    self.lines.append("")
            return
        if self.tables:
            t = self.tables[-1]
            if tag == "tr":
                self._end_row(t)
                return
            if tag in ("td", "th"):
                self._end_cell(t)
                return
            if tag == "caption":
                self._flush_inline()
                return
        if tag in BLOCK_TAGS:
            self._flush_inline(para=tag in PARA_TAGS)

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        if self.pre:
            if self.pre_first:
                # HTML drops one newline right after <pre>.
                if data.startswith("\r\n"):
                    data = data[2:]
                elif data.startswith("\n"):
                    data = data[1:]
                self.pre_first = False
            self.pre_buf.append(data)
            return
        if self.tables and not self.tables[-1].in_cell:
            if not data.strip():
                return              # whitespace between rows and cells
            self.tables[-1].in_cell = True   # text straight in a <tr>: treat as a cell
        self.buf.append(data)

    def _end_pre(self) -> None:
        text = "".join(self.pre_buf).replace("\r\n", "\n").replace("\r", "\n")
        self.pre_buf = []
        lines = [ln.replace("\u00a0", " ").rstrip() for ln in text.split("\n")]
        while lines and lines[-1] == "":
            lines.pop()
        t = self._cur_table()
        if t is not None:
            t.cell.extend(lines)
            return
        if self.lines and self.lines[-1] != "":
            self.lines.append("")
        self.lines.extend(lines)
        self.lines.append("")

    def finish(self) -> list[str]:
        if self.pre:
            self.pre = 0
            self._end_pre()
        while self.tables:
            self._end_row(self.tables[-1])
            self._flush_rows(self.tables[-1])
            self.tables.pop()
        self._flush_inline()
        return self.lines


# Cells that are only part of a number, as financial HTML (SEC-style filings, wire services)
# splits them: "$" | "1,234" and "(1,234" | ")" and "4.9" | "%". They are joined to the number.
_CLOSERS = frozenset([")", "%", ")%", "%)", "pts", "pt"])
_OPENERS = frozenset(["(", "$", "US$", "¥", "￥", "€", "£", "($", "(¥"])
_NUMBERISH = re.compile(r"^[(\-+−–]?[$¥￥€£]?\d|^\(?\d")


def layout_rows(rows: list[list[tuple[str, int]]]) -> list[str]:
    """Rows of (text, colspan) cells -> tab-separated lines on the columns the table uses.

    Number fragments are joined ("$" "1,234" -> "$1,234"; "(1,234" ")" -> "(1,234)"), then
    columns that no single-column cell fills (spacers, emptied fragment columns) are dropped,
    and a spanning header moves to the first used column under it, so every header stands
    above its numbers.
    """
    grid: list[list[tuple[int, int, str]]] = []        # per row: (start col, span, text)
    for cells in rows:
        placed, col = [], 0
        for text, span in cells:
            placed.append([col, span, text.strip()])
            col += span
        _join_fragments(placed)
        grid.append([tuple(c) for c in placed])
    used = {start for row in grid for start, span, text in row if span == 1 and text}
    for row in grid:                  # a spanning cell over no used column keeps its own
        for start, span, text in row:
            if span > 1 and text and not any(start <= c < start + span for c in used):
                used.add(start)
    order = sorted(used)
    index = {c: i for i, c in enumerate(order)}
    out = []
    for row in grid:
        line = [""] * len(order)
        for start, span, text in row:
            if not text:
                continue
            target = next((c for c in order if start <= c < start + span), None)
            if target is not None:
                i = index[target]
                line[i] = f"{line[i]} {text}".strip() if line[i] else text
        out.append("\t".join(line).rstrip("\t"))
    return out


def _join_fragments(cells: list[list]) -> None:
    """Join number fragments in one row's [start, span, text] cells, in place."""
    filled = [c for c in cells if c[2]]
    for k, c in enumerate(filled):
        text = c[2]
        if text in _CLOSERS:
            prev = next((p for p in reversed(filled[:k]) if p[2]), None)
            if prev is not None and (prev[2][-1:].isdigit() or prev[2].endswith("%")):
                prev[2] += text
                c[2] = ""
        elif text in _OPENERS:
            nxt = filled[k + 1] if k + 1 < len(filled) else None
            if nxt is not None and _NUMBERISH.match(nxt[2]):
                nxt[2] = text + nxt[2]
                c[2] = ""


def _colspan(attrs) -> int:
    for k, v in attrs:
        if k == "colspan" and v:
            try:
                return max(1, min(MAX_COLSPAN, int(str(v).strip().rstrip(";"))))
            except ValueError:
                return 1
    return 1


def html_to_text(html: str) -> str:
    """The text of an HTML page as lines (see the module docstring)."""
    p = _TextBuilder()
    try:
        p.feed(html)
        p.close()
        lines = p.finish()
    except Exception:  # html.parser is lenient, but never let markup stop an import
        lines = _strip_tags(html)
    out: list[str] = []
    for line in lines:
        line = line.rstrip()
        if not line and (not out or out[-1] == ""):
            continue
        out.append(line)
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n" if out else ""


def _strip_tags(html: str) -> list[str]:
    text = re.sub(r"(?is)<(script|style)\b.*?</\1\s*>", " ", html)
    text = re.sub(r"(?i)<br\s*/?>|</(p|div|tr|li|h\d)\s*>", "\n", text)
    text = re.sub(r"<[^>]*>", " ", text)
    import html as _html
    return [_WS.sub(" ", _html.unescape(ln)).strip() for ln in text.split("\n")]


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
_HTML_START = re.compile(rb"""^\s*(<!--.*?-->\s*)*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(!doctype\s+html|html[\s>])""",
                         re.I | re.S)
_HTML_TAGS = re.compile(rb"<(html|head|body|table|tr|td|pre|p|div|br|meta|title)[\s/>]", re.I)


def looks_like_html(head: bytes, name: str = "") -> bool:
    """By content: a doctype/<html> start, or several structural tags early on; by name only
    together with at least one tag. Plain text with a few inline tags such as <u> is not HTML."""
    lname = name.lower()
    if _HTML_START.match(head[:4096]):
        return True
    tags = {m.group(1).lower() for m in _HTML_TAGS.finditer(head[:16384])}
    if lname.endswith((".html", ".htm", ".xhtml", ".shtml")):
        return bool(tags)
    return len(tags & {b"html", b"head", b"body", b"table", b"meta", b"title", b"pre", b"tr"}) >= 2


def declared_charset(head: bytes) -> str | None:
    m = _META_CHARSET.search(head[:4096])
    if not m:
        return None
    name = m.group(1).decode("ascii", "ignore").lower()
    import codecs
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None
