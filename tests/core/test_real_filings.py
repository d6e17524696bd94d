"""Real filings of other companies (tests/data/real: four 10-Qs with gold from their own inline
XBRL, and an 8-K press release): extraction scored the way ../shared/eval/score_real.py does."""
from __future__ import annotations

import re
import subprocess
import sys

import pandas as pd
import pytest

from iijdesk.core import facts as F
from iijdesk.core.extract import extract_document
from iijdesk.core.ingest import load
from tests.conftest import DATA

REAL = DATA / "real"
FILINGS = sorted(REAL.glob("*_10q_*.html"))
PRESS_RELEASE = REAL / "buckle_8k_ex99_1_2024q3.html"
# Measured recall minus a margin; raise it when the reading gets better.
RECALL_FLOOR = 0.978
UNIT_WRONG_MAX = 0.005          # over the four filings
UNIT_WRONG_MAX_PER_FILING = 0.01


@pytest.fixture(scope="module")
def scored(tmp_path_factory):
    out = tmp_path_factory.mktemp("real") / "facts.csv"
    frames = [extract_document(load(p)) for p in FILINGS]
    F.to_csv(F.normalise(pd.concat(frames, ignore_index=True)), out)
    r = subprocess.run([sys.executable, str(DATA / "score_real.py"), "--gold", str(REAL), "--facts", str(out)],
                       capture_output=True, text=True, check=True)
    return r.stdout


def test_every_filing_is_read_with_its_periods_and_units(scored):
    lines = {m.group(1): m for m in re.finditer(
        r"^(\w+): recall ([\d.]+) \((\d+)/(\d+)\), value-only (\d+), sign (\d+), unit (\d+)", scored, re.M)}
    assert len(lines) == len(FILINGS), scored
    for name, m in lines.items():
        recall, n, unit = float(m.group(2)), int(m.group(4)), int(m.group(7))
        assert recall >= RECALL_FLOOR, f"{name}: {m.group(0)}"
        assert unit / n <= UNIT_WRONG_MAX_PER_FILING, f"{name}: {m.group(0)}"
    total = re.search(r"^real facts: recall ([\d.]+) .*unit ([\d.]+)$", scored, re.M)
    assert float(total.group(2)) <= UNIT_WRONG_MAX, total.group(0)


def test_the_press_release_has_its_week_periods_in_dollars_and_no_letterhead():
    df = extract_document(load(PRESS_RELEASE))
    assert len(df) > 100
    # every number of its tables: a 13- or 39-week period (3 or 9 months) or a balance
    assert set(df["period_months"].dropna().astype(int)) <= {0, 3, 9}
    assert df["period_end"].astype(bool).all()
    flows = df[df["period_months"] > 0]
    assert set(flows["period_end"]) == {"2024-11-02", "2023-10-28"}
    assert set(df["unit"]) <= {"USD", "USD_per_share", "shares", "percent"}
    sales = df[df["row_label"].str.startswith("SALES", na=False)]
    assert {(r.printed, int(r.period_months)) for r in sales.itertuples()} >= {("$293,618", 3), ("$838,490", 9)}
    # the letterhead (address, phone, fax, ZIP+4) gives no fact
    head = df[df["line"] < 15]
    assert head.empty, head[["line", "printed"]]
    assert not set(df["printed"]) & {"(308)", "308", "236", "-8491", "-4493", "-1480", "68848"}
