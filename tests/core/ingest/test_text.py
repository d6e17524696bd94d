"""Plain text and markdown in every common encoding, decoded to the same lines."""
import codecs

import pytest

from iijdesk.core.ingest import load, load_bytes
from iijdesk.core.ingest.text import decode
from tests.conftest import RELEASES

JAPANESE = "株式会社インターネットイニシアティブ 2009年3月期 決算短信\n売上高 69,731百万円 営業利益 ①②\n"


@pytest.mark.parametrize("path", RELEASES, ids=lambda p: p.name[:3])
def test_sample_releases_load_verbatim_as_utf8(path):
    doc = load(path)
    raw = path.read_bytes()
    assert doc.encoding == "utf-8"
    assert doc.raw == raw
    assert doc.path == str(path) and doc.name == path.name
    assert doc.text == raw.decode("utf-8")
    # Line numbers are the file's: line n of the document is line n of the file.
    assert doc.lines == raw.decode("utf-8").split("\n")
    assert doc.source_kind in ("text", "markdown")


def test_markdown_like_release_is_marked_markdown_and_fixed_width_one_text():
    from tests.conftest import release
    assert load(release("004")).source_kind == "markdown"   # **bold**, bullets
    assert load(release("000")).source_kind == "markdown"   # <u> tags
    assert load(release("001")).source_kind == "text"       # fixed-width news-wire text


def test_cp932_file_made_from_a_release(tmp_path, text_001):
    text = JAPANESE + text_001
    p = tmp_path / "release_sjis.txt"
    p.write_bytes(text.encode("cp932"))
    doc = load(p)
    assert doc.encoding == "cp932"
    assert doc.text == text
    assert doc.line(1).startswith("株式会社インターネットイニシアティブ")
    n = JAPANESE.count("\n")
    assert doc.lines[n:] == text_001.split("\n")        # the release's lines, shifted by two
    assert doc.raw == text.encode("cp932")


def test_shift_jis_without_windows_extensions(text_001):
    text = JAPANESE.replace("①②", "") + text_001[:5000]
    doc = load_bytes("sjis.txt", text.encode("shift_jis"))
    assert doc.text == text
    assert doc.encoding == "cp932"


def test_euc_jp(text_001):
    text = JAPANESE.replace("①②", "") + text_001[:5000]
    doc = load_bytes("euc.txt", text.encode("euc_jp"))
    assert doc.text == text


@pytest.mark.parametrize("encoding,bom", [
    ("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE),
    ("utf-16-le", b""), ("utf-16-be", b""),
])
def test_utf16_file_made_from_a_release(tmp_path, text_000, encoding, bom):
    text = JAPANESE + text_000                      # 000 has superscripts (⁴ ⁵) and tabs
    p = tmp_path / "release_utf16.txt"
    p.write_bytes(bom + text.encode(encoding))
    doc = load(p)
    assert doc.encoding == encoding
    assert doc.text == text
    assert "Total Revenues\t50,789\t48,313\t(4.9%)\t" in doc.lines


def test_utf16_japanese_only_without_bom():
    text = JAPANESE * 20
    assert decode(text.encode("utf-16-le")) == (text, "utf-16-le")


def test_utf8_with_bom_drops_the_bom(text_001):
    doc = load_bytes("bom.txt", codecs.BOM_UTF8 + text_001.encode())
    assert doc.encoding == "utf-8-sig"
    assert doc.text == text_001
    assert not doc.line(1).startswith("\ufeff")


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_western_code_pages(text_001, encoding):
    head = "Société Générale: résultats consolidés, 1,234 millions ¥ naïve\n"
    if encoding == "cp1252":
        head += "“Quoted” – dash — € 5\n"
    text = head + text_001
    doc = load_bytes("west.txt", text.encode(encoding))
    assert doc.text == text
    assert doc.encoding in ("cp1252", "latin-1")


def test_crlf_and_cr_line_ends_give_the_same_lines(text_001):
    lf = load_bytes("a.txt", text_001.encode())
    crlf = load_bytes("b.txt", text_001.replace("\n", "\r\n").encode())
    assert crlf.lines == lf.lines


def test_damaged_utf8_byte_does_not_change_the_encoding(text_000):
    raw = text_000.encode()
    damaged = raw[:1000] + b"\xff" + raw[1000:]
    doc = load_bytes("damaged.txt", damaged)
    assert doc.encoding == "utf-8"
    assert "\ufffd" in doc.text
    assert len(doc.lines) == len(text_000.split("\n"))


@pytest.mark.parametrize("seed", range(20))
def test_decode_never_raises_on_arbitrary_bytes(seed):
    import random
    rnd = random.Random(seed)
    raw = bytes(rnd.randrange(256) for _ in range(rnd.randrange(1, 3000)))
    text, enc = decode(raw)
    assert isinstance(text, str) and enc


@pytest.mark.parametrize("labels", [["売上高"], ["円"], ["株"], ["売上", "営業利益"], ["（注）"]])
@pytest.mark.parametrize("path", RELEASES, ids=lambda p: p.name[:3])
def test_cp932_english_release_with_a_few_japanese_labels(path, labels):
    """A few Japanese words in a long English release: the detector's samples miss them (or
    weigh the bytes as Western) and the text came out as Latin-1 mojibake."""
    text = "".join(c if ord(c) < 128 else "?" for c in path.read_text(encoding="utf-8"))
    lines = text.split("\n")
    for i, label in enumerate(labels):
        lines[10 + 7 * i] = label + " " + lines[10 + 7 * i]
    text = "\n".join(lines)
    doc = load_bytes(path.name, text.encode("cp932"))
    assert doc.encoding == "cp932"
    assert doc.text == text


@pytest.mark.parametrize("head", [
    "“Quoted”x and “Another”y ©2009 résumé\n",       # bytes that CP932 would also decode
    "Zürich Ärger Öl straße ½ °C ¥100\n",
])
def test_western_text_whose_bytes_cp932_could_read_stays_western(text_001, head):
    for encoding in ("cp1252", "latin-1"):
        try:
            raw = (head + text_001).encode(encoding)
        except UnicodeEncodeError:
            continue
        doc = load_bytes("west.txt", raw)
        assert doc.text == head + text_001 and doc.encoding in ("cp1252", "latin-1")
