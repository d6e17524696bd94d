"""HTML -> plain text lines, as news-wire pages publish releases.

* a `<table>` row becomes one line, its cells joined by tabs (a cell spanning n columns is
  followed by n-1 empty cells, so the numbers under a spanning header stay in their columns);
* a `<pre>` block is kept verbatim, spacing and line breaks included (fixed-width tables);
* every other block element (p, div, h1..h6, li, br ...) starts a new line; inline text has its
  whitespace collapsed as a browser would;
* script, style, head and other non-content elements are dropped.

An inline-XBRL filing's tags (ingest.ixbrl) are read in the same pass: each printed
ix:nonFraction is placed on the line and character span where its number lands.

Built on the standard library's html.parser, which is lenient with broken markup and does not
recurse, so deeply nested or unclosed tags cannot exhaust the stack. The handler keeps only a
small stack of open tables; everything else is counters.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from iijdesk.core.tables.numbers import NIL_TOKENS

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


@dataclass(slots=True)
class RowInfo:
    """What the markup said about one table row that the tab-separated line cannot show."""
    table: int                    # the <table> it came from, numbered in document order
    row: int                      # its row within that table (0-based, rows with text only)
    spans: dict[int, int] = field(default_factory=dict)   # field -> fields its cell covers (> 1)
    indent: float = 0.0           # the label's visual indent in points (CSS padding, text-indent)
    bold: bool = False            # the label is set in bold


class _Cell:
    __slots__ = ("lines", "colspan", "rowspan", "indent", "bold", "has_text", "ix")

    def __init__(self, colspan: int, rowspan: int, indent: float, bold: bool) -> None:
        self.lines: list[str] = []
        self.colspan = colspan
        self.rowspan = rowspan
        self.indent = indent        # grows with the styles of elements opened before its text
        self.bold = bold
        self.has_text = False
        self.ix: list | None = None   # ixbrl.IxTag placed in this cell's lines


class _Table:
    __slots__ = ("cells", "cell", "rows", "carry", "number", "row_count", "row_open")

    def __init__(self, number: int) -> None:
        self.cells: list[_Cell] = []             # finished cells of the current row
        self.cell: _Cell | None = None           # the open cell
        self.rows: list[list] = []               # placed rows waiting for the table's end
        self.carry: dict[int, int] = {}          # grid column -> rows a rowspan still covers
        self.number = number
        self.row_count = 0
        self.row_open = False

    @property
    def in_cell(self) -> bool:
        return self.cell is not None


class _TextBuilder(HTMLParser):
    def __init__(self, ix=None) -> None:
        super().__init__(convert_charrefs=True)
        self.ix = ix                     # an ixbrl.IxReader for inline-XBRL pages, else None
        self.ix_pending: list = []       # closed printed tags whose text is in self.buf
        self.lines: list[str] = []
        self.info: dict[int, RowInfo] = {}   # index in self.lines -> what its table row said
        self.buf: list[str] = []         # inline text of the current line
        self.skipping: list[str] = []    # open SKIP_TAGS, innermost last
        self.hidden: list = []           # [tag, depth] of an open display:none element
        self.pre = 0                     # depth inside <pre>/<textarea>/<listing>/<xmp>
        self.pre_buf: list[str] = []
        self.pre_first = False
        self.tables: list[_Table] = []
        self.table_count = 0
        self.bold = 0                    # depth inside <b>/<strong>

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
        if self.ix_pending:
            self._place_ix(text, t)
        if t is not None:
            if text:
                t.cell.lines.append(text)
            return
        if text:
            self.lines.append(text)
        if para and self.lines and self.lines[-1] != "":
            self.lines.append("")

    def _place_ix(self, text: str, t: _Table | None) -> None:
        """The tags closed in this text run: their span in it, and the cell line or the line
        it becomes (several tags in one run are found left to right)."""
        pending, self.ix_pending = self.ix_pending, []
        cursor = 0
        for tag in pending:
            k = text.find(tag.text, cursor) if tag.text else -1
            if k < 0:
                continue
            tag.local = (k, k + len(tag.text))
            cursor = k + len(tag.text)
            if t is not None:
                tag.cell_line = len(t.cell.lines)
                if t.cell.ix is None:
                    t.cell.ix = []
                t.cell.ix.append(tag)
            else:
                tag.line_index, tag.start = len(self.lines), k

    def _cell_lines_out(self, c: _Cell, first: int) -> None:
        """A cell's lines were emitted as lines of their own from index `first`."""
        for tag in c.ix or ():
            tag.line_index, tag.start = first + tag.cell_line, tag.local[0]
        c.ix = None

    def _end_cell(self, t: _Table) -> None:
        self._flush_inline()
        if t.cell is not None:
            t.cells.append(t.cell)
        t.cell = None

    def _end_row(self, t: _Table) -> None:
        if t.in_cell:
            self._end_cell(t)
        cells, t.cells = t.cells, []
        if not (cells or t.row_open):
            return
        t.row_open = False
        placed = _place(cells, t.carry)
        texts = ["\n".join(c.lines) for c in cells]
        if not any(x.strip() for x in texts):
            return
        filled = [x for x in texts if x.strip()]
        if (max(x.count("\n") + 1 for x in filled) > MAX_CELL_LINES
                or (len(filled) == 1 and "\n" in filled[0])):
            # A layout row: its cells are paragraphs of their own (after the rows before it).
            self._flush_rows(t)
            for c, x in zip(cells, texts):
                if x.strip():
                    self._cell_lines_out(c, len(self.lines))
                    self.lines.extend(x.split("\n"))
            return
        label = next((c for c in cells if "".join(c.lines).strip()), cells[0])
        t.rows.append(([(start, c.colspan, x.replace("\n", " ")) for (start, c), x in zip(placed, texts)],
                       label.indent, label.bold, cells))

    def _flush_rows(self, t: _Table) -> None:
        """Emit the data rows collected so far, laid out on their shared columns."""
        if not t.rows:
            return
        where: list | None = [] if self.ix is not None else None
        lines, spans = layout_grid([r[0] for r in t.rows], where)
        for k, (text, sp, (_, indent, bold, cells)) in enumerate(zip(lines, spans, t.rows)):
            self.info[len(self.lines)] = RowInfo(t.number, t.row_count, sp, indent, bold)
            t.row_count += 1
            if where is not None:
                self._cells_in_line(cells, where[k], len(self.lines))
            self.lines.append(text)
        t.rows = []

    @staticmethod
    def _cells_in_line(cells: list[_Cell], offsets: list, index: int) -> None:
        """Tags of a row's cells: at the cell's offset in the row's line (`offsets` from
        layout_grid) plus their place in the cell's text (its lines joined by spaces)."""
        for c, off in zip(cells, offsets):
            if not c.ix:
                continue
            for tag in c.ix:
                if off is not None:
                    before = sum(len(x) + 1 for x in c.lines[:tag.cell_line])
                    tag.line_index, tag.start = index, off + before + tag.local[0]
            c.ix = None

    # -- parser callbacks -------------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs) -> None:
        if self.ix is not None and ":" in tag:
            self.ix.start(tag, attrs, visible=not (self.skipping or self.hidden))
        if tag == "body" or (tag in CONTENT_TAGS and self.skipping == ["head"]):
            self.skipping = []           # an unclosed <head> (or <svg> ...) ends where content starts
        if tag in SKIP_TAGS:
            self.skipping.append(tag)
            return
        if self.skipping:
            return
        if self.hidden:
            if tag == self.hidden[0] and tag not in VOID_TAGS:
                self.hidden[1] += 1
            return
        style = _attr(attrs, "style")
        if style and tag not in VOID_TAGS and _HIDDEN_RE.search(style):
            self.hidden = [tag, 1]       # display:none: not on the page a reader sees
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
                self._cell_lines_out(t.cell, len(self.lines))
                self.lines.extend(t.cell.lines)
                t.cell.lines = []
            self.tables.append(_Table(self.table_count))
            self.table_count += 1
            return
        if tag in ("b", "strong"):
            self.bold += 1
        if self.tables:
            t = self.tables[-1]
            if tag == "tr":
                self._end_row(t)
                t.row_open = True
                return
            if tag in ("td", "th"):
                if t.in_cell:
                    self._end_cell(t)
                t.row_open = True
                t.cell = _Cell(_span(attrs, "colspan"), _span(attrs, "rowspan"), _indent(style),
                               bool(self.bold) or _is_bold(style))
                return
            if tag in ("thead", "tbody", "tfoot", "colgroup", "col"):
                return
            if tag == "caption":
                self._flush_inline()
                return
            c = t.cell
            if c is not None and not c.has_text and style:
                c.indent += _indent(style)   # a <div style="padding-left:..."> around the label
                c.bold = c.bold or _is_bold(style)
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
        if self.ix is not None and ":" in tag:
            closed = self.ix.end(tag)
            if closed is not None and not closed.hidden and not self.pre:   # <pre>: not placed
                self.ix_pending.append(closed)
        if tag in SKIP_TAGS:
            if tag in self.skipping:     # close it and whatever was left open inside it
                del self.skipping[len(self.skipping) - 1 - self.skipping[::-1].index(tag):]
            return
        if self.skipping:
            return
        if self.hidden:
            if tag == self.hidden[0]:
                self.hidden[1] -= 1
                if self.hidden[1] <= 0:
                    self.hidden = []
            return
        if self.pre:
            if tag in ("pre", "xmp", "listing", "textarea"):
                self.pre -= 1
                if not self.pre:
                    self._end_pre()
            return
        if tag in ("b", "strong"):
            self.bold = max(0, self.bold - 1)
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
        if self.ix is not None and self.ix.collecting:
            self.ix.data(data)
        if self.skipping or self.hidden:
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
        if self.tables:
            t = self.tables[-1]
            if not t.in_cell:
                if not data.strip():
                    return              # whitespace between rows and cells
                t.cell = _Cell(1, 1, 0.0, bool(self.bold))   # text straight in a <tr>: treat as a cell
            if data.strip():
                t.cell.has_text = True
        self.buf.append(data)

    def _end_pre(self) -> None:
        text = "".join(self.pre_buf).replace("\r\n", "\n").replace("\r", "\n")
        self.pre_buf = []
        lines = [ln.replace("\u00a0", " ").rstrip() for ln in text.split("\n")]
        while lines and lines[-1] == "":
            lines.pop()
        t = self._cur_table()
        if t is not None:
            t.cell.lines.extend(lines)
            t.cell.has_text = True
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


def _place(cells: list[_Cell], carry: dict[int, int]) -> list[tuple[int, _Cell]]:
    """Each cell of a row with the grid column it starts at: cells flow left to right past the
    columns that a cell of a row above still covers (rowspan); `carry` is updated in place."""
    placed, col = [], 0
    for c in cells:
        while carry.get(col):
            col += 1
        placed.append((col, c))
        if c.rowspan > 1:
            for k in range(col, col + c.colspan):
                carry[k] = max(carry.get(k, 0), c.rowspan)
        col += c.colspan
    for k in list(carry):                # the row is done: each rowspan has one row less to cover
        carry[k] -= 1
        if carry[k] <= 0:
            del carry[k]
    return placed


def layout_grid(rows: list[list[tuple[int, int, str]]],
                where: list | None = None) -> tuple[list[str], list[dict[int, int]]]:
    """Rows of (grid column, colspan, text) cells -> tab-separated lines on the columns the table
    uses, and for each line the fields a spanning cell covers ({field: count} where count > 1).

    Number fragments are joined ("$" "1,234" -> "$1,234"; "(1,234" ")" -> "(1,234)"). The
    columns kept are chosen from the narrowest text cells up: a cell whose columns hold no kept
    column yet keeps its first, so spacer columns and emptied fragment columns are dropped and a
    spanning header stands at the first kept column under it, covering the others it spans.

    `where`, when given a list, gets for each row the character offset in its line at which
    each cell's own text starts (None for a cell that shows nowhere, such as a "$" joined to
    the number after it).
    """
    grid: list[list[list]] = []
    originals: list[list[str]] = []
    for cells in rows:
        placed = [[start, span, text.strip()] for start, span, text in cells]
        if where is not None:
            originals.append([c[2] for c in placed])
        _join_fragments(placed)
        grid.append(placed)
    keep: set[int] = set()
    for start, span, _ in sorted((c for row in grid for c in row if c[2]), key=lambda c: c[1]):
        if not any(start <= k < start + span for k in keep):
            keep.add(start)
    order = sorted(keep)
    index = {c: i for i, c in enumerate(order)}
    lines, spans = [], []
    for r, row in enumerate(grid):
        line = [""] * len(order)
        sp: dict[int, int] = {}
        at: list = [None] * len(row)
        for k, (start, span, text) in enumerate(row):
            if not text:
                continue
            covered = [index[c] for c in order if start <= c < start + span]
            if not covered:
                continue
            i = covered[0]
            if where is not None:
                own = originals[r][k]
                at[k] = (i, (len(line[i]) + 1 if line[i] else 0) + max(0, text.find(own) if own else 0))
            line[i] = f"{line[i]} {text}".strip() if line[i] else text
            if len(covered) > 1:
                sp[i] = len(covered)
        lines.append("\t".join(line).rstrip("\t"))
        spans.append(sp)
        if where is not None:
            field_start, pos = [], 0
            for x in line:
                field_start.append(pos)
                pos += len(x) + 1
            where.append([None if a is None else field_start[a[0]] + a[1] for a in at])
    return lines, spans


def layout_rows(rows: list[list[tuple[str, int]]]) -> list[str]:
    """Rows of (text, colspan) cells, each row starting at column 0 -> tab-separated lines."""
    placed = []
    for cells in rows:
        col, row = 0, []
        for text, span in cells:
            row.append((col, span, text))
            col += span
        placed.append(row)
    return layout_grid(placed)[0]


def _join_fragments(cells: list[list]) -> None:
    """Join number fragments in one row's [start, span, text] cells, in place."""
    filled = [c for c in cells if c[2]]
    for k, c in enumerate(filled):
        text = c[2]
        if text in _CLOSERS:
            prev = next((p for p in reversed(filled[:k]) if p[2]), None)
            if prev is not None and prev[2] in NIL_TOKENS:
                c[2] = ""              # "—" "%": a nil percentage
            elif prev is not None and (prev[2][-1:].isdigit() or prev[2].endswith("%") or
                                       (text.startswith("%") and prev[2].endswith(")"))):
                prev[2] += text
                c[2] = ""
        elif text in _OPENERS:
            nxt = filled[k + 1] if k + 1 < len(filled) else None
            if nxt is not None and _NUMBERISH.match(nxt[2]):
                nxt[2] = text + nxt[2]
                c[2] = ""
            elif nxt is not None and nxt[2] in NIL_TOKENS:
                c[2] = ""              # "$" before a nil dash: decoration of an empty cell


def _attr(attrs, name: str) -> str:
    for k, v in attrs:
        if k == name and v:
            return v
    return ""


def _span(attrs, name: str) -> int:
    v = _attr(attrs, name)
    if not v:
        return 1
    try:
        return max(1, min(MAX_COLSPAN, int(str(v).strip().rstrip(";"))))
    except ValueError:
        return 1


_HIDDEN_RE = re.compile(r"display\s*:\s*none", re.I)
_BOLD_RE = re.compile(r"font-weight\s*:\s*(?:bold|[6-9]00)", re.I)
_LENGTH = r"(-?\d*\.?\d+)\s*(pt|px|em|in|%)?"
_PADDING_LEFT_RE = re.compile(r"(?:padding|margin)-left\s*:\s*" + _LENGTH, re.I)
_TEXT_INDENT_RE = re.compile(r"text-indent\s*:\s*" + _LENGTH, re.I)
_PADDING_RE = re.compile(r"(?<![-\w])padding\s*:\s*([^;]+)", re.I)
# CSS lengths in points (an em taken as a 10-point font's).
# Filing agents repeat a few hundred style strings over thousands of cells: parsed once each.
STYLE_CACHE_SIZE = 4096
_POINTS = {"pt": 1.0, "px": 0.75, "em": 10.0, "in": 72.0, "%": 0.0, None: 0.75, "": 0.75}


def _points(value: str, unit: str | None) -> float:
    try:
        return float(value) * _POINTS.get((unit or "").lower(), 0.75)
    except ValueError:
        return 0.0


@functools.lru_cache(maxsize=STYLE_CACHE_SIZE)
def _indent(style: str) -> float:
    """How far right of its box an element's first line of text starts, in points."""
    if not style:
        return 0.0
    total = 0.0
    for m in _PADDING_LEFT_RE.finditer(style):
        total += _points(m.group(1), m.group(2))
    for m in _PADDING_RE.finditer(style):     # "padding: 2px 1pt 2px 13pt": the fourth is the left
        parts = m.group(1).split()
        left = parts[3] if len(parts) == 4 else parts[1] if len(parts) in (2, 3) else parts[0] if parts else ""
        lm = re.fullmatch(_LENGTH, left.strip())
        if lm:
            total += _points(lm.group(1), lm.group(2))
    for m in _TEXT_INDENT_RE.finditer(style):
        total += _points(m.group(1), m.group(2))
    return total


@functools.lru_cache(maxsize=STYLE_CACHE_SIZE)
def _is_bold(style: str) -> bool:
    return bool(style) and _BOLD_RE.search(style) is not None


def html_to_text(html: str) -> str:
    """The text of an HTML page as lines (see the module docstring)."""
    return html_to_lines(html)[0]


def html_to_lines(html: str) -> tuple[str, dict[int, RowInfo]]:
    """The text of an HTML page, and what the markup said of its table rows, by 1-based line."""
    text, info, _ = html_to_parts(html)
    return text, info


def html_to_parts(html: str, xbrl: bool = True):
    """html_to_lines' text and row information, and the page's inline-XBRL tags as an
    ixbrl.XBRL_COLUMNS frame placed on the text's lines (None for a page without tags, or
    when `xbrl` is False)."""
    from iijdesk.core.ingest import ixbrl

    ix = ixbrl.IxReader(html) if xbrl and ixbrl.has_ix(html) else None
    p = _TextBuilder(ix)
    try:
        p.feed(html)
        p.close()
        lines = p.finish()
        info = p.info
    except Exception:  # html.parser is lenient, but never let markup stop an import
        lines, info, ix = _strip_tags(html), {}, None
    out: list[str] = []
    out_info: dict[int, RowInfo] = {}
    line_of: dict[int, int] = {}
    for i, line in enumerate(lines):
        line = line.rstrip()
        if not line and (not out or out[-1] == ""):
            continue
        out.append(line)
        if line:
            if ix is not None:
                line_of[i] = len(out)
            if i in info:
                out_info[len(out)] = info[i]
    while out and out[-1] == "":
        out.pop()
    tags = ix.frame(line_of) if ix is not None and ix.tags else None
    return ("\n".join(out) + "\n" if out else ""), out_info, tags


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
