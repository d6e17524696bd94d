#!/usr/bin/env python3
"""Print HTML filings to PDF with LibreOffice Writer (headless), as a reader's "print to PDF" does.

    python scripts/html_to_pdf.py [--outdir DIR] FILE.html ...

Each FILE.html becomes DIR/FILE.pdf: the same stem, so the facts extracted from the PDF are
scored against the filing's gold (score_real.py maps documents by stem). A PDF newer than its
HTML is reused. The PDFs have proportional fonts, right-aligned numbers and headers spanning
columns, the layout iijdesk's PDF reader must rebuild. Needs LibreOffice with Writer (Debian:
`apt-get install libreoffice-writer-nogui`); a private profile under DIR keeps the run apart
from any LibreOffice the user has open.

Used by tests/core/ingest/test_pdf.py and benchmarks/bench_pdf.py.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

# Writer's filter for HTML documents (Writer/Web) to PDF.
PDF_FILTER = "pdf:writer_web_pdf_Export"
# A 10-Q converts in a few seconds; a run that takes longer than this is stuck.
TIMEOUT_S = 600
# Where the tests and benchmarks keep the PDFs between runs.
DEFAULT_CACHE = Path(tempfile.gettempdir()) / "iijdesk-pdf-cache"


def soffice() -> str | None:
    """The LibreOffice executable, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(htmls, outdir: Path = DEFAULT_CACHE, timeout: float = TIMEOUT_S) -> list[Path]:
    """The PDF of each HTML file (converted when missing or older than its HTML).

    Raises RuntimeError with a readable reason when LibreOffice is missing or a file did not
    convert (LibreOffice without Writer says only "source file could not be loaded")."""
    exe = soffice()
    if exe is None:
        raise RuntimeError("LibreOffice (soffice) is not installed")
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    htmls = [Path(h) for h in htmls]
    pdfs = [outdir / (h.stem + ".pdf") for h in htmls]
    stale = [h for h, p in zip(htmls, pdfs) if not p.exists() or p.stat().st_mtime < h.stat().st_mtime]
    if stale:
        profile = (outdir / ".lo-profile").resolve().as_uri()
        cmd = [exe, f"-env:UserInstallation={profile}", "--headless", "--norestore",
               "--convert-to", PDF_FILTER, "--outdir", str(outdir), *map(str, stale)]
        try:
            run = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                                 stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise RuntimeError(f"LibreOffice did not finish within {timeout:.0f} s") from None
        missing = [p for p in pdfs if not p.exists()]
        if missing:
            why = (run.stderr or run.stdout).strip().splitlines()
            raise RuntimeError(
                f"LibreOffice did not convert {', '.join(p.stem for p in missing)}"
                f" ({why[-1] if why else 'no message'}; is Writer installed: libreoffice-writer-nogui?)")
    return pdfs


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("html", nargs="+", type=Path)
    ap.add_argument("--outdir", type=Path, default=DEFAULT_CACHE)
    a = ap.parse_args(argv)
    try:
        for p in convert(a.html, a.outdir):
            print(p)
    except RuntimeError as e:
        print(f"html_to_pdf: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    os.environ.setdefault("SAL_USE_VCLPLUGIN", "svp")   # no display needed
    sys.exit(main())
