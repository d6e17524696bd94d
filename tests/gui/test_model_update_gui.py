"""File > Update Excel Model… in the window: off the GUI thread, the audit list, the source."""
from __future__ import annotations

from tests.conftest import RELEASES
from tests.gui.conftest import import_and_wait
from tests.model_builder import build_model_a


def test_the_model_is_updated_in_the_background_and_the_audit_listed(qtbot, window, tmp_path):
    import_and_wait(qtbot, window, RELEASES, timeout=180000)
    model, out = tmp_path / "model.xlsx", tmp_path / "model-updated.xlsx"
    plan = build_model_a(model)
    assert any(a.text() == "&Update Excel Model…" for a in window.menuBar().actions()[0].menu().actions())
    with qtbot.waitSignal(window.modelUpdateFinished, timeout=180000) as done:
        assert window.update_model(str(model), str(out))
        assert window.model_updater.busy()           # the call returned at once: the work runs elsewhere
    result, error = done.args
    assert error == "" and out.exists()
    assert {f.cell: f.kind for f in result.findings} == plan.planted
    dlg = window.show_model_update(result)
    assert dlg.audit.rowCount() == len(plan.planted)
    assert dlg.written.rowCount() == len(result.written)
    # a finding's row opens the release line it was compared with in the source pane
    f = result.findings[0]
    with qtbot.waitSignal(dlg.sourceRequested) as asked:
        dlg.activate_row(dlg.audit, 0)
    assert asked.args == [f.doc, f.line]
    assert window.source_panel.doc == f.doc and window.source_panel.marked_line() == f.line
    dlg.close()


def test_without_releases_or_with_a_bad_model_it_says_why(qtbot, window, tmp_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a workbook")
    assert not window.update_model(str(bad), str(tmp_path / "out.xlsx"))
    assert "Load the releases first" in window.statusBar().currentMessage()
    import_and_wait(qtbot, window, RELEASES[:1])
    with qtbot.waitSignal(window.modelUpdateFinished, timeout=60000) as done:
        assert window.update_model(str(bad), str(tmp_path / "out.xlsx"))
    result, error = done.args
    assert result is None and "not an Excel workbook" in error
    assert "not an Excel workbook" in window.statusBar().currentMessage()
