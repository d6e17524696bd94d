#!/usr/bin/env bash
# Take a screenshot of the real window under Xvfb with the sample releases loaded.
#
#   bash scripts/screenshot.sh [OUT.png]        (default docs/screenshot.png)
#
# Starts a private Xvfb screen, runs the window on it through Qt's xcb platform (the same
# code path as `iijdesk FILE...`), imports tests/data/releases/*.txt, activates the first
# error finding that has a suggested correction (so the grid shows a highlighted cell, the
# fix bar and the source line), then captures the X screen with ImageMagick's `import`
# (or, without ImageMagick, Qt's grab of the same X screen).
#
# Debian packages: xvfb xauth libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0
# libxcb-render-util0 libxcb-image0 libxkbcommon-x11-0 (Qt's xcb plugin), imagemagick (optional).
# QT_DEBUG_PLUGINS=1 names any library the xcb plugin still misses.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
OUT="$(realpath -m "${1:-docs/screenshot.png}")"
SIZE="${SCREENSHOT_SIZE:-1600x1000}"
PY="${PYTHON:-.venv/bin/python}"

command -v Xvfb >/dev/null 2>&1 || { echo "screenshot: Xvfb is missing (apt-get install xvfb xauth)" >&2; exit 1; }
mkdir -p "$(dirname "$OUT")"

# A free display number.
n=99
while [ -e "/tmp/.X${n}-lock" ] || [ -e "/tmp/.X11-unix/X${n}" ]; do n=$((n + 1)); done
Xvfb ":$n" -screen 0 "${SIZE}x24" -nolisten tcp >/dev/null 2>&1 &
XVFB_PID=$!
trap 'kill "$XVFB_PID" 2>/dev/null || true' EXIT
for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X${n}" ] && break; sleep 0.1; done

export DISPLAY=":$n" QT_QPA_PLATFORM=xcb
TMP_SETTINGS="$(mktemp -d)"
trap 'kill "$XVFB_PID" 2>/dev/null || true; rm -rf "$TMP_SETTINGS"' EXIT

SHOT_OUT="$OUT" SHOT_SETTINGS="$TMP_SETTINGS/iijdesk.ini" timeout 300 "$PY" - tests/data/releases/*.txt <<'PYEOF'
import os
import shutil
import subprocess
import sys

from PySide6.QtCore import QSettings, QTimer

from iijdesk.gui.app import make_app
from iijdesk.gui.main_window import MainWindow
from iijdesk.gui.statement_model import fact_ids_of

out = os.environ["SHOT_OUT"]
app = make_app()
win = MainWindow(settings=QSettings(os.environ["SHOT_SETTINGS"], QSettings.IniFormat))
win.setGeometry(app.primaryScreen().availableGeometry())      # no window manager: fill the screen
win.show()
win.import_paths(sys.argv[1:])
win.wait_for_import()

# Show a finding the way an analyst meets it: an error with a suggested correction (two tables
# that disagree, if there is one), in the latest release that has one.
f = win.ws.findings
if len(f):
    mine = f[(f["severity"] == "error") & f["fix_value"].notna()]
    mine = mine if len(mine) else f[f["severity"] == "error"]
    if len(mine):
        order = sorted(range(len(mine)), key=lambda i: (mine["kind"].iat[i] != "cross_table", mine["doc"].iat[i]),
                       reverse=False)
        latest = max(mine["doc"])
        order = [i for i in order if mine["doc"].iat[i] == latest] or order
        finding = mine.iloc[order[0]]
        win.findings_panel.release_box.setCurrentText(str(finding["doc"]))
        win.select_finding(finding)
        ids = set(fact_ids_of(finding["fact_ids"]))
        for r in range(win.findings_panel.visible_count()):
            if set(fact_ids_of(win.findings_panel.finding_at(r)["fact_ids"])) == ids:
                win.findings_panel.table.selectRow(r)
                break
        win.view.setFocus()


def shoot():
    if shutil.which("import"):
        subprocess.run(["import", "-window", "root", out], check=True)
    else:
        app.primaryScreen().grabWindow(0).save(out)
    print(f"screenshot: {out} ({len(win.ws.documents)} releases, {len(win.ws.facts)} facts, "
          f"{len(win.ws.findings)} findings)")
    app.quit()


QTimer.singleShot(1500, shoot)
app.exec()
win.close()
win.deleteLater()
app.processEvents()
PYEOF
