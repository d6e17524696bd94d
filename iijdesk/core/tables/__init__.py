"""Document -> tables. See model.py for Table; detectors live one per module."""
from __future__ import annotations

from iijdesk.core.document import Document


def find_tables(doc: Document) -> list:
    return []
