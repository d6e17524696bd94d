"""PDFs with a text layer, made here with reportlab from the releases' own text."""
import io
import re
import textwrap
from pathlib import Path

import pytest

from iijdesk.core.ingest import NotAReleaseError, load, load_bytes
from tests.core.ingest.conftest import make_pdf, make_statement_pdf


def _nonblank(lines):
    return [ln for ln in lines if ln.strip()]


def test_fixed_width_release_in_a_monospaced_pdf_comes_back_line_for_line(tmp_path, text_001):
    lines = text_001.split("\n")
    p = tmp_path / "release.pdf"
    p.write_bytes(make_pdf(lines))
    doc = load(p)
    assert doc.source_kind == "pdf"
    assert doc.raw == p.read_bytes()
    # Every printed line, with its exact spacing, in order.
    assert _nonblank(doc.lines) == _nonblank([ln.rstrip() for ln in lines])
    row = " Total Revenues                          69,731    66,835       4.3%"
    assert row in doc.lines
    assert " Net Income                               1,419     5,177     (72.6%)" in doc.lines


def test_tabbed_release_in_a_monospaced_pdf_keeps_rows_on_one_line(text_000):
    # Courier has no superscript digits; keep the release otherwise as printed.
    text = re.sub("[^\x00-\xff]", "?", text_000)
    doc = load_bytes("tabbed.pdf", make_pdf(text.split("\n")))
    want = [ln.expandtabs(8).rstrip() for ln in text.split("\n")]
    assert _nonblank(doc.lines) == _nonblank(want)
    assert "Total Revenues" in doc.text
    row = next(ln for ln in doc.lines if ln.startswith("Total Revenues "))
    assert row.split() == ["Total", "Revenues", "50,789", "48,313", "(4.9%)"]


def test_proportional_font_table_keeps_label_and_numbers_in_order(text_000):
    # The statement rows (label + numbers); long headers would overlap at this column pitch.
    rows = [ln.rstrip("\t") for ln in text_000.split("\n")[30:60]
            if "\t" in ln and all(len(c) <= 12 for c in ln.rstrip("\t").split("\t")[1:])]
    assert len(rows) >= 10
    doc = load_bytes("table.pdf", make_pdf(rows, font="Helvetica", size=8, cells=(330, 75)))
    got = _nonblank(doc.lines)
    assert len(got) == len(rows)
    for want, line in zip(rows, got):
        assert line.split() == want.split(), line
    # the table comes back as the HTML reader gives one: label and cells in tab fields, every
    # row's numbers in the fields of their columns
    assert "Total Revenues\t50,789\t48,313\t(4.9%)" in got
    assert "Net Revenues\t50,789\t48,313" in got
    assert all(doc.rows.get(i + 1) is not None for i, ln in enumerate(doc.lines) if "\t" in ln)


def test_japanese_text_in_a_pdf():
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas
    pdfmetrics.registerFont(UnicodeCIDFont("HeiseiKakuGo-W5"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.setFont("HeiseiKakuGo-W5", 10)
    c.drawString(50, 700, "売上高 決算短信")
    c.drawString(300, 700, "69,731")
    c.save()
    doc = load_bytes("jp.pdf", buf.getvalue())
    line = _nonblank(doc.lines)[0]
    assert line.split() == ["売上高", "決算短信", "69,731"]


def test_pdf_without_text_layer_is_refused():
    from reportlab.pdfgen import canvas
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.rect(100, 100, 200, 200, fill=1)
    c.showPage()
    c.save()
    with pytest.raises(NotAReleaseError, match=r"scan\.pdf: .*no text layer"):
        load_bytes("scan.pdf", buf.getvalue())


def test_encrypted_pdf_is_refused_with_a_clear_message():
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas
    buf = io.BytesIO()
    enc = pdfencrypt.StandardEncryption("secret", canPrint=0)
    c = canvas.Canvas(buf, encrypt=enc)
    c.drawString(100, 700, "Total Revenues 69,731")
    c.save()
    with pytest.raises(NotAReleaseError, match=r"locked\.pdf: .*encrypted"):
        load_bytes("locked.pdf", buf.getvalue())


@pytest.mark.parametrize("raw", [b"%PDF-1.7\n" + bytes(range(256)) * 4, b"%PDF-", b"%PDF-1.4\n1 0 obj\n<<"])
def test_corrupt_pdf_is_refused(raw):
    with pytest.raises(NotAReleaseError, match=r"^broken\.pdf: "):
        load_bytes("broken.pdf", raw)


def test_pdf_is_recognised_by_content_not_name(text_001):
    doc = load_bytes("release.txt", make_pdf(text_001.split("\n")[60:90]))
    assert doc.source_kind == "pdf" and doc.encoding == "pdf"


@pytest.mark.parametrize("rotation", [90, 180, 270])
def test_rotated_page_reads_as_displayed(text_001, rotation):
    """A landscape page stored as a rotated portrait page (/Rotate), text upright on screen."""
    from reportlab.pdfgen import canvas
    lines = text_001.split("\n")[65:90]
    buf = io.BytesIO()
    w, h = 842.0, 595.0                                     # displayed size (landscape)
    pw, ph = (h, w) if rotation in (90, 270) else (w, h)    # stored page size
    c = canvas.Canvas(buf, pagesize=(pw, ph))
    c.setPageRotation(rotation)
    # Undo the viewer's clockwise rotation so the text is upright when displayed.
    if rotation == 90:
        c.translate(0, 0), c.rotate(90)                     # user x -> page +y, user y -> page -x
        origin = lambda i: (36, -36 - i * 9)              # noqa: E731
    elif rotation == 270:
        c.translate(pw, ph), c.rotate(270)
        origin = lambda i: (36, -36 - i * 9)              # noqa: E731
    else:
        c.translate(pw, ph), c.rotate(180)
        origin = lambda i: (36, h - 36 - i * 9)           # noqa: E731
    c.setFont("Courier", 7)
    for i, ln in enumerate(lines):
        c.drawString(*origin(i), ln)
    c.save()
    doc = load_bytes("rotated.pdf", buf.getvalue())
    # (an indentation shared by every line of a PDF is not recoverable: compare dedented)
    want = textwrap.dedent("\n".join(ln.rstrip() for ln in lines)).split("\n")
    assert _nonblank(doc.lines) == _nonblank(want)


def test_a_pdf_of_a_fixed_width_release_gives_the_same_facts_as_its_text(text_001):
    """End to end: the tables survive the trip through a PDF (page breaks included)."""
    from iijdesk.core.extract import extract_document
    from_text = extract_document(load_bytes("001.txt", text_001.encode()))
    from_pdf = extract_document(load_bytes("001.pdf", make_pdf(text_001.split("\n"))))
    # Every number with its row, column, period and unit. (Table titles are left out: a PDF
    # cannot keep the blank lines at the top and bottom of its pages, and the nearest title
    # above a table may be judged by distance.)
    key = ["row_label", "col_label", "period_end", "period_months", "measure", "unit", "printed",
           "value"]
    assert len(from_text) > 500
    assert sorted(map(tuple, from_pdf[key].astype(str).values)) == \
        sorted(map(tuple, from_text[key].astype(str).values))


# -- proportional fonts: the grid rebuilt from word positions ---------------------------------

def test_statement_in_proportional_fonts_keeps_its_columns_and_periods():
    """A two-level header centred over its columns, "$" apart from its number, ")" hanging,
    a wrapped label: the rows and the spanning header come back as an HTML table's would."""
    from iijdesk.core.extract import extract_document
    doc = load_bytes("statement.pdf", make_statement_pdf())
    lines = doc.lines
    top = lines.index("\tThree Months Ended June 30,\t\tSix Months Ended June 30,")
    assert doc.rows[top + 1].spans == {1: 2, 3: 2}          # each period over its two years
    assert lines[top + 1] == "\t2025\t2024\t2025\t2024"
    assert "Revenues\t$1,234\t$1,100\t$2,468\t$2,200" in lines
    assert "Cost of revenues\t(567)\t(500)\t(1,100)\t(1,000)" in lines
    assert "Net income attributable to common stockholders\t$500\t$450\t$1,000\t$900" in lines
    # the title and the scale line are text above the table, not header rows
    assert doc.rows.get(lines.index(next(ln for ln in lines if "(in millions" in ln)) + 1) is None
    facts = extract_document(doc)
    got = {(r.row_label, str(r.period_end)[:10], int(r.period_months), r.unit, round(r.value, 2))
           for r in facts.itertuples()}
    assert ("Revenues", "2025-06-30", 3, "USD", 1.234e9) in got
    assert ("Revenues", "2024-06-30", 3, "USD", 1.1e9) in got
    assert ("Revenues", "2025-06-30", 6, "USD", 2.468e9) in got
    assert ("Cost of revenues", "2024-06-30", 6, "USD", -1e9) in got
    assert ("Net income attributable to common stockholders", "2024-06-30", 6, "USD", 9e8) in got
    assert ("Diluted net income per share", "2025-06-30", 3, "USD_per_share", 0.16) in got
    assert len(facts) == 20


def test_monospaced_pdf_is_not_regridded(text_001):
    """A fixed-width release printed in Courier keeps its spacing (no tab-separated rows)."""
    doc = load_bytes("fixed.pdf", make_pdf(text_001.split("\n")[60:90]))
    assert not doc.rows and not any("\t" in ln for ln in doc.lines)


# -- real filings printed to PDF by LibreOffice Writer ------------------------------------------

REAL = Path(__file__).resolve().parents[2] / "data" / "real"   # copies of ../shared/real
# Recall measured on the PDFs (value, period and months against the inline-XBRL gold), less a
# margin for LibreOffice versions laying the pages out a little differently.
# (measured with LibreOffice 7.4: jnj 0.968, ko 0.968, tsla 0.946, xom 0.971. Writer prints the
# HTML on A4 portrait and clips tsla's widest statement, the equity statements, at the page's
# right edge: their last three columns are not in the PDF at all, about 25 of tsla's 667 tagged
# numbers. Printed landscape, the same filing scores 0.985, as its HTML does.)
PDF_RECALL_FLOOR = {"jnj_10q_2025q2": 0.95, "ko_10q_2025q2": 0.95, "tsla_10q_2025q2": 0.93,
                    "xom_10q_2025q2": 0.955}


@pytest.fixture(scope="module")
def filing_pdfs():
    import importlib.util
    spec = importlib.util.spec_from_file_location(
        "html_to_pdf", Path(__file__).resolve().parents[3] / "scripts" / "html_to_pdf.py")
    h2p = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(h2p)
    htmls = [REAL / f"{name}.html" for name in PDF_RECALL_FLOOR]
    if not all(p.exists() for p in htmls):
        pytest.skip(f"the real filings are not in {REAL}")
    if h2p.soffice() is None:
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-writer-nogui): "
                    "cannot print the filings to PDF")
    try:
        return h2p.convert(htmls)        # cached under the temp folder between runs
    except RuntimeError as e:
        pytest.skip(f"cannot print the filings to PDF: {e}")


def test_real_filings_printed_to_pdf_keep_their_periods(filing_pdfs, tmp_path):
    import subprocess
    import sys
    from iijdesk.core.extract import extract_document
    import pandas as pd
    frames = [extract_document(load(p)) for p in filing_pdfs]
    out = tmp_path / "facts.csv"
    pd.concat(frames).to_csv(out, index=False)
    scorer = REAL.parent / "score_real.py"
    run = subprocess.run([sys.executable, str(scorer), "--gold", str(REAL), "--facts", str(out)],
                         capture_output=True, text=True, check=True)
    recall = {m.group(1): float(m.group(2))
              for m in re.finditer(r"^(\w+): recall ([\d.]+)", run.stdout, re.M)}
    for name, floor in PDF_RECALL_FLOOR.items():
        assert recall[name] >= floor, (name, recall[name], run.stdout)
