"""The window with many releases: GUI-thread heartbeat during the import, then edit latency.

    .venv/bin/python benchmarks/bench_gui_scale.py [--n 1000] [--edits 100]

Builds N releases as bench_scale.py does (perturbed copies of the samples, N/5 companies),
opens the main window (offscreen unless a display is set) and drops them all at once. While
the worker imports and checks, a QTimer beats every HEARTBEAT_MS on the GUI thread; the
longest gaps between beats are how long the window was frozen (target: none over 100 ms).
Then, with everything loaded: edit -> re-check -> repaint of a cell of the largest table,
the median of --edits edits (target <= 16 ms), the findings panel and the grid's repaint.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import numpy as np  # noqa: E402
from PySide6.QtCore import QElapsedTimer, QEventLoop, QSettings, QTimer  # noqa: E402

from bench_gui import cell_to_edit  # noqa: E402
from bench_scale import build  # noqa: E402
from iijdesk.gui.app import make_app  # noqa: E402
from iijdesk.gui.main_window import MainWindow  # noqa: E402

HEARTBEAT_MS = 10
TARGET_GAP_MS = 100.0
SETTLE_MS = 3000               # heartbeat kept this long after the import ends
TARGET_EDIT_MS = 16.0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--edits", type=int, default=100)
    a = ap.parse_args(argv)
    app = make_app()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "releases"
        folder.mkdir()
        paths = build(a.n, folder)
        w = MainWindow(settings=QSettings(os.path.join(tmp, "bench.ini"), QSettings.IniFormat))
        w.resize(1400, 900)
        w.show()
        app.processEvents()

        clock = QElapsedTimer()
        beats: list[int] = []
        timer = QTimer()
        timer.setInterval(HEARTBEAT_MS)
        timer.timeout.connect(lambda: beats.append(clock.elapsed()))
        clock.start()
        timer.start()
        t = time.perf_counter()
        w.import_paths([str(folder)])
        w.wait_for_import()
        took = time.perf_counter() - t
        app.processEvents()
        during = len(beats)
        # the window after the import: what it does once the work is done (a full garbage
        # collection waits for this pause) must not freeze it either
        settle = QElapsedTimer()
        settle.start()
        while settle.elapsed() < SETTLE_MS:
            app.processEvents(QEventLoop.AllEvents, HEARTBEAT_MS)
        timer.stop()
        after = np.diff(beats[during - 1:]) if during else np.array([])
        beats = beats[:during]
        gaps = np.diff([0] + beats) if beats else np.array([took * 1000])
        worst = np.sort(gaps)[::-1][:5]
        ok = "met" if worst[0] <= TARGET_GAP_MS else "NOT met"
        print(f"import of {len(w.ws.documents):,} releases ({len(w.ws.facts):,} facts, "
              f"{len(w.ws.findings):,} findings) in the window: {took:.1f} s")
        print(f"  GUI heartbeat every {HEARTBEAT_MS} ms: {len(beats):,} beats, longest gaps "
              f"{', '.join(f'{g:.0f}' for g in worst)} ms, p99 {np.percentile(gaps, 99):.0f} ms "
              f"(target <= {TARGET_GAP_MS:g} ms: {ok})")
        if len(after):
            ok = "met" if after.max() <= TARGET_GAP_MS else "NOT met"
            print(f"  the {SETTLE_MS / 1000:g} s after the import: longest gap {after.max():.0f} ms ({ok})")

        m = w.model
        fid, ix, base, _ = cell_to_edit(w, app)
        edit, undo = [], []
        for k in range(a.edits):
            t = time.perf_counter()
            m.setData(ix, f"{base + k + 1:,.0f}")
            app.processEvents()
            w.view.viewport().repaint()
            edit.append(time.perf_counter() - t)
            t = time.perf_counter()
            w.undo_stack.undo()
            app.processEvents()
            undo.append(time.perf_counter() - t)
        med = 1000 * statistics.median(edit)
        ok = "met" if med <= TARGET_EDIT_MS else "NOT met"
        print(f"  edit -> re-check -> repaint ({m.rowCount()}x{m.columnCount()} grid), {a.edits} edits: "
              f"median {med:.1f} ms, p95 {1000 * np.percentile(edit, 95):.1f} ms (target <= {TARGET_EDIT_MS:g} ms: {ok});"
              f" undo median {1000 * statistics.median(undo):.1f} ms")
        t = time.perf_counter()
        w._refresh_panels()
        app.processEvents()
        print(f"  findings panel and release list refresh: {1000 * (time.perf_counter() - t):.0f} ms")
        w.close()
        app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
