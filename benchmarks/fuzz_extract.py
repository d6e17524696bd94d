"""Fuzz the extraction core with mutated real release text; report how many inputs ran and how
many raised.

    nice .venv/bin/python benchmarks/fuzz_extract.py --count 1000000 [--seed 1] [--batch 100]

An input is a snippet of a real release (1-15 lines by default, biased to tables) with 1-4 mutations:
byte flips, column shuffles, random numbers and years, inserted period headers, truncated
lines and blocks, odd characters (full-width digits, bidi marks, NUL), whitespace changes,
duplicated/dropped/swapped lines, huge lines; a few are pure noise. Extraction has a fixed
cost per document, so inputs are batched: `--batch` inputs joined by blank lines make one
document; every `--single-every`-th input also runs alone as its own document, and every
`--bytes-every`-th goes in as bytes through ingest (load_bytes) first. When a batch raises,
it is halved until each failing input is written to --crash-dir with its
traceback. Contract checks (a fact's line exists, its printed text is at its span) are
counted separately. Exit status 1 if anything raised.
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from iijdesk.core.document import Document, NotAReleaseError  # noqa: E402
from iijdesk.core.extract import extract_document  # noqa: E402
from iijdesk.core.facts import FACT_COLUMNS  # noqa: E402
from iijdesk.core.ingest import load_bytes  # noqa: E402
from tests.fuzz.mutations import fuzz_input, release_lines  # noqa: E402


def check_contract(doc: Document, facts) -> str:
    """"" when the facts keep the contract, else what is wrong (first problem only)."""
    if list(facts.columns[: len(FACT_COLUMNS)]) != FACT_COLUMNS:
        return f"columns {list(facts.columns)[:5]}... differ from the contract"
    n = len(doc.lines)
    for line, s, e, printed in zip(facts["line"], facts["start"], facts["end"], facts["printed"]):
        if line is None or line != line or not 1 <= int(line) <= n:
            return f"line {line} outside 1..{n}"
        if any(v is None or v != v for v in (s, e)):
            continue
        got = doc.lines[int(line) - 1][int(s):int(e)]
        if got != printed:
            return f"line {line}: printed {printed!r} but the span [{s}:{e}] holds {got!r}"
    return ""


class Run:
    def __init__(self, args):
        self.args = args
        self.crash_dir = Path(args.crash_dir)
        self.inputs = self.docs = self.facts = self.exceptions = self.violations = 0
        self.refused = 0
        self.kinds: dict[str, int] = {}

    def extract(self, name: str, text: str) -> tuple[BaseException | None, str]:
        doc = Document.from_text(name, text)
        try:
            facts = extract_document(doc)
        except RecursionError as e:
            return e, traceback.format_exc()
        except Exception as e:
            return e, traceback.format_exc()
        self.docs += 1
        self.facts += len(facts)
        problem = check_contract(doc, facts)
        if problem:
            self.violations += 1
            if self.violations <= self.args.keep:
                self._save("contract", text, problem)
        return None, ""

    def extract_bytes(self, name: str, raw: bytes) -> None:
        try:
            doc = load_bytes(name, raw)
        except NotAReleaseError:
            self.refused += 1          # a clear refusal is the right answer for some bytes
            return
        except Exception:
            self._fail(raw.decode("utf-8", "replace"), traceback.format_exc(), "ingest")
            return
        try:
            extract_document(doc)
            self.docs += 1
        except Exception:
            self._fail(doc.text, traceback.format_exc(), "extract_after_ingest")

    def batch(self, k: int, texts: list[str]) -> None:
        err, tb = self.extract(f"fuzz_{k}.txt", "\n\n\n".join(texts))
        if err is not None:
            self._bisect(k, texts, tb)

    def _bisect(self, k: int, texts: list[str], tb: str) -> None:
        """Find the inputs that raise on their own by halving the failing batch."""
        if len(texts) == 1:
            self._fail(texts[0], tb, "single")
            return
        mid = len(texts) // 2
        found = False
        for half in (texts[:mid], texts[mid:]):
            err, tb1 = self.extract(f"fuzz_{k}_part.txt", "\n\n\n".join(half))
            if err is not None:
                found = True
                self._bisect(k, half, tb1)
        if not found:                  # fails only when the halves meet: keep it whole
            self._fail("\n\n\n".join(texts), tb, "batch")

    def _fail(self, text: str, tb: str, where: str) -> None:
        self.exceptions += 1
        last = tb.strip().splitlines()[-1] if tb.strip() else "?"
        self.kinds[last] = self.kinds.get(last, 0) + 1
        if self.exceptions <= self.args.keep:
            self._save(f"crash_{where}", text, tb)

    def _save(self, kind: str, text: str, why: str) -> None:
        self.crash_dir.mkdir(parents=True, exist_ok=True)
        stem = self.crash_dir / f"{kind}_{self.args.seed}_{self.inputs:08d}"
        stem.with_suffix(".txt").write_text(text, encoding="utf-8", errors="surrogatepass")
        stem.with_suffix(".why").write_text(why, encoding="utf-8")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--count", type=int, default=1_000_000, help="inputs to run")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--batch", type=int, default=30, help="inputs per document")
    ap.add_argument("--single-every", type=int, default=200, help="also run every Nth alone")
    ap.add_argument("--bytes-every", type=int, default=500,
                    help="also feed every Nth through ingest as bytes")
    ap.add_argument("--max-lines", type=int, default=15, help="longest snippet, in lines")
    ap.add_argument("--crash-dir", default=os.path.join(tempfile.gettempdir(), "iijdesk_fuzz_crashes"))
    ap.add_argument("--keep", type=int, default=50, help="failing inputs to write out")
    ap.add_argument("--report-every", type=float, default=60.0, help="seconds between lines")
    ap.add_argument("--max-seconds", type=float, default=0, help="stop early (0: no limit)")
    args = ap.parse_args(argv)

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 3000))
    rnd = random.Random(args.seed)
    corpus = release_lines()
    run = Run(args)
    t0 = last = time.perf_counter()
    k = 0
    while run.inputs < args.count:
        n = min(args.batch, args.count - run.inputs)
        texts = [fuzz_input(rnd, corpus, args.max_lines) for _ in range(n)]
        run.batch(k, texts)
        for j, t in enumerate(texts):
            i = run.inputs + j
            if args.single_every and i % args.single_every == 0:
                err, tb = run.extract(f"single_{i}.txt", t)
                if err is not None:
                    run._fail(t, tb, "single")
            if args.bytes_every and i % args.bytes_every == 0:
                raw = t.encode(rnd.choice(["utf-8", "utf-16", "cp1252", "shift_jis", "latin-1"]),
                               errors="replace") if rnd.random() < 0.8 else \
                    bytes(rnd.randrange(256) for _ in range(rnd.randrange(2000)))
                run.extract_bytes(f"bytes_{i}.txt", raw)
        run.inputs += n
        k += 1
        now = time.perf_counter()
        if now - last >= args.report_every:
            last = now
            print(f"{run.inputs:>9,} inputs  {run.docs:>7,} documents  {run.facts:>10,} facts  "
                  f"{run.exceptions} exceptions  {run.violations} contract  "
                  f"{now - t0:8.0f} s  {run.inputs / (now - t0):,.0f} inputs/s", flush=True)
        if args.max_seconds and now - t0 > args.max_seconds:
            break
    dt = time.perf_counter() - t0
    print(f"done: {run.inputs:,} inputs in {run.docs:,} documents ({run.refused:,} byte inputs "
          f"refused by ingest with a message), {run.facts:,} facts, {dt:,.0f} s "
          f"({run.inputs / dt:,.0f} inputs/s); unhandled exceptions: {run.exceptions}; "
          f"contract violations: {run.violations}")
    for what, c in sorted(run.kinds.items(), key=lambda x: -x[1]):
        print(f"  {c:>6} x {what}")
    if run.exceptions or run.violations:
        print(f"failing inputs written to {run.crash_dir}")
    return 1 if run.exceptions else 0


if __name__ == "__main__":
    sys.exit(main())
