"""The main window: import pane, statement grid, findings, source and (if present) charts."""
from __future__ import annotations

import logging
import os

import pandas as pd
from PySide6.QtCore import QItemSelection, QItemSelectionModel, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import (QDockWidget, QFileDialog, QHBoxLayout, QLabel, QLineEdit, QMainWindow,
                               QMessageBox, QPushButton, QSizePolicy, QVBoxLayout, QWidget)

from iijdesk.core.workspace import CANCELLED, DUPLICATE, ImportResult, Workspace
from iijdesk.gui import gc_guard
from iijdesk.gui.bridge import WorkspaceBridge
from iijdesk.gui.findings_panel import FindingsPanel
from iijdesk.gui.formatting import format_number
from iijdesk.gui.import_pane import ImportPane, urls_to_paths
from iijdesk.gui.source_panel import SourcePanel
from iijdesk.gui.statement_model import StatementModel, fact_ids_of
from iijdesk.gui.statement_view import StatementView
from iijdesk.gui.widgets import ClampedLabel, fit_popup, narrow_combo
from iijdesk.gui.workers import ImportRunner, Worker

log = logging.getLogger(__name__)

MAX_RECENT = 10
NAV_REFRESH_MS = 100
NAV_REFRESH_BUSY_MS = 1000
PANELS_REFRESH_MS = 150      # the findings list follows edits once they pause this long
AUTOSAVE_TICK_MS = 1000      # how often the autosaver is asked (limits.AUTOSAVE_TICK_S)
FIX_BAR_LINES = 3            # text lines the current cell's finding gets above the grid
DEFAULT_SIZE = (1500, 900)   # first start, when it fits the screen
FRAME_CHECK_MS = 300         # after the first show, when the window manager's frame is known
IMPORT_DOCK_SHARE = 0.18     # of the window's width and height, at the first start
SOURCE_DOCK_SHARE = 0.31
FINDINGS_DOCK_SHARE = 0.3
RELEASE_BOX_CHARS = 10       # the boxes above the grid ask for this many characters at least
TABLE_BOX_CHARS = 14
FIND_EXTRA_PX = 30
FIND_MAX_WIDTH = 260
ALL_RELEASES = ""          # release box data for "statement kind across releases"
FILE_FILTER = "Releases (*.txt *.htm *.html *.pdf *.md);;All files (*)"
WORKSPACE_FILTER = "iijdesk workspace (*.iijdesk)"


def unique_keys(seqs) -> list[QKeySequence]:
    """Key sequences without repeats or empty ones, in order."""
    out: list[QKeySequence] = []
    for k in seqs:
        k = QKeySequence(k)
        if not k.isEmpty() and all(k != o for o in out):
            out.append(k)
    return out


def _table_number(table_id: str) -> int:
    tail = table_id.rsplit("#", 1)[-1]
    return int(tail) if tail.isdigit() else 0


class MainWindow(QMainWindow):
    importFinished = Signal(list)       # list[ImportResult], after the window has been updated
    exportFinished = Signal(str)        # "" or the reason the workbook was not written
    modelUpdateFinished = Signal(object, str)   # UpdateResult or None, "" or why not

    def __init__(self, workspace: Workspace | None = None, settings: QSettings | None = None,
                 recovery_path: str | None = None) -> None:
        super().__init__()
        self.setWindowTitle("iijdesk")
        self.setAcceptDrops(True)
        self.ws = workspace if workspace is not None else Workspace()
        self.settings = settings if settings is not None else QSettings("iijdesk", "iijdesk")
        self.bridge = WorkspaceBridge(self.ws, self)
        self.undo_stack = QUndoStack(self)
        self.runner = ImportRunner(self.ws, self)
        self.exporter = Worker(self)
        self.model_updater = Worker(self)   # Update Excel Model…: reads and writes a workbook
        self.model_update_dialog = None
        self.last_model_update = None
        self.quiet = False                  # True: problems go to the status bar only (tests, scripts)
        self._export_path = ""
        self.results: list[ImportResult] = []
        self._first_import = True
        self._chose_all = False
        self._shown_fact = -1
        self._fit_frame_to = None           # the first start's size, until the frame is known

        # grid
        self.model = StatementModel(self.ws, self.undo_stack, self)
        self.view = StatementView()
        self.view.setModel(self.model)
        # Neither the boxes nor the Find box set the window's width: they take what room
        # there is (long release names and table titles are cut; the lists open wide).
        self.release_box = narrow_combo(RELEASE_BOX_CHARS)
        self.table_box = narrow_combo(TABLE_BOX_CHARS)
        self.table_box.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
        self.find_edit = QLineEdit()
        self.find_edit.setPlaceholderText("Find (Ctrl+F)")
        self.find_edit.setClearButtonEnabled(True)
        # room for the placeholder and the clear button
        self.find_edit.setMinimumWidth(self.find_edit.fontMetrics().horizontalAdvance(
            self.find_edit.placeholderText()) + FIND_EXTRA_PX)
        self.find_edit.setMaximumWidth(FIND_MAX_WIDTH)
        self.find_edit.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Fixed)
        # A long explanation wraps (three lines, cut with "…", the rest in the tooltip);
        # it never widens the window.
        self.fix_label = ClampedLabel()
        self.fix_button = QPushButton("Apply fix")
        self.fix_button.setToolTip("Apply the suggested correction (undoable with Ctrl+Z)")
        # The current cell's finding and its correction. The bar keeps its place and height
        # whether or not the cell has a finding: a bar that came and went would resize the
        # grid, and every edit would repaint the whole table and re-measure its row labels.
        self.fix_bar = QWidget()
        fb = QHBoxLayout(self.fix_bar)
        fb.setContentsMargins(4, 0, 4, 0)
        fb.addWidget(self.fix_label, 1)
        fb.addWidget(self.fix_button)
        self.fix_button.setEnabled(False)
        self.fix_bar.setFixedHeight(max(FIX_BAR_LINES * self.fix_label.fontMetrics().lineSpacing(),
                                        self.fix_button.sizeHint().height()) + 4)
        self.recovery_label = QLabel()
        self.recovery_restore = QPushButton("Restore")
        self.recovery_discard = QPushButton("Discard")
        self.recovery_bar = QWidget()
        rb = QHBoxLayout(self.recovery_bar)
        rb.setContentsMargins(4, 0, 4, 0)
        rb.addWidget(self.recovery_label, 1)
        rb.addWidget(self.recovery_restore)
        rb.addWidget(self.recovery_discard)
        self.recovery_bar.setVisible(False)
        self.recovery_restore.clicked.connect(self.restore_recovery)
        self.recovery_discard.clicked.connect(self.discard_recovery)
        top = QHBoxLayout()
        top.addWidget(QLabel("Release"))
        top.addWidget(self.release_box, 1)
        top.addWidget(QLabel("Table"))
        top.addWidget(self.table_box, 3)
        top.addWidget(self.find_edit)
        central = QWidget()
        cl = QVBoxLayout(central)
        cl.setContentsMargins(4, 4, 4, 4)
        cl.addWidget(self.recovery_bar)
        cl.addLayout(top)
        cl.addWidget(self.fix_bar)
        cl.addWidget(self.view, 1)
        self.setCentralWidget(central)

        # docks
        self.import_pane = ImportPane(self.ws)
        self.findings_panel = FindingsPanel(self.ws)
        self.source_panel = SourcePanel(self.ws)
        self.import_dock = self._dock("Releases", "importDock", self.import_pane, Qt.LeftDockWidgetArea)
        self.source_dock = self._dock("Source", "sourceDock", self.source_panel, Qt.RightDockWidgetArea)
        self.findings_dock = self._dock("Findings", "findingsDock", self.findings_panel, Qt.BottomDockWidgetArea)
        self.charts = None
        self.charts_dock = None
        self._add_charts()

        self._build_actions()
        self.statusBar().showMessage("Drop earnings releases (files or folders) to begin")

        # wiring
        # Imports change the frame many times in a row: refresh the navigation once they pause.
        self._nav_timer = QTimer(self)
        self._nav_timer.setSingleShot(True)
        self._nav_timer.setInterval(NAV_REFRESH_MS)
        self._nav_timer.timeout.connect(self._documents_changed)
        self.bridge.documentsChanged.connect(self._on_documents_event)
        self.model.staleChanged.connect(self._nav_timer.start)
        self.bridge.factsChanged.connect(self.model.on_facts_changed)
        self._panels_timer = QTimer(self)
        self._panels_timer.setSingleShot(True)
        self._panels_timer.setInterval(PANELS_REFRESH_MS)
        self._panels_timer.timeout.connect(self._refresh_panels)
        self.bridge.findingsChanged.connect(self._findings_changed)
        self.findings_panel.model.rebuilt.connect(self._findings_listed)
        self.runner.progress.connect(self.import_pane.on_progress)
        self.runner.progress.connect(self._progress_message)
        self.runner.busyChanged.connect(self._busy)
        self.runner.finished.connect(self._import_done)
        self.exporter.busyChanged.connect(self._export_busy)
        self.exporter.done.connect(self._export_done)
        self.model_updater.busyChanged.connect(
            lambda busy: busy and self.statusBar().showMessage("Updating the Excel model…"))
        self.model_updater.done.connect(self._model_update_done)
        self.release_box.currentIndexChanged.connect(self._release_chosen)
        self.table_box.currentIndexChanged.connect(self._table_chosen)
        self.view.currentFactChanged.connect(self._current_fact)
        self.view.applyFixRequested.connect(self.apply_fix_for_fact)
        self.fix_button.clicked.connect(lambda: self.apply_fix_for_fact(self.view.current_fact()))
        self.model.editRejected.connect(lambda msg: self.statusBar().showMessage(msg, 8000))
        self.findings_panel.findingActivated.connect(self.select_finding)
        self.findings_panel.applyFixRequested.connect(self.apply_fix)
        self.source_panel.lineActivated.connect(self.select_line)
        self.import_pane.releaseActivated.connect(self.show_release)
        self.import_pane.removeRequested.connect(self.remove_release)
        self.import_pane.cancelRequested.connect(self.cancel_import)
        self.find_edit.returnPressed.connect(lambda: self.find_next(self.find_edit.text()))

        self._refresh_navigation()
        self._restore_layout()
        self.autosaver = None
        if recovery_path:
            self._start_autosave(recovery_path)

    # -- construction -----------------------------------------------------------------
    def _dock(self, title: str, name: str, widget: QWidget, area) -> QDockWidget:
        d = QDockWidget(title, self)
        d.setObjectName(name)
        d.setWidget(widget)
        self.addDockWidget(area, d)
        return d

    def _add_charts(self) -> None:
        """A Charts dock (tabbed with Findings) if the charts module is there. The charts are
        built the first time the dock is shown, so imports and edits do not wait for them."""
        try:
            from iijdesk.gui import charts as charts_module
        except ImportError as e:
            log.info("charts not available: %s", e)
            return
        if not hasattr(charts_module, "ChartsWidget"):
            return
        self._charts_class = charts_module.ChartsWidget
        holder = QLabel("Charts appear here")
        holder.setAlignment(Qt.AlignCenter)
        self.charts_dock = self._dock("Charts", "chartsDock", holder, Qt.BottomDockWidgetArea)
        self.tabifyDockWidget(self.findings_dock, self.charts_dock)
        self.findings_dock.raise_()
        self.charts_dock.visibilityChanged.connect(self._charts_visible)

    def _charts_visible(self, visible: bool) -> None:
        if visible and self.charts is None:
            self.ensure_charts()

    def plot_selection(self) -> None:
        """Draw the rows of the selected cells in the charts' Selection tab."""
        ids = self.view.selected_fact_ids()
        charts = self.ensure_charts() if ids else None
        if charts is None:
            self.statusBar().showMessage("Select cells in the grid to plot their rows", 4000)
            return
        self.charts_dock.show()
        self.charts_dock.raise_()
        charts.plot_rows(ids)

    def ensure_charts(self):
        """The ChartsWidget, created on first use (None if it cannot be built)."""
        if self.charts is None and self.charts_dock is not None:
            try:
                self.charts = self._charts_class(self.ws)
            except Exception:      # a broken chart must not take the window with it
                log.exception("charts could not be created")
                self.charts_dock.widget().setText("The charts could not be built (see the log)")
                return None
            self.charts_dock.setWidget(self.charts)
        return self.charts

    def _build_actions(self) -> None:
        mb = self.menuBar()
        file = mb.addMenu("&File")
        self.open_action = QAction("&Open…", self, shortcut=QKeySequence.Open, triggered=self.open_files)
        file.addAction(self.open_action)
        file.addAction(QAction("Open &Folder…", self, shortcut="Ctrl+Shift+O", triggered=self.open_folder))
        self.recent_menu = file.addMenu("Open &Recent")
        self._rebuild_recent()
        file.addSeparator()
        file.addAction(QAction("Open &Workspace…", self, triggered=self.open_workspace_dialog))
        file.addAction(QAction("&Save Workspace As…", self, shortcut=QKeySequence.SaveAs,
                               triggered=self.save_workspace_dialog))
        file.addAction(QAction("&Export to Excel…", self, shortcut="Ctrl+E", triggered=self.export_dialog))
        self.update_model_action = QAction("&Update Excel Model…", self, shortcut="Ctrl+Shift+U",
                                           triggered=self.update_model_dialog_open)
        self.update_model_action.setStatusTip("Link your own Excel model to the loaded releases, audit "
                                              "its numbers and roll it forward (writes a copy)")
        file.addAction(self.update_model_action)
        file.addSeparator()
        file.addAction(QAction("&Quit", self, shortcut=QKeySequence.Quit, triggered=self.close))

        edit = mb.addMenu("&Edit")
        self.undo_action = self.undo_stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcut(QKeySequence.Undo)
        self.redo_action = self.undo_stack.createRedoAction(self, "&Redo")
        # Ctrl+Shift+Z and Ctrl+Y on every platform, plus the platform's own redo keys, each
        # once: a key bound twice is an "ambiguous shortcut" and does nothing.
        self.redo_action.setShortcuts(unique_keys(
            [QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")]
            + QKeySequence.keyBindings(QKeySequence.Redo)))
        edit.addAction(self.undo_action)
        edit.addAction(self.redo_action)
        edit.addSeparator()
        edit.addAction(self.view.copy_action)
        self.find_action = QAction("&Find…", self, shortcut=QKeySequence.Find, triggered=self._focus_find)
        edit.addAction(self.find_action)
        self.find_next_action = QAction("Find &Next", self, shortcut=QKeySequence.FindNext,
                                        triggered=lambda: self.find_next(self.find_edit.text()))
        edit.addAction(self.find_next_action)
        edit.addAction(QAction("Apply Suggested &Correction", self, shortcut="Ctrl+Return",
                               triggered=lambda: self.apply_fix_for_fact(self.view.current_fact())))

        view = mb.addMenu("&View")
        for d in (self.import_dock, self.findings_dock, self.source_dock, self.charts_dock):
            if d is not None:
                view.addAction(d.toggleViewAction())
        view.addSeparator()
        view.addAction(QAction("Statement &Across Releases", self, shortcut="Ctrl+Shift+A",
                               triggered=lambda: self.release_box.setCurrentIndex(0)))
        self.plot_action = QAction("&Plot Selection", self, shortcut="Ctrl+Shift+P",
                                   triggered=self.plot_selection)
        view.addAction(self.plot_action)

    # -- layout memory ----------------------------------------------------------------
    def _restore_layout(self) -> None:
        geo = self.settings.value("window/geometry")
        state = self.settings.value("window/state")
        if geo is not None:
            self.restoreGeometry(geo)
        else:
            # the first start: the default size, within the screen (a laptop's 1024 or 1280)
            w, h = DEFAULT_SIZE
            screen = self.screen().availableGeometry() if self.screen() is not None else None
            if screen is not None and screen.width() > 0 and screen.height() > 0:
                w, h = min(w, screen.width()), min(h, screen.height())
            self.resize(w, h)
            self._fit_frame_to = self.size()
            self.resizeDocks([self.import_dock, self.source_dock],
                             [round(w * IMPORT_DOCK_SHARE), round(w * SOURCE_DOCK_SHARE)], Qt.Horizontal)
            self.resizeDocks([self.findings_dock], [round(h * FINDINGS_DOCK_SHARE)], Qt.Vertical)
        if state is not None:
            self.restoreState(state)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._fit_frame_to is not None:
            # the window manager's frame is known only once the window is up
            QTimer.singleShot(FRAME_CHECK_MS, self._fit_frame)

    def _fit_frame(self) -> None:
        """At the first start, shrink the window so its frame (title bar) fits the screen too,
        unless it has been resized meanwhile."""
        size, self._fit_frame_to = self._fit_frame_to, None
        screen = self.screen().availableGeometry() if self.screen() is not None else None
        if size is None or screen is None or self.size() != size or self.isMaximized():
            return
        frame = self.frameGeometry()
        over_w = max(0, frame.width() - screen.width())
        over_h = max(0, frame.height() - screen.height())
        if over_w or over_h:
            self.resize(size.width() - over_w, size.height() - over_h)
            self.move(screen.topLeft())

    def closeEvent(self, event) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self.settings.sync()
        self.runner.wait()
        self.exporter.wait()
        self.findings_panel.model.wait()        # a findings list being laid out
        if self.autosaver is not None:
            self.autosaver.save_now()           # unsaved work is offered back next time
            self.autosaver.close()              # (an unanswered earlier one too: it stays)
        self.bridge.detach()
        super().closeEvent(event)

    # -- import -----------------------------------------------------------------------
    def import_paths(self, paths) -> None:
        """Import files and folders in the background; the window stays responsive."""
        paths = [os.fspath(p) for p in paths]
        workspaces = [p for p in paths if p.endswith(".iijdesk") and os.path.isfile(p)]
        if workspaces:
            self.open_workspace(workspaces[0])
            paths = [p for p in paths if p not in workspaces]
        if not paths:
            return
        self._remember(paths)
        if self.autosaver is not None:
            self.autosaver.save_now()           # edits wait during the import: none is pending
        self.runner.start(paths)

    def open_files(self) -> None:
        start = self.settings.value("lastDir", os.path.expanduser("~"))
        files, _ = QFileDialog.getOpenFileNames(self, "Open releases", str(start), FILE_FILTER)
        if files:
            self.settings.setValue("lastDir", os.path.dirname(files[0]))
            self.import_paths(files)

    def open_folder(self) -> None:
        start = self.settings.value("lastDir", os.path.expanduser("~"))
        folder = QFileDialog.getExistingDirectory(self, "Open a folder of releases", str(start))
        if folder:
            self.settings.setValue("lastDir", folder)
            self.import_paths([folder])

    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls() and urls_to_paths(event.mimeData().urls()):
            event.acceptProposedAction()

    def dragMoveEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        paths = urls_to_paths(event.mimeData().urls())
        if paths:
            event.acceptProposedAction()
            self.import_paths(paths)

    def _busy(self, busy: bool) -> None:
        self.import_pane.set_busy(busy)
        # While importing, the release list and table choices refresh at most once a second.
        self._nav_timer.setInterval(NAV_REFRESH_BUSY_MS if busy else NAV_REFRESH_MS)
        # Edits wait while the worker is changing the frame.
        self.view.setEditTriggers(StatementView.NoEditTriggers if busy else
                                  StatementView.DoubleClicked | StatementView.EditKeyPressed
                                  | StatementView.AnyKeyPressed)
        self.model.read_only = busy
        self.undo_stack.setActive(not busy)
        self.undo_action.setEnabled(not busy and self.undo_stack.canUndo())
        self.redo_action.setEnabled(not busy and self.undo_stack.canRedo())

    def _progress_message(self, done: int, total: int, name: str) -> None:
        if name:
            self.statusBar().showMessage(f"Importing {name} ({done + 1} of {total})…")

    def _import_done(self, results: list) -> None:
        self.results.extend(results)
        self.import_pane.add_results(results)
        ok = [r for r in results if r.ok]
        same = [r for r in results if r.status == DUPLICATE]
        stopped = [r for r in results if r.status == CANCELLED]
        bad = [r for r in results if not r.ok and r not in same and r not in stopped]
        self._nav_timer.stop()
        self._documents_changed()
        self._panels_timer.stop()
        self.findings_panel.refresh()
        if ok and (not self.model.mode or self._first_import):
            self._first_import = False
            self.show_release(ok[0].name)
        msg = f"Imported {len(ok)} of {len(results)} files"
        if same:
            msg += (f"; {len(same)} already loaded (the same file), imported once" if len(same) > 1
                    else f"; {same[0].message}")
        if stopped:
            msg += f"; cancelled, {len(stopped)} not imported (the releases loaded so far stay)"
        if bad:
            msg += f"; {len(bad)} could not be imported (see the Releases list)"
        self.statusBar().showMessage(msg, 10000)
        self.importFinished.emit(results)

    def cancel_import(self) -> None:
        """Stop the running import; the releases read so far stay loaded."""
        if self.runner.cancel():
            self.statusBar().showMessage("Cancelling the import: the releases loaded so far stay…")

    def wait_for_import(self) -> None:
        """Block until queued imports are done (scripts and benchmarks)."""
        from PySide6.QtWidgets import QApplication
        self.runner.wait()
        QApplication.processEvents()

    # -- autosave and recovery --------------------------------------------------------
    def _start_autosave(self, path: str) -> None:
        """Unsaved work goes to this session's recovery file within seconds of every change,
        from the first edit on; what sessions that did not end cleanly left is offered back (in
        a bar above the grid, not a dialog). Autosave runs on while the bar is unanswered: this
        session writes its own file, never theirs."""
        try:
            from iijdesk.core.workspace_io import Autosaver
        except ImportError:
            return
        self.autosaver = Autosaver(self.ws, path,
                                   on_error=lambda m: self.statusBar().showMessage(f"Autosave failed: {m}", 8000))
        self._autosave_timer = QTimer(self)
        self._autosave_timer.setInterval(AUTOSAVE_TICK_MS)
        self._autosave_timer.timeout.connect(self._autosave_tick)
        self._autosave_timer.start()
        self._show_recovery()

    def _show_recovery(self) -> None:
        """The bar offers the newest unanswered recovery file (then the next, once answered)."""
        info = self.autosaver.find_recovery() if self.autosaver is not None else None
        if info is None:
            self.recovery_bar.setVisible(False)
            return
        more = len(self.autosaver.pending) - 1
        self.recovery_label.setText(info.describe() + (f" ({more} older one(s) after this)" if more else ""))
        self.recovery_restore.setEnabled(info.readable)
        self.recovery_bar.setVisible(True)

    def _autosave_tick(self) -> None:
        # not while an import changes the frame (edits wait then, and none was pending at its start)
        if self.autosaver is not None and not self.runner.busy():
            self.autosaver.maybe_save()

    def restore_recovery(self) -> bool:
        """Replace what is open with the offered unsaved work; what this session had unsaved is
        first kept as a recovery file of its own, offered next (nothing is lost either way)."""
        if self.autosaver is None:
            self.recovery_bar.setVisible(False)
            return False
        info = self.autosaver.find_recovery()
        if info is None:
            self._show_recovery()
            return False
        if self.autosaver.dirty or os.path.exists(self.autosaver.path):
            self.autosaver.save_now()
            self.autosaver.set_aside()
        try:
            self.autosaver.restore(info)
        except Exception as e:
            self._problem("The unsaved work could not be restored", str(e))
            self._show_recovery()
            return False
        self._after_workspace_replaced()
        self._show_recovery()
        self.statusBar().showMessage("Restored the unsaved work of the last session", 8000)
        return True

    def discard_recovery(self) -> None:
        if self.autosaver is not None and self.autosaver.find_recovery() is not None:
            self.autosaver.discard_pending()
        self._show_recovery()

    # -- workspace files and export ----------------------------------------------------
    def save_workspace(self, path: str) -> bool:
        """Save everything (releases, facts, edits) to a .iijdesk file; says why if it cannot."""
        from iijdesk.core import workspace_io
        try:
            workspace_io.save_workspace(self.ws, path)
        except Exception as e:
            self._problem("The workspace was not saved", str(e))
            return False
        self.undo_stack.setClean()
        if self.autosaver is not None:
            self.autosaver.mark_clean(path)
        self.statusBar().showMessage(f"Saved {path}", 8000)
        return True

    def open_workspace(self, path: str) -> bool:
        """Replace what is loaded with a saved workspace (the window keeps its panels)."""
        from iijdesk.core import workspace_io
        if self.runner.busy():
            self.statusBar().showMessage("Wait until the import has finished", 5000)
            return False
        try:
            workspace_io.restore_into(self.ws, path)
        except Exception as e:
            self._problem("The workspace was not opened", str(e))
            return False
        self._after_workspace_replaced()
        if self.autosaver is not None:
            self.autosaver.mark_clean(path)
        self.statusBar().showMessage(f"Opened {path}", 8000)
        return True

    def _after_workspace_replaced(self) -> None:
        self.undo_stack.clear()
        self.import_pane.reset([ImportResult(d.name, d.path, True, "") for d in self.ws.documents.values()])
        self._nav_timer.stop()
        self._first_import = False
        self._documents_changed()
        self.model.rebuild()
        self.findings_panel.refresh()
        self.import_pane.refresh_counts()

    def export(self, path: str) -> bool:
        """Write the Excel workbook in the background; edits wait until it is written."""
        from iijdesk.core.export import export_workbook
        ws = self.ws

        def job(progress):
            return export_workbook(ws, path, overwrite=True, progress=progress)

        if self.runner.busy() or not self.exporter.start(job):
            self.statusBar().showMessage("Busy: try again when the current import or export is done", 5000)
            return False
        self._export_path = path
        return True

    def _export_busy(self, busy: bool) -> None:
        self.model.read_only = busy or self.runner.busy()
        if busy:
            self.statusBar().showMessage("Exporting…")

    def _export_done(self, result, error: str) -> None:
        if error:
            self._problem("The workbook was not written", error)
        else:
            self.statusBar().showMessage(f"Exported {self._export_path}", 10000)
        self.exportFinished.emit(error)

    # -- the analyst's own model ----------------------------------------------------------
    def update_model(self, model: str, output: str, choices=None) -> bool:
        """Link, audit and roll forward the workbook `model` into `output`, in the background,
        from the facts loaded now (a copy: imports and edits go on meanwhile)."""
        from iijdesk.core.model_update import update_model

        if not len(self.ws.facts):
            self._problem("The model was not updated", "Load the releases first: the model is linked "
                                                        "to the facts of the releases in the window.")
            return False
        facts = self.ws.facts.copy()

        def job(progress):
            return update_model(model, facts, output, choices=choices, overwrite=True)

        if not self.model_updater.start(job):
            self.statusBar().showMessage("Busy: the model update before this one is still running", 5000)
            return False
        return True

    def _model_update_done(self, result, error: str) -> None:
        self.last_model_update = result
        if error:
            self._problem("The model was not updated", error)
        else:
            self.statusBar().showMessage(f"Updated model written to {result.output}: {result.summary()}", 15000)
            if not self.quiet:
                self.show_model_update(result)
        self.modelUpdateFinished.emit(result, error)

    def show_model_update(self, result):
        from iijdesk.gui.model_update_dialog import ModelUpdateDialog

        if self.model_update_dialog is not None:
            self.model_update_dialog.close()
        dlg = ModelUpdateDialog(result, self)
        dlg.sourceRequested.connect(self.open_source_line)
        dlg.setAttribute(Qt.WA_DeleteOnClose)
        dlg.destroyed.connect(lambda *_: setattr(self, "model_update_dialog", None))
        self.model_update_dialog = dlg
        dlg.open()                  # window-modal, returns at once: the window stays usable
        return dlg

    def open_source_line(self, doc: str, line: int) -> int:
        """Show a release line in the source pane (and its facts in the grid)."""
        if self.source_dock is not None:
            self.source_dock.show()
            self.source_dock.raise_()
        n = self.select_line(doc, line)
        if not n and doc in self.ws.documents:
            self.source_panel.show_document(doc)
            self.source_panel.text.mark(line, None, None)
        return n

    def update_model_dialog_open(self) -> None:
        start = self.settings.value("lastDir", os.path.expanduser("~"))
        model, _ = QFileDialog.getOpenFileName(self, "Update Excel model", str(start),
                                               "Excel workbook (*.xlsx *.xlsm)")
        if not model:
            return
        stem, ext = os.path.splitext(model)
        out, _ = QFileDialog.getSaveFileName(self, "Write the updated copy as", f"{stem}-updated{ext}",
                                             f"Excel workbook (*{ext})")
        if out:
            if not out.lower().endswith(ext.lower()):
                out += ext
            self.update_model(model, out)

    def _problem(self, title: str, message: str) -> None:
        self.statusBar().showMessage(f"{title}: {message}", 15000)
        if not self.quiet:
            # Window-modal and opened, not exec()'d: nothing waits on it, the window keeps going.
            box = QMessageBox(QMessageBox.Warning, title, message, QMessageBox.Ok, self)
            box.setAttribute(Qt.WA_DeleteOnClose)
            box.open()

    def open_workspace_dialog(self) -> None:
        start = self.settings.value("lastDir", os.path.expanduser("~"))
        path, _ = QFileDialog.getOpenFileName(self, "Open workspace", str(start), WORKSPACE_FILTER)
        if path:
            self.open_workspace(path)

    def save_workspace_dialog(self) -> None:
        start = self.settings.value("lastDir", os.path.expanduser("~"))
        path, _ = QFileDialog.getSaveFileName(self, "Save workspace", str(start), WORKSPACE_FILTER)
        if path:
            if not path.endswith(".iijdesk"):
                path += ".iijdesk"
            self.save_workspace(path)

    def export_dialog(self) -> None:
        start = self.settings.value("lastDir", os.path.expanduser("~"))
        path, _ = QFileDialog.getSaveFileName(self, "Export to Excel", str(start), "Excel workbook (*.xlsx)")
        if path:
            if not path.lower().endswith(".xlsx"):
                path += ".xlsx"
            self.export(path)

    # -- recent files -----------------------------------------------------------------
    def recent_files(self) -> list[str]:
        v = self.settings.value("recentFiles", [])
        if isinstance(v, str):
            v = [v]
        return [str(x) for x in (v or [])]

    def _remember(self, paths: list[str]) -> None:
        recent = self.recent_files()
        for p in reversed(paths):
            p = os.path.abspath(p)
            if p in recent:
                recent.remove(p)
            recent.insert(0, p)
        self.settings.setValue("recentFiles", recent[:MAX_RECENT])
        self._rebuild_recent()

    def _rebuild_recent(self) -> None:
        self.recent_menu.clear()
        recent = self.recent_files()
        for p in recent:
            act = self.recent_menu.addAction(p)
            act.triggered.connect(lambda checked=False, p=p: self.import_paths([p]))
        self.recent_menu.setEnabled(bool(recent))

    # -- navigation -------------------------------------------------------------------
    def _on_documents_event(self) -> None:
        if not self.model.mode and self.ws.documents:
            # The first release of an import: show its grid now, while the others load.
            self._nav_timer.stop()
            self._documents_changed()
        else:
            self._nav_timer.start()

    def _documents_changed(self) -> None:
        self._refresh_navigation()
        if self.model.stale:
            self.model.rebuild()
        self.source_panel.refresh()

    def _findings_changed(self) -> None:
        # The grid first (it is what the user is looking at); the lists once the edits pause.
        self.model.on_findings_changed()
        self._current_fact(self.view.current_fact())
        self._panels_timer.start()

    def _refresh_panels(self) -> None:
        self.findings_panel.refresh()       # the import pane's counts follow (_findings_listed)

    def _findings_listed(self) -> None:
        self.import_pane.refresh_counts(findings_only=True)

    def _refresh_navigation(self) -> None:
        cur_doc = self.release_box.currentData()
        self.release_box.blockSignals(True)
        self.release_box.clear()
        self.release_box.addItem("All releases (statement kind)", ALL_RELEASES)
        for name in sorted(self.ws.documents):
            self.release_box.addItem(name, name)
        i = self.release_box.findData(cur_doc) if cur_doc else -1
        if i < 0 and cur_doc == ALL_RELEASES and self._chose_all:
            i = 0
        # Until the user asks for "all releases", show a release (its first table).
        self.release_box.setCurrentIndex(i if i >= 0 else min(1, self.release_box.count() - 1))
        self.release_box.blockSignals(False)
        fit_popup(self.release_box)
        self._fill_tables()

    def _fill_tables(self) -> None:
        doc = self.release_box.currentData()
        facts = self.ws.facts
        cur = self.table_box.currentData()
        self.table_box.blockSignals(True)
        self.table_box.clear()
        if len(facts):
            if doc:
                sub = self.ws.document_facts(doc)[["table_id", "table", "kind", "row"]]
                rows = sub.drop_duplicates(["table_id", "row"])["table_id"].value_counts().to_dict()
                first = sub.drop_duplicates("table_id")
                for tid, title, kind in sorted(zip(first["table_id"], first["table"], first["kind"]),
                                               key=lambda x: _table_number(x[0])):
                    title = " ".join(str(title).split()) or f"Table {_table_number(tid) + 1}"
                    self.table_box.addItem(f"{title}  [{kind}, {rows.get(tid, 0)} rows]", tid)
            else:
                kinds = facts.groupby("kind")["doc"].nunique()
                from iijdesk.core.facts import STATEMENT_KINDS
                order = {k: n for n, k in enumerate(STATEMENT_KINDS)}
                for k in sorted(kinds.index, key=lambda k: order.get(k, 99)):
                    self.table_box.addItem(f"{k} — {kinds[k]} release{'s' if kinds[k] != 1 else ''}", k)
        i = self.table_box.findData(cur) if cur is not None else -1
        self.table_box.blockSignals(False)
        fit_popup(self.table_box)
        if i >= 0:
            self.table_box.setCurrentIndex(i)
            if self.model.key != cur:
                self._table_chosen()
        elif self.table_box.count():
            self.table_box.setCurrentIndex(0)
            self._table_chosen()
        else:
            self.model.clear()

    def _release_chosen(self, *_):
        doc = self.release_box.currentData()
        self._chose_all = doc == ALL_RELEASES
        if doc:
            self.import_pane.select_release(doc)
        self._fill_tables()

    def _table_chosen(self, *_):
        key = self.table_box.currentData()
        if key is None:
            self.model.clear()
        elif self.release_box.currentData():
            if self.model.mode != "table" or self.model.key != key:
                self.model.set_table(key)
        elif self.model.mode != "kind" or self.model.key != key:
            self.model.set_kind(key)
        self._show_fix("", False)

    def show_release(self, name: str) -> None:
        i = self.release_box.findData(name)
        if i >= 0:
            self.release_box.setCurrentIndex(i)
        self.import_pane.select_release(name)

    def remove_release(self, name: str) -> None:
        """Take a release out of the workspace (its edits go with it; not undoable)."""
        if self.runner.busy() or name not in self.ws.documents:
            return
        self.undo_stack.clear()
        self.ws.remove_document(name)
        self.import_pane.forget(name)
        self._nav_timer.stop()
        self._documents_changed()
        self._refresh_panels()
        gc_guard.collect_all()          # its checks and tables are garbage now (some in cycles)
        self.statusBar().showMessage(f"Removed {name}", 5000)

    def show_table(self, table_id: str) -> None:
        facts = self.ws.facts
        doc = facts.loc[facts["table_id"] == table_id, "doc"]
        if not len(doc):
            return
        if self.release_box.currentData() != doc.iat[0]:
            self.release_box.setCurrentIndex(self.release_box.findData(doc.iat[0]))
        i = self.table_box.findData(table_id)
        if i >= 0 and self.table_box.currentIndex() != i:
            self.table_box.setCurrentIndex(i)
        elif self.model.key != table_id:
            self.model.set_table(table_id)

    def show_kind(self, kind: str) -> None:
        self.release_box.setCurrentIndex(0)
        i = self.table_box.findData(kind)
        if i >= 0:
            self.table_box.setCurrentIndex(i)

    # -- selection across panels ------------------------------------------------------
    def select_facts(self, ids, current: int | None = None) -> int:
        """Show the table holding the facts and select their cells; returns cells selected."""
        ids = [int(i) for i in ids if int(i) in self.ws.facts.index]
        if not ids:
            return 0
        lead = current if current is not None and current in ids else ids[0]
        if not self.model.contains(lead):
            self.show_table(str(self.ws.facts.at[lead, "table_id"]))
        indexes = [self.model.index_of(i) for i in ids if self.model.contains(i)]
        if not indexes:
            return 0
        sel = QItemSelection()
        for ix in indexes:
            sel.select(ix, ix)
        sm = self.view.selectionModel()
        lead_ix = self.model.index_of(lead) if self.model.contains(lead) else indexes[0]
        sm.setCurrentIndex(lead_ix, QItemSelectionModel.NoUpdate)
        sm.select(sel, QItemSelectionModel.ClearAndSelect)
        self.view.scrollTo(lead_ix)
        self._current_fact(self.model.fact_id(lead_ix))
        return len(indexes)

    def select_finding(self, finding: pd.Series) -> int:
        ids = fact_ids_of(finding.get("fact_ids"))
        fix = fact_ids_of(finding.get("fix_fact"))
        return self.select_facts(ids + [i for i in fix if i not in ids], fix[0] if fix else None)

    def select_line(self, doc: str, line: int) -> int:
        facts = self.ws.facts
        ids = facts.index[(facts["doc"] == doc) & (facts["line"] == line)].tolist()
        if not ids:
            self.statusBar().showMessage(f"No table number was read from line {line}", 5000)
            return 0
        return self.select_facts(ids)

    def _current_fact(self, fid: int) -> None:
        if fid is None or fid < 0:
            self._show_fix("", False)
            self._shown_fact = -1
            return
        if fid != self._shown_fact:
            self.source_panel.show_fact(fid)
            self._shown_fact = fid
        f = self.model.findings_for(fid)
        if not len(f):
            self._show_fix("", False)
            return
        first = f.iloc[0]
        self._show_fix(str(first.get('message', '')), self._fix_in(f) is not None,
                       str(first.get('severity', '')))

    def _show_fix(self, message: str, fixable: bool, severity: str = "") -> None:
        """What the fix bar says of the current cell (only what changed is set)."""
        self.fix_label.set_parts(severity, message)
        if self.fix_button.isEnabled() != fixable:
            self.fix_button.setEnabled(fixable)

    # -- fixes ------------------------------------------------------------------------
    def _fix_of(self, fid: int):
        return self._fix_in(self.model.findings_for(fid))

    @staticmethod
    def _fix_in(findings):
        """The first of these findings (worst first) that carries a suggested correction."""
        for _, f in findings.iterrows():
            fix = fact_ids_of(f.get("fix_fact"))
            if fix and pd.notna(f.get("fix_value")):
                return f
        return None

    def apply_fix_for_fact(self, fid: int) -> bool:
        f = self._fix_of(fid) if fid is not None and fid >= 0 else None
        return self.apply_fix(f) if f is not None else False

    def apply_fix(self, finding) -> bool:
        """Apply a finding's suggested correction as one undoable edit."""
        fix = fact_ids_of(finding.get("fix_fact"))
        value = finding.get("fix_value")
        if not fix or value is None or pd.isna(value) or fix[0] not in self.ws.facts.index:
            return False
        fid = fix[0]
        row = self.ws.facts.loc[fid]
        scale = int(row["scale"] or 1)
        dec = int(row["decimals"]) if pd.notna(row["decimals"]) else 0
        number = float(value) / scale
        shown = format_number(float(value), scale, dec, str(row["unit"]))
        ok = self.model.edit_fact(fid, number, dec, text=f"Apply correction: {row['row_label']} = {shown}")
        self.statusBar().showMessage(f"Set {row['row_label']} to {shown} (Ctrl+Z undoes)", 8000)
        return ok

    # -- find -------------------------------------------------------------------------
    def _focus_find(self) -> None:
        self.find_edit.setFocus()
        self.find_edit.selectAll()

    def find_next(self, text: str) -> bool:
        """Next cell or row label containing `text`: in this grid, then in the other tables."""
        text = (text or "").strip().casefold()
        if not text:
            return False
        m = self.model
        nr, nc = m.rowCount(), m.columnCount()
        cur = self.view.currentIndex()
        start = (cur.row() * (nc + 1) + cur.column() + 1 + 1) if cur.isValid() else 0
        total = nr * (nc + 1)
        for k in range(total):
            pos = (start + k) % total if total else 0
            r, c = divmod(pos, nc + 1)
            c -= 1                                      # -1 is the label column
            hay = m.row_label(r) if c < 0 else m.cell_text(r, c)
            if text in hay.casefold() and (c >= 0 or nc):
                ix = m.index(r, max(c, 0))
                self.view.setCurrentIndex(ix)
                self.view.scrollTo(ix)
                return True
        facts = self.ws.facts
        if len(facts):
            hit = facts[facts["row_label"].str.casefold().str.contains(text, regex=False)
                        & ~facts.index.isin(m.fact_ids())]
            if len(hit):
                self.select_facts([hit.index[0]])
                return True
        self.statusBar().showMessage(f"“{text}” not found", 5000)
        return False
