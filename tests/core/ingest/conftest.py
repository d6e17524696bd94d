"""Helpers for the ingest tests: release text and PDFs made from it with reportlab."""
import io

import pytest

from tests.conftest import release


def release_text(prefix: str) -> str:
    return release(prefix).read_text(encoding="utf-8")


def make_pdf(lines, font="Courier", size=7.0, lines_per_page=90, cells=None) -> bytes:
    """A PDF of `lines` (tabs expanded) in `font`; with `cells`, each tab-separated line is drawn
    as a label at the left and its other cells right-aligned at fixed x positions (as a
    word processor lays out a table in a proportional font)."""
    from reportlab.pdfgen import canvas

    lines = [ln.expandtabs(8) if cells is None else ln for ln in lines]
    width = max(595.0, 72 + max(len(ln) for ln in lines) * 0.6 * size) if cells is None else 800.0
    height = 72 + lines_per_page * size * 1.25
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(width, height))
    for start in range(0, len(lines), lines_per_page):
        y = height - 36
        for ln in lines[start:start + lines_per_page]:
            c.setFont(font, size)
            if cells is None:
                c.drawString(36, y, ln)
            else:
                label, *rest = ln.split("\t")
                c.drawString(36, y, label)
                for j, cell in enumerate(rest):
                    c.drawRightString(cells[0] + j * cells[1], y, cell)
            y -= size * 1.25
        c.showPage()
    c.save()
    return buf.getvalue()


@pytest.fixture
def text_001():
    return release_text("001")


@pytest.fixture
def text_000():
    return release_text("000")
