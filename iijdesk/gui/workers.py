"""Long work off the GUI thread: importing releases runs Workspace.add_files in a QThread."""
from __future__ import annotations

import os

from PySide6.QtCore import QCoreApplication, QEventLoop, QObject, QThread, Signal, Slot

from iijdesk.core.interrupt import CancelToken
from iijdesk.core.workspace import CANCELLED, ImportResult, Workspace
from iijdesk.gui import gc_guard


def _start_job(owner, job: QObject, on_finished) -> None:
    """Run `job.run` on a new QThread owned by `owner` (an ImportRunner or a Worker): its
    progress goes to owner.progress, its result to `on_finished`, and owner reports busy."""
    gc_guard.install()            # no garbage collection in the worker (see gc_guard)
    thread = QThread()
    job.moveToThread(thread)
    thread.started.connect(job.run)
    job.progress.connect(owner.progress)
    job.finished.connect(on_finished)
    owner._thread, owner._job = thread, job
    owner.busyChanged.emit(True)
    thread.start()


def _finish_thread(owner) -> None:
    """End the owner's worker thread, then let go of its job. The job is a QObject living in
    that thread and has just emitted its result from there: freeing it before the thread has
    stopped could delete it under code still running on it."""
    thread, job = owner._thread, owner._job
    owner._thread, owner._job = None, None
    if thread is not None:
        thread.quit()
        thread.wait()
    del job, thread


class ImportJob(QObject):
    progress = Signal(int, int, str)      # done, total, file being read
    finished = Signal(list)               # list[ImportResult]

    def __init__(self, workspace: Workspace, paths: list[str]) -> None:
        super().__init__()
        self.ws = workspace
        self.paths = list(paths)
        self.token = CancelToken()       # cancelled from the GUI thread (the Cancel button)

    @Slot()
    def run(self) -> None:
        try:
            results = self.ws.add_files(self.paths, progress=self.progress.emit, cancel=self.token)
        except Exception as e:    # the workspace keeps what it had; say what went wrong
            results = [ImportResult(os.path.basename(p), p, False,
                                    f"{os.path.basename(p)}: import failed ({type(e).__name__}: {e})")
                       for p in self.paths]
        self.finished.emit(results)


class ImportRunner(QObject):
    """Runs one ImportJob at a time in its own thread; later requests wait their turn."""
    progress = Signal(int, int, str)
    finished = Signal(list)
    busyChanged = Signal(bool)

    def __init__(self, workspace: Workspace, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ws = workspace
        self._queue: list[list[str]] = []
        self._dropped: list[str] = []        # queued paths a cancel dropped
        self._thread: QThread | None = None
        self._job: ImportJob | None = None

    def busy(self) -> bool:
        return self._thread is not None

    def start(self, paths: list[str]) -> None:
        self._queue.append(list(paths))
        if not self.busy():
            self._next()

    def cancel(self) -> bool:
        """Stop the running import (the file being read and the rest are not imported; what
        was loaded stays) and drop the queued ones; their files are reported as cancelled."""
        if not self.busy():
            return False
        dropped = [p for paths in self._queue for p in paths]
        self._queue.clear()
        self._dropped.extend(dropped)
        if self._job is not None:
            self._job.token.cancel()
        return True

    def cancelling(self) -> bool:
        return self._job is not None and self._job.token.cancelled

    def _next(self) -> None:
        if not self._queue:
            self.busyChanged.emit(False)
            return
        paths = self._queue.pop(0)
        _start_job(self, ImportJob(self.ws, paths), self._done)

    @Slot(list)
    def _done(self, results: list) -> None:
        _finish_thread(self)
        dropped, self._dropped = self._dropped, []
        results = list(results) + [
            ImportResult(os.path.basename(p), p, False,
                         f"{os.path.basename(p)}: not imported (cancelled)", status=CANCELLED)
            for p in dropped]
        self.finished.emit(results)
        self._next()

    def wait(self) -> None:
        """Process events until every queued import is done (the worker hands its result to
        this thread, so blocking without processing events would never finish)."""
        while self.busy() or self._queue:
            QCoreApplication.processEvents(QEventLoop.AllEvents, 50)
            if self._thread is not None:
                self._thread.wait(10)


class CallJob(QObject):
    """Run one callable in a worker thread; `finished(result, error_message)`."""
    progress = Signal(int, int, str)
    finished = Signal(object, str)

    def __init__(self, fn) -> None:
        super().__init__()
        self.fn = fn

    @Slot()
    def run(self) -> None:
        try:
            result = self.fn(self.progress.emit)
        except Exception as e:     # the message is for the user (the core's errors are written so)
            self.finished.emit(None, str(e) or type(e).__name__)
            return
        self.finished.emit(result, "")


class Worker(QObject):
    """One background call at a time (exports); the caller gets `done(result, error)`."""
    progress = Signal(int, int, str)
    done = Signal(object, str)
    busyChanged = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread: QThread | None = None
        self._job: CallJob | None = None

    def busy(self) -> bool:
        return self._thread is not None

    def start(self, fn) -> bool:
        if self.busy():
            return False
        _start_job(self, CallJob(fn), self._finished)
        return True

    @Slot(object, str)
    def _finished(self, result, error: str) -> None:
        _finish_thread(self)
        self.busyChanged.emit(False)
        self.done.emit(result, error)

    def wait(self) -> None:
        while self.busy():
            QCoreApplication.processEvents(QEventLoop.AllEvents, 50)
            if self._thread is not None:
                self._thread.wait(10)
