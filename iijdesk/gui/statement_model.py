"""The statement grid's model: a QAbstractTableModel over the workspace's facts frame.

One grid shows either one table of one release, or every table of one statement kind across
the loaded releases. Rows keep the table's printed order and hierarchy; columns are periods
in time order (with measure, unit and scale). The model keeps only an array of fact ids per
cell and reads the frame by label; formatted strings are cached per column and dropped for
the cells the workspace reports as changed.
"""
from __future__ import annotations

import re
from typing import Iterable

import numpy as np
import pandas as pd
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QColor, QFont, QIcon, QUndoStack
from PySide6.QtWidgets import QApplication, QStyle

from iijdesk.core.workspace import Workspace
from iijdesk.gui.commands import EditFactCommand
from iijdesk.core.reconcile import FINDING_COLUMNS, empty_findings, fact_ids_of  # noqa: F401  (fact_ids_of: also the panels')
from iijdesk.gui.formatting import (MEASURE_ORDER, NumberEntryError, format_number,
                                    parse_entry, period_caption, printed_form, unit_caption)

FACT_ID_ROLE = Qt.UserRole + 1
SEVERITY_ROLE = Qt.UserRole + 2

SEVERITY_RANK = {"error": 3, "warning": 2, "info": 1}


def _role(role) -> int:
    return role if type(role) is int else int(getattr(role, "value", role))


_DISPLAY, _EDIT, _ALIGN, _BACKGROUND, _FONT, _DECORATION, _TOOLTIP = (
    _role(r) for r in (Qt.DisplayRole, Qt.EditRole, Qt.TextAlignmentRole, Qt.BackgroundRole, Qt.FontRole,
                       Qt.DecorationRole, Qt.ToolTipRole))
_FACT_ID, _SEVERITY = _role(FACT_ID_ROLE), _role(SEVERITY_ROLE)
_RIGHT = int((Qt.AlignRight | Qt.AlignVCenter).value)
_NO_FLAGS = Qt.NoItemFlags
_SELECTABLE = Qt.ItemIsEnabled | Qt.ItemIsSelectable
_EDITABLE = _SELECTABLE | Qt.ItemIsEditable
# Translucent so they read on light and dark palettes alike.
SEVERITY_COLORS = {
    "error": QColor(230, 60, 60, 120),
    "warning": QColor(240, 170, 0, 120),
    "info": QColor(70, 130, 230, 90),
}
EDITED_COLOR = QColor(90, 190, 110, 80)
INDENT = "    "   # per hierarchy level in the label column
MAX_CLASHES = 8   # period-keyed cells holding two numbers tolerated before a table goes positional
CLASH_SHARE = 0.1
MAX_CELL_UPDATES = 200   # findings changes touching more cells repaint the whole grid

_DECIMALS_IN_PRINTED = re.compile(r"\.(\d+)")


def severity_icon(severity: str) -> QIcon:
    style = QApplication.style()
    which = {"error": QStyle.SP_MessageBoxCritical, "warning": QStyle.SP_MessageBoxWarning}.get(
        severity, QStyle.SP_MessageBoxInformation)
    return style.standardIcon(which)


def _decimals(d, printed: str) -> int:
    if d is not None and not pd.isna(d):
        return int(d)
    m = _DECIMALS_IN_PRINTED.search(printed or "")
    return len(m.group(1)) if m else 0


def _norm(s: str) -> str:
    return " ".join(str(s).split()).casefold()


class StatementModel(QAbstractTableModel):
    """Rows = the table's rows, columns = its periods; a cell holds one fact."""

    editRejected = Signal(str)      # what the user typed is not a number (message for the status bar)
    layoutRebuilt = Signal()
    staleChanged = Signal()         # facts of the shown grid were added: rebuild when convenient

    def __init__(self, workspace: Workspace, undo_stack: QUndoStack | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ws = workspace
        self.undo_stack = undo_stack
        self.mode: str = ""          # "table" | "kind" | ""
        self.stale = False
        self.read_only = False       # set while a worker changes the frame
        self.key: str = ""           # the table_id or the statement kind
        self._empty()
        self._bold = QFont()
        self._bold.setBold(True)
        self._italic = QFont()
        self._italic.setItalic(True)
        self._bold_italic = QFont(self._bold)
        self._bold_italic.setItalic(True)
        self._icons: dict[str, QIcon] = {}
        # The findings of the facts shown: fact id -> ids of its findings, and those
        # findings (dicts); kept up to date from the workspace's deltas after an edit.
        self._flags_by_fact: dict[int, list[str]] = {}
        self._sev_by_fact: dict[int, str] = {}
        self._shown_findings: dict[str, dict] = {}
        self._findings_version = -1
        self._edited: set[int] = set()
        if undo_stack is not None:
            # The workspace records an edit after announcing the changed fact: read the edit
            # list again once the command is done.
            undo_stack.indexChanged.connect(self.refresh_edited)

    # -- what is shown ----------------------------------------------------------------
    def _empty(self) -> None:
        self._ids = np.full((0, 0), -1, dtype=np.int64)
        self._row_labels: list[str] = []
        self._row_levels: list[int] = []
        self._row_total: list[bool] = []
        self._row_parent: list[str] = []
        self._col_head: list[str] = []
        self._col_tip: list[str] = []
        self._text: list[list[str] | None] = []
        self._fmt: dict[int, str] = {}
        self._pos: dict[int, tuple[int, int]] = {}

    def set_table(self, table_id: str) -> None:
        self.mode, self.key = "table", table_id
        self.rebuild()

    def set_kind(self, kind: str) -> None:
        self.mode, self.key = "kind", kind
        self.rebuild()

    def clear(self) -> None:
        self.mode, self.key = "", ""
        self.rebuild()

    def rebuild(self) -> None:
        self.stale = False
        self.beginResetModel()
        self._empty()
        facts = self.ws.facts
        if self.mode == "table":
            sub = facts[facts["table_id"] == self.key]
        elif self.mode == "kind":
            sub = facts[facts["kind"] == self.key]
        else:
            sub = facts.iloc[0:0]
        if len(sub):
            self._layout(sub)
        self._edited = self.ws.edited_ids()
        self._index_findings()
        self.endResetModel()
        self.layoutRebuilt.emit()

    def _layout(self, sub: pd.DataFrame) -> None:
        kind_mode = self.mode == "kind"
        # Order of the tables (and, across releases, of the releases: latest period last).
        doc_end = sub.groupby("doc")["period_end"].max().to_dict()
        ids = sub.index.to_numpy()
        docs = sub["doc"].tolist()
        tids = sub["table_id"].tolist()
        tnum = [int(t.rsplit("#", 1)[1]) if "#" in t and t.rsplit("#", 1)[1].isdigit() else 0 for t in tids]
        rows_ = _ints(sub["row"], 0)
        cols_ = _ints(sub["col"], 0)
        labels = sub["row_label"].tolist()
        parents = sub["parent"].tolist()
        levels = _ints(sub["level"], 0)
        totals = sub["is_total"].tolist()
        ends = sub["period_end"].tolist()
        months = _ints(sub["period_months"], -1)
        measures = sub["measure"].tolist()
        units = sub["unit"].tolist()
        scales = _ints(sub["scale"], 1)
        col_labels = sub["col_label"].tolist()
        order = sorted(range(len(sub)), key=lambda i: (doc_end.get(docs[i], ""), docs[i], tnum[i], rows_[i], cols_[i]))

        # Row keys, merged in order: a new key goes right after the previous key of its table.
        if kind_mode:
            norm_cache: dict = {}

            def _n(x):
                v = norm_cache.get(x)
                if v is None:
                    v = norm_cache[x] = _norm(x)
                return v
            rkeys = [(_n(p), _n(lab)) for p, lab in zip(parents, labels)]
        else:
            rkeys = rows_

        def rkey(i):
            return rkeys[i]

        row_keys: list = []
        row_info: dict = {}
        prev_key: dict[str, object] = {}
        for i in order:
            k = rkey(i)
            t = tids[i]
            if k in row_info:
                prev_key[t] = k
                continue
            pk = prev_key.get(t)
            if pk is not None and kind_mode:
                pos = row_keys.index(pk) + 1
                row_keys.insert(pos, k)
            else:
                row_keys.append(k)
            row_info[k] = (labels[i], levels[i], bool(totals[i]), parents[i])
            prev_key[t] = k
        if not kind_mode:
            row_keys = self._with_section_rows(row_keys, row_info)
        rindex = {k: n for n, k in enumerate(row_keys)}

        # Column keys: the period, measure, unit and scale; positional where periods collide.
        def period_key(i):
            extra = "" if ends[i] else (col_labels[i] if kind_mode else cols_[i])
            return (ends[i], months[i], measures[i], units[i], scales[i], extra)

        ckeys = [period_key(i) for i in range(len(sub))]
        if not kind_mode:
            # Two numbers of one row in one period column: a few such (a damaged row) get a
            # column of their own; many (columns that are not periods, e.g. equity components)
            # make the whole table positional, as printed.
            seen: set = set()
            clash = []
            for i in order:
                cell = (rkey(i), ckeys[i])
                if cell in seen:
                    clash.append(i)
                seen.add(cell)
            if len(clash) > max(MAX_CLASHES, CLASH_SHARE * len(sub)):
                ckeys = [("#", cols_[i]) for i in range(len(sub))]
            else:
                for i in clash:
                    ckeys[i] = ckeys[i][:5] + (f"#{cols_[i]}",)
        first_col: dict = {}
        unit_first: dict = {}
        for i in order:
            first_col.setdefault(ckeys[i], (cols_[i], tnum[i]))
            unit_first.setdefault(units[i], len(unit_first))
        col_info: dict = {}
        col_periods: dict = {}
        for i in order:
            col_info.setdefault(ckeys[i], (i, set()))[1].add(col_labels[i])
            col_periods.setdefault(ckeys[i], set()).add((ends[i], months[i]))

        def csort(k):
            if k[0] == "#":
                return (False, k[1])
            end, m, meas, unit, scale, extra = k
            clash_col = isinstance(extra, str) and extra.startswith("#")
            return (clash_col, end == "", end, m, MEASURE_ORDER.get(meas, 9), unit_first.get(unit, 99), scale,
                    first_col[k][1], first_col[k][0], str(extra))

        col_keys = sorted(col_info, key=csort)
        cindex = {k: n for n, k in enumerate(col_keys)}

        nr, nc = len(row_keys), len(col_keys)
        grid = np.full((nr, nc), -1, dtype=np.int64)
        # Later releases win a shared cell (restated figures); within a release the first table.
        owner: dict = {}
        for i in order:
            r, c = rindex[rkey(i)], cindex[ckeys[i]]
            if grid[r, c] < 0 or kind_mode and docs[i] != owner[(r, c)]:
                grid[r, c] = ids[i]
                owner[(r, c)] = docs[i]
        self._ids = grid
        self._pos = {int(grid[r, c]): (r, c) for r, c in zip(*np.nonzero(grid >= 0))}
        for k in row_keys:
            label, level, total, parent = row_info[k]
            total = total or (isinstance(k, tuple) and k[0] == "section")
            self._row_labels.append(label)
            self._row_levels.append(level)
            self._row_total.append(total)
            self._row_parent.append(parent)
        for k in col_keys:
            i, printed_labels = col_info[k]
            if k[0] == "#":
                head = (period_caption(ends[i], months[i]) if len(col_periods[k]) == 1 else "") \
                    or " ".join(str(col_labels[i]).split()) or f"column {k[1] + 1}"
                cap = unit_caption(units[i], scales[i], measures[i])
                self._col_head.append(head if not cap or cap in head else f"{head}\n{cap}")
            else:
                end, m, meas, unit, scale, extra = k
                if isinstance(extra, str) and extra.startswith("#"):
                    extra = ""          # a clash column: same caption, its own column
                first = period_caption(end, m) or " ".join(str(extra).split()) or "(no period)"
                cap = unit_caption(unit, scale, meas)
                self._col_head.append(f"{first}\n{cap}" if cap else first)
            tips = sorted(" ".join(str(x).split()) for x in printed_labels if str(x).strip())
            more = f"\n… and {len(tips) - 6} more" if len(tips) > 6 else ""
            self._col_tip.append("Printed as:\n" + "\n".join(tips[:6]) + more if tips else "")
        self._text = [None] * nc
        # Every shown number formatted once, in one pass over the frame's columns.
        vals = sub["value"].to_numpy()
        decs = sub["decimals"].to_numpy()
        printed = sub["printed"].tolist()
        shown = set(self._pos)
        self._fmt = {int(ids[i]): format_number(vals[i], scales[i], _decimals(decs[i], printed[i]), units[i], printed[i])
                     for i in range(len(sub)) if int(ids[i]) in shown}

    @staticmethod
    def _with_section_rows(row_keys: list, row_info: dict) -> list:
        """Put a label-only row above a run of rows whose parent is a section heading that
        holds no numbers itself (e.g. OPERATING ACTIVITIES), so the hierarchy stays visible."""
        labelled = {_norm(row_info[k][0]) for k in row_keys}
        out, prev_parent = [], None
        for k in row_keys:
            label, level, total, parent = row_info[k]
            if parent and parent != prev_parent and _norm(parent) not in labelled:
                hk = ("section", len(out), parent)
                row_info[hk] = (parent, max(int(level) - 1, 0), False, "")
                out.append(hk)
            prev_parent = parent
            out.append(k)
        return out

    # -- findings ---------------------------------------------------------------------
    def _index_findings(self) -> None:
        """Which findings name the facts shown (their cells or their suggested fixes)."""
        f = self.ws.findings
        self._findings_version = self.ws.findings_version
        flags: dict[int, list[str]] = {}
        rows: dict[str, int] = {}
        shown = self._pos
        if len(f) and "fact_ids" in f.columns:
            ids_col = f["id"].tolist()
            for pos, ids in enumerate(f["fact_ids"].tolist()):
                for fid in (ids if type(ids) is tuple else fact_ids_of(ids)):
                    if fid in shown:
                        flags.setdefault(int(fid), []).append(ids_col[pos])
                        rows[ids_col[pos]] = pos
            if "fix_fact" in f.columns:
                for pos, fid in enumerate(f["fix_fact"].tolist()):
                    if fid is None or fid is pd.NA or (isinstance(fid, float) and fid != fid):
                        continue                        # no correction
                    for x in fact_ids_of(fid):
                        if x in shown and ids_col[pos] not in flags.get(x, []):
                            flags.setdefault(x, []).append(ids_col[pos])
                            rows[ids_col[pos]] = pos
        cols = list(f.columns)
        self._shown_findings = {i: dict(zip(cols, f.iloc[pos].tolist())) for i, pos in rows.items()}
        self._flags_by_fact = flags
        self._sev_by_fact = {fid: self._worst(ids) for fid, ids in flags.items()}

    def _worst(self, finding_ids: list[str]) -> str:
        return max((str(self._shown_findings[i]["severity"]) for i in finding_ids),
                   key=lambda s: SEVERITY_RANK.get(s, 0))

    def _facts_named(self, f: dict) -> list[int]:
        """The facts shown that finding `f` names (its cells and its suggested fix)."""
        ids = f.get("fact_ids")
        named = list(ids if type(ids) is tuple else fact_ids_of(ids))
        fix = f.get("fix_fact")
        if not (fix is None or fix is pd.NA or (isinstance(fix, float) and fix != fix)):
            named += fact_ids_of(fix)
        return [int(x) for x in dict.fromkeys(named) if x in self._pos]

    def _apply_findings_delta(self, delta: dict) -> None:
        """Update the shown findings from an edit's delta {finding id: finding or None}."""
        for i, new in delta.items():
            old = self._shown_findings.pop(i, None)
            for fid in (self._facts_named(old) if old is not None else ()):
                ids = self._flags_by_fact.get(fid, [])
                if i in ids:
                    ids.remove(i)
                if not ids:
                    self._flags_by_fact.pop(fid, None)
            if new is None:
                continue
            named = self._facts_named(new)
            if named:
                self._shown_findings[i] = dict(new)
            for fid in named:
                self._flags_by_fact.setdefault(fid, []).append(i)
        self._sev_by_fact = {fid: self._worst(ids) for fid, ids in self._flags_by_fact.items()}
        self._findings_version = self.ws.findings_version

    def on_findings_changed(self) -> None:
        old_sev = dict(self._sev_by_fact)
        d = self.ws.findings_delta
        if d is not None and d[0] == self._findings_version and self.ws.findings_version == d[0] + 1:
            self._apply_findings_delta(d[1])
        else:
            self._index_findings()
        # Repaint only the cells whose highlight changed (and, cheaply, all if many did).
        changed = [fid for fid in set(old_sev) | set(self._sev_by_fact)
                   if old_sev.get(fid) != self._sev_by_fact.get(fid)]
        if len(changed) > MAX_CELL_UPDATES:
            self._all_changed()
            return
        for fid in changed:
            p = self._pos.get(fid)
            if p:
                ix = self.index(*p)
                self.dataChanged.emit(ix, ix)

    def findings_for(self, fact_id: int) -> pd.DataFrame:
        """The findings that involve `fact_id`, worst first (then in the checks' order)."""
        ids = self._flags_by_fact.get(int(fact_id), [])
        rows = [self._shown_findings[i] for i in ids]
        rows.sort(key=lambda r: -SEVERITY_RANK.get(str(r["severity"]), 0))
        return pd.DataFrame(rows, columns=FINDING_COLUMNS) if rows else empty_findings()

    def severity(self, fact_id: int) -> str:
        return self._sev_by_fact.get(int(fact_id), "")

    # -- facts changed ----------------------------------------------------------------
    def on_facts_changed(self, ids: Iterable[int]) -> None:
        ids = list(ids)
        self._edited = self.ws.edited_ids()
        if not self.mode:
            return
        if not ids:
            self.rebuild()
            return
        known = [i for i in ids if i in self._pos]
        if len(known) < len(ids):
            # facts just imported: read them alone (the whole frame is joined when needed)
            new = self.ws.recent_facts(i for i in ids if i not in self._pos)
            if len(new):
                col = "table_id" if self.mode == "table" else "kind"
                if (new[col] == self.key).any():
                    self.stale = True
                    self.staleChanged.emit()
                    return
        for fid in known:
            r, c = self._pos[fid]
            self._fmt[fid] = self._format_fact(fid)
            self._text[c] = None
            ix = self.index(r, c)
            self.dataChanged.emit(ix, ix)

    def refresh_edited(self, *_) -> None:
        old, self._edited = self._edited, self.ws.edited_ids()
        for fid in old ^ self._edited:
            p = self._pos.get(fid)
            if p:
                ix = self.index(*p)
                self.dataChanged.emit(ix, ix)

    def _all_changed(self) -> None:
        if self._ids.size:
            self.dataChanged.emit(self.index(0, 0), self.index(self._ids.shape[0] - 1, self._ids.shape[1] - 1))

    # -- lookups ----------------------------------------------------------------------
    def fact_id(self, index: QModelIndex) -> int:
        if not index.isValid():
            return -1
        return int(self._ids[index.row(), index.column()])

    def index_of(self, fact_id: int) -> QModelIndex:
        p = self._pos.get(int(fact_id))
        return self.index(*p) if p else QModelIndex()

    def contains(self, fact_id: int) -> bool:
        return int(fact_id) in self._pos

    def fact_ids(self) -> list[int]:
        return list(self._pos)

    def row_label(self, row: int) -> str:
        return self._row_labels[row]

    def column_header(self, col: int) -> str:
        return self._col_head[col]

    def cell_text(self, row: int, col: int) -> str:
        return self._column_text(col)[row]

    def _column_text(self, c: int) -> list[str]:
        col = self._text[c]
        if col is None:
            ids = self._ids[:, c]
            out = [""] * len(ids)
            fmt = self._fmt
            for r in np.nonzero(ids >= 0)[0]:
                fid = int(ids[r])
                t = fmt.get(fid)
                if t is None:
                    t = fmt[fid] = self._format_fact(fid)
                out[r] = t
            self._text[c] = col = out
        return col

    def _format_fact(self, fid: int) -> str:
        facts = self.ws.facts
        v, sc, d, u, p = (facts.at[fid, k] for k in ("value", "scale", "decimals", "unit", "printed"))
        return format_number(v, sc, _decimals(d, p), u, p)

    # -- QAbstractTableModel ----------------------------------------------------------
    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else self._ids.shape[0]

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else self._ids.shape[1]

    def flags(self, index: QModelIndex):
        if not index.isValid():
            return _NO_FLAGS
        return _EDITABLE if self._ids[index.row(), index.column()] >= 0 else _SELECTABLE

    def data(self, index: QModelIndex, role: int = Qt.DisplayRole):
        # Called for every role of every visible cell on each paint: plain ints, dict lookups.
        role = _role(role)
        r, c = index.row(), index.column()
        if role == _DISPLAY or role == _EDIT:
            col = self._text[c]
            return (col if col is not None else self._column_text(c))[r]
        if role == _ALIGN:
            return _RIGHT
        fid = int(self._ids[r, c])
        if fid < 0:
            return None
        if role == _BACKGROUND:
            sev = self._sev_by_fact.get(fid)
            if sev:
                return SEVERITY_COLORS.get(sev, SEVERITY_COLORS["info"])
            return EDITED_COLOR if fid in self._edited else None
        if role == _FONT:
            total = self._row_total[r]
            if fid in self._edited:
                return self._bold_italic if total else self._italic
            return self._bold if total else None
        if role == _DECORATION:
            sev = self._sev_by_fact.get(fid)
            if not sev:
                return None
            icon = self._icons.get(sev)
            if icon is None:
                icon = self._icons[sev] = severity_icon(sev)
            return icon
        if role == _FACT_ID:
            return fid
        if role == _SEVERITY:
            return self._sev_by_fact.get(fid, "")
        if role == _TOOLTIP:
            return self.tooltip(fid)
        return None

    def headerData(self, section: int, orientation, role: int = Qt.DisplayRole):
        if orientation == Qt.Horizontal:
            if section >= len(self._col_head):
                return None
            if role == Qt.DisplayRole:
                return self._col_head[section]
            if role == Qt.ToolTipRole:
                return self._col_tip[section] or None
            return None
        if section >= len(self._row_labels):
            return None
        if role == Qt.DisplayRole:
            return INDENT * int(self._row_levels[section]) + self._row_labels[section]
        if role == Qt.FontRole and self._row_total[section]:
            return self._bold
        if role == Qt.ToolTipRole:
            p = self._row_parent[section]
            return f"{p} › {self._row_labels[section]}" if p else self._row_labels[section]
        if role == Qt.TextAlignmentRole:
            return int(Qt.AlignLeft | Qt.AlignVCenter)
        return None

    def tooltip(self, fid: int) -> str:
        facts = self.ws.facts
        if fid not in facts.index:
            return ""
        row = facts.loc[fid]
        scale, unit, dec = int(row["scale"] or 1), str(row["unit"]), _decimals(row["decimals"], row["printed"])
        parts = []
        for _, f in self.findings_for(fid).iterrows():
            sev = str(f.get("severity", ""))
            parts.append(f"<p><b>{_esc(sev.upper())}</b> · {_esc(f.get('kind', '') or f.get('rule', ''))}<br>"
                         f"{_esc(f.get('message', ''))}<br>"
                         f"Expected: <b>{_esc(_text_or(f, 'expected', self._show(f.get('expected'), scale, dec, unit)))}</b> · "
                         f"Actual: <b>{_esc(_text_or(f, 'actual', self._show(f.get('actual'), scale, dec, unit)))}</b>"
                         + (f" · Difference: {_esc(self._show(f.get('difference'), scale, dec, unit))}"
                            if _present(f.get("difference")) else "") + "</p>")
            fix = fact_ids_of(f.get("fix_fact"))
            fv = f.get("fix_value")
            if fix and _present(fv):
                frow = facts.loc[fix[0]] if fix[0] in facts.index else row
                fs, fd = int(frow["scale"] or 1), _decimals(frow["decimals"], frow["printed"])
                where = "this cell" if fix[0] == fid else f"“{frow['row_label']}” ({frow['doc']} line {frow['line']})"
                parts.append(f"<p>Suggested correction: set {_esc(where)} to "
                             f"<b>{_esc(format_number(float(fv), fs, fd, str(frow['unit'])))}</b> "
                             f"— right-click the cell or use <i>Apply fix</i> (undoable).</p>")
        for e in self.ws.edits:
            if e.fact_id == fid:
                parts.append(f"<p><i>Edited</i>: replaced printed “{_esc(e.old_printed)}” with “{_esc(e.new_printed)}”.</p>")
                break
        parts.append(f"<p style='color:gray'>{_esc(row['doc'])} line {row['line']} · printed “{_esc(row['printed'])}”"
                     f" · {_esc(' '.join(str(row['col_label']).split()))}</p>")
        if str(row.get("flag", "")) == "suspect" and str(row.get("note", "")):
            parts.append(f"<p>Suspect: {_esc(row['note'])}</p>")
        return "".join(parts)

    @staticmethod
    def _show(v, scale: int, dec: int, unit: str) -> str:
        if not _present(v):
            return "—"
        try:
            return format_number(float(v), scale, dec, unit)
        except (TypeError, ValueError):
            return str(v)

    # -- editing ----------------------------------------------------------------------
    def setData(self, index: QModelIndex, value, role: int = Qt.EditRole) -> bool:
        if role != Qt.EditRole or not index.isValid():
            return False
        fid = self.fact_id(index)
        if fid < 0:
            return False
        try:
            number, dec, nil = parse_entry(str(value))
        except NumberEntryError as e:
            self.editRejected.emit(str(e))
            return False
        return self.edit_fact(fid, number, dec)

    def edit_fact(self, fid: int, number: float, dec: int, text: str = "") -> bool:
        """Set fact `fid` to `number` in its table's scale, through the undo stack."""
        row = self.ws.facts.loc[fid]
        scale = int(row["scale"] or 1)
        unit = str(row["unit"])
        new_value = number * scale
        printed = printed_form(number, dec, unit)
        old = row["value"]
        if (pd.isna(old) and np.isnan(new_value)) or (not pd.isna(old) and float(old) == new_value
                                                       and str(row["printed"]) == printed):
            return True
        label = text or f"Edit {row['row_label']} ({self.ws.facts.loc[fid, 'doc']} line {row['line']})"
        self.push(EditFactCommand(self.ws, fid, new_value, printed, label))
        return True

    def push(self, cmd: EditFactCommand) -> None:
        if self.read_only:
            self.editRejected.emit("Wait until the import has finished to edit")
            return
        if self.undo_stack is not None:
            self.undo_stack.push(cmd)
        else:
            cmd.redo()

    # -- copy -------------------------------------------------------------------------
    def tsv(self, indexes: Iterable[QModelIndex], with_header: bool = True) -> str:
        """The selected cells as tab-separated text with the row labels (and column headers)."""
        idx = [i for i in indexes if i.isValid()]
        if not idx:
            return ""
        rows = sorted({i.row() for i in idx})
        cols = sorted({i.column() for i in idx})
        chosen = {(i.row(), i.column()) for i in idx}
        lines = []
        if with_header:
            lines.append("\t".join([""] + [" ".join(self._col_head[c].split("\n")) for c in cols]))
        for r in rows:
            cells = [self._column_text(c)[r] if (r, c) in chosen else "" for c in cols]
            lines.append("\t".join([self._row_labels[r]] + cells))
        return "\n".join(lines) + "\n"


def _nz(v, default=0):
    try:
        if v is None or pd.isna(v):
            return default
    except (TypeError, ValueError):
        pass
    return int(v)


def _ints(s: pd.Series, default: int) -> list[int]:
    return pd.to_numeric(s, errors="coerce").fillna(default).astype("int64").tolist()


def _text_or(finding, col: str, default: str) -> str:
    t = finding.get(f"{col}_text")
    return t if isinstance(t, str) and t.strip() else default


def _present(v) -> bool:
    if v is None:
        return False
    if isinstance(v, str):
        return bool(v.strip())
    try:
        return not pd.isna(v)
    except (TypeError, ValueError):
        return True


def _esc(s) -> str:
    return (str(s).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))
