"""Time the reconciliation: check all five sample releases together, then re-check after one edit.

Prints medians. Target: a re-check after a single edit under 10 ms.

    .venv/bin/python benchmarks/bench_check.py [--gold]

--gold checks the hand-verified gold facts (tests/data/gold) instead of extracted ones.
"""
from __future__ import annotations

import glob
import os
import statistics
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from iijdesk.core import facts as F  # noqa: E402
from iijdesk.core.extract import extract_files  # noqa: E402
from iijdesk.core.ingest import load  # noqa: E402
from iijdesk.core.reconcile import Engine  # noqa: E402


def main() -> int:
    paths = sorted(glob.glob(os.path.join(ROOT, "tests", "data", "releases", "*.txt")))
    docs = {d.name: d for d in (load(p) for p in paths)}
    if "--gold" in sys.argv:
        facts = F.read_many(sorted(glob.glob(os.path.join(ROOT, "tests", "data", "gold", "*.facts.csv"))))
        source = "gold facts"
    else:
        facts = extract_files(paths)
        source = "extracted facts"
    runs = []
    for _ in range(5):
        t0 = time.perf_counter()
        engine = Engine(facts, documents=docs)
        found = engine.run()
        runs.append(time.perf_counter() - t0)
    print(f"{source}: {len(facts)} facts from {len(paths)} releases, {len(found)} findings, "
          f"{len(engine.checks)} checks")
    print(f"check all {len(paths)} releases together: median {statistics.median(runs) * 1000:.0f} ms "
          f"(min {min(runs) * 1000:.0f} ms)")

    # re-check after one edit: change a value, re-run only the checks that read it. Two kinds
    # of edit: a material one (x 1.5, which changes findings, so the findings frame is rebuilt)
    # and a harmless one (+1 yen, findings unchanged).
    ids = [i for i in facts.index if facts.at[i, "value"] == facts.at[i, "value"] and facts.at[i, "value"]]
    step = max(1, len(ids) // 200)
    for label, change in (("material edit (x 1.5)", lambda v: v * 1.5),
                          ("harmless edit (+1 yen)", lambda v: v + 1.0)):
        times, touched = [], []
        for fid in ids[::step]:
            old = facts.at[fid, "value"]
            facts.at[fid, "value"] = change(old)
            t0 = time.perf_counter()
            engine.recheck([fid])
            times.append(time.perf_counter() - t0)
            touched.append(len(engine.by_fact.get(engine.ctx.pos_of[fid], ())))
            facts.at[fid, "value"] = old
            engine.recheck([fid])
        times.sort()
        print(f"re-check after one {label}, {len(times)} edits, {statistics.mean(touched):.1f} checks each: "
              f"median {statistics.median(times) * 1000:.2f} ms, p95 {times[int(len(times) * 0.95)] * 1000:.2f} ms, "
              f"max {times[-1] * 1000:.2f} ms (target < 10 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
