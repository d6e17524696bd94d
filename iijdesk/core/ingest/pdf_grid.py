"""The tables of a PDF set in proportional fonts -> the tab-separated rows the HTML reader gives.

A word processor or a filing agent's tool prints a table as words at positions: labels at the
left, numbers right-aligned in their columns, headers centred over the columns they cover
("Three Months Ended" over two date columns), the cells of one row on one baseline or, with a
wrapped label, a line apart. Spaces cannot say which column a word stands in when the font is
proportional, so the grid is rebuilt from the words' boxes:

1. Each text line is cut into phrases where the gap between two words is wider than a word
   space; a lone "$" joins the number after it, a lone ")" or "%" the number before it.
2. A line with a number standing apart from its label (or numbers only) seeds a table region;
   the region grows over the lines that fit it (more rows, section labels left of the
   numbers, header text over the numbers, page breaks) and ends at a line that crosses from the
   label area into the columns (a title, a paragraph). Header lines above its first row join it.
3. The columns are the x-extents of the region's numbers, overlapping extents merged. Each
   header phrase stands over the columns it overlaps; a phrase centred over a wider group of
   columns that no other phrase on its line claims spans that group.
4. A row whose numbers stand a little above or below its label (wrapped labels, cells aligned
   to the middle or the bottom) is put back together with the label lines next to it.

Every row comes out as label + one field per column, a header phrase at the first column it
spans, with an html.RowInfo saying which fields a spanning phrase covers: the table finder
reads it exactly as it reads an HTML table. Lines outside tables are left to the caller.
"""
from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field

from iijdesk.core.ingest.html import RowInfo
from iijdesk.core.tables.numbers import NIL_TOKENS

# All distances are in ems of the text's size (the height of a character's box).
# A gap between words wider than this separates two phrases (cells); a word space is ~0.3.
CELL_GAP_EM = 0.85
# ... but a number at the end of a label phrase is split off at any word gap when it stands in
# one of the table's columns (a long label that comes close to its first number).
# A ")" set on a line of its own (a narrow cell wrapped) joins an unclosed "(1,234" a line or two
# away that ends at most this many ems before it, or right-aligned with it.
CLOSER_GAP_EM = 1.5
# A lone ")" or "%" after a number joins it across at most this gap ("$" before one at any gap:
# it stands at the left of the number's cell).
FRAGMENT_GAP_EM = 6.0
# Two lines whose baselines differ by at most this are one line of a wrapped cell (and a row's
# numbers this far above or below its label belong to it), as a multiple of the paragraph
# line pitch of the document.
WRAP_PITCHES = 1.25
# A label line under a row is the tail of the row's wrapped label only when it is closer to it
# than this share of the table's row pitch (in a table set at line pitch, it is a row of its own).
CONTINUATION_PITCH_SHARE = 0.8
# Paragraphs: a line that runs to within this many ems of the right margin (the next word did
# not fit) and the line a line
# pitch under it (starting at the left margin or under the line's start) are one paragraph,
# joined into one line as the HTML reader gives it. The right margin is where this quantile of
# the lines with at least PARAGRAPH_MIN_WORDS words end.
WRAPPED_LINE_SLACK_EM = 10.0
PARAGRAPH_MIN_WORDS = 8
RIGHT_MARGIN_QUANTILE = 0.5
PARAGRAPH_INDENT_EM = 3.0
SAME_SIZE_EM = 0.15
# A vertical gap of more than this many line pitches leaves a blank line between text lines.
BLANK_LINE_PITCHES = 1.6
# Page furniture: running headers and footers by name, or a short line (at most
# FURNITURE_MAX_WORDS words) among the first or last FURNITURE_EDGE_LINES lines of at least
# FURNITURE_MIN_PAGES pages and FURNITURE_PAGE_SHARE of them; a page number is a lone number
# next to one, at a page's edge or centred on the page within PAGE_NUMBER_CENTRE_EM.
FURNITURE_RE = re.compile(r"^(?:table\s+of\s+contents|form\s+10-[qk](?:\s*\|?\s*\d{1,3})?|"
                          r"page\s+\d{1,3}(?:\s+of\s+\d{1,3})?)$", re.I)
_PAGE_NO_RE = re.compile(r"^(?:page\s+)?[-–—]?\s*\d{1,3}\s*[-–—]?$", re.I)
FURNITURE_EDGE_LINES = 2
FURNITURE_MAX_WORDS = 8
FURNITURE_MIN_PAGES = 3
FURNITURE_PAGE_SHARE = 0.25
PAGE_NUMBER_CENTRE_EM = 1.0
# Lines of a table further apart than this many of its typical row pitches end it ...
ROW_GAP_PITCHES = 3.2
# ... but a gap is never counted as too wide below this many ems.
MIN_ROW_GAP_EM = 9.0
# Header lines are looked for this many lines above a table's first row, at most this far apart.
HEADER_LOOKBACK = 16
HEADER_GAP_EM = 10.0
# A phrase may start this far (in ems) left of the columns' area and still be over the columns.
ZONE_SLACK_EM = 0.5
# Cells of one column are right-aligned, left-aligned or inside its extent within this many ems.
ALIGN_TOLERANCE_EM = 0.6
# A header phrase starts at least this far right of the labels' left edge (titles and
# paragraphs start at the margin) ...
HEADER_MIN_INDENT_EM = 4.0
# ... and a line that is one phrase centred on the page within this many ems is a title, unless
# the table's columns are centred there too.
TITLE_CENTRE_EM = 2.0
# A gap this wide (in ems) inside a header phrase separates two columns' headers when the words
# on either side stand over different columns (a word space is about a third of an em).
HEADER_SPLIT_GAP_EM = 0.55
# A header phrase stands over a column when it covers this share of the narrower of the two.
HEADER_OVERLAP_SHARE = 0.4
# A phrase spans a wider group of columns when its centre is within this many ems (or this
# share of the group's width) of the group's centre.
CENTRE_TOLERANCE_EM = 1.5
CENTRE_TOLERANCE_SHARE = 0.06

# A cell of at most this many marks and no letter or digit ("*", "**", "†") stands in a column
# for a number (not meaningful, not applicable): a row of numbers with one is still a row.
PLACEHOLDER_MAX_CHARS = 3

_CELL_NUM_RE = re.compile(
    r"^\(?[-−–+]?(?:US\$|\$|€|£|¥)?\s?\(?(?:\d(?:[\d,]*\d)?(?:\.\d+)?|\.\d+)\s?%?\)?%?\)?$")
# A line that states the table's scale ("(in millions, except per share data)", "(Dollars in
# Millions)", "(millions of dollars)") is context above the table, not a column header.
SCALE_LINE_RE = re.compile(r"^\(?(?:[\w$.,&;]+\s+){0,4}(?:in\s+)?(?:millions|thousands|billions)\b", re.I)
_YEAR_RE = re.compile(r"^(?:19|20)\d{2}$")
_OPENERS = frozenset(["$", "US$", "€", "£", "¥", "(", "($"])
_CLOSERS = frozenset([")", "%", ")%", "%)"])
_CURRENCY = frozenset(["$", "US$", "€", "£", "¥"])
_DIGIT_SPAN_RE = re.compile(r"\d[\d,]*(?:\.\d+)?|\.\d+|[—–\-−_―‐－]+")


@dataclass(slots=True)
class Word:
    text: str
    x0: float
    x1: float
    size: float
    chars: list          # (char, left, right) of each glyph, for the number's own extent


@dataclass(slots=True)
class Phrase:
    text: str
    x0: float
    x1: float
    size: float
    nx0: float = 0.0     # the extent of the number itself, without "$" before or ")" "%" after
    nx1: float = 0.0
    numeric: bool = False
    words: list = field(default_factory=list)


@dataclass(slots=True)
class PLine:
    page: int
    base: float          # baseline, larger is higher on the page
    size: float
    words: list[Word]
    chars: list          # the line's characters, for rendering it as plain text
    phrases: list[Phrase] = field(default_factory=list)
    kind: str = "text"   # seed | weak | years | text
    cells: list[Phrase] = field(default_factory=list)

    @property
    def x0(self) -> float:
        return self.phrases[0].x0 if self.phrases else 0.0

    @property
    def x1(self) -> float:
        return self.phrases[-1].x1 if self.phrases else 0.0


SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_MARKERS_RE = re.compile(f"[\\s,{SUPERSCRIPTS}]*[{SUPERSCRIPTS}]$")


def strip_markers(text: str) -> str:
    """A cell without the footnote markers after it ("(40) ¹,⁴" -> "(40)")."""
    return _MARKERS_RE.sub("", text)


def is_cell_number(text: str) -> bool:
    text = strip_markers(text)
    return text in NIL_TOKENS or bool(_CELL_NUM_RE.match(text))


def _number_extent(words: list[Word]) -> tuple[float, float]:
    """x-extent of the digits (or the dash) of a numeric phrase."""
    xs = [(l, r) for w in words for ch, l, r in w.chars if ch.isdigit() or ch in "—–-−_―‐－.,"]
    if not xs:
        return words[0].x0, words[-1].x1
    return min(l for l, _ in xs), max(r for _, r in xs)


def _phrase(words: list[Word]) -> Phrase:
    text = " ".join(w.text for w in words)
    p = Phrase(text, words[0].x0, words[-1].x1, max(w.size for w in words), words=list(words))
    compact = text.replace(" ", "")
    p.numeric = is_cell_number(text) or is_cell_number(compact)
    if p.numeric:
        p.text = strip_markers(text)
        p.nx0, p.nx1 = _number_extent(words)
    return p


def make_phrases(words: list[Word]) -> list[Phrase]:
    """Words of a line -> phrases (cells), number fragments joined."""
    groups: list[list[Word]] = []
    for w in words:
        # a "$" or ")" standing apart is a fragment of a number's cell, never of a phrase; a
        # number with separators is a cell of its own ("2,609 13,037": two cells set close)
        prev = groups[-1][-1] if groups else None
        if prev is not None and w.x0 - prev.x1 <= CELL_GAP_EM * max(w.size, prev.size) and \
                w.text not in _CURRENCY and prev.text not in _CURRENCY and w.text not in _CLOSERS and \
                not _two_numbers(prev.text, w.text):
            groups[-1].append(w)
        else:
            groups.append([w])
    phrases = [_phrase(g) for g in groups]
    return _join_fragments(phrases)


def _two_numbers(left: str, right: str) -> bool:
    """Two words that are two numbers: the left one written with separators ("2,609", "1.5"),
    so the right one cannot be the rest of it (as "234" may be of a "1 234")."""
    return any(ch.isdigit() for ch in right) and is_cell_number(left) and is_cell_number(right) and \
        bool(re.search(r"\d[,.]\d", left))


def _join_fragments(ps: list[Phrase]) -> list[Phrase]:
    out: list[Phrase] = []
    i = 0
    while i < len(ps):
        p = ps[i]
        nxt = ps[i + 1] if i + 1 < len(ps) else None
        if p.text in _OPENERS and nxt is not None and nxt.numeric:
            q = Phrase(p.text + nxt.text, p.x0, nxt.x1, max(p.size, nxt.size), nxt.nx0, nxt.nx1, True,
                       p.words + nxt.words)
            out.append(q)
            i += 2
            continue
        if p.text in _CLOSERS and out and out[-1].numeric and out[-1].text not in NIL_TOKENS and \
                p.x0 - out[-1].x1 <= FRAGMENT_GAP_EM * p.size and \
                (nxt is None or nxt.x0 - p.x1 > p.x0 - out[-1].x1):
            prev = out[-1]
            prev.text += p.text
            prev.x1 = p.x1
            prev.words = prev.words + p.words
            i += 1
            continue
        if p.text in _CLOSERS and out and out[-1].text in NIL_TOKENS:
            i += 1                    # "—" "%": a nil percentage, the sign is decoration
            continue
        if p.text in _OPENERS and nxt is not None and nxt.text in NIL_TOKENS:
            i += 1                    # "$" before a nil dash
            continue
        out.append(p)
        i += 1
    return out


def split_glued(line: PLine, zone: float) -> bool:
    """A number glued to a long label by a word space ("... expenses 11,001") is a cell of its
    own when it stands in the columns' area (right of `zone`); True when the line changed."""
    changed = False
    for k, p in enumerate(line.phrases):
        if p.numeric or len(p.words) < 2:
            continue
        w = p.words[-1]
        if not is_cell_number(w.text) or w.x0 < zone - ZONE_SLACK_EM * w.size or \
                p.words[-2].text in _OPENERS:
            continue
        head, tail = _phrase(p.words[:-1]), _phrase([w])
        line.phrases[k:k + 1] = [head, tail]
        changed = True
        break
    if changed:
        line.phrases = _join_fragments(line.phrases)
        classify(line)
    return changed


def is_placeholder(text: str) -> bool:
    """A cell of marks standing for a number ("*": not meaningful, "**"), not text."""
    return 0 < len(text) <= PLACEHOLDER_MAX_CHARS and not any(ch.isalnum() for ch in text)


def classify(line: PLine) -> None:
    """seed: numbers standing apart from a label, or two or more numbers alone; weak: one
    number alone on the line; years: only years (a header); text otherwise."""
    ps = line.phrases
    nums = [p for p in ps if p.numeric]
    if not nums:
        line.kind = "text"
        return
    if all(_YEAR_RE.match(p.text) for p in nums) and (len(nums) >= 2 or len(ps) == 1 or not ps[0].numeric):
        line.kind = "years"
        return
    if ps[0].numeric:
        line.cells = [p for p in ps if p.numeric]
        if len(ps) == len(nums) or len(nums) >= 2 and all(p.numeric or is_placeholder(p.text) for p in ps):
            line.kind = "seed" if len(nums) >= 2 else "weak"
        else:
            line.kind = "text"        # "2 Table of Contents": a number before text
            line.cells = []
        return
    line.cells = [p for p in ps[1:] if p.numeric]
    line.kind = "seed" if line.cells else "text"


@dataclass
class Band:
    x0: float               # the extent of the column's numbers
    x1: float
    cx0: float = 0.0        # ... with the "$" before them and the ")" "%" after: the cells' extent
    cx1: float = 0.0

    @property
    def centre(self) -> float:
        return (self.x0 + self.x1) / 2


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return min(a1, b1) - max(a0, b0)


def make_bands(lines: list[PLine]) -> list[Band]:
    """Columns of a region: the x-extents of its numbers, overlapping extents merged; a merged
    extent that holds two numbers of one row is cut again where the right edges part most."""
    cells = sorted(((c.nx0, c.nx1, row) for row, ln in enumerate(lines) for c in ln.cells))
    groups: list[list[tuple[float, float, int]]] = []
    right = None
    for cell in cells:
        if groups and cell[0] < right:
            groups[-1].append(cell)
            right = max(right, cell[1])
        else:
            groups.append([cell])
            right = cell[1]
    bands: list[Band] = []
    for g in groups:
        for part in _split_conflicts(g):
            bands.append(Band(min(c[0] for c in part), max(c[1] for c in part)))
    # the right edge with the ")" and "%" that follow the numbers, for headers aligned to them
    for bd in bands:
        mine = [c for ln in lines for c in ln.cells if _overlap(c.nx0, c.nx1, bd.x0, bd.x1) > 0]
        bd.cx0 = min([bd.x0] + [c.x0 for c in mine])
        bd.cx1 = max([bd.x1] + [c.x1 for c in mine])
        bd.x1 = bd.cx1
    return bands


def _with_text_bands(bands: list[Band], lines: list[PLine], zone: float) -> list[Band]:
    """The columns of numbers and the columns of text cells right of the labels that stand
    apart from every column of numbers ("Contractual Interest Rates", "Maturity Date")."""
    extents = []
    for ln in lines:
        for p in ln.phrases:
            if p.numeric or p.x1 <= zone + ZONE_SLACK_EM * p.size or _band_of(bands, p.x0, p.x1) is not None:
                continue
            extents.append([p.x0, p.x1])
    if not extents:
        return bands
    extents.sort()
    merged = [extents[0]]
    for x0, x1 in extents[1:]:
        if x0 < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], x1)
        else:
            merged.append([x0, x1])
    # a text column that overlaps a column of numbers after merging is part of it
    extra = [Band(x0, x1, x0, x1) for x0, x1 in merged if _band_of(bands, x0, x1) is None]
    return sorted(bands + extra, key=lambda b: b.x0)


def _widen_by_headers(bands: list[Band], header: list[PLine], zone: float) -> None:
    """A column's cells reach as far as its own header ("June 29, 2025" over right-aligned
    numbers is wider than they are): a spanning header is centred over the cells it covers."""
    for ln in header:
        for p in ln.phrases:
            if p.x1 <= zone + ZONE_SLACK_EM * p.size:
                continue
            hit = [b for b in bands if _overlap(p.x0, p.x1, b.x0, b.x1) > 0]
            if len(hit) == 1:
                hit[0].cx0, hit[0].cx1 = min(hit[0].cx0, p.x0), max(hit[0].cx1, p.x1)


def _as_label(ln: PLine) -> None:
    """A line read as label text after all (its number is part of the label)."""
    ln.kind = "text"
    ln.cells = []
    for p in ln.phrases:
        p.numeric = False


def _split_conflicts(cells: list[tuple[float, float, int]]) -> list[list[tuple[float, float, int]]]:
    rows = [c[2] for c in cells]
    if len(rows) == len(set(rows)):
        return [cells]
    ends = sorted({c[1] for c in cells})
    if len(ends) < 2:
        return [cells]
    gap, cut = max((b - a, (a + b) / 2) for a, b in zip(ends, ends[1:]))
    left = [c for c in cells if c[1] < cut]
    right = [c for c in cells if c[1] >= cut]
    return _split_conflicts(left) + _split_conflicts(right)


def _centre(cols: list[list[float]]) -> float:
    return (min(c[0] for c in cols) + max(c[1] for c in cols)) / 2


def _add_columns(cols: list[list[float]], ln: PLine) -> None:
    """Grow the running column extents [x0, x1] of a region by the cells of a row."""
    for c in ln.cells:
        hit = [col for col in cols if _overlap(c.nx0, c.nx1, col[0], col[1]) > 0]
        if hit:
            hit[0][0], hit[0][1] = min(hit[0][0], c.nx0), max(hit[0][1], c.nx1)
        else:
            cols.append([c.nx0, c.nx1])


def _misfit(cols: list[list[float]], ln: PLine) -> bool:
    """A cell that overlaps a column but is aligned with neither of its edges nor inside it:
    the row belongs to a table whose columns stand elsewhere."""
    for c in ln.cells:
        tol = ALIGN_TOLERANCE_EM * c.size
        for x0, x1 in cols:
            if _overlap(c.nx0, c.nx1, x0, x1) <= 0:
                continue
            inside = c.nx0 >= x0 - tol and c.nx1 <= x1 + tol
            around = c.nx0 <= x0 + tol and c.nx1 >= x1 - tol
            if not (inside or around or abs(c.nx1 - x1) <= tol or abs(c.nx0 - x0) <= tol):
                return True
    return False


def _band_of(bands: list[Band], x0: float, x1: float) -> int | None:
    best, score = None, 0.0
    for i, b in enumerate(bands):
        o = _overlap(x0, x1, b.x0, b.x1)
        if o > score:
            best, score = i, o
    return best


def _nearest_band(bands: list[Band], x0: float, x1: float) -> int:
    c = (x0 + x1) / 2
    return min(range(len(bands)), key=lambda i: min(abs(c - bands[i].centre), abs(x1 - bands[i].x1)))


class Grid:
    """A document's lines -> (rendered lines, row info) with its tables as tab-separated rows."""

    def __init__(self, lines: list[PLine]) -> None:
        for ln in lines:
            ln.phrases = make_phrases(ln.words)
        self.pitch = _paragraph_pitch(lines)
        self._margins(lines)
        lines = self._reattach_closers(lines)
        lines = self._drop_furniture(lines)
        for ln in lines:
            classify(ln)
        self.lines = lines
        self.index = {id(ln): k for k, ln in enumerate(lines)}
        self.cols_centre: float | None = None    # of the table being read: titles are not centred on it
        self.cols: list[list[float]] = []
        self.fragments: set[int] = set()         # ids of lines that are cells of the row above

    def _margins(self, lines: list[PLine]) -> None:
        # where wrapped paragraph lines end: the right edge most long lines reach
        ends = sorted(ln.x1 for ln in lines if len(ln.words) >= PARAGRAPH_MIN_WORDS)
        self.right_margin = ends[int(len(ends) * RIGHT_MARGIN_QUANTILE)] if ends else float("inf")
        self.page_left: dict[int, float] = {}
        for ln in lines:
            if ln.phrases:
                self.page_left[ln.page] = min(self.page_left.get(ln.page, ln.x0), ln.x0)

    def _drop_furniture(self, lines: list[PLine]) -> list[PLine]:
        """Page furniture out: running headers and footers ("Table of Contents", "Form 10-Q |
        12", a short line that heads or ends many pages) and page numbers (a lone number next to
        them, at the top or bottom of a page, or centred on it). A filing printed from its HTML
        has them wherever its pages broke, in the middle of a table as often as not."""
        if not lines:
            return lines
        pages = {ln.page for ln in lines}
        ends: dict[int, list[int]] = {}
        for k, ln in enumerate(lines):
            ends.setdefault(ln.page, []).append(k)
        edge = {k for ks in ends.values() for k in ks[:FURNITURE_EDGE_LINES] + ks[-FURNITURE_EDGE_LINES:]}
        def norm(ln: PLine) -> str:
            return re.sub(r"\d+", "#", " ".join(p.text for p in ln.phrases)).strip().lower()
        seen: dict[str, set[int]] = {}
        for k in edge:
            ln = lines[k]
            if len(ln.words) <= FURNITURE_MAX_WORDS:
                seen.setdefault(norm(ln), set()).add(ln.page)
        repeated = {t for t, ps in seen.items()
                    if len(ps) >= FURNITURE_MIN_PAGES and len(ps) >= FURNITURE_PAGE_SHARE * len(pages)}
        furniture = set()
        for k, ln in enumerate(lines):
            text = " ".join(p.text for p in ln.phrases)
            if FURNITURE_RE.match(text) or (k in edge and norm(ln) in repeated and not _PAGE_NO_RE.match(text)):
                furniture.add(k)
        for k, ln in enumerate(lines):
            text = " ".join(p.text for p in ln.phrases)
            if k in furniture or not _PAGE_NO_RE.match(text):
                continue
            centre = (ln.x0 + ln.x1) / 2
            page_centre = (self.page_left.get(ln.page, 0.0) + self.right_margin) / 2 if self.right_margin != float("inf") else centre
            if (k - 1 in furniture or k + 1 in furniture or k in edge and norm(ln) in repeated or
                    abs(centre - page_centre) <= PAGE_NUMBER_CENTRE_EM * ln.size):
                furniture.add(k)
        return [ln for k, ln in enumerate(lines) if k not in furniture]

    def _reattach_closers(self, lines: list[PLine]) -> list[PLine]:
        """A ")" whose cell the layout set a little above or below its number ("(257,891" on
        one line, ")" on the next) goes back to the number; lines left empty are dropped."""
        out = []
        for k, ln in enumerate(lines):
            # closers that follow no number on their own line
            stray = [p for i, p in enumerate(ln.phrases) if p.text in _CLOSERS and
                     (i == 0 or not ln.phrases[i - 1].numeric)]
            if stray:
                rest = [p for p in ln.phrases if p not in stray]
                for c in stray:
                    host = None
                    near = [lines[x] for x in (k - 1, k - 2, k + 1) if 0 <= x < len(lines)]
                    for other in near:
                        if other.page != ln.page or abs(other.base - ln.base) > 2 * self.wrap(ln.size):
                            continue
                        host = next((p for p in other.phrases if p.numeric and p.text.startswith("(") and
                                     not p.text.endswith(")") and
                                     (abs(c.x1 - p.x1) <= c.size or 0 <= c.x0 - p.x1 <= CLOSER_GAP_EM * c.size)),
                                    None)
                        if host is not None:
                            break
                    if host is not None:
                        host.text += c.text
                        host.x1 = c.x1
                    else:
                        rest.append(c)
                if not rest:
                    continue
                rest.sort(key=lambda p: p.x0)
                ln.phrases = rest
            out.append(ln)
        return out

    # -- distances ------------------------------------------------------------------------
    def gap(self, upper: PLine, lower: PLine) -> float:
        """Vertical distance between two lines read one after the other (0 over a page break)."""
        if upper.page != lower.page:
            return 0.0
        return upper.base - lower.base

    def wrap(self, size: float) -> float:
        return WRAP_PITCHES * self.pitch * size

    # -- regions --------------------------------------------------------------------------
    def regions(self) -> list[tuple[int, int, int]]:
        """(top, first seed, end) line indexes of each table region, end exclusive."""
        lines = self.lines
        out: list[tuple[int, int, int]] = []
        i = 0
        floor = 0
        while i < len(lines):
            if lines[i].kind != "seed":
                i += 1
                continue
            first = i
            zone = min(c.nx0 for c in lines[i].cells)
            left = self._left_margin(lines[i])
            cols: list[list[float]] = []
            _add_columns(cols, lines[i])
            self.cols_centre, self.cols = _centre(cols), cols
            last = i
            pitches: list[float] = []
            j = i + 1
            while j < len(lines):
                ln, up = lines[j], lines[j - 1]
                g = self.gap(up, ln)
                limit = max(MIN_ROW_GAP_EM * ln.size,
                            ROW_GAP_PITCHES * statistics.median(pitches) if pitches else 0.0)
                if g > limit and not self._rows_follow(j, zone, cols):
                    break
                if self._label_number(ln, zone):
                    _as_label(ln)     # "31, 2024" ending a wrapped "As of December": label text
                if ln.kind in ("seed", "weak"):
                    cz = min(c.nx0 for c in ln.cells)
                    if ln.kind == "weak" and cz < zone - ZONE_SLACK_EM * ln.size:
                        break
                    if _misfit(cols, ln):
                        break         # the columns moved: another table
                    _add_columns(cols, ln)
                    self.cols_centre, self.cols = _centre(cols), cols
                    zone = min(zone, cz) if ln.kind == "seed" else zone
                    if not ln.phrases[0].numeric:
                        left = min(left, ln.x0)
                    if g > 0 and lines[last].page == ln.page:
                        pitches.append(self.gap(lines[last], ln) / max(1, j - last))
                    last = j
                elif self._fragment(up, ln, zone):
                    self.fragments.add(id(ln))
                    last = j          # text cells of the row above, set lower than its numbers
                elif self._sub_header(j, zone, left, cols):
                    pass              # "Fiscal Six Months Ended" over the same columns, rows under it
                elif not self._label_only(ln, zone) and (ln.kind == "years" or self._over_columns(ln, zone, left)):
                    break             # a new header: the next table starts here
                elif not self._label_only(ln, zone):
                    if not (split_glued(ln, zone) and ln.kind == "seed"):
                        break
                    last = j
                j += 1
            end = last + 1
            # the tail of the last row's wrapped label
            while end < len(lines) and lines[end].kind == "text" and self._label_only(lines[end], zone) and \
                    0 <= self.gap(lines[end - 1], lines[end]) <= self.wrap(lines[end].size) and \
                    (lines[last].phrases[0].numeric or
                     lines[end].x0 >= lines[last].x0 - ZONE_SLACK_EM * lines[end].size):
                end += 1
            top = self._headers_top(first, zone, left, floor)
            out.append((top, first, end))
            floor = end
            i = end
        return out

    def _rows_follow(self, j: int, zone: float, cols: list[list[float]]) -> bool:
        """Rows in the same columns follow line j on its page, past section labels: a wide
        vertical gap (an empty row, a spaced-out statement) does not end the table."""
        lines = self.lines
        k = j
        while k < len(lines) and lines[k].page == lines[j].page:
            ln = lines[k]
            if ln.kind in ("seed", "weak"):
                return not _misfit(cols, ln) and any(
                    _overlap(c.nx0, c.nx1, x0, x1) > 0 for c in ln.cells for x0, x1 in cols)
            if not (ln.kind == "text" and self._label_only(ln, zone)) or k - j >= HEADER_LOOKBACK:
                return False
            k += 1
        return False

    def _left_margin(self, ln: PLine) -> float:
        """Where the labels of a table starting at `ln` begin: its label, or the left edge of
        the text on its page."""
        if ln.phrases and not ln.phrases[0].numeric:
            return ln.x0
        return self.page_left.get(ln.page, 0.0)

    def _sub_header(self, j: int, zone: float, left: float, cols: list[list[float]]) -> bool:
        """Line j is a header inside the table: one phrase over its columns (no label, no
        years), the next line a row of numbers in the same columns, so the columns carry on
        under a new heading ("Fiscal Six Months Ended" over the second half of a statement).
        A table of its own starts with a header of several lines or with its own dates."""
        lines = self.lines
        ln = lines[j]
        if ln.kind != "text" or len(ln.phrases) != 1 or j + 1 >= len(lines) or \
                not self._over_columns(ln, zone, left):
            return False
        p = ln.phrases[0]
        if p.x0 < zone - ZONE_SLACK_EM * p.size or sum(1 for a, b in cols if _overlap(p.x0, p.x1, a, b) > 0) < 2:
            return False
        nxt = lines[j + 1]
        if nxt.kind != "seed" or nxt.phrases[0].numeric or _misfit(cols, nxt) or \
                self.gap(ln, nxt) > HEADER_GAP_EM * ln.size:
            return False
        return len(nxt.cells) >= 2 and all(any(_overlap(c.nx0, c.nx1, a, b) > 0 for a, b in cols) for c in nxt.cells)

    def _fragment(self, up: PLine, ln: PLine, zone: float) -> bool:
        """`ln` holds text cells of the row of numbers `up` right above it ("4.70-5.75%",
        "July 2025-January 2031" a little under "Other  1  2  3  —", the "2031" of a wrapped
        "March 2025-January"): text in the columns' area only, less than a wrapped line's
        distance below the row."""
        if ln.kind not in ("text", "years") or up.kind not in ("seed", "weak") and id(up) not in self.fragments or \
                up.page != ln.page or not ln.phrases:
            return False
        if not 0 < up.base - ln.base <= self.wrap(max(ln.size, up.size)):
            return False
        return all(p.x0 >= zone - ZONE_SLACK_EM * p.size for p in ln.phrases)

    def _label_number(self, ln: PLine, zone: float) -> bool:
        """A lone number at the labels' place, under a label a wrap above it: the end of the
        wrapped label ("As of December" over "31, 2024", "Balance as of March" over "31"), or a
        footnote marker set small on a line of its own under its label ("(3)")."""
        if ln.kind != "weak" or len(ln.phrases) != 1 or not self._label_only(ln, zone):
            return False
        k = self.index[id(ln)] - 1
        # the label line above it, past the row's numbers set between them
        while k >= 0 and self.lines[k].phrases and self.lines[k].phrases[0].numeric and \
                self.lines[k].kind == "seed":
            k -= 1
        up = self.lines[k] if k >= 0 else None
        return up is not None and up.page == ln.page and up.phrases and not up.phrases[0].numeric and \
            0 < up.base - ln.base <= self.wrap(max(ln.size, up.size)) and \
            abs(ln.x0 - up.x0) <= ALIGN_TOLERANCE_EM * ln.size

    def _label_only(self, ln: PLine, zone: float) -> bool:
        return bool(ln.phrases) and ln.x1 <= zone + ZONE_SLACK_EM * ln.size

    def _over_columns(self, ln: PLine, zone: float, left: float) -> bool:
        """Text over the columns (a header), with or without a label at the left: every phrase
        but a label reaches into the columns and starts clear of the left margin (titles and
        paragraphs start at the margin), and a line that is one phrase centred on the page while
        the columns are not is a title."""
        ps = ln.phrases
        if not ps:
            return False
        slack = ZONE_SLACK_EM * ln.size
        rest = ps[1:] if ps[0].x1 <= zone + slack else ps
        if not rest or not all(p.x0 >= left + HEADER_MIN_INDENT_EM * p.size and p.x1 > zone - slack for p in rest):
            return False
        if len(ps) == 1 and self.cols_centre is not None:
            p = ps[0]
            page_centre = (self.page_left.get(ln.page, 0.0) + self.right_margin) / 2
            tol = TITLE_CENTRE_EM * p.size
            wide = p.x0 < zone - slack or sum(1 for a, b in self.cols if _overlap(p.x0, p.x1, a, b) > 0) >= 2
            if wide and abs((p.x0 + p.x1) / 2 - page_centre) <= tol < abs(self.cols_centre - page_centre):
                return False
        return True

    def _is_header(self, ln: PLine, zone: float, left: float) -> bool:
        """Years or text over the columns; a year at the labels' place is label text."""
        if ln.kind == "years":
            return not self._label_only(ln, zone)
        return ln.kind == "text" and self._over_columns(ln, zone, left)

    def _fits(self, ln: PLine, zone: float, left: float) -> bool:
        return ln.kind == "years" or self._label_only(ln, zone) or self._over_columns(ln, zone, left)

    def _headers_top(self, first: int, zone: float, left: float, floor: int) -> int:
        """The first line of the header above a region's first row: header lines over the
        columns, and the section labels between them and the first row."""
        lines = self.lines
        top = first
        k = first - 1
        steps = 0                     # rows walked (the lines of a wrapped cell count once)
        while k >= floor and steps < HEADER_LOOKBACK:
            ln = lines[k]
            g = self.gap(ln, lines[k + 1])
            if g > HEADER_GAP_EM * ln.size:
                break
            if g > self.wrap(ln.size):
                steps += 1
            if ln.kind == "text" and len(ln.phrases) == 1 and SCALE_LINE_RE.match(ln.phrases[0].text) \
                    and sum(1 for c in lines[first].cells if _overlap(ln.x0, ln.x1, c.nx0, c.nx1) > 0) >= 2:
                break                 # "(in millions, except per share data)": the table's context
            if self._is_header(ln, zone, left):
                top = k
            elif ln.kind == "weak" and 0 <= self.gap(ln, lines[k + 1]) <= self.wrap(ln.size) and \
                    not _misfit(self.cols, ln):
                top = k               # a cell of the first row set a little higher than the rest
            elif not (ln.kind in ("text", "years") and self._label_only(ln, zone)):
                break
            k -= 1
        if top == first:
            return first
        return top

    # -- output ---------------------------------------------------------------------------
    def render(self, render_plain) -> tuple[list[str], dict[int, RowInfo]]:
        """All lines as text: table regions as tab-separated rows (with RowInfo by 0-based output
        line), everything else through `render_plain(line)`; blank lines for vertical space."""
        out: list[str] = []
        info: dict[int, RowInfo] = {}
        regions = self.regions()
        starts = {top: (first, end) for top, first, end in regions}
        i = 0
        table_no = 0
        prev: PLine | None = None
        while i < len(self.lines):
            if i in starts:
                first, end = starts[i]
                rows = self._table_rows(i, first, end)
                if out and out[-1] != "":
                    out.append("")
                for k, (text, spans, indent) in enumerate(rows):
                    info[len(out)] = RowInfo(table_no, k, spans, indent, False)
                    out.append(text)
                out.append("")
                table_no += 1
                prev = None
                i = end
                continue
            ln = self.lines[i]
            if prev is not None and self._continues(prev, ln) and out and out[-1]:
                joint = "" if out[-1].endswith("-") else " "
                out[-1] = out[-1].rstrip() + joint + " ".join(p.text for p in ln.phrases)
                prev = ln
                i += 1
                continue
            if prev is not None and prev.page == ln.page and self.pitch and \
                    prev.base - ln.base > BLANK_LINE_PITCHES * self.pitch * ln.size and out and out[-1] != "":
                out.append("")
            out.append(render_plain(ln))
            prev = ln
            i += 1
        return out, info

    def _continues(self, prev: PLine, ln: PLine) -> bool:
        """`ln` is the next line of the paragraph `prev` wrapped: a line pitch below it in the
        same size, `prev` running to the right margin, `ln` starting at the paragraph's left."""
        if not prev.phrases or not ln.phrases or abs(prev.size - ln.size) > SAME_SIZE_EM * ln.size:
            return False
        if prev.page != ln.page:
            # over a page break: the last line of one page and the first of the next
            k = self.index[id(prev)]
            if k + 1 >= len(self.lines) or self.lines[k + 1] is not ln or prev.phrases[-1].text.endswith((".", ":")):
                return False
        else:
            d = prev.base - ln.base
            if not (0 < d <= self.wrap(ln.size)):
                return False
        if prev.x1 < self.right_margin - WRAPPED_LINE_SLACK_EM * prev.size:
            return False
        if len(prev.phrases) > 1 or len(ln.phrases) > 1:
            return False
        return abs(ln.x0 - self.page_left.get(ln.page, ln.x0)) <= PARAGRAPH_INDENT_EM * ln.size or \
            -ZONE_SLACK_EM * ln.size <= ln.x0 - prev.x0 <= PARAGRAPH_INDENT_EM * ln.size

    def _table_rows(self, top: int, first: int, end: int) -> list[tuple[str, dict[int, int], float]]:
        lines = self.lines[top:end]
        data = [ln for ln in self.lines[first:end] if ln.kind in ("seed", "weak")]
        zone = min(c.nx0 for ln in data for c in ln.cells)
        # numbers glued to a long label by a word space: cells when they stand in a column
        bands = make_bands(data)
        frags = [ln for ln in self.lines[first:end] if id(ln) in self.fragments]
        bands = _with_text_bands(bands, data + frags, zone)
        _widen_by_headers(bands, self.lines[top:first], zone)
        self.cols_centre = (bands[0].cx0 + bands[-1].cx1) / 2 if bands else None
        self.cols = [[b.x0, b.x1] for b in bands]
        for ln in self.lines[first:end]:
            split_glued(ln, zone)
        left = min(ln.x0 for ln in lines if ln.phrases)
        label_left = min((ln.x0 for ln in data if not ln.phrases[0].numeric), default=left)
        header_n = first - top
        rows: list = []
        block: list[PLine] = []           # header lines a line apart: one header row
        for idx, ln in enumerate(lines):
            is_header = id(ln) not in self.fragments and self._is_header(ln, zone, label_left)
            if is_header and (idx < header_n or ln.kind == "years" or not ln.cells):
                if block and not (0 <= block[-1].base - ln.base <= self.wrap(ln.size) or
                                  block[-1].page != ln.page) or block and not self._stackable(block, ln, zone, bands):
                    rows.extend(self._header_rows(block, bands, zone))
                    block = []
                block.append(ln)
                continue
            if block and ln.kind == "text" and self._label_only(ln, zone) and idx + 1 < header_n and \
                    0 <= block[-1].base - ln.base <= self.wrap(ln.size) and \
                    0 <= ln.base - lines[idx + 1].base <= self.wrap(ln.size):
                block.append(ln)          # a label inside a tall header cell ("(millions of dollars)")
                continue
            if block:
                rows.extend(self._header_rows(block, bands, zone))
                block = []
            fields = self._data_fields(ln, bands, zone)
            kind = "data" if ln.kind in ("seed", "weak") else "label"
            rows.append((fields, {}, max(0.0, ln.x0 - left), ln, kind))
        if block:
            rows.extend(self._header_rows(block, bands, zone))
        rows = _label_to_top(rows)
        rows = self._merge_wrapped(rows, _row_pitch(data))
        out = []
        for fields, spans, indent, _, _ in rows:
            text = "\t".join(fields).rstrip("\t")
            if text.strip():
                out.append((text, spans, indent))
        return out

    def _data_fields(self, ln: PLine, bands: list[Band], zone: float) -> list[str]:
        fields = [""] * (len(bands) + 1)
        for p in ln.phrases:
            if p.numeric and p in ln.cells:
                b = _band_of(bands, p.nx0, p.nx1)
                if b is None:
                    b = _nearest_band(bands, p.nx0, p.nx1)
                k = b + 1
            elif p.x1 <= zone + ZONE_SLACK_EM * p.size or not bands:
                k = 0
            else:
                b = _band_of(bands, p.x0, p.x1)
                k = (b if b is not None else _nearest_band(bands, p.x0, p.x1)) + 1
            fields[k] = f"{fields[k]} {p.text}".strip() if fields[k] else p.text
        return fields

    def _split_label(self, ln: PLine, zone: float) -> tuple[list[Phrase], list[Phrase]]:
        slack = ZONE_SLACK_EM * ln.size
        label = [p for p in ln.phrases if p.x1 <= zone + slack and p.x0 < zone - slack]
        return label, [p for p in ln.phrases if p not in label]

    def _stackable(self, block: list[PLine], ln: PLine, zone: float, bands: list[Band]) -> bool:
        """`ln` continues the header row of `block` (a wrapped header cell) when each of its
        phrases stands under at most one phrase of the block and under each at most one, and
        no phrase spanning columns stands over a phrase of one column (a "Three Months Ended"
        over its years is a header row of its own)."""
        above: list[Phrase] = []          # the block's cells so far: phrases stacked over one another
        for b in block:
            for p in self._split_label(b, zone)[1]:
                hit = next((q for q in above if _overlap(p.x0, p.x1, q.x0, q.x1) > 0), None)
                if hit is None:
                    above.append(Phrase(p.text, p.x0, p.x1, p.size))
                else:
                    hit.text += " " + p.text
                    hit.x0, hit.x1 = min(hit.x0, p.x0), max(hit.x1, p.x1)
        below = self._split_label(ln, zone)[1]
        for p in below:
            under = [q for q in above if _overlap(p.x0, p.x1, q.x0, q.x1) > 0]
            if len(under) > 1:
                return False
            if under and bands and _span_width(bands, under[0]) > 1 and _span_width(bands, p) == 1:
                return False
        for q in above:
            if sum(1 for p in below if _overlap(p.x0, p.x1, q.x0, q.x1) > 0) > 1:
                return False
        return True

    def _header_rows(self, block: list[PLine], bands: list[Band], zone: float):
        """The lines of one header row -> (fields, spans, indent, last line, "header"): phrases
        standing over one another are one cell; each cell is placed at the columns it covers."""
        stacks: list[list] = []            # [x0, x1, size, [texts]]
        label: list[str] = []
        for ln in block:
            lab, over = self._split_label(ln, zone)
            label += [p.text for p in lab]
            for p in [q for p in over for q in _split_header(p, bands)]:
                st = next((st for st in stacks if _overlap(p.x0, p.x1, st[0], st[1]) > 0), None)
                if st is None:
                    stacks.append([p.x0, p.x1, p.size, [p.text]])
                else:
                    st[0], st[1] = min(st[0], p.x0), max(st[1], p.x1)
                    st[3].append(p.text)
        stacks.sort(key=lambda st: st[0])
        fields = [""] * (len(bands) + 1)
        fields[0] = " ".join(label)
        spans: dict[int, int] = {}
        hits = [_covered(bands, st[0], st[1]) for st in stacks]
        for st, cov in zip(stacks, hits):
            if not cov:
                continue
            others = {i for c in hits if c is not cov for i in c}
            lo, hi = _widen(bands, cov, others, st[0], st[1], st[2])
            k = lo + 1
            text = " ".join(st[3])
            fields[k] = f"{fields[k]} {text}".strip() if fields[k] else text
            if hi > lo:
                spans[k] = max(spans.get(k, 1), hi - lo + 1)
        return [(fields, spans, 0.0, block[-1], "header")]

    def _merge_wrapped(self, rows, row_pitch: float):
        """A wrapped label is one cell with the numbers of its row, which stand on its first,
        middle or last line: lines closer together than a row pitch (and a line pitch) are one
        cell. Each run of such lines with one row of numbers in it becomes that row; with
        several, each label line goes to the row of numbers nearest to it."""
        def tight(a: PLine, b: PLine) -> bool:
            if a.page != b.page:
                return False
            d = a.base - b.base
            return 0 <= d <= min(self.wrap(b.size), CONTINUATION_PITCH_SHARE * row_pitch)

        out = []
        i = 0
        while i < len(rows):
            if rows[i][4] not in ("data", "label"):
                out.append(rows[i])
                i += 1
                continue
            j = i + 1
            while j < len(rows) and rows[j][4] in ("data", "label") and tight(rows[j - 1][3], rows[j][3]):
                j += 1
            run = _merge_split_rows(rows[i:j])
            data = [k for k, r in enumerate(run) if r[4] == "data"]
            if len(run) == 1:
                out.append(run[0])
            elif not data:
                first = run[0]
                out.append(([" ".join(r[0][0] for r in run if r[0][0])] + first[0][1:], first[1], first[2],
                            run[-1][3], "label"))
            else:
                owner = {}
                for k, r in enumerate(run):
                    if r[4] == "data":
                        owner[k] = k
                        continue
                    # the nearest row of numbers; on a tie the one without a label of its own
                    owner[k] = min(data, key=lambda d: (abs(run[d][3].base - r[3].base), bool(run[d][0][0]), -d))
                for d in data:
                    parts = [run[k][0][0] for k in range(len(run)) if owner[k] == d and run[k][0][0]]
                    fields, spans, indent, ln, kind = run[d]
                    mine = [k for k in range(len(run)) if owner[k] == d]
                    cells = list(fields[1:])
                    for k in mine:           # text cells set on a line of their own
                        if k != d:
                            cells = [f"{a} {b}".strip() for a, b in zip(cells, run[k][0][1:])]
                    out.append(([" ".join(parts)] + cells, spans, run[mine[0]][2], ln, "data"))
            i = j
        return out


def _label_to_top(rows: list) -> list:
    """The label cell of a header is one cell over all its rows (the scale, "(millions of
    dollars)", wherever it stands in that cell): its text goes to the header's first row, so
    the rows under it read as pure column headers."""
    k = 0
    while k < len(rows) and rows[k][4] == "header":
        k += 1
    if k < 2:
        return rows
    labels = [r[0][0] for r in rows[:k] if r[0][0]]
    if not labels:
        return rows
    out = []
    for i, (fields, spans, indent, ln, kind) in enumerate(rows[:k]):
        fields = [" ".join(labels) if i == 0 else ""] + fields[1:]
        out.append((fields, spans, indent, ln, kind))
    return out + rows[k:]


def _merge_split_rows(run: list) -> list:
    """Cells of one row set at different heights (a cell wrapped or aligned differently):
    a row of numbers without a label whose columns another row of the run leaves empty
    joins that row."""
    run = list(run)
    k = 0
    while k < len(run):
        r = run[k]
        if r[4] == "data" and not r[0][0]:
            mine = {i for i, f in enumerate(r[0]) if i and f}
            near = [k + d for d in (1, -1, 2, -2) if 0 <= k + d < len(run) and run[k + d][4] == "data"]
            for o in sorted(near, key=lambda o: not run[o][0][0]):      # rows with a label first
                theirs = {i for i, f in enumerate(run[o][0]) if i and f}
                # a cell may go on a text cell of the row (a wrapped "April 2026" "(2)")
                if theirs and all(not is_cell_number(run[o][0][i]) for i in mine & theirs):
                    upper, lower = (r[0], run[o][0]) if o > k else (run[o][0], r[0])
                    fields = [f"{a} {b}".strip() for a, b in zip(upper, lower)]
                    run[o] = (fields,) + tuple(run[o][1:])
                    del run[k]
                    k -= 1
                    break
        k += 1
    return run


def _split_header(p: Phrase, bands: list[Band]) -> list[Phrase]:
    """Two column headers set close together ("Corporate Eliminations"): a wider than usual
    word gap with words over different columns on either side cuts the phrase."""
    for k in range(1, len(p.words)):
        a, b = p.words[k - 1], p.words[k]
        if b.x0 - a.x1 < HEADER_SPLIT_GAP_EM * max(a.size, b.size):
            continue
        left, right = _phrase(p.words[:k]), _phrase(p.words[k:])
        lc, rc = _covered(bands, left.x0, left.x1), _covered(bands, right.x0, right.x1)
        if lc and rc and max(lc) < min(rc):
            return _split_header(left, bands) + _split_header(right, bands)
    return [p]


def _span_width(bands: list[Band], p: Phrase) -> int:
    """How many columns a header phrase would span on its own."""
    cov = _covered(bands, p.x0, p.x1)
    if not cov:
        return 0
    lo, hi = _widen(bands, cov, set(), p.x0, p.x1, p.size)
    return hi - lo + 1


def _covered(bands: list[Band], x0: float, x1: float) -> list[int]:
    """The columns a header phrase stands over (the nearest one if it overlaps none)."""
    cov = [i for i, b in enumerate(bands)
           if _overlap(x0, x1, b.x0, b.x1) >= HEADER_OVERLAP_SHARE * min(x1 - x0, b.x1 - b.x0)]
    if not cov and bands:
        cov = [_nearest_band(bands, x0, x1)]
    return cov


def _widen(bands: list[Band], cov: list[int], others: set[int], x0: float, x1: float, size: float) -> tuple[int, int]:
    """The first and last column a header phrase spans: those it stands over, widened to the
    largest group of columns centred under it that no other phrase of its row stands over (a
    centred "Six Months Ended" over a date and a percent column spans both)."""
    lo, hi = min(cov), max(cov)
    best = (lo, hi)
    centre = (x0 + x1) / 2
    for a in range(lo, -1, -1):
        if a < lo and a in others:
            break
        for b in range(hi, len(bands)):
            if b > hi and b in others:
                break
            width = bands[b].cx1 - bands[a].cx0
            tol = max(CENTRE_TOLERANCE_EM * size, CENTRE_TOLERANCE_SHARE * width)
            if abs((bands[a].cx0 + bands[b].cx1) / 2 - centre) <= tol and b - a > best[1] - best[0]:
                best = (a, b)
    return best


def _row_pitch(data: list[PLine]) -> float:
    """The typical baseline distance between a table's consecutive rows of numbers."""
    d = [a.base - b.base for a, b in zip(data, data[1:]) if a.page == b.page and a.base > b.base]
    return statistics.median(d) if d else float("inf")


def _paragraph_pitch(lines: list[PLine]) -> float:
    """The baseline distance of consecutive lines of a paragraph, in ems of their size."""
    ratios = []
    for a, b in zip(lines, lines[1:]):
        if a.page == b.page and abs(a.size - b.size) < 0.5 and a.size > 0:
            r = (a.base - b.base) / a.size
            if 0.8 < r < 2.5:
                ratios.append(r)
    if not ratios:
        return 1.2
    ratios.sort()
    return ratios[len(ratios) // 4]      # the tight end: paragraphs, not spaced table rows
