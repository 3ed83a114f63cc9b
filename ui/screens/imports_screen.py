"""The imports screen: every import batch with its counts, and Undo for the selected one.

Undo goes through ``services.importing.undo_batch``, which refuses (naming the record) when a
later change touched one of the batch's records; the refusal is shown as it is.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMessageBox, QVBoxLayout, QWidget

from services.schema import KINDS
from ui import format as fmt
from ui.context import AppContext
from ui.screens.table_views import table_view
from ui.tables.model import PlainTableModel
from ui.widgets import push_button, show_error

HEADERS = (
    "Batch",
    "File",
    "Sheet",
    "Records",
    "User",
    "Started",
    "Created",
    "Updated",
    "Unchanged",
    "Rejected",
    "Undone",
)


class ImportsScreen(QWidget):
    loaded = Signal()
    # An import batch was undone (batch id).
    undone = Signal(int)
    # The records of an import batch asked for (batch id).
    show_records = Signal(int)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("screen_imports")
        self.context = context
        self.stale = True
        self.batches: list[Any] = []
        self.title = QLabel("Imports")
        self.title.setObjectName("screenTitle")
        note = QLabel(
            "Every spreadsheet imported, newest first. Show records lists what a batch created "
            "or changed; Undo deletes what it created and puts back what it changed, as long as "
            "nothing changed those records since."
        )
        note.setWordWrap(True)
        self.model = PlainTableModel(HEADERS, self)
        self.view = table_view(self)
        self.view.setObjectName("batchTable")
        self.view.setAccessibleName("Import batches")
        self.view.setModel(self.model)
        self.view.selectionModel().currentRowChanged.connect(lambda *_a: self._enable())
        self.model.modelReset.connect(self._enable)
        # Through push_button: the clicked signal's ``checked`` (False) would otherwise be
        # taken for ``confirm`` and undo the import without asking.
        self.undo_button = push_button("Undo import…", self.undo_selected, name="undoImport")
        self.show_button = push_button(
            "Show records",
            self.show_selected,
            name="showBatchRecords",
            tip="The records this import created or changed, in their list",
        )
        self.view.doubleClicked.connect(lambda _index: self.show_selected())
        self.open_button = push_button(
            "Open file",
            self.open_selected_file,
            name="openBatchFile",
            tip="The file this import read, as it was, in its viewer",
        )
        #: What opens a file: the desktop's viewer (a test gives a recorder).
        self.open_url: Any = None
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.show_button)
        buttons.addWidget(self.undo_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 4)
        self.empty_hint = QLabel(
            "No spreadsheet has been imported into this database yet: Import (Ctrl+I), or drop "
            "a vendor's file on the window."
        )
        self.empty_hint.setObjectName("emptyHint")
        self.empty_hint.setWordWrap(True)
        self.empty_hint.hide()
        layout.addWidget(self.title)
        layout.addWidget(note)
        layout.addWidget(self.empty_hint)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self._enable()

    def refresh(self) -> None:
        if self.context.database is None:
            return
        from services import lists

        self.stale = False
        self.context.read(lists.import_batches, self.show_batches, self._failed, owner=self)

    def save_state(self) -> None:
        pass

    def restore_state(self) -> None:
        pass

    def _failed(self, error: BaseException) -> None:
        self.stale = True
        show_error(self, error, "Rackbook — Imports")

    def show_batches(self, batches: list[Any]) -> None:
        self.batches = list(batches)
        self.model.set_rows(
            (
                b.id,
                b.file_name,
                b.sheet or "",
                KINDS[b.kind].label if b.kind in KINDS else b.kind,
                b.user,
                fmt.when(b.started_at),
                b.created,
                b.updated,
                b.unchanged,
                b.rejected,
                fmt.when(b.undone_at),
            )
            for b in self.batches
        )
        self.view.resizeColumnsToContents()
        self.empty_hint.setVisible(not self.batches)
        if self.batches:
            self.view.selectRow(0)
        self._enable()
        self.loaded.emit()

    def selected_batch(self) -> Any:
        index = self.view.currentIndex()
        if not index.isValid() or index.row() >= len(self.batches):
            return None
        return self.batches[index.row()]

    def select_batch(self, batch_id: int) -> None:
        for row, batch in enumerate(self.batches):
            if batch.id == batch_id:
                self.view.selectRow(row)

    def _enable(self) -> None:
        batch = self.selected_batch()
        writable = not self.context.read_only  # a reader's window: undoing would write
        self.undo_button.setEnabled(writable and batch is not None and batch.undone_at is None)
        self.show_button.setEnabled(batch is not None and batch.undone_at is None)
        self.open_button.setEnabled(batch is not None)

    def open_selected_file(self) -> None:
        batch = self.selected_batch()
        if batch is None:
            return
        from ui.attachments_panel import open_import_file

        if self.open_url is None:
            open_import_file(self.context, batch.id, self)
        else:
            open_import_file(self.context, batch.id, self, self.open_url)

    def show_selected(self) -> None:
        batch = self.selected_batch()
        if batch is not None and batch.undone_at is None:
            self.show_records.emit(batch.id)

    def undo_selected(self, confirm: bool = True) -> None:
        batch = self.selected_batch()
        if batch is None or batch.undone_at is not None:
            return
        if confirm:
            answer = QMessageBox.question(
                self,
                "Undo import",
                f"Undo import {batch.id} ({batch.file_name}, {batch.kind}): delete the "
                f"{batch.created} records it created and put back the {batch.updated} it "
                "changed?",
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.undo(batch.id, batch.kind)

    def undo(self, batch_id: int, kind: str) -> None:
        from services.importing import undo_batch

        def done(result: Any) -> None:
            self.context.changed.emit(kind)
            self.undone.emit(batch_id)
            self.refresh()

        self.context.write(
            lambda session, actor: undo_batch(session, batch_id, actor.user),
            done,
            self._failed,
            owner=self,
        )
