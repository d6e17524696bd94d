"""The hostile corpus: files an analyst drops by mistake or receives broken, generated on demand
(nothing big is committed). Each `make_*` writes one case into a folder and returns its path.

    python -m tests.hostile.corpus OUTDIR [--huge]   # write the corpus for trying the app by hand
"""
from __future__ import annotations

import io
import json
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


# -- the slow cases: small files whose reading once grew faster than their size ----------

LONG_LINE_NUMBERS = 64_000      # one 384 KB line of tab-separated numbers
TEN_MB = 10 * 1024 * 1024
MANY_PAGES = 5_000
BOMB_MIB = 200
HUGE_NUMBER = "1" + "0" * 309   # above the largest float (about 1.8e308)


def _table_head() -> str:
    return "Consolidated Statements of Income\n(in millions of yen)\n\t2024\t2023\n"


def make_long_line(d: Path, numbers: int = LONG_LINE_NUMBERS, name: str = "") -> Path:
    """A table head, then one line holding `numbers` tab-separated numbers."""
    p = d / (name or f"long_line_{numbers // 1000}k.txt")
    rnd = random.Random(numbers)
    with open(p, "w", encoding="utf-8", newline="\n") as f:
        f.write(_table_head())
        f.write("\t".join(str(rnd.randrange(10_000, 99_999)) for _ in range(numbers)))
        f.write("\n")
    return p


def make_widest_line(d: Path) -> Path:
    """The longest line still read for tables, packed with one-digit numbers (the most
    numbers such a line can hold)."""
    from iijdesk.core.limits import MAX_TABLE_LINE_CHARS

    p = d / "widest_line.txt"
    p.write_text(_table_head() + ("Revenue" + "\t7" * ((MAX_TABLE_LINE_CHARS - 7) // 2)) + "\n",
                 encoding="utf-8")
    return p


def make_10mb_line(d: Path, size: int = TEN_MB) -> Path:
    """One line of 10 MB: about 1.7 million tab-separated numbers."""
    return make_long_line(d, numbers=size // 6, name="line_10mb.txt")


def make_many_pages_pdf(d: Path, pages: int = MANY_PAGES) -> Path:
    """A PDF of `pages` pages, each 80 lines of a real release in a fixed-width font."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    p = d / f"pages_{pages}.pdf"
    lines = release("000").read_text(encoding="utf-8").splitlines()
    c = canvas.Canvas(str(p), pagesize=A4)
    k = 0
    for _ in range(pages):
        c.setFont("Courier", 8)
        y = 800.0
        for _ in range(80):
            c.drawString(30, y, lines[k % len(lines)].replace("\t", "    ")[:120])
            k += 1
            y -= 9.5
        c.showPage()
    c.save()
    return p


def make_workspace_bomb(d: Path, mib: int = BOMB_MIB, declared: bool = False) -> Path:
    """A real saved workspace whose facts table is padded, by repeating a few of its rows, to
    unpack to `mib` MiB. Deflate finds the repeats, so the file stays small: a few hundred KB
    per 100 MiB. The manifest gives the true row count, or (`declared`) the padded one, as if
    the workspace held that many facts."""
    from iijdesk.core import workspace_io as W
    from tests.hostile.support import loaded_workspace

    real = d / "real_workspace.iijdesk"
    if not real.exists():
        W.save_workspace(loaded_workspace([release("000")]), real)
    p = d / f"workspace_bomb_{mib}mib{'_declared' if declared else ''}.iijdesk"
    target = mib << 20
    with zipfile.ZipFile(real) as src, zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as dst:
        manifest = json.loads(src.read(W.MANIFEST))
        data = src.read(W.FACTS)
        rows = data.rstrip(b"\r\n").split(b"\r\n")
        unit = b"\r\n".join(rows[1:60]) + b"\r\n"
        copies = max(0, -(-(target - len(data)) // len(unit)))
        if declared:
            n = manifest["facts"]["rows"] + 59 * copies
            manifest["facts"]["rows"] = manifest["facts"]["schema"]["rows"] = n
            manifest["facts"]["schema"]["index"] = {"kind": "range", "start": 0, "step": 1}
        for info in src.infolist():
            if info.filename == W.MANIFEST:
                dst.writestr(info.filename, json.dumps(manifest))
            elif info.filename != W.FACTS:
                dst.writestr(info.filename, src.read(info))
        with dst.open(W.FACTS, "w", force_zip64=True) as f:
            f.write(data)
            for _ in range(copies):
                f.write(unit)
    return p


def make_huge_number(d: Path) -> Path:
    """A small income statement whose numbers are above the largest float (1e309 and more)."""
    p = d / "huge_number.txt"
    p.write_text(_table_head()
                 + f"Revenue\t{HUGE_NUMBER}\t2,000\n"
                 + f"Cost of sales\t(9{HUGE_NUMBER})\t1,500\n"
                 + "Operating income\t500\t500\n", encoding="utf-8")
    return p


SLOW = [make_long_line, make_widest_line, make_10mb_line, make_many_pages_pdf, make_workspace_bomb, make_huge_number]


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
