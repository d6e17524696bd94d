"""Time loading and extracting releases in one process, after a warm-up.

    .venv/bin/python benchmarks/bench_extract.py [--runs N] [FILE ...]

Default files: the five sample releases in tests/data/releases. Each run reads every file
from disk (iijdesk.core.ingest.load) and extracts its facts (extract_document), as an import
does; the first run warms imports and caches and is not counted. Prints per-run median and
min for the whole set, the median per file, the load (ingest) share alone, and the process's
CPU time (the wall time is inflated when other work shares the cores; the CPU time is not). Target: < 250 ms for the five together.

With the real 10-Qs in tests/data/real (and no FILE given), one more line: what reading the
inline-XBRL tags adds to the HTML ingest, per MB of page. Their tags are put back from the
gold (tests/core/ingest/ixbrl_rebuild.py) and each page is parsed with and without the
reader (CPU time, median of IXBRL_RUNS); naming the facts and the cross-check are timed too.
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

TARGET_MS = 250.0
REAL = ROOT / "tests" / "data" / "real"   # copies of ../shared/real
IXBRL_RUNS = 3


def ixbrl_line() -> str:
    """Extra CPU ms per MB the inline-XBRL reading adds to the HTML ingest of the real 10-Qs."""
    from iijdesk.core.ingest.html import html_to_parts
    from iijdesk.core.ingest import load_bytes
    from iijdesk.core.ingest.ixbrl import annotate
    from iijdesk.core.reconcile import xbrl as xbrl_rule
    from iijdesk.core.reconcile.model import Context
    from tests.core.ingest.ixbrl_rebuild import rebuild_file

    pages = [rebuild_file(p)[0] for p in sorted(REAL.glob("*_10q_*.html"))]
    if not pages:
        return ""
    mb = sum(len(p.encode()) for p in pages) / 2**20
    plain, read, after = [], [], []
    for _ in range(IXBRL_RUNS):
        for flag, out in ((False, plain), (True, read)):
            c = time.process_time()
            for p in pages:
                html_to_parts(p, xbrl=flag)
            out.append((time.process_time() - c) * 1000)
    docs = [load_bytes(f"p{i}.html", p.encode()) for i, p in enumerate(pages)]
    facts = [extract_document(d) for d in docs]
    for _ in range(IXBRL_RUNS):
        c = time.process_time()
        for d, f in zip(docs, facts):
            annotate(f, d)
            ctx = Context(f, {d.name: d})
            for chk in xbrl_rule.xbrl_tags(ctx):
                chk.evaluate(ctx)
        after.append((time.process_time() - c) * 1000)
    extra = statistics.median(read) - statistics.median(plain)
    return (f"ixbrl: {len(pages)} tagged filings, {mb:.1f} MB: ingest {statistics.median(plain) / mb:.0f} ms/MB "
            f"without the tag reader, +{extra / mb:.0f} ms/MB ({100 * extra / statistics.median(plain):.0f}%) "
            f"with it; naming facts + cross-check {statistics.median(after) / mb:.0f} ms/MB (CPU time)")


def one_run(paths) -> tuple[float, float, dict[str, float], int]:
    """(wall ms, CPU ms of this process, wall ms per file, facts)."""
    per_file, facts = {}, 0
    t0, c0 = time.perf_counter(), time.process_time()
    for p in paths:
        t = time.perf_counter()
        facts += len(extract_document(load(p)))
        per_file[p.name] = (time.perf_counter() - t) * 1000
    return (time.perf_counter() - t0) * 1000, (time.process_time() - c0) * 1000, per_file, facts


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("files", nargs="*", type=Path)
    a = ap.parse_args(argv)
    paths = a.files or sorted((ROOT / "tests" / "data" / "releases").glob("*.txt"))

    t = time.perf_counter()
    _, _, _, facts = one_run(paths)                      # warm-up: imports, regex caches
    warm_ms = (time.perf_counter() - t) * 1000

    totals, cpus, per_file = [], [], {p.name: [] for p in paths}
    for _ in range(a.runs):
        total, cpu, files, _ = one_run(paths)
        totals.append(total)
        cpus.append(cpu)
        for k, v in files.items():
            per_file[k].append(v)

    loads = []
    for _ in range(a.runs):
        t = time.perf_counter()
        for p in paths:
            load(p)
        loads.append((time.perf_counter() - t) * 1000)

    med = statistics.median(totals)
    print(f"bench_extract: {len(paths)} files, {facts} facts, {a.runs} runs after a warm-up "
          f"({warm_ms:.0f} ms)")
    for name, ts in per_file.items():
        print(f"  {name:40s} median {statistics.median(ts):7.1f} ms")
    print(f"load only (ingest): median {statistics.median(loads):.1f} ms, min {min(loads):.1f} ms")
    print(f"load+extract all, CPU time of this process: median {statistics.median(cpus):.1f} ms "
          f"(what the wall time would be on an idle core)")
    print(f"load+extract all: median {med:.1f} ms, min {min(totals):.1f} ms "
          f"(target < {TARGET_MS:.0f} ms: {'met' if med < TARGET_MS else 'NOT met'})")
    if not a.files and REAL.is_dir():
        line = ixbrl_line()
        if line:
            print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
