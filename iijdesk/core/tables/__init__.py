"""Document -> tables. `find_tables` segments the lines into tables (finder.py); the columns are
resolved (resolve.py) and the facts emitted (emit.py)."""
from __future__ import annotations

from iijdesk.core.tables.finder import find_tables

__all__ = ["find_tables"]
