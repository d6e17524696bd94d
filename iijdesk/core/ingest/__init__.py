"""Bytes -> Document. One reader per format; `load` picks by content, not by name alone.

  text.py   plain text and markdown in any common encoding (BOMs, UTF-16, CP932, CP1252 ...)
  html.py   HTML pages: table rows as tab-separated lines, <pre> verbatim
  ixbrl.py  the inline-XBRL tags of an HTML filing, placed on html.py's lines (Document.xbrl)
  pdf.py    PDFs with a text layer, column layout kept

Anything that cannot be a release (binary, empty, too large, a PDF without text) raises
NotAReleaseError with a one-line message naming the file, meant to be shown to the user as is.

Document.source_kind is text | markdown | html | pdf; Document.encoding is the codec the bytes
were decoded with ("pdf" for PDFs, whose text comes from the text layer, not from an encoding).
For text and markdown the text is the file's own, so line n is the file's line n; for HTML and
PDF it is the text rebuilt from the markup or the page, and line numbers refer to that text.
"""
from __future__ import annotations

import os
import stat
import re
from typing import Callable

from iijdesk.core.document import Document, NotAReleaseError
from iijdesk.core.ingest import text as _text

__all__ = ["load", "load_bytes", "sniff_kind", "Document", "NotAReleaseError",
           "MAX_TEXT_BYTES", "MAX_PDF_BYTES"]

# Releases are tens to hundreds of kilobytes; a text file above this is something else.
MAX_TEXT_BYTES = 50 * 1024 * 1024
# PDFs carry fonts and images, so they may be much larger than their text.
MAX_PDF_BYTES = 300 * 1024 * 1024
# How much of a file is read to decide what it is before reading the rest.
SNIFF_BYTES = 64 * 1024

# Signatures of files that are certainly not text: (magic at offset 0, what to call it).
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"), (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"), (b"MM\x00*", "a TIFF image"),
    (b"PK\x03\x04", "a ZIP archive (or an Office document such as .xlsx/.docx)"),
    (b"PK\x05\x06", "an empty ZIP archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Office document (.xls/.doc)"),
    (b"\x1f\x8b", "a gzip archive"), (b"BZh", None), (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"), (b"\x7fELF", "a program (ELF)"),
    (b"SQLite format 3\x00", "an SQLite database"), (b"\x00\x00\x01\x00", "an icon image"),
    (b"%!PS", None), (b"{\\rtf", None),
)
_PDF_HEADER = re.compile(rb"%PDF-\d\.\d")
# A PDF's header may follow up to 1 KB of junk (as readers allow); text that merely mentions
# "%PDF-" is not a PDF, so a late header must come with an object.
PDF_HEADER_WITHIN = 1024
BINARY_SNIFF_BYTES = 8000
# Markup that plain text does not have: ATX headings, pipe-table rules, **bold**, __bold__,
# and the inline HTML tags markdown converters leave in (<u>, <sup>, <b> ...). Bullets are not
# counted: plain text uses dashes too.
_MD_SIGNS = re.compile(r"^#{1,6} \S|^[ \t]*\|?[ \t]*:?-{3,}:?[ \t]*\||\*\*\S[^*\n]*\*\*|__\S[^_\n]*__"
                       r"|</?(u|sup|sub|b|i|em|strong|br)\s*/?>", re.M | re.I)
# This many markup signs make a text file "markdown".
MARKDOWN_MIN_SIGNS = 3
_MD_EXTENSIONS = (".md", ".markdown", ".mdown", ".mkd")


def load(path: str | os.PathLike, progress: PageProgress | None = None) -> Document:
    """Read a file into a Document. Raises NotAReleaseError with a user-facing message.
    `progress(page, pages)` is called as the pages of a PDF are read."""
    path = os.fspath(path)
    name = os.path.basename(path) or path
    try:
        st = os.stat(path)
        if stat.S_ISDIR(st.st_mode):
            raise IsADirectoryError(path)
        if not stat.S_ISREG(st.st_mode):
            # a pipe would block until a writer appears, a device never ends
            raise NotAReleaseError(f"{name}: is not a regular file (a pipe, socket or device)")
        with open(path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            head = f.read(SNIFF_BYTES)
            kind = sniff_kind(name, head)
            _check_size(name, kind, size)
            limit = MAX_PDF_BYTES if kind == "pdf" else MAX_TEXT_BYTES
            raw = head + f.read(limit + 1 - len(head))   # never more than the limit, whatever stat said
            _check_size(name, kind, len(raw))
    except IsADirectoryError:
        raise NotAReleaseError(f"{name}: is a folder, not a file") from None
    except OSError as e:
        raise NotAReleaseError(f"{name}: cannot be read ({e.strerror or e})") from e
    return load_bytes(name, raw, path=path, progress=progress)


PageProgress = Callable[[int, int], None]


def load_bytes(name: str, raw: bytes, path: str = "",
               progress: PageProgress | None = None) -> Document:
    """Bytes (with the name shown to the user) -> Document, or NotAReleaseError."""
    raw = bytes(raw)
    kind = sniff_kind(name, raw[:SNIFF_BYTES])
    _check_size(name, kind, len(raw))
    if kind == "pdf":
        from iijdesk.core.ingest.pdf import pdf_to_lines
        text, rows = pdf_to_lines(name, raw, progress)
        doc = _document(name, text, path, "pdf", "pdf", raw)
        doc.rows = rows
        return doc

    if not raw.strip(b" \t\r\n\f\v\x00") or raw in _BOM_ONLY:
        raise NotAReleaseError(f"{name}: the file is empty")
    if kind == "html":
        from iijdesk.core.ingest.html import declared_charset, html_to_parts
        decoded, enc = _decode_html(raw, declared_charset)
        _check_text(name, decoded)
        text, rows, tags = html_to_parts(decoded)
        doc = _document(name, text, path, enc, "html", raw)
        doc.rows = rows
        if tags is not None:
            doc.xbrl = tags
        return doc

    if raw.endswith(b"\x00") and not _text.looks_like_utf16_or_32(raw[:SNIFF_BYTES]):
        raw_text = raw.rstrip(b"\x00")             # zero padding after the text
    else:
        raw_text = raw
    decoded, enc = _text.decode(raw_text)
    _check_text(name, decoded)
    if kind != "markdown" and _looks_markdown(decoded):
        kind = "markdown"
    return _document(name, decoded, path, enc, kind, raw)


def sniff_kind(name: str, head: bytes) -> str:
    """pdf | html | markdown | text from the first bytes (and the name only as a hint);
    NotAReleaseError for a known binary format."""
    if _is_pdf(head):
        return "pdf"
    for magic, what in _MAGIC:
        if head.startswith(magic) and (what or b"\x00" in head):
            raise NotAReleaseError(f"{name}: is {what or 'a binary file'}, not a text release")
    # Git's rule: a zero byte early on means binary (trailing zero padding aside), unless the
    # zeros are UTF-16's high bytes.
    if b"\x00" in head.rstrip(b"\x00")[:BINARY_SNIFF_BYTES] and not _text.looks_like_utf16_or_32(head):
        raise NotAReleaseError(f"{name}: is a binary file, not a text release")
    from iijdesk.core.ingest.html import looks_like_html
    if looks_like_html(_ascii_view(head), name):
        return "html"
    if name.lower().endswith(_MD_EXTENSIONS):
        return "markdown"
    return "text"


def _is_pdf(head: bytes) -> bool:
    if head.lstrip(b"\x00\t\r\n\f ").startswith(b"%PDF-"):
        return True
    m = _PDF_HEADER.search(head[:PDF_HEADER_WITHIN + 16])
    return bool(m) and m.start() <= PDF_HEADER_WITHIN and re.search(rb"\d+ \d+ obj", head) is not None


_BOM_ONLY = {b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"}


def _ascii_view(head: bytes) -> bytes:
    """UTF-16/32 HTML has zero bytes between its ASCII characters: drop them for sniffing."""
    return head.replace(b"\x00", b"") if b"\x00" in head[:200] else head


def _check_size(name: str, kind: str, size: int) -> None:
    limit = MAX_PDF_BYTES if kind == "pdf" else MAX_TEXT_BYTES
    if size > limit:
        raise NotAReleaseError(
            f"{name}: is too large for a release ({size / 2**20:,.0f} MB; the limit for "
            f"{'PDF' if kind == 'pdf' else 'text'} files is {limit // 2**20} MB)")


def _check_text(name: str, decoded: str) -> None:
    if not decoded.strip().strip("\ufeff"):
        raise NotAReleaseError(f"{name}: the file is empty")
    sample = decoded[:200_000]
    if _text.control_share(sample) > _text.MAX_CONTROL_SHARE:
        raise NotAReleaseError(f"{name}: does not look like text (binary data or an unknown "
                               "encoding)")


def _decode_html(raw: bytes, declared_charset) -> tuple[str, str]:
    # A BOM wins over a declaration; a declaration wins over guessing (but "utf-8" declared on
    # bytes that are not UTF-8 is a common lie, so the guess decides then).
    if raw.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")) or _text.looks_like_utf16_or_32(raw[:4096]):
        return _text.decode(raw)
    enc = declared_charset(raw)
    if enc:
        if enc in ("shift_jis", "ms932", "shift_jisx0213", "shift_jis_2004"):
            enc = "cp932"
        if enc in ("latin-1", "iso8859-1", "ascii"):
            enc = "cp1252"
        try:
            return raw.decode(enc), enc
        except (UnicodeDecodeError, LookupError):
            pass
    return _text.decode(raw)


def _looks_markdown(text: str) -> bool:
    head = text[:20000]
    signs = 0
    for _ in _MD_SIGNS.finditer(head):
        signs += 1
        if signs >= MARKDOWN_MIN_SIGNS:
            return True
    return False


def _document(name: str, text: str, path: str, encoding: str, kind: str, raw: bytes) -> Document:
    if text.startswith("\ufeff"):
        text = text[1:]
    return Document(name=name, text=text, path=path, encoding=encoding, source_kind=kind, raw=raw)
