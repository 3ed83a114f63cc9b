"""A list's History tab: the selected record's audited changes, with a way to put back one
change (a new, audited change) and to open the very file an import took it from."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QMenu, QTableView

from services.schema import KINDS
from ui import format as fmt
from ui.screens.table_views import LazyTable
from ui.tables.model import PlainTableModel

if TYPE_CHECKING:
    from ui.screens.list_screen import ListScreen

COLUMNS = ["When", "Who", "Source", "Action", "Field", "Old value", "New value"]


class HistoryTab:
    """The History tab of ``screen`` (its ``tab``) and what can be done from it."""

    def __init__(self, screen: ListScreen) -> None:
        self.screen = screen
        self.model = PlainTableModel(COLUMNS, screen)
        self.tab = LazyTable(self.model, "historyTable", self._menu)
        self.rows: list[Any] = []  # audit.HistoryRow, as shown

    def field_title(self, name: str | None) -> str:
        """A field as the person knows it (``ETA``, not ``eta``)."""
        schema = self.screen.spec.schema
        if not name:
            return ""
        return schema.field(name).title if name in schema.field_names else name

    def clear(self) -> None:
        self.rows = []
        self.model.set_rows([])

    def load(self, record_id: int) -> None:
        """Read the history of record ``record_id`` in the background, then show it."""
        from services import audit

        screen = self.screen
        kind = screen.kind
        screen.context.read(
            lambda s: audit.history(s, kind, record_id),
            self.show,
            lambda exc: None,
            owner=screen,
        )

    def show(self, rows: list[Any]) -> None:
        self.rows = list(rows)
        self.model.set_rows(
            (
                fmt.when(h.at),
                h.user,
                h.source_text,
                h.action,
                self.field_title(h.field),
                h.old_value or "",
                h.new_value or "",
            )
            for h in rows
        )
        self.tab.fit()

    def _menu(self, view: QTableView, pos: QPoint) -> None:
        index = view.indexAt(pos)
        if not index.isValid() or index.row() >= len(self.rows):
            return
        entry = self.rows[index.row()]
        menu = QMenu(self.screen)
        copy = menu.addAction("Copy rows")
        copy.triggered.connect(lambda _c=False: _copy_from(view))
        if (
            entry.action == "update"
            and entry.field
            and entry.id is not None
            and self.undoable(entry.field)
        ):
            old = entry.old_value if entry.old_value is not None else "empty"
            title = self.field_title(entry.field)
            put_back = menu.addAction(f"Put back the old {title}: {old}")
            put_back.setEnabled(not self.screen.context.read_only)
            put_back.triggered.connect(lambda _c=False: self.put_back(entry))
        if entry.import_batch_id is not None:
            shown = f" ({entry.file_name})" if entry.file_name else ""
            opened = menu.addAction(f"Open the imported file{shown}")
            opened.triggered.connect(lambda _c=False: self.open_imported_file(entry))
        menu.exec(view.viewport().mapToGlobal(pos))

    def undoable(self, name: str) -> bool:
        """Whether a change of field ``name`` can be put back from the History tab: not a
        field Rackbook works out, nor a line's promised date (corrected with a reason)."""
        kind = self.screen.kind
        spec = KINDS[kind]
        if name not in spec.field_names or spec.field(name).derived:
            return False
        return not (kind == "orders" and name == "promised_date")

    def open_imported_file(self, entry: Any) -> None:
        """Open the very file whose import made this change (kept with its import batch)."""
        from ui.attachments_panel import open_import_file

        screen = self.screen
        open_url = screen.attachments_panel.open_url
        open_import_file(screen.context, entry.import_batch_id, screen, open_url)

    def put_back(self, entry: Any) -> None:
        """Undo one change: the field gets back its old value (a new, audited change;
        refused if the field has changed again since)."""
        screen = self.screen
        record = screen.selected_record()
        if record is None or screen.context.read_only or entry.id is None:
            return
        from services import records
        from ui.undo import history_of

        kind, record_id, entry_id = screen.kind, record["id"], entry.id
        title = self.field_title(entry.field)
        key = screen.spec.schema.key_of(record)
        history_of(screen.context).write(
            f"put-back of the {title} of {key}",
            kind,
            [record_id],
            lambda session, actor: records.put_back(session, kind, record_id, entry_id, actor),
            lambda saved: screen.after_write([saved], (), False),
            screen._write_failed,
            owner=screen,
        )


def _copy_from(view: QTableView) -> None:
    from ui.tables.copying import copy_rows

    copy_rows(view)
