"""Lines -> tables: data rows grouped into blocks, each with its header lines and title.

A block is a run of data rows that may be interrupted by blank lines, dashed rules, section
labels and wrapped label lines; it ends at prose, at a new header, or at a title. Each row's
cells are mapped to column slots: tab fields for tab-separated text, right-edge clusters for
fixed-width text."""
from __future__ import annotations

import re

from iijdesk.core.document import Document
from iijdesk.core.periods import DATE_RE, MONTH_DAY_RE, PERIOD_HEADING_RE
from iijdesk.core.tables.lines import Line, lex
from iijdesk.core.tables.model import Row, Table

# Words that make a text line a column header rather than a section label or a title.
HEADER_WORDS = re.compile(
    r"months|ended|\bas of\b|\bFY\s?\d|\b[1-4]\s?Q\s?\d|\b[1-4]Q\b|\b[12]H\s?\d|thousands|millions?\b|billions?\b|\bJPY\b|"
    r"\byen\b|U\.\s?S\.|dollars|%|\bYoY\b|\bchange|target|actual|forecast|quarter|"
    r"\b(?:19|20)\d{2}\b|\bunit\b|\bshares\b|revenues$|\b\d{1,2}/\d{1,2}\b|fiscal\s+year|\bperiod\b",
    re.I,
)
# A tab-less text line longer than this is prose (it ends any table).
PROSE_LENGTH = 110
# How far above a block's first row its header and title are looked for.
HEADER_LOOKBACK = 25
TITLE_LOOKBACK = 8
TITLE_MAX_LENGTH = 160


def find_tables(doc: Document) -> list[Table]:
    lines = [lex(i + 1, t) for i, t in enumerate(doc.lines)]
    for no, info in getattr(doc, "rows", {}).items():
        if 0 < no <= len(lines):
            lines[no - 1].markup = info
    _drop_page_furniture(lines)
    blocks = _blocks(lines)
    tables: list[Table] = []
    headings = _duration_headings(lines)
    units = [i for i, ln in enumerate(lines) if ln.kind == "text" and _is_unit_line(ln)]
    # "... consisted of the following (in millions):" states the scale of its note's tables
    notes = {i: m.group(0) for i, ln in enumerate(lines) if ln.kind == "text" and ln.markup is None
             for m in [SCALE_NOTE_RE.search(ln.text)] if m}
    note_heads = [i for i, ln in enumerate(lines) if ln.kind == "text" and NOTE_HEADING_RE.match(ln.text.strip())]
    pct_yoy = [i for i, ln in enumerate(lines) if ln.kind == "text" and PCT_IS_YOY.search(ln.text)]
    for b in blocks:
        t = _make_table(lines, b, tables)
        if t and t.rows:
            first = b[0]
            t.section_heading = next((h for i, h in reversed(headings) if i < first), "")
            u = [i for i in units if first - UNIT_SCOPE_LINES <= i < first]
            t.unit_context = lines[u[-1]].text.strip() if u else ""
            if not t.unit_context:
                head = max((i for i in note_heads if i < first), default=-1)
                start = head if 0 <= first - head <= NOTE_SCOPE_LINES else first - UNIT_SCOPE_LINES
                n = [i for i in notes if max(head, start) <= i < first]
                t.unit_context = notes[n[-1]] if n else ""
            prev_first = tables[-1].rows[0].line.no - 1 if tables and tables[-1].rows else -1
            t.pct_is_yoy = any(max(prev_first, first - UNIT_SCOPE_LINES) < i <= first for i in pct_yoy)
            top = min([h.no - 1 for h in t.header_lines] + [first])
            floor = tables[-1].rows[-1].line.no if tables and tables[-1].rows else 0
            t.preamble = " ".join(ln.text.strip() for ln in lines[max(0, floor, top - PREAMBLE_LINES): top]
                                  if ln.kind == "text")
            if not t.title or t.title == _fallback_title(lines, b):
                cap = _caption_below(lines, b)
                if cap:
                    t.title = cap
            tables.append(t)
    return tables


# A page number standing alone ("12", "- 12 -", "Page 12") or a running footer with one
# ("Form 10-Q | 23"): printed page furniture, not a table row.
PAGE_NUMBER_RE = re.compile(r"^(?:page\s*)?[-–—]?\s*\d{1,3}\s*[-–—]?$|^(?:page\s+)?\d{1,3}\s+of\s+\d{1,3}$", re.I)


def _drop_page_furniture(lines: list[Line]) -> None:
    """Page numbers and running headers are blank space to the table finder: a statement runs
    on over a page break, and no footer becomes a row or a title."""
    for i, ln in enumerate(lines):
        if ln.kind not in ("data", "text") or len(ln.text) > 40:
            continue
        s = " ".join(ln.text.replace("\t", " ").split())
        if PAGE_FURNITURE_RE.match(s):
            ln.kind, ln.cells = "blank", []
            continue
        if ln.kind == "data" and len(ln.cells) == 1 and PAGE_NUMBER_RE.match(s) and ln.markup is None and (
                i + 1 >= len(lines) or lines[i + 1].kind == "blank" or PAGE_FURNITURE_RE.match(lines[i + 1].text.strip())):
            ln.kind, ln.cells = "blank", []


def _duration_headings(lines: list[Line]) -> list[tuple[int, str]]:
    out = []
    for i, ln in enumerate(lines):
        if ln.kind != "text" or ln.markup is not None:
            continue                   # a table's own header row is no heading of the release
        s = ln.text.strip()
        if (len(s) <= 150 or "following table" in s.lower()) and DURATION_HEADING.search(s) and not _is_subtitle(s):
            out.append((i, s))
    return out


def _caption_below(lines: list[Line], block: list[int]) -> str:
    """PDF conversions often print a table's caption under it."""
    i = block[-1] + 1
    while i < len(lines) and lines[i].kind in ("blank", "rule"):
        i += 1
    if i < len(lines) and lines[i].kind == "text" and not is_prose(lines[i]) and not lines[i].tabbed:
        s = lines[i].text.strip()
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        if len(s) < 100 and (nxt is None or nxt.kind == "blank") and not s.startswith(("(", "*", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷")):
            return _clean_title(s)
    return ""


def is_prose(line: Line) -> bool:
    s = line.text.strip()
    if line.tabbed:
        return len(s) > 400 and s.count("\t") <= 2
    return len(s) > PROSE_LENGTH or (len(s) > 60 and s.endswith(".") and " " in s)


# Lines of a stacked fixed-width header that hold only filler words ("of", "total").
HEADER_FILLER = re.compile(r"^(?:\s*(?:of|in|total|revenues?|the|and|ended|end|year|fiscal|%|\(?(?:19|20)\d{2}\)?)\s*)+$", re.I)
# A heading that sets the duration of the tables under it ("... Results (3 months)").
DURATION_HEADING = re.compile(r"\(\s*3\s*months?\s*\)|\b(three|six|nine|twelve)\s+months\s+(ended|ending)\b|\bfull[- ]year\b", re.I)
# Lines above a table read for notes that govern it ("% shown is YoY change").
PREAMBLE_LINES = 40
# How far left of the first numeric column a fixed-width header may start.
FIXED_HEADER_OVERHANG = 10
# A fixed-width header line stands over the numeric columns, right of the label area.
FIXED_HEADER_MIN_INDENT = 12
# "(% shown is YoY change)": the percent columns of the tables under it are changes.
PCT_IS_YOY = re.compile(r"%\s*shown\s*is\s*(YoY|year)", re.I)
# A "Unit: JPY million" line applies to the tables this many lines below it.
UNIT_SCOPE_LINES = 60
# A note's "(in millions)" sentence scales the note's tables, up to this many lines below its heading.
NOTE_SCOPE_LINES = 400


# Inside a fixed-width table only these words make a text line a new header (a section label such
# as "Changes in operating assets:" must not split the table).
STRONG_HEADER_WORDS = re.compile(
    r"months|ended|\bas of\b|thousands|millions|U\.\s?S\.|dollars|\bFY\s?\d|\b[1-4]Q\s?\d|\b(?:19|20)\d{2}\b|%", re.I)


def is_header_line(line: Line, layout: str | None = None, filler: bool = False, strong: bool = False) -> bool:
    """A column header line. In tab-separated text only tabbed lines are headers; a tab-less
    line there is a title or a subtitle."""
    if line.kind != "text" or is_prose(line):
        return False
    if layout == "tabbed" and not line.tabbed:
        return False
    if _is_subtitle(" ".join(line.text.replace("\t", " ").split())):
        return False
    s = line.text.strip()
    if line.tabbed:
        rest = [f.strip() for f in line.fields[1:] if f.strip()]
        if filler and len(rest) >= 2 and not line.fields[0].strip():
            return True    # column names over a tab-separated table
        return bool(rest) and any(HEADER_WORDS.search(f) or f in ("%",) for f in rest + [line.fields[0]])
    if s.endswith(":"):
        return False
    if not line.tabbed and line.indent < FIXED_HEADER_MIN_INDENT and not re.search(r"\S {3,}\S", s):
        return False   # a wrapped label line ("and March 31,") stands in the label area
    if strong and not line.tabbed:
        return bool(STRONG_HEADER_WORDS.search(s)) and not _is_subtitle(s)
    if filler and not line.tabbed and line.indent >= FIXED_HEADER_MIN_INDENT and re.search(r"\S {3,}\S", s):
        return True    # column names stacked over a fixed-width table ("Total   Operating   Net")
    return bool(HEADER_WORDS.search(s)) or (filler and bool(HEADER_FILLER.match(s)))


def _blocks(lines: list[Line]) -> list[list[int]]:
    """Indices of lines forming each block: [first data .. last data] runs."""
    blocks: list[list[int]] = []
    cur: list[int] = []
    i = 0
    n = len(lines)
    while i < n:
        ln = lines[i]
        if ln.kind == "data":
            if cur:
                # a header line between the last row and this one starts a new block
                between = lines[cur[-1] + 1: i]
                if any(is_header_line(b, "tabbed" if ln.tabbed else "fixed", strong=True)
                       and not _inner_period_heading(b, lines[cur[-1]], ln) for b in between) or \
                        any(is_prose(b) for b in between) or \
                        _title_between(between) or _layout_changed(lines[cur[-1]], ln) or \
                        _text_between_markup_tables(lines[cur[-1]], ln, between):
                    blocks.append(cur)
                    cur = []
            cur.append(i)
        i += 1
    if cur:
        blocks.append(cur)
    return blocks


def _inner_period_heading(b: Line, above: Line, below: Line) -> bool:
    """A row of one HTML table that only names a duration ("Fiscal Six Months Ended") between
    rows of that same table: the rows below are that duration's, in the same table."""
    if b.markup is None or above.markup is None or below.markup is None:
        return False
    if not (b.markup.table == above.markup.table == below.markup.table):
        return False
    return bool(_period_heading_text(b))


def _period_heading_text(ln: Line) -> str:
    """The text of a row that only names a period: in the label field, or (in an HTML table)
    alone in a cell spanning the columns."""
    s = _label_text(ln)
    if ln.fields and any(f.strip() for f in ln.fields[1:]):
        filled = [f for f in ln.fields if f.strip()]
        if ln.markup is None or len(filled) != 1:
            return ""
        s = filled[0].strip()
    return s if PERIOD_HEADING_RE.match(s) else ""


def _text_between_markup_tables(a: Line, b: Line, between: list[Line]) -> bool:
    """Two rows of different markup tables with running text between them (a heading, the
    sentence introducing the next table) belong to two tables. Without text between them they
    may be one statement continued over a page break."""
    ma, mb = a.markup, b.markup
    if ma is None or mb is None or ma.table == mb.table:
        return False
    return any(x.kind == "text" and x.markup is None for x in between)


def _layout_changed(a: Line, b: Line) -> bool:
    return a.tabbed != b.tabbed or a.key_value != b.key_value


def _title_between(between: list[Line]) -> bool:
    """A short text line standing alone between blank lines, with more blank lines around it
    than a section label has, is the title of a new table."""
    texts = [b for b in between if b.kind == "text"]
    blanks = sum(1 for b in between if b.kind == "blank")
    if not texts:
        return False
    if any(not b.tabbed and NUMBERED_HEADING.match(b.text.strip()) for b in texts):
        return True       # "2. Dividends", "(3) Number of Shares ..." start a new table
    for k, b in enumerate(between):
        # a flush-left heading between blank lines in an indented fixed-width release
        if b.kind == "text" and not b.tabbed and b.indent == 0 and not b.text.strip().isupper() and \
                0 < k < len(between) - 1 and between[k - 1].kind == "blank" and between[k + 1].kind == "blank" \
                and any(x.kind == "text" and x.indent > 0 for x in between):
            return True
    if any(b.tabbed for b in texts):
        return False
    # tab-separated releases put no blank line between a section label and its rows
    if blanks >= 2 and all(not t.tabbed for t in texts) and any(
            b.kind == "blank" for b in between[:1]) and len(texts) >= 1:
        # fixed-width statements separate every row with blank lines: require a centred title
        return any(t.indent >= 8 and not t.text.strip().endswith(":") and _centred(t) for t in texts) or \
            (blanks >= 3 and len(texts) >= 2 and not any(t.indent > 0 for t in texts))
    return False


def _centred(t: Line) -> bool:
    s = t.text.strip()
    return t.indent >= 10 and len(s) < 80 and not s.endswith(":")


def _make_table(lines: list[Line], block: list[int], previous: list[Table]) -> Table | None:
    first = block[0]
    # header lines directly above the first row
    headers: list[Line] = []
    context: list[str] = []
    j = first - 1
    steps = 0
    fixed = not lines[first].tabbed
    blank_above_headers = False
    passed_section = False
    num_left = min((c.num.start for i in block for c in lines[i].cells), default=0)
    marked = _markup_headers(lines, first)
    if marked is not None:
        headers, j = marked
        steps = HEADER_LOOKBACK       # the markup says where the header ends: no search
        # a "(Dollars in Millions)" row between the header and the first row scales the table
        context += [ln.text.strip() for ln in lines[headers[-1].no: first] if ln.kind == "text" and _is_unit_line(ln)]
    while j >= 0 and steps < HEADER_LOOKBACK:
        ln = lines[j]
        if ln.kind == "data" or is_prose(ln):
            break
        if ln.kind == "blank" and headers:
            blank_above_headers = True
        if ln.kind == "text":
            if fixed and ln.indent < num_left - FIXED_HEADER_OVERHANG:
                header_ok = False   # centred over the label area too: a title, not a column header
            else:
                header_ok = is_header_line(ln, "tabbed" if lines[first].tabbed else "fixed", filler=True) or (
                    fixed and bool(headers) and not blank_above_headers and ln.indent >= FIXED_HEADER_MIN_INDENT
                    and not _is_subtitle(ln.text.strip()))
            if header_ok:
                headers.insert(0, ln)
            elif _is_unit_line(ln):
                context.insert(0, ln.text.strip())
            elif headers or (ln.tabbed and not ln.fields[0].strip()):
                break
            elif _is_section_label(ln, lines[first]):
                passed_section = passed_section or ln.text.strip().endswith(":")
                # a section label above the first row ("ASSETS", "REVENUES:")
            else:
                break
        j -= 1
        steps += 1
    while headers and not headers[0].tabbed and HEADER_FILLER.match(headers[0].text.strip()) and \
            not is_header_line(headers[0], "fixed"):
        headers.pop(0)   # filler lines ("of", "and") belong to a header only under a real one
    # title: nearest short non-header text line above the headers
    title, title_line = "", 0
    k = j
    steps = 0
    prev_block_end = previous[-1].rows[-1].line.no - 1 if previous and previous[-1].rows else -1
    section_above = passed_section
    while k >= 0 and steps < TITLE_LOOKBACK and k > prev_block_end:
        ln = lines[k]
        if ln.kind == "text":
            s = ln.text.strip()
            scale_note = SCALE_NOTE_RE.search(s)
            if scale_note and not _is_subtitle(s) and not _is_unit_line(ln):
                # "... consisted of the following (in millions):": the sentence states the scale
                context.insert(0, scale_note.group(0))
            if _is_subtitle(s):
                context.insert(0, s)
            elif _is_unit_line(ln):
                context.insert(0, s)
            elif PAGE_FURNITURE_RE.match(s):
                pass   # a running page header ("Table of Contents", "Form 10-Q")
            elif NOTE_HEADING_RE.match(s) and len(s) <= TITLE_MAX_LENGTH:
                title, title_line = _clean_title(s), ln.no   # "Note 5 – Accrued Liabilities and Other"
                break
            elif _is_bullet(s) or (s.endswith(")") and "(" not in s) or (s.startswith("(") and ")" not in s):
                pass   # "- Ownership: 74.2% (as of July 2010)" is commentary, not a title
            elif s.endswith(":") and len(s) < 100:
                section_above = True   # "Net income attributable to owners:" labels the rows below
            elif (len(s) <= TITLE_MAX_LENGTH and not is_prose(ln)) or (len(s) <= 260 and NUMBERED_HEADING.match(s)):
                title, title_line = _clean_title(s), ln.no
                up = lines[k - 1] if k > 0 else None
                if up is not None and up.kind == "text" and not up.tabbed and not is_prose(up) and \
                        NUMBERED_HEADING.match(up.text.strip()) and not s[:1].isdigit():
                    title = _clean_title(up.text.strip() + " " + s)   # a heading wrapped over two lines
                break
            elif is_prose(ln):
                # a prose sentence can carry the title's periods ("... (from October 1 to December 31)")
                context.insert(0, s)
                note = next((lines[x] for x in range(k - 1, max(k - NOTE_HEADING_REACH, prev_block_end, -1), -1)
                             if lines[x].kind == "text" and NOTE_HEADING_RE.match(lines[x].text.strip())), None)
                if note is not None:     # "Note 2 – Fair Value ..." over the note's opening paragraph
                    title, title_line = _clean_title(note.text.strip()), note.no
                break
        elif ln.kind == "data":
            break
        k -= 1
        steps += 1
    if not title and previous and not headers:
        # a continuation of the table above (no header of its own)
        prev = previous[-1]
        if prev.rows and first - prev.rows[-1].line.no < 6 and not _layout_changed(prev.rows[-1].line, lines[first]):
            _extend(prev, lines, block)
            return None
    prose_between = lines[first].markup is not None and previous and previous[-1].rows and any(
        is_prose(lines[x]) for x in range(previous[-1].rows[-1].line.no, first))
    if not title and previous and previous[-1].rows and not prose_between and (
            (headers and first - previous[-1].rows[-1].line.no <= len(headers) + 6) or
            (not headers and section_above and first - previous[-1].rows[-1].line.no <= TITLE_LOOKBACK)):
        prev = previous[-1]
        title, title_line = prev.title, prev.title_line
        context = prev.context + context
    layout = "tabbed" if lines[first].tabbed else "fixed"
    t = Table(title=title or _fallback_title(lines, block), title_line=title_line or lines[first].no,
              header_lines=headers, context=context, layout=layout)
    _add_rows(t, lines, block)
    return t


def _markup_headers(lines: list[Line], first: int) -> tuple[list[Line], int] | None:
    """The header rows of an HTML table whose header has spanning cells: the rows of the same
    <table> above its first data row, down to the last one with text over the value columns
    (the label-only rows under it are section headings, left to the rows), with the index of
    the line above the table. None when the markup shows no header structure (no spanning
    cell, the header in a table of its own, or no markup at all)."""
    mk = lines[first].markup
    if mk is None:
        return None
    top = first
    while top > 0 and lines[top - 1].markup is not None and lines[top - 1].markup.table == mk.table \
            and lines[top - 1].kind == "text":
        top -= 1
    above = lines[top:first]
    last = max((k for k, ln in enumerate(above) if ln.fields and any(f.strip() for f in ln.fields[1:])),
               default=-1)
    if last < 0:
        return None
    if not any(ln.markup.spans for ln in above[:last + 1]):
        # a plain grid says no more than its text, but for one thing: a single row of words
        # heading the value columns of its own table ("Product | Number of plaintiffs")
        head = above[-1]
        if len(above) == 1 and head.fields and head.fields[0].strip() and \
                all(re.search(r"[A-Za-z]{3}", f) for f in head.fields[1:] if f.strip()):
            return above, top - 1
        return None          # read as text is read
    return above[:last + 1], top - 1


# A scale stated in parentheses inside a sentence: "(in millions)", "($ in thousands)",
# "(dollars in millions, except per share data)".
SCALE_NOTE_RE = re.compile(r"\((?:[^()]{0,30}\b)?in\s+(?:millions|thousands|billions)\b[^()]{0,60}\)", re.I)
# A filing's running page header or footer: never a table's title.
PAGE_FURNITURE_RE = re.compile(r"^(?:table\s+of\s+contents|index|form\s+10-[qk]|page\s+\d+)(?:\s*\|?\s*\d+)?$", re.I)
# "Note 5 – Accrued Liabilities", "NOTE 12. DEBT": a note's heading titles its tables.
NOTE_HEADING_REACH = 3       # lines above an opening paragraph a note's heading is looked for
NOTE_HEADING_RE = re.compile(r"^note\s+\d{1,2}[a-z]?\s*[.:–—-]\s*[A-Z(]", re.I)


# "# 3. Target of ...", "(2) Consolidated Financial Position": a numbered heading is a title at any length.
NUMBERED_HEADING = re.compile(r"^(?:#+\s*)?(?:\d{1,2}\.|\(\d{1,2}\)|[IVX]+-\d+\.)\s+[A-Z]")


def _is_bullet(s: str) -> bool:
    return bool(re.match(r"^(?:[-–•➤◆■●✓・*]|\(note|note\s*\d|\d\)\s)", s, re.I))


def _is_subtitle(s: str) -> bool:
    return (s.startswith("(") and s.endswith(")")) or bool(re.match(r"^\((for|as of)\b", s, re.I))


def _is_unit_line(ln: Line) -> bool:
    s = ln.text.strip()
    return bool(re.match(r"^(unit\s*:|\(?\s*(JPY|yen|in)\b.*(million|thousand|billion)s?\s*\)?$|\((in\s+)?(millions|thousands|billions)\b)", s, re.I)
                or PAREN_SCALE_LINE_RE.match(s))


# "(Dollars in Millions)", "(Pre-tax Dollars in Millions)", "($ in thousands, except per share)"
PAREN_SCALE_LINE_RE = re.compile(r"^\(\s*[\w$€£¥.\- ]{0,30}\bin\s+(?:millions|thousands|billions)\b[^()]{0,60}\)$", re.I)


def _is_section_label(ln: Line, first_row: Line) -> bool:
    s = ln.text.strip()
    return len(s) < 80 and (s.endswith(":") or s.isupper() or (not ln.tabbed and ln.indent <= first_row.indent + 6))


def _clean_title(s: str) -> str:
    s = re.sub(r"</?u>|\*\*|^#+\s*", "", s)
    s = s.replace("\t", " ")
    return " ".join(s.split())


def _fallback_title(lines: list[Line], block: list[int]) -> str:
    return _clean_title(lines[block[0]].label) or "Table"


def _extend(t: Table, lines: list[Line], block: list[int]) -> None:
    _add_rows(t, lines, block)


def _add_rows(t: Table, lines: list[Line], block: list[int]) -> None:
    """Rows with their labels joined over wrapped lines and their section parents."""
    start = t.rows[-1].line.no if t.rows else (t.header_lines[-1].no if t.header_lines else block[0])
    pending: list[Line] = []
    section = t.rows[-1].section if t.rows else ""
    heading = t.rows[-1].heading if t.rows else ""
    last = block[-1]
    for idx in range(start, min(last + 2, len(lines))):
        ln = lines[idx]
        if idx > last and not (ln.kind == "text" and t.layout == "fixed"):
            break
        if ln.kind == "data" and idx in block:
            label_lines = [p.no for p in pending]
            if pending and _wrapped(pending, ln):
                label = " ".join([_label_text(p) for p in pending] + [ln.label])
            else:
                if pending:
                    section = _clean_title(_label_text(pending[-1])).rstrip(":")
                label = ln.label
                label_lines = []
            row = Row(line=ln, label=" ".join(label.split()), section=section,
                      label_lines=label_lines + [ln.no], heading=heading)
            t.rows.append(row)
            pending = []
        elif ln.kind == "text":
            if t.rows and ln.markup is not None and t.rows[-1].line.markup is not None and \
                    _period_heading_text(ln) and not DATE_RE.search(ln.text) and \
                    ln.markup.table == t.rows[-1].line.markup.table:
                heading = " ".join(_period_heading_text(ln).split())   # "Fiscal Six Months Ended"
                pending = []
                continue
            if is_header_line(ln, t.layout, strong=True) and t.rows:
                t.header_lines.append(ln)   # a repeated header inside the table
                pending = []
                continue
            s = _label_text(ln)
            if PERIOD_HEADING_RE.match(s) and not (ln.fields and any(f.strip() for f in ln.fields[1:])) \
                    and (t.layout == "tabbed" or MONTH_DAY_RE.search(s) or DATE_RE.search(s)):
                # (a dateless "Fiscal year ending" in fixed-width text is the first line of a wrapped label)
                heading = " ".join(s.split())    # "Three Months Ended June 30, 2024": rows below
                pending = []
                continue
            if t.layout == "fixed" and t.rows and not pending and t.rows[-1].line.no == ln.no - 1 and \
                    re.match(r"^\d{1,2},?\s+(?:19|20)\d{2}\b|^(?:19|20)\d{2}\b", s):
                t.rows[-1].label += " " + s        # the tail of a wrapped label printed under its row
                t.rows[-1].label_lines.append(ln.no)
                continue
            if idx > last:
                break
            if s.endswith(":") or (pending and _label_text(pending[-1]).endswith(":")):
                # "REVENUES:" and the like: a section heading, not part of the next label
                if s.endswith(":"):
                    section_lines = pending + [ln]
                    section = " ".join(_label_text(p) for p in section_lines).rstrip(":")
                    section = " ".join(section.split())
                    pending = []
                    continue
            if t.layout == "fixed" and len(pending) >= 2 and ln.indent <= pending[0].indent < pending[-1].indent:
                pending = []   # the wrapped label above had no numbers: a new label starts here
            pending.append(ln)
        elif ln.kind in ("blank", "rule"):
            if ln.kind == "rule" or (pending and t.layout == "tabbed"):
                if pending and t.layout == "tabbed":
                    section = " ".join(_label_text(pending[-1]).split()).rstrip(":")
                pending = [] if ln.kind == "rule" or t.layout == "tabbed" else pending
            if ln.kind == "blank" and pending and t.layout == "fixed":
                section = " ".join(" ".join(_label_text(p) for p in pending).split()).rstrip(":")
                pending = []


def _label_text(ln: Line) -> str:
    if ln.tabbed:
        return ln.fields[0].strip() or " ".join(f.strip() for f in ln.fields if f.strip())
    return ln.text.strip()


def _wrapped(pending: list[Line], row: Line) -> bool:
    """Text lines directly above a row are the start of its label when the layout wraps labels."""
    if row.tabbed:
        # tab-separated: a label-only line right above a row continues into it when the row's
        # own label starts in lower case or the line ends mid-phrase
        p = pending[-1]
        s = _label_text(p)
        if s.endswith(":") or not s:
            return False
        return row.no - p.no == 1 and (row.label[:1].islower() or s.endswith(("and", "of", "in", "to", "for", ",", "-")))
    # fixed-width: consecutive lines (no blank between) form one label
    return pending[-1].no == row.no - 1
