"""`iijdesk --selftest`: a headless smoke test of an installed or frozen app.

Imports the small release bundled in resources/sample, checks the extracted facts against the
expectations stored next to it, reconciles, exports a workbook to a temporary folder and
prints one line per step. No window is opened. Exit status: 0 when every step passed,
1 when a step failed, 2 when a part of the app is missing (not installed / not bundled).

The summary is also written to <temp>/iijdesk-selftest.log, because a windowed build on
Windows or macOS has no console to print to.
"""
from __future__ import annotations

import json
import math
import os
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, TextIO

from iijdesk import __version__

SAMPLE_DIR = "sample"
EXPECTED_SUFFIX = ".expected.json"
LOG_NAME = "iijdesk-selftest.log"
# Relative tolerance when comparing an expected figure with the extracted one.
VALUE_REL_TOL = 1e-9

# WARN marks something worth a look that does not make the bundle unusable (exit code 0).
PASS, FAIL, MISSING, INFO, WARN = "ok", "FAIL", "MISSING", "info", "warn"


def resource_dir() -> Path:
    """Where resources/ is: IIJDESK_RESOURCES, the PyInstaller bundle, or the source tree."""
    env = os.environ.get("IIJDESK_RESOURCES")
    if env:
        return Path(env)
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


@dataclass
class Step:
    name: str
    status: str
    detail: str
    seconds: float = 0.0


@dataclass
class Report:
    steps: list[Step] = field(default_factory=list)

    def add(self, name: str, status: str, detail: str, seconds: float = 0.0) -> Step:
        s = Step(name, status, detail, seconds)
        self.steps.append(s)
        return s

    @property
    def exit_code(self) -> int:
        statuses = {s.status for s in self.steps}
        if FAIL in statuses:
            return 1
        if MISSING in statuses:
            return 2
        return 0

    def lines(self) -> list[str]:
        out = [f"iijdesk {__version__} selftest ({'frozen' if getattr(sys, 'frozen', False) else 'source'},"
               f" Python {sys.version.split()[0]}, {sys.platform})"]
        for s in self.steps:
            t = f" [{s.seconds:.2f}s]" if s.seconds else ""
            out.append(f"  {s.status:<7} {s.name:<10} {s.detail}{t}")
        verdict = {0: "PASSED", 1: "FAILED", 2: "INCOMPLETE (a part of the app is missing)"}
        out.append(f"selftest {verdict[self.exit_code]}")
        return out


def _timed(fn: Callable):
    t0 = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - t0


def _missing_part(e: ImportError) -> str:
    name = getattr(e, "name", None) or str(e)
    return f"{name} is not available ({e})"


def run_selftest(stream: TextIO | None = None, keep: bool | None = None) -> int:
    """Run every step, print the summary, return the exit status (0 passed)."""
    if keep is None:
        keep = os.environ.get("IIJDESK_SELFTEST_KEEP", "") not in ("", "0")
    report = Report()
    outdir = Path(tempfile.mkdtemp(prefix="iijdesk-selftest-"))
    try:
        _run(report, outdir)
    except Exception as e:  # a bug in the selftest itself must still produce a report
        report.add("selftest", FAIL, f"unexpected {type(e).__name__}: {e}")
    finally:
        if keep:
            report.add("output", INFO, f"kept in {outdir}")
        else:
            _rmtree(outdir)
    _emit(report.lines(), stream)
    return report.exit_code


def _run(report: Report, outdir: Path) -> None:
    res = resource_dir()
    samples = sorted((res / SAMPLE_DIR).glob("*.txt"))
    if not samples:
        report.add("resources", MISSING, f"no sample release in {res / SAMPLE_DIR}")
        return
    report.add("resources", PASS, f"{len(samples)} sample release(s) in {res}")

    # 1. import the sample into a workspace (ingest + table extraction + reconciliation)
    try:
        from iijdesk.core.workspace import Workspace
    except ImportError as e:
        report.add("import", MISSING, _missing_part(e))
        return
    ws = Workspace()
    results, secs = _timed(lambda: ws.add_files([str(p) for p in samples]))
    bad = [r for r in results if not r.ok]
    n_tables = ws.facts["table_id"].nunique() if len(ws.facts) else 0
    if bad:
        report.add("import", FAIL, "; ".join(r.message for r in bad), secs)
    else:
        report.add("import", PASS, f"{len(ws.facts)} facts in {n_tables} tables from "
                                   f"{len(results)} file(s)", secs)

    # 2. the extracted facts hold the figures the sample is known to print
    for sample in samples:
        _check_expected(report, ws, sample)

    # 3. reconciliation ran; a sample whose figures all agree should raise no finding
    f = ws.findings
    kinds = f["kind"].value_counts().to_dict() if len(f) else {}
    detail = f"{len(f)} finding(s)" + (f" {kinds}" if kinds else "")
    limit = max((_expected(p).get("max_findings", -1) for p in samples), default=-1)
    if 0 <= limit < len(f):
        first = str(f.iloc[0].get("message", ""))[:120]
        report.add("check", WARN, f"{detail}; the sample expects at most {limit}: {first}")
    else:
        report.add("check", PASS, detail)

    # 4. export a workbook and verify it is a readable xlsx
    try:
        from iijdesk.core.export import export_workbook
    except ImportError as e:
        report.add("export", MISSING, _missing_part(e))
    else:
        path = outdir / "selftest.xlsx"
        try:
            _, secs = _timed(lambda: export_workbook(ws, str(path), overwrite=True))
            sheets = _xlsx_sheets(path)
            report.add("export", PASS, f"{path.name}: {path.stat().st_size:,} bytes, "
                                       f"sheets {', '.join(sheets)}", secs)
        except Exception as e:
            report.add("export", FAIL, f"{type(e).__name__}: {e}")

    # 5. the workspace survives a save and an open
    _check_workspace_file(report, ws, outdir)

    # 6. the PDF reader's native library is bundled and reads a text layer
    _check_pdf(report)

    # 7. the window's code is importable (no window is created)
    _check_gui(report)


def _expected(sample: Path) -> dict:
    """The expectations stored next to a sample ({} when there are none)."""
    path = sample.with_suffix(EXPECTED_SUFFIX)
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def _check_expected(report: Report, ws, sample: Path) -> None:
    spec = _expected(sample)
    if not spec:
        return
    facts = ws.facts[ws.facts["doc"] == sample.name]
    problems = []
    n_tables = facts["table_id"].nunique() if len(facts) else 0
    if n_tables < spec.get("min_tables", 0):
        problems.append(f"{n_tables} tables < {spec['min_tables']}")
    if len(facts) < spec.get("min_facts", 0):
        problems.append(f"{len(facts)} facts < {spec['min_facts']}")
    found = 0
    for want in spec.get("facts", []):
        hit = _find_fact(facts, want)
        if hit:
            found += 1
        else:
            problems.append(f"no fact {want['row_label']!r} {want.get('period_end', '')} = "
                            f"{want['value']:,}")
    total = len(spec.get("facts", []))
    if problems:
        shown = "; ".join(problems[:4]) + (f"; +{len(problems) - 4} more" if len(problems) > 4 else "")
        report.add("facts", FAIL, f"{sample.name}: {found}/{total} key figures; {shown}")
    else:
        report.add("facts", PASS, f"{sample.name}: {found}/{total} key figures, "
                                  f"{n_tables} tables, {len(facts)} facts")


def _find_fact(facts, want: dict) -> bool:
    if not len(facts):
        return False
    label = want["row_label"].strip().lower()
    rows = facts[facts["row_label"].str.strip().str.lower() == label]
    if "period_end" in want:
        rows = rows[rows["period_end"] == want["period_end"]]
    for v in rows["value"]:
        if v == v and math.isclose(float(v), float(want["value"]), rel_tol=VALUE_REL_TOL):
            return True
    return False


def _xlsx_sheets(path: Path) -> list[str]:
    """Sheet names of an xlsx, read from its XML (so the check needs no xlsx reader)."""
    import re

    with zipfile.ZipFile(path) as z:
        bad = z.testzip()
        if bad:
            raise ValueError(f"corrupt member {bad}")
        xml = z.read("xl/workbook.xml").decode("utf-8")
    names = re.findall(r'<sheet [^>]*name="([^"]+)"', xml)
    if not names:
        raise ValueError("the workbook has no sheet")
    return names


def _check_workspace_file(report: Report, ws, outdir: Path) -> None:
    try:
        from iijdesk.core.workspace_io import load_workspace, save_workspace
    except ImportError as e:
        report.add("save", MISSING, _missing_part(e))
        return
    path = outdir / "selftest.iijdesk"
    try:
        def roundtrip():
            save_workspace(ws, str(path))
            return load_workspace(str(path))
        back, secs = _timed(roundtrip)
    except Exception as e:
        report.add("save", FAIL, f"save/open raised {type(e).__name__}: {e}")
        return
    same = (len(back.facts) == len(ws.facts) and sorted(back.documents) == sorted(ws.documents)
            and back.facts["value"].fillna(0).tolist() == ws.facts["value"].fillna(0).tolist())
    if same:
        report.add("save", PASS, f"{path.name}: {path.stat().st_size:,} bytes, "
                                 f"{len(back.facts)} facts back", secs)
    else:
        report.add("save", FAIL, f"{path.name} opened with {len(back.facts)} facts, "
                                 f"{len(back.documents)} release(s); saved {len(ws.facts)}, "
                                 f"{len(ws.documents)}", secs)


# Lines written into the generated PDF and read back through the PDF reader.
PDF_PROBE_LINES = ("Selftest PDF probe", "Revenues 1,234 5,678")


def minimal_pdf(lines: tuple[str, ...] = PDF_PROBE_LINES) -> bytes:
    """A one-page PDF with `lines` in Helvetica: enough for a text layer, no library needed."""
    def esc(t: str) -> str:
        return t.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    ops = ["BT", "/F1 12 Tf", "14 TL", "72 720 Td"]
    for line in lines:
        ops += [f"({esc(line)}) Tj", "T*"]
    ops.append("ET")
    stream = "\n".join(ops).encode("latin-1")
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def _check_pdf(report: Report) -> None:
    frozen = getattr(sys, "frozen", False)
    try:
        from iijdesk.core.ingest import load_bytes
        import pypdfium2  # noqa: F401  (its native library loads on import)
    except ImportError as e:
        report.add("pdf", MISSING if frozen else INFO, f"PDF import unavailable: {_missing_part(e)}")
        return
    try:
        doc, secs = _timed(lambda: load_bytes("selftest.pdf", minimal_pdf()))
    except Exception as e:
        report.add("pdf", FAIL, f"reading a generated PDF raised {type(e).__name__}: {e}")
        return
    text = " ".join(doc.text.split())
    missing = [line for line in PDF_PROBE_LINES if " ".join(line.split()) not in text]
    if missing:
        report.add("pdf", FAIL, f"text layer read back without {missing!r}: {text[:80]!r}", secs)
    else:
        report.add("pdf", PASS, f"pypdfium2 read {len(doc.lines)} line(s) from a generated PDF", secs)


def _check_gui(report: Report) -> None:
    frozen = getattr(sys, "frozen", False)
    try:
        import PySide6
        from PySide6 import QtWidgets  # noqa: F401
    except ImportError as e:
        # A CLI-only install has no Qt; a built binary must have it.
        report.add("gui", MISSING if frozen else INFO,
                   f"PySide6 not available ({e}); " + ("the bundle is incomplete" if frozen
                                                      else "the window needs it"))
        return
    try:
        from iijdesk.gui.app import run_app  # noqa: F401
    except ImportError as e:
        report.add("gui", MISSING, f"Qt {PySide6.__version__} ok; iijdesk.gui.app: {_missing_part(e)}")
        return
    except Exception as e:
        report.add("gui", FAIL, f"importing iijdesk.gui.app raised {type(e).__name__}: {e}")
        return
    report.add("gui", PASS, f"PySide6 {PySide6.__version__}, iijdesk.gui.app importable")


def _emit(lines: list[str], stream: TextIO | None) -> None:
    text = "\n".join(lines) + "\n"
    out = stream if stream is not None else sys.stdout
    if out is not None:  # None in a windowed build on Windows
        try:
            out.write(text)
            out.flush()
        except (OSError, ValueError):
            pass
    try:
        Path(tempfile.gettempdir(), LOG_NAME).write_text(text, encoding="utf-8")
    except OSError:
        pass


def _rmtree(path: Path) -> None:
    import shutil

    shutil.rmtree(path, ignore_errors=True)
