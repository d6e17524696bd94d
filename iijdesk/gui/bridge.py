"""Workspace events (Qt-free callbacks) -> Qt signals.

The bridge lives in the GUI thread. When the workspace emits from the import worker thread,
Qt queues the signal to the GUI thread, so widgets only ever touch the model there."""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from iijdesk.core.workspace import Workspace


class WorkspaceBridge(QObject):
    documentsChanged = Signal()
    factsChanged = Signal(object)      # list of fact ids ([] means "anything may have changed")
    findingsChanged = Signal()

    def __init__(self, workspace: Workspace, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self._hooks = [
            (workspace.documents_changed, workspace.documents_changed.connect(self._on_documents)),
            (workspace.facts_changed, workspace.facts_changed.connect(self._on_facts)),
            (workspace.findings_changed, workspace.findings_changed.connect(self._on_findings)),
        ]

    def _on_documents(self, *args) -> None:
        self.documentsChanged.emit()

    def _on_facts(self, ids=None, *args) -> None:
        self.factsChanged.emit(list(ids) if ids is not None else [])

    def _on_findings(self, *args) -> None:
        self.findingsChanged.emit()

    def detach(self) -> None:
        for event, cb in self._hooks:
            event.disconnect(cb)
        self._hooks = []
