"""Recalculate a workbook with LibreOffice headless, for tests that check live formulas.

`recalc(path, out_dir)` converts xlsx -> xlsx with a private LibreOffice profile whose
settings make Calc recalculate every formula on load (OOXMLRecalcMode = 0, "always"), so the
cached values in the output are LibreOffice's own results; read them with
openpyxl.load_workbook(out, data_only=True).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

# How long one conversion may take (LibreOffice's first start builds its profile).
TIMEOUT_S = 240

_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
           xmlns:xs="http://www.w3.org/2001/XMLSchema"
           xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
 <item oor:path="/org.openoffice.Office.Calc/Formula/Load">
  <prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
 <item oor:path="/org.openoffice.Office.Calc/Formula/Load">
  <prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
 <item oor:path="/org.openoffice.Office.Common/Misc">
  <prop oor:name="FirstRun" oor:op="fuse"><value>false</value></prop></item>
</oor:items>
"""


def find_soffice() -> str | None:
    """The LibreOffice executable, or None when it is not installed."""
    for name in ("soffice", "libreoffice"):
        p = shutil.which(name)
        if p:
            return p
    for p in ("/usr/bin/soffice", "/usr/lib/libreoffice/program/soffice",
              "/opt/libreoffice/program/soffice",
              "/Applications/LibreOffice.app/Contents/MacOS/soffice",
              r"C:\Program Files\LibreOffice\program\soffice.exe"):
        if os.path.exists(p):
            return p
    return None


def make_profile(root: str | os.PathLike) -> str:
    """A LibreOffice user profile that recalculates on load; returns its file:// URL."""
    root = Path(root)
    (root / "user").mkdir(parents=True, exist_ok=True)
    (root / "user" / "registrymodifications.xcu").write_text(_XCU, encoding="utf-8")
    return root.resolve().as_uri()


def recalc(path: str | os.PathLike, out_dir: str | os.PathLike, soffice: str | None = None) -> Path:
    """Convert `path` to xlsx in `out_dir` through LibreOffice (recalculating); the new path."""
    soffice = soffice or find_soffice()
    if not soffice:
        raise FileNotFoundError("LibreOffice (soffice) is not installed")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    src = Path(path).resolve()
    if src.parent == out_dir.resolve():
        raise ValueError("out_dir must differ from the workbook's folder (same file name)")
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as prof:
        url = make_profile(prof)
        cmd = [soffice, f"-env:UserInstallation={url}", "--headless", "--norestore",
               "--nolockcheck", "--convert-to", "xlsx:Calc MS Excel 2007 XML",
               "--outdir", str(out_dir), str(src)]
        env = dict(os.environ, HOME=prof)
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT_S, env=env)
    out = out_dir / (src.stem + ".xlsx")
    if proc.returncode != 0 or not out.exists():
        raise RuntimeError(f"LibreOffice conversion failed ({proc.returncode}): "
                           f"{proc.stdout.strip()} {proc.stderr.strip()}")
    return out
