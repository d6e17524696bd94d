"""Excel export an analyst can keep working in.

`export_workbook(ws, path, overwrite=False)` writes the workspace's facts as statement sheets
with live SUM formulas for totals (the printed total beside each, highlighted where they
differ), a Findings sheet linking to the cells involved, a Sources sheet (release and line of
every value), a Timeline sheet and native charts. The file is written to a temporary file next
to the target and renamed into place, so a failed export never leaves a half-written workbook.
"""
from __future__ import annotations

import errno
import os
import stat
import tempfile

from iijdesk.core.export.writer import ExportResult, write_workbook

__all__ = ["export_workbook", "ExportError", "TargetExistsError", "TargetLockedError", "ExportResult"]


class ExportError(Exception):
    """An export failed for a reason the user can act on; the message says what to do."""


class _UserOSError(OSError):
    """An OSError whose str() is its message alone (no "[Errno 13]" prefix, no repr'd path)."""

    def __str__(self) -> str:
        return self.strerror or super().__str__()


class TargetExistsError(ExportError, _UserOSError, FileExistsError):
    """The target workbook exists and overwriting was not asked for."""


class TargetLockedError(ExportError, _UserOSError, PermissionError):
    """The target cannot be written: open in another program, read-only, or no permission."""


# Lock files office programs keep next to a workbook they have open.
# (Excel writes "~$" + the name, dropping its first two characters when the name is long.)
_LOCK_NAMES = ("~${name}", "~${short}", ".~lock.{name}#")


def export_workbook(ws, path, overwrite: bool = False, *, cached_values: bool = True,
                    progress=None, timeline=None) -> ExportResult:
    """Write workspace `ws` to the .xlsx file `path`.

    Raises TargetExistsError (a FileExistsError) when `path` exists and `overwrite` is false,
    TargetLockedError (a PermissionError) when the target is locked or not writable, and
    ExportError for other failures a user can fix. `cached_values=False` leaves every formula's
    cached result empty so a reader must recalculate (used by the recalculation tests).
    `timeline` is an iijdesk.core.timeline.Timeline already built over ws.facts (the window's
    charts keep one); without it the export builds its own. `progress(i, n, what)` is called
    as the sheets are written."""
    target = os.path.abspath(os.fspath(path))
    name = os.path.basename(target)
    folder = os.path.dirname(target)
    if os.path.isdir(target):
        raise ExportError(f"{target} is a folder; give a file name ending in .xlsx")
    if not os.path.isdir(folder):
        raise ExportError(f"Cannot export to {target}: the folder {folder} does not exist")
    exists = os.path.exists(target)
    if exists and not overwrite:
        raise _exists(name, folder, target)
    if exists:
        lock = _lock_file(target)
        if lock:
            raise TargetLockedError(errno.EACCES,
                                    f"{name} is open in another program ({os.path.basename(lock)} "
                                    f"exists); close it there and export again", target)
        if not os.access(target, os.W_OK):
            raise TargetLockedError(errno.EACCES, f"{name} is read-only; choose another name or "
                                    f"make it writable", target)
    try:
        fd, tmp = tempfile.mkstemp(prefix=".~iijdesk-", suffix=".xlsx", dir=folder)
    except PermissionError as e:
        raise TargetLockedError(errno.EACCES, f"Cannot write in {folder}: permission denied; "
                                f"choose another folder", target) from e
    except OSError as e:
        raise ExportError(f"Cannot write in {folder}: {e.strerror or e}") from e
    os.close(fd)
    try:
        try:
            result = write_workbook(ws, tmp, cached_values=cached_values, progress=progress,
                                    timeline=timeline)
        except OSError as e:
            raise ExportError(f"Could not write {name}: {e.strerror or e}") from e
        except Exception as e:
            if type(e).__name__ == "FileCreateError":  # xlsxwriter's wrapper of an OSError
                raise ExportError(f"Could not write {name}: {e}") from e
            raise
        try:
            os.chmod(tmp, _file_mode(target))     # as a plainly saved file would be, not 0600
        except OSError:
            pass
        try:
            if overwrite or not _link_new(tmp, target):
                if not overwrite and os.path.exists(target):
                    raise _exists(name, folder, target)
                os.replace(tmp, target)
        except FileExistsError as e:
            if isinstance(e, TargetExistsError):
                raise
            raise _exists(name, folder, target) from e
        except PermissionError as e:
            raise TargetLockedError(errno.EACCES,
                                    f"{name} is open in another program or not writable; close it "
                                    f"there (or choose another name) and export again", target) from e
        except OSError as e:
            raise ExportError(f"Could not replace {name}: {e.strerror or e}") from e
    finally:
        if os.path.exists(tmp):
            try:
                os.remove(tmp)
            except OSError:
                pass
    result.path = target
    return result


def _exists(name: str, folder: str, target: str) -> TargetExistsError:
    return TargetExistsError(errno.EEXIST, f"{name} already exists in {folder}; choose another "
                             f"name or allow overwriting it (command line: --force)", target)


def _link_new(tmp: str, target: str) -> bool:
    """Put the finished file in place only if nothing is there yet (a file that appeared
    while we wrote is never replaced): a hard link fails on an existing name. False where the
    file system has no hard links (the caller then checks and renames)."""
    try:
        os.link(tmp, target)
    except FileExistsError:
        raise
    except (OSError, NotImplementedError, AttributeError):
        return False
    os.remove(tmp)
    return True


def _file_mode(target: str) -> int:
    """The permissions the workbook should get: the replaced file's, else the umask's."""
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def _lock_file(target: str) -> str:
    folder, name = os.path.split(target)
    for pattern in _LOCK_NAMES:
        p = os.path.join(folder, pattern.format(name=name, short=name[2:]))
        if os.path.exists(p):
            return p
    return ""
