"""Extract time per MB of filing: the real 10-Qs and the 8-K in tests/data/real (HTML).

    .venv/bin/python benchmarks/bench_filings.py [--runs N] [FILE ...]

Each run reads a file from disk and extracts its facts (load + extract_document), as an import
does; a warm-up run is not counted. Prints, per file, its size, the median milliseconds and the
milliseconds per MB, and the process CPU time (wall time grows when other work shares the
cores). Target: a 2 MB 10-Q in under 1 s, i.e. under 500 ms per MB.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from iijdesk.core.extract import extract_document  # noqa: E402
from iijdesk.core.ingest import load  # noqa: E402

TARGET_MS_PER_MB = 500.0
MB = 1024 * 1024


def one(path: Path) -> tuple[float, float, int]:
    t, c = time.perf_counter(), time.process_time()
    n = len(extract_document(load(path)))
    return (time.perf_counter() - t) * 1000, (time.process_time() - c) * 1000, n


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("files", nargs="*", type=Path)
    a = ap.parse_args(argv)
    paths = a.files or sorted((ROOT / "tests" / "data" / "real").glob("*.html"))
    for p in paths:
        one(p)                                   # warm-up: imports, regex caches
    worst = 0.0
    print(f"bench_filings: {len(paths)} files, {a.runs} runs each after a warm-up")
    tot_mb = tot_ms = tot_cpu = 0.0
    for p in paths:
        runs = [one(p) for _ in range(a.runs)]
        wall = statistics.median(r[0] for r in runs)
        cpu = statistics.median(r[1] for r in runs)
        mb = p.stat().st_size / MB
        tot_mb, tot_ms, tot_cpu = tot_mb + mb, tot_ms + wall, tot_cpu + cpu
        worst = max(worst, cpu / mb)
        print(f"  {p.name:36s} {mb:5.2f} MB  {runs[0][2]:5d} facts  median {wall:7.1f} ms "
              f"(CPU {cpu:7.1f} ms)  {wall / mb:6.1f} ms/MB (CPU {cpu / mb:6.1f} ms/MB)")
    print(f"all: {tot_mb:.2f} MB in {tot_ms:.0f} ms (CPU {tot_cpu:.0f} ms): {tot_ms / tot_mb:.0f} ms/MB "
          f"(CPU {tot_cpu / tot_mb:.0f} ms/MB); worst file CPU {worst:.0f} ms/MB "
          f"(target < {TARGET_MS_PER_MB:.0f} ms/MB: {'met' if worst < TARGET_MS_PER_MB else 'NOT met'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
