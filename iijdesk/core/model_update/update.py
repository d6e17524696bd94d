"""Open the analyst's workbook, link, audit, fill and roll forward, and write a copy.

`update_model(model, facts, output)` never writes to `model`: the copy keeps every sheet,
formula and format openpyxl reads; what openpyxl cannot carry over (shapes, form controls and
the like) is compared part by part with the original and said in `UpdateResult.notes`.
"""
from __future__ import annotations

import os
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field

import pandas as pd

from iijdesk.core.model_update.layout import SheetLayout, propose_layout, read_layout, row_label
from iijdesk.core.model_update.link import (FACTOR_WORDS, AuditFinding, CellLink, FactIndex, RowAnalysis,
                                            analyse_row, choose_calendar, fmt_number)
from iijdesk.core.model_update.roll import Written, add_comment, fill_gaps, is_formula, is_number, roll_forward

MODEL_EXTENSIONS = (".xlsx", ".xlsm")
# Parts of an .xlsx package, by kind, compared between the model and its copy.
_PART_KINDS = (
    ("charts", re.compile(r"^xl/charts/chart\d+\.xml$")),
    ("images", re.compile(r"^xl/media/")),
    ("drawings (shapes, text boxes)", re.compile(r"^xl/drawings/drawing\d+\.xml$")),
    ("pivot tables", re.compile(r"^xl/pivotTables/")),
    ("tables", re.compile(r"^xl/tables/")),
    ("macros", re.compile(r"^xl/vbaProject\.bin$")),
    ("external links", re.compile(r"^xl/externalLinks/")),
    ("form controls", re.compile(r"^xl/ctrlProps/")),
    ("slicers", re.compile(r"^xl/slicers?")),
    ("threaded comments", re.compile(r"^xl/threadedComments/")),
)
FINDING_COLUMNS = ["severity", "kind", "sheet", "cell", "label", "period", "model_value", "release_value",
                   "message", "doc", "line", "table"]


class ModelError(Exception):
    """A model that cannot be updated as asked; the message says why and what to do."""


@dataclass
class LayoutChoice:
    """An override of the proposed layout of one sheet (1-based row, column)."""
    period_row: int | None = None
    label_col: int | None = None
    skip: bool = False


@dataclass
class UpdateResult:
    model: str
    output: str | None
    layouts: list[SheetLayout] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)           # sheets without periods
    rows: dict[str, list[RowAnalysis]] = field(default_factory=dict)
    links: list[CellLink] = field(default_factory=list)
    findings: list[AuditFinding] = field(default_factory=list)
    written: list[Written] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def findings_frame(self) -> pd.DataFrame:
        rows = [{"severity": f.severity, "kind": f.kind, "sheet": f.sheet, "cell": f.cell, "label": f.label,
                 "period": f.period, "model_value": f.model_value, "release_value": f.release_value,
                 "message": f.message, "doc": f.doc, "line": f.line,
                 "table": f.sources[0].table if f.sources else ""} for f in self.findings]
        return pd.DataFrame(rows, columns=FINDING_COLUMNS)

    def links_frame(self) -> pd.DataFrame:
        rows = [{"sheet": k.sheet, "cell": k.cell, "label": k.label, "period": k.period,
                 "model_value": k.model_value, "series": "; ".join(k.series), "candidates": len(k.series),
                 "exact": k.exact, "doc": k.sources[0].doc if k.sources else "",
                 "line": k.sources[0].line if k.sources else 0,
                 "table": k.sources[0].table if k.sources else ""} for k in self.links]
        return pd.DataFrame(rows)

    def summary(self) -> str:
        n_rows = sum(len(v) for v in self.rows.values())
        n_linked = sum(ra.linked for v in self.rows.values() for ra in v)
        several = sum(len(ra.candidates) > 1 for v in self.rows.values() for ra in v)
        vals = sum(w.kind == "value" for w in self.written)
        forms = sum(w.kind == "formula" for w in self.written)
        new_cols = sum(w.kind == "header" and w.row == lay.period_row
                       for lay in self.layouts for w in self.written if w.sheet == lay.sheet)
        return (f"{len(self.links)} cells linked in {n_linked} of {n_rows} rows with numbers"
                f"{f' ({several} rows with several candidates)' if several else ''}; "
                f"{len(self.findings)} differ from the releases; "
                f"{vals} figures and {forms} formulas written ({new_cols} new period columns)")

    def report(self, max_lines: int = 200) -> str:
        """The text the command line prints."""
        out = []
        for lay in self.layouts:
            out.append(lay.describe())
            rows = self.rows.get(lay.sheet, [])
            for ra in rows:
                if len(ra.candidates) > 1:
                    out.append(f"  row {ra.row} {ra.label!r}: {len(ra.candidates)} candidates, offered "
                               f"side by side: " + "; ".join(ra.candidate_labels[:4]))
        for s in self.skipped:
            out.append(f"sheet '{s}': no period row found; not linked")
        out.append(self.summary())
        if self.findings:
            out.append("audit:")
            for f in self.findings[:max_lines]:
                out.append(f"  {f.severity:7} {f.sheet}!{f.cell} {f.label} {f.period}: {f.message}")
            if len(self.findings) > max_lines:
                out.append(f"  ... and {len(self.findings) - max_lines} more")
        cols = [w for w in self.written if w.kind == "header"]
        if self.written:
            out.append("written:")
            by_period = Counter((w.sheet, w.period, w.kind) for w in self.written if w.kind != "header")
            for (sheet, period, kind), n in sorted(by_period.items()):
                out.append(f"  {sheet} {period}: {n} {kind}{'s' if n != 1 else ''}")
        for n in self.notes[:max_lines]:
            out.append(f"note: {n}")
        if len(self.notes) > max_lines:
            out.append(f"note: ... and {len(self.notes) - max_lines} more")
        del cols
        return "\n".join(out)


def _check_model(path: str) -> None:
    if not os.path.exists(path):
        raise ModelError(f"{path}: no such file")
    if os.path.isdir(path):
        raise ModelError(f"{path}: is a folder, not an Excel workbook")
    ext = os.path.splitext(path)[1].lower()
    if ext == ".xls":
        raise ModelError(f"{path}: an old-format .xls workbook; save it as .xlsx in Excel or "
                         f"LibreOffice first (openpyxl reads only .xlsx/.xlsm)")
    if ext not in MODEL_EXTENSIONS or not zipfile.is_zipfile(path):
        raise ModelError(f"{path}: not an Excel workbook (.xlsx or .xlsm)")


def load_model(path: str):
    import openpyxl

    _check_model(path)
    try:
        return openpyxl.load_workbook(path, keep_vba=path.lower().endswith(".xlsm"), keep_links=True)
    except Exception as e:      # a damaged or encrypted file: say so
        raise ModelError(f"{path}: cannot be read as a workbook ({type(e).__name__}: {e})") from None


def propose_layouts(wb, choices: dict[str, LayoutChoice] | None = None) -> tuple[list[SheetLayout], list[str]]:
    """The layout of every worksheet (with the user's overrides), and the sheets without one."""
    layouts, skipped = [], []
    choices = choices or {}
    for sheet in wb.worksheets:
        ch = choices.get(sheet.title) or choices.get("*")
        if ch is not None and ch.skip:
            skipped.append(sheet.title)
            continue
        if ch is not None and ch.period_row:
            lay = read_layout(sheet, ch.period_row, label_col=ch.label_col)
        else:
            lay = propose_layout(sheet)
            if lay is not None and ch is not None and ch.label_col:
                lay = read_layout(sheet, lay.period_row, label_col=ch.label_col, tokens=lay.tokens,
                                  year_row=lay.year_row)
        (layouts.append(lay) if lay is not None else skipped.append(sheet.title))
    return layouts, skipped


def _numbers(sheet, lay: SheetLayout) -> dict[int, dict[int, float]]:
    """Row -> column -> hard-coded figure, in the period columns."""
    cols = sorted(lay.tokens)
    out: dict[int, dict[int, float]] = {}
    for row in sheet.iter_rows(min_row=lay.first_row, max_row=lay.last_row, min_col=cols[0], max_col=cols[-1]):
        for cell in row:
            if cell.column in lay.tokens and is_number(cell.value):
                out.setdefault(cell.row, {})[cell.column] = float(cell.value)
    return out


def analyse(wb, facts: pd.DataFrame, choices: dict[str, LayoutChoice] | None = None,
            index: FactIndex | None = None, model: str = "") -> UpdateResult:
    """Layouts, links and audit of an open workbook (nothing written)."""
    index = index if index is not None else FactIndex(facts)
    res = UpdateResult(model, None)
    res.layouts, res.skipped = propose_layouts(wb, choices)
    for lay in res.layouts:
        sheet = wb[lay.sheet]
        nums = _numbers(sheet, lay)
        by_col: dict[int, list[float]] = {}
        for cols in nums.values():
            for c, x in cols.items():
                by_col.setdefault(c, []).append(x)
        choose_calendar(lay, by_col, index)
        rows = []
        for r, cols in sorted(nums.items()):
            label, level = row_label(sheet, lay, r)
            ra = analyse_row(index, lay.sheet, r, label, level, cols, lay,
                             lambda rr, cc: sheet.cell(row=rr, column=cc).coordinate)
            rows.append(ra)
            res.links.extend(ra.links)
            res.findings.extend(ra.findings)
        res.rows[lay.sheet] = rows
    return res


def _parts(path: str) -> Counter:
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
    return Counter(kind for n in names for kind, rx in _PART_KINDS if rx.search(n))


def _annotate(wb, res: UpdateResult) -> None:
    for k in res.links:
        cell = wb[k.sheet][k.cell]
        lines = [f"iijdesk: {k.label or 'row'} {k.period} = the release's figure"
                 + ("" if k.exact else " (within the rounding of the printed precision)")
                 + (f", in {FACTOR_WORDS.get(k.factor, f'x{k.factor:g}')}" if k.factor != 1.0 else "")
                 + (", sign reversed" if k.sign < 0 else "")]
        lines += [s.describe() for s in k.sources[:4]]
        if len(k.series) > 1:
            lines.append(f"{len(k.series)} candidate line items print it")
        add_comment(cell, "\n".join(lines))
    for f in res.findings:
        cell = wb[f.sheet][f.cell]
        add_comment(cell, "\n".join([f"iijdesk audit ({f.severity}): {f.message}"]
                                    + [s.describe() for s in f.sources[:3]]))


def update_model(model: str, facts: pd.DataFrame, output: str, *, choices: dict[str, LayoutChoice] | None = None,
                 roll: bool = True, overwrite: bool = False, index: FactIndex | None = None) -> UpdateResult:
    """Link, audit, fill and roll forward `model`; the result is written to `output`."""
    if facts is None or not len(facts):
        raise ModelError("no release facts loaded: give the releases to link the model to")
    _check_model(model)
    if os.path.abspath(output) == os.path.abspath(model) or (
            os.path.exists(output) and os.path.samefile(output, model)):
        raise ModelError(f"{output}: is the model itself; the model is never overwritten, "
                         f"name a copy (e.g. {os.path.splitext(model)[0]}-updated{os.path.splitext(model)[1]})")
    if os.path.lexists(output) and not overwrite:
        raise ModelError(f"{output}: already exists; choose another name or allow overwriting")
    if os.path.splitext(output)[1].lower() != os.path.splitext(model)[1].lower():
        raise ModelError(f"{output}: give the copy the model's extension "
                         f"({os.path.splitext(model)[1]}), so Excel opens it as the same kind of workbook")
    wb = load_model(model)
    index = index if index is not None else FactIndex(facts)
    res = analyse(wb, facts, choices, index, model)
    res.output = output
    if not res.layouts:
        raise ModelError(f"{model}: no sheet names periods (such as 1Q25, FY2024, Dec-24 or dates) in "
                         f"a row of its top rows; give the period row (--period-row)")
    _annotate(wb, res)
    for lay in res.layouts:
        sheet = wb[lay.sheet]
        rows = res.rows.get(lay.sheet, [])
        w, notes = fill_gaps(sheet, lay, rows, index)
        res.written += w
        res.notes += notes
        if roll:
            w, notes = roll_forward(sheet, lay, rows, index)
            res.written += w
            res.notes += notes
    wb.calculation.fullCalcOnLoad = True      # Excel recalculates the copied formulas on open
    try:
        wb.save(output)
    except OSError as e:
        raise ModelError(f"{output}: not written ({e.strerror or e})") from None
    before, after = _parts(model), _parts(output)
    for kind, n in before.items():
        if after.get(kind, 0) < n:
            res.notes.append(f"the copy lost {n - after.get(kind, 0)} of {n} {kind} "
                             f"(openpyxl does not carry them over); the original keeps them")
    return res
