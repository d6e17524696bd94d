"""A smaller ICU data library for the Linux bundle (PySide6's libicudata is ~31 MB of 185).

PySide6's Linux wheels link Qt against their own ICU, whose data library holds every locale's
collation, calendar, currency, language, region, unit and time-zone names, 190 legacy codec
tables, five word-break dictionaries and the transliteration rules. Qt uses ICU only for
collation (QCollator, the file dialog's sorting), locale case mapping, time-zone names and
non-Unicode codecs (QStringDecoder); iijdesk decodes releases in Python (charset-normalizer),
and its interface is English. So the bundle keeps the Unicode core (properties, normalisation,
case, bidi, break rules) and the root and English locale data, and drops the rest. Whatever is
dropped falls back to root: e.g. QCollator for German sorts by the root (Unicode) collation,
a German time-zone name comes out in English.

Tools: icupkg and genccode (Debian: icu-devtools) and a C compiler driver (cc). Without them the
full library is bundled and the build says so. macOS and Windows wheels use the system's ICU,
so this is Linux-only.

    python packaging/icu_subset.py LIBICUDATA OUTDIR      # writes OUTDIR/libicudata.so.NN
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

# Locales whose data is kept in every tree (collation, names, currencies, units, ...).
KEEP_LOCALES = ("root", "en")
# Per-tree bookkeeping items that must stay (indexes and shared string pools).
KEEP_ALWAYS = ("res_index.res", "pool.res")
# Whole families with no use in the app: legacy codec tables (Python decodes the releases),
# dictionary-based word breaking for Thai/Lao/Khmer/Burmese/CJK, transliteration.
DROP_SUFFIXES = (".cnv", ".dict")
DROP_TREES = ("translit",)
# A locale bundle: "de.res", "zh_Hant_TW.res", "de_.res" (a variant without region).
LOCALE_ITEM = re.compile(r"^(?P<lang>[a-z]{2,3})(_[A-Za-z0-9_]*)?\.res$")
TOOLS = ("icupkg", "genccode", "cc")


def keep_item(item: str) -> bool:
    """Whether an item of the ICU data package (e.g. "coll/de.res") stays in the bundle."""
    parts = item.split("/")
    name = parts[-1]
    if len(parts) > 1 and parts[0] in DROP_TREES:
        return False
    if name.endswith(DROP_SUFFIXES):
        return False
    if name in KEEP_ALWAYS or name == "root.res":
        return True
    m = LOCALE_ITEM.match(name)
    return m is None or m.group("lang") in KEEP_LOCALES


def missing_tools() -> list[str]:
    return [t for t in TOOLS if shutil.which(t) is None]


def _data_symbol(lib: Path) -> tuple[str, int, int]:
    """The ICU data symbol of a libicudata (name, file offset, size)."""
    nm = subprocess.run(["nm", "-D", "-S", "--defined-only", str(lib)], check=True,
                        capture_output=True, text=True).stdout
    m = re.search(r"^([0-9a-f]+) ([0-9a-f]+) [RrDd] (icudt\d+_dat)$", nm, re.M)
    if not m:
        raise ValueError(f"{lib}: no icudtNN_dat symbol")
    addr, size, name = int(m.group(1), 16), int(m.group(2), 16), m.group(3)
    sections = subprocess.run(["readelf", "-S", "-W", str(lib)], check=True,
                              capture_output=True, text=True).stdout
    for sm in re.finditer(r"\]\s+\S+\s+\S+\s+([0-9a-f]{8,})\s+([0-9a-f]+)\s+([0-9a-f]+)", sections):
        start, off, length = (int(x, 16) for x in sm.groups())
        if start <= addr < start + length and start:
            return name, addr - start + off, size
    raise ValueError(f"{lib}: {name} is in no section")


def subset(lib: Path, out_dir: Path) -> Path:
    """Write a libicudata with only the kept items to out_dir (same file name and soname)."""
    lib, out_dir = Path(lib), Path(out_dir)
    symbol, offset, size = _data_symbol(lib)
    version = re.match(r"icudt(\d+)_dat", symbol).group(1)
    package = f"icudt{version}{'l' if sys.byteorder == 'little' else 'b'}"
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        full = tmp / "in" / f"{package}.dat"        # icupkg wants the package's own name
        full.parent.mkdir()
        with open(lib, "rb") as f:
            f.seek(offset)
            full.write_bytes(f.read(size))
        items = subprocess.run(["icupkg", "-l", str(full)], check=True,
                               capture_output=True, text=True).stdout.split()
        drop = [i for i in items if not keep_item(i)]
        (tmp / "drop.txt").write_text("\n".join(drop) + "\n")
        small = tmp / "out" / f"{package}.dat"       # icupkg names the items after this file
        small.parent.mkdir()
        subprocess.run(["icupkg", "--ignore-deps", "-r", str(tmp / "drop.txt"),
                        str(full), str(small)], check=True, capture_output=True)
        subprocess.run(["genccode", "-q", "-a", "gcc", "-e", f"icudt{version}", "-d", str(tmp),
                        str(small)], check=True, capture_output=True)
        asm = next(tmp.glob("*.S"))
        soname = subprocess.run(["readelf", "-d", str(lib)], capture_output=True, text=True).stdout
        sm = re.search(r"\(SONAME\).*\[(.+)\]", soname)
        out = out_dir / lib.name
        subprocess.run(["cc", "-shared", "-nostdlib", f"-Wl,-soname,{sm.group(1) if sm else lib.name}",
                        "-o", str(out), str(asm)], check=True, capture_output=True)
    print(f"icu_subset: {lib.name} {lib.stat().st_size / 1e6:.1f} MB -> {out.stat().st_size / 1e6:.1f} MB"
          f" ({len(items) - len(drop)} of {len(items)} items kept)")
    return out


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    if missing_tools():
        sys.exit(f"icu_subset: missing {', '.join(missing_tools())} (Debian: icu-devtools, gcc)")
    subset(Path(sys.argv[1]), Path(sys.argv[2]))
