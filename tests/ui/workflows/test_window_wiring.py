"""The workflows inside the main window: a dropped spreadsheet opens the wizard, Export opens
the export dialog on the list shown, the sidebar counts open critical alerts, and an
acknowledgement or an import recounts them."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

from services import alerts
from tests.ui.workflows.conftest import drop_file, samples
from ui.context import AppContext
from ui.dialogs.export_dialog import SHOWN
from ui.main_window import MainWindow

pytestmark = pytest.mark.gui


@pytest.fixture
def window(qtbot: Any, context: AppContext) -> MainWindow:
    window = MainWindow(context, "rackbook-demo.db")
    qtbot.addWidget(window)
    window.show()
    window._database_opened()
    return window


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


def test_sidebar_and_status_bar_count_open_critical_alerts(
    window: MainWindow, context: AppContext
) -> None:
    with context.db.session() as session:
        shown = alerts.visible_alerts(session)
    critical = [a for a in shown if a.severity == "critical"]
    nav = window.navigation
    ids = [nav.item(i).data(Qt.ItemDataRole.UserRole) for i in range(nav.count())]
    item = nav.item(ids.index("alerts"))
    assert item.text() == f"Alerts ({len(critical)})"
    assert f"{len(critical)} critical" in window.alerts_label.text()

    window.show_screen("alerts")
    screen = window.screens["alerts"]
    screen.acknowledge_alert(critical[0].key, "on it", None)
    assert item.text() == f"Alerts ({len(critical) - 1})"
    assert f"{len(critical) - 1} critical" in window.alerts_label.text()


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
