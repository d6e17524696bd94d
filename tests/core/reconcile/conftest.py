"""Shared inputs for the reconciliation tests: the five real releases, their documents, the
hand-verified gold facts and the extractor's facts, each checked once per session."""
from __future__ import annotations

import glob

import pandas as pd
import pytest

from iijdesk.core import facts as F
from iijdesk.core.ingest import load
from iijdesk.core.reconcile import Engine
from tests.conftest import GOLD, RELEASES


@pytest.fixture(scope="session")
def documents():
    return {d.name: d for d in (load(p) for p in RELEASES)}


@pytest.fixture(scope="session")
def gold_facts():
    return F.read_many(sorted(glob.glob(str(GOLD / "*.facts.csv"))))


@pytest.fixture(scope="session")
def gold_findings(gold_facts, documents):
    return Engine(gold_facts, documents=documents).run()


@pytest.fixture(scope="session")
def extracted_facts():
    from iijdesk.core.extract import extract_files
    return extract_files(RELEASES)


@pytest.fixture(scope="session")
def extracted_findings(extracted_facts, documents):
    return Engine(extracted_facts, documents=documents).run()


def at(findings: pd.DataFrame, doc: str, line: int, kind: str | None = None,
       rule: str | None = None) -> pd.DataFrame:
    """Findings against release `doc` (name prefix) naming `line`."""
    f = findings[findings["doc"].str.startswith(doc)]
    f = f[f["lines"].map(lambda s: str(line) in s.split(";"))]
    if kind:
        f = f[f["kind"] == kind]
    if rule:
        f = f[f["rule"] == rule]
    return f
