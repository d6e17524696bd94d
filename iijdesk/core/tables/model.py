"""What the table finder produces: tables of rows, each row's numeric cells mapped to columns."""
from __future__ import annotations

from dataclasses import dataclass, field

from iijdesk.core.tables.lines import Line
from iijdesk.core.units import UNKNOWN


@dataclass
class Row:
    line: Line                  # the physical line holding the numbers
    label: str                  # cleaned label, wrapped lines joined
    parent: str = ""            # enclosing section / total label
    level: int = 0
    is_total: bool = False
    section: str = ""           # the nearest section heading ("REVENUES")
    label_lines: list[int] = field(default_factory=list)
    slots: list[int] = field(default_factory=list)   # column slot of each cell (parallel to line.cells)
    period: object = None       # a period printed in the row label (row-period tables)
    cell_periods: dict = field(default_factory=dict)   # slot -> period, where a column refines it
    target: bool = False        # the row is a target/forecast ("... (Target)")
    heading: str = ""           # the period heading row above it in the table ("Three Months Ended
                                # June 30, 2024"), where the table groups its rows by period


@dataclass
class Column:
    slot: int
    header: str = ""            # header text over this column, joined
    measure: str = "value"
    unit: str = UNKNOWN          # the document's reporting currency unless the header says more
    scale: int = 1
    period_end: str = ""
    period_months: int | None = None
    suspect: str = ""           # why the column's printed header cannot be right
    translation: bool = False   # a convenience translation into another currency (unit says which)
    from_header: bool = False   # the period was read from this column's own header
    false_share: bool = False   # headed as a share of revenues but holding amounts


@dataclass
class Table:
    title: str
    title_line: int
    header_lines: list[Line]
    context: list[str]          # text between the title and the first row (units, subtitles)
    rows: list[Row] = field(default_factory=list)
    columns: dict[int, Column] = field(default_factory=dict)
    kind: str = "other"
    layout: str = "tabbed"      # tabbed | fixed
    section_heading: str = ""   # the heading of the release section the table stands in
    row_periods: bool = False   # the periods stand in the row labels (transposed tables)
    unit_context: str = ""      # the "Unit: JPY million" line that governs the table, if any
    share_scale: int = 1        # the multiplier of its share counts ("in millions, except per share")
    pct_is_yoy: bool = False    # a note above says its percent columns are YoY changes
    preamble: str = ""          # the lines just above the table (notes such as "% shown is YoY change")

    @property
    def first_line(self) -> int:
        return self.rows[0].line.no if self.rows else self.title_line

    def cells(self):
        for r in self.rows:
            for c, s in zip(r.line.cells, r.slots):
                yield r, c, s
