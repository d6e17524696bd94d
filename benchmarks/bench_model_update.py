"""Time of `iijdesk update` on a large analyst's model.

    .venv/bin/python benchmarks/bench_model_update.py [--rows N] [--runs N]

Loads tests/data/releases/*.txt (timed apart), builds a model of N rows x 20 quarters
(4Q07 .. 3Q12, IIJ labels) whose rows are the releases' quarterly series in JPY millions
repeated until there are N, then runs the update (layout, calendar, link, audit, fill, roll
forward, save) and prints the median wall and CPU time and the cells linked.
Target: under 5 s for 1,000 rows (20,000 cells).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from iijdesk.core.model_update import update_model  # noqa: E402
from iijdesk.core.model_update.link import FactIndex  # noqa: E402
from iijdesk.core.periods import add_months  # noqa: E402
from iijdesk.core.workspace import Workspace  # noqa: E402

TARGET_S = 5.0
N_QUARTERS = 20


def build(path: Path, index: FactIndex, rows: int) -> int:
    import openpyxl
    from datetime import date

    ends = [add_months(date(2008, 3, 31), 3 * i) for i in range(N_QUARTERS)]
    s = index.src
    s = s[(s["months"] == 3) & (s["unit"] == "JPY") & s["chosen"] & ~s["derived"]]
    series = [g.set_index("end")["value"] for _, g in s.groupby("sid") if len(g) >= 3]
    wb = openpyxl.Workbook()
    ws = wb.active
    labels = []
    for e in ends:
        fy = e.year if e.month > 3 else e.year - 1
        labels.append(f"{ {6: 1, 9: 2, 12: 3, 3: 4}[e.month]}Q{fy % 100:02d}")
    ws.append(["JPY millions"] + labels)
    cells = 0
    for r in range(rows):
        ser = series[r % len(series)]
        vals = [ser.get(e.isoformat()) for e in ends]
        ws.append([f"line {r}"] + [None if v is None else v / 1e6 for v in vals])
        cells += sum(v is not None for v in vals)
    wb.save(path)
    return cells


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    t = time.perf_counter()
    ws = Workspace()
    ws.add_files(sorted((ROOT / "tests" / "data" / "releases").glob("*.txt")))
    print(f"load releases: {time.perf_counter() - t:.2f} s ({len(ws.facts)} facts)")
    t = time.perf_counter()
    index = FactIndex(ws.facts)
    print(f"fact index (timeline): {time.perf_counter() - t:.2f} s")
    with tempfile.TemporaryDirectory() as d:
        model = Path(d) / "big.xlsx"
        cells = build(model, index, args.rows)
        wall, cpu, res = [], [], None
        for i in range(args.runs):
            out = Path(d) / f"out{i}.xlsx"
            t, c = time.perf_counter(), time.process_time()
            res = update_model(str(model), ws.facts, str(out), index=index)
            wall.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
    w, c = statistics.median(wall), statistics.median(cpu)
    print(f"update {args.rows} rows, {cells} figures: median {w:.2f} s wall, {c:.2f} s CPU "
          f"(target {TARGET_S:g} s) -> {len(res.links)} linked, {len(res.findings)} findings, "
          f"{len(res.written)} written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
