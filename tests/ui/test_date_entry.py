"""Dates typed in the window are never changed silently: the one date editor (dialogs, the
new-order grid, the list filters) reads what the import reads, says what it understood, refuses
impossible dates and has no sections for Tab to walk into."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from services import catalogue, lists
from ui.date_edit import DateEdit, add_months
from ui.dialogs.order_dialogs import EtaDialog
from ui.dialogs.order_entry import GRID_FIELDS, OrderEntryDialog

pytestmark = pytest.mark.gui

LINE = {
    "po_number": "PO-1",
    "line": 1,
    "vendor": "Dell Technologies",
    "sku": "XE9712",
    "quantity": 4,
    "received_qty": 0,
    "status": "confirmed",
    "promised_date": dt.date(2027, 2, 1),
    "eta": dt.date(2027, 2, 10),
}


def test_an_impossible_eta_is_refused_not_rolled_over(qtbot):
    dialog = EtaDialog(LINE)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.eta.line.clear()
    qtbot.keyClicks(dialog.eta.line, "2027-02-30")
    assert dialog.value() is None  # never 2027-03-02 nor 2027-02-03
    assert "February 2027 has 28 days" in dialog.eta.reading.text()
    assert not dialog.ok.isEnabled()
    dialog.eta.line.clear()
    qtbot.keyClicks(dialog.eta.line, "2027-02-28")
    assert dialog.value() == dt.date(2027, 2, 28)
    assert dialog.ok.isEnabled()


def test_a_day_over_twelve_is_read_as_the_day_and_the_reading_is_shown(qtbot):
    field = DateEdit(name="ETA")
    qtbot.addWidget(field)
    field.show()
    qtbot.keyClicks(field.line, "15/03/2027")
    assert field.value() == dt.date(2027, 3, 15)
    assert field.reading.text().startswith("→ ")
    assert "2027" in field.reading.text() and "15" in field.reading.text()
    field.line.clear()
    qtbot.keyClicks(field.line, "20-Apr-2027")
    assert field.value() == dt.date(2027, 4, 20)


def test_keys_step_days_and_months_without_rolling_over(qtbot):
    field = DateEdit(optional=False)
    qtbot.addWidget(field)
    field.set_value(dt.date(2027, 1, 31))
    qtbot.keyClick(field.line, Qt.Key.Key_PageUp)
    assert field.value() == dt.date(2027, 2, 28)
    qtbot.keyClick(field.line, Qt.Key.Key_Up)
    assert field.value() == dt.date(2027, 3, 1)
    assert add_months(dt.date(2028, 3, 31), -1) == dt.date(2028, 2, 29)


def test_tab_leaves_the_order_date_whole(qtbot, context):
    """Tab from the order date goes to the next field; typing there changes no date."""
    with context.db.session() as session:
        names, items = lists.reference_names(session), catalogue.catalogue(session)
    dialog = OrderEntryDialog(context, names, items)
    qtbot.addWidget(dialog)
    dialog.show()
    today = dt.date.today()
    assert dialog.order_date.value() == today
    dialog.order_date.setFocus()
    qtbot.keyClick(dialog.order_date.line, Qt.Key.Key_Tab)
    focused = dialog.focusWidget()
    assert focused is not dialog.order_date.line
    assert not isinstance(focused, QLineEdit) or focused.objectName() != "dateText"
    qtbot.keyClicks(focused, "0912")
    assert dialog.order_date.value() == today


def test_the_grid_reads_a_day_first_date_and_marks_cells_as_you_type(qtbot, context):
    with context.db.session() as session:
        names, items = lists.reference_names(session), catalogue.catalogue(session)
    dialog = OrderEntryDialog(context, names, items)
    qtbot.addWidget(dialog)
    dialog.po_number.setText("DR-2027-950")
    dialog.vendor.setCurrentText("Dell Technologies")
    dialog.site.setCurrentText("Drummondville")
    dialog.set_cell(0, "sku", "XE9712")
    dialog.set_cell(0, "quantity", "two")
    dialog.set_cell(0, "promised_date", "15/06/2027")
    dialog.set_cell(1, "sku", "NOT-A-DELL-SKU")
    dialog.set_cell(1, "quantity", "1")
    # Before any Save: every problem at once, on its cell, the date accepted.
    text = dialog.message.text()
    assert "Quantity is not a number" in text
    assert "NOT-A-DELL-SKU" in text
    assert "15/06/2027" not in text
    quantity = dialog.grid.item(0, GRID_FIELDS.index("quantity"))
    sku = dialog.grid.item(1, GRID_FIELDS.index("sku"))
    assert quantity.background().color().red() > 200 and quantity.toolTip()
    assert sku.toolTip()
    assert not dialog.save_button.isEnabled()
    dialog.set_cell(0, "quantity", "2")
    dialog.set_cell(1, "sku", "R770")
    assert dialog.save_button.isEnabled()
    dialog.save()
    assert dialog.saved is not None
    assert dialog.saved[0]["promised_date"] == dt.date(2027, 6, 15)
