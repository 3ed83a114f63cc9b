"""The sidebar and the screens: which screens show records, which follow which kinds, and
each screen built the first time it is visited, its signals wired to the window."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidget, QListWidgetItem

from ui.navigation import NAVIGATION

if TYPE_CHECKING:
    from ui.main_window import MainWindow

RECORD_SCREENS = {
    "orders",
    "vendors",
    "products",
    "leadtimes",
    "sites",
    "ppas",
    "contracts",
    "customers",
    "fxrates",
    "site_capacity",
    "deployments",
    "deployment_parts",
}
# Which screens show names or marks from which kinds: a change to the key reloads the values.
# Marks are alerts (services.marks), so a kind's screens also follow the kinds their rules
# read: lines late for a contract, contracts short of GPUs or power, vendors' shares, drift.
DEPENDS_ON = {
    "sites": {"orders", "ppas", "contracts", "site_capacity", "deployments", "dashboard"},
    "vendors": {"orders", "products", "leadtimes", "dashboard"},
    "products": {"orders", "leadtimes", "vendors", "contracts", "deployments", "dashboard"},
    "customers": {"contracts", "dashboard"},
    "contracts": {"customers", "orders", "sites", "ppas", "deployments", "dashboard"},
    "orders": {"contracts", "vendors", "products", "leadtimes", "deployments", "dashboard"},
    "ppas": {"sites", "contracts", "dashboard"},
    "leadtimes": {"products", "dashboard"},
    "fxrates": {"orders", "vendors", "dashboard"},
    "site_capacity": {"sites", "contracts", "dashboard"},
    # A deployment's ref is on the lines reserved for it and on its parts; its readiness
    # is its contract's delivery date.
    "deployments": {"orders", "contracts", "deployment_parts", "sites", "dashboard"},
    "deployment_parts": {"deployments", "contracts", "dashboard"},
}

# Tables whose changes (alone) alter no list of records: only alerts, dashboard and imports.
NO_LIST_TABLES = frozenset({"alert_ack", "audit_entry", "import_batch", "import_profile"})


def screen_ids() -> list[str]:
    return [screen_id for screen_id, _ in NAVIGATION]


def make_sidebar() -> QListWidget:
    """The list of screens on the left, one entry per screen of ``NAVIGATION``."""
    navigation = QListWidget()
    navigation.setObjectName("navigation")
    navigation.setAccessibleName("Screens")
    navigation.setFixedWidth(170)
    # A long label (the alerts count) is cut, not given a scroll bar under the sidebar.
    navigation.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    for screen_id, label in NAVIGATION:
        item = QListWidgetItem(label)
        item.setData(Qt.ItemDataRole.UserRole, screen_id)
        navigation.addItem(item)
    return navigation


def build_screen(window: MainWindow, screen_id: str) -> Any:
    """The screen ``screen_id``, its requests (show a record, a list, the readiness…) wired
    to ``window``."""
    builder = _BUILDERS.get(screen_id)
    if builder is not None:
        return builder(window)
    assert screen_id in RECORD_SCREENS, screen_id
    from ui.screens.list_screen import ListScreen

    return ListScreen(screen_id, window.context)


def _dashboard(window: MainWindow) -> Any:
    from ui.dashboard.screen import DashboardScreen

    dashboard = DashboardScreen(window.context)
    dashboard.filter_requested.connect(window.show_filtered)
    dashboard.alerts_requested.connect(lambda: window.show_screen("alerts"))
    dashboard.readiness_requested.connect(window.show_readiness)
    return dashboard


def _today(window: MainWindow) -> Any:
    from ui.screens.today import TodayScreen

    today = TodayScreen(window.context)
    today.action_requested.connect(window.do_today)
    return today


def _alerts(window: MainWindow) -> Any:
    from ui.screens.alerts_screen import AlertsScreen

    alerts_screen = AlertsScreen(window.context)
    alerts_screen.open_record.connect(window.show_searched)
    alerts_screen.counts_changed.connect(window.status.show_alert_counts)
    alerts_screen.seen_changed.connect(window.update_alert_counts)
    return alerts_screen


def _imports(window: MainWindow) -> Any:
    from ui.screens.imports_screen import ImportsScreen

    imports_screen = ImportsScreen(window.context)
    imports_screen.undone.connect(lambda _batch: window._imported())
    imports_screen.show_records.connect(window.show_batch)
    return imports_screen


def _orders(window: MainWindow) -> Any:
    from ui.screens.orders_screen import OrdersScreen

    orders_screen = OrdersScreen(window.context)
    orders_screen.readiness_requested.connect(window.show_readiness)
    orders_screen.contract_requested.connect(lambda ref: window.show_searched("contracts", ref))
    return orders_screen


def _contracts(window: MainWindow) -> Any:
    from ui.screens.contracts_screen import ContractsScreen

    contracts_screen = ContractsScreen(window.context)
    contracts_screen.lines_requested.connect(window.show_lines)
    contracts_screen.readiness_requested.connect(window.show_readiness)
    return contracts_screen


def _readiness(window: MainWindow) -> Any:
    from ui.screens.readiness_screen import ReadinessScreen

    readiness_screen = ReadinessScreen(window.context)
    readiness_screen.lines_requested.connect(window.show_lines)
    return readiness_screen


def _cash(window: MainWindow) -> Any:
    from ui.screens.cash_screen import CashScreen

    return CashScreen(window.context)


def _sites(window: MainWindow) -> Any:
    from ui.screens.sites_screen import SitesScreen

    return SitesScreen(window.context)


def _deployments(window: MainWindow) -> Any:
    from ui.screens.deployments_screen import DeploymentsScreen

    deployments_screen = DeploymentsScreen(window.context)
    deployments_screen.readiness_requested.connect(window.show_readiness)
    return deployments_screen


_BUILDERS: dict[str, Callable[[MainWindow], Any]] = {
    "dashboard": _dashboard,
    "today": _today,
    "alerts": _alerts,
    "imports": _imports,
    "orders": _orders,
    "contracts": _contracts,
    "readiness": _readiness,
    "cash": _cash,
    "sites": _sites,
    "deployments": _deployments,
}
