"""Screens that are not record lists: the dashboard (counts for now; charts come with the
dashboard issue), alerts, and import batches."""

from __future__ import annotations

import importlib.util
from typing import Any

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from services.schema import KINDS
from ui import format as fmt
from ui.context import AppContext
from ui.screens.list_screen import table_view
from ui.tables.model import PlainTableModel
from ui.widgets import show_error


def has_service(name: str) -> bool:
    """Whether a service module other work is adding (alerts, importing...) is there yet."""
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


class TableScreen(QWidget):
    """A titled read-only table filled by one background read."""

    headers: tuple[str, ...] = ()
    title_text = ""
    note_text = ""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.stale = True
        self.title = QLabel(self.title_text)
        self.title.setObjectName("screenTitle")
        self.note = QLabel(self.note_text)
        self.note.setWordWrap(True)
        self.note.setVisible(bool(self.note_text))
        self.model = PlainTableModel(self.headers, self)
        self.view = table_view(self)
        self.view.setModel(self.model)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 4)
        layout.addWidget(self.title)
        layout.addWidget(self.note)
        layout.addWidget(self.view, 1)

    def refresh(self) -> None:
        if self.context.database is None:
            return
        self.stale = False
        self.context.read(self.read, self.show_rows, lambda exc: show_error(self, exc))

    def read(self, session: Any) -> Any:
        raise NotImplementedError

    def show_rows(self, rows: Any) -> None:
        self.model.set_rows(rows)
        self.view.resizeColumnsToContents()

    def save_state(self) -> None:
        pass

    def restore_state(self) -> None:
        pass


class DashboardScreen(TableScreen):
    title_text = "Dashboard"
    note_text = (
        "How much Rackbook holds. Supply and power charts arrive with the dashboard issue; "
        "open a list on the left to work on records."
    )
    headers = ("Records", "Count")

    def read(self, session: Any) -> Any:
        from services import records

        return [(KINDS[c.kind].label, fmt.number(c.rows)) for c in records.counts(session)]


class ImportsScreen(TableScreen):
    title_text = "Imports"
    note_text = "Every spreadsheet imported, newest first."
    headers = (
        "Batch",
        "File",
        "Sheet",
        "Kind",
        "User",
        "Started",
        "Created",
        "Updated",
        "Unchanged",
        "Rejected",
        "Undone",
    )

    def read(self, session: Any) -> Any:
        from services import lists

        return [
            (
                b.id,
                b.file_name,
                b.sheet or "",
                b.kind,
                b.user,
                fmt.when(b.started_at),
                b.created,
                b.updated,
                b.unchanged,
                b.rejected,
                fmt.when(b.undone_at),
            )
            for b in lists.import_batches(session)
        ]


class AlertsScreen(TableScreen):
    title_text = "Alerts"
    headers = ("Severity", "Rule", "Subject", "Site", "Message")

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        if not has_service("services.alerts"):
            self.note.setText("Supply-risk alerts appear here once the alert rules are installed.")
            self.note.show()

    def read(self, session: Any) -> Any:
        if not has_service("services.alerts"):
            return []
        from services import alerts

        return [
            (a.severity, a.rule.replace("_", " "), a.subject, a.site or "", a.message)
            for a in alerts.visible_alerts(session)
        ]
