"""Time reading and extracting PDFs: seconds per page and per megabyte.

    .venv/bin/python benchmarks/bench_pdf.py [--runs N] [FILE.pdf ...]

Default files: the real 10-Qs in tests/data/real printed to PDF with LibreOffice Writer
(scripts/html_to_pdf.py; cached under the temp folder, skipped with a message when LibreOffice
is missing). Each run loads every file from disk (text layer and table grid: `load`) and
extracts its facts (`extract_document`); the first run warms imports and is not counted.
Prints, per file and for the set, pages, MB, the median load and extract time, ms per page and
s per MB, and the process's CPU time (wall time is inflated when other work shares the cores).
Target: < 50 ms per page for load + extract.
"""
from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from iijdesk.core.extract import extract_document  # noqa: E402
from iijdesk.core.ingest import load  # noqa: E402

TARGET_MS_PER_PAGE = 50.0
REAL = ROOT / "tests" / "data" / "real"   # copies of ../shared/real


def default_pdfs() -> list[Path]:
    spec = importlib.util.spec_from_file_location("html_to_pdf", ROOT / "scripts" / "html_to_pdf.py")
    h2p = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(h2p)
    htmls = sorted(REAL.glob("*_10q_*.html"))
    if not htmls:
        raise RuntimeError(f"no filings in {REAL}")
    return h2p.convert(htmls)


def pages_of(path: Path) -> int:
    import pypdfium2 as pdfium
    pdf = pdfium.PdfDocument(str(path))
    try:
        return len(pdf)
    finally:
        pdf.close()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args(argv)
    try:
        paths = a.files or default_pdfs()
    except RuntimeError as e:
        print(f"bench_pdf: skipped ({e})")
        return 0
    info = {p: (pages_of(p), p.stat().st_size / 2 ** 20) for p in paths}
    load_ms: dict[Path, list[float]] = {p: [] for p in paths}
    extract_ms: dict[Path, list[float]] = {p: [] for p in paths}
    cpu = []
    for run in range(a.runs + 1):
        c0 = time.process_time()
        for p in paths:
            t0 = time.perf_counter()
            doc = load(p)
            t1 = time.perf_counter()
            extract_document(doc)
            t2 = time.perf_counter()
            if run:
                load_ms[p].append((t1 - t0) * 1000)
                extract_ms[p].append((t2 - t1) * 1000)
        if run:
            cpu.append((time.process_time() - c0) * 1000)
    print(f"{'file':28s} {'pages':>5s} {'MB':>5s} {'load ms':>8s} {'extract':>8s} {'ms/page':>8s} {'s/MB':>6s}")
    tot_pages = tot_mb = tot_ms = 0.0
    for p in paths:
        pages, mb = info[p]
        lm, em = statistics.median(load_ms[p]), statistics.median(extract_ms[p])
        tot_pages += pages
        tot_mb += mb
        tot_ms += lm + em
        print(f"{p.name:28s} {pages:5d} {mb:5.2f} {lm:8.0f} {em:8.0f} {(lm + em) / pages:8.1f} "
              f"{(lm + em) / 1000 / mb:6.2f}")
    per_page = tot_ms / tot_pages
    print(f"{'all':28s} {int(tot_pages):5d} {tot_mb:5.2f} {'':8s} {tot_ms:8.0f} {per_page:8.1f} "
          f"{tot_ms / 1000 / tot_mb:6.2f}")
    print(f"CPU per run: median {statistics.median(cpu):.0f} ms; target < {TARGET_MS_PER_PAGE:.0f} ms/page: "
          f"{'met' if per_page < TARGET_MS_PER_PAGE else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
