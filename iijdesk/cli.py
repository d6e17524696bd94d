"""Command line: `iijdesk extract|check|export FILE...` and `iijdesk update MODEL.xlsx
RELEASE...`; no command (or only existing files and folders) opens the window.

Exit status: 0 done; 1 no file could be read, or the output could not be written;
2 a usage error (unknown command, bad option, -o naming a folder, an output that exists
without -f); 3 `check --fail-on LEVEL` found findings of that severity or worse."""
from __future__ import annotations

import argparse
import os
import sys

from iijdesk import __version__

COMMANDS = ("extract", "check", "export", "update")
SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}
EXIT_FINDINGS = 3          # check --fail-on: findings at or above the level exist


def _load(paths: list[str], check: bool = True):
    """A workspace with `paths` imported; checked unless `check` is false (extract only)."""
    from iijdesk.core.workspace import Workspace

    ws = Workspace()
    ws.settle_memory = True         # one batch: what is loaded stays to the end
    results = ws.add_files(paths, check=check)
    for r in results:
        if r.message:               # a failure, or a note (the same file twice, a renamed doc)
            print(f"iijdesk: {r.message}", file=sys.stderr)
    for note in ws.check_notes:     # a check rule that was too slow for what was loaded
        print(f"iijdesk: {note}; its findings are missing", file=sys.stderr)
    return ws, results


def _output_problem(path: str, force: bool) -> str:
    """Why `path` cannot be written as asked ("" when it can), checked before any work."""
    if os.path.isdir(path):
        return f"-o {path}: is a folder; give the name of the file to write (e.g. {os.path.join(path, '')}NAME)"
    if os.path.lexists(path) and not force:
        return (f"-o {path}: already exists; choose another name or add -f / --force to "
                f"overwrite it")
    parent = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(parent):
        return f"-o {path}: the folder {parent} does not exist"
    return ""


def _write(what: str, path: str, write) -> bool:
    try:
        write()
    except OSError as e:
        print(f"iijdesk: {what} not written to {path}: {e.strerror or e}", file=sys.stderr)
        return False
    return True


def cmd_extract(args) -> int:
    from iijdesk.core import facts as F

    ws, results = _load(args.files, check=False)     # extracting needs no reconciliation
    if not _write("facts", args.output, lambda: F.to_csv(ws.facts, args.output)):
        return 1
    ok = sum(r.ok for r in results)
    print(f"{len(ws.facts)} facts from {ok} of {len(results)} files -> {args.output}")
    return 0 if ok or not results else 1


def cmd_check(args) -> int:
    from iijdesk.core.reconcile.report import write_findings_csv

    ws, results = _load(args.files)
    if not _write("findings", args.output, lambda: write_findings_csv(ws.findings, ws.facts, args.output)):
        return 1
    print(f"{len(ws.findings)} findings from {sum(r.ok for r in results)} files -> {args.output}")
    if not any(r.ok for r in results) and results:
        return 1
    if args.fail_on:
        level = SEVERITY_RANK[args.fail_on]
        sev = ws.findings["severity"] if len(ws.findings) else []
        n = sum(1 for s in sev if SEVERITY_RANK.get(str(s), 0) >= level)
        if n:
            worse = "" if args.fail_on == "error" else " or worse"
            print(f"iijdesk: {n} finding(s) of severity {args.fail_on}{worse} (--fail-on {args.fail_on})",
                  file=sys.stderr)
            return EXIT_FINDINGS
    return 0


def cmd_export(args) -> int:
    from iijdesk.core.export import ExportError, export_workbook

    ws, results = _load(args.files)
    if not any(r.ok for r in results):
        return 1
    try:
        export_workbook(ws, args.output, overwrite=args.force)
    except (ExportError, OSError) as e:   # plain messages the user can act on
        print(f"iijdesk: {e}", file=sys.stderr)
        return 1
    print(f"workbook -> {args.output}")
    return 0


def cmd_update(args) -> int:
    from iijdesk.core.model_update import LayoutChoice, ModelError, update_model
    from iijdesk.core.model_update.update import _check_model

    try:
        _check_model(args.model)        # before the releases are read: a wrong model fails fast
    except ModelError as e:
        print(f"iijdesk: {e}", file=sys.stderr)
        return 1
    ws, results = _load(args.files)
    if not any(r.ok for r in results):
        print("iijdesk: no release could be read; nothing to link the model to", file=sys.stderr)
        return 1
    choices = None
    if args.period_row or args.label_column:
        choices = {args.sheet or "*": LayoutChoice(period_row=args.period_row, label_col=args.label_column)}
    try:
        res = update_model(args.model, ws.facts, args.output, choices=choices, roll=not args.no_roll_forward,
                           overwrite=args.force)
    except ModelError as e:
        print(f"iijdesk: {e}", file=sys.stderr)
        return 1
    print(res.report(max_lines=args.max_lines))
    if args.audit:
        from iijdesk.core.csv_cells import escape_series

        frame = res.findings_frame()
        for c in ("label", "message", "period", "sheet", "table", "doc"):
            frame[c] = escape_series(frame[c].astype(str))
        if not _write("audit", args.audit, lambda: frame.to_csv(args.audit, index=False)):
            return 1
        print(f"{len(frame)} audit findings -> {args.audit}")
    print(f"updated copy -> {args.output} (the model itself is unchanged)")
    return 0


def _column(text: str) -> int:
    """A column given as a letter ("B") or a number ("2")."""
    from openpyxl.utils import column_index_from_string

    t = text.strip()
    try:
        return int(t) if t.isdigit() else column_index_from_string(t.upper())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a column (a letter such as B, or a number)")


def _default_update_output(model: str) -> str:
    stem, ext = os.path.splitext(model)
    return f"{stem}-updated{ext or '.xlsx'}"


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="iijdesk", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Without a command, `iijdesk [FILE|FOLDER ...]` opens the window (and imports them).")
    p.add_argument("--version", action="version", version=f"iijdesk {__version__}")
    p.add_argument("--selftest", action="store_true", help="headless smoke test of this installation")
    sub = p.add_subparsers(dest="cmd", metavar="command")

    def command(name: str, help: str, default: str, func):
        c = sub.add_parser(name, help=help, description=help)
        c.add_argument("files", nargs="+", metavar="FILE", help="release files or folders (walked)")
        c.add_argument("-o", "--output", default=default, help=f"file to write (default {default})")
        c.add_argument("-f", "--force", action="store_true", help="overwrite the output if it exists")
        c.set_defaults(func=func)
        return c

    command("extract", "write every number of every table as facts CSV", "facts.csv", cmd_extract)
    c = command("check", "reconcile the releases and write findings CSV", "findings.csv", cmd_check)
    c.add_argument("--fail-on", choices=("error", "warning"), default=None,
                   help=f"exit with status {EXIT_FINDINGS} when there are findings of this "
                        "severity (warning: or worse)")
    command("export", "write an Excel workbook with live formulas and findings", "iijdesk.xlsx",
            cmd_export)
    h = ("link an analyst's Excel model to the releases, audit its numbers and roll it forward; "
         "writes an updated copy, never the model itself")
    c = sub.add_parser("update", help=h, description=h)
    c.add_argument("model", metavar="MODEL.xlsx", help="the analyst's workbook (.xlsx or .xlsm)")
    c.add_argument("files", nargs="+", metavar="RELEASE", help="release files or folders (walked)")
    c.add_argument("-o", "--output", default=None, help="the copy to write (default MODEL-updated.xlsx)")
    c.add_argument("-f", "--force", action="store_true", help="overwrite the output if it exists")
    c.add_argument("--no-roll-forward", action="store_true",
                   help="link, audit and fill gaps only; add no new period columns")
    c.add_argument("--period-row", type=int, default=None, metavar="N",
                   help="the row holding the period labels (default: found)")
    c.add_argument("--label-column", type=_column, default=None, metavar="COL",
                   help="the column holding the line-item labels, e.g. B (default: found)")
    c.add_argument("--sheet", default=None, help="the sheet --period-row/--label-column apply to "
                   "(default: every sheet)")
    c.add_argument("--audit", default=None, metavar="FILE", help="also write the audit findings as CSV")
    c.add_argument("--max-lines", type=int, default=200, help="audit lines printed at most (default 200)")
    c.set_defaults(func=cmd_update)
    return p


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--selftest"]:
        from iijdesk.selftest import run_selftest
        return run_selftest()
    parser = build_parser()
    if not argv or (argv[0] not in COMMANDS and not argv[0].startswith("-")):
        # The window, with the files and folders given. A word that is neither a command nor
        # an existing path is a mistyped command: say so (argparse style), never a window.
        missing = [a for a in argv if not a.startswith("-") and not os.path.exists(a)]
        if missing:
            first = missing[0]
            if first == argv[0] and not os.path.splitext(first)[1] and os.sep not in first:
                parser.error(f"argument command: invalid choice: {first!r} (choose from "
                             f"{', '.join(repr(c) for c in COMMANDS)}; or name existing release "
                             f"files or folders to open them in the window)")
            parser.error(f"{first}: no such file or folder (and not a command: "
                         f"{', '.join(COMMANDS)})")
        return _gui(argv, parser)
    args = parser.parse_args(argv)
    if args.selftest:
        from iijdesk.selftest import run_selftest
        return run_selftest()
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    if args.cmd == "update":
        args.output = args.output or _default_update_output(args.model)
        if os.path.abspath(args.output) == os.path.abspath(args.model):
            parser.exit(2, f"iijdesk: error: -o {args.output}: is the model itself; the model is "
                           f"never overwritten, name a copy\n")
        if args.audit:
            problem = _output_problem(args.audit, args.force)
            if problem:
                parser.exit(2, f"iijdesk: error: {problem.replace('-o ', '--audit ', 1)}\n")
    problem = _output_problem(args.output, args.force)     # before any file is read
    if problem:
        parser.exit(2, f"iijdesk: error: {problem}\n")
    return args.func(args)


def _no_display() -> bool:
    """Linux/BSD with no X or Wayland display and no Qt platform chosen: Qt would abort."""
    if not sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return False
    env = os.environ
    return not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY") or env.get("QT_QPA_PLATFORM"))


def _gui(argv: list[str], parser: argparse.ArgumentParser) -> int:
    if _no_display():
        parser.exit(2, "iijdesk: error: no display to open the window on (DISPLAY and "
                       "WAYLAND_DISPLAY are not set). Use a command (extract, check, export), "
                       "run under xvfb-run, or set QT_QPA_PLATFORM=offscreen.\n")
    try:
        from iijdesk.gui.app import run_app
    except ImportError as e:
        print(f"iijdesk: the window needs PySide6 ({e}); the command line works without it.",
              file=sys.stderr)
        return 2
    return run_app(argv)
