"""Crash recovery with real processes killed by SIGKILL: at most AUTOSAVE_MAX_LOSS_S of edits
lost at any moment (from the first edit on, and while the "restore unsaved work" question of an
earlier crash is unanswered), and no temp file of an interrupted save left behind."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from iijdesk.core import limits as L
from iijdesk.core import workspace_io as W
from iijdesk.core.workspace import Workspace

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")


def test_the_limits_keep_the_promise():
    # worst case: an edit just after a save waits the interval, then up to a tick; the save
    # itself takes well under a second for a few releases (benchmarks/bench_gui.py)
    assert L.AUTOSAVE_INTERVAL_S + L.AUTOSAVE_TICK_S + 1.0 <= L.AUTOSAVE_MAX_LOSS_S


# A session: loads releases, makes one edit per simulated second and asks the autosaver at
# every tick (as the window's timer does), then says READY and waits to be killed.
_SESSION = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, {root!r})
    from tests.hostile.support import RELEASES, loaded_workspace
    from iijdesk.core import limits as L
    from iijdesk.core import workspace_io as W
    ws = loaded_workspace(RELEASES[:2])
    now = [0.0]
    a = W.Autosaver(ws, {rec!r}, clock=lambda: now[0])
    print("SESSION", a.path, len(a.pending), flush=True)
    ids = [i for i in ws.facts.index if ws.facts.at[i, "value"] == ws.facts.at[i, "value"]]
    for k in range({n}):
        now[0] += L.AUTOSAVE_TICK_S
        ws.apply_edit(ids[k * 3 + {first}], {base} + k)
        print("EDIT", k, now[0], int(a.maybe_save()), flush=True)
    print("READY", flush=True)
    time.sleep(600)
""")


def _run_and_kill(rec: Path, n: int, base: float, first: int = 0) -> tuple[str, int, list]:
    """Run a session of `n` edits, kill it: (its recovery file, pending files it found, edits)."""
    code = _SESSION.format(root=str(ROOT), rec=str(rec), n=n, base=base, first=first)
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=ROOT)
    head, edits = None, []
    try:
        for line in proc.stdout:
            parts = line.split()
            if parts[0] == "SESSION":
                head = (parts[1], int(parts[2]))
            elif parts[0] == "EDIT":
                edits.append((int(parts[1]), float(parts[2]), parts[3] == "1"))
            elif parts[0] == "READY":
                break
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert head and len(edits) == n, proc.stderr.read()[-3000:]
    return head[0], head[1], edits


def _lost_seconds(edits) -> float:
    last_saved = max(k for k, t, s in edits if s)
    return edits[-1][1] - edits[last_saved][1]


def _restored_values(path: str) -> list[float]:
    ws = W.load_workspace(path)
    return [e.new_value for e in ws.edits]


def test_a_crash_while_the_restore_question_is_open_loses_neither_session(tmp_path):
    rec = tmp_path / "state" / "recovery.iijdesk"
    # session 1: 23 edits, killed
    path1, pending1, edits1 = _run_and_kill(rec, 23, 1000.0)
    assert path1 == str(rec) and pending1 == 0
    assert edits1[0][2], "the session's first edit was not autosaved at once"
    assert _lost_seconds(edits1) < L.AUTOSAVE_MAX_LOSS_S
    saved1 = _restored_values(path1)
    assert saved1 == [1000.0 + k for k in range(len(saved1))] and len(saved1) >= 23 - 10
    before = Path(path1).read_bytes()

    # session 2 is offered session 1's work, does not answer, edits on, and is killed too
    path2, pending2, edits2 = _run_and_kill(rec, 17, 2000.0, first=1)
    assert pending2 == 1 and path2 != path1
    assert Path(path1).read_bytes() == before, "session 1's unsaved work was overwritten"
    assert edits2[0][2] and _lost_seconds(edits2) < L.AUTOSAVE_MAX_LOSS_S
    saved2 = _restored_values(path2)
    assert saved2 == [2000.0 + k for k in range(len(saved2))] and len(saved2) >= 17 - 10

    # session 3 is offered both, newest first; answering one leaves the other
    ws = Workspace()
    a = W.Autosaver(ws, rec)
    assert [p.path for p in a.pending] == [path2, path1]
    assert a.find_recovery().path == path2
    a.restore()
    assert [e.new_value for e in ws.edits] == saved2
    assert [p.path for p in a.pending] == [path1] and not os.path.exists(path2)
    assert _restored_values(a.path) == saved2          # session 3's own file holds it now
    a.discard_pending()
    assert a.pending == [] and not os.path.exists(path1)
    a.close()
    b = W.Autosaver(Workspace(), rec)                   # session 3 quit without saving
    assert [p.path for p in b.pending] == [a.path]
    b.close()


# A save that is killed while it writes: the temp file is created, then the process blocks in
# the middle of writing the zip (a slow disk) and is killed there.
_KILLED_MID_SAVE = textwrap.dedent("""
    import sys, time, zipfile
    sys.path.insert(0, {root!r})
    from tests.hostile.support import RELEASES, loaded_workspace
    from iijdesk.core import workspace_io as W
    ws = loaded_workspace(RELEASES[:1])
    real = zipfile.ZipFile.writestr
    def slow(self, name, data, *a, **k):
        real(self, name, data, *a, **k)
        if name == W.FACTS:
            print("WRITING", flush=True)
            time.sleep(600)
    zipfile.ZipFile.writestr = slow
    if {autosave}:
        a = W.Autosaver(ws, {target!r})
        a.mark_dirty()
        a.save_now()
    else:
        W.save_workspace(ws, {target!r})
""")


def _kill_mid_save(target: Path, autosave: bool) -> None:
    code = _KILLED_MID_SAVE.format(root=str(ROOT), target=str(target), autosave=autosave)
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert proc.stdout.readline().startswith("WRITING"), proc.stderr.read()[-3000:]
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()


def _temps(folder: Path) -> list[str]:
    return sorted(n for n in os.listdir(folder) if n.endswith(".tmp"))


def test_an_autosave_killed_midway_leaves_no_temp_file_after_the_next_start(tmp_path):
    rec = tmp_path / "state" / "recovery.iijdesk"
    _kill_mid_save(rec, autosave=True)
    left = _temps(rec.parent)
    assert len(left) == 1 and left[0].startswith(".recovery.iijdesk.saving-"), left  # recognisable
    assert not rec.exists()                    # never a half-written recovery file
    a = W.Autosaver(Workspace(), rec)          # the next start
    assert _temps(rec.parent) == [] and a.removed_temps == left
    a.close()


def test_a_save_killed_midway_leaves_the_file_intact_and_no_temp_after_the_next_save(tmp_path):
    from tests.hostile.support import RELEASES, loaded_workspace
    target = tmp_path / "analysis.iijdesk"
    ws = loaded_workspace(RELEASES[:1])
    W.save_workspace(ws, target)
    before = target.read_bytes()
    for _ in range(3):
        _kill_mid_save(target, autosave=False)
        # each save first removes what the killed ones before it left: one temp at most
        assert len(_temps(tmp_path)) == 1
    assert target.read_bytes() == before       # the saved file is untouched
    W.save_workspace(ws, target)               # the next save there: its writers are gone
    assert _temps(tmp_path) == []
