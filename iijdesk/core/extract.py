"""Document -> facts DataFrame: find every table, resolve its columns, emit one fact per number."""
from __future__ import annotations

import dataclasses
import gc
import itertools
import os
import re
from contextlib import contextmanager
from typing import Iterable

import pandas as pd

from iijdesk.core import facts as F
from iijdesk.core import limits as L
from iijdesk.core.document import Document
from iijdesk.core.ingest import load


@contextmanager
def _no_cyclic_gc():
    """Extraction allocates tens of thousands of small acyclic objects (tokens, cells, lines);
    the cyclic collector's passes over them cost ~8% and free nothing. Paused, then restored."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def extract_document(doc: Document, normalised: bool = True) -> pd.DataFrame:
    """All facts of one document (empty frame when it holds no table). Lines longer than
    MAX_TABLE_LINE_CHARS are not read for tables; `doc.notes` says which."""
    from iijdesk.core.tables import find_tables
    from iijdesk.core.tables.emit import facts_from_tables

    with _no_cyclic_gc():
        readable = _without_overlong_lines(doc)
        _note_huge_numbers(doc)
        tables = find_tables(readable)
        facts = facts_from_tables(readable, tables, normalised=normalised)
    if doc.xbrl is not None and len(facts):
        from iijdesk.core.ingest.ixbrl import annotate
        annotate(facts, doc)          # names the tagged facts; values stay the tables' own
    return facts


# A well-formed number with the digits of one at MAX_NUMBER_VALUE or more: plain, or in groups
# of three (numbers run together, "25,58115,922", are the table reader's damage, not this).
_DIGITS = len(f"{L.MAX_NUMBER_VALUE:.0f}")
_HUGE_NUMBER_RE = re.compile(r"(?<![\w,.])(?:\d{%d,}|\d{1,3}(?:,\d{3}){%d,})(?![\w,])"
                             % (_DIGITS, (_DIGITS - 1) // 3))


def _note_huge_numbers(doc: Document) -> None:
    """Numbers above MAX_NUMBER_VALUE are no amounts (the reader gives them no value, so no
    fact): the import says where they are."""
    hits = list(itertools.islice(_HUGE_NUMBER_RE.finditer(doc.text), 1000))
    if not hits:
        return
    line = doc.text.count("\n", 0, hits[0].start()) + 1
    many = f"{len(hits):,}{'+' if len(hits) == 1000 else ''} numbers" if len(hits) > 1 else "a number"
    limit = f"{L.MAX_NUMBER_VALUE:.0e}".replace("e+", "e")
    note = (f"{many} of {limit} or more (the first on line {line}) "
            f"{'are' if len(hits) > 1 else 'is'} too large to be an amount and not read")
    if note not in doc.notes:
        doc.notes.append(note)


def _without_overlong_lines(doc: Document) -> Document:
    """`doc`, or a copy whose over-long lines are blank (every other line keeps its number)."""
    limit = L.MAX_TABLE_LINE_CHARS
    if len(doc.text) <= limit:
        return doc
    long = [i for i, line in enumerate(doc.lines) if len(line) > limit]
    if not long:
        return doc
    lines = list(doc.lines)
    for i in long:
        lines[i] = ""
    which = (f"line {long[0] + 1} is {len(doc.lines[long[0]]):,} characters long" if len(long) == 1
             else f"{len(long):,} lines (the first, line {long[0] + 1}) are longer")
    note = (f"{which}, more than the {limit:,} a table row can be; "
            f"{'it was' if len(long) == 1 else 'they were'} not read for tables")
    if note not in doc.notes:
        doc.notes.append(note)
    return dataclasses.replace(doc, text="\n".join(lines), notes=doc.notes)


def extract_files(paths: Iterable[str | os.PathLike]) -> pd.DataFrame:
    frames = [extract_document(load(p), normalised=False) for p in paths]
    frames = [f for f in frames if len(f)]
    return F.normalise(pd.concat(frames, ignore_index=True)) if frames else F.empty_facts()
