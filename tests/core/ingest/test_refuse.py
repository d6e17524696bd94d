"""Input that cannot be a release: one clear line naming the file, never a traceback."""
import pytest

import iijdesk.core.ingest as ingest
from iijdesk.core.ingest import NotAReleaseError, load, load_bytes


@pytest.mark.parametrize("raw,why", [
    (b"", "empty"), (b"   \r\n\n\t", "empty"), (b"\xef\xbb\xbf", "empty"), (b"\xff\xfe", "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(100), "PNG image"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF" + bytes(100), "JPEG image"),
    (b"PK\x03\x04\x14\x00\x06\x00" + bytes(100), "ZIP archive"),
    (b"\x7fELF\x02\x01\x01" + bytes(100), "program"),
    (b"\x00\x01\x02\x03binary\x00\xff" * 50, "binary"),
    (bytes(range(256)) * 20, "binary"),
    (b"\x01\x02\x03\x04\x05\x06 text \x07\x08" * 50, "does not look like text"),
])
def test_not_text_is_refused(raw, why):
    with pytest.raises(NotAReleaseError) as e:
        load_bytes("input.dat", raw)
    msg = str(e.value)
    assert msg.startswith("input.dat: ") and why in msg
    assert "\n" not in msg


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(NotAReleaseError, match="nothere.txt: cannot be read"):
        load(tmp_path / "nothere.txt")
    with pytest.raises(NotAReleaseError, match="folder"):
        load(tmp_path)


def test_too_large_text_is_refused(tmp_path):
    p = tmp_path / "huge.txt"
    with open(p, "wb") as f:
        f.write(b"Revenue 1,234\n" * 10_000)
        f.truncate(ingest.MAX_TEXT_BYTES + 1)          # sparse: costs no disk
    with pytest.raises(NotAReleaseError, match=r"huge\.txt: is too large .*limit .*50 MB"):
        load(p)
    with pytest.raises(NotAReleaseError, match="too large"):
        load_bytes("big.txt", b"x" * (ingest.MAX_TEXT_BYTES + 1))


def test_prose_is_a_document_but_not_a_release():
    # Reading succeeds; that it holds no table is the extractor's finding, not ingest's.
    doc = load_bytes("essay.txt", "Just some prose.\nNo tables here.\n".encode())
    assert doc.lines[:2] == ["Just some prose.", "No tables here."]


def test_text_that_mentions_a_pdf_header_is_still_text():
    doc = load_bytes("notes.txt", b"Converted from %PDF-1.4 by the wire service\nRevenue\t1,234\n")
    assert doc.source_kind == "text"
    assert doc.lines[1] == "Revenue\t1,234"


def test_zero_padding_after_the_text_is_not_binary(text_001):
    doc = load_bytes("padded.txt", text_001.encode() + b"\x00" * 512)
    assert doc.text == text_001


def _seeds():
    from tests.conftest import release
    from tests.core.ingest.conftest import make_pdf
    text = release("001").read_bytes()[:6000]
    tabbed = release("000").read_bytes()[:6000]
    html = (b"<html><body><table>"
            + b"".join(b"<tr><td>" + ln.replace(b"\t", b"</td><td>") + b"</td></tr>"
                       for ln in tabbed.split(b"\n"))
            + b"</table><pre>" + text[:2000] + b"</pre></body></html>")
    return [text, tabbed, html, make_pdf(text.decode().split("\n")[:60]),
            text.decode().encode("utf-16"), ("売上高\n" + text.decode()).encode("cp932")]


_SEEDS = []


@pytest.mark.parametrize("seed", range(300))
def test_damaged_files_give_a_document_or_a_message_never_another_error(seed):
    """Bytes flipped, inserted, deleted and cut in releases, HTML, PDF, UTF-16 and CP932."""
    import random
    if not _SEEDS:
        _SEEDS.extend(_seeds())
    rnd = random.Random(seed)
    b = bytearray(rnd.choice(_SEEDS))
    for _ in range(rnd.randrange(1, 30)):
        op, i = rnd.random(), rnd.randrange(max(1, len(b)))
        if op < 0.4 and b:
            b[i] = rnd.randrange(256)
        elif op < 0.6:
            b[i:i] = bytes(rnd.randrange(256) for _ in range(rnd.randrange(1, 20)))
        elif op < 0.8:
            del b[i:i + rnd.randrange(1, 200)]
        else:
            del b[i:]
    try:
        doc = load_bytes("damaged.bin", bytes(b))
    except NotAReleaseError as e:
        assert str(e).startswith("damaged.bin: ") and "\n" not in str(e)
    else:
        assert isinstance(doc.text, str) and doc.raw == bytes(b)
