"""Property tests of the table finder through the extraction core:
`extract_document(Document.from_text(name, text))` never raises, and what it returns keeps the
facts contract (every fact's line exists and its printed text stands at its span)."""
from __future__ import annotations

import random

import pandas as pd
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from iijdesk.core.document import Document
from iijdesk.core.extract import extract_document
from iijdesk.core.facts import FACT_COLUMNS
from tests.fuzz.mutations import MUTATIONS, fuzz_input, mutate, release_lines, snippet

CORPUS = release_lines()
FUZZ = settings(max_examples=120, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def extract(text: str, name: str = "fuzz.txt") -> pd.DataFrame:
    doc = Document.from_text(name, text)
    facts = extract_document(doc)
    assert list(facts.columns[: len(FACT_COLUMNS)]) == FACT_COLUMNS
    assert (facts["doc"] == name).all()
    for line, s, e, printed in zip(facts["line"], facts["start"], facts["end"], facts["printed"]):
        assert 1 <= int(line) <= len(doc.lines)
        if not (pd.isna(s) or pd.isna(e)):
            assert doc.lines[int(line) - 1][int(s):int(e)] == printed
    return facts


# Inputs that once raised (found by benchmarks/fuzz_extract.py): kept as regression examples.
IMPOSSIBLE_DATE = "Three months ended June 31, 2010\nRevenue\t1,000\t2,000"
LONG_NUMBER_ROW = " OPERATING INCOME       " + "9" * 180
IMPOSSIBLE_FY_END = "Results for the fiscal year ended June 31, 2009\nFY2009\nRevenue\t1,000\t2,000"
# a flattened summary table: the fact's printed text was "(4.9)" but its span held "4.9"
FLATTENED_SPAN = (
    "(1) Consolidated Results of Operations (% shown is YoY change) Income before Income Net "
    "Income **Total Revenues Operating Income** Tax Expense (Benefit) attributable to IIJ % % JPY "
    "millions JPY millions JPY millions % JPY millions % Nine months ended 48,313 (4.9)2,007 43.6 "
    "219.8 8.8 1,783 1,133 December 31, 2009 Nine months ended 50,789 5.0 1,844 (37.5)1,242 "
    "(54.2)354 (91.3)December 31, 2008\nATM operation business\t(459,262)\t(300,582)")
ZERO_DAY_FY_END = "Results for the fiscal year ended June 0, 2009\nFY2009\tFY2010\nRevenue\t1,000\t2,000"
LEAP_DAY_FY_END = ("Results for the fiscal year ended February 29, 2008\nConsolidated Balance Sheets\n"
                   "\tMarch 31, 2009\tDecember 31, 2009\nCash\t1,000\t2,000\nTotal assets\t3,000\t4,000")
# flattened cells with a unit or currency glued on ("0.0Gbps", "JPY9,223"): printed text with a
# space the line does not have, and a span at 0
FLATTENED_GLUED_UNITS = (
    "Accounts Receivable\t9,635\t11,397\t(1,761)\t\u27a4 Decreased in connection to the decrease"
    " in on-going SI Projects\n9,223,372,036,854,775,8080000000000000000000000 Consolidated Results"
    " of Operations (% shown is YoY change) Income before Income Net Income **Total Revenues"
    " Operating Income** Tax Expense (Benefit) attributable to IIJ % % JPY millions JPY millions"
    " JPY millions % JPY millions % Nine months ended (-557681.3%) ((7))0.0Gbps 0.12345 219.8"
    " 1,000,000,000,000,000,000,000.0%% " + "9" * 400 + " 11 December 31, 2009 Nine months"
    " ended 50,789 (-12,345) 1,844 1012.6 %1,242 1,000,9223372036854775808 0December"
    " JPY9,223,372,036,854,775,808 4.9 %")
IMPOSSIBLE_BALANCE = "Statement of equity\nBALANCE, APRIL 31, 2007\t1,000\t2,000\nNet income\t5\t6"


@FUZZ
@example(IMPOSSIBLE_DATE)
@example(LONG_NUMBER_ROW)
@example(IMPOSSIBLE_FY_END)
@example(IMPOSSIBLE_BALANCE)
@example(FLATTENED_SPAN)
@example(ZERO_DAY_FY_END)
@example(LEAP_DAY_FY_END)
@example(FLATTENED_GLUED_UNITS)
@example("")
@example("\x00\x0c\r\r\n\t")
@example("(" * 3000)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400))
def test_any_text_is_extracted_without_an_exception(text):
    extract(text)


@st.composite
def mutated_release_text(draw):
    rnd = random.Random(draw(st.integers(0, 2**32 - 1)))
    return "\n".join(mutate(rnd, snippet(rnd, CORPUS)))


@FUZZ
@given(mutated_release_text())
def test_mutated_real_tables_are_extracted_without_an_exception(text):
    extract(text)


@FUZZ
@given(st.integers(0, 2**32 - 1))
def test_fuzz_inputs_of_every_kind(seed):
    extract(fuzz_input(random.Random(seed), CORPUS))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**32 - 1), st.integers(1, 5))
def test_blank_lines_above_only_shift_the_lines(seed, k):
    """Prepending blank lines moves every fact down by as many lines and changes nothing else."""
    rnd = random.Random(seed)
    text = "\n".join(snippet(rnd, CORPUS, max_lines=25))
    a = extract(text)
    b = extract("\n" * k + text)
    assert len(a) == len(b)
    assert list(b["line"]) == [x + k for x in a["line"]]
    for col in ("printed", "value", "row_label", "col_label", "period_end", "unit", "scale"):
        pd.testing.assert_series_equal(a[col].reset_index(drop=True),
                                       b[col].reset_index(drop=True), check_names=False)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**32 - 1))
def test_extraction_is_deterministic(seed):
    text = fuzz_input(random.Random(seed), CORPUS)
    pd.testing.assert_frame_equal(extract(text), extract(text))


def test_every_mutation_is_exercised():
    rnd = random.Random(5)
    for m in MUTATIONS:
        for _ in range(20):
            extract("\n".join(m(rnd, snippet(rnd, CORPUS))))
