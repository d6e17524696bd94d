"""Size and cold start of the built binaries.

    packaging/build.sh && .venv/bin/python benchmarks/bench_binary.py [--runs N] [--drop-caches]

Prints the onedir size (dist/iijdesk/), the onefile size (dist/iijdesk-onefile) and the time
from launch to the first mapped window under Xvfb (the first run after a build is the
coldest the OS allows without root; --drop-caches empties the page cache first where
permitted). Targets on the 2-core dev machine: onedir < 150 MB, start < 2 s.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.packaging.xdisplay import Xvfb, stop, tools_missing  # noqa: E402

EXE = ".exe" if sys.platform == "win32" else ""
ONEDIR = ROOT / "dist" / "iijdesk" / f"iijdesk{EXE}"
ONEFILE = ROOT / "dist" / f"iijdesk-onefile{EXE}"
TARGET_MB, TARGET_START_S = 150, 2.0


def tree_size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def drop_caches() -> bool:
    try:
        os.sync()
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
        return True
    except OSError:
        return False


def time_to_window(x: Xvfb, exe: Path, args: list[str], nice: int = 0) -> float:
    with tempfile.TemporaryDirectory() as home:
        env = x.env(dict(os.environ, HOME=home, XDG_CONFIG_HOME=os.path.join(home, "cfg")))
        t0 = time.perf_counter()
        proc = subprocess.Popen([str(exe), *args], env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL,
                                preexec_fn=(lambda: os.nice(nice)) if nice else None)
        try:
            x.wait_for_window(proc, timeout=120)
            return time.perf_counter() - t0
        finally:
            stop(proc)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--drop-caches", action="store_true")
    ap.add_argument("--no-sample", action="store_true", help="start with an empty window")
    ap.add_argument("--nice", type=int, default=0,
                    help="run the app at this niceness (e.g. -10, as root, on a machine busy "
                         "with other work, to approximate an idle one)")
    a = ap.parse_args()

    print(f"{'binary':<28}{'size MB':>9}")
    for label, path in (("onedir  dist/iijdesk/", ONEDIR.parent), ("onefile dist/iijdesk-onefile", ONEFILE)):
        if path.exists():
            mb = tree_size(path) / 1e6
            flag = "" if label.startswith("onefile") else ("  (target < %d: %s)" % (TARGET_MB, "ok" if mb < TARGET_MB else "OVER"))
            print(f"{label:<28}{mb:>9.1f}{flag}")
        else:
            print(f"{label:<28}{'missing':>9}  (build with packaging/build.sh)")

    if tools_missing():
        print(f"start time: skipped, missing {', '.join(tools_missing())}")
        return 0
    sample = sorted((ONEDIR.parent / "_internal" / "resources" / "sample").glob("*.txt"))
    args = [] if a.no_sample or not sample else [str(sample[0])]
    what = "empty window" if not args else f"with {sample[0].name}"
    load = " / ".join(f"{v:.1f}" for v in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    print(f"\ntime from launch to first mapped window ({what}), Xvfb, {a.runs} runs; "
          f"{os.cpu_count()} CPUs, load average {load} (busy machines start slower)"
          + (f", app at nice {a.nice}" if a.nice else "") + ":")
    with Xvfb() as x:
        for label, exe in (("onedir", ONEDIR), ("onefile", ONEFILE)):
            if not exe.exists():
                continue
            cold_note = ""
            if a.drop_caches:
                cold_note = " (page cache dropped)" if drop_caches() else " (could not drop caches)"
            try:
                times = [time_to_window(x, exe, args, a.nice) for _ in range(a.runs)]
            except (RuntimeError, TimeoutError) as e:
                print(f"  {label:<8} failed: {e}")
                continue
            first, med = times[0], statistics.median(times[1:] or times)
            ok = "ok" if med < TARGET_START_S else "OVER"
            print(f"  {label:<8} first {first:5.2f} s{cold_note}, median of the rest {med:5.2f} s, "
                  f"min {min(times):5.2f} s  (target < {TARGET_START_S:.0f} s: {ok})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
