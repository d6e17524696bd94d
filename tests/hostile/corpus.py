"""The hostile corpus: files an analyst drops by mistake or receives broken, generated on demand
(nothing big is committed). Each `make_*` writes one case into a folder and returns its path.

    python -m tests.hostile.corpus OUTDIR [--huge]   # write the corpus for trying the app by hand
"""
from __future__ import annotations

import io
import os
import random
import re
import struct
import sys
import zipfile
import zlib
from pathlib import Path

from tests.hostile.support import release

HUGE_BYTES = 200 * 1024 * 1024


def make_empty(d: Path) -> Path:
    p = d / "empty.txt"
    p.write_bytes(b"")
    return p


def make_whitespace_only(d: Path) -> Path:
    p = d / "blank.txt"
    p.write_bytes(b"\r\n \t \n\n\xef\xbb\xbf")
    return p


def _png(width=4, height=4) -> bytes:
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def make_png(d: Path) -> Path:
    """An image saved with a .txt name (the name must not fool the reader)."""
    p = d / "chart.txt"
    p.write_bytes(_png())
    return p


def make_zip(d: Path) -> Path:
    """A zip archive that even contains a release: archives are not opened."""
    p = d / "releases.zip"
    with zipfile.ZipFile(p, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("release.txt", release("000").read_bytes())
    return p


def make_huge_text(d: Path, size: int = HUGE_BYTES) -> Path:
    """200 MB of release-like text, written in chunks (the test itself must stay small)."""
    p = d / "huge.txt"
    chunk = release("000").read_bytes()
    chunk = chunk * max(1, (8 << 20) // len(chunk))
    written = 0
    with open(p, "wb") as f:
        while written < size:
            part = chunk[: size - written]
            f.write(part)
            written += len(part)
    return p


def nested_html_table_text() -> str:
    """The release text the nested HTML wraps in <pre>."""
    return "\n".join(release("000").read_text(encoding="utf-8").splitlines()[:80])


def make_nested_html(d: Path, depth: int = 100_000) -> Path:
    """Tags nested far deeper than any recursive parser or tree builder survives."""
    p = d / "nested.html"
    table = nested_html_table_text()
    body = ("<div>" * depth) + "<pre>" + table + "</pre>" + ("</div>" * depth)
    p.write_text(f"<!DOCTYPE html><html><head><title>Results</title></head><body>{body}"
                 f"</body></html>", encoding="utf-8")
    return p


def make_nested_tables_html(d: Path, depth: int = 5_000) -> Path:
    """Tables inside table cells, thousands deep, each row with numbers."""
    p = d / "nested_tables.html"
    open_ = "".join(f"<table><tr><td>Revenue {k}</td><td>{k},{k % 1000:03d}</td><td>"
                    for k in range(depth))
    close = "</td></tr></table>" * depth
    p.write_text(f"<html><body>{open_}deep{close}</body></html>", encoding="utf-8")
    return p


def _release_pdf(encrypt: str | None = None) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, encrypt=encrypt)
    c.setFont("Courier", 8)
    y = 800
    for line in release("000").read_text(encoding="utf-8").splitlines()[20:110]:
        c.drawString(30, y, line.replace("\t", "    ")[:120])
        y -= 9
        if y < 40:
            c.showPage()
            c.setFont("Courier", 8)
            y = 800
    c.save()
    return buf.getvalue()


def make_encrypted_pdf(d: Path) -> Path:
    """A real release page in a password-protected PDF (user password required to open)."""
    from reportlab.lib import pdfencrypt

    p = d / "encrypted.pdf"
    enc = pdfencrypt.StandardEncryption("secret-user", ownerPassword="secret-owner",
                                        canPrint=0, strength=128)
    p.write_bytes(_release_pdf(encrypt=enc))
    return p


def make_corrupt_pdf(d: Path) -> Path:
    """A real PDF cut in the middle, its cross-reference table gone and bytes flipped."""
    p = d / "corrupt.pdf"
    data = bytearray(_release_pdf()[:5000])
    rnd = random.Random(3)
    for _ in range(200):
        i = rnd.randrange(200, len(data))
        data[i] ^= 0x5A
    p.write_bytes(bytes(data))
    return p


def make_fake_pdf(d: Path) -> Path:
    """A PDF signature followed by nothing a PDF reader can use."""
    p = d / "fake.pdf"
    p.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 8 + b"\n%%EOF\n")
    return p


SJIS_RELEASE = """\
株式会社サンプル通信
2010年3月期 第3四半期決算短信（米国基準）

1. 2010年3月期第3四半期の連結業績（2009年4月1日〜2009年12月31日）
(1) 連結経営成績（累計）                                 （単位：百万円）
                       売上高          営業利益        当期純利益
2010年3月期第3四半期    48,290  △4.9%    2,001 △14.7%    1,201  △3.0%
2009年3月期第3四半期    50,789   8.1%    2,345  12.0%    1,238   5.5%

連結損益計算書
                                   （単位：千円）
                         前第3四半期累計     当第3四半期累計
売上高                        50,789,321         48,290,112
  ネットワークサービス        20,123,456         21,001,234
  システムインテグレーション  28,000,000         25,600,000
  機器販売                     2,665,865          1,688,878
売上原価                      40,123,001         38,001,777
売上総利益                    10,666,320         10,288,335
販売費及び一般管理費           8,321,000          8,287,000
営業利益                       2,345,320          2,001,335
"""


def make_shift_jis(d: Path) -> Path:
    """A Japanese-language release (kanji labels, △ negatives, full-width brackets) in Shift-JIS."""
    p = d / "kessan_tanshin_sjis.txt"
    p.write_bytes(SJIS_RELEASE.replace("\n", "\r\n").encode("shift_jis"))
    return p


_NUMBER = re.compile(r"\d[\d,.]*")


def make_mangled(d: Path) -> Path:
    """A real release with every table row mangled: numbers garbled (OCR letters, cut digits,
    doubled separators), columns shuffled, tabs lost, rows truncated; prose kept."""
    rnd = random.Random(11)
    out = []
    for line in release("001").read_text(encoding="utf-8").splitlines():
        if len(_NUMBER.findall(line)) < 2:
            out.append(line)
            continue
        cells = re.split(r"\t| {2,}", line)
        rnd.shuffle(cells)
        cells = [_mangle_number(c, rnd) for c in cells]
        sep = rnd.choice(["\t", " ", "  ", "", " | "])
        s = sep.join(cells)
        if rnd.random() < 0.3:
            s = s[: rnd.randrange(1, max(2, len(s)))]
        out.append(s)
    p = d / "mangled.txt"
    p.write_text("\n".join(out), encoding="utf-8")
    return p


def _mangle_number(cell: str, rnd: random.Random) -> str:
    def one(m):
        s = m.group(0)
        r = rnd.random()
        if r < 0.25:
            return s.translate(str.maketrans("0151", "OlSI"))
        if r < 0.45:
            return s[: max(1, len(s) // 2)]
        if r < 0.6:
            return s.replace(",", ",,")
        if r < 0.75:
            return "(" + s
        if r < 0.9:
            return s + "%)"
        return s[::-1]
    return _NUMBER.sub(one, cell)


def make_folder_of_500(d: Path) -> Path:
    """500 files in nested folders: junk notes, empties, images, hidden files, two releases."""
    root = d / "dump"
    for k in range(500):
        sub = root / f"batch{k // 100}"
        sub.mkdir(parents=True, exist_ok=True)
        if k == 137:
            (sub / "copy_a_release.txt").write_bytes(release("002").read_bytes())
        elif k == 388:
            (sub / "copy_b_release.txt").write_bytes(release("003").read_bytes())
        elif k % 50 == 7:
            (sub / f"empty{k}.txt").write_bytes(b"")
        elif k % 50 == 13:
            (sub / f"img{k}.png").write_bytes(_png())
        else:
            (sub / f"note{k:03d}.txt").write_text(f"Meeting note {k}\nCall back on Tuesday.\n")
    (root / ".hidden").write_text("not counted")
    return root


ALL = [make_empty, make_whitespace_only, make_png, make_zip, make_nested_html,
       make_nested_tables_html, make_encrypted_pdf, make_corrupt_pdf, make_fake_pdf,
       make_shift_jis, make_mangled, make_folder_of_500]


def main(argv: list[str]) -> int:
    out = Path(argv[0] if argv else "hostile_corpus")
    out.mkdir(parents=True, exist_ok=True)
    for make in ALL + ([make_huge_text] if "--huge" in argv else []):
        print(make(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
