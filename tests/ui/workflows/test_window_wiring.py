"""The workflows inside the main window: a dropped spreadsheet opens the wizard, Export opens
the export dialog on the list shown, the sidebar counts open critical alerts, and an
acknowledgement or an import recounts them."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from services import alerts
from tests.ui.workflows.conftest import drop_file, samples
from ui.context import AppContext
from ui.dialogs.export_dialog import SHOWN
from ui.main_window import MainWindow

pytestmark = pytest.mark.gui


def test_dropping_a_spreadsheet_opens_the_wizard_on_it(window: MainWindow) -> None:
    path = str(samples() / "dell_order_status.xlsx")
    drop_file(window, path)
    wizard = window.last_wizard
    assert wizard.isVisible()
    assert wizard.file_page.path.text() == path
    wizard.reject()


def test_export_opens_the_dialog_on_the_list_shown(window: MainWindow) -> None:
    window.show_screen("orders")
    window.export_action.trigger()
    dialog = window.last_export
    assert dialog.isVisible()
    assert dialog.what.currentData() == SHOWN
    dialog.reject()
    window.show_screen("dashboard")
    window.export_action.trigger()
    assert window.last_export.what.currentData() == "contracts"
    window.last_export.reject()


def test_sidebar_counts_every_open_alert_and_names_the_critical_ones(
    window: MainWindow, context: AppContext
) -> None:
    with context.db.session() as session:
        shown = alerts.visible_alerts(session)
    critical = [a for a in shown if a.severity == "critical"]
    nav = window.navigation
    ids = [nav.item(i).data(Qt.ItemDataRole.UserRole) for i in range(nav.count())]
    item = nav.item(ids.index("alerts"))
    assert item.text() == f"Alerts {len(shown)}\n{len(critical)} critical"
    assert f"{len(critical)} critical" in window.alerts_label.text()

    window.show_screen("alerts")
    screen = window.screens["alerts"]
    screen.acknowledge_alert(critical[0].key, "on it", None)
    assert item.text() == f"Alerts {len(shown) - 1}\n{len(critical) - 1} critical"
    assert f"{len(critical) - 1} critical" in window.alerts_label.text()


def test_alerts_raised_since_the_last_look_are_new_until_seen(
    window: MainWindow, context: AppContext
) -> None:
    import datetime as dt
    from decimal import Decimal

    from services import records
    from services.audit import Actor
    from ui.screens.alerts_screen import AlertsScreen

    nav = window.navigation
    ids = [nav.item(i).data(Qt.ItemDataRole.UserRole) for i in range(nav.count())]
    item = nav.item(ids.index("alerts"))
    assert "new" not in item.text()  # the first look: everything open counts as seen
    with context.db.session() as session:
        before = {a.key for a in alerts.visible_alerts(session)}
    start = dt.date.today() + dt.timedelta(days=120)
    with context.db.write() as session:
        records.create(
            session,
            "contracts",
            {
                "contract_ref": "C-NEW-1",
                "customer": "Orbital Labs",
                "site": "Panther Creek",
                "service": "gpu_lease",
                "start_date": start,
                "end_date": start + dt.timedelta(days=730),
                "committed_gpus": 50_000,
                "price": Decimal("2.10"),
                "price_unit": "per_gpu_hour",
            },
            Actor("someone else"),
        )
    with context.db.session() as session:
        new = {a.key for a in alerts.visible_alerts(session)} - before
    assert "capacity_shortfall:C-NEW-1" in new
    window.update_alert_counts()
    assert item.text().endswith(f" · {len(new)} new")
    assert "raised since you last looked" in item.toolTip()

    window.show_screen("alerts")
    screen = window.screens["alerts"]
    assert isinstance(screen, AlertsScreen)
    assert f"{len(new)} new since you last looked, in bold" in screen.footer.text()
    bold = {
        screen.model.alert(r).key
        for r in range(screen.model.rowCount())
        if screen.model.data(screen.model.index(r, 0), Qt.ItemDataRole.FontRole) is not None
    }
    assert bold == new
    # Leaving the screen: seen, no longer new.
    window.show_screen("orders")
    assert "new" not in item.text()
    window.show_screen("alerts")
    assert "new since" not in screen.footer.text()


def test_a_click_on_the_dashboard_filters_the_orders(window: MainWindow) -> None:
    window.show_screen("dashboard")
    dashboard = window.screens["dashboard"]
    site = dashboard.site_choice.currentData()
    dashboard.site_orders.click()
    orders = window.current_screen()
    assert orders is window.screens["orders"]
    assert orders.filters["site"].currentData() == site
    shown = [orders.model.record(r)["site"] for r in range(orders.model.rowCount())]
    assert shown and set(shown) == {site}


def test_go_to_from_an_alert_shows_its_order(window: MainWindow) -> None:
    window.show_screen("alerts")
    screen = window.screens["alerts"]
    row = next(
        r
        for r in range(screen.model.rowCount())
        if screen.model.alert(r).rule in ("overdue_delivery", "eta_slip")
    )
    screen.view.selectRow(row)
    alert = screen.selected_alert()
    screen.go_button.click()
    orders = window.current_screen()
    assert orders is window.screens["orders"]
    po_number = alert.subject.split("/")[0]
    shown = {orders.model.record(r)["po_number"] for r in range(orders.model.rowCount())}
    assert shown == {po_number}


def test_show_records_lists_only_what_an_import_batch_created_or_changed(
    qtbot: Any, window: MainWindow, context: AppContext
) -> None:
    from services import importing

    with context.db.write() as session:
        report = importing.import_file(
            session,
            samples() / "dell_order_status.xlsx",
            importing.ImportRequest(kind="orders", vendor="Dell"),
            "tester",
        )
    result = report.sheets[0].result
    assert result is not None and (result.created, result.updated) == (3, 1)
    window._imported()
    # A line outside the batch is selected, its purchase order shown below the list.
    window.show_screen("orders")
    orders = window.screens["orders"]
    outside = next(
        r
        for r in range(orders.model.rowCount())
        if orders.model.record(r)["po_number"] == "BC-2025-019"
    )
    orders.view.selectRow(outside)
    qtbot.waitUntil(lambda: orders.order_stack.currentWidget() is not orders.order_waiting)

    window.show_screen("imports")
    imports = window.screens["imports"]
    imports.select_batch(result.batch_id)
    assert imports.show_button.isEnabled()
    imports.show_button.click()

    orders = window.current_screen()
    assert orders is window.screens["orders"]
    shown = {
        f"{orders.model.record(r)['po_number']}/{orders.model.record(r)['line']}"
        for r in range(orders.model.rowCount())
    }
    assert shown == {"ML-2026-014/1", "ML-2026-014/2", "ML-2026-015/1", "RC-2026-003/1"}
    assert orders.only_bar.isVisible()
    assert orders.only_label.text() == (
        f"Only the order lines of import batch {result.batch_id} "
        "(dell_order_status.xlsx, sheet 'Order Status')."
    )
    assert orders.footer.text().startswith(f"4 of {orders.model.total_rows} order lines")
    # The details of the line no longer listed are cleared with it.
    qtbot.waitUntil(lambda: orders.order_stack.currentWidget() is orders.order_waiting)
    assert orders.history_model.rowCount() == 0

    orders.findChild(QPushButton, "showAll").click()
    assert not orders.only_bar.isVisible()
    assert orders.model.rowCount() == orders.model.total_rows > 4
