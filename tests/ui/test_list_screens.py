"""Every list screen on the demo data (and one on PostgreSQL), and opening the demo database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from services import records
from tests.helpers import basic_world, day, make
from tests.ui.conftest import make_context
from ui import format as fmt
from ui.dialogs.record_dialog import RecordDialog
from ui.screens.list_screen import ListScreen
from ui.screens.orders_screen import OrdersScreen
from ui.tables.kinds import LISTS

pytestmark = pytest.mark.gui


@pytest.mark.parametrize("kind", sorted(LISTS))
def test_screen_lists_searches_sorts_and_filters(qtbot, qtmodeltester, context, kind):
    screen = OrdersScreen(context) if kind == "orders" else ListScreen(kind, context)
    qtbot.addWidget(screen)
    screen.refresh()
    with context.db.session() as session:
        found = records.list_records(session, kind)
    assert screen.model.total_rows == len(found) > 0
    qtmodeltester.check(screen.model)
    header = screen.view.horizontalHeader()
    for column in range(screen.model.columnCount()):
        header.setSortIndicator(column, Qt.SortOrder.DescendingOrder)
        values = [
            screen.model.record(r)[screen.model.columns[column].name]
            for r in range(screen.model.rowCount())
        ]
        filled = [v.casefold() if isinstance(v, str) else v for v in values if v is not None]
        assert filled == sorted(filled, reverse=True), screen.model.columns[column].name
    key_field = screen.spec.schema.key[0]
    needle = str(found[-1][key_field])
    screen.search.setText(needle)
    assert 0 < screen.model.rowCount() <= len(found)
    screen.search.clear()
    for name, combo in screen.filters.items():
        if combo.count() > 1:
            combo.setCurrentIndex(1)
            wanted = combo.currentData()
            assert {screen.model.record(r)[name] for r in range(screen.model.rowCount())} == {
                wanted
            }
            combo.setCurrentIndex(0)
    assert screen.model.rowCount() == len(found)
    screen.update_footer()
    count = fmt.number(len(found))
    assert screen.footer.text().startswith(f"{count} of {count}")


def test_create_a_customer_and_an_fx_rate_through_their_screens(qtbot, context, monkeypatch):
    def fill(values):
        def run(dialog):
            for name, value in values.items():
                dialog.editors[name].set_value(value)
            dialog.accept()
            return dialog.result()

        return run

    customers = ListScreen("customers", context)
    qtbot.addWidget(customers)
    customers.refresh()
    monkeypatch.setattr(RecordDialog, "exec", fill({"name": "Orbital Labs", "country": "US"}))
    customers.new_record()
    assert customers.model.row_of_id(customers.selected_id()) >= 0
    assert customers.selected_record()["name"] == "Orbital Labs"

    rates = ListScreen("fxrates", context)
    qtbot.addWidget(rates)
    rates.refresh()
    monkeypatch.setattr(
        RecordDialog,
        "exec",
        fill({"currency": "chf", "rate": Decimal("1.12345678"), "valid_from": day("2026-01-01")}),
    )
    rates.new_record()
    with context.db.session() as session:
        saved = records.find_record(
            session, "fxrates", {"currency": "CHF", "valid_from": day("2026-01-01")}
        )
    assert saved is not None and saved["rate"] == Decimal("1.12345678")


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_orders_screen_on_postgresql(qtbot, database, tmp_path, monkeypatch):
    from ui.dialogs.order_dialogs import ReceiveDialog

    with database.write() as session:
        basic_world(session)
        make(
            session,
            "orders",
            po_number="PO-PG",
            line=1,
            vendor="Nvidia",
            sku="GB300-NVL72",
            quantity=3,
            site="Panther Creek",
            order_date=day("2026-01-05"),
            unit_price=Decimal("3950000.00"),
            eta=day("2026-04-01"),
        )
    context = make_context(database, tmp_path)
    screen = OrdersScreen(context)
    qtbot.addWidget(screen)
    screen.refresh()
    assert screen.model.total_rows == 1
    screen.select_id(screen.model.record(0)["id"])
    screen.load_details()

    def fill(dialog):
        dialog.quantity.setValue(3)
        dialog.received_on.set_value(dt.date(2026, 4, 2))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ReceiveDialog, "exec", fill)
    screen.receive_goods()
    assert screen.model.record(0)["status"] == "received"
    with database.session() as session:
        assert records.list_records(session, "orders")[0]["received_qty"] == 3


def test_demo_window_opens_and_loads_the_demo_data_in_the_background(qtbot, tmp_path):
    from models.database import open_database
    from ui.app import open_in_background
    from ui.main_window import MainWindow
    from ui.workers import Tasks

    location = tmp_path / "rackbook-demo.db"
    placeholder = open_database(location)  # an empty, migrated demo file
    context = make_context(placeholder, tmp_path)
    context.database = None
    context.tasks = Tasks(context)  # the real background thread
    window = MainWindow(context, "rackbook-demo.db")
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(context.opened, timeout=60_000):
        open_in_background(window, str(location), demo=True)
    qtbot.waitUntil(
        lambda: "orders" in window.screens and window.screens["orders"].complete, timeout=30_000
    )
    assert window.windowTitle() == "Rackbook — rackbook-demo.db"
    assert window.screens["orders"].model.total_rows > 0
    context.tasks.wait()
    qtbot.wait(50)
    context.db.dispose()
    placeholder.dispose()


def test_a_hidden_column_is_fitted_when_shown(qtbot, context):
    screen = OrdersScreen(context)
    qtbot.addWidget(screen)
    screen.refresh()
    header = screen.view.horizontalHeader()
    names = [c.name for c in screen.model.columns]
    description = names.index("description")
    assert header.isSectionHidden(description) and description in screen._unfitted
    screen.set_column_shown(description, True)
    texts = {screen.model.text(r, description) for r in range(min(screen.model.rowCount(), 25))}
    widest = max(map(screen.view.fontMetrics().horizontalAdvance, texts))
    assert not header.isSectionHidden(description)
    assert header.sectionSize(description) == min(widest + 24, 320)
    assert description not in screen._unfitted
