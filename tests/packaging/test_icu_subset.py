"""The Linux bundle's smaller ICU data library (packaging/icu_subset.py): what it keeps, and
that Qt still collates, maps case, names time zones and draws text with it."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "packaging"))
import icu_subset  # noqa: E402


@pytest.mark.parametrize("item, kept", [
    ("coll/root.res", True), ("coll/en.res", True), ("coll/en_US_POSIX.res", True),
    ("coll/ucadata.icu", True), ("coll/de.res", False), ("coll/de_.res", False),
    ("coll/zh_Hant_TW.res", False), ("zone/pool.res", True), ("zone/res_index.res", True),
    ("res_index.res", True), ("root.res", True), ("en_GB.res", True), ("ja.res", False),
    ("yue_Hans.res", False), ("likelySubtags.res", True), ("supplementalData.res", True),
    ("zoneinfo64.res", True), ("metaZones.res", True), ("uprops.icu", True), ("nfc.nrm", True),
    ("cnvalias.icu", True), ("ibm-1047_P100-1995.cnv", False), ("brkitr/cjdict.dict", False),
    ("brkitr/line.brk", True), ("translit/root.res", False), ("unit/en.res", True),
])
def test_which_items_stay(item, kept):
    assert icu_subset.keep_item(item) is kept


def _qt_icu_data() -> Path:
    pyside = pytest.importorskip("PySide6")
    libs = sorted((Path(pyside.__file__).parent / "Qt" / "lib").glob("libicudata.so.*"))
    if not sys.platform.startswith("linux") or not libs:
        pytest.skip("this PySide6 has no bundled ICU (only Linux wheels do)")
    return libs[0]


PROBE = r"""
import ctypes, os, sys
ctypes.CDLL(sys.argv[1], mode=ctypes.RTLD_GLOBAL)   # Qt's ICU then finds this data library
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtCore import QCollator, QDateTime, QLocale, QStringDecoder, QTimeZone
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QApplication
app = QApplication([])
assert not QStringDecoder("Shift_JIS").isValid()      # no codec tables: the subset is loaded
assert QCollator(QLocale("en_US")).compare("a", "B") < 0
assert QCollator(QLocale("de_DE")).compare("\u00e4", "b") < 0        # root collation
assert QLocale("tr_TR").toUpper("i") == "\u0130" and QLocale("en_US").toUpper("stra\u00dfe") == "STRASSE"
assert QTimeZone(b"Asia/Tokyo").displayName(QDateTime.currentDateTime())
img = QImage(300, 60, QImage.Format_ARGB32)
img.fill(QColor("white"))
p = QPainter(img)
p.drawText(10, 40, "Net sales 1,234 \u58f2\u4e0a\u9ad8")
p.end()
assert any(img.pixelColor(x, y) != QColor("white") for x in range(300) for y in range(60))
print("ok")
"""


def test_qt_works_on_the_subset(tmp_path):
    full = _qt_icu_data()
    missing = icu_subset.missing_tools()
    if missing:
        pytest.skip(f"missing {', '.join(missing)} (Debian: icu-devtools, gcc)")
    small = icu_subset.subset(full, tmp_path)
    assert small.name == full.name
    assert small.stat().st_size < full.stat().st_size / 4
    r = subprocess.run([sys.executable, "-c", PROBE, str(small)], capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0 and r.stdout.strip().endswith("ok"), r.stderr[-2000:]
