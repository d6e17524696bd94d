"""HTML pages as news wires publish releases: tables as tab-separated rows, <pre> verbatim."""
import html

from iijdesk.core.ingest import load, load_bytes
from iijdesk.core.ingest.html import html_to_text


def _table_rows(text: str, title: str) -> list[list[str]]:
    """The tab-separated rows of the table titled `title` in a release."""
    lines = text.split("\n")
    start = lines.index(next(ln for ln in lines if ln.startswith(title)))
    rows = []
    for ln in lines[start + 1:]:
        if "\t" not in ln:
            break
        rows.append(ln.rstrip("\t").split("\t"))
    return rows


def _page(text_000, text_001) -> tuple[str, list[list[str]], list[str]]:
    rows = _table_rows(text_000, "Operating Results Summary")
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>\n" for r in rows)
    lines = text_001.split("\n")
    pre_lines = lines[65:90]                       # the fixed-width results summary of 001
    page = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>IIJ release</title>
<style>td {{ padding: 2px }}</style><script>var t = "<table><tr><td>9</td></tr></table>";</script>
</head><body>
<h1>IIJ Announces Nine Months Results</h1>
<p>TOKYO &mdash; Internet Initiative Japan Inc.
today announced&nbsp;its results.</p>
<p><b>Operating Results Summary</b></p>
<table border="1">
{body}</table>
<pre>
{html.escape(chr(10).join(pre_lines))}
</pre>
<div>Contact: <a href="mailto:ir@example.com">IR office</a></div>
</body></html>"""
    return page, rows, pre_lines


def test_table_rows_become_tab_separated_lines(text_000, text_001):
    page, rows, _ = _page(text_000, text_001)
    doc = load_bytes("release.html", page.encode())
    assert doc.source_kind == "html"
    assert doc.encoding == "utf-8"
    assert doc.raw == page.encode()
    for r in rows:
        assert "\t".join(r).rstrip("\t") in doc.lines
    assert "Total Revenues\t50,789\t48,313\t(4.9%)" in doc.lines
    # rows stay in order and together
    i = doc.lines.index("Total Revenues\t50,789\t48,313\t(4.9%)")
    assert doc.lines[i + 1].startswith("Connectivity and Outsourcing Services\t")


def test_pre_block_is_kept_verbatim(text_000, text_001):
    page, _, pre_lines = _page(text_000, text_001)
    doc = load_bytes("release.htm", page.encode())
    expected = [ln.rstrip() for ln in pre_lines]
    first = doc.lines.index(expected[0])
    assert doc.lines[first:first + len(expected)] == expected
    assert " Total Revenues                          69,731    66,835       4.3%" in doc.lines


def test_blocks_are_lines_and_scripts_are_dropped(text_000, text_001):
    page, _, _ = _page(text_000, text_001)
    doc = load_bytes("release.html", page.encode())
    assert "IIJ Announces Nine Months Results" in doc.lines
    assert "TOKYO \u2014 Internet Initiative Japan Inc. today announced its results." in doc.lines
    assert "Contact: IR office" in doc.lines
    assert "var t" not in doc.text and "padding" not in doc.text
    assert "IIJ release" not in doc.text                    # <head> is not content


def test_colspan_keeps_numbers_under_their_headers():
    page = ("<table><tr><th></th><th colspan=2>FY2009</th><th>YoY</th></tr>"
            "<tr><td>Revenue</td><td>1,000</td><td>(4.9%)</td><td>3</td></tr></table>")
    text = html_to_text(page)
    assert text.split("\n")[:2] == ["\tFY2009\t\tYoY", "Revenue\t1,000\t(4.9%)\t3"]


def test_cp932_page_with_declared_charset(text_000):
    page = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">'
            "</head><body><p>決算短信</p><table><tr><td>売上高</td><td>48,313</td></tr></table>"
            "</body></html>")
    doc = load_bytes("kessan.html", page.encode("cp932"))
    assert doc.encoding == "cp932"
    assert "売上高\t48,313" in doc.lines and "決算短信" in doc.lines


def test_utf16_page(tmp_path):
    page = "<html><body><table><tr><td>Revenue</td><td>1,234</td></tr></table></body></html>"
    p = tmp_path / "page.html"
    p.write_bytes(page.encode("utf-16"))
    doc = load(p)
    assert doc.source_kind == "html"
    assert "Revenue\t1,234" in doc.lines


def test_broken_and_deeply_nested_html_does_not_crash():
    deep = "<div>" * 50_000 + "<table><tr><td>" * 3000 + "Revenue</td><td>1,234" + "<p>unclosed <b>bold"
    text = html_to_text(deep)
    assert "Revenue\t1,234" in text
    assert "unclosed bold" in text
    assert html_to_text("<table><td>a<td>b</table></td></tr><//><p <<>>") .startswith("a\tb")


def test_layout_tables_do_not_glue_the_page_into_one_line():
    page = ("<html><body><table><tr><td><p>First paragraph.</p><p>Second paragraph.</p>"
            "<table><tr><td>Revenue</td><td>1,234</td></tr></table><p>After.</p></td></tr>"
            "</table></body></html>")
    lines = [ln for ln in html_to_text(page).split("\n") if ln]
    assert lines == ["First paragraph.", "Second paragraph.", "Revenue\t1,234", "After."]


def test_text_with_inline_tags_is_not_html(text_000):
    doc = load_bytes("000.txt", text_000.encode())
    assert doc.source_kind != "html"
    assert doc.text == text_000        # <u> tags stay as printed, lines unchanged


def test_number_fragments_and_spacer_columns_of_filing_style_tables():
    """SEC-style HTML splits "$", "(1,234" and ")" into cells and pads with spacer columns;
    the numbers are joined again and stand under their spanning headers."""
    page = """<table>
<tr><td></td><td colspan=3>Three months ended<br>Dec 31, 2009</td><td>&nbsp;</td>
    <td colspan=3>Nine months ended<br>Dec 31, 2009</td></tr>
<tr><td>Total revenues</td><td>$</td><td>17,535</td><td></td><td>&nbsp;</td>
    <td>$</td><td>48,313</td><td></td></tr>
<tr><td>Net loss</td><td></td><td>(1,234</td><td>)</td><td>&nbsp;</td>
    <td></td><td>(4.9</td><td>%)</td></tr>
<tr><td>Margin</td><td></td><td>4.9</td><td>%</td><td></td><td></td><td>(0.1</td><td>)%</td></tr>
</table>"""
    assert html_to_text(page).split("\n")[:4] == [
        "\tThree months ended Dec 31, 2009\tNine months ended Dec 31, 2009",
        "Total revenues\t$17,535\t$48,313",
        "Net loss\t(1,234)\t(4.9%)",
        "Margin\t4.9%\t(0.1)%",
    ]


def _release_as_html(text: str) -> str:
    """A release as a wire service publishes it: tab-separated runs as <table>, the rest <p>."""
    out, lines, i = ["<!DOCTYPE html><html><body>"], text.split("\n"), 0
    while i < len(lines):
        if "\t" in lines[i]:
            out.append("<table>")
            while i < len(lines) and "\t" in lines[i]:
                out.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>"
                                            for c in lines[i].split("\t")) + "</tr>")
                i += 1
            out.append("</table>")
        else:
            out.append(f"<p>{html.escape(lines[i])}</p>" if lines[i].strip() else "")
            i += 1
    return "\n".join(out) + "</body></html>"


def test_an_html_release_gives_the_same_facts_as_its_text(text_000):
    """End to end: tables survive the trip through HTML."""
    from iijdesk.core.extract import extract_document
    from_text = extract_document(load_bytes("000.txt", text_000.encode()))
    from_html = extract_document(load_bytes("000.html", _release_as_html(text_000).encode()))
    key = ["table", "row_label", "col_label", "period_end", "measure", "unit", "printed", "value"]
    assert len(from_text) > 500
    assert sorted(map(tuple, from_html[key].astype(str).values)) == \
        sorted(map(tuple, from_text[key].astype(str).values))


def test_an_unclosed_head_does_not_swallow_the_page():
    page = "<html><head><title>Results</title><meta charset=utf-8><body><p>Revenue 1,234</p>"
    assert html_to_text(page) == "Revenue 1,234\n"
    page = "<html><head><title>Results</title><table><tr><td>Revenue</td><td>1,234</td></tr>"
    assert html_to_text(page) == "Revenue\t1,234\n"
    assert html_to_text("<svg><text>9</text></svg><p>After</p><style>p{}</style>") == "After\n"


# -- filing-agent markup (Workiva, Donnelley, Toppan Merrill style) -------------------------

FILING_TABLE = """<div style="display:none"><span>2025-06-30 hidden context 123</span></div>
<table>
<tr><td></td><td></td><td></td><td></td><td></td><td></td><td></td></tr>
<tr><td rowspan="2">(millions of dollars, unless noted)</td>
    <td colspan="6">Three Months Ended<br/>June 30,</td><td colspan="6">Six Months Ended<br/>June 30,</td></tr>
<tr><td colspan="3">2025</td><td colspan="3">2024</td><td colspan="3">2025</td><td colspan="3">2024</td></tr>
<tr><td style="padding:2px 1pt 2px 10pt"><div style="padding-left:9pt;text-indent:-9pt">Sales</div></td>
    <td></td><td>79,477</td><td></td><td></td><td>89,986</td><td></td>
    <td></td><td>160,535</td><td></td><td></td><td>170,397</td><td></td></tr>
<tr style="display:none"><td style="display:none"></td></tr>
<tr><td style="font-weight:700">Net income</td><td>$</td><td>(7,082</td><td>)</td><td>$</td><td>9,240</td><td></td>
    <td></td><td>14,795</td><td></td><td></td><td>17,460</td><td></td></tr>
</table>"""


def test_rowspan_keeps_the_cells_of_the_next_row_in_their_columns():
    from iijdesk.core.ingest.html import html_to_lines
    text, rows = html_to_lines(FILING_TABLE)
    lines = text.split("\n")
    assert lines[0] == "(millions of dollars, unless noted)\tThree Months Ended June 30,\t\tSix Months Ended June 30,"
    assert lines[1] == "\t2025\t2024\t2025\t2024"
    assert lines[2] == "Sales\t79,477\t89,986\t160,535\t170,397"
    assert lines[3] == "Net income\t$(7,082)\t$9,240\t14,795\t17,460"
    # the spanning headers cover both columns under them
    assert rows[1].spans == {1: 2, 3: 2}
    assert rows[2].spans == {}


def test_hidden_content_is_not_text_and_label_styles_are_kept():
    from iijdesk.core.ingest.html import html_to_lines
    text, rows = html_to_lines(FILING_TABLE)
    assert "hidden context" not in text
    assert rows[3].indent == 10.0            # cell padding 10pt + div padding 9pt - hanging 9pt
    assert not rows[3].bold and rows[4].bold
    assert rows[1].table == rows[4].table == 0


def test_spanning_header_dates_every_column_under_it():
    from iijdesk.core.extract import extract_document
    df = extract_document(load_bytes("q.html", f"<html><body>{FILING_TABLE}</body></html>".encode()))
    got = {(r.printed, r.period_end, int(r.period_months)) for r in df.itertuples()}
    assert ("89,986", "2024-06-30", 3) in got and ("79,477", "2025-06-30", 3) in got
    assert ("170,397", "2024-06-30", 6) in got and ("160,535", "2025-06-30", 6) in got
    assert set(df["unit"]) == {"USD"} and set(df["scale"]) == {1_000_000}
