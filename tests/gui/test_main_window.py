"""The main window on the real releases (offscreen): import, grid, highlighting, edits, panels."""
from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QPoint, QPointF, QMimeData, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication, QKeySequence, QTextCursor
from PySide6.QtWidgets import QApplication

from iijdesk.gui.statement_model import SEVERITY_COLORS, SEVERITY_ROLE, fact_ids_of
from tests.conftest import release
from tests.gui.conftest import close_window, fact_at, import_and_wait

R000 = release("000")
R003 = release("003")
R004 = release("004")


def drop(qtbot, window, paths):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    enter = QDragEnterEvent(QPoint(20, 20), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    ev = QDropEvent(QPointF(20, 20), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    with qtbot.waitSignal(window.importFinished, timeout=120000) as blocker:
        QApplication.sendEvent(window, ev)
    return blocker.args[0]


def row_of(model, label):
    for r in range(model.rowCount()):
        if model.row_label(r) == label:
            return r
    raise AssertionError(f"no row {label!r}")


def cross_table_findings(ws, fid):
    f = ws.findings
    return [i for i, (ids, kind) in enumerate(zip(f["fact_ids"], f["kind"]))
            if fid in fact_ids_of(ids) and kind == "cross_table"]


# -- import ------------------------------------------------------------------------------
def test_dropping_two_releases_fills_the_list_and_the_grid(qtbot, window):
    results = drop(qtbot, window, [R000, R003])
    assert [r.ok for r in results] == [True, True]
    assert window.import_pane.names() == [R000.name, R003.name]
    assert [window.import_pane.status_of(n) for n in window.import_pane.names()] == ["loaded", "loaded"]
    item = window.import_pane.list.topLevelItem(0)
    assert int(item.text(1)) > 10          # tables found
    m = window.model
    assert m.mode == "table" and m.key.startswith(R000.name)
    assert m.rowCount() > 0 and m.columnCount() > 0
    # The first table of the nine-month release: periods as headers, negatives in parentheses.
    heads = [m.column_header(c) for c in range(m.columnCount())]
    assert "9M to 2008-12-31\nJPY mn" in heads and "9M to 2009-12-31\nJPY mn" in heads
    r = row_of(m, "Total Revenues")
    cells = [m.cell_text(r, c) for c in range(m.columnCount())]
    assert "50,789" in cells and "48,313" in cells and "(4.9%)" in cells
    assert cells.index("50,789") < cells.index("48,313")      # time order
    # The release list offers every table of the release.
    assert window.table_box.count() == int(item.text(1))


def test_a_bad_file_shows_its_reason_inline_and_keeps_what_is_loaded(qtbot, window, tmp_path):
    import_and_wait(qtbot, window, [R000])
    shown = window.model.key
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    junk = tmp_path / "junk.bin"
    junk.write_bytes(bytes(range(256)) * 40)
    results = import_and_wait(qtbot, window, [empty, junk, R003])
    assert [r.ok for r in results] == [False, False, True]
    for r in results[:2]:
        assert r.message
        assert window.import_pane.status_of(r.name) == "failed"
        assert window.import_pane.reason_of(r.name) == r.message
    assert "empty" in window.import_pane.reason_of("empty.txt")
    assert set(window.ws.documents) == {R000.name, R003.name}
    assert window.model.key == shown and window.model.rowCount() > 0
    assert QApplication.activeModalWidget() is None          # no dialogs stacked up


# -- highlighting, editing, undo ---------------------------------------------------------
def _net_income_cell(qtbot, window):
    """Release 003's cash-flow net income, misread as 3,123,480 (income statement: 3,123,486)."""
    import_and_wait(qtbot, window, [R003])
    fid = fact_at(window.ws, "003", 419, unit="JPY", period_end="2012-12-31")
    assert window.select_facts([fid]) == 1
    return fid, window.model.index_of(fid)


def test_a_known_defect_is_highlighted_with_its_explanation(qtbot, window):
    fid, ix = _net_income_cell(qtbot, window)
    m = window.model
    assert m.cell_text(ix.row(), ix.column()) == "3,123,480"
    assert cross_table_findings(window.ws, fid)
    assert m.data(ix, SEVERITY_ROLE) == "error"
    assert m.data(ix, Qt.BackgroundRole) == SEVERITY_COLORS["error"]
    assert not m.data(ix, Qt.DecorationRole).isNull()
    tip = m.data(ix, Qt.ToolTipRole)
    assert "Expected: <b>3,123,486</b>" in tip and "Actual: <b>3,123,480</b>" in tip
    assert "Suggested correction" in tip and "line 382" in tip
    # The fix bar above the grid says the same and offers the correction.
    assert window.fix_bar.isVisibleTo(window) and window.fix_button.isEnabled()


def test_the_grid_keeps_its_size_between_flagged_and_clean_cells_and_through_edits(qtbot, window):
    """The fix bar keeps its place: a bar that came and went would resize the grid and make
    every edit repaint the whole table."""
    fid, ix = _net_income_cell(qtbot, window)
    m, view = window.model, window.view
    QApplication.processEvents()
    geometry = view.geometry()
    assert window.fix_button.isEnabled() and "error" in window.fix_label.text()
    clean = next(m.index(r, c) for r in range(m.rowCount()) for c in range(m.columnCount())
                 if m.fact_id(m.index(r, c)) is not None and not m.data(m.index(r, c), SEVERITY_ROLE))
    view.setCurrentIndex(clean)
    QApplication.processEvents()
    assert window.fix_label.text() == "" and not window.fix_button.isEnabled()
    assert view.geometry() == geometry
    view.setCurrentIndex(ix)
    assert m.setData(ix, "3,123,486")               # the fix clears the finding
    QApplication.processEvents()
    assert window.fix_label.text() == "" and view.geometry() == geometry
    window.undo_stack.undo()
    QApplication.processEvents()
    assert window.fix_button.isEnabled() and view.geometry() == geometry


def test_editing_the_damaged_cell_clears_the_finding_and_undo_brings_it_back(qtbot, window):
    fid, ix = _net_income_cell(qtbot, window)
    m = window.model
    assert m.setData(ix, "3,123,486")
    assert m.cell_text(ix.row(), ix.column()) == "3,123,486"
    assert window.ws.facts.at[fid, "value"] == 3_123_486_000
    assert not cross_table_findings(window.ws, fid)
    assert m.data(ix, SEVERITY_ROLE) != "error"
    assert m.data(ix, Qt.FontRole).italic()                        # marked as edited
    assert "replaced printed “3,123,480”" in m.data(ix, Qt.ToolTipRole)
    assert window.ws.edits[-1].old_printed == "3,123,480"

    assert window.undo_action.shortcut() == QKeySequence(QKeySequence.Undo)
    window.undo_action.trigger()
    assert m.cell_text(ix.row(), ix.column()) == "3,123,480"
    assert cross_table_findings(window.ws, fid)
    assert m.data(ix, SEVERITY_ROLE) == "error"
    assert not window.ws.edits

    assert QKeySequence("Ctrl+Shift+Z") in window.redo_action.shortcuts()
    window.redo_action.trigger()
    assert m.cell_text(ix.row(), ix.column()) == "3,123,486"
    assert not cross_table_findings(window.ws, fid)


def test_apply_fix_is_one_click_and_undoable(qtbot, window):
    fid, ix = _net_income_cell(qtbot, window)
    qtbot.mouseClick(window.fix_button, Qt.LeftButton)
    assert window.model.cell_text(ix.row(), ix.column()) == "3,123,486"
    assert not cross_table_findings(window.ws, fid)
    assert window.undo_stack.count() == 1
    window.undo_stack.undo()
    assert window.model.cell_text(ix.row(), ix.column()) == "3,123,480"
    assert cross_table_findings(window.ws, fid)


def test_typed_numbers_are_validated(qtbot, window):
    fid, ix = _net_income_cell(qtbot, window)
    m = window.model
    with qtbot.waitSignal(m.editRejected) as rejected:
        assert not m.setData(ix, "12x4")
    assert "not a number" in rejected.args[0]
    assert m.cell_text(ix.row(), ix.column()) == "3,123,480" and window.undo_stack.count() == 0
    assert m.setData(ix, "(1,234)")
    assert window.ws.facts.at[fid, "value"] == -1_234_000 and m.cell_text(ix.row(), ix.column()) == "(1,234)"
    assert m.setData(ix, "-1234")
    assert window.ws.facts.at[fid, "value"] == -1_234_000
    assert m.setData(ix, "1,234")
    assert window.ws.facts.at[fid, "value"] == 1_234_000

def test_a_number_typed_into_a_cell_and_entered_is_the_edit(qtbot, window):
    """The editor's validator compiles (PCRE2 rejects \\u escapes) and lets a typed number
    through: typing and pressing Enter edits the fact, undoably."""
    from PySide6.QtCore import QRegularExpression
    from PySide6.QtWidgets import QLineEdit

    from iijdesk.gui.statement_view import ENTRY_PATTERN, entry_validator
    assert QRegularExpression(ENTRY_PATTERN).isValid()
    v = entry_validator()
    for text in ("3,123,486", "(1,234)", "\u22127", "\u25b312", "12.5%", "--", "\u2014"):
        assert v.validate(text, len(text))[0] != v.State.Invalid, text
    assert v.validate("12x4", 4)[0] == v.State.Invalid
    fid, ix = _net_income_cell(qtbot, window)
    view, m = window.view, window.model
    view.setFocus()
    view.setCurrentIndex(ix)
    qtbot.keyClick(view, Qt.Key_F2)                  # the edit key opens the editor
    assert view.state() == view.State.EditingState
    editor = view.viewport().findChild(QLineEdit)
    assert editor is not None and editor.isVisible()
    editor.selectAll()
    qtbot.keyClicks(editor, "3,123,486")
    assert editor.text() == "3,123,486"              # the validator let every key through
    qtbot.keyClick(editor, Qt.Key_Return)
    qtbot.waitUntil(lambda: window.ws.facts.at[fid, "value"] == 3_123_486_000, timeout=5000)
    assert m.cell_text(ix.row(), ix.column()) == "3,123,486"
    assert not cross_table_findings(window.ws, fid)
    assert window.undo_stack.count() == 1
    window.undo_stack.undo()
    assert m.cell_text(ix.row(), ix.column()) == "3,123,480"


def test_every_shortcut_is_bound_once_and_both_redo_keys_redo(qtbot, window):
    """A key bound to two actions is "ambiguous" and does nothing: Ctrl+Shift+Z was bound
    twice (the platform's Redo is Ctrl+Shift+Z on X11) and Ctrl+Y not at all."""
    from PySide6.QtGui import QAction
    seen = {}
    for act in window.findChildren(QAction):
        for k in act.shortcuts():
            key = k.toString()
            assert key not in seen or seen[key] is act, f"{key}: {seen[key].text()} and {act.text()}"
            seen[key] = act
    keys = [k.toString() for k in window.redo_action.shortcuts()]
    assert "Ctrl+Shift+Z" in keys and "Ctrl+Y" in keys and len(keys) == len(set(keys))
    fid, ix = _net_income_cell(qtbot, window)
    m = window.model
    window.activateWindow()
    window.view.setFocus()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    for key, mods in ((Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier), (Qt.Key_Y, Qt.ControlModifier)):
        assert m.setData(ix, "3,123,486")
        qtbot.keyClick(window.view, Qt.Key_Z, Qt.ControlModifier)       # undo
        assert m.cell_text(ix.row(), ix.column()) == "3,123,480"
        qtbot.keyClick(window.view, key, mods)                           # redo
        assert m.cell_text(ix.row(), ix.column()) == "3,123,486", QKeySequence(key | mods).toString()
        window.undo_stack.undo()


# -- panels ------------------------------------------------------------------------------
def test_activating_a_finding_selects_its_cells(qtbot, window):
    import_and_wait(qtbot, window, [R000, R003])
    fid = fact_at(window.ws, "003", 419, unit="JPY", period_end="2012-12-31")
    panel = window.findings_panel
    panel.release_box.setCurrentText(R003.name)
    panel.severity_box.setCurrentText("error")
    assert 0 < panel.visible_count() < len(window.ws.findings)
    rows = [r for r in range(panel.visible_count())
            if fid in fact_ids_of(panel.finding_at(r)["fact_ids"]) and panel.finding_at(r)["kind"] == "cross_table"]
    assert rows
    window.show_release(R000.name)                       # somewhere else first
    panel.activate_row(rows[0])
    m = window.model
    assert m.key == window.ws.facts.at[fid, "table_id"]
    assert window.view.current_fact() == fid
    selected = {m.fact_id(i) for i in window.view.selectionModel().selectedIndexes()}
    involved = set(fact_ids_of(panel.finding_at(rows[0])["fact_ids"]))
    assert fid in selected and selected <= involved
    assert window.source_panel.marked_line() == 419


def test_selecting_a_cell_shows_its_source_line_and_a_line_selects_its_cells(qtbot, window):
    fid, ix = _net_income_cell(qtbot, window)
    window.view.setCurrentIndex(window.model.index(0, 0))
    window.view.setCurrentIndex(ix)
    sp = window.source_panel
    assert sp.doc == R003.name and sp.marked_line() == 419
    assert "3,123,480" in sp.current_line_text() and "line 419" in sp.title.text()
    # Putting the cursor on the income statement's net income line selects its cells there.
    block = sp.text.document().findBlockByNumber(382 - 1)
    sp.text.setTextCursor(QTextCursor(block))
    facts = window.ws.facts
    on_line = set(facts.index[(facts["doc"] == R003.name) & (facts["line"] == 382)])
    m = window.model
    assert m.key == facts.at[next(iter(on_line)), "table_id"]
    selected = {m.fact_id(i) for i in window.view.selectionModel().selectedIndexes()}
    assert selected == {i for i in on_line if m.contains(i)} and len(selected) >= 2


def test_copy_gives_tab_separated_text_with_row_labels(qtbot, window):
    import_and_wait(qtbot, window, [R000])
    fid = fact_at(window.ws, "000", 38, measure="yoy_pct")
    window.show_table(window.ws.facts.at[fid, "table_id"])
    m, v = window.model, window.view
    r = row_of(m, "Total Revenues")
    v.selectionModel().clearSelection()
    for c in range(m.columnCount()):
        for rr in (r, r + 1):
            v.selectionModel().select(m.index(rr, c), QItemSelectionModel.Select)
    v.copy_action.trigger()
    text = QGuiApplication.clipboard().text()
    assert text == ("\t9M to 2008-12-31 JPY mn\t9M to 2009-12-31 JPY mn\t9M to 2009-12-31 YoY %\n"
                    "Total Revenues\t50,789\t48,313\t(4.9%)\n"
                    "Connectivity and Outsourcing Services\t25,941\t27,601\t6.4%\n")


def test_find_goes_to_the_next_match(qtbot, window):
    import_and_wait(qtbot, window, [R003])
    assert window.find_action.shortcut() == QKeySequence(QKeySequence.Find)
    assert window.find_next("depreciation and amortization")
    m = window.model
    r = window.view.currentIndex().row()
    assert "depreciation and amortization" in m.row_label(r).casefold()
    assert not window.find_next("no such line item anywhere")


def test_a_statement_kind_across_releases_has_periods_in_time_order(qtbot, window):
    import_and_wait(qtbot, window, [R000, R003])
    window.show_kind("income")
    m = window.model
    assert m.mode == "kind" and m.rowCount() > 10
    heads = [m.column_header(c).split("\n")[0] for c in range(m.columnCount())]
    ends = [h.split(" ")[-1] for h in heads if h.startswith(("3M to", "6M to", "9M to", "12M to", "at "))]
    assert ends and ends == sorted(ends)
    assert any("2009-12-31" in h for h in heads) and any("2012-12-31" in h for h in heads)


def test_recent_files_and_window_layout_are_remembered(qtbot, window, tmp_path):
    import_and_wait(qtbot, window, [R000])
    assert window.recent_files()[0] == str(R000.resolve())
    assert [a.text() for a in window.recent_menu.actions()][0] == str(R000.resolve())
    settings = window.settings
    window.findings_dock.hide()
    window.close()
    assert settings.value("window/state") is not None
    from iijdesk.gui.main_window import MainWindow
    again = MainWindow(settings=settings)
    try:
        assert again.recent_files()[0] == str(R000.resolve())
        assert again.findings_dock.isHidden()
    finally:
        close_window(again)


def test_a_dropped_folder_is_walked_and_a_file_without_tables_says_so(qtbot, window, tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / R004.name).write_bytes(R004.read_bytes())
    (folder / "notes.txt").write_text("Minutes of the meeting.\nNothing was decided.\n", encoding="utf-8")
    results = drop(qtbot, window, [folder])
    assert {r.name: r.ok for r in results} == {R004.name: True, "notes.txt": False}
    assert "no tables" in window.import_pane.reason_of("notes.txt")
    assert window.model.key.startswith(R004.name)


def test_charts_are_built_when_their_tab_is_shown(qtbot, window):
    if window.charts_dock is None:
        import pytest
        pytest.skip("no charts module")
    import_and_wait(qtbot, window, [R004])
    assert window.charts is None                  # not built while nobody looks
    window.charts_dock.raise_()
    qtbot.waitUntil(lambda: window.charts is not None, timeout=10000)
    assert window.charts_dock.widget() is window.charts


def test_run_app_opens_the_window_with_the_files_imported(qtbot, tmp_path, monkeypatch):
    from PySide6.QtCore import QEventLoop, QSettings, QTimer

    from iijdesk.gui import app as app_module
    from iijdesk.gui import main_window
    seen = {}

    class Recording(main_window.MainWindow):
        def __init__(self, *a, **k):
            super().__init__(settings=QSettings(str(tmp_path / "run.ini"), QSettings.IniFormat))
            seen["window"] = self

    def exec_until_loaded(self):
        # Stands in for the application's event loop (quitting the real one would end it
        # for the tests that follow): runs until the files are in.
        loop = QEventLoop()

        def check():
            w = seen.get("window")
            if w is not None and not w.runner.busy() and w.ws.documents:
                seen["docs"] = sorted(w.ws.documents)
                seen["rows"] = w.model.rowCount()
                seen["visible"] = w.isVisible()
                loop.quit()
            else:
                QTimer.singleShot(50, check)

        QTimer.singleShot(0, check)
        loop.exec()
        return 0

    monkeypatch.setattr(main_window, "MainWindow", Recording)
    monkeypatch.setattr(type(QApplication.instance()), "exec", exec_until_loaded)
    assert app_module.run_app([str(R004)]) == 0
    assert seen["docs"] == [R004.name] and seen["rows"] > 0 and seen["visible"]


def test_removing_a_release_keeps_the_others(qtbot, window):
    import_and_wait(qtbot, window, [R000, R004])
    window.show_release(R004.name)
    window.remove_release(R004.name)
    assert set(window.ws.documents) == {R000.name}
    assert R004.name not in window.import_pane.names()
    assert window.release_box.findData(R004.name) < 0
    qtbot.waitUntil(lambda: window.model.key.startswith(R000.name), timeout=5000)
    assert not (window.ws.findings["doc"] == R004.name).any()


def test_two_files_of_one_name_are_two_releases_and_one_file_twice_is_one(qtbot, window, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    (a / "release.txt").write_bytes(R000.read_bytes())
    (b / "release.txt").write_bytes(R003.read_bytes())
    results = drop(qtbot, window, [a / "release.txt", b / "release.txt"])
    assert [r.ok for r in results] == [True, True]
    assert len(window.ws.documents) == 2 and len(window.import_pane.names()) == 2
    assert "Imported 2 of 2 files" in window.statusBar().currentMessage()
    results = drop(qtbot, window, [a / "release.txt"])
    assert [r.status for r in results] == ["duplicate"]
    assert len(window.ws.documents) == 2 and len(window.import_pane.names()) == 2
    assert "already loaded" in window.statusBar().currentMessage()


def test_a_large_import_can_be_cancelled_and_keeps_what_was_loaded(qtbot, window, tmp_path):
    paths = []
    for i in range(8):      # distinct names, one content each: every file is read in full
        p = tmp_path / f"r{i}.txt"
        p.write_bytes(R000.read_bytes() + f"\n{i}\n".encode())
        paths.append(p)
    assert not window.import_pane.cancel_button.isVisible()

    def cancel_after_first(done, total, name):
        if done == 1 and window.import_pane.cancel_button.isEnabled():
            qtbot.mouseClick(window.import_pane.cancel_button, Qt.LeftButton)

    window.runner.progress.connect(cancel_after_first)
    with qtbot.waitSignal(window.importFinished, timeout=120000) as blocker:
        window.import_paths([str(p) for p in paths])
    results = blocker.args[0]
    loaded = [r for r in results if r.ok]
    stopped = [r for r in results if r.status == "cancelled"]
    assert 1 <= len(loaded) < len(paths) and len(loaded) + len(stopped) == len(paths)
    assert set(window.ws.documents) == {r.name for r in loaded}
    assert window.import_pane.status_of(stopped[-1].name) == "cancelled"
    assert "cancelled" in window.statusBar().currentMessage()
    assert window.model.rowCount() > 0          # the grid shows what was loaded
    assert window.runner.busy() is False and window.model.read_only is False


def test_no_edits_while_an_import_changes_the_frame(qtbot, window):
    fid, ix = _net_income_cell(qtbot, window)
    window._busy(True)
    try:
        with qtbot.waitSignal(window.model.editRejected):
            window.model.setData(ix, "1")
        assert window.ws.facts.at[fid, "value"] == 3_123_480_000
    finally:
        window._busy(False)


def test_a_saved_workspace_opens_with_its_edits(qtbot, window, tmp_path):
    fid, ix = _net_income_cell(qtbot, window)
    window.model.setData(ix, "3,123,486")
    path = str(tmp_path / "q3.iijdesk")
    assert window.save_workspace(path)
    window.remove_release(R003.name)
    assert not window.ws.documents
    assert window.open_workspace(path)
    assert set(window.ws.documents) == {R003.name}
    assert window.import_pane.names() == [R003.name]
    assert window.ws.facts.at[fid, "value"] == 3_123_486_000
    assert [e.old_printed for e in window.ws.edits] == ["3,123,480"]
    assert not cross_table_findings(window.ws, fid)
    assert window.select_facts([fid]) == 1
    ix = window.model.index_of(fid)
    assert window.model.cell_text(ix.row(), ix.column()) == "3,123,486"
    assert window.model.data(ix, Qt.FontRole).italic()


def test_a_broken_workspace_file_says_why_and_changes_nothing(qtbot, window, tmp_path):
    import_and_wait(qtbot, window, [R004])
    bad = tmp_path / "bad.iijdesk"
    bad.write_bytes(b"not a zip")
    assert not window.open_workspace(str(bad))
    assert set(window.ws.documents) == {R004.name}
    assert "not opened" in window.statusBar().currentMessage()


def test_export_runs_in_the_background_and_writes_the_workbook(qtbot, window, tmp_path):
    import_and_wait(qtbot, window, [R004])
    out = tmp_path / "out.xlsx"
    with qtbot.waitSignal(window.exportFinished, timeout=180000) as done:
        assert window.export(str(out))
        assert window.model.read_only                 # no edits while the workbook is written
    assert done.args == [""]
    assert out.stat().st_size > 0 and not window.model.read_only


def test_unsaved_work_is_offered_back_at_the_next_start(qtbot, tmp_path):
    from PySide6.QtCore import QSettings

    from iijdesk.gui.main_window import MainWindow
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.IniFormat)
    recovery = str(tmp_path / "recovery.iijdesk")
    first = MainWindow(settings=settings, recovery_path=recovery)
    first.quiet = True
    try:
        import_and_wait(qtbot, first, [R003])
        fid = fact_at(first.ws, "003", 419, unit="JPY", period_end="2012-12-31")
        first.select_facts([fid])
        first.model.setData(first.model.index_of(fid), "3,123,486")
    finally:
        close_window(first)                       # quits without saving
    second = MainWindow(settings=settings, recovery_path=recovery)
    second.quiet = True
    try:
        assert second.recovery_bar.isVisibleTo(second) and "1 edit" in second.recovery_label.text()
        assert second.restore_recovery()
        assert set(second.ws.documents) == {R003.name}
        assert second.ws.facts.at[fid, "value"] == 3_123_486_000
        assert second.model.rowCount() > 0
        second.discard_recovery()
    finally:
        close_window(second)


def test_autosave_runs_while_the_restore_bar_is_unanswered(qtbot, tmp_path):
    """A crash while the bar is open must lose neither session: this one's edits go to its own
    recovery file from the first tick on, the earlier one's file stays as it was."""
    import os

    from PySide6.QtCore import QSettings

    from iijdesk.core import workspace_io as W
    from iijdesk.gui.main_window import MainWindow
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.IniFormat)
    recovery = str(tmp_path / "recovery.iijdesk")
    first = MainWindow(settings=settings, recovery_path=recovery)
    first.quiet = True
    try:
        import_and_wait(qtbot, first, [R003])
        fid = fact_at(first.ws, "003", 419, unit="JPY", period_end="2012-12-31")
        first.select_facts([fid])
        first.model.setData(first.model.index_of(fid), "3,123,486")
        first._autosave_tick()                    # the first edit: saved at the first tick
        assert W.find_recovery(recovery).n_edits == 1
        first.autosaver._lock.close()             # killed: the lock goes with the process
        first.autosaver._lock = None
        first.autosaver = None
    finally:
        close_window(first)
    earlier = open(recovery, "rb").read()
    second = MainWindow(settings=settings, recovery_path=recovery)
    second.quiet = True
    try:
        assert second.recovery_bar.isVisibleTo(second)
        import_and_wait(qtbot, second, [R004])
        assert second.recovery_bar.isVisibleTo(second)     # not answered yet
        second._autosave_tick()
        own = second.autosaver.path
        assert own != recovery and W.find_recovery(own).documents == [R004.name]
        assert open(recovery, "rb").read() == earlier
        assert second.restore_recovery()                # R004's unsaved import is set aside ...
        assert set(second.ws.documents) == {R003.name} and len(second.ws.edits) == 1
        assert not os.path.exists(recovery)
        assert second.recovery_bar.isVisibleTo(second)  # ... and offered next
        assert second.autosaver.find_recovery().documents == [R004.name]
        second.discard_recovery()
        assert not second.recovery_bar.isVisibleTo(second)
    finally:
        close_window(second)


def test_plot_selection_draws_the_selected_rows_in_the_charts(qtbot, window):
    fid, ix = _net_income_cell(qtbot, window)
    assert window.view.selected_fact_ids() == [fid]
    window.plot_action.trigger()
    charts = window.charts
    assert charts is not None
    qtbot.waitUntil(lambda: charts.timeline is not None and not charts._pending, timeout=60000)
    assert charts.tabs.currentWidget() is charts.selection
    assert charts.selection.fact_ids == [fid]


def test_under_x11_no_key_is_bound_twice_and_both_redo_keys_redo(tmp_path):
    """On X11 the platform's Redo key is Ctrl+Shift+Z: binding it besides an explicit
    Ctrl+Shift+Z made it ambiguous (it did nothing) and Ctrl+Y was not bound."""
    import json
    import os
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    import pytest
    if not shutil.which("xvfb-run"):
        pytest.skip("needs xvfb-run (a real X server for the xcb platform)")
    root = Path(__file__).resolve().parents[2]
    env = dict(os.environ, QT_QPA_PLATFORM="xcb", PYTHONPATH=str(root))
    r = subprocess.run(["xvfb-run", "-a", sys.executable, str(Path(__file__).parent / "x11_keys.py"),
                        str(tmp_path / "s.ini")], env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    out = json.loads(r.stdout.strip().splitlines()[-1])
    assert out["platform"] == "xcb"
    twice = {k: v for k, v in out["keys"].items() if len(v) > 1}
    assert not twice, twice
    assert out["keys"]["Ctrl+Y"] == out["keys"]["Ctrl+Shift+Z"] == ["&Redo"]
    assert out["active"] and out["redone"] == {"Ctrl+Shift+Z": True, "Ctrl+Y": True}


# -- small screens -----------------------------------------------------------------------
SMALL_SCREEN = (1024, 700)


def _layout(window):
    """Where the docks and the grid are (the hidden, tabbed-away docks left out)."""
    QApplication.processEvents()
    docks = {d.objectName(): d.geometry() for d in (window.import_dock, window.source_dock,
                                                     window.findings_dock, window.charts_dock)
             if d is not None and d.isVisible() and not d.visibleRegion().isEmpty()}
    return docks, window.centralWidget().geometry(), window.find_edit.geometry(), window.size()


def test_the_window_fits_a_1024_screen_and_clicking_keeps_the_panels_where_they_are(qtbot, window):
    from PySide6.QtTest import QTest

    import_and_wait(qtbot, window, [release(p) for p in ("000", "001", "002", "003", "004")])
    assert window.minimumSizeHint().width() <= SMALL_SCREEN[0]
    window.resize(*SMALL_SCREEN)
    QApplication.processEvents()
    assert (window.width(), window.height()) == SMALL_SCREEN
    before = _layout(window)
    # the grid keeps a useful share of the width
    assert before[1].width() >= SMALL_SCREEN[0] // 3
    # the findings with the longest explanations, each selected from the findings list and
    # then clicked in the grid: nothing may move, the explanation wraps or is cut instead
    panel = window.findings_panel
    rows = sorted(range(panel.visible_count()),
                  key=lambda r: -len(str(panel.finding_at(r)["message"])))[:6]
    assert rows and len(str(panel.finding_at(rows[0])["message"])) > 120
    clicked = 0
    for r in rows:
        panel.activate_row(r)
        assert _layout(window) == before, panel.finding_at(r)["message"]
        ix = window.view.currentIndex()
        if ix.isValid():
            window.view.scrollTo(ix)
            QTest.mouseClick(window.view.viewport(), Qt.LeftButton, Qt.NoModifier,
                             window.view.visualRect(ix).center())
            assert window.fix_label.text(), "a flagged cell says why"
            assert _layout(window) == before
            clicked += 1
    assert clicked >= 3
    # the longest explanation is cut with "…" to the bar's three lines, whole in the tooltip
    message = str(panel.finding_at(rows[0])["message"])
    window._show_fix(message * 3, True, "error")
    QApplication.processEvents()
    label = window.fix_label
    assert label.shown_text().endswith("…") and label.toolTip() == f"error: {message * 3}"
    assert label.heightForWidth(label.width()) <= label.height() and _layout(window) == before
    # the row labels leave the figures room
    from iijdesk.gui.statement_view import LABEL_MAX_SHARE
    assert window.view.verticalHeader().width() <= window.view.width() * LABEL_MAX_SHARE + 1
    # a long row label's source line and another release's long table titles change nothing
    for name in sorted(window.ws.documents):
        window.show_release(name)
        assert _layout(window) == before, name
    if window.charts_dock is not None:
        window.charts_dock.raise_()
        qtbot.waitUntil(lambda: window.charts is not None, timeout=10000)
        window.charts.wait_idle()
        assert window.minimumSizeHint().width() <= SMALL_SCREEN[0]
        assert window.size().width() == SMALL_SCREEN[0]


def test_many_findings_are_listed_from_a_worker_and_an_edit_meanwhile_is_not_lost(qtbot, window, monkeypatch):
    """Above ASYNC_MIN_FINDINGS the findings panel lays its rows out in a worker thread; an
    edit that changes the findings while it works is listed once the worker is done, and
    the import pane's counts follow the list."""
    from iijdesk.gui import findings_panel as FP
    monkeypatch.setattr(FP, "ASYNC_MIN_FINDINGS", 0)
    import_and_wait(qtbot, window, [R000])
    panel, ws = window.findings_panel, window.ws
    qtbot.waitUntil(lambda: not panel.model.busy(), timeout=30000)
    assert panel.model.rowCount() == len(ws.findings)
    f = ws.findings
    fix = f[f["fix_fact"].notna() & f["fix_value"].notna()].iloc[0]
    panel.refresh()                                   # a worker is laying out the rows ...
    assert panel.model.busy()
    ws.apply_edit(int(fix["fix_fact"]), float(fix["fix_value"]))    # ... when an edit comes
    panel.refresh()
    qtbot.waitUntil(lambda: not panel.model.busy(), timeout=30000)
    listed = {panel.model.finding_id(r) for r in range(panel.model.rowCount())}
    assert listed == set(ws.findings["id"]) and fix["id"] not in listed
    name = next(iter(ws.documents))
    qtbot.waitUntil(lambda: window.import_pane._items[name].text(3) == str(len(ws.findings)), timeout=5000)
    panel.refresh()
    assert panel.model.busy()
    window.close()                                    # waits for the worker, starts no other
    assert not panel.model.busy()
