#!/usr/bin/env bash
# Screenshot of a chart tab under Xvfb, written to docs/charts.png (or the path given).
#
#   scripts/screenshot_charts.sh [out.png] [tab]     tab: revenue|operating|segments|cashflow|kpis
#
# The five sample releases are imported with Workspace.add_files. SOURCE=extracted uses the
# extractor as it is; SOURCE=gold (default) swaps in the hand-verified gold facts of the same
# releases, so the picture shows what the charts draw from correct input.
# Needs: xvfb (xvfb-run), imagemagick (import, convert), libxcb-cursor0 and friends.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-docs/charts.png}
TAB=${2:-revenue}
SOURCE=${SOURCE:-gold}
export OUT TAB SOURCE
xvfb-run -a -s "-screen 0 1400x900x24" env QT_QPA_PLATFORM=xcb PYTHONPATH=. \
  .venv/bin/python - <<'PY'
import os, subprocess, sys
from pathlib import Path

from PySide6.QtWidgets import QApplication

app = QApplication(sys.argv)
from iijdesk.core import facts as F
from iijdesk.core import workspace as W

releases = sorted(Path("tests/data/releases").glob("*.txt"))
if os.environ["SOURCE"] == "gold":
    gold = F.read_many(sorted(Path("tests/data/gold").glob("*.facts.csv")))
    by_doc = {d: g.reset_index(drop=True) for d, g in gold.groupby("doc", sort=False)}
    W.extract_document = lambda doc: by_doc.get(doc.name, F.empty_facts()).copy()
ws = W.Workspace()
ws.add_files(releases)

from iijdesk.gui.charts import ChartsWidget

w = ChartsWidget(ws)
w.setWindowTitle("iijdesk charts")
w.resize(1280, 760)
w.move(40, 40)
w.show()
w.wait_idle()
w.tabs.setCurrentWidget(getattr(w, os.environ["TAB"]))
for _ in range(20):
    app.processEvents()
# hover a point so the screenshot shows the description a user sees
tab = w.current_chart()
if tab is not None and tab.records:
    r = tab.records[len(tab.records) // 2]
    tab._show_tip(tab.plots[r.plot], tab.plots[r.plot].vb.mapSceneToView(
        tab.plots[r.plot].vb.mapViewToScene(__import__("PySide6.QtCore").QtCore.QPointF(r.x, r.y))),
        r.text)
for _ in range(20):
    app.processEvents()
g = w.frameGeometry()
raw = "/tmp/_iijdesk_screen.png"
subprocess.run(["import", "-window", "root", raw], check=True)
subprocess.run(["convert", raw, "-crop", f"{g.width()}x{g.height()}+{g.x()}+{g.y()}", "+repage",
                os.environ["OUT"]], check=True)
print(f"{os.environ['OUT']}: {g.width()}x{g.height()}, tab {os.environ['TAB']}, "
      f"{tab.n_points if tab else 0} points, source {os.environ['SOURCE']}")
w.teardown()
PY
