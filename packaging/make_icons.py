"""Draw the iijdesk app icon with Qt and write it as PNG, ICO (Windows) and ICNS (macOS).

    QT_QPA_PLATFORM=offscreen python packaging/make_icons.py [outdir]

The picture: a ledger grid with a rising bar and a check mark, on a deep-blue rounded tile.
ICO and ICNS are written here as plain containers of PNG images, so no imaging library is
needed and the output is the same on every platform.
"""
from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "resources" / "icons"

ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# ICNS element types that hold PNG data, by pixel size.
ICNS_TYPES = {16: b"icp4", 32: b"icp5", 64: b"icp6", 128: b"ic07", 256: b"ic08",
              512: b"ic09", 1024: b"ic10"}
PNG_SIZES = (16, 32, 48, 64, 128, 256, 512)

TILE_TOP, TILE_BOTTOM = "#1f4e8c", "#0f2a52"
GRID = "#dbe6f5"
BAR = "#f2b134"
CHECK = "#3cc47c"


def render(size: int) -> bytes:
    """The icon at `size` x `size` pixels, as PNG bytes."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, Qt
    from PySide6.QtGui import QBrush, QColor, QImage, QLinearGradient, QPainter, QPainterPath, QPen

    img = QImage(size, size, QImage.Format.Format_ARGB32)
    img.fill(Qt.GlobalColor.transparent)
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.scale(size / 100.0, size / 100.0)          # draw on a 100 x 100 canvas

    grad = QLinearGradient(0, 0, 0, 100)
    grad.setColorAt(0, QColor(TILE_TOP))
    grad.setColorAt(1, QColor(TILE_BOTTOM))
    tile = QPainterPath()
    tile.addRoundedRect(QRectF(4, 4, 92, 92), 20, 20)
    p.fillPath(tile, QBrush(grad))

    # ledger: a header band and row rules
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(GRID))
    p.drawRoundedRect(QRectF(18, 20, 64, 9), 2, 2)
    pen = QPen(QColor(GRID))
    pen.setWidthF(3.2 if size < 48 else 2.4)
    p.setPen(pen)
    for y in (40, 52, 64, 76):
        p.drawLine(QPointF(18, y), QPointF(82, y))
    if size >= 32:
        p.drawLine(QPointF(46, 34), QPointF(46, 80))

    # a rising bar chart over the right column
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(BAR))
    for i, h in enumerate((14, 24, 36)):
        p.drawRoundedRect(QRectF(52 + i * 10, 80 - h, 7, h), 1.5, 1.5)

    # the check mark: the numbers add up
    cpen = QPen(QColor(CHECK))
    cpen.setWidthF(8)
    cpen.setCapStyle(Qt.PenCapStyle.RoundCap)
    cpen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    p.setPen(cpen)
    check = QPainterPath(QPointF(20, 60))
    check.lineTo(30, 70)
    check.lineTo(44, 48)
    p.drawPath(check)
    p.end()

    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    img.save(buf, "PNG")
    buf.close()
    return bytes(data.data())


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """A Windows .ico holding PNG-compressed images (supported since Windows Vista)."""
    sizes = sorted(pngs)
    head = struct.pack("<HHH", 0, 1, len(sizes))
    offset = 6 + 16 * len(sizes)
    entries, blobs = b"", b""
    for s in sizes:
        blob = pngs[s]
        dim = 0 if s >= 256 else s                # 0 means 256 in the directory
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(blob), offset)
        offset += len(blob)
        blobs += blob
    return head + entries + blobs


def icns_bytes(pngs: dict[int, bytes]) -> bytes:
    """A macOS .icns holding PNG elements."""
    body = b""
    for s in sorted(pngs):
        body += ICNS_TYPES[s] + struct.pack(">I", 8 + len(pngs[s])) + pngs[s]
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else OUT
    out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication([])  # noqa: F841 (QPainter needs it)
    pngs = {s: render(s) for s in sorted(set(ICO_SIZES) | set(ICNS_TYPES) | set(PNG_SIZES))}
    (out / "iijdesk.png").write_bytes(pngs[256])
    for s in PNG_SIZES:
        (out / f"iijdesk-{s}.png").write_bytes(pngs[s])
    (out / "iijdesk.ico").write_bytes(ico_bytes({s: pngs[s] for s in ICO_SIZES}))
    (out / "iijdesk.icns").write_bytes(icns_bytes({s: pngs[s] for s in ICNS_TYPES}))
    print(f"icons -> {out} (png {', '.join(map(str, PNG_SIZES))}; ico {len(ICO_SIZES)} sizes; "
          f"icns {len(ICNS_TYPES)} sizes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
