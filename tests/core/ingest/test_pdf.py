"""PDFs with a text layer, made here with reportlab from the releases' own text."""
import io
import re
import textwrap

import pytest

from iijdesk.core.ingest import NotAReleaseError, load, load_bytes
from tests.core.ingest.conftest import make_pdf


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
    total = next(ln for ln in got if ln.startswith("Total Revenues"))
    # label words one space apart, columns at least two spaces apart
    assert re.fullmatch(r"Total Revenues {2,}50,789 {2,}48,313 {2,}\(4\.9%\)", total)
    # right-aligned numbers end at the same text column on every row
    ends = {ln.index("(4.9%)") + 6 for ln in got if "(4.9%)" in ln}
    assert len(ends) == 1


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
