"""PDF (with a text layer) -> plain text that keeps the page's column layout.

Why pypdfium2: it binds PDFium, the PDF engine of Chromium, which opens the broken, encrypted
and oddly-encoded files real investor-relations sites publish; it ships as a self-contained wheel
(no poppler/system libraries to install), is actively maintained, and exposes every character
with its origin and box, which is what layout reconstruction needs. pdfplumber (pdfminer.six)
gives the same boxes but is pure Python and an order of magnitude slower on long releases.

Layout: characters are grouped into lines by their baseline, split into words where the gap
between glyph boxes is wider than a fraction of the font size, and every word is placed at the
text column its x position falls on (x / the page's typical character advance). Text printed in
a monospaced font (fixed-width tables) therefore comes back with its exact spacing; proportional
text comes back with its columns separated by at least COLUMN_MIN_SPACES spaces wherever the
PDF leaves a visible gap, so a row's label and its numbers stay on one line, in order.
Vertical gaps larger than a line become blank lines. A page break is a plain line break (no
blank line), so a statement that runs on over the next page stays one table.
"""
from __future__ import annotations

import ctypes
import statistics
import threading

from iijdesk.core.document import NotAReleaseError
from iijdesk.core.limits import MAX_PDF_PAGES

# Two characters whose baselines differ by less than this share of the font size are on one line
# (superscript footnote markers sit about a third of an em higher).
SAME_LINE_EM = 0.45
# ... and the characters of one line lie within this share of the font size of its first.
LINE_SPREAD_EM = 0.8
# A gap between glyph boxes wider than this share of the font size separates two words.
WORD_GAP_EM = 0.12
# A gap wider than this share of the font size is a column break (not just a word space) ...
COLUMN_GAP_EM = 1.0
# ... and keeps at least this many spaces between the columns.
COLUMN_MIN_SPACES = 2
# A vertical gap of more than this many typical line pitches leaves blank lines (at most MAX_BLANK).
BLANK_LINE_PITCH = 1.6
MAX_BLANK = 3
# Lines wider than this many characters are not padded further (runaway coordinates).
MAX_COLUMNS = 2000

# PDFium is not thread-safe: one document at a time (the GUI imports in a worker thread).
_LOCK = threading.Lock()


# Progress is reported every this many pages.
PROGRESS_EVERY_PAGES = 20


def read_pages(name: str, raw: bytes, progress=None) -> list[list[Char]]:
    """The characters of every page; NotAReleaseError when the PDF cannot be read as text or
    has more than MAX_PDF_PAGES pages. `progress(page, pages)` is told as pages are read."""
    try:
        import pypdfium2 as pdfium
        import pypdfium2.raw as C
    except ImportError as e:  # pragma: no cover - a declared dependency
        raise NotAReleaseError(f"{name}: PDF support is not installed (pypdfium2)") from e
    with _LOCK:
        try:
            pdf = pdfium.PdfDocument(raw)
        except pdfium.PdfiumError as e:
            msg = str(e).lower()
            if "password" in msg:
                raise NotAReleaseError(f"{name}: the PDF is encrypted (password-protected); "
                                       "save an unprotected copy and import that") from None
            raise NotAReleaseError(f"{name}: the PDF is damaged or not a PDF ({e})") from None
        try:
            n_pages = len(pdf)
            if n_pages > MAX_PDF_PAGES:
                raise NotAReleaseError(
                    f"{name}: the PDF has {n_pages:,} pages, more than the {MAX_PDF_PAGES:,} "
                    f"iijdesk reads (a release or filing has far fewer); not imported. Save the "
                    f"pages that hold the statements as a PDF of their own and import that")
            pages = []
            for i in range(n_pages):
                if progress is not None and i % PROGRESS_EVERY_PAGES == 0:
                    progress(i, n_pages)
                page = pdf[i]
                try:
                    tp = page.get_textpage()
                    try:
                        pages.append(_rotate(_page_chars(tp, C), page.get_rotation()))
                    finally:
                        tp.close()
                finally:
                    page.close()
        except pdfium.PdfiumError as e:
            raise NotAReleaseError(f"{name}: the PDF is damaged ({e})") from None
        finally:
            pdf.close()
    if not any(pages):
        raise NotAReleaseError(f"{name}: the PDF has no text layer (a scanned image?); "
                               "run OCR on it first or import the release as text")
    return pages


def pdf_to_text(name: str, raw: bytes, progress=None) -> str:
    """The text of every page, laid out; NotAReleaseError when it cannot be read as text."""
    return layout_pages(read_pages(name, raw, progress))


def pdf_to_lines(name: str, raw: bytes, progress=None) -> tuple[str, dict]:
    """The text of every page and, by 1-based line, what the layout says of its table rows
    (an html.RowInfo, as the HTML reader gives)."""
    return layout_document(read_pages(name, raw, progress))


# One character: (text, x_left, x_right, bottom_y, height); the height stands for the font size.
Char = tuple


def _page_chars(tp, C) -> list[Char]:
    """Every visible character of a page with its loose box (the box of the glyph's advance
    and the font's ascent/descent, the same for every character of a line in one font).
    The page text comes in one call; only non-blank characters cost a box look-up."""
    raw_tp = tp.raw
    text = tp.get_text_range()
    out: list[Char] = []
    rect = C.FS_RECTF()
    prect = ctypes.byref(rect)
    get_box = C.FPDFText_GetLooseCharBox
    i = 0                                   # PDFium's index counts UTF-16 code units
    for ch in text:
        index = i
        i += 2 if ord(ch) > 0xFFFF else 1
        if ch.isspace() or ch in "\ufffe\uffff\x00":
            continue          # spaces and line breaks are re-made from the positions
        if not get_box(raw_tp, index, prect):
            continue
        left, right = min(rect.left, rect.right), max(rect.left, rect.right)
        bottom, top = min(rect.bottom, rect.top), max(rect.bottom, rect.top)
        out.append((ch, left, right, bottom, (top - bottom) or 1.0))
    return out


def _rotate(chars: list[Char], rotation: int) -> list[Char]:
    """Page-space boxes -> boxes as the page is displayed (/Rotate 90, 180, 270: clockwise),
    so a landscape slide stored on a rotated portrait page reads top to bottom, left to right."""
    rotation %= 360
    if not rotation:
        return chars
    out = []
    for ch, left, right, bottom, height in chars:
        top = bottom + height
        if rotation == 90:        # display x = page y, display y = -page x
            out.append((ch, bottom, top, -right, right - left))
        elif rotation == 270:     # display x = -page y, display y = page x
            out.append((ch, -top, -bottom, left, right - left))
        elif rotation == 180:
            out.append((ch, -right, -left, -top, height))
        else:
            out.append((ch, left, right, bottom, height))
    return out


def layout_pages(pages: list[list[Char]]) -> str:
    """Characters of each page -> text lines (see the module docstring)."""
    return layout_document(pages)[0]


def layout_document(pages: list[list[Char]]) -> tuple[str, dict]:
    """Characters of each page -> (text, row info by 1-based line). Monospaced pages keep their
    spacing; in proportional fonts the tables become tab-separated rows (see pdf_grid)."""
    all_chars = [c for p in pages for c in p]
    if not all_chars:
        return "", {}
    advance = _char_advance(all_chars)
    x0 = min(c[1] for c in all_chars)
    if not _monospaced(all_chars):
        from iijdesk.core.ingest import pdf_grid
        lines = []
        for pno, chars in enumerate(pages):
            for y, line_chars in _group_lines(chars):
                words = _words(line_chars)
                size = statistics.median(c[4] for c in line_chars)
                lines.append(pdf_grid.PLine(pno, y, size, words, line_chars))
        grid = pdf_grid.Grid(lines)
        out, info = grid.render(lambda ln: _render_line(ln.chars, x0, advance))
        return _finish(out, info)
    out: list[str] = []
    for chars in pages:
        if not chars:
            continue
        lines = _group_lines(chars)
        pitch = _line_pitch(lines)
        prev_y = None
        for y, line_chars in lines:
            if prev_y is not None and pitch:
                blanks = int(round((prev_y - y) / pitch)) - 1
                if (prev_y - y) > BLANK_LINE_PITCH * pitch and blanks > 0:
                    out.extend([""] * min(blanks, MAX_BLANK))
            out.append(_render_line(line_chars, x0, advance))
            prev_y = y
    return "\n".join(out) + "\n", {}


def _finish(lines: list[str], info: dict) -> tuple[str, dict]:
    """Blank runs collapsed, trailing blanks dropped; row info re-keyed to 1-based lines."""
    out: list[str] = []
    rows: dict = {}
    for i, ln in enumerate(lines):
        ln = ln.rstrip()
        if not ln and (not out or out[-1] == ""):
            continue
        out.append(ln)
        if i in info and ln:
            rows[len(out)] = info[i]
    while out and out[-1] == "":
        out.pop()
    return ("\n".join(out) + "\n" if out else ""), rows


# A document is monospaced (a fixed-width release printed to PDF) when this share of its letters
# have the advance of the typical letter, within MONO_WIDTH_TOLERANCE of it.
MONO_SHARE = 0.9
MONO_WIDTH_TOLERANCE = 0.03


def _monospaced(chars: list[Char]) -> bool:
    widths = [c[2] - c[1] for c in chars if c[0].isalpha()]
    if not widths:
        return True
    mid = statistics.median(widths)
    same = sum(1 for w in widths if abs(w - mid) <= MONO_WIDTH_TOLERANCE * mid)
    return same >= MONO_SHARE * len(widths)


def _words(chars: list[Char]):
    """A line's characters -> pdf_grid.Word objects (split at gaps wider than a word space)."""
    from iijdesk.core.ingest.pdf_grid import Word
    words = []
    group: list = []
    right = size = 0.0
    for c in chars:
        if group and c[1] - right > WORD_GAP_EM * c[4]:
            words.append(Word("".join(g[0] for g in group), group[0][1], right, size,
                              [(g[0], g[1], g[2]) for g in group]))
            group = []
        if not group:
            right, size = c[2], c[4]
        else:
            if c[2] > right:
                right = c[2]
            if c[4] > size:
                size = c[4]
        group.append(c)
    if group:
        words.append(Word("".join(g[0] for g in group), group[0][1], right, size,
                          [(g[0], g[1], g[2]) for g in group]))
    return words


def _char_advance(chars: list[Char]) -> float:
    """The typical horizontal advance of one character (the width of a text column)."""
    widths = [c[2] - c[1] for c in chars if c[2] > c[1]]
    if not widths:
        return 5.0
    return max(0.5, statistics.median(widths))


def _group_lines(chars: list[Char]) -> list[tuple[float, list[Char]]]:
    """(baseline, chars sorted by x) per line, top of the page first."""
    order = sorted(chars, key=lambda c: -c[3])
    lines: list[tuple[float, list[Char]]] = []
    cur: list[Char] = []
    base = None
    size = 1.0
    for c in order:
        # within SAME_LINE_EM of the character above it in the order, and within LINE_SPREAD_EM
        # of the line's first (cells of one row in different fonts sit a little apart)
        if base is not None and cur[-1][3] - c[3] <= SAME_LINE_EM * max(c[4], size, 1.0) and \
                base - c[3] <= LINE_SPREAD_EM * max(c[4], size, 1.0):
            cur.append(c)
            continue
        if cur:
            lines.append((base, cur))
        cur, base, size = [c], c[3], c[4]
    if cur:
        lines.append((base, cur))
    # The line's baseline is that of most of its characters (not of a raised footnote marker).
    pos = {id(c): i for i, c in enumerate(chars)}
    result = []
    for _, cs in lines:
        cs.sort(key=lambda c: c[1])
        for part in _superscripts(cs):
            for run in _overlays(_drop_doubles(part), pos):
                ys = sorted(c[3] for c in run)
                result.append((ys[len(ys) // 2], run))
    return result


# Digits smaller than this share of a line's size are superscripts (footnote markers after a
# number or a label, "(40)¹"): written as superscript digits, so no reader takes them for a
# number of the row.
SUPERSCRIPT_SHARE = 0.8
# ... when they are at most MARKER_MAX_DIGITS digits set within MARKER_GAP_EM of the text before
# them (a cell's small number stands apart from its label).
MARKER_MAX_DIGITS = 3
MARKER_GAP_EM = 0.8
_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def _superscripts(cs: list[Char]) -> list[list[Char]]:
    sizes = sorted(c[4] for c in cs if c[0].isalnum()) or sorted(c[4] for c in cs)
    size = sizes[len(sizes) // 2]        # of letters and digits (a dash's box is taller)
    small = [c[4] < SUPERSCRIPT_SHARE * size and (c[0].isdigit() or c[0] == ",") for c in cs]
    if not any(small):
        return [cs]
    out = list(cs)
    i = 0
    while i < len(cs):
        if not small[i]:
            i += 1
            continue
        j = i
        while j < len(cs) and small[j]:
            j += 1
        run = cs[i:j]
        digits = sum(1 for c in run if c[0].isdigit())
        glued = i > 0 and not small[i - 1] and cs[i - 1][0] not in "($-" and \
            run[0][1] - cs[i - 1][2] <= MARKER_GAP_EM * size
        if digits and digits <= MARKER_MAX_DIGITS and glued:
            for k in range(i, j):
                c = cs[k]
                out[k] = (c[0].translate(_SUPERSCRIPT),) + tuple(c[1:])
        i = j
    return [out]


# A glyph drawn again within this share of its width of the same glyph is the same character
# (simulated bold); a glyph that starts this share of its width inside the one before it
# belongs to another string printed over the line (a hidden link over a page footer).
DOUBLE_SHARE = 0.2
OVERLAP_SHARE = 0.4


def _drop_doubles(cs: list[Char]) -> list[Char]:
    out: list[Char] = []
    for c in cs:
        if out and out[-1][0] == c[0] and abs(c[1] - out[-1][1]) <= DOUBLE_SHARE * max(c[2] - c[1], 0.1):
            continue
        out.append(c)
    return out


def _overlays(cs: list[Char], pos: dict) -> list[list[Char]]:
    """A line's characters as one run, or, where strings were printed over one another, one
    run per string (in the order the page draws them), each sorted by x."""
    def over(a: Char, b: Char) -> bool:
        w = max(min(a[2] - a[1], b[2] - b[1]), 0.1)
        # the letters of one ligature ("fi") share one glyph's box
        same_box = abs(b[1] - a[1]) <= DOUBLE_SHARE * w and a[0].isalpha() and b[0].isalpha()
        return b[1] < a[2] - OVERLAP_SHARE * w and not same_box

    overlaps = sum(1 for a, b in zip(cs, cs[1:]) if over(a, b))
    if not overlaps:
        return [cs]
    # the strings the page draws (characters consecutive in its order), then layers of strings
    # that do not overlap one another
    strings: list[list[Char]] = []
    for c in sorted(cs, key=lambda c: pos.get(id(c), 0)):
        if strings and pos.get(id(c), 0) == pos.get(id(strings[-1][-1]), 0) + 1:
            strings[-1].append(c)
        else:
            strings.append([c])
    runs: list[list[Char]] = []
    for st in strings:
        home = next((r for r in runs if not any(over(a, b) or over(b, a) for a in r for b in st
                                                if a[1] < b[2] and b[1] < a[2])), None)
        if home is None:
            runs.append(list(st))
        else:
            home.extend(st)
    return [sorted(r, key=lambda c: c[1]) for r in runs]


def _line_pitch(lines) -> float:
    gaps = [a[0] - b[0] for a, b in zip(lines, lines[1:]) if a[0] - b[0] > 0]
    return statistics.median(gaps) if gaps else 0.0


def _render_line(chars: list[Char], x0: float, advance: float) -> str:
    words: list[tuple[float, float, float, str]] = []    # (left, right, size, text)
    w_left = w_right = w_size = None
    buf: list[str] = []
    for ch, left, right, _y, size in chars:
        if buf and left - w_right > WORD_GAP_EM * size:
            words.append((w_left, w_right, w_size, "".join(buf)))
            buf = []
        if not buf:
            w_left, w_right, w_size = left, right, size
        buf.append(ch)
        w_right = max(w_right, right)
    if buf:
        words.append((w_left, w_right, w_size, "".join(buf)))

    line = ""
    prev_right = None
    for left, right, size, text in words:
        col = min(MAX_COLUMNS, int(round((left - x0) / advance)))
        if line:
            if left - prev_right < COLUMN_GAP_EM * size:
                col = len(line) + 1        # a word space inside a label or a sentence
            else:
                col = max(col, len(line) + COLUMN_MIN_SPACES)
        line += " " * (col - len(line)) + text
        prev_right = right
    return line.rstrip()
