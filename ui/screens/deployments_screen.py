"""Deployments: every cluster (a hall, a pod) in one list, and for the selected one its bill of
parts, edited in place and saved as a whole (``services.deployments.save_parts``: every part
added, changed or taken out is validated and audited, or, one refused, none is). Duplicating a
deployment plans the next hall: a new deployment with the same bill of parts."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QMenu,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from services.errors import ConflictError, ValidationError
from ui import format as fmt
from ui.context import AppContext
from ui.screens.list_screen import ListScreen
from ui.screens.stores import KindStore
from ui.widgets import CompletingDelegate, push_button, show_error

Record = dict[str, Any]

PART, QUANTITY, MEANING = 0, 1, 2
_PROBLEM = QBrush(QColor(253, 226, 226))
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


SAVE_PARTS_TIP = "Save the whole bill of parts (each change in the history)"


class PartsEditor(QWidget):
    """The bill of parts of one deployment: a table of part and quantity, typed in place,
    with buttons to add and take out rows, save them all, or go back to what is saved."""

    def __init__(self, screen: DeploymentsScreen) -> None:
        super().__init__()
        self.setObjectName("billOfParts")
        self.owner = screen
        #: The deployment shown (its record), and its parts as saved: id -> version.
        self.deployment: Record | None = None
        self.saved: list[Record] = []
        self.seen: dict[int, int] = {}
        #: The names a part may be (services.lists.ReferenceNames): categories, skus.
        self.names: Any = None
        #: What a part may name: the categories, then every vendor's skus.
        self.choices: list[str] = []
        self._filling = False

        self.title = QLabel("Select a deployment to see its bill of parts.")
        self.title.setObjectName("partsTitle")
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("partsTable")
        self.table.setAccessibleName("Parts of the deployment")
        self.table.setHorizontalHeaderLabels(["Part (SKU or category)", "Quantity", "What it is"])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setItemDelegateForColumn(PART, CompletingDelegate(lambda: self.choices, self))
        self.table.setToolTip(
            "A part is a product SKU (any vendor's) or a category: "
            "gpu_system, gpu_server, network, storage, power, cooling, other"
        )
        self.table.itemChanged.connect(self._edited)
        self.problem = QLabel()
        self.problem.setObjectName("partsProblem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b71c1c;")
        self.problem.hide()
        self.add_button = push_button("Add part", self.add_row, name="addPart")
        self.remove_button = push_button("Take out part", self.remove_rows, name="removePart")
        self.save_button = push_button(
            "Save parts", self.save, name="saveParts", tip=SAVE_PARTS_TIP
        )
        self.revert_button = push_button("Undo changes", self.revert, name="revertParts")
        buttons = QHBoxLayout()
        for button in (self.add_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        for button in (self.revert_button, self.save_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.title)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.problem)
        layout.addLayout(buttons)
        self._enable()

    # --- showing -------------------------------------------------------------------------

    def show_parts(self, deployment: Record | None, parts: list[Record], names: Any) -> None:
        """Show ``deployment``'s saved bill of parts (None: no deployment selected);
        ``names``: services.lists.ReferenceNames, what a part may name."""
        self.deployment = deployment
        self.saved = parts
        self.seen = {p["id"]: p["version"] for p in parts}
        self.names = names
        self.choices = names.parts() if names is not None else []
        if deployment is None:
            self.title.setText("Select a deployment to see its bill of parts.")
        else:
            name = f" ({deployment['name']})" if deployment.get("name") else ""
            self.title.setText(
                f"Bill of parts of {deployment['deployment_ref']}{name} at {deployment['site']}"
            )
        self._fill([(p["part"], p["quantity"]) for p in parts])
        self.show_problem("")

    def _fill(self, rows: list[tuple[Any, Any]]) -> None:
        self._filling = True
        self.table.setRowCount(0)
        for part, quantity in rows:
            self._append(part, quantity)
        self._filling = False
        self.table.resizeColumnToContents(PART)
        self.table.resizeColumnToContents(QUANTITY)
        self._enable()

    def _append(self, part: Any, quantity: Any) -> int:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setItem(row, PART, QTableWidgetItem("" if part is None else str(part)))
        amount = QTableWidgetItem("" if quantity is None else fmt.number(quantity))
        amount.setTextAlignment(_RIGHT)
        self.table.setItem(row, QUANTITY, amount)
        meaning = QTableWidgetItem()
        meaning.setFlags(meaning.flags() & ~Qt.ItemFlag.ItemIsEditable)
        self.table.setItem(row, MEANING, meaning)
        self._explain(row)
        return row

    def _explain(self, row: int) -> None:
        """The row's third cell: what its part stands for (a category, a sku's vendors)."""
        part_item, meaning = self.table.item(row, PART), self.table.item(row, MEANING)
        if part_item is None or meaning is None or self.names is None:
            return
        part = part_item.text().strip()
        was, self._filling = self._filling, True
        meaning.setText(self.names.part_meaning(part) if part else "")
        self._filling = was

    @property
    def changed(self) -> bool:
        """Whether the table differs from the bill of parts as saved."""
        return self.rows() != [(p["part"], p["quantity"]) for p in self.saved]

    def rows(self) -> list[tuple[Any, Any]]:
        """The table as typed, blank rows left out (see ``typed``)."""
        return [row for row in self.typed() if row != (None, None)]

    def typed(self) -> list[tuple[Any, Any]]:
        """Every row of the table: (part or None, quantity as a whole number, the text when
        it is not one, or None when blank)."""
        found: list[tuple[Any, Any]] = []
        for row in range(self.table.rowCount()):
            part_item, quantity_item = self.table.item(row, PART), self.table.item(row, QUANTITY)
            part = part_item.text().strip() if part_item is not None else ""
            text = quantity_item.text().strip() if quantity_item is not None else ""
            try:
                quantity: Any = fmt.parse_int(text)
            except fmt.NotANumber:
                quantity = text
            found.append((part or None, quantity))
        return found

    def _edited(self, item: QTableWidgetItem) -> None:
        if self._filling:
            return
        if item.column() == PART:
            self._explain(item.row())
        self._enable()

    def _enable(self) -> None:
        editable = self.deployment is not None and not self.owner.context.read_only
        triggers = QAbstractItemView.EditTrigger
        # Typed into as a spreadsheet is (not on merely moving to a cell: an editor left
        # open there would outlive its row when the table is filled again).
        self.table.setEditTriggers(
            triggers.DoubleClicked
            | triggers.EditKeyPressed
            | triggers.AnyKeyPressed
            | triggers.SelectedClicked
            if editable
            else triggers.NoEditTriggers
        )
        self.add_button.setEnabled(editable)
        self.remove_button.setEnabled(editable and self.table.rowCount() > 0)
        changed = editable and self.changed
        self.save_button.setEnabled(changed)
        self.revert_button.setEnabled(changed)

    def show_problem(self, text: str, rows: set[int] | None = None) -> None:
        self.problem.setText(text)
        self.problem.setVisible(bool(text))
        self._filling = True
        for row in range(self.table.rowCount()):
            for column in (PART, QUANTITY):
                item = self.table.item(row, column)
                if item is not None:
                    item.setBackground(_PROBLEM if rows and row in rows else QBrush())
        self._filling = False

    # --- editing -------------------------------------------------------------------------

    def add_row(self, part: str = "", quantity: int | None = None) -> None:
        row = self._append(part, quantity)
        self.table.setCurrentCell(row, PART)
        item = self.table.item(row, PART)
        if not part and item is not None and self.isVisible():
            self.table.editItem(item)
        self._enable()

    def remove_rows(self) -> None:
        rows = sorted({index.row() for index in self.table.selectedIndexes()}, reverse=True)
        if not rows and self.table.currentRow() >= 0:
            rows = [self.table.currentRow()]
        for row in rows:
            self.table.removeRow(row)
        self._enable()

    def revert(self) -> None:
        self._fill([(p["part"], p["quantity"]) for p in self.saved])
        self.show_problem("")

    def save(self) -> None:
        """Save the table as the deployment's bill of parts, in one transaction."""
        deployment = self.deployment
        if deployment is None or self.owner.context.read_only:
            return
        from services import deployments

        # Every row, blank ones too: the problems name the table's rows from 1.
        rows = [deployments.PartRow(part, quantity) for part, quantity in self.typed()]
        deployment_id, seen = deployment["id"], dict(self.seen)

        def failed(error: BaseException) -> None:
            if isinstance(error, ValidationError):
                bad = {p.row - 1 for p in error.problems if p.row}
                self.show_problem("Not saved: " + "; ".join(map(str, error.problems)), bad)
                return
            if isinstance(error, ConflictError):
                self.show_problem(
                    "Not saved: someone changed this bill of parts meanwhile. It is shown as it "
                    "is now; make your changes again."
                )
                self.owner.load_details()
                return
            show_error(self, error, "Rackbook — Bill of parts")

        def done(parts: list[Record]) -> None:
            self.show_parts(deployment, parts, self.names)
            self.owner.context.changed.emit("deployment_parts")
            self.owner.after_write([deployment], (), False)

        self.owner.context.write(
            lambda session, actor: deployments.save_parts(
                session, deployment_id, rows, actor, seen=seen
            ),
            done,
            failed,
            owner=self,
        )


class DuplicateStore(KindStore):
    """Saving a copy of a deployment: the new one with the source's bill of parts."""

    def __init__(self, context: AppContext, source_id: int) -> None:
        super().__init__(context, "deployments")
        self.source_id = source_id

    def create(self, values: Record, done: Any, failed: Any) -> None:
        """The copy, with the source's parts (one transaction; not on the undo stack, which
        would remove the deployment and leave its parts)."""
        from services import deployments

        source = self.source_id
        self.context.write(lambda s, a: deployments.duplicate(s, source, values, a), done, failed)


class DeploymentsScreen(ListScreen):
    # A deployment's ref: show it on the readiness timeline.
    readiness_requested = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__("deployments", context, parent)

    def _row_actions(self, menu: QMenu) -> None:
        record = self.selected_record()
        if record is not None:
            ref = str(record["deployment_ref"])
            menu.addAction(
                "Show on the readiness timeline", lambda: self.readiness_requested.emit(ref)
            )
            menu.addSeparator()

    def _add_detail_tabs(self) -> None:
        self.parts_editor = PartsEditor(self)
        self.parts_tab_index = self.details.addTab(self.parts_editor, "Bill of parts")

    def load_details(self) -> None:
        super().load_details()
        record = self.selected_record()
        if record is None or self.context.database is None:
            self.parts_editor.show_parts(None, [], self.parts_editor.names)
            return
        from services import deployments, lists

        deployment_id = record["id"]

        def work(session: Any) -> tuple[list[Record], Any]:
            return deployments.parts_of(session, deployment_id), lists.reference_names(session)

        def done(found: tuple[list[Record], Any]) -> None:
            if deployment_id != self.selected_id():
                return  # the selection moved on; its own parts are on their way
            parts, names = found
            self.details.setTabText(
                self.parts_tab_index, f"Bill of parts ({len(parts)})" if parts else "Bill of parts"
            )
            self.parts_editor.show_parts(record, parts, names)

        self.context.read(work, done, lambda exc: None, owner=self)

    def duplicate_record(self) -> None:
        """The next hall: a new deployment made from the selected one, its bill of parts
        copied with it when it is saved (nothing is written until then)."""
        record = self.selected_record()
        if record is None or self.context.read_only:
            return
        from services import lists, records

        record_id = record["id"]
        self.context.read(
            lambda session: (
                lists.reference_names(session),
                records.duplicate(session, "deployments", record_id),
            ),
            lambda found: self._show_copy(record, found[1], found[0]),
            lambda exc: show_error(self, exc),
            owner=self,
        )

    def _show_copy(self, source: Record, values: Record, names: Any) -> None:
        from ui.dialogs.record_dialog import RecordDialog

        dialog = RecordDialog(
            "deployments", DuplicateStore(self.context, source["id"]), names, values, self
        )
        dialog.setWindowTitle(
            f"New deployment, a copy of {source['deployment_ref']} with its bill of parts"
        )
        self.last_dialog = dialog
        if dialog.exec() and dialog.saved is not None:
            self.after_write([dialog.saved], (), True)
