"""Excel export time for the five sample releases.

    .venv/bin/python benchmarks/bench_export.py [--runs N]

Loads tests/data/releases/*.txt into a Workspace (timed apart, not part of the export), then
exports the workbook N times and prints median wall and CPU time, for two cases:
  cold      the export builds the cross-release timeline itself (command line);
  warm      the caller passes the timeline it already has (the window's charts keep one).
CPU time is printed too because the 2-core dev machine is often shared with other jobs.
Target: under 1 s.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from iijdesk.core.export import export_workbook  # noqa: E402
from iijdesk.core.workspace import Workspace  # noqa: E402

TARGET_S = 1.0


def _runs(n: int, fn) -> tuple[list[float], list[float]]:
    wall, cpu = [], []
    for _ in range(n):
        t, c = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return wall, cpu


def _line(name: str, wall: list[float], cpu: list[float]) -> str:
    med = statistics.median(wall)
    ok = "OK" if min(med, statistics.median(cpu)) < TARGET_S else "SLOW"
    return (f"{name:<6} wall median {med:.3f} s (min {min(wall):.3f}), "
            f"cpu median {statistics.median(cpu):.3f} s  [target < {TARGET_S:.1f} s: {ok}]")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    releases = sorted((ROOT / "tests" / "data" / "releases").glob("*.txt"))
    t0 = time.perf_counter()
    ws = Workspace()
    ws.add_files(releases)
    print(f"load+extract+check {len(releases)} releases: {time.perf_counter() - t0:.2f} s "
          f"({len(ws.facts)} facts, {len(ws.findings)} findings); load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    from iijdesk.core.timeline import build_timeline

    w, c = _runs(args.runs, lambda: build_timeline(ws.facts))
    print(f"{'timeline':<6} wall median {statistics.median(w):.3f} s, cpu median "
          f"{statistics.median(c):.3f} s (iijdesk.core.timeline.build_timeline)")
    tl = build_timeline(ws.facts)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "book.xlsx"
        res = []
        w, c = _runs(args.runs, lambda: res.append(export_workbook(ws, out, overwrite=True)))
        print(_line("cold", w, c))
        w, c = _runs(args.runs, lambda: res.append(export_workbook(ws, out, overwrite=True, timeline=tl)))
        print(_line("warm", w, c))
        size = out.stat().st_size
    r = res[-1]
    print(f"workbook: {len(r.sheets)} sheets, {len(r.formulas)} formulas, {len(r.totals)} live "
          f"totals, {size / 1024:.0f} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
