"""Tables -> facts frame."""
from __future__ import annotations

from iijdesk.core import facts as F


def facts_from_tables(doc, tables):
    return F.empty_facts()
