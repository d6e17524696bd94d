"""A workspace of many releases: per-stage cost and peak memory at N = 10, 100, 1,000.

    .venv/bin/python benchmarks/bench_scale.py [--n 10 100 1000] [--no-export] [--keep DIR]

The N releases are the sample releases (tests/data/releases) copied with perturbed figures
and distinct names: copy k belongs to coverage company k // 5 (the company name the release
prints most often is replaced by "Coverage Kxx Inc."), so the workspace holds N / 5 companies
of five releases each, as an analyst's coverage list does; in every copy PERTURBED_NUMBERS
figures get one digit changed (a few findings per release, like real damage).

Each N runs in a fresh child process (its peak memory is its own) and reports, in CPU
seconds of that process (the wall time grows when other work shares the cores):
  read     load every file (iijdesk.core.ingest.load)
  tables   find and resolve the tables (find_tables)
  facts    turn the tables into facts and add them to a workspace (facts_from_tables + commit)
  checks   every reconciliation over the whole workspace (Workspace.recheck_all)
  export   the Excel workbook (export_workbook), skipped with --no-export
and the peak resident memory. Then, with the N releases loaded and checked:
  add      importing ADDED_RELEASES more (one more company) with their checks, per release
           (Workspace.add_files: what the window does when the analyst drops the next ones)
  edit     one edit and its re-check, median of EDITS (Workspace.apply_edit, core only)
Then, between the two largest N: the marginal extract + check
cost per release (target <= 20 ms at 1,000) and the growth (cost at 1,000 over cost at 100,
target <= 11x, which is linear plus 10%).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

RELEASES = sorted((ROOT / "tests" / "data" / "releases").glob("*.txt"))
RELEASES_PER_COMPANY = 5
PERTURBED_NUMBERS = 3            # figures per copy with one digit changed
PERTURB_MIN_DIGITS = 3           # only figures of at least this many digits are changed
SEED = 15
ADDED_RELEASES = RELEASES_PER_COMPANY
EDITS = 21
TARGET_MARGINAL_MS = 20.0
TARGET_GROWTH = 11.0
STAGES = ("read", "tables", "facts", "checks", "export")
_FIGURE_RE = re.compile(r"(?<![\w.,])\d{1,3}(?:,\d{3})+(?![\w,])|(?<![\w.,])\d{%d,}(?![\w,])" % PERTURB_MIN_DIGITS)


def company_name(text: str) -> str | None:
    """The company name the release prints most often (as printed), or None."""
    from iijdesk.core.issuer import ISSUER_SCAN_CHARS, _NAME_RE

    names = Counter(m.group("name").strip() for m in _NAME_RE.finditer(text[:ISSUER_SCAN_CHARS]))
    return names.most_common(1)[0][0] if names else None


def company_code(g: int) -> str:
    """A name word for company number g ("Kaa", "Kab", ...): names are words, not numbers."""
    return "K" + chr(ord("a") + g // 26 % 26) + chr(ord("a") + g % 26)


def perturbed(text: str, rng: random.Random) -> str:
    figures = list(_FIGURE_RE.finditer(text))
    chosen = sorted(rng.sample(figures, min(PERTURBED_NUMBERS, len(figures))), key=lambda m: m.start())
    out, at = [], 0
    for m in chosen:
        s = m.group()
        digits = [i for i, ch in enumerate(s) if ch.isdigit()]
        i = rng.choice(digits[1:] or digits)
        new = str((int(s[i]) + rng.randint(1, 9)) % 10)
        out += [text[at:m.start()], s[:i], new, s[i + 1:]]
        at = m.end()
    out.append(text[at:])
    return "".join(out)


def build(n: int, folder: Path) -> list[Path]:
    rng = random.Random(SEED)
    sources = [(p, p.read_bytes()) for p in RELEASES]
    paths = []
    for k in range(n):
        src, raw = sources[k % len(sources)]
        enc = "utf-8"
        try:
            text = raw.decode(enc)
        except UnicodeDecodeError:
            enc = "cp932"
            text = raw.decode(enc, errors="replace")
        name = company_name(text)
        if name:
            text = text.replace(name, f"Coverage {company_code(k // RELEASES_PER_COMPANY)} Inc.")
        text = perturbed(text, rng)
        p = folder / f"c{k // RELEASES_PER_COMPANY:03d}_{k:04d}_{src.name}"
        p.write_bytes(text.encode(enc, errors="replace"))
        paths.append(p)
    return paths


def run_one(n: int, export: bool) -> dict:
    """In this (child) process: build N releases, time each stage, return the numbers."""
    from iijdesk.core.extract import _without_overlong_lines
    from iijdesk.core.ingest import load
    from iijdesk.core.issuer import issuer_of
    from iijdesk.core.tables import find_tables
    from iijdesk.core.tables.emit import facts_from_tables
    from iijdesk.core.workspace import ImportResult, Workspace, document_identity

    cpu = dict.fromkeys(STAGES, 0.0)
    with tempfile.TemporaryDirectory() as tmp:
        paths = build(n + ADDED_RELEASES, Path(tmp))
        paths, added = paths[:n], paths[n:]
        ws = Workspace()
        ws.settle_memory = True          # as the command line runs it
        for p in paths:
            c = time.process_time()
            doc = load(p)
            c1 = time.process_time()
            doc.name = ws._unique_name(doc, document_identity(doc))
            readable = _without_overlong_lines(doc)
            tables = find_tables(readable)
            c2 = time.process_time()
            found = facts_from_tables(readable, tables)
            ws._commit(doc, found, ImportResult(doc.name, str(p), True))
            c3 = time.process_time()
            cpu["read"] += c1 - c
            cpu["tables"] += c2 - c1
            cpu["facts"] += c3 - c2
        facts = len(ws.facts)
        c = time.process_time()
        ws.recheck_all()
        cpu["checks"] = time.process_time() - c
        c = time.process_time()
        ws.add_files(added)
        add_ms = 1000 * (time.process_time() - c) / len(added)
        edit_ms = edit_latency(ws)
        if export:
            from iijdesk.core.export import export_workbook
            c = time.process_time()
            export_workbook(ws, os.path.join(tmp, "out.xlsx"))
            cpu["export"] = time.process_time() - c
        issuers = len({issuer_of(d.text) for d in ws.documents.values()})
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"n": n, "docs": len(ws.documents), "facts": facts, "findings": len(ws.findings),
            "issuers": issuers, "cpu": cpu, "peak_mb": peak_mb, "notes": ws.check_notes,
            "add_ms": add_ms, "edit_ms": edit_ms}


def edit_latency(ws) -> float:
    """Median ms of an edit and its re-check (then undone), over EDITS facts spread over
    the workspace."""
    import statistics

    facts = ws.facts
    picks = facts.index[:: max(1, len(facts) // EDITS)][:EDITS]
    times = []
    for fid in picks:
        v = facts.at[fid, "value"]
        if v != v:              # NaN: nothing to edit
            continue
        t = time.perf_counter()
        e = ws.apply_edit(fid, float(v) + 1)
        times.append(time.perf_counter() - t)
        ws.revert_edit(e)
    return 1000 * statistics.median(times) if times else float("nan")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, nargs="+", default=[10, 100, 1000])
    ap.add_argument("--no-export", action="store_true", help="skip the Excel export stage")
    ap.add_argument("--child", type=int, help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.child:
        print(json.dumps(run_one(a.child, not a.no_export)))
        return 0
    results = []
    print(f"{'N':>6} {'facts':>9} {'finds':>7} " + " ".join(f"{s:>8}" for s in STAGES)
          + f" {'ext+chk':>8} {'/release':>9} {'peak MB':>8}")
    for n in a.n:
        cmd = [sys.executable, __file__, "--child", str(n)] + (["--no-export"] if a.no_export else [])
        out = subprocess.run(cmd, capture_output=True, text=True)
        if out.returncode:
            print(f"{n:>6} failed:\n{out.stderr[-2000:]}")
            return 1
        r = json.loads(out.stdout.strip().splitlines()[-1])
        cpu = r["cpu"]
        ec = cpu["read"] + cpu["tables"] + cpu["facts"] + cpu["checks"]
        r["extract_check"] = ec
        results.append(r)
        print(f"{n:>6} {r['facts']:>9,} {r['findings']:>7,} " + " ".join(f"{cpu[s]:>7.2f}s" for s in STAGES)
              + f" {ec:>7.2f}s {1000 * ec / n:>7.1f}ms {r['peak_mb']:>8.0f}"
              + (f"   ({r['issuers']} companies)" if r["issuers"] else ""))
        print(f"       with {n} loaded: add {r['add_ms']:.0f} ms per release (import + its checks), "
              f"edit + re-check {r['edit_ms']:.1f} ms (median)")
        for note in r["notes"]:
            print(f"       note: {note}")
    if len(results) >= 2:
        lo, hi = results[-2], results[-1]
        marginal = 1000 * (hi["extract_check"] - lo["extract_check"]) / (hi["n"] - lo["n"])
        growth = hi["extract_check"] / lo["extract_check"]
        ideal = hi["n"] / lo["n"]
        ok = "met" if marginal <= TARGET_MARGINAL_MS else "NOT met"
        print(f"marginal extract + check, N {lo['n']} -> {hi['n']}: {marginal:.1f} ms per release "
              f"(target <= {TARGET_MARGINAL_MS:g} ms: {ok})")
        ok = "met" if growth <= TARGET_GROWTH * ideal / 10 else "NOT met"
        print(f"growth: extract + check at {hi['n']} is {growth:.1f}x the cost at {lo['n']} "
              f"(linear: {ideal:g}x; target <= {TARGET_GROWTH * ideal / 10:g}x: {ok})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
