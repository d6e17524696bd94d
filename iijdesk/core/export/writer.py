"""The workbook itself (xlsxwriter): statements, findings, sources, timeline, charts, About.

Every piece of text that comes from a release goes through `write_string`, so a label such as
"=SUM(A1)" or "-Net" is never a formula; the workbook is also opened with strings_to_formulas
off as a second guard.
"""
from __future__ import annotations

import datetime as _dt
import gc
import math
import numbers
import re
import time
from dataclasses import dataclass, field

import pandas as pd
import xlsxwriter
from xlsxwriter.utility import quote_sheetname, xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet

from iijdesk import __version__
from iijdesk.core.export import timeline as TL
from iijdesk.core.export.formats import excel_value, number_format, unit_caption
from iijdesk.core.export.plan import Block, SheetPlan, period_caption, plan_sheets, records
from iijdesk.core.reconcile import fact_ids_of

# Colours (fills) an analyst learns once; the About sheet shows the legend.
MISMATCH_FILL = "#F4B6B6"     # printed total differs from the sum of its items
EDITED_FILL = "#C9EBD0"       # value edited in iijdesk (comment says what it replaced)
FINDING_FILL = "#FFE9A8"      # value involved in a finding
SUSPECT_FONT = "#9C2A00"      # the extractor flagged the number as suspect
HEADER_FILL = "#DCE6F1"
CHECK_FONT = "#595959"
# Column widths (characters).
LABEL_WIDTH_MIN, LABEL_WIDTH_MAX = 18, 70
VALUE_WIDTH_MIN, VALUE_WIDTH_MAX = 9, 20
INDENT_MAX = 6
# Cells linked from one Findings row (the rest are listed as text).
MAX_LINKS_PER_FINDING = 12
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
HEADER_ROWS = 4               # title, period, unit, release
HEADER_HEIGHT = 30            # points: two lines of a wrapped header
RESERVED_SHEETS = ("About", "Findings", "Timeline", "Charts", "Sources")


class _Sheet(Worksheet):
    """A worksheet that skips xlsxwriter's scan for newer Excel functions in every formula:
    the export writes only SUM, ABS and cell references, which need no prefixing."""

    def _prepare_formula(self, formula, expand_future_functions=False):
        if _PLAIN_FORMULA.fullmatch(formula):
            return formula[1:] if formula.startswith("=") else formula
        return super()._prepare_formula(formula, expand_future_functions)


# Formulas made only of these functions, references, numbers and operators.
_PLAIN_FORMULA = re.compile(r"=?(?:SUM|ABS|[A-Z]{1,3}\$?\d+|\$?[A-Z]{1,3}\$?\d+|'[^']*'!|[A-Za-z0-9_. ]+!|"
                            r"[0-9.eE+\-*/(),:<>= ])*")


@dataclass
class ExportResult:
    """Where everything went, for the caller and the tests."""
    path: str = ""
    sheets: list[str] = field(default_factory=list)
    cells: dict = field(default_factory=dict)         # fact id -> (sheet, "B7") main cell
    check_cells: dict = field(default_factory=dict)   # fact id -> (sheet, "C7") printed total
    formulas: dict = field(default_factory=dict)      # (sheet, "B7") -> value iijdesk computed
    totals: dict = field(default_factory=dict)        # fact id -> (formula cell, check cell, tol)
    n_facts: int = 0
    n_findings: int = 0
    seconds: float = 0.0


def write_workbook(ws, path: str, cached_values: bool = True, progress=None,
                   timeline=None) -> ExportResult:
    # The writer makes ~10^5 small objects that all live until the file is saved; cyclic
    # garbage collection passes over them find nothing and cost a third of the time.
    was = gc.isenabled()
    gc.disable()
    try:
        return _Book(ws, path, cached_values, progress, timeline).write()
    finally:
        if was:
            gc.enable()


class _Book:
    def __init__(self, ws, path: str, cached_values: bool, progress, timeline=None) -> None:
        self.ws = ws
        self.core_timeline = timeline
        self.path = path
        self.cached = cached_values
        self.progress = progress
        self.facts = ws.facts
        self.recs = records(self.facts)
        self.findings = getattr(ws, "findings", None)
        if self.findings is None:
            self.findings = pd.DataFrame()
        self.frows = self.findings.to_dict("records") if len(self.findings) else []
        # Row (0-based) of each value on the Sources sheet, which lists the facts in order.
        self.source_row = {fid: i + 1 for i, fid in enumerate(self.recs)}
        self.docs = list(dict.fromkeys(list(getattr(ws, "documents", {}) or {}) + list(self.facts["doc"])))
        self.res = ExportResult(n_facts=len(self.facts), n_findings=len(self.findings))
        self._fmts: dict = {}
        self.comments: dict = {}   # (sheet, row, col) -> [lines]
        self.edits = self._edits()
        self.finding_facts = self._finding_facts()
        self.now = _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0)

    # -- helpers --------------------------------------------------------------------------------
    def fmt(self, **props):
        key = tuple(sorted(props.items()))
        f = self._fmts.get(key)
        if f is None:
            f = self._fmts[key] = self.wb.add_format(props)
        return f

    def _edits(self) -> dict:
        """fact id -> (first old printed, first old value, last new printed)."""
        out: dict = {}
        for e in getattr(self.ws, "edits", []) or []:
            if e.fact_id in out:
                out[e.fact_id] = (out[e.fact_id][0], out[e.fact_id][1], e.new_printed)
            else:
                out[e.fact_id] = (e.old_printed, e.old_value, e.new_printed)
        return out

    def _finding_facts(self) -> dict:
        out: dict = {}
        if not len(self.findings) or "fact_ids" not in self.findings.columns:
            return out
        for i, r in enumerate(self.findings.itertuples(index=False)):
            for fid in fact_ids_of(getattr(r, "fact_ids", None)):
                out.setdefault(fid, []).append(i)
        return out

    def note(self, sheet: str, row: int, col: int, text: str) -> None:
        self.comments.setdefault((sheet, row, col), []).append(text)

    def step(self, i: int, n: int, what: str) -> None:
        if self.progress:
            self.progress(i, n, what)

    # -- the workbook ---------------------------------------------------------------------------
    def write(self) -> ExportResult:
        t0 = time.perf_counter()
        self.wb = xlsxwriter.Workbook(self.path, {
            "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
            "nan_inf_to_errors": True, "in_memory": True})
        self.wb.worksheet_class = _Sheet
        self.wb.set_calc_mode("auto")
        self._properties()
        reserved = {n.casefold() for n in RESERVED_SHEETS}
        # Which rows are sums is a property of the release: decide it on the values as printed
        # (before the user's edits), so an edit that breaks a sum shows as a shaded total.
        as_printed = dict(self.recs)
        for fid, (old_p, old_v, _new) in self.edits.items():
            if fid in as_printed:
                as_printed[fid] = as_printed[fid]._replace(value=old_v, printed=old_p)
        plans = plan_sheets(self.facts, self.docs, reserved=reserved, recs=as_printed,
                            findings=self.findings)
        n = len(plans) + 5
        about = self.wb.add_worksheet("About")
        self.sheet_objs = {}
        for i, plan in enumerate(plans):
            self.step(i, n, plan.name)
            self._statement_sheet(plan)
        self.step(len(plans), n, "Findings")
        self._findings_sheet()
        self.step(len(plans) + 1, n, "Timeline")
        tl = self._timeline_sheet()
        self.step(len(plans) + 2, n, "Charts")
        self._charts_sheet(tl)
        self.step(len(plans) + 3, n, "Sources")
        self._sources_sheet()
        self._about_sheet(about, plans)
        self._flush_comments()
        self.res.sheets = [s.get_name() for s in self.wb.worksheets()]
        self.step(n - 1, n, "saving")
        self.wb.close()
        self.step(n, n, "")
        self.res.seconds = time.perf_counter() - t0
        return self.res

    def _properties(self) -> None:
        docs = self.docs
        title = "iijdesk: " + (", ".join(docs) if len(docs) <= 3 else f"{len(docs)} releases")
        self.wb.set_properties({
            "title": title[:250],
            "subject": "Earnings release tables with live totals and reconciliation findings",
            "author": "iijdesk",
            "manager": "",
            "company": "",
            "category": "Financial statements",
            "keywords": "iijdesk; earnings release; reconciliation",
            "comments": ("Source releases: " + "; ".join(docs))[:1000],
            "created": self.now.replace(tzinfo=None),
        })
        self.wb.set_custom_property("iijdesk version", __version__)
        self.wb.set_custom_property("Source releases", "; ".join(docs)[:255] or "(none)")
        self.wb.set_custom_property("Exported at", self.now.isoformat())
        self.wb.set_custom_property("Release count", len(docs))

    # -- statements -----------------------------------------------------------------------------
    def _statement_sheet(self, plan: SheetPlan) -> None:
        sh = self.wb.add_worksheet(plan.name)
        self.sheet_objs[plan.name] = sh
        any_row_periods = any(b.row_periods or any(b.row_period_text) for b in plan.blocks)
        first_val = 2 if any_row_periods else 1
        widths: dict[int, float] = {0: LABEL_WIDTH_MIN}
        if any_row_periods:
            widths[1] = 16
        below = above = 0
        row = 0
        freeze_row = None
        for bi, b in enumerate(plan.blocks):
            if bi:
                row += 1
            row, fr, (bl, ab) = self._block(sh, plan, b, row, first_val, widths)
            below += bl
            above += ab
            if freeze_row is None:
                freeze_row = fr
        sh.freeze_panes(freeze_row or HEADER_ROWS, first_val)
        sh.outline_settings(True, below >= above, True, False)
        for c, w in widths.items():
            sh.set_column(c, c, w)
        sh.set_zoom(90)
        sh.hide_gridlines(2)
        # Printing: landscape, one page wide, the label column on every page.
        sh.set_landscape()
        sh.set_paper(9)
        sh.fit_to_pages(1, 0)
        sh.repeat_columns(0, first_val - 1)
        sh.set_footer(f"&L{plan.name.replace('&', '&&')}&R&P / &N")

    def _block(self, sh, plan: SheetPlan, b: Block, row: int, first_val: int, widths: dict):
        name = plan.name
        # Positions: each value column, then its check column when it holds totals.
        pos: list[int] = []
        chk: dict[int, int] = {}
        c = first_val
        for ci, col in enumerate(b.columns):
            pos.append(c)
            c += 1
            if col.check:
                chk[ci] = c
                c += 1
        title = b.title or "(untitled table)"
        rel = ", ".join(b.docs)
        sh.write_string(row, 0, title, self.fmt(bold=True, font_size=12))
        sh.write_string(row + 1, 0, f"Release{'s' if len(b.docs) > 1 else ''}: {rel}",
                        self.fmt(italic=True, font_color=CHECK_FONT))
        hdr = self.fmt(bold=True, bg_color=HEADER_FILL, text_wrap=True, align="center", valign="top",
                       border=1, border_color="#B7C4D6")
        hdr_l = self.fmt(bold=True, bg_color=HEADER_FILL, valign="top", border=1, border_color="#B7C4D6")
        multi = len(b.docs) > 1
        n_hdr = HEADER_ROWS if multi else HEADER_ROWS - 1
        r_period, r_unit, r_doc = row + 1, row + 2, (row + 3 if multi else None)
        for rr in (r_unit, r_doc):
            if rr is not None:
                sh.write_blank(rr, 0, None, hdr_l)
        sh.write_string(r_unit, 0, "Line item", hdr_l)
        sh.set_row(r_period, HEADER_HEIGHT)     # room for a wrapped period caption
        if first_val == 2:
            for rr in (r_period, r_unit, r_doc):
                if rr is not None:
                    sh.write_blank(rr, 1, None, hdr_l)
            if b.row_periods or any(b.row_period_text):
                sh.write_string(r_unit, 1, "Period", hdr_l)
        for ci, col in enumerate(b.columns):
            cc = pos[ci]
            top = col.col_label if b.row_periods else (period_caption(col.period_end, col.period_months)
                                                       or col.col_label)
            sh.write_string(r_period, cc, top, hdr)
            sh.write_string(r_unit, cc, unit_caption(col.unit, col.scale, col.measure), hdr)
            if multi:
                sh.write_string(r_doc, cc, _short(col.doc), hdr)
            self.note(name, r_period, cc, f"Printed header: {col.col_label}\nRelease: {col.doc}\n"
                      f"Table: {title}")
            w = max(len(unit_caption(col.unit, col.scale, col.measure)) + 1, VALUE_WIDTH_MIN)
            widths[cc] = max(widths.get(cc, 0), min(w, VALUE_WIDTH_MAX))
            if ci in chk:
                k = chk[ci]
                sh.write_string(r_period, k, "printed", hdr)
                sh.write_string(r_unit, k, "total", hdr)
                if multi:
                    sh.write_blank(r_doc, k, None, hdr)
                self.note(name, r_period, k, "The total as printed in the release. The cell to the "
                          "left adds up its items; both are shaded red where they differ by more "
                          "than rounding.")
                widths[k] = max(widths.get(k, 0), VALUE_WIDTH_MIN)
        data0 = row + n_hdr
        # Cells: address of every fact (for formulas and links).
        addr: dict[tuple, tuple[int, int]] = {}
        for (ri, ci), fid in b.cells.items():
            addr[(ri, ci)] = (data0 + ri, pos[ci])
        below = above = 0
        first_fact: dict[int, object] = {}
        for (ri, ci), fid in sorted(b.cells.items(), key=lambda x: self.source_row[x[1]]):
            first_fact.setdefault(ri, fid)
        for ri, label in enumerate(b.labels):
            r = data0 + ri
            lvl = max(0, min(int(b.levels[ri]), 7))
            bold = ri in b.totals
            lab_fmt = self.fmt(indent=min(lvl, INDENT_MAX), bold=bold)
            fid = first_fact.get(ri)
            if fid is not None:
                # The label links to the row's numbers on the Sources sheet (release, line,
                # the line's text); hovering shows where the row was printed.
                rec = self.recs[fid]
                sh.write_url(r, 0, f"internal:Sources!A{self.source_row[fid] + 1}", lab_fmt,
                             string=label, tip=f"{rec.doc}, line {_int(rec.line)}: click for the "
                             f"source of every number in this row"[:255])
            else:
                sh.write_string(r, 0, label, lab_fmt)
            widths[0] = max(widths[0], min(len(label) + 2 * lvl + 2, LABEL_WIDTH_MAX))
            if b.row_period_text[ri]:
                sh.write_string(r, 1, b.row_period_text[ri])
            depth = max(0, min(int(b.outline[ri]) if ri < len(b.outline) else 0, 7))
            if depth:
                sh.set_row(r, None, None, {"level": depth})
        for (ri, ci), fid in b.cells.items():
            r, cc = addr[(ri, ci)]
            rec = self.recs[fid]
            col = b.columns[ci]
            bold = ri in b.totals
            items = b.sums.get((ri, ci))
            nf = number_format(col.unit, col.scale, _dec(rec, col))
            printed_value = _num(rec.value)
            if items:
                # The total as a live formula over its items; the printed total beside it.
                plus, minus, expect = [], [], 0.0
                for i, ic, sign in items:
                    if (i, ic) in b.sums:          # a subtotal adds in as printed (its check cell)
                        rr, kk = addr[(i, ic)][0], chk[ic]
                    else:
                        rr, kk = addr[(i, ic)]
                    (plus if sign > 0 else minus).append((rr, kk))
                    iv = _num(self.recs[b.cells[(i, ic)]].value)
                    expect += sign * (excel_value(iv, col.unit) if iv is not None else 0.0)
                formula = "=" + (_sum_formula(plus) if plus else "0") + (
                    "-" + _sum_formula(minus) if minus else "")
                main_fmt = self.fmt(num_format=nf, bold=bold)
                sh.write_formula(r, cc, formula, main_fmt, expect if self.cached else "")
                k = chk[ci]
                widths[k] = max(widths.get(k, 0), min(len(str(rec.printed)) + 3, VALUE_WIDTH_MAX))
                if printed_value is None and not NIL_PRINTED.match(str(rec.printed)):
                    # No printed number to compare the sum with: the printed text, no check.
                    sh.write_string(r, k, str(rec.printed),
                                    self.fmt(align="right", font_color=CHECK_FONT, italic=True))
                    self.note(name, r, k, f"Printed as {rec.printed!s}: not a number, so the sum "
                              "to the left is not compared with it.")
                    self.res.formulas[(name, xl_rowcol_to_cell(r, cc))] = expect
                    self.res.cells[fid] = (name, xl_rowcol_to_cell(r, cc))
                    self._annotate(name, r, k, fid, rec)
                    pw = len(str(rec.printed)) + 3
                    widths[cc] = max(widths.get(cc, 0), min(pw, VALUE_WIDTH_MAX))
                    continue
                if printed_value is None:
                    # A nil total ("--"): nothing, i.e. zero, as the checks read it; the cell
                    # still shows the dash as printed.
                    printed_value = 0.0
                    pos, _, neg = nf.partition(";")
                    check_nf = f'{pos};{neg or "-" + pos};"{_quote_fmt(str(rec.printed).strip())}"'
                    self.note(name, r, k, f"Printed as {rec.printed!s} (nil): taken as 0 in the check.")
                else:
                    check_nf = nf
                pv = excel_value(printed_value, col.unit)
                sh.write_number(r, k, pv, self._value_fmt(fid, check_nf, bold, check=True))
                tol = b.tolerance.get((ri, ci), 0.0)
                tol_x = excel_value(tol, col.unit)
                a, p = xl_rowcol_to_cell(r, cc), xl_rowcol_to_cell(r, k)
                # absolute references: the rule shades both cells from the same comparison
                a_abs = xl_rowcol_to_cell(r, cc, row_abs=True, col_abs=True)
                p_abs = xl_rowcol_to_cell(r, k, row_abs=True, col_abs=True)
                sh.conditional_format(r, cc, r, k, {
                    "type": "formula", "criteria": f"=ABS({a_abs}-{p_abs})>{_g(tol_x)}",
                    "format": self.fmt(bg_color=MISMATCH_FILL)})
                self.res.formulas[(name, a)] = expect
                self.res.cells[fid] = (name, a)
                self.res.check_cells[fid] = (name, p)
                self.res.totals[fid] = ((name, a), (name, p), tol_x)
                diff = pv - expect
                if abs(diff) > tol_x:
                    self.note(name, r, k, f"Printed total {rec.printed} differs from the sum of "
                              f"its items by {_fmt_num(diff / (0.01 if col.unit == 'percent' else 1) / max(col.scale, 1))} "
                              f"(in the table's unit); rounding explains at most {_fmt_num(tol / max(col.scale, 1))}.")
                self._annotate(name, r, k, fid, rec)
            else:
                if printed_value is None:
                    sh.write_string(r, cc, str(rec.printed),
                                    self.fmt(align="right", font_color=CHECK_FONT))
                else:
                    sh.write_number(r, cc, excel_value(printed_value, col.unit),
                                    self._value_fmt(fid, nf, bold))
                self.res.cells[fid] = (name, xl_rowcol_to_cell(r, cc))
                self._annotate(name, r, cc, fid, rec)
            pw = len(str(rec.printed)) + 3
            widths[cc] = max(widths.get(cc, 0), min(pw, VALUE_WIDTH_MAX))
        # Outline direction: does a total sit below its items or above them?
        for (ri, _ci), items in b.sums.items():
            if items and max(i for i, _c, _s in items) < ri:
                below += 1
            elif items:
                above += 1
        return data0 + len(b.labels), data0, (below, above)

    def _value_fmt(self, fid, nf: str, bold: bool, check: bool = False):
        props = {"num_format": nf}
        if bold:
            props["bold"] = True
        if check:
            props["font_color"] = CHECK_FONT
            props["italic"] = True
        if fid in self.edits:
            props["bg_color"] = EDITED_FILL
        elif fid in self.finding_facts:
            props["bg_color"] = FINDING_FILL
        if self.recs[fid].flag == "suspect":
            props["font_color"] = SUSPECT_FONT
        return self.fmt(**props)

    def _annotate(self, sheet: str, r: int, c: int, fid, rec) -> None:
        """Comments for what an analyst must not miss: edits, suspect flags, findings."""
        if fid in self.edits:
            old_p, old_v, new_p = self.edits[fid]
            self.note(sheet, r, c, f"Edited in iijdesk: replaced {old_p!s} (value {_fmt_num(old_v)}) "
                      f"with {new_p!s}. Source: {rec.doc}, line {_int(rec.line)}.")
        if rec.flag == "suspect":
            self.note(sheet, r, c, f"Suspect: {rec.note or 'flagged by the extractor'}")
        for i in self.finding_facts.get(fid, [])[:5]:
            fr = self.frows[i]
            self.note(sheet, r, c, f"Finding ({fr.get('kind', '')}, {fr.get('severity', '')}): "
                      f"{fr.get('message', '')}")

    def _flush_comments(self) -> None:
        opts = {"x_scale": 2.2, "y_scale": 1.6}
        for (sheet, r, c), texts in self.comments.items():
            sh = self.wb.get_worksheet_by_name(sheet)
            sh.write_comment(r, c, "\n".join(texts)[:32000], opts)

    # -- findings -------------------------------------------------------------------------------
    def _findings_sheet(self) -> None:
        """One row a finding; a finding folded under a root (its `root`) follows that root."""
        sh = self.wb.add_worksheet("Findings")
        cols = ["#", "Severity", "Kind", "Rule", "Release", "Lines", "Message", "Expected", "Actual",
                "Difference", "Suggested value", "Finding id", "Root finding", "Cells"]
        first_link = len(cols) - 1
        hdr = self.fmt(bold=True, bg_color=HEADER_FILL, border=1, border_color="#B7C4D6")
        for c, h in enumerate(cols):
            sh.write_string(0, c, h, hdr)
        link = self.fmt(font_color="#0563C1", underline=1)
        wrap = self.fmt(text_wrap=True, valign="top")
        right = self.fmt(align="right")
        num = self.fmt(num_format="#,##0.####;(#,##0.####)")
        fd = self.frows
        maxlinks = 0
        if len(fd):
            order = sorted(range(len(fd)), key=lambda i: (
                SEVERITY_ORDER.get(str(fd[i].get("severity", "")), 9),
                self._doc_rank(str(fd[i].get("doc", ""))), _first_line(fd[i].get("lines", ""))))
            order = _roots_first(fd, order)
            for n, i in enumerate(order, start=1):
                r = fd[i]
                sh.write_number(n, 0, n)
                for c, key in ((1, "severity"), (2, "kind"), (3, "rule"), (4, "doc"), (5, "lines")):
                    sh.write_string(n, c, _text(r.get(key, "")))
                sh.write_string(n, 6, _text(r.get("message", "")), wrap)
                # As the release would print them where the checks say so; else base units.
                for c, key in ((7, "expected"), (8, "actual"), (9, "difference"), (10, "fix_value")):
                    text = _text(r.get(f"{key}_text", "")) if key in ("expected", "actual") else ""
                    if text:
                        sh.write_string(n, c, text, right)
                    else:
                        _write_any(sh, n, c, r.get(key, None), num)
                sh.write_string(n, first_link - 2, _text(r.get("id", "")))
                sh.write_string(n, first_link - 1, _text(r.get("root", "")))
                ids = fact_ids_of(r.get("fact_ids", None))
                c = first_link
                rest = []
                for fid in ids:
                    where = self.res.cells.get(fid)
                    if where is None:
                        continue
                    if c - first_link < MAX_LINKS_PER_FINDING:
                        sheet, cell = where
                        sh.write_url(n, c, f"internal:{quote_sheetname(sheet)}!{cell}", link,
                                     string=f"{sheet}!{cell}",
                                     tip=_fact_tip(self.recs[fid])[:255])
                        c += 1
                    else:
                        rest.append(f"{where[0]}!{where[1]}")
                if rest:
                    sh.write_string(n, c, "also: " + ", ".join(rest))
                    c += 1
                maxlinks = max(maxlinks, c - first_link)
        else:
            sh.write_string(1, 6, "No findings: every check passed (or no checks ran).")
        for c in range(first_link + 1, first_link + maxlinks):
            sh.write_string(0, c, f"Cell {c - first_link + 1}", hdr)
        sh.freeze_panes(1, 0)
        sh.set_landscape()
        sh.fit_to_pages(1, 0)
        sh.repeat_rows(0)
        sh.autofilter(0, 0, max(len(fd), 1), first_link - 1)
        for c, w in enumerate([5, 9, 15, 18, 26, 12, 80, 14, 14, 14, 14, 30]):
            sh.set_column(c, c, w)
        longest = max([len(f"{s}!{r}") for s, r in self.res.cells.values()] + [10])
        sh.set_column(first_link, first_link + max(maxlinks, 1), min(longest + 2, 45))

    def _doc_rank(self, doc: str) -> int:
        try:
            return self.docs.index(doc)
        except ValueError:
            return len(self.docs)

    # -- sources --------------------------------------------------------------------------------
    def _sources_sheet(self) -> None:
        """One row per value: its cell (linked), release, line, labels, printed text, flag,
        edit, and the release's line itself. Period, unit and table are in the statement's
        headers, one click away."""
        sh = self.wb.add_worksheet("Sources")
        cols = ["Cell", "Fact id", "Release", "Line", "Row label", "Column header", "Printed",
                "Flag / note", "Edited: replaced", "Source line"]
        hdr = self.fmt(bold=True, bg_color=HEADER_FILL, border=1, border_color="#B7C4D6")
        for c, h in enumerate(cols):
            sh.write_string(0, c, h, hdr)
        link = self.fmt(font_color="#0563C1", underline=1)
        edited = self.fmt(bg_color=EDITED_FILL)
        docs = getattr(self.ws, "documents", {}) or {}
        cells = self.res.cells
        ws_string, ws_number = sh.write_string, sh.write_number
        n = 0
        for fid, rec in self.recs.items():
            n += 1
            where = cells.get(fid)
            if where:
                sh.write_url(n, 0, f"internal:{quote_sheetname(where[0])}!{where[1]}", link,
                             string=f"{where[0]}!{where[1]}")
            ws_number(n, 1, int(fid))
            ws_string(n, 2, str(rec.doc))
            line = _int(rec.line)
            if line is not None:
                ws_number(n, 3, line)
            ws_string(n, 4, str(rec.row_label))
            ws_string(n, 5, str(rec.col_label))
            ws_string(n, 6, str(rec.printed))
            if rec.flag or rec.note:
                ws_string(n, 7, " ".join(x for x in (str(rec.flag), str(rec.note)) if x))
            if fid in self.edits:
                old_p, old_v, _new = self.edits[fid]
                ws_string(n, 8, f"{old_p} ({_fmt_num(old_v)})", edited)
            d = docs.get(rec.doc)
            if d is not None and line is not None and 0 < line <= len(d.lines):
                ws_string(n, 9, d.lines[line - 1].rstrip()[:2000])
        sh.freeze_panes(1, 1)
        sh.set_landscape()
        sh.repeat_rows(0)
        sh.autofilter(0, 0, max(n, 1), len(cols) - 1)
        for c, w in enumerate([26, 8, 26, 6, 40, 36, 14, 24, 18, 100]):
            sh.set_column(c, c, w)

    # -- timeline and charts --------------------------------------------------------------------
    def _timeline_sheet(self):
        sh = self.wb.add_worksheet("Timeline")
        tl = TL.build(self.ws, self.facts, self.docs, self.recs, core=self.core_timeline)
        margin = TL.add_margin(tl)
        hdr = self.fmt(bold=True, bg_color=HEADER_FILL, text_wrap=True, align="center", border=1,
                       border_color="#B7C4D6")
        hdr_l = self.fmt(bold=True, bg_color=HEADER_FILL, border=1, border_color="#B7C4D6")
        for c, h in enumerate(("Line item", "Under", "Unit", "Statement")):
            sh.write_string(0, c, h, hdr_l)
            sh.write_blank(1, c, None, hdr_l)
        sh.write_string(1, 0, "Values link to their statement cells; italics: derived quarters "
                        "(cumulative less the earlier cumulative).", hdr_l)
        first = 4
        for j, (end, months) in enumerate(tl.periods):
            sh.write_string(0, first + j, TL.months_caption(months), hdr)
            sh.write_string(1, first + j, end, hdr)
        tl.sheet = sh.get_name()
        tl.first_col = first
        tl.first_row = 2
        name = tl.sheet
        for i, s in enumerate(tl.series):
            r = 2 + i
            sh.write_string(r, 0, s.label)
            if s.parent:
                sh.write_string(r, 1, s.parent)
            sh.write_string(r, 2, unit_caption(s.unit, s.scale, "value"))
            sh.write_string(r, 3, s.kind)
            nf = number_format(s.unit, s.scale, s.decimals)
            plain = self.fmt(num_format=nf)
            if s.ratio is not None:
                a, b = s.ratio
                sa, sb = tl.series[a], tl.series[b]
                for j in range(len(tl.periods)):
                    va, vb = sa.values.get(j), sb.values.get(j)
                    if va is None or not vb:
                        continue
                    ca, cb = xl_rowcol_to_cell(2 + a, first + j), xl_rowcol_to_cell(2 + b, first + j)
                    sh.write_formula(r, first + j, f"={ca}/{cb}", plain, va / vb if self.cached else "")
                    self.res.formulas[(name, xl_rowcol_to_cell(r, first + j))] = va / vb
                continue
            for j, fid in s.points.items():
                v = _num(self.recs[fid].value)
                if v is None:
                    continue
                xv = excel_value(v, s.unit)
                where = self.res.check_cells.get(fid) or self.res.cells.get(fid)
                fm = plain
                if s.status.get(j) in ("restated", "conflict", "chosen"):
                    fm = self.fmt(num_format=nf, bg_color=FINDING_FILL)
                    self.note(name, r, first + j, f"{s.status[j]}: the value from "
                              f"{self.recs[fid].doc} (line {_int(self.recs[fid].line)}) stands.")
                if where:
                    # A total's main cell is its formula; the timeline shows the printed total.
                    sh.write_formula(r, first + j, f"={quote_sheetname(where[0])}!{where[1]}", fm,
                                     xv if self.cached else "")
                    self.res.formulas[(name, xl_rowcol_to_cell(r, first + j))] = xv
                else:
                    sh.write_number(r, first + j, xv, fm)
            dfmt = self.fmt(num_format=nf, italic=True, font_color=CHECK_FONT)
            for j, (val, a, b) in s.derived.items():
                xv = excel_value(val, s.unit)
                if a is not None and b is not None:
                    ca, cb = xl_rowcol_to_cell(r, first + a), xl_rowcol_to_cell(r, first + b)
                    sh.write_formula(r, first + j, f"={ca}-{cb}", dfmt, xv if self.cached else "")
                    self.res.formulas[(name, xl_rowcol_to_cell(r, first + j))] = xv
                else:
                    sh.write_number(r, first + j, xv, dfmt)
        sh.freeze_panes(2, first)
        sh.set_landscape()
        sh.repeat_rows(0, 1)
        sh.repeat_columns(0, first - 1)
        sh.set_column(0, 0, min(max([len(s.label) for s in tl.series] + [20]) + 2, LABEL_WIDTH_MAX))
        sh.set_column(1, 1, 24)
        sh.set_column(2, 2, 16)
        sh.set_column(3, 3, 11)
        sh.set_column(first, first + max(len(tl.periods), 1), 12)
        if tl.series:
            sh.autofilter(1, 0, 1 + len(tl.series), first - 1)
        tl.margin_row = margin
        return tl

    def _charts_sheet(self, tl) -> None:
        sh = self.wb.add_worksheet("Charts")
        specs = TL.chart_specs(tl, getattr(tl, "margin_row", None))
        if not specs:
            sh.write_string(0, 0, "No series with two or more periods to chart.")
            return
        sh.write_string(0, 0, "Charts read the Timeline sheet, so they follow any change made "
                        "there or in the statements.", self.fmt(italic=True, font_color=CHECK_FONT))
        for k, spec in enumerate(specs):
            opts = {"type": spec.kind}
            if spec.subtype:
                opts["subtype"] = spec.subtype
            chart = self.wb.add_chart(opts)
            c0, c1 = tl.first_col + spec.cols[0], tl.first_col + spec.cols[-1]
            for idx in spec.rows:
                r = tl.first_row + idx
                ser = {"name": [tl.sheet, r, 0], "categories": [tl.sheet, 1, c0, 1, c1],
                       "values": [tl.sheet, r, c0, r, c1]}
                if spec.kind == "line":
                    ser["marker"] = {"type": "circle"}
                chart.add_series(ser)
            if spec.secondary:
                line = self.wb.add_chart({"type": "line"})
                for idx in spec.secondary:
                    r = tl.first_row + idx
                    line.add_series({"name": [tl.sheet, r, 0], "categories": [tl.sheet, 1, c0, 1, c1],
                                     "values": [tl.sheet, r, c0, r, c1], "y2_axis": True,
                                     "marker": {"type": "square"}})
                line.set_y2_axis({"num_format": spec.secondary_format, "name": "margin"})
                chart.combine(line)
            chart.set_title({"name": spec.title})
            y_axis = {"num_format": spec.num_format, "name": spec.y_title,
                      "major_gridlines": {"visible": True}}
            if spec.y_min is not None:
                y_axis["min"] = spec.y_min
            chart.set_y_axis(y_axis)
            chart.set_x_axis({"name": "period end", "num_font": {"rotation": -45},
                              "label_position": "low"})      # below negative bars too
            chart.set_legend({"position": "bottom"})
            chart.show_blanks_as("gap")
            chart.set_size({"width": 760, "height": 380})
            sh.insert_chart(2 + 20 * (k // 2), 12 * (k % 2), chart)

    # -- about ----------------------------------------------------------------------------------
    def _about_sheet(self, sh, plans: list[SheetPlan]) -> None:
        bold = self.fmt(bold=True)
        big = self.fmt(bold=True, font_size=14)
        link = self.fmt(font_color="#0563C1", underline=1)
        r = 0
        sh.write_string(r, 0, "iijdesk export", big)
        r += 2
        for k, v in (("Exported at (UTC)", self.now.strftime("%Y-%m-%d %H:%M:%S")),
                     ("iijdesk version", __version__),
                     ("Facts", str(len(self.facts))), ("Findings", str(len(self.findings))),
                     ("Edited values", str(len(self.edits)))):
            sh.write_string(r, 0, k, bold)
            sh.write_string(r, 1, v)
            r += 1
        r += 1
        sh.write_string(r, 0, "Source releases", bold)
        r += 1
        docs = getattr(self.ws, "documents", {}) or {}
        counts = self.facts["doc"].value_counts()
        for d in self.docs:
            doc = docs.get(d)
            sh.write_string(r, 0, d)
            sh.write_string(r, 1, f"{int(counts.get(d, 0))} values" + (
                f"; read from {doc.path} ({doc.encoding}, {doc.source_kind})" if doc is not None and doc.path else ""))
            r += 1
        r += 1
        sh.write_string(r, 0, "Sheets", bold)
        r += 1
        for p in plans:
            sh.write_url(r, 0, f"internal:{quote_sheetname(p.name)}!A1", link, string=p.name)
            sh.write_string(r, 1, f"{len(p.blocks)} table layout(s) from {', '.join(p.docs)}")
            r += 1
        for nm, what in (("Findings", "one row per finding, linked to the cells involved"),
                         ("Timeline", "each line item across releases and periods"),
                         ("Charts", "native charts of the main series"),
                         ("Sources", "release and line of every value, with the source text")):
            sh.write_url(r, 0, f"internal:{quote_sheetname(nm)}!A1", link, string=nm)
            sh.write_string(r, 1, what)
            r += 1
        r += 1
        sh.write_string(r, 0, "How to read the statements", bold)
        r += 1
        legend = [
            (None, "Values are stored in base units (JPY, not JPY millions); the number format shows "
                   "the table's own unit, so formulas across tables agree."),
            (None, "Totals are live SUM formulas over their items; the grey 'printed total' column "
                   "beside them holds the total as printed (a subtotal adds into a higher total as printed)."),
            (MISMATCH_FILL, "Printed total differs from the sum of its items by more than rounding"),
            (EDITED_FILL, "Edited in iijdesk; the cell comment says what it replaced"),
            (FINDING_FILL, "Involved in a finding (see the comment and the Findings sheet)"),
        ]
        for colour, text in legend:
            if colour:
                sh.write_blank(r, 0, None, self.fmt(bg_color=colour, border=1))
            sh.write_string(r, 1, text)
            r += 1
        sh.set_column(0, 0, 34)
        sh.set_column(1, 1, 110)
        sh.activate()


# ----------------------------------------------------------------------------------------------
# A printed total that is a nil mark rather than a number.
NIL_PRINTED = re.compile(r"^\s*[-\u2010-\u2015\u2212\u30fc\uff0d_]{1,3}\s*$")


def _quote_fmt(text: str) -> str:
    """Text for a quoted section of an Excel number format."""
    return text.replace('"', "")


def _sum_formula(refs: list[tuple[int, int]]) -> str:
    """SUM over cells, as ranges where they run down one column without gaps."""
    parts: list[str] = []
    run: list[tuple[int, int]] = []

    def flush():
        if not run:
            return
        a = xl_rowcol_to_cell(*run[0])
        parts.append(a if len(run) == 1 else f"{a}:{xl_rowcol_to_cell(*run[-1])}")
        run.clear()

    for rc in refs:
        if run and rc[1] == run[-1][1] and rc[0] == run[-1][0] + 1:
            run.append(rc)
        else:
            flush()
            run.append(rc)
    flush()
    return f"SUM({','.join(parts)})"


def _num(v):
    if v is None or v is pd.NA:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def _int(v):
    try:
        return None if v is None or pd.isna(v) else int(v)
    except (TypeError, ValueError):
        return None


def _dec(rec, col) -> int:
    d = rec.decimals
    if d is not None and d is not pd.NA and d == d:
        return int(d)
    return col.decimals


def _g(x: float) -> str:
    return repr(float(x)) if x else "0"


def _fmt_num(v) -> str:
    v = _num(v)
    if v is None:
        return "nil"
    if v == int(v):
        return f"{int(v):,}"
    return f"{v:,.4f}".rstrip("0").rstrip(".")


def _short(doc: str) -> str:
    return doc if len(doc) <= 24 else doc[:21] + "..."


def _text(v) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
        return ""
    return str(v)


def _write_any(sh, r: int, c: int, v, fmt=None) -> None:
    if v is None or v is pd.NA:
        return
    if isinstance(v, numbers.Real) and not isinstance(v, bool):
        if not math.isnan(float(v)) and not math.isinf(float(v)):
            sh.write_number(r, c, float(v), fmt)
        return
    s = str(v)
    if s and s.lower() != "nan":
        sh.write_string(r, c, s)


def _first_line(lines) -> int:
    try:
        return int(str(lines).split(";")[0])
    except (TypeError, ValueError):
        return 0


def _fact_tip(r) -> str:
    return f"{r.row_label} | {r.col_label} | printed {r.printed} ({r.doc}, line {_int(r.line)})"


def _roots_first(rows: list, order: list) -> list:
    """`order` with each finding that has a root (in `rows`) moved right after that root."""
    ids = {str(rows[i].get("id", "")): i for i in order}
    deps: dict = {}
    for i in order:
        root = rows[i].get("root", "")
        if isinstance(root, str) and root and root in ids and ids[root] != i:
            deps.setdefault(ids[root], []).append(i)
    folded = {i for ds in deps.values() for i in ds}
    return [k for i in order if i not in folded for k in [i] + deps.get(i, [])]
