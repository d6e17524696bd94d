"""Test set-up: Qt offscreen before any QApplication exists; paths to the real releases."""
import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

DATA = Path(__file__).parent / "data"
RELEASES = sorted((DATA / "releases").glob("*.txt"))
GOLD = DATA / "gold"


def release(prefix: str) -> Path:
    """The sample release whose file name starts with `prefix` ("000" ... "004")."""
    return next(p for p in RELEASES if p.name.startswith(prefix))


@pytest.fixture(scope="session")
def releases():
    return RELEASES
