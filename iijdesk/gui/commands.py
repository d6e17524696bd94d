"""Undoable edits: QUndoCommands that call Workspace.apply_edit / revert_edit."""
from __future__ import annotations

from PySide6.QtGui import QUndoCommand

from iijdesk.core.workspace import Workspace


class EditFactCommand(QUndoCommand):
    """Set one fact's value (base units) and printed form; undo restores what it replaced."""

    def __init__(self, workspace: Workspace, fact_id: int, new_value: float, new_printed: str,
                 text: str = "") -> None:
        super().__init__(text or f"Edit fact {fact_id}")
        self.workspace = workspace
        self.fact_id = int(fact_id)
        self.new_value = float(new_value)
        self.new_printed = new_printed
        self._edit = None

    def redo(self) -> None:
        self._edit = self.workspace.apply_edit(self.fact_id, self.new_value, self.new_printed)

    def undo(self) -> None:
        if self._edit is not None:
            self.workspace.revert_edit(self._edit)
            self._edit = None
