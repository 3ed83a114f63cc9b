"""A new purchase order as a whole: its header once (number, vendor, site, order date,
currency) and its lines in a grid, typed or pasted from a vendor's quote in a spreadsheet
(Ctrl+V fills the grid from the selected cell, adding lines as needed). A known SKU fills in
its description and list price. Saving writes every line or none (``orders.new_order``); the
problems of every line are shown at once, on their cells."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QLocale, Qt
from PySide6.QtGui import QBrush, QColor, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyledItemDelegate,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from services.catalogue import CatalogueItem
from services.errors import ValidationError
from services.lists import ReferenceNames
from services.orders import HEADER_FIELDS, LINE_FIELDS
from services.records import name_key
from services.schema import kind
from ui import format as fmt
from ui.context import AppContext
from ui.widgets import CompletingDelegate, DateField, ok_cancel, problem_label, show_error

# The grid's columns: every line field but the notes, which a quote rarely has.
GRID_FIELDS = tuple(name for name in LINE_FIELDS if name != "notes")
NUMERIC = frozenset({"quantity", "unit_price"})
FIRST_LINES = 5  # empty lines the grid starts with
_PROBLEM = QBrush(QColor(253, 226, 226))
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class _DateDelegate(QStyledItemDelegate):
    """A date cell is edited with the window's date editor: what it understood is shown
    under the grid as you type, and no date is ever rolled over."""

    def __init__(self, dialog: OrderEntryDialog, title: str) -> None:
        super().__init__(dialog)
        self.dialog = dialog
        self.title = title

    def createEditor(self, parent: QWidget, option: Any, index: Any) -> QWidget:
        editor = DateField(parent, compact=True, name=self.title)
        editor.understood.connect(
            lambda text: self.dialog.understood.setText(f"{self.title}: {text}" if text else "")
        )
        return editor

    def setEditorData(self, editor: QWidget, index: Any) -> None:
        assert isinstance(editor, DateField)
        editor.set_text(str(index.data() or ""))

    def setModelData(self, editor: QWidget, model: Any, index: Any) -> None:
        assert isinstance(editor, DateField)
        value = editor.value()
        text = fmt.date(value) if value is not None and editor.problem() is None else editor.text()
        model.setData(index, text.strip())

    def updateEditorGeometry(self, editor: QWidget, option: Any, index: Any) -> None:
        rect = option.rect
        rect.setWidth(max(rect.width(), editor.sizeHint().width()))
        editor.setGeometry(rect)


def _combo(items: list[str]) -> QComboBox:
    combo = QComboBox()
    combo.setEditable(True)
    combo.addItems(items)
    combo.setCurrentIndex(-1)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    return combo


class OrderEntryDialog(QDialog):
    def __init__(
        self,
        context: AppContext,
        names: ReferenceNames,
        items: dict[tuple[str, str], CatalogueItem],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("orderEntry")
        self.setWindowTitle("New purchase order")
        self.context = context
        self.names = names
        self.items = items
        self.saved: list[dict[str, Any]] | None = None
        self.spec = kind("orders")

        header = self._header(names)
        self.grid = self._make_grid()
        grid_buttons = self._grid_buttons()

        # The vendor's latest lead-time quote for the SKU of the line being typed.
        self.lead_time = QLabel()
        self.lead_time.setObjectName("leadTimeHint")
        self.lead_time.setWordWrap(True)
        # What the date being typed in a cell was understood as.
        self.understood = QLabel()
        self.understood.setObjectName("understoodDate")
        self.grid.currentCellChanged.connect(lambda row, *_a: self._show_lead_time(row))
        self.order_date.changed.connect(lambda: self._show_lead_time(self.grid.currentRow()))
        self.message = problem_label(selectable=True)
        self.buttons, self.save_button = ok_cancel(self, "Save order", accepted=self.save)

        self.existing_note = QLabel("")
        self.existing_note.setObjectName("existingOrder")
        self.existing_note.setWordWrap(True)
        self.existing_note.hide()
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.existing_note)
        layout.addWidget(QLabel("Lines (type them, or paste them from a spreadsheet):"))
        layout.addWidget(self.grid, 1)
        layout.addLayout(grid_buttons)
        layout.addWidget(self.lead_time)
        layout.addWidget(self.understood)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.resize(980, 560)
        self._tried = False
        #: The problems found as the order was typed (services.orders.check_typed_order).
        self.problems: list[Any] = []
        for widget in (self.po_number, self.currency):
            widget.textChanged.connect(lambda _t: self.check())
        for combo in (self.vendor, self.site):
            combo.editTextChanged.connect(lambda _t: self.check())
        self.order_date.changed.connect(self.check)
        named: tuple[tuple[QWidget, str], ...] = (
            (self.po_number, "PO number"),
            (self.vendor, "Vendor"),
            (self.site, "Site"),
            (self.currency, "Currency"),
            (self.grid, "Order lines"),
        )
        for named_widget, title in named:
            named_widget.setAccessibleName(title)
        self.order_date.set_accessible_name("Order date")
        self._update_totals()

    def _header(self, names: ReferenceNames) -> QGridLayout:
        """The order's header fields, in two rows as on a printed order: who and what, then
        where and when."""
        self.po_number = QLineEdit()
        self.po_number.setObjectName("poNumber")
        self.po_number.editingFinished.connect(self.look_up_order)
        #: The existing order the lines go to (services.orders.OrderView), if the number is one.
        self.existing: Any = None
        self.vendor = _combo(names.vendors)
        self.vendor.setObjectName("vendor")
        self.site = _combo(names.sites)
        self.site.setObjectName("site")
        self.order_date = DateField(optional=False)
        self.order_date.setObjectName("orderDate")
        self.order_date.set_value(dt.date.today())
        # The vendor's usual currency (the reporting currency until one is picked), until
        # the person types one of their own.
        self.currency = QLineEdit(names.currency_for(None))
        self.currency.setObjectName("currency")
        self.currency.setMaxLength(3)
        self.currency.setMaximumWidth(60)
        self.currency_typed = False
        self.currency.textEdited.connect(lambda _t: setattr(self, "currency_typed", True))
        self.vendor.editTextChanged.connect(self._vendor_currency)
        # The header in two rows, as on a printed order: who and what, then where and when.
        header = QGridLayout()
        header.setHorizontalSpacing(10)
        placed = (
            (0, 0, "PO number *", self.po_number),
            (0, 2, "Vendor *", self.vendor),
            (1, 0, "Site *", self.site),
            (1, 2, "Order date *", self.order_date),
            (1, 4, "Currency", self.currency),
        )
        for row, column, title, widget in placed:
            label = QLabel(title)
            label.setBuddy(widget)
            header.addWidget(label, row, column, Qt.AlignmentFlag.AlignRight)
            header.addWidget(widget, row, column + 1)
        header.setColumnStretch(1, 1)
        header.setColumnStretch(3, 1)
        return header

    def _make_grid(self) -> QTableWidget:
        """The lines' grid: a column per field, SKUs completed from the vendor's products,
        dates typed as everywhere, Ctrl+V pasting lines and Del clearing cells."""
        grid = QTableWidget(FIRST_LINES, len(GRID_FIELDS))
        grid.setObjectName("orderLines")
        titles = [
            self.spec.field(n).title + (" *" if self.spec.field(n).required else "")
            for n in GRID_FIELDS
        ]
        grid.setHorizontalHeaderLabels(titles)
        grid.horizontalHeader().setStretchLastSection(True)
        grid.setColumnWidth(GRID_FIELDS.index("description"), 220)
        grid.setSelectionMode(QAbstractItemView.SelectionMode.ContiguousSelection)
        grid.setItemDelegateForColumn(
            GRID_FIELDS.index("sku"),
            # The SKU cell's editor completes from the vendor's products.
            CompletingDelegate(lambda: self.names.skus(self.vendor_name()), self),
        )
        for name in GRID_FIELDS:
            if self.spec.field(name).type == "date":
                grid.setItemDelegateForColumn(
                    GRID_FIELDS.index(name), _DateDelegate(self, self.spec.field(name).title)
                )
                grid.setColumnWidth(GRID_FIELDS.index(name), 120)
        grid.itemChanged.connect(self._cell_changed)
        QShortcut(
            QKeySequence(QKeySequence.StandardKey.Paste),
            grid,
            self.paste,
            context=Qt.ShortcutContext.WidgetShortcut,
        )
        QShortcut(
            QKeySequence(Qt.Key.Key_Delete),
            grid,
            self.clear_cells,
            context=Qt.ShortcutContext.WidgetShortcut,
        )
        return grid

    def _grid_buttons(self) -> QHBoxLayout:
        """Add, remove and paste lines; the order's totals on the right."""
        add = QPushButton("Add line")
        add.clicked.connect(lambda: self.grid.insertRow(self.grid.rowCount()))
        remove = QPushButton("Remove lines")
        remove.setToolTip("Remove the lines of the selected cells")
        remove.clicked.connect(self.remove_lines)
        paste = QPushButton("Paste lines")
        paste.setToolTip(
            "Lines copied from a spreadsheet, pasted from the selected cell on (Ctrl+V): "
            "columns in the grid's order"
        )
        paste.clicked.connect(self.paste)
        grid_buttons = QHBoxLayout()
        for button in (add, remove, paste):
            grid_buttons.addWidget(button)
        grid_buttons.addStretch(1)
        self.totals = QLabel()
        self.totals.setObjectName("orderTotals")
        grid_buttons.addWidget(self.totals)
        return grid_buttons

    # --- an existing order ----------------------------------------------------------------

    def look_up_order(self) -> None:
        """A number that is an existing order's: its lines are added to it, on its terms (its
        vendor, site, date and currency shown and kept)."""
        from services import orders

        po = self.po_number.text().strip()
        if not po:
            self._show_existing(None)
            return
        self.context.read(
            lambda session: orders.find_order(session, po),
            lambda found: (
                self._show_existing(found) if po == self.po_number.text().strip() else None
            ),
            owner=self,
        )

    def _vendor_currency(self, vendor: str) -> None:
        """A new order's currency follows its vendor until the person types one."""
        if self.existing is None and not self.currency_typed:
            self.currency.setText(self.names.currency_for(vendor.strip()))

    def _show_existing(self, order: Any) -> None:
        was_existing = self.existing is not None
        self.existing = order
        for widget in (self.vendor, self.site, self.order_date, self.currency):
            widget.setEnabled(order is None)
        if order is None:
            self.setWindowTitle("New purchase order")
            self.existing_note.hide()
            if was_existing:  # the number is a new one again: its currency is the vendor's
                self._vendor_currency(self.vendor_name())
            return
        self.vendor.setCurrentText(order.vendor)
        self.site.setCurrentText(order.site)
        self.order_date.set_value(order.order_date)
        self.currency.setText(order.currency)
        last = max((line["line"] for line in order.lines), default=0)
        self.setWindowTitle(f"Add lines to purchase order {order.po_number}")
        self.existing_note.setText(
            f"{order.po_number} exists ({order.vendor}, {order.site}, "
            f"{fmt.counted(len(order.lines), 'line')}): these lines are added to it as lines "
            f"{last + 1} on, on its terms."
        )
        self.existing_note.show()
        self._update_totals()

    # --- the grid ------------------------------------------------------------------------

    def vendor_name(self) -> str:
        return self.vendor.currentText().strip()

    def cell(self, row: int, name: str) -> str:
        item = self.grid.item(row, GRID_FIELDS.index(name))
        return item.text().strip() if item is not None else ""

    def set_cell(self, row: int, name: str, text: str) -> None:
        column = GRID_FIELDS.index(name)
        item = self.grid.item(row, column)
        if item is None:
            item = QTableWidgetItem()
            if name in NUMERIC:
                item.setTextAlignment(_RIGHT)
            self.grid.setItem(row, column, item)
        item.setText(text)

    def paste(self) -> None:
        """Tab-separated cells from the clipboard into the grid from the current cell on,
        lines added as needed; cells beyond the grid's last column are left out."""
        text = QGuiApplication.clipboard().text()
        rows = [line.split("\t") for line in text.replace("\r\n", "\n").split("\n")]
        while rows and not any(cell.strip() for cell in rows[-1]):
            rows.pop()
        if not rows:
            return
        current = self.grid.currentIndex()
        top = current.row() if current.isValid() else 0
        left = current.column() if current.isValid() else 0
        if self.grid.rowCount() < top + len(rows):
            self.grid.setRowCount(top + len(rows))
        # Every pasted cell first, then what the catalogue brings: a SKU pasted beside an
        # empty description still gets the product's.
        self.grid.blockSignals(True)
        try:
            for r, cells in enumerate(rows):
                for c, value in enumerate(cells[: len(GRID_FIELDS) - left]):
                    self.set_cell(top + r, GRID_FIELDS[left + c], value.strip())
        finally:
            self.grid.blockSignals(False)
        self._clear_marks()
        for r in range(len(rows)):
            self._fill_from_catalogue(top + r)
        self._update_totals()
        self.check()

    def clear_cells(self) -> None:
        for item in self.grid.selectedItems():
            item.setText("")

    def remove_lines(self) -> None:
        rows = sorted({index.row() for index in self.grid.selectedIndexes()}, reverse=True)
        for row in rows:
            self.grid.removeRow(row)
        if self.grid.rowCount() == 0:
            self.grid.setRowCount(1)
        self._update_totals()

    def _cell_changed(self, item: QTableWidgetItem) -> None:
        self.grid.blockSignals(True)  # the item's own changes below are no new edit
        try:
            item.setBackground(QBrush())
            item.setToolTip("")
            if GRID_FIELDS[item.column()] in NUMERIC:
                item.setTextAlignment(_RIGHT)
        finally:
            self.grid.blockSignals(False)
        if GRID_FIELDS[item.column()] == "sku":
            self._fill_from_catalogue(item.row())
            self._show_lead_time(item.row())
        self._update_totals()
        self.check()

    def _item_of(self, row: int) -> CatalogueItem | None:
        sku = self.cell(row, "sku") if row >= 0 else ""
        return self.items.get((name_key(self.vendor_name()), name_key(sku))) if sku else None

    def _show_lead_time(self, row: int) -> None:
        found = self._item_of(row)
        if found is None:
            self.lead_time.setText("")
            return
        day = self.order_date.value() or dt.date.today()
        sku = self.cell(row, "sku")
        self.lead_time.setText(f"{sku}: {lead_time_text(found, day, dt.date.today())}")

    def _fill_from_catalogue(self, row: int) -> None:
        """A known SKU brings its description and list price to empty cells, and its
        latest lead-time quote to the SKU cell's tooltip and the hint under the grid."""
        found = self._item_of(row)
        if found is None:
            return
        self.grid.blockSignals(True)
        try:
            sku_item = self.grid.item(row, GRID_FIELDS.index("sku"))
            if sku_item is not None:
                day = self.order_date.value() or dt.date.today()
                sku_item.setToolTip(lead_time_text(found, day, dt.date.today()))
            if found.description and not self.cell(row, "description"):
                self.set_cell(row, "description", found.description)
            if found.list_price is not None and not self.cell(row, "unit_price"):
                self.set_cell(row, "unit_price", fmt.plain_number(found.list_price))
        finally:
            self.grid.blockSignals(False)

    def _filled_rows(self) -> list[int]:
        return [
            row
            for row in range(self.grid.rowCount())
            if any(self.cell(row, name) for name in GRID_FIELDS)
        ]

    def _update_totals(self) -> None:
        lines, units, value = 0, 0, Decimal(0)
        for row in self._filled_rows():
            lines += 1
            quantity = _number(self.cell(row, "quantity"))
            price = _number(self.cell(row, "unit_price"))
            if quantity is not None:
                units += int(quantity)
                if price is not None:
                    value += quantity * price
        currency = self.currency.text().strip().upper() or self.names.currency_for(
            self.vendor_name()
        )
        self.totals.setText(
            f"{fmt.counted(lines, 'line')} · {fmt.counted(units, 'unit')} · "
            f"{fmt.money(value, currency)}"
        )

    # --- saving --------------------------------------------------------------------------

    def header_values(self) -> dict[str, Any]:
        return {
            "po_number": self.po_number.text(),
            "vendor": self.vendor_name(),
            "site": self.site.currentText().strip(),
            "order_date": self.order_date.value(),
            "currency": self.currency.text(),
        }

    def line_values(self) -> list[dict[str, Any]]:
        return [{name: self.cell(row, name) for name in GRID_FIELDS} for row in self._filled_rows()]

    def _reading(self) -> tuple[bool, bool]:
        """(day first, decimal comma) as the person's locale writes them."""
        return fmt.day_first(), QLocale().decimalPoint() == ","

    def check(self) -> None:
        """Every problem of the order as typed so far, at once: cells red as you type, the
        reasons listed below, Save off while any is left. Header fields left blank are
        named only once something has been typed or Save was pressed."""
        from services import orders
        from services.errors import ValidationError

        filled = self._filled_rows()
        if not filled and not self._tried:
            self._clear_marks()
            self.problems = []
            self.message.hide()
            self.save_button.setEnabled(True)
            return
        header, lines = self.header_values(), self.line_values()
        if self.existing is not None:
            header = {name: getattr(self.existing, name) for name in HEADER_FIELDS}
        dayfirst, decimal_comma = self._reading()
        problems = orders.check_typed_order(
            header, lines, self.names, dayfirst=dayfirst, decimal_comma=decimal_comma
        )
        self.problems = problems
        self._clear_marks()
        if problems:
            self._show_problems(ValidationError(problems, subject="The purchase order"), filled)
        else:
            self.message.hide()
        self.save_button.setEnabled(not problems)
        self.save_button.setToolTip("Fix the problems listed first" if problems else "")

    def save(self) -> None:
        from services import orders

        self._tried = True
        self.check()
        if self.problems:
            return
        header, lines = self.header_values(), self.line_values()
        filled = self._filled_rows()
        self._clear_marks()
        self.message.hide()
        dayfirst, decimal_comma = self._reading()
        self.save_button.setEnabled(False)

        def done(saved: list[dict[str, Any]]) -> None:
            self.saved = saved
            self.save_button.setEnabled(True)
            super(OrderEntryDialog, self).accept()

        def failed(error: BaseException) -> None:
            self.save_button.setEnabled(True)
            if isinstance(error, ValidationError):
                self._show_problems(error, filled)
            else:
                show_error(self, error, "Rackbook — New purchase order")

        self.context.write(
            lambda session, actor: orders.new_order(
                session,
                {name: header[name] for name in HEADER_FIELDS},
                lines,
                actor,
                dayfirst=dayfirst,
                decimal_comma=decimal_comma,
            ),
            done,
            failed,
            owner=self,
        )

    def _clear_marks(self) -> None:
        """No cell marked as a problem; the SKU cells' tooltips say their lead time again."""
        self.grid.blockSignals(True)
        sku_column = GRID_FIELDS.index("sku")
        day = self.order_date.value() or dt.date.today()
        for row in range(self.grid.rowCount()):
            found = self._item_of(row)
            for column in range(self.grid.columnCount()):
                item = self.grid.item(row, column)
                if item is not None:
                    item.setBackground(QBrush())
                    lead = column == sku_column and found is not None
                    item.setToolTip(
                        lead_time_text(found, day, dt.date.today()) if lead and found else ""
                    )
        self.grid.blockSignals(False)

    def _show_problems(self, error: ValidationError, filled: list[int]) -> None:
        """Each problem on its cell (red, the reason as its tooltip) and all of them below."""
        self.grid.blockSignals(True)
        try:
            for problem in error.problems:
                if problem.row is None or problem.field not in GRID_FIELDS:
                    continue
                if not 1 <= problem.row <= len(filled):
                    continue
                row = filled[problem.row - 1]
                item = self.grid.item(row, GRID_FIELDS.index(problem.field))
                if item is None:  # a required cell left empty
                    self.set_cell(row, problem.field, "")
                    item = self.grid.item(row, GRID_FIELDS.index(problem.field))
                    assert item is not None
                item.setBackground(_PROBLEM)
                item.setToolTip(problem.reason)
        finally:
            self.grid.blockSignals(False)
        self.message.setText(str(error))
        self.message.show()


def lead_time_text(item: CatalogueItem, order_date: dt.date, today: dt.date) -> str:
    """``quoted 182 days on 1/10/2026, expired 4/10/2026: about 5/3/2027 if ordered …``."""
    arrival = item.arrival(order_date)
    if arrival is None or item.quoted_on is None:
        return "no lead time quoted"
    text = f"quoted {fmt.number(item.lead_days)} days on {fmt.date(item.quoted_on)}"
    if item.valid_until is not None:
        gone = item.valid_until < today
        text += f", {'expired' if gone else 'valid until'} {fmt.date(item.valid_until)}"
    return f"{text}: about {fmt.date(arrival)} if ordered {fmt.date(order_date)}"


def _number(text: str) -> Decimal | None:
    try:
        return fmt.parse_decimal(text)
    except (ValueError, ArithmeticError):
        return None
