"""Command line: `iijdesk extract|check|export FILE...`; no command opens the window."""
from __future__ import annotations

import argparse
import sys

from iijdesk import __version__

COMMANDS = ("extract", "check", "export")


def _load(paths: list[str]):
    from iijdesk.core.workspace import Workspace

    ws = Workspace()
    results = ws.add_files(paths)
    for r in results:
        if not r.ok:
            print(f"iijdesk: {r.message}", file=sys.stderr)
    return ws, results


def cmd_extract(args) -> int:
    from iijdesk.core import facts as F

    ws, results = _load(args.files)
    F.to_csv(ws.facts, args.output)
    ok = sum(r.ok for r in results)
    print(f"{len(ws.facts)} facts from {ok} of {len(results)} files -> {args.output}")
    return 0 if ok or not results else 1


def cmd_check(args) -> int:
    from iijdesk.core.reconcile.report import write_findings_csv

    ws, results = _load(args.files)
    write_findings_csv(ws.findings, ws.facts, args.output)
    print(f"{len(ws.findings)} findings from {sum(r.ok for r in results)} files -> {args.output}")
    return 0 if any(r.ok for r in results) or not results else 1


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


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="iijdesk", description=__doc__)
    p.add_argument("--version", action="version", version=f"iijdesk {__version__}")
    sub = p.add_subparsers(dest="cmd")
    e = sub.add_parser("extract", help="write every number of every table as facts CSV")
    e.add_argument("files", nargs="+")
    e.add_argument("-o", "--output", default="facts.csv")
    e.set_defaults(func=cmd_extract)
    c = sub.add_parser("check", help="reconcile the releases and write findings CSV")
    c.add_argument("files", nargs="+")
    c.add_argument("-o", "--output", default="findings.csv")
    c.set_defaults(func=cmd_check)
    x = sub.add_parser("export", help="write an Excel workbook with live formulas and findings")
    x.add_argument("files", nargs="+")
    x.add_argument("-o", "--output", default="iijdesk.xlsx")
    x.add_argument("-f", "--force", action="store_true", help="overwrite an existing workbook")
    x.set_defaults(func=cmd_export)
    return p


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0] not in COMMANDS and not argv[0].startswith("-")) or argv[0] == "--selftest":
        return _gui_or_selftest(argv)
    args = build_parser().parse_args(argv)
    if not getattr(args, "func", None):
        build_parser().print_help()
        return 2
    return args.func(args)


def _gui_or_selftest(argv: list[str]) -> int:
    if argv[:1] == ["--selftest"]:
        from iijdesk.selftest import run_selftest
        return run_selftest()
    try:
        from iijdesk.gui.app import run_app
    except ImportError as e:
        print(f"iijdesk: the window needs PySide6 ({e}); the command line works without it.",
              file=sys.stderr)
        return 2
    return run_app(argv)
