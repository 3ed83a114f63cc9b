"""Every list screen on the demo data (and one on PostgreSQL), and opening the demo database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from sqlalchemy import text

from services import catalogue, lists, records
from tests.builders import basic_world, day, order_line
from tests.ui.conftest import make_context
from tests.ui.helpers import with_deployments
from ui import format as fmt
from ui.dialogs.record_dialog import RecordDialog
from ui.screens.list_screen import ListScreen
from ui.screens.orders_screen import OrdersScreen
from ui.tables.kinds import LISTS

pytestmark = pytest.mark.gui


@pytest.mark.parametrize("kind", sorted(LISTS))
def test_screen_lists_searches_sorts_and_filters(qtbot, qtmodeltester, context, kind):
    with_deployments(context.db)
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
        order_line(
            session,
            "PO-PG",
            quantity=3,
            order_date=day("2026-01-05"),
            unit_price=Decimal("3950000.00"),
            eta=day("2026-04-01"),
            status=None,
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
    assert window.current_screen() is window.screens["today"]  # the first screen
    window.show_screen("orders")
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


def test_first_page_is_read_at_once_on_sqlite_and_in_the_worker_on_postgresql(
    qtbot, database, backend, tmp_path
):
    """With the real background worker: on a SQLite file refresh() puts the first page in
    the model before it returns (nothing to wait for behind the queue); on PostgreSQL the
    page arrives from the worker. Either way the whole list follows, and a failed read of
    the first page is reported, not raised."""
    from PySide6.QtCore import QSettings

    from ui.context import AppContext
    from ui.workers import Tasks

    with database.write() as session:
        basic_world(session)
        for line in range(1, 6):
            order_line(
                session,
                "PO-FIRST",
                line,
                quantity=line,
                order_date=day("2026-01-05"),
                unit_price=None,
                status=None,
            )
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    context = AppContext("tester", Tasks(), settings)
    context.set_database(database)
    screen = OrdersScreen(context)
    qtbot.addWidget(screen)
    screen.resize(1000, 800)

    screen.refresh()

    if backend == "sqlite":
        assert screen.model.rowCount() == 5 and not screen.complete
    else:
        assert screen.model.rowCount() == 0
    qtbot.waitUntil(lambda: screen.complete and screen.row_marks is not None, timeout=10_000)
    assert screen.model.total_rows == 5
    context.tasks.wait()

    failures: list[BaseException] = []
    context.read(
        lambda session: session.execute(text("SELECT * FROM no_such_table")),
        None,
        failures.append,
        small=True,
    )
    qtbot.waitUntil(lambda: bool(failures), timeout=10_000)
    assert "no_such_table" in str(failures[0])


def test_callbacks_of_a_deleted_widget_are_dropped(qtbot, database, tmp_path):
    """A screen closed while its read was queued: its callbacks do not run (they would touch
    deleted widgets); the callbacks of a live one do."""
    import shiboken6
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QLabel

    from ui.context import AppContext
    from ui.workers import Tasks

    context = AppContext(
        "tester", Tasks(), QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    )
    context.set_database(database)
    gone, alive = QLabel(), QLabel()
    qtbot.addWidget(alive)
    calls: list[str] = []
    context.read(lambda s: 1, lambda _r: calls.append("gone done"), owner=gone)
    context.read(lambda s: 1 / 0, None, lambda _e: calls.append("gone failed"), owner=gone)
    context.read(lambda s: 1, lambda _r: calls.append("alive done"), owner=alive)
    context.read(lambda s: 1 / 0, None, lambda _e: calls.append("alive failed"), owner=alive)
    shiboken6.delete(gone)

    qtbot.waitUntil(lambda: context.tasks.pending == 0, timeout=10_000)

    assert calls == ["alive done", "alive failed"]


def test_detail_tabs_build_their_tables_when_first_shown(qtbot, context):
    """The History and ETA history tabs take their rows at once but build their table views
    only when shown; the view then shows the rows already there."""
    screen = OrdersScreen(context)
    qtbot.addWidget(screen)
    screen.show()
    screen.refresh()
    screen.select_id(screen.model.record(0)["id"])
    screen.load_details()
    assert screen.history_model.rowCount() >= 1
    for tab in (screen.history_tab, screen.eta_tab):
        assert tab._view is None
        screen.details.setCurrentWidget(tab)
        view = tab.view()
        assert view.isVisible() and view.model() is tab.model
        assert view.objectName() in ("historyTable", "etaHistory")
    history = screen.history_tab.view()
    assert history.model().rowCount() == screen.history_model.rowCount()
    assert history.columnWidth(0) > 0


def test_vendors_show_their_performance_beside_their_fields(qtbot, context):
    import datetime as dt

    from services.scorecard import vendor_scorecard

    screen = ListScreen("vendors", context)
    qtbot.addWidget(screen)
    screen.refresh()
    with context.db.session() as session:
        scores = {s.vendor: s for s in vendor_scorecard(session, dt.date.today())}
    titles = [c.title for c in screen.model.columns]
    for title in ("On time %", "Units overdue", "Median slip (days)", "Open order value"):
        assert title in titles
    checked = 0
    for row in range(screen.model.rowCount()):
        record = screen.model.record(row)
        score = scores.get(record["name"])
        if score is None:
            continue
        assert record["on_time_pct"] == score.on_time_pct
        assert record["median_slip_days"] == score.median_slip_days
        assert record["units_overdue"] == score.units_overdue
        assert record["open_value"] == score.open_value
        checked += 1
    assert checked > 3
    # Sorted by on-time share, worst first: a buyer's shortlist of who to chase.
    at = titles.index("On time %")
    screen.view.horizontalHeader().setSortIndicator(at, Qt.SortOrder.AscendingOrder)
    values = [screen.model.record(r)["on_time_pct"] for r in range(screen.model.rowCount())]
    filled = [v for v in values if v is not None]
    assert filled == sorted(filled)


def test_contracts_and_products_show_what_secures_them(qtbot, context):
    import datetime as dt

    from services.figures import contract_figures

    contracts = ListScreen("contracts", context)
    qtbot.addWidget(contracts)
    contracts.refresh()
    with context.db.session() as session:
        figures = contract_figures(session, dt.date.today())
        items = catalogue.catalogue(session)
    short = [
        contracts.model.record(r)
        for r in range(contracts.model.rowCount())
        if (contracts.model.record(r)["shortfall"] or 0) > 0
    ]
    assert short
    for record in short:
        figure = figures[record["contract_ref"]]
        assert (record["gpus_secured"], record["shortfall"], record["need_by"]) == (
            figure.gpus_secured,
            figure.shortfall,
            figure.need_by,
        )
    # The need-by date is one of the dates the list's range applies to.
    assert contracts.date_field.findData("need_by") >= 0
    assert contracts.date_field.itemText(contracts.date_field.findData("need_by")) == (
        "GPUs needed by"
    )

    products = ListScreen("products", context)
    qtbot.addWidget(products)
    products.refresh()
    quoted = [
        products.model.record(r)
        for r in range(products.model.rowCount())
        if products.model.record(r)["lead_days"] is not None
    ]
    assert quoted
    for record in quoted:
        item = items[(record["vendor"].casefold(), record["sku"].casefold())]
        assert (record["lead_days"], record["quoted_on"]) == (item.lead_days, item.quoted_on)
    # Units on order as open_units counts them, line by line.
    with context.db.session() as session:
        lines = records.list_records(session, "orders")
    expected: dict[tuple[str, str], int] = {}
    for line in lines:
        units = lists.open_units(line["quantity"], line["received_qty"], line["status"])
        expected[(line["vendor"], line["sku"])] = (
            expected.get((line["vendor"], line["sku"]), 0) + units
        )
    on_order = {
        (r["vendor"], r["sku"]): r["units_on_order"]
        for r in (products.model.record(i) for i in range(products.model.rowCount()))
    }
    assert any(on_order.values())
    assert on_order == {key: expected.get(key, 0) for key in on_order}
