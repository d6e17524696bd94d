"""Tests of iijdesk.core.export (the Excel workbook)."""
