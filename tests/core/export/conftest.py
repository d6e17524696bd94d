"""Shared fixtures: the five real releases loaded once, one workbook exported from them."""
from __future__ import annotations

import pytest

from tests.conftest import RELEASES


@pytest.fixture(scope="package")
def real_ws():
    from iijdesk.core.workspace import Workspace

    ws = Workspace()
    results = ws.add_files(RELEASES)
    assert all(r.ok for r in results), [r.message for r in results if not r.ok]
    assert len(ws.facts) > 1000
    return ws


@pytest.fixture(scope="package")
def book(real_ws, tmp_path_factory):
    """(workspace, ExportResult, openpyxl workbook with formulas, path)."""
    import openpyxl

    from iijdesk.core.export import export_workbook

    path = tmp_path_factory.mktemp("book") / "releases.xlsx"
    res = export_workbook(real_ws, path)
    wb = openpyxl.load_workbook(path)
    return real_ws, res, wb, path
