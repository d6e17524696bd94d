"""A loaded release: its text as lines, so every fact can point back to a 1-based line."""
from __future__ import annotations

from dataclasses import dataclass, field


class NotAReleaseError(ValueError):
    """Raised for input that cannot be a release (binary, empty, no text layer ...).

    The message is meant for the user, as is."""


@dataclass
class Document:
    name: str                      # file name shown to the user and written in the facts' `doc`
    text: str                      # the decoded text, newlines normalised to "\n"
    path: str = ""                 # where it was read from ("" for in-memory text)
    encoding: str = "utf-8"        # detected encoding of the original bytes
    source_kind: str = "text"      # text | html | pdf | markdown
    raw: bytes = b""               # the original bytes (kept for workspaces)
    # What the markup said of table rows that their text lines cannot show (HTML only): by
    # 1-based line, an ingest.html.RowInfo (spanning header cells, indentation, bold).
    rows: dict = field(default_factory=dict)
    # An inline-XBRL filing's tags (HTML only): an ingest.ixbrl.XBRL_COLUMNS frame, each printed
    # tag placed on its line and character span; None when the page has none (or, for a
    # document restored from a workspace, until ixbrl.tags_of reads them again).
    xbrl: object = None
    lines: list[str] = field(init=False)
    # What reading it left out and why, for the import's message (not stored in workspaces).
    notes: list[str] = field(default_factory=list, compare=False, repr=False)

    def __post_init__(self) -> None:
        self.text = self.text.replace("\r\n", "\n").replace("\r", "\n")
        self.lines = self.text.split("\n")

    def line(self, number: int) -> str:
        """The 1-based line `number`."""
        return self.lines[number - 1]

    @classmethod
    def from_text(cls, name: str, text: str, **kw) -> "Document":
        return cls(name=name, text=text, **kw)
