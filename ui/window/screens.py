"""The sidebar and the screens: which screens show records, which follow which kinds, and
each screen built the first time it is visited, its signals wired to the window."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidget, QListWidgetItem

from domain.statuses import RecordKind
from ui.navigation import NAVIGATION

if TYPE_CHECKING:
    from ui.main_window import MainWindow

# A screen of records for every kind, its id the kind's name.
RECORD_SCREENS: frozenset[str] = frozenset(RecordKind)
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


# The sidebar's width when every entry fits in it (it widens for a longer one).
SIDEBAR_WIDTH = 170


def make_sidebar() -> QListWidget:
    """The list of screens on the left, one entry per screen of ``NAVIGATION``."""
    navigation = QListWidget()
    navigation.setObjectName("navigation")
    navigation.setAccessibleName("Screens")
    navigation.setFixedWidth(SIDEBAR_WIDTH)
    # Never a scroll bar under the sidebar: it widens to its longest entry instead.
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


def _wired(screen: Any, **requests: Callable[..., object]) -> Any:
    """``screen`` with each of its signals named in ``requests`` connected to its handler."""
    for signal, handler in requests.items():
        getattr(screen, signal).connect(handler)
    return screen


def _dashboard(window: MainWindow) -> Any:
    from ui.dashboard.screen import DashboardScreen

    return _wired(
        DashboardScreen(window.context),
        filter_requested=window.going.show_filtered,
        alerts_requested=lambda: window.show_screen("alerts"),
        readiness_requested=window.going.show_readiness,
    )


def _today(window: MainWindow) -> Any:
    from ui.screens.today import TodayScreen

    return _wired(TodayScreen(window.context), action_requested=window.dialogs.do_today)


def _alerts(window: MainWindow) -> Any:
    from ui.screens.alerts_screen import AlertsScreen

    return _wired(
        AlertsScreen(window.context),
        open_record=window.going.show_searched,
        counts_changed=window.status.show_alert_counts,
        seen_changed=window.update_alert_counts,
    )


def _imports(window: MainWindow) -> Any:
    from ui.screens.imports_screen import ImportsScreen

    return _wired(
        ImportsScreen(window.context),
        undone=lambda _batch: window._imported(),
        show_records=window.going.show_batch,
    )


def _orders(window: MainWindow) -> Any:
    from ui.screens.orders_screen import OrdersScreen

    return _wired(
        OrdersScreen(window.context),
        readiness_requested=window.going.show_readiness,
        contract_requested=lambda ref: window.going.show_searched("contracts", ref),
    )


def _contracts(window: MainWindow) -> Any:
    from ui.screens.contracts_screen import ContractsScreen

    return _wired(
        ContractsScreen(window.context),
        lines_requested=window.going.show_lines,
        readiness_requested=window.going.show_readiness,
    )


def _readiness(window: MainWindow) -> Any:
    from ui.screens.readiness_screen import ReadinessScreen

    return _wired(ReadinessScreen(window.context), lines_requested=window.going.show_lines)


def _cash(window: MainWindow) -> Any:
    from ui.screens.cash_screen import CashScreen

    return CashScreen(window.context)


def _sites(window: MainWindow) -> Any:
    from ui.screens.sites_screen import SitesScreen

    return SitesScreen(window.context)


def _deployments(window: MainWindow) -> Any:
    from ui.screens.deployments_screen import DeploymentsScreen

    return _wired(
        DeploymentsScreen(window.context), readiness_requested=window.going.show_readiness
    )


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
