"""Several rows at once: selected together, copied with their headers (Ctrl+C), totalled in
the footer, deleted in one go (all or none)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import select

from models import AuditEntry
from services import lists, records
from services.audit import Actor
from tests.ui.helpers import answer_yes, select_rows
from ui import format as fmt
from ui.screens.list_screen import ListScreen

pytestmark = pytest.mark.gui


def _ctrl_c(qtbot, widget):
    qtbot.keyClick(widget, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    # Qt keeps the last key event's modifiers as the keyboard's state: Ctrl would stay down
    # for the tests that follow (and make their row selections toggles).
    qtbot.keyRelease(widget, Qt.Key.Key_Control)


def test_ctrl_c_copies_the_selected_rows_as_shown_with_headers(window, qtbot):
    window.show_screen("orders")
    screen = window.current_screen()
    header = screen.view.horizontalHeader()
    titles = [c.title for c in screen.model.columns]
    # The person hid the site and moved the quantity to the front.
    screen.set_column_shown(titles.index("Site"), False)
    header.moveSection(header.visualIndex(titles.index("Quantity")), 0)
    picked = [0, 2, 5]
    select_rows(screen.view, picked)
    screen.view.setFocus()
    QGuiApplication.clipboard().clear()
    _ctrl_c(qtbot, screen.view)

    data = QGuiApplication.clipboard().mimeData()
    read = list(csv.reader(io.StringIO(data.text()), delimiter="\t"))
    shown = [
        screen.model.columns[header.logicalIndex(v)]
        for v in range(header.count())
        if not screen.view.isColumnHidden(header.logicalIndex(v))
    ]
    expected_headers = []
    for column in shown:
        expected_headers.append(column.title)
        if column.type == "money" and "Currency" not in expected_headers:
            expected_headers.append("Currency")  # the currency column itself is hidden
    assert read[0] == expected_headers
    assert read[0][0] == "Quantity" and "Site" not in read[0]
    assert len(read) == 1 + len(picked)
    for line, row in zip(read[1:], picked, strict=True):
        record = screen.model.record(row)
        cells = dict(zip(read[0], line, strict=True))
        assert cells["Quantity"] == str(record["quantity"])
        assert cells["PO number"] == record["po_number"]
        # Money as a number a spreadsheet reads (no grouping, no currency), the currency beside.
        assert Decimal(cells["Unit price"]) == record["unit_price"]
        assert cells["Currency"] == record["currency"]
        assert cells["Status"] == fmt.choice(record["status"])
        assert cells["Order date"] == fmt.date(record["order_date"])
    assert data.hasHtml() and data.html().count("<tr>") == 1 + len(picked)
    assert "3 rows" in window.statusBar().currentMessage()


def test_a_large_copy_is_text_alone(window, monkeypatch):
    monkeypatch.setattr("ui.tables.copying.HTML_ROWS_MAX", 2)
    window.show_screen("orders")
    screen = window.current_screen()
    screen.view.selectAll()
    screen.view.setFocus()
    window.copy_rows()
    data = QGuiApplication.clipboard().mimeData()
    assert not data.hasHtml()
    assert len(data.text().splitlines()) == 1 + screen.model.rowCount()


def test_ctrl_c_in_the_search_box_copies_its_text_not_rows(window, qtbot):
    window.show_screen("orders")
    screen = window.current_screen()
    screen.search.setText("Panther")
    screen.search.selectAll()
    screen.search.setFocus()
    _ctrl_c(qtbot, screen.search)
    assert QGuiApplication.clipboard().text() == "Panther"


def test_a_detail_table_copies_its_own_rows(window, qtbot):
    window.show_screen("orders")
    screen = window.current_screen()
    screen.view.setCurrentIndex(screen.model.index(0, 0))
    screen.load_details()
    screen.details.setCurrentWidget(screen.history_tab)
    view = screen.history_tab.view()
    assert screen.history_model.rowCount() > 0
    view.selectAll()
    view.setFocus()
    window.copy_rows()
    lines = QGuiApplication.clipboard().text().splitlines()
    assert lines[0].split("\t")[:3] == ["When", "Who", "Source"]
    assert len(lines) == 1 + screen.history_model.rowCount()


def test_the_footer_totals_the_selected_rows(qtbot, context):
    screen = ListScreen("orders", context)
    qtbot.addWidget(screen)
    screen.refresh()
    open_rows = [
        r for r in range(screen.model.rowCount()) if screen.model.record(r)["status"] == "confirmed"
    ][:3]
    assert len(open_rows) == 3
    select_rows(screen.view, open_rows)
    screen.update_footer()
    shown = fmt.number(screen.model.rowCount())
    text = screen.footer.text()
    assert text.startswith(f"3 of {shown} order lines selected")
    figures = lists.totals(
        "orders", screen.model.names, screen.model.rows_at(open_rows), screen.money
    )
    gpus = next(f for f in figures if f.label == "GPUs on order")
    assert gpus.value > 0
    assert f"GPUs on order: {fmt.number(gpus.value)}" in text
    # One row selected again: the whole list's totals are back.
    select_rows(screen.view, [open_rows[0]])
    screen.update_footer()
    assert screen.footer.text().startswith(f"{shown} of {shown}")


def _customers(context, names):
    with context.db.write() as session:
        for name in names:
            records.create(session, "customers", {"name": name, "country": "CA"}, Actor("t"))


def test_several_records_are_deleted_together(qtbot, context, monkeypatch):
    _customers(context, ["Aurora Labs", "Boreal AI", "Cedar Compute"])
    screen = ListScreen("customers", context)
    qtbot.addWidget(screen)
    screen.refresh()
    rows = [
        screen.model.row_of_id(i)
        for i in screen.model.ids_where("name", ["Aurora Labs", "Boreal AI", "Cedar Compute"])
    ]
    select_rows(screen.view, sorted(rows))
    asked = answer_yes(monkeypatch)
    screen.delete_record()
    assert "Delete these 3 customers: Aurora Labs, Boreal AI, Cedar Compute?" in asked[0]
    with context.db.session() as session:
        left = {c["name"] for c in records.list_records(session, "customers")}
        deleted = session.scalars(
            select(AuditEntry.entity_key).where(
                AuditEntry.entity == "customers", AuditEntry.action == "delete"
            )
        ).all()
    assert not left & {"Aurora Labs", "Boreal AI", "Cedar Compute"}
    assert sorted(deleted) == ["Aurora Labs", "Boreal AI", "Cedar Compute"]
    assert screen.model.ids_where("name", ["Aurora Labs"]) == set()


def test_one_record_that_cannot_go_keeps_them_all(qtbot, context, monkeypatch):
    _customers(context, ["Dune Robotics"])
    screen = ListScreen("customers", context)
    qtbot.addWidget(screen)
    screen.refresh()
    with context.db.session() as session:
        contracts = records.list_records(session, "contracts")
    bound = contracts[0]["customer"]  # a customer with a contract cannot be deleted
    rows = sorted(
        screen.model.row_of_id(i) for i in screen.model.ids_where("name", ["Dune Robotics", bound])
    )
    select_rows(screen.view, rows)
    monkeypatch.setattr(QMessageBox, "question", lambda *_a: QMessageBox.StandardButton.Yes)
    shown_errors = []
    monkeypatch.setattr(
        "ui.screens.list_screen.show_error", lambda _p, error, *_a: shown_errors.append(error)
    )
    screen.delete_record()
    assert shown_errors and bound in str(shown_errors[0])
    with context.db.session() as session:
        left = {c["name"] for c in records.list_records(session, "customers")}
    assert {"Dune Robotics", bound} <= left


def test_edit_and_the_details_follow_the_current_row_among_several(qtbot, context):
    """Several rows selected: Edit and the details still mean the current one."""
    screen = ListScreen("fxrates", context)
    qtbot.addWidget(screen)
    screen.refresh()
    select_rows(screen.view, [1, 0])
    assert screen.selected_rows() == [0, 1]
    assert screen.selected_record() == screen.model.record(1)
    assert isinstance(screen.selected_record()["valid_from"], dt.date)


def test_duplicate_opens_a_new_record_with_the_terms_copied(qtbot, context, monkeypatch):
    from ui.dialogs.record_dialog import RecordDialog

    screen = ListScreen("contracts", context)
    qtbot.addWidget(screen)
    screen.refresh()
    select_rows(screen.view, [0])
    original = screen.selected_record()
    seen = {}

    def fill(dialog):
        seen["title"] = dialog.windowTitle()
        seen["saving"] = dialog.ok_button.isEnabled()
        seen["price"] = dialog.editors["price"].value()[0]
        dialog.editors["contract_ref"].set_value("C-COPY-1")
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(RecordDialog, "exec", fill)
    screen.duplicate_record()
    assert seen["title"] == f"New contract, a copy of {original['contract_ref']}"
    assert not seen["saving"]  # the reference is still to be typed
    assert seen["price"] == original["price"]
    copy = screen.selected_record()
    assert copy["contract_ref"] == "C-COPY-1" and copy["id"] != original["id"]
    assert copy["status"] == "draft"
    for field in ("customer", "site", "committed_gpus", "price_unit", "start_date"):
        assert copy[field] == original[field], field


def test_the_current_record_stays_current_when_the_rows_are_replaced(qtbot, context):
    """A reload in another order (another user's change) or a row removed above it keeps
    the same record current, not the same row number."""
    screen = ListScreen("orders", context)
    qtbot.addWidget(screen)
    screen.refresh()
    model = screen.model
    last = model.rowCount() - 1
    select_rows(screen.view, [last])
    chosen = screen.selected_record()["id"]
    rows = list(model.all_rows)
    model.set_rows(model.names, rows[::-1])
    assert screen.selected_record()["id"] == chosen
    assert screen.view.currentIndex().row() == 0
    # A row above it removed in place (a line deleted by someone else).
    select_rows(screen.view, [5])
    chosen = screen.selected_record()["id"]
    above = model.record(0)["id"]
    model.update_rows([], [], {above})
    assert screen.selected_record()["id"] == chosen
    assert screen.view.currentIndex().row() == 4


def test_go_to_finds_a_purchase_order_and_shows_it_on_its_list(window, monkeypatch):
    from ui.dialogs.go_to import GoToDialog

    orders_list = window.screens.get("orders")
    po = "DR-2026-119"

    def fill(dialog):
        dialog.text.setText(po.lower())
        dialog.search()
        seen = [dialog.results.item(i).text() for i in range(dialog.results.count())]
        assert seen[0].startswith(f"Purchase order {po}  —  ")
        assert dialog.status.text() == f"{len(seen)} found"
        dialog.go()
        return 1

    monkeypatch.setattr(GoToDialog, "exec", fill)
    window.go_to()
    screen = window.current_screen()
    assert screen.kind == "orders" and screen.search.text() == po
    assert {screen.model.record(r)["po_number"] for r in range(screen.model.rowCount())} == {po}
    assert orders_list is None or orders_list is screen


def test_go_to_says_when_nothing_is_found(qtbot, context):
    from ui.dialogs.go_to import GoToDialog

    dialog = GoToDialog(context)
    qtbot.addWidget(dialog)
    dialog.text.setText("zzz-nothing")
    dialog.search()
    assert dialog.results.count() == 0 and dialog.status.text() == "Nothing found"
    dialog.text.setText("z")
    dialog.search()
    assert dialog.status.text() == ""
