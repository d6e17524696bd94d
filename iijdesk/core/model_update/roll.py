"""Fill what the releases now print into the analyst's model, and roll it forward.

* Gaps: an empty cell of a linked row, in a period column of the kind the row already holds
  figures for (quarters, years), gets the release's figure at the row's scale and sign.
* Roll forward: while the releases print the period after the model's last one, a new column
  is added right of the last period column (never inserted: the analyst's references stay
  where they point). Its header is written the way the previous one is ("2Q10" -> "3Q10").
  A row whose previous cell is a formula gets the formula copied across with its relative
  references shifted (openpyxl's Translator), from the same period a year earlier when that
  cell is a formula too (so a quarter computed from the year and nine months stays right),
  else from the previous period. A hard-coded row gets the figure from the facts when it is
  linked; otherwise it is left empty and listed.
* Everything written is marked: a fill colour and a comment naming the source (release,
  table, line) or the cell the formula was copied from.
"""
from __future__ import annotations

from collections import Counter
from copy import copy
from dataclasses import dataclass, field
from datetime import datetime

from openpyxl.comments import Comment
from openpyxl.formula.translate import Translator
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter

from iijdesk.core.model_update.labels import ColumnPeriod, next_token, parse_label, resolve, year_label_like
from iijdesk.core.model_update.link import (FactIndex, RowAnalysis, Source, distinct_values, expected_points,
                                            fmt_number, source_of)
from iijdesk.core.periods import add_months

# The mark on every cell iijdesk wrote (a light amber the analyst sees at a glance).
WRITTEN_FILL_RGB = "FFFFE08A"
COMMENT_AUTHOR = "iijdesk"
COMMENT_WIDTH_PT, COMMENT_HEIGHT_PT = 320, 110
# Periods added in one run at most (each needs the releases to print it).
MAX_NEW_PERIODS = 8


@dataclass
class Written:
    sheet: str
    cell: str
    row: int
    col: int
    label: str
    period: str
    kind: str                     # "value" | "formula" | "header"
    value: object
    note: str = ""
    sources: list[Source] = field(default_factory=list)


def written_fill() -> PatternFill:
    return PatternFill(fill_type="solid", start_color=WRITTEN_FILL_RGB, end_color=WRITTEN_FILL_RGB)


def add_comment(cell, text: str) -> None:
    """Add iijdesk's note to a cell, after any comment the analyst wrote there."""
    old = cell.comment
    if old is not None and old.text and COMMENT_AUTHOR not in (old.author or ""):
        text = f"{old.text.rstrip()}\n\n{text}"
    c = Comment(text, COMMENT_AUTHOR)
    c.width, c.height = COMMENT_WIDTH_PT, COMMENT_HEIGHT_PT
    cell.comment = c


def is_formula(v) -> bool:
    return isinstance(v, str) and v.startswith("=")


def is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _copy_style(src, dst) -> None:
    if src.has_style:
        dst._style = copy(src._style)


def _mark(cell, text: str) -> None:
    cell.fill = written_fill()
    add_comment(cell, text)


def _fill_value(index: FactIndex, ra: RowAnalysis, p: ColumnPeriod):
    """The figure of a linked row for period `p` in the model's units, its sources, and a
    note when the candidates disagree (then no figure)."""
    exp = expected_points(index, ra, p)
    if not exp:
        return None, [], ""
    groups = distinct_values(index, exp)
    if len(groups) > 1:
        cands = "; ".join(f"{fmt_number(index._v[g[0]] / ra.factor * ra.sign)} ({source_of(index, g[0]).describe()})"
                          for g in groups)
        return None, [source_of(index, g[0]) for g in groups], f"several candidates, not filled: {cands}"
    # the most precise printing of that figure among all the row's series (a row typed in
    # whole millions may be linked to the summary in millions; the statement in thousands
    # prints the same figure more precisely)
    g = list(groups[0])
    for sid in ra.series:
        i = index.standing(sid, p.end, index.months_for(sid, p.months), printed_only=True)
        if i is not None and i not in g and distinct_values(index, [g[0], i]) == [[g[0], i]]:
            g.append(i)
    g = sorted(g, key=lambda i: (bool(index._derived[i]), index._p[i], not index._chosen[i]))
    value = index._v[g[0]] / ra.factor * ra.sign
    value = round(float(value), 9) if abs(value) < 1e15 else float(value)
    if float(value).is_integer():
        value = int(value)
    return value, [source_of(index, i) for i in g], ""


def _source_text(label: str, period: str, sources: list[Source], factor: float) -> str:
    from iijdesk.core.model_update.link import FACTOR_WORDS
    lines = [f"iijdesk wrote this: {label or 'row'} {period}"]
    lines += [s.describe() for s in sources[:4]]
    if len(sources) > 4:
        lines.append(f"... and {len(sources) - 4} more printings")
    if factor != 1.0:
        lines.append(f"(in {FACTOR_WORDS.get(factor, f'x{factor:g}')})")
    return "\n".join(lines)


def fill_gaps(sheet, layout, rows: list[RowAnalysis], index: FactIndex) -> tuple[list[Written], list[str]]:
    written, notes = [], []
    for ra in rows:
        if not ra.linked:
            continue
        months_held = {layout.periods[c.col].months for c in ra.links if c.col in layout.periods}
        for c, p in sorted(layout.periods.items()):
            if p.months not in months_held:
                continue
            cell = sheet.cell(row=ra.row, column=c)
            if cell.value is not None:
                continue
            value, sources, note = _fill_value(index, ra, p)
            tok = layout.tokens[c]
            if note:
                notes.append(f"{sheet.title}!{cell.coordinate} ({ra.label} {tok.display}): {note}")
                continue
            if value is None:
                continue
            cell.value = value
            _mark(cell, _source_text(ra.label, tok.display, sources, ra.factor))
            written.append(Written(sheet.title, cell.coordinate, ra.row, c, ra.label, tok.display, "value",
                                   value, "gap filled", sources))
    return written, notes


def _column_empty(sheet, col: int) -> bool:
    for (row,) in sheet.iter_rows(min_row=1, max_row=sheet.max_row, min_col=col, max_col=col):
        if row.value is not None:
            return False
    return True


def _cadence(layout) -> int | None:
    counts = Counter(p.months for p in layout.periods.values() if p.months > 0)
    if not counts:
        return None
    return max(counts, key=lambda m: (counts[m], -m))


def roll_forward(sheet, layout, rows: list[RowAnalysis], index: FactIndex) -> tuple[list[Written], list[str]]:
    """Add the columns of the periods after the model's last one that the releases print."""
    written, notes = [], []
    by_row = {ra.row: ra for ra in rows}
    for _ in range(MAX_NEW_PERIODS):
        months = _cadence(layout)
        if months is None:
            break
        cols = sorted((c for c, p in layout.periods.items() if p.months == months),
                      key=lambda c: layout.periods[c].end)
        last = cols[-1]
        prev_tok, prev_p = layout.tokens[last], layout.periods[last]
        new_tok = next_token(prev_tok, months)
        new_p = resolve(new_tok, layout.calendar, layout.date_months) if new_tok.kind != "date" else \
            ColumnPeriod(add_months(prev_p.end, months), months)
        if new_p is None or new_p.end <= prev_p.end:
            break
        if any(p.end == new_p.end and p.months == new_p.months for p in layout.periods.values()):
            break                                    # the column exists: gaps were filled
        linked = [ra for ra in rows if ra.linked]
        values = {ra.row: _fill_value(index, ra, new_p) for ra in linked}
        if not any(v is not None or note for v, _, note in values.values()):
            break                                    # the releases do not print it yet
        target = max(layout.tokens) + 1
        if not _column_empty(sheet, target):
            notes.append(f"{sheet.title}: not rolled forward to {new_tok.display}: column "
                         f"{get_column_letter(target)}, right of the last period, is not empty")
            break
        ly_end = add_months(new_p.end, -12)
        ly_col = next((c for c in cols if layout.periods[c].end == ly_end), None)
        # header
        head_src = sheet.cell(row=layout.period_row, column=last)
        head = sheet.cell(row=layout.period_row, column=target)
        _copy_style(head_src, head)
        head.value = datetime(new_tok.day.year, new_tok.day.month, new_tok.day.day) \
            if new_tok.kind == "date" and new_tok.date_format == "excel" else new_tok.text
        _mark(head, f"iijdesk added this period ({new_p.months} months to {new_p.iso}) from the releases")
        written.append(Written(sheet.title, head.coordinate, layout.period_row, target, "", new_tok.display,
                               "header", head.value))
        if layout.year_row and new_tok.year != prev_tok.year:
            _write_year(sheet, layout, last, target, new_tok.year, written)
        src_dim = sheet.column_dimensions[get_column_letter(last)]
        if src_dim.width:
            sheet.column_dimensions[get_column_letter(target)].width = src_dim.width
        for r in range(layout.first_row, layout.last_row + 1):
            # what the row holds in its latest period that holds anything
            prev = sheet.cell(row=r, column=last)
            for c in reversed(cols):
                cell = sheet.cell(row=r, column=c)
                if cell.value is not None:
                    prev = cell
                    break
            new = sheet.cell(row=r, column=target)
            label = _label(sheet, layout, r)
            if is_formula(prev.value):
                origin = prev
                if ly_col is not None and ly_col != prev.column and is_formula(sheet.cell(row=r, column=ly_col).value):
                    origin = sheet.cell(row=r, column=ly_col)
                try:
                    f = Translator(origin.value, origin=origin.coordinate).translate_formula(new.coordinate)
                except Exception as e:       # a formula openpyxl cannot parse: say so, leave it
                    notes.append(f"{sheet.title}!{new.coordinate} ({label}): formula of "
                                 f"{origin.coordinate} not copied ({e})")
                    continue
                _copy_style(prev, new)
                new.value = f
                _mark(new, f"iijdesk copied the formula of {origin.coordinate} for {new_tok.display}")
                written.append(Written(sheet.title, new.coordinate, r, target, label, new_tok.display, "formula", f,
                                       f"from {origin.coordinate}"))
            elif is_number(prev.value):
                ra = by_row.get(r)
                if ra is None or not ra.linked:
                    notes.append(f"{sheet.title}!{new.coordinate} ({label or 'row ' + str(r)}): not filled, "
                                 f"the row is not linked to the releases")
                    continue
                value, sources, note = values.get(r, (None, [], ""))
                if note:
                    notes.append(f"{sheet.title}!{new.coordinate} ({label}): {note}")
                    continue
                if value is None:
                    notes.append(f"{sheet.title}!{new.coordinate} ({label}): no release prints {new_tok.display}")
                    continue
                _copy_style(prev, new)
                new.value = value
                _mark(new, _source_text(label, new_tok.display, sources, ra.factor))
                written.append(Written(sheet.title, new.coordinate, r, target, label, new_tok.display, "value",
                                       value, "rolled forward", sources))
        layout.tokens[target] = new_tok
        layout.periods[target] = new_p
    return written, notes


def _label(sheet, layout, r: int) -> str:
    v = sheet.cell(row=r, column=layout.label_col).value
    return " ".join(str(v).split()) if v is not None and not is_formula(v) else ""


def _write_year(sheet, layout, last: int, target: int, year: int, written: list) -> None:
    """A two-row header: the new column opens a new fiscal year; name it in the year row."""
    for c in range(last, 0, -1):
        cell = sheet.cell(row=layout.year_row, column=c)
        tok = parse_label(cell.value)
        if tok is not None and tok.kind == "year" and tok.year:
            dst = sheet.cell(row=layout.year_row, column=target)
            _copy_style(cell, dst)
            dst.value = year if is_number(cell.value) else year_label_like(tok, year)
            _mark(dst, "iijdesk added this fiscal year's label")
            written.append(Written(sheet.title, dst.coordinate, layout.year_row, target, "", str(dst.value),
                                   "header", dst.value))
            return
