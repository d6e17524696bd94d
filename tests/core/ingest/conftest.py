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


def make_statement_pdf() -> bytes:
    """A statement set as a word processor prints an HTML table: Times, numbers right-aligned
    with the "$" at the left of the cell and ")" hanging after it, a two-level header whose
    "Three Months Ended June 30," is centred over two year columns, a wrapped label whose
    numbers stand on its second line, the title and scale centred on the page."""
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(595, 842))
    right = [330, 400, 480, 550]             # right edges of the four number columns
    cell_left = [280, 350, 430, 500]         # where each cell (and its "$") starts
    c.setFont("Times-Bold", 9)
    c.drawCentredString(300, 780, "Example Corp.")
    c.drawCentredString(300, 766, "Consolidated Statements of Operations")
    c.setFont("Times-Roman", 9)
    c.drawCentredString(300, 745, "(in millions, except per share data)")
    c.setFont("Times-Bold", 7)
    c.drawCentredString((cell_left[0] + right[1]) / 2, 715, "Three Months Ended June 30,")
    c.drawCentredString((cell_left[2] + right[3]) / 2, 715, "Six Months Ended June 30,")
    for x, year in zip(right, ["2025", "2024", "2025", "2024"]):
        c.drawRightString(x, 700, year)
    rows = [
        ("Revenues", ["$|1,234", "$|1,100", "$|2,468", "$|2,200"]),
        ("Cost of revenues", ["(567)", "(500)", "(1,100)", "(1,000)"]),
        ("Operating income", ["667", "600", "1,368", "1,200"]),
        ("Net income attributable to|common stockholders", ["$|500", "$|450", "$|1,000", "$|900"]),
        ("Diluted net income per share", ["$|0.16", "$|0.14", "$|0.32", "$|0.29"]),
    ]
    y = 680
    c.setFont("Times-Roman", 8)
    for label, cells in rows:
        parts = label.split("|")
        if len(parts) == 2:                  # wrapped: numbers on the label's last line
            c.drawString(57, y, parts[0])
            y -= 9.5
        c.drawString(57, y, parts[-1])
        for x0, x1, cell in zip(cell_left, right, cells):
            if cell.startswith("$|"):
                c.drawString(x0, y, "$")
                cell = cell[2:]
            if cell.endswith(")"):
                c.drawRightString(x1, y, cell[:-1])
                c.drawString(x1 + 0.5, y, ")")
            else:
                c.drawRightString(x1, y, cell)
        y -= 18
    c.save()
    return buf.getvalue()
