"""One physical line -> its label and numeric cells, for tab-separated and fixed-width text.

Tab-separated lines (PDF conversions) keep their fields; a field is numeric when what remains
after taking out its numbers is only unit words and punctuation. Fixed-width lines are read
from the right: trailing number words separated from the label by a gap are the cells."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from iijdesk.core.tables.numbers import NIL_TOKENS, Num, find_numbers, range_ends

# Words that may stand in a numeric cell beside its number without making it text.
CELL_NOISE_WORDS = frozenset("""
jpy usd yen us u.s. dollars million millions billion billions thousand thousands shares share
yoy qoq up down annual gbps mbps tbps per contracts atms persons people times points pts bil mil
approx approximately about paid forecast target actual plan planned estimate estimated
""".split())
# The gap (in spaces) that separates a fixed-width label from its first number.
FIXED_WIDTH_MIN_GAP = 2
DETACHED_PERCENT_GAP = 3     # spaces a "%" may stand apart from its number and still be its sign
# A tab-less line longer than this with numbers inside is prose, not a table row.
PROSE_MIN_LENGTH = 160
_PURE_NUMERIC_RE = re.compile(r"^[\d,.\s()%+\-−–]+$")
# More numbers than this in one tab field is conversion debris (a whole table run together).
MAX_NUMBERS_PER_FIELD = 3
_GLUED_RE = re.compile(r"\d,\d{3}\d|(?<!JP)(?<!US)[A-Za-z]\d{1,3},\d{3}")
DEBRIS: list = []   # sentinel: the field is debris, not a cell
_DIGIT_RE = re.compile(r"\d")
_NIL_HINT_RE = re.compile(r"(?:^|\s)[-—–_―‐－]{1,3}(?:\s|$)")
# A tab-less line this long is a paragraph: not lexed for cells at all.
PROSE_LINE_SKIP = 400
RULE_RE = re.compile(r"^[\s\-=_─━–—\.]{4,}$")
_MONTH_WORD = re.compile(r"^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,?$", re.I)
_WORD_RE = re.compile(r"\S+")


@dataclass(slots=True)
class Cell:
    num: Num
    field: int = -1        # tab field index (tabbed lines), -1 for fixed-width
    field_text: str = ""   # the whole field the number stands in


@dataclass(slots=True)
class Line:
    no: int
    text: str
    kind: str = "text"                 # blank | rule | data | text
    label: str = ""                    # the row label as printed on this line
    cells: list[Cell] = field(default_factory=list)
    fields: list[str] | None = None    # tab fields, None for tab-less lines
    indent: int = 0
    label_end: int = 0                 # where the label ends (fixed-width)
    debris: bool = False               # numbers run together by the conversion: no usable cells
    key_value: bool = False            # "Label: JPY1,700 million", a one-cell statement
    markup: object = None              # ingest.html.RowInfo when the line is an HTML table row

    @property
    def tabbed(self) -> bool:
        return self.fields is not None


def lex(no: int, text: str) -> Line:
    line = Line(no=no, text=text)
    stripped = text.strip()
    line.indent = len(text) - len(text.lstrip(" "))
    if not stripped:
        line.kind = "blank"
        return line
    if RULE_RE.match(text) and "\t" not in stripped:
        line.kind = "rule"
        return line
    if not _DIGIT_RE.search(text) and not _NIL_HINT_RE.search(text):
        line.fields = text.split("\t") if "\t" in text else None
        line.label = line.fields[0].strip() if line.fields else ""
        return line                        # no digit and no dash: text, nothing to read
    if "\t" not in text and len(stripped) > PROSE_LINE_SKIP:
        return line                        # a paragraph
    if "\t" in text:
        _lex_tabbed(line)
    else:
        _lex_fixed(line)
    if line.cells and (_only_date_parts(line) or (not line.label and all(
            c.num.is_nil or (abs(c.num.value) < 10 and not c.num.decimals and not c.num.percent)
            for c in line.cells))):
        line.cells = []   # no label and only dashes or a stray digit: page furniture, not a row
    line.kind = "data" if line.cells else "text"
    return line


_DATE_WORDS = re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b|\bended\b|\bFY\b|\bas of\b", re.I)


_PERIOD_CODE = re.compile(r"\b[1-4]\s?Q\s?\d{2}|\bFY\s?\d|\bYoY\b|\bchange\b|\bended\b", re.I)


def _only_date_parts(line: Line) -> bool:
    """`(As of Mar\tch 31, 2009 and Dec\tcember 3\t1, 2009)`: days and years of a date split by
    conversion are not cells; nor are the years of a header line (`2008\t3Q08 3Q09 Yo\tYoY`)."""
    plain_years = all(re.fullmatch(r"[23]0\d{2}|19\d{2}", c.num.printed) for c in line.cells)
    # a label that is a unit phrase ("(Dollars in millions)") or itself a year heads a header row
    no_label = not line.label or bool(re.fullmatch(r"\(.*\)|(?:19|20)\d{2}", line.label.strip()))
    if plain_years and (no_label or _PERIOD_CODE.search(line.text)) and (
            _PERIOD_CODE.search(line.text) or _DATE_WORDS.search(line.text) or no_label):
        return True
    # the date words must stand among the cells: a label's "as of June 30, 2025" dates the
    # label's own numbers, and the row's small amounts ("\t3\t3") are amounts
    cells_text = "\t".join(line.fields[1:]) if line.fields and line.label else line.text
    if not _DATE_WORDS.search(cells_text):
        return False
    for c in line.cells:
        n = c.num
        if n.value is None or n.decimals or n.percent or "," in n.printed.strip(",") and not re.fullmatch(r"\d{1,2},?", n.printed):
            return False
        if not (re.fullmatch(r"(?:19|20)\d{2}\)?", n.printed) or (0 < abs(n.value) <= 31 and not n.paren)):
            return False
    return True


def numeric_field(text: str, label: bool = False) -> list[Num] | None:
    """The numbers of a field that is a numeric cell (None when the field is text)."""
    s = text.strip()
    if not s:
        return None
    if s in NIL_TOKENS:
        return find_numbers(s) or None
    nums = find_numbers(s)
    if not nums:
        return None
    if all(n.is_nil for n in nums) and not all(w in NIL_TOKENS for w in s.split()):
        return None  # "- ,- ," is conversion debris, not nil cells
    if _PURE_NUMERIC_RE.match(s):
        if not label and (len(nums) > MAX_NUMBERS_PER_FIELD or _GLUED_RE.search(s)):
            return DEBRIS
        return range_ends(s, nums)          # digits and punctuation only: nothing else to weigh
    rest = s
    for n in reversed(nums):
        rest = rest[: n.start] + " " + rest[n.end:]
    words = [w for w in re.split(r"[\s,;:()\[\]\\/~]+", rest) if w]
    texty = [w for w in words if w.lower().strip(".") not in CELL_NOISE_WORDS and any(c.isalnum() for c in w)]
    if not label and (len(nums) > MAX_NUMBERS_PER_FIELD or _GLUED_RE.search(s)) and \
            len(texty) <= max(2, len(nums) // 2):
        return DEBRIS
    if not texty:
        return nums
    return None


def _lex_tabbed(line: Line) -> None:
    fields = line.text.split("\t")
    line.fields = fields
    pos = 0
    starts = []
    for f in fields:
        starts.append(pos)
        pos += len(f) + 1
    first = numeric_field(fields[0], label=True)
    if first is not None and not _looks_like_label_number(fields[0]):
        line.label = ""
        begin = 0
    else:
        line.label = fields[0].strip()
        begin = 1
    text_fields = 0
    for i in range(begin, len(fields)):
        nums = numeric_field(fields[i])
        if nums is None and fields[i].strip():
            text_fields += 1
        if nums is DEBRIS:
            line.cells = []
            line.debris = True
            return
        if nums is None:
            continue
        for n in nums:
            n.start += starts[i] + (len(fields[i]) - len(fields[i].lstrip()))
            n.end += starts[i] + (len(fields[i]) - len(fields[i].lstrip()))
            line.cells.append(Cell(n, i, fields[i].strip()))
    line.label_end = len(fields[0])
    if line.cells and text_fields >= 2 and text_fields > len({c.field for c in line.cells}) and all(
            c.num.value is None or (abs(c.num.value) < 10 and not c.num.percent and not c.num.decimals)
            for c in line.cells):
        line.cells = []   # a header line with a stray digit ("Operatir Income\t0\t...")


def _looks_like_label_number(s: str) -> bool:
    """A first field that is a lone year or code is a label ("2009"), not a value."""
    s = s.strip()
    return bool(re.fullmatch(r"(?:19|20)\d{2}", s))


_KEY_VALUE_RE = re.compile(
    r"^\s*(?P<label>[A-Za-z(][^:\t]{2,90}):\s+(?P<val>(?:JPY|US\$|\$|¥)?\s?\(?[\d,]*\d(?:\.\d+)?\)?)"
    r"\s*(?P<unit>millions?|billions?|thousands?|shares|contracts)?\s*$")


def _lex_fixed(line: Line) -> None:
    text = line.text
    kv = _KEY_VALUE_RE.match(text)
    if kv:
        # "Fiscal year ending March 31, 2010: JPY1,700 million": a one-cell row
        nums = find_numbers(kv.group("val"), kv.start("val"))
        money_or_count = kv.group("unit") or nums and (nums[0].currency or "," in nums[0].printed)
        if len(nums) == 1 and money_or_count:
            line.label = kv.group("label").strip()
            line.label_end = kv.end("label")
            field = text[kv.start("val"):].strip()
            line.cells = [Cell(nums[0], -1, field)]
            line.key_value = True
            return
    words = [(m.start(), m.end(), m.group(0)) for m in _WORD_RE.finditer(text)]
    if not words:
        return
    cells: list[Num] = []
    i = len(words) - 1
    trailing_unit = ""
    if len(words) >= 2 and words[-1][2].lower().strip(".") in ("shares", "million", "millions", "billion", "contracts", "atms", "persons"):
        if find_numbers(words[-2][2]):
            trailing_unit = words[-1][2]
            i -= 1
    while i >= 0:
        s, e, w = words[i]
        if w in ("Gbps", "Mbps", "Tbps", "%") and i > 0:
            # "530.5 Gbps": the unit belongs to the number before it
            ps, pe, pw = words[i - 1]
            if s - pe <= 1:
                nums = find_numbers(text[ps:e])
                if len(nums) == 1 and nums[0].end - nums[0].start == e - ps:
                    nums[0].start += ps
                    nums[0].end += ps
                    cells.append(nums[0])
                    i -= 2
                    continue
            elif w == "%" and s - pe <= DETACHED_PERCENT_GAP + 1:
                # "14.0  %": the conversion pushed the sign away; the number is still a percent
                nums = find_numbers(pw)
                if len(nums) == 1 and nums[0].printed == pw and not nums[0].percent:
                    nums[0].percent = True
                    nums[0].start += ps
                    nums[0].end += ps
                    cells.append(nums[0])
                    i -= 2
                    continue
            break
        nums = find_numbers(w)
        if len(nums) == 1 and nums[0].printed == w:
            # a year closing a date in a wrapped label ("March 31, 2009 16,833,847") is label text
            if re.fullmatch(r"(?:19|20)\d{2}", w) and i > 0 and (
                    words[i - 1][2].endswith(",") or _MONTH_WORD.match(words[i - 1][2])):
                break
            nums[0].start += s
            nums[0].end += s
            cells.append(nums[0])
            i -= 1
            continue
        break
    if not cells:
        return
    cells.reverse()
    label_words = words[: i + 1]
    label_end = label_words[-1][1] if label_words else 0
    while cells and label_words and cells[0].start - label_end < FIXED_WIDTH_MIN_GAP:
        first = cells[0]
        wide = sum(1 for a, b in zip(cells, cells[1:]) if b.start - a.end >= FIXED_WIDTH_MIN_GAP)
        spaced = len(cells) >= 3 and wide >= len(cells) // 2
        if (first.unit and first.paren) or first.printed.startswith("(-"):
            label_end = first.end      # "(-99Mbps)" is part of the label
            cells.pop(0)
            continue
        if spaced:
            break                      # a long label touching the first of several aligned cells
        return                         # numbers running on in a sentence
    if not cells:
        return
    if label_words and len(text.strip()) > PROSE_MIN_LENGTH and cells[0].start - label_end < 4:
        return
    if not label_words and len(cells) == 1 and not (line.indent > 10):
        # a lone number on a line (page numbers, footnote refs) is not a row
        pass
    line.label = text[:label_end].strip()
    line.label_end = label_end
    line.cells = [Cell(n, -1, (n.printed + " " + trailing_unit) if trailing_unit and n is cells[-1] else "")
                  for n in cells]
