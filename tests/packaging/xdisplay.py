"""A private X server (Xvfb) and a way to see when a process maps its first window.

Used by the packaging test and benchmarks/bench_binary.py. Needs Xvfb, xwininfo and xprop
(x11-utils); the screenshot needs ImageMagick's `import`.
"""
from __future__ import annotations

import os
import re
import select
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

# A window smaller than this is a Qt helper (client leader, clipboard owner), not the app.
MIN_WINDOW_SIDE = 100
POLL_SECONDS = 0.02

_CHILD = re.compile(r"^\s*(0x[0-9a-f]+) .*?\s(\d+)x(\d+)[+-]\d+[+-]\d+", re.M)


def tools_missing(screenshot: bool = False) -> list[str]:
    need = ["Xvfb", "xwininfo", "xprop"] + (["import"] if screenshot else [])
    return [t for t in need if not shutil.which(t)]


class Xvfb:
    """`with Xvfb() as x: env = x.env()` runs a headless X server on a free display."""

    def __init__(self, size: str = "1600x1000x24") -> None:
        self.size = size
        self.display = ""
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> "Xvfb":
        # -displayfd: the server picks a free display itself and reports it (no races with
        # other X servers started at the same time by other tests)
        rfd, wfd = os.pipe()
        try:
            self.proc = subprocess.Popen(["Xvfb", "-displayfd", str(wfd), "-screen", "0", self.size,
                                          "-nolisten", "tcp"], pass_fds=(wfd,),
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        finally:
            os.close(wfd)
        with os.fdopen(rfd, "rb") as r:
            number = r.readline().strip().decode() if select.select([r], [], [], 15)[0] else ""
        if not number.isdigit():
            self.__exit__(None, None, None)
            raise RuntimeError("Xvfb did not report a display")
        self.display = f":{number}"
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"Xvfb {self.display} exited with {self.proc.returncode}")
            if self._run("xwininfo", "-root").returncode == 0:
                return self
            time.sleep(0.05)
        self.__exit__(None, None, None)
        raise RuntimeError(f"Xvfb {self.display} did not come up")

    def __exit__(self, *exc) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def env(self, base: dict | None = None) -> dict:
        env = dict(os.environ if base is None else base)
        env["DISPLAY"] = self.display
        env["QT_QPA_PLATFORM"] = "xcb"
        for k in ("WAYLAND_DISPLAY", "QT_QPA_PLATFORMTHEME"):
            env.pop(k, None)
        return env

    def _run(self, *cmd: str) -> subprocess.CompletedProcess:
        return subprocess.run(cmd, env=self.env(), capture_output=True, text=True, timeout=10)

    # -- windows ----------------------------------------------------------------------
    def app_windows(self, pid: int | None = None) -> list["Window"]:
        """Mapped top-level windows (bigger than a helper), optionally of process `pid` or
        its descendants (a onefile build's bootloader runs the app in a child process)."""
        pids = family(pid) if pid is not None else set()
        out = self._run("xwininfo", "-root", "-children").stdout
        wins = []
        for wid, w, h in _CHILD.findall(out):
            if int(w) < MIN_WINDOW_SIDE or int(h) < MIN_WINDOW_SIDE:
                continue
            info = self._run("xwininfo", "-id", wid).stdout
            if "IsViewable" not in info:
                continue
            if pid is not None:
                prop = self._run("xprop", "-id", wid, "_NET_WM_PID").stdout
                m = re.search(r"= (\d+)", prop)
                if not m or int(m.group(1)) not in pids:
                    continue
            name = self._run("xprop", "-id", wid, "WM_NAME").stdout
            m = re.search(r'= "(.*)"', name)
            wins.append(Window(wid, int(w), int(h), m.group(1) if m else ""))
        return wins

    def wait_for_window(self, proc: subprocess.Popen, timeout: float = 60) -> "Window":
        """Block until `proc` maps a window; raise if it exits or the timeout passes."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"the app exited with {proc.returncode} before showing a window")
            wins = self.app_windows(proc.pid)
            if wins:
                return wins[0]
            time.sleep(POLL_SECONDS)
        raise TimeoutError(f"no window within {timeout:.0f} s")

    def screenshot(self, window: "Window", path: str | os.PathLike) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        r = self._run("import", "-window", window.id, str(path))
        if r.returncode != 0:
            raise RuntimeError(f"import failed: {r.stderr.strip()}")
        return path


def family(pid: int) -> set[int]:
    """`pid` and all its descendants (from /proc; just `pid` where there is no /proc)."""
    parent: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            parent[int(stat.parent.name)] = int(fields[1])
        except (OSError, IndexError, ValueError):
            continue
    found, grew = {pid}, True
    while grew:
        kids = {c for c, p in parent.items() if p in found} - found
        grew = bool(kids)
        found |= kids
    return found


@dataclass
class Window:
    id: str
    width: int
    height: int
    title: str


def stop(proc: subprocess.Popen, timeout: float = 10) -> int:
    """SIGTERM the app (what a session logout does) and reap it; SIGKILL if it hangs."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return proc.returncode
