"""The export dialog: what to export (the contract summary, cluster readiness, cash out per
month, any list, an import template, or the list on screen exactly as shown), the as-of date
and the file; progress and Cancel while it is written in the background; then an offer to
open the folder.

Every workbook is written by ``services.exporting``; the list on screen goes through
``exporting.export_rows`` with the screen's own rows (its filter, search and sort) and visible
columns.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from services import exporting
from services.schema import KINDS
from ui.context import AppContext
from ui.widgets import DateField

SHOWN = "shown"  # the combo's data for "the list on screen as shown"
SELECTED = "selected"  # and for "only the rows selected in it" (when several are)
# The plain export named after a list screen (the plain contracts list is ``contract-list``).
LIST_EXPORT_FOR_SCREEN = {
    "contracts": "contract-list",
    "alerts": "alerts",
}
# The exports whose figures are computed as of a day: the as-of date applies to them.
AS_OF_EXPORTS = exporting.AS_OF_KINDS
CELL_TYPES: dict[str, Any] = {
    "int": "int",
    "decimal": "decimal",
    "money": "money",
    "date": "date",
    "bool": "bool",
}


class _Relay(QObject):
    progress = Signal(int, int)


@dataclass(frozen=True)
class ShownList:
    """What a list screen shows, copied on the main thread so the worker reads no widget."""

    kind: str
    title: str
    names: tuple[str, ...]  # every field of a row, in row order
    rows: list[tuple[Any, ...]]  # the rows shown: filter, search and sort applied
    fields: list[str]  # the visible columns, left to right
    titles: list[str]
    types: list[str]


def shown_list(screen: Any, selected_only: bool = False) -> ShownList:
    """What ``screen`` shows (``selected_only``: only its selected rows), columns as arranged."""
    header = screen.view.horizontalHeader()
    model = screen.model
    columns = []
    for visual in range(header.count()):
        logical = header.logicalIndex(visual)
        if not screen.view.isColumnHidden(logical):
            columns.append(model.columns[logical])
    title = getattr(getattr(screen, "spec", None), "title", None) or screen.kind
    return ShownList(
        screen.kind,
        str(title),
        tuple(model.names),
        model.rows_at(screen.selected_rows()) if selected_only else list(model.shown_rows()),
        [c.name for c in columns],
        [c.title for c in columns],
        [c.type for c in columns],
    )


def export_shown(shown: ShownList, path: str, progress: Any = None, cancel: Any = None) -> Any:
    """Write exactly the rows and columns of ``shown`` (see ``shown_list``)."""
    kind_fields = set(KINDS[shown.kind].field_names) if shown.kind in KINDS else set()
    columns = []
    for name, title, cell in zip(shown.fields, shown.titles, shown.types, strict=True):
        if name in kind_fields:
            column = exporting.columns_for(shown.kind, [name])[0]
            columns.append(replace(column, header=title))
        else:
            columns.append(exporting.Column(title, CELL_TYPES.get(cell, "text")))
    rows = [dict(zip(shown.names, row, strict=True)) for row in shown.rows]
    return exporting.export_rows(
        path,
        columns,
        rows,
        sheet=shown.title[:31],
        fields=shown.fields,
        total_rows=len(rows),
        progress=progress,
        cancel=cancel,
    )


class ExportDialog(QDialog):
    exported = Signal(object)  # the ExportResult

    def __init__(
        self,
        context: AppContext,
        screen: Any = None,
        parent: QWidget | None = None,
        as_of: dt.date | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle("Export")
        self.context = context
        # The list screen whose rows 'as shown' exports (not QWidget.screen()).
        self.list_screen = screen
        self.result: Any = None
        self.error: BaseException | None = None
        self.relay = _Relay(self)
        self.relay.progress.connect(self._progress)
        self.cancelled = threading.Event()
        self.running = False

        self.what = self._what_combo(screen)
        self.as_of = DateField(optional=False)
        self.as_of.setObjectName("exportAsOf")
        self.as_of.set_value(as_of or dt.date.today())
        self.path = QLineEdit()
        self.path.setObjectName("exportPath")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self.browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path, 1)
        path_row.addWidget(browse)
        self.bar = QProgressBar()
        self.bar.setObjectName("exportProgress")
        self.bar.setVisible(False)
        self.status = QLabel("")
        self.status.setObjectName("exportStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        buttons = self._buttons()

        form = QFormLayout()
        form.addRow("Export:", self.what)
        form.addRow("As of:", self.as_of)
        form.addRow("File:", path_row)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.bar)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self.what.currentIndexChanged.connect(lambda _i: self._what_changed())
        self._what_changed()
        self.resize(620, 230)

    def _what_combo(self, screen: Any) -> QComboBox:
        """The exports offered: the list on screen as shown (and its selected rows) first,
        then every export of ``services.exporting``; the one fitting the screen chosen."""
        what = QComboBox()
        what.setObjectName("exportWhat")
        if screen is not None and hasattr(screen, "model") and hasattr(screen.model, "columns"):
            count = screen.model.rowCount()
            title = getattr(getattr(screen, "spec", None), "title", screen.kind)
            what.addItem(f"{title} as shown on screen ({count:,} rows)", SHOWN)
            selected = len(screen.selected_rows()) if hasattr(screen, "selected_rows") else 0
            if selected > 1:
                what.addItem(f"{title}: the {selected:,} selected rows", SELECTED)
        for spec in exporting.EXPORT_KINDS:
            group = {"summary": "", "list": "List: ", "template": ""}[spec.group]
            what.addItem(f"{group}{spec.label}", spec.name)
        wanted = "contracts"
        if screen is not None:
            kind = getattr(screen, "kind", None)
            wanted = (
                SELECTED
                if what.findData(SELECTED) >= 0
                else SHOWN
                if what.findData(SHOWN) >= 0
                else LIST_EXPORT_FOR_SCREEN.get(kind or "", kind or "contracts")
            )
        what.setCurrentIndex(max(what.findData(wanted), 0))
        return what

    def _buttons(self) -> QHBoxLayout:
        """Open folder (once written), Export and Cancel."""
        self.export_button = QPushButton("Export")
        self.export_button.setObjectName("exportButton")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.start)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        self.open_folder = QPushButton("Open folder")
        self.open_folder.setObjectName("openFolder")
        self.open_folder.setVisible(False)
        self.open_folder.clicked.connect(self.show_folder)
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_folder)
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.cancel_button)
        return buttons

    # --- choices -------------------------------------------------------------------------

    def choose(self, name: str) -> None:
        self.what.setCurrentIndex(self.what.findData(name))

    def _what_changed(self) -> None:
        name = self.what.currentData()
        self.as_of.setEnabled(name in AS_OF_EXPORTS)
        folder = Path(self.path.text()).parent if self.path.text() else Path.home()
        stem = name
        if name in (SHOWN, SELECTED) and self.list_screen is not None:
            stem = f"{self.list_screen.kind}-{'as-shown' if name == SHOWN else 'selected'}"
        self.path.setText(str(folder / f"{stem}-{dt.date.today().isoformat()}.xlsx"))

    def browse(self) -> None:
        path, _f = QFileDialog.getSaveFileName(
            self, "Export to", self.path.text(), "Excel (*.xlsx)"
        )
        if path:
            self.path.setText(path if path.lower().endswith(".xlsx") else path + ".xlsx")

    # --- export --------------------------------------------------------------------------

    def start(self) -> None:
        if self.running:
            return
        path = self.path.text().strip()
        if not path:
            self.status.setText("Choose the file to write.")
            return
        if not path.lower().endswith(".xlsx"):
            path += ".xlsx"
            self.path.setText(path)
        name = self.what.currentData()
        as_of = self.as_of.value()
        self.cancelled.clear()
        self.result, self.error = None, None
        self.running = True
        self.export_button.setEnabled(False)
        self.open_folder.setVisible(False)
        self.bar.setVisible(True)
        self.bar.setRange(0, 0)
        self.status.setText("Writing…")
        emit, cancelled = self.relay.progress.emit, self.cancelled.is_set
        if name in (SHOWN, SELECTED):
            # The rows are the screen's, taken now on the main thread; the writing is not.
            shown = shown_list(self.list_screen, selected_only=name == SELECTED)

            def work() -> Any:
                return export_shown(shown, path, emit, cancelled)

        else:
            database = self.context.db

            def work() -> Any:
                return exporting.export(
                    database, name, path, as_of=as_of, progress=emit, cancel=cancelled
                )

        self.context.tasks.run(work, self._done, self._failed)

    def cancel(self) -> None:
        if self.running:
            self.cancelled.set()
            self.status.setText("Cancelling…")
            return
        self.reject()

    def _progress(self, done: int, total: int) -> None:
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(min(done, total))
        self.status.setText(f"{done:,} rows written…")

    def _done(self, result: Any) -> None:
        self.running = False
        self.result = result
        self.export_button.setEnabled(True)
        self.bar.setRange(0, 1)
        self.bar.setValue(1)
        warnings = "\n".join(result.warnings)
        self.status.setText(
            f"{result.rows:,} rows written to {result.path} "
            f"(sheets: {', '.join(result.sheets)})." + (f"\n{warnings}" if warnings else "")
        )
        self.open_folder.setVisible(True)
        self.cancel_button.setText("Close")
        self.exported.emit(result)

    def _failed(self, error: BaseException) -> None:
        self.running = False
        self.error = error
        self.export_button.setEnabled(True)
        self.bar.setVisible(False)
        if isinstance(error, exporting.ExportCancelled):
            self.status.setText("Cancelled: no file was written.")
        else:
            self.status.setText(f"Not exported: {error}")

    def show_folder(self) -> None:
        if self.result is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(self.result.path).parent)))
