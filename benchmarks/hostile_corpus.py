"""Import every file of the hostile corpus in a fresh process; print its time and peak memory.

    .venv/bin/python benchmarks/hostile_corpus.py [--dir /tmp/hostile] [--only NAME] [--timeout S]

The corpus is tests/hostile/corpus.py: the files an analyst drops by mistake or receives broken
(ALL), the small files whose reading once grew faster than their size (SLOW: long lines, a
5,000-page PDF, workspace zip bombs, numbers above 1e308) and the 200 MB text. Files are made
once into --dir and reused. A release-like file goes through Workspace.add_files (what the
window and `iijdesk extract` do) with the per-file time limit switched off, so the time shown is
the reading's own, and its facts are then written as CSV; a `.iijdesk` file is opened with
load_workspace. Each runs alone in a child process, so the peak RSS is its own.

Target (issue 18): every file done (read, or refused with a message) in under
TARGET_SECONDS and TARGET_RSS_MB. Exit status 1 if a file misses it, crashes or is killed
at --timeout. A benchmark: it prints numbers; no unit test times anything.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from iijdesk.core.limits import MAX_PDF_PAGES  # noqa: E402
from tests.hostile import corpus as C  # noqa: E402

TARGET_SECONDS = 60.0
TARGET_RSS_MB = 2048

_WORKER = textwrap.dedent("""
    import sys, tempfile, os, traceback
    sys.path.insert(0, {root!r})
    path = {path!r}
    try:
        if path.endswith(".iijdesk"):
            from iijdesk.core import workspace_io as W
            try:
                ws = W.load_workspace(path)
                print("RESULT ok", len(ws.facts), "facts |")
            except W.WorkspaceFileError as e:
                print("RESULT refused 0 facts |", str(e).replace("\\n", " "))
        else:
            from iijdesk.core import facts as F
            from iijdesk.core.workspace import Workspace
            ws = Workspace()
            ws.file_time_limit = None
            results = ws.add_files([path])
            with tempfile.TemporaryDirectory() as d:
                F.to_csv(ws.facts, os.path.join(d, "facts.csv"))
            ok = [r for r in results if r.ok]
            msgs = "; ".join(r.message for r in results if r.message)
            if len(results) > 1:
                msgs = f"{{len(ok)}} of {{len(results)}} files read" + ("; " + msgs[:300] if msgs else "")
            print("RESULT", "ok" if ok else "refused", len(ws.facts), "facts |", msgs.replace("\\n", " "))
    except BaseException:
        print("CRASH |", traceback.format_exc().strip().splitlines()[-1])
        raise
""")


def cases() -> list[tuple[str, object]]:
    """(label, maker taking a folder) in the order they run."""
    out = [(m.__name__[5:], m) for m in C.ALL]
    out += [(f"long_line_{n // 1000}k", (lambda n: lambda d: C.make_long_line(d, n))(n))
            for n in (16_000, 32_000, C.LONG_LINE_NUMBERS)]
    out += [("widest_line", C.make_widest_line), ("line_10mb", C.make_10mb_line),
            (f"pages_{MAX_PDF_PAGES}_at_limit", lambda d: C.make_many_pages_pdf(d, MAX_PDF_PAGES)),
            ("pages_5000", C.make_many_pages_pdf),
            ("workspace_bomb_200mib", C.make_workspace_bomb),
            ("workspace_bomb_900mib", lambda d: C.make_workspace_bomb(d, 900)),
            ("workspace_900mib_declared", lambda d: C.make_workspace_bomb(d, 900, declared=True)),
            ("huge_number", C.make_huge_number), ("huge_text_200mb", C.make_huge_text)]
    return out


def run_one(path: Path, timeout: float) -> tuple[float, float, str]:
    """(seconds, peak RSS in MB, outcome) of importing `path` in a child process."""
    code = _WORKER.format(root=str(ROOT), path=str(path))
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    rusage = None
    while True:
        pid, status, rusage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() - t0 > timeout:
            proc.kill()
            _, status, rusage = os.wait4(proc.pid, 0)
            proc.returncode = -9
            return time.perf_counter() - t0, rusage.ru_maxrss / 1024, f"KILLED after {timeout:g} s"
        time.sleep(0.05)
    seconds = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    out, err = proc.communicate()
    lines = [l for l in out.splitlines() if l.startswith(("RESULT", "CRASH"))]
    outcome = lines[-1] if lines else f"no result (exit {proc.returncode}): {err.strip()[-200:]}"
    return seconds, rusage.ru_maxrss / 1024, outcome


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dir", default="/tmp/iijdesk-hostile-corpus")
    ap.add_argument("--only", default="", help="run only cases whose label contains this")
    ap.add_argument("--timeout", type=float, default=300.0)
    args = ap.parse_args(argv)
    d = Path(args.dir)
    d.mkdir(parents=True, exist_ok=True)
    failed = 0
    print(f"{'case':24} {'size':>10} {'seconds':>8} {'peak MB':>8}  outcome")
    for label, make in cases():
        if args.only and args.only not in label:
            continue
        sub = d / label
        sub.mkdir(exist_ok=True)
        made = [p for p in sub.iterdir() if not p.name.startswith("real_")]
        path = made[0] if len(made) == 1 else make(sub)
        size = (path.stat().st_size if path.is_file() else
                sum(p.stat().st_size for p in path.rglob("*") if p.is_file()))
        seconds, rss, outcome = run_one(path, args.timeout)
        bad = (seconds > TARGET_SECONDS or rss > TARGET_RSS_MB or not outcome.startswith("RESULT"))
        failed += bad
        print(f"{label:24} {size / 1e6:9.2f}M {seconds:8.1f} {rss:8.0f}  {'!! ' if bad else ''}"
              f"{outcome[:150]}", flush=True)
    print(f"{failed} case(s) over {TARGET_SECONDS:g} s / {TARGET_RSS_MB} MB or crashed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
