"""The main window: navigation on the left, one screen at a time, toolbar, menus, status bar.

Start-up matters (docs/traps.md): this module imports only Qt at load time. The window shows
itself first; the database opens in the background, and a screen is built the first time it
is visited.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QByteArray, Qt, QTimer
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from ui import format as fmt
from ui.context import AppContext
from ui.fit import fit_list_width
from ui.navigation import FIRST_SCREEN, LAST_SCREEN, NAVIGATION, alerts_entry, first_screen
from ui.resources import icon

__all__ = ["FIRST_SCREEN", "LAST_SCREEN", "NAVIGATION", "MainWindow", "first_screen"]

# How long the status bar says what Ctrl+C copied.
COPIED_MESSAGE_MS = 6000

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


# The sidebar's width when every entry fits in it (it widens for a longer one).
SIDEBAR_WIDTH = 170


class MainWindow(QMainWindow):
    def __init__(self, context: AppContext, database_name: str) -> None:
        super().__init__()
        self.context = context
        self.database_name = database_name
        self.screens: dict[str, Any] = {}
        #: Open alerts raised since the person last looked at the Alerts screen.
        self.new_alerts = 0
        self.setObjectName("mainWindow")
        self.setWindowTitle(f"Rackbook — {database_name}")
        self.setWindowIcon(icon("rackbook"))

        self.navigation = QListWidget()
        self.navigation.setObjectName("navigation")
        self.navigation.setAccessibleName("Screens")
        self.navigation.setFixedWidth(SIDEBAR_WIDTH)
        # Never a scroll bar under the sidebar: it widens to its longest entry instead.
        self.navigation.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        for screen_id, label in NAVIGATION:
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, screen_id)
            self.navigation.addItem(item)
        self.stack = QStackedWidget()
        self.loading = QLabel("Opening the database…")
        self.loading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack.addWidget(self.loading)
        # Banners over the screens: why this window is read-only, and a lost connection.
        self.read_only_banner = _banner("readOnlyBanner", "#fff4ce", "#8a6d00")
        self.connection_banner = _banner("connectionBanner", "#fde7e9", "#b71c1c")
        self.changes: Any = None  # the ChangePoller, once the database is open
        self._watcher_problem = ""
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.read_only_banner)
        column.addWidget(self.connection_banner)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.navigation)
        row.addWidget(self.stack, 1)
        column.addLayout(row, 1)
        self.setCentralWidget(central)

        self._make_actions()
        self._editing_tips = {
            a: a.toolTip()
            for a in (self.new_action, self.edit_action, self.duplicate_action, self.delete_action)
        }
        self._make_menus()
        self._make_status_bar()
        self.navigation.currentRowChanged.connect(self._navigate)
        self.context.changed.connect(self._records_changed)
        self.context.tasks.busy_changed.connect(self._busy)
        self.context.opened.connect(self._database_opened)
        self.context.connection_problem.connect(self._task_connection)
        self.context.access_changed.connect(self._access_changed)
        self._restore_geometry()
        # A spreadsheet dropped on the window opens the import wizard on it.
        self.setAcceptDrops(True)

    # --- building ------------------------------------------------------------------------

    def _action(
        self,
        text: str,
        slot: Any,
        shortcut: Any = None,
        icon_name: str | None = None,
        tip: str = "",
    ) -> QAction:
        action = QAction(text, self)
        if icon_name:
            action.setIcon(icon(icon_name))
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setToolTip(tip)
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        return action

    def _make_actions(self) -> None:
        S = QKeySequence.StandardKey
        self.new_action = self._action(
            "&New…", self.new_record, S.New, "new", "New record (Ctrl+N)"
        )
        self.edit_action = self._action(
            "&Edit…", self.edit_record, "Ctrl+Return", "edit", "Edit the selected record"
        )
        self.new_order_action = self._action(
            "New &purchase order…",
            self.new_purchase_order,
            "Ctrl+Shift+N",
            "new-order",
            "A new purchase order with all its lines, typed or pasted (Ctrl+Shift+N)",
        )
        self.new_order_action.setIconText("New order")
        self.duplicate_action = self._action(
            "D&uplicate…",
            self.duplicate_record,
            "Ctrl+D",
            tip="A new record made from the selected one, its terms copied (Ctrl+D)",
        )
        self.delete_action = self._action(
            "&Delete…",
            self.delete_record,
            QKeySequence(Qt.Key.Key_Delete),
            "delete",
            "Delete the selected record (Del)",
        )
        self.import_action = self._action(
            "&Import…", self.import_file, "Ctrl+I", "import", "Import a spreadsheet (Ctrl+I)"
        )
        self.export_action = self._action(
            "E&xport…", self.export_file, "Ctrl+E", "export", "Export a workbook (Ctrl+E)"
        )
        self.refresh_action = self._action(
            "&Refresh", self.refresh, S.Refresh, "refresh", "Reload from the database (F5)"
        )
        self.refresh_action.setShortcuts([QKeySequence("F5")])
        self.copy_action = self._action(
            "&Copy rows",
            self.copy_rows,
            S.Copy,
            tip="Copy the selected rows, with their headers, to paste into a spreadsheet or a "
            "mail (Ctrl+C)",
        )
        self.find_action = self._action("&Find", self.focus_search, S.Find, tip="Search the list")
        self.go_to_action = self._action(
            "&Go to…",
            self.go_to,
            "Ctrl+K",
            tip="Any PO, contract, PPA, vendor, site, customer or SKU by what you type (Ctrl+K)",
        )
        self.settings_action = self._action("&Settings…", self.open_settings, S.Preferences)
        self.quit_action = self._action("&Quit", self.close, S.Quit)
        self.quit_action.setShortcuts([QKeySequence("Ctrl+Q")])
        self.columns_action = self._action(
            "&Columns and saved views…",
            self.choose_columns,
            tip="Columns shown, and the views saved for this list",
        )
        self.about_action = self._action("&About Rackbook", self.about)
        from ui.undo import history_of

        self.history = history_of(self.context)
        self.undo_action = self._action("&Undo", self.history.undo, S.Undo, tip="Undo (Ctrl+Z)")
        self.redo_action = self._action(
            "&Redo", self.history.redo, "Ctrl+Shift+Z", tip="Redo (Ctrl+Shift+Z)"
        )
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        stack = self.history.stack
        stack.canUndoChanged.connect(lambda _c: self._show_undo())
        stack.canRedoChanged.connect(lambda _c: self._show_undo())
        stack.undoTextChanged.connect(lambda _t: self._show_undo())
        stack.redoTextChanged.connect(lambda _t: self._show_undo())
        self.history.applied.connect(self._undone)
        self.history.said.connect(lambda text: self.statusBar().showMessage(text, 10_000))
        self.history.refused.connect(self._undo_refused)
        self._show_undo()

        toolbar = QToolBar("Main")
        toolbar.setObjectName("mainToolbar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
        toolbar.setMovable(False)
        for action in (self.new_action, self.edit_action, self.delete_action):
            toolbar.addAction(action)
        toolbar.addSeparator()
        toolbar.addAction(self.new_order_action)
        toolbar.addSeparator()
        toolbar.addAction(self.import_action)
        toolbar.addAction(self.export_action)
        toolbar.addSeparator()
        toolbar.addAction(self.refresh_action)
        self.addToolBar(toolbar)
        self.toolbar = toolbar
        for action in (
            self.import_action,
            self.export_action,
            self.settings_action,
            self.new_order_action,
        ):
            action.setEnabled(False)  # until the database is open

    def _make_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self.import_action)
        file_menu.addAction(self.export_action)
        file_menu.addSeparator()
        file_menu.addAction(self.settings_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        edit_menu = bar.addMenu("&Edit")
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        edit_menu.addSeparator()
        for action in (
            self.new_action,
            self.new_order_action,
            self.edit_action,
            self.duplicate_action,
            self.delete_action,
        ):
            edit_menu.addAction(action)
        edit_menu.addSeparator()
        edit_menu.addAction(self.copy_action)
        edit_menu.addAction(self.find_action)
        edit_menu.addAction(self.go_to_action)
        view_menu = bar.addMenu("&View")
        view_menu.addAction(self.refresh_action)
        view_menu.addAction(self.columns_action)
        view_menu.addAction(
            self._action(
                "&What if…",
                lambda _c=False: self.show_what_if(),
                "Ctrl+Shift+W",
                tip="What a vendor's, an order's or a line's slip changes (Ctrl+Shift+W)",
            )
        )
        view_menu.addSeparator()
        for i, (screen_id, label) in enumerate(NAVIGATION):
            action = self._action(label, lambda _c=False, s=screen_id: self.show_screen(s))
            if i < 9:
                action.setShortcut(QKeySequence(f"Ctrl+{i + 1}"))
            view_menu.addAction(action)
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.about_action)

    def _show_undo(self) -> None:
        """The Edit menu names what Undo and Redo would do."""
        import shiboken6

        stack = self.history.stack
        if not shiboken6.isValid(stack):
            return  # the window's context is being closed
        writable = not self.context.read_only
        self.undo_action.setEnabled(stack.canUndo() and writable)
        self.redo_action.setEnabled(stack.canRedo() and writable)
        self.undo_action.setText(f"&Undo {stack.undoText()}" if stack.canUndo() else "&Undo")
        self.redo_action.setText(f"&Redo {stack.redoText()}" if stack.canRedo() else "&Redo")

    def _undone(self, kinds: set[str]) -> None:
        """An undo or redo was saved: every screen showing those records reads them again."""
        affected = {"today", "dashboard", "alerts"} | set(kinds)
        for kind in kinds:
            affected |= DEPENDS_ON.get(kind, set())
        for screen_id in affected & set(self.screens):
            self.screens[screen_id].stale = True
        for kind in kinds:
            self.context.changed.emit(kind)
        screen = self.current_screen()
        if screen is not None and screen.stale:
            screen.refresh()
        self.update_alert_counts()

    def _undo_refused(self, message: str) -> None:
        from PySide6.QtWidgets import QMessageBox

        self.last_refusal = message
        QMessageBox.warning(self, "Rackbook — Undo", message)

    def _make_status_bar(self) -> None:
        status = self.statusBar()
        self.database_label = QLabel(f"Database: {self.database_name}")
        self.database_label.setObjectName("statusDatabase")
        self.user_label = QLabel()
        self.user_label.setObjectName("statusUser")
        self._show_user()
        self.alerts_label = QLabel("Alerts: …")
        self.alerts_label.setObjectName("statusAlerts")
        self.busy_label = QLabel("")
        for label in (self.busy_label, self.alerts_label, self.user_label, self.database_label):
            status.addPermanentWidget(label)

    def _transfers_available(self) -> None:
        self.settings_action.setEnabled(True)
        read_only = self.context.read_only
        self.import_action.setEnabled(not read_only)
        self.new_order_action.setEnabled(not read_only)
        self.import_action.setToolTip(
            "Read-only: importing would change the database"
            if read_only
            else "Import a spreadsheet (Ctrl+I)"
        )
        self.export_action.setEnabled(True)

    # --- screens -------------------------------------------------------------------------

    def _database_opened(self) -> None:
        database = self.context.database
        if database is not None:
            self.database_name = database.name
            self.setWindowTitle(f"Rackbook — {database.name}")
            self.database_label.setText(f"Database: {database.name}")
            from ui.database_choice import location_in_use

            self.database_label.setToolTip(location_in_use(database))
            self._show_access()
            self._watch_changes()
            if self.context.backup is not None:
                # The rolling automatic backup taken as the file was opened (services.team):
                # said where the database is named, not announced at every launch.
                self.database_label.setToolTip(
                    f"{location_in_use(database)}\nBacked up as it was opened: "
                    f"{self.context.backup}"
                )
        self._transfers_available()
        if self._opened_before:
            # Another database: the screen in use stays on screen.
            last = str(self.context.settings.value("window/screen", "today"))
            self.show_screen(last if last in dict(NAVIGATION) else "today")
        else:
            self.show_screen(first_screen(self.context.settings))
        self._opened_before = True
        self.update_alert_counts()

    def screen_widget(self, screen_id: str) -> Any:
        """The screen ``screen_id``, built on first use."""
        if screen_id not in self.screens:
            self.screens[screen_id] = self._build(screen_id)
            self.stack.addWidget(self.screens[screen_id])
            self.screens[screen_id].restore_state()
        return self.screens[screen_id]

    def _build(self, screen_id: str) -> Any:
        if screen_id == "dashboard":
            from ui.dashboard.screen import DashboardScreen

            dashboard = DashboardScreen(self.context)
            dashboard.filter_requested.connect(self.show_filtered)
            dashboard.alerts_requested.connect(lambda: self.show_screen("alerts"))
            dashboard.readiness_requested.connect(self.show_readiness)
            return dashboard
        if screen_id == "today":
            from ui.screens.today import TodayScreen

            today = TodayScreen(self.context)
            today.action_requested.connect(self.do_today)
            return today
        if screen_id == "alerts":
            from ui.screens.alerts_screen import AlertsScreen

            alerts_screen = AlertsScreen(self.context)
            alerts_screen.open_record.connect(self.show_searched)
            alerts_screen.counts_changed.connect(self._show_alert_counts)
            alerts_screen.seen_changed.connect(self.update_alert_counts)
            return alerts_screen
        if screen_id == "imports":
            from ui.screens.imports_screen import ImportsScreen

            imports_screen = ImportsScreen(self.context)
            imports_screen.undone.connect(lambda _batch: self._imported())
            imports_screen.show_records.connect(self.show_batch)
            return imports_screen
        if screen_id == "orders":
            from ui.screens.orders_screen import OrdersScreen

            orders_screen = OrdersScreen(self.context)
            orders_screen.readiness_requested.connect(self.show_readiness)
            orders_screen.contract_requested.connect(
                lambda ref: self.show_searched("contracts", ref)
            )
            return orders_screen
        if screen_id == "contracts":
            from ui.screens.contracts_screen import ContractsScreen

            contracts_screen = ContractsScreen(self.context)
            contracts_screen.lines_requested.connect(self.show_lines)
            contracts_screen.readiness_requested.connect(self.show_readiness)
            return contracts_screen
        if screen_id == "readiness":
            from ui.screens.readiness_screen import ReadinessScreen

            readiness_screen = ReadinessScreen(self.context)
            readiness_screen.lines_requested.connect(self.show_lines)
            return readiness_screen
        if screen_id == "cash":
            from ui.screens.cash_screen import CashScreen

            return CashScreen(self.context)
        if screen_id == "sites":
            from ui.screens.sites_screen import SitesScreen

            return SitesScreen(self.context)
        if screen_id == "deployments":
            from ui.screens.deployments_screen import DeploymentsScreen

            deployments_screen = DeploymentsScreen(self.context)
            deployments_screen.readiness_requested.connect(self.show_readiness)
            return deployments_screen
        assert screen_id in RECORD_SCREENS, screen_id
        from ui.screens.list_screen import ListScreen

        return ListScreen(screen_id, self.context)

    def show_screen(self, screen_id: str) -> None:
        row = [s for s, _ in NAVIGATION].index(screen_id)
        if self.navigation.currentRow() != row:
            self.navigation.setCurrentRow(row)  # comes back through _navigate
            return
        self._navigate(row)

    def _navigate(self, row: int) -> None:
        if row < 0 or self.context.database is None:
            return
        screen_id = NAVIGATION[row][0]
        screen = self.screen_widget(screen_id)
        self.stack.setCurrentWidget(screen)
        self.context.settings.setValue("window/screen", screen_id)
        if screen.stale:
            screen.refresh()
        records = screen_id in RECORD_SCREENS
        for action in self._editing_tips:
            action.setEnabled(records and not self.context.read_only)
        self.columns_action.setEnabled(records)
        if hasattr(screen, "search"):
            QTimer.singleShot(0, screen.search, screen.search.setFocus)

    def do_today(self, action: str, item: Any) -> None:
        """An item of the Today view: open its record, or do its action as the Orders and
        Alerts screens do it."""
        from services import today

        if action == "open":
            screen_id = item.screen if item.screen in dict(NAVIGATION) else "alerts"
            self.show_searched(screen_id, item.search if screen_id != "alerts" else item.title)
            if screen_id == "orders" and item.line_ids:
                self.screen_widget("orders").select_id(item.line_ids[0])
            return
        if action == today.CHASE:
            from ui.screens.today import chase_lines

            chase_lines(self.context, item, lambda text: self.statusBar().showMessage(text, 8000))
            return
        if action == today.ACKNOWLEDGE and item.alert_key:
            self.screen_widget("alerts").acknowledge_keys([item.alert_key], [item.detail])
            return
        if action in (today.MOVE_ETA, today.RECEIVE) and item.line_ids:
            from services import records

            ids = list(item.line_ids)
            orders_screen = self.screen_widget("orders")

            def found(lines: list[Any]) -> None:
                if action == today.MOVE_ETA:
                    orders_screen.move_etas(lines)
                elif len(lines) == 1:
                    orders_screen._receive(lines[0], None, "")
                else:
                    orders_screen.receive_lines(lines)

            self.context.read(
                lambda session: [records.get_record(session, "orders", i) for i in ids], found
            )

    def show_filtered(self, screen_id: str, field: str, value: str) -> None:
        """Show a list with one of its filters set (or, failing that, searched) to ``value``."""
        self.show_screen(screen_id)
        screen = self.current_screen()
        combo = getattr(screen, "filters", {}).get(field)
        if combo is not None and combo.findData(value) >= 0:
            combo.setCurrentIndex(combo.findData(value))
        elif hasattr(screen, "search"):
            screen.search.setText(value)

    def show_batch(self, batch_id: int) -> None:
        """The list of an import batch's kind, showing only the records it created or changed."""
        from services import lists

        def done(found: Any) -> None:
            if found.kind not in RECORD_SCREENS:
                return
            self.show_screen(found.kind)
            self.screen_widget(found.kind).show_only(found.ids, found.description)

        self.context.read(lambda session: lists.batch_records(session, batch_id), done, owner=self)

    def show_lines(self, line_ids: Any, what: str) -> None:
        """The Orders screen showing only the order lines ``line_ids`` (``what`` they are),
        the first of them selected."""
        self.show_screen("orders")
        orders_screen = self.screen_widget("orders")
        orders_screen.show_only(line_ids, what)
        if line_ids:
            orders_screen.select_id(line_ids[0])

    def show_what_if(self) -> Any:
        """The What if… panel (ui.whatif_panel), once a database is open."""
        if self.context.database is None:
            return None
        from ui.whatif_panel import open_whatif

        return open_whatif(self.context, self)

    def show_readiness(self, deployment_ref: str = "") -> None:
        """The readiness timeline, at deployment ``deployment_ref`` when one is named."""
        self.show_screen("readiness")
        if deployment_ref:
            self.screen_widget("readiness").select_deployment(deployment_ref)

    def show_searched(self, screen_id: str, text: str) -> None:
        self.show_screen(screen_id)
        screen = self.current_screen()
        if hasattr(screen, "search"):
            screen.search.setText(text)

    def _imported(self, kind: str = "", batch: int | None = None, wizard: Any = None) -> None:
        """Records came in (or went out) by import: every screen reads them again; a new
        batch can be undone (Edit → Undo) as the Imports screen undoes it."""
        if batch is not None and wizard is not None:
            from pathlib import Path

            self.history.push_import(batch, kind, Path(wizard.job.path).name)
        for screen in self.screens.values():
            screen.stale = True
        self.refresh()

    def current_screen(self) -> Any:
        widget = self.stack.currentWidget()
        return widget if widget is not self.loading else None

    def _records_changed(self, kind: str) -> None:
        for screen_id in DEPENDS_ON.get(kind, set()):
            if screen_id in self.screens:
                self.screens[screen_id].stale = True
        self.update_alert_counts()

    # --- actions -------------------------------------------------------------------------

    def _record_screen(self) -> Any:
        screen = self.current_screen()
        return screen if screen is not None and hasattr(screen, "new_record") else None

    def new_record(self) -> None:
        screen = self._record_screen()
        if screen is not None:
            screen.new_record()

    def edit_record(self) -> None:
        screen = self._record_screen()
        if screen is not None:
            screen.edit_record()

    def new_purchase_order(self) -> None:
        """The order-entry grid, from whichever screen: the orders are shown behind it."""
        if self.context.database is None or self.context.read_only:
            return
        self.show_screen("orders")
        self.screen_widget("orders").new_order()

    def duplicate_record(self) -> None:
        screen = self._record_screen()
        if screen is not None:
            screen.duplicate_record()

    def delete_record(self) -> None:
        screen = self._record_screen()
        if screen is not None:
            screen.delete_record()

    def refresh(self) -> None:
        screen = self.current_screen()
        if screen is not None:
            screen.refresh()
        self.update_alert_counts()

    def copy_rows(self) -> None:
        """Ctrl+C: the selected rows of the table being worked in (the one with the focus,
        else the list on screen) to the clipboard; text selected in a label is copied as
        such, and a text field copies its own selection before this is ever asked."""
        from ui.tables.copying import copy_rows

        focus = QApplication.focusWidget()
        if isinstance(focus, QLabel) and focus.hasSelectedText():
            QApplication.clipboard().setText(focus.selectedText())
            return
        view = focus
        while view is not None and not isinstance(view, QAbstractItemView):
            view = view.parentWidget()
        if view is None:
            view = getattr(self.current_screen(), "view", None)
        if not isinstance(view, QAbstractItemView):
            return
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)  # a whole list: a second
        try:
            count = copy_rows(view)
        finally:
            QApplication.restoreOverrideCursor()
        if count:
            self.statusBar().showMessage(
                f"Copied {fmt.counted(count, 'row')} with their headers: "
                "paste them into a spreadsheet or a mail",
                COPIED_MESSAGE_MS,
            )

    def go_to(self) -> None:
        """Go to… (Ctrl+K): any record by its number, reference or name."""
        if self.context.database is None:
            return
        from ui.dialogs.go_to import GoToDialog

        dialog = GoToDialog(self.context, self)
        dialog.chosen.connect(self.show_searched)
        self.go_to_dialog = dialog  # tests look at it
        dialog.exec()

    def focus_search(self) -> None:
        screen = self.current_screen()
        if screen is not None and hasattr(screen, "search"):
            screen.search.setFocus()
            screen.search.selectAll()

    def choose_columns(self) -> None:
        screen = self._record_screen()
        if screen is not None:
            screen.columns_button.showMenu()

    def import_file(self) -> None:
        self.open_import_wizard(None)

    def open_import_wizard(self, path: str | None) -> None:
        from ui.import_wizard.wizard import ImportWizard

        wizard = ImportWizard(self.context, path, parent=self)
        wizard.imported.connect(lambda kind, batch: self._imported(kind, batch, wizard))
        wizard.show_records.connect(self.show_batch)
        self.last_wizard = wizard
        wizard.open()

    def export_file(self) -> None:
        from ui.dialogs.export_dialog import ExportDialog

        # A list screen is offered "as shown" (its filter, search, sort and columns).
        dialog = ExportDialog(self.context, self._record_screen(), self)
        self.last_export = dialog
        dialog.open()

    def _dropped_spreadsheet(self, event: QDragEnterEvent | QDropEvent) -> str | None:
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        if len(urls) != 1 or not urls[0].isLocalFile() or not self.import_action.isEnabled():
            return None
        path = urls[0].toLocalFile()
        suffixes = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods", ".csv")
        return path if path.lower().endswith(suffixes) else None

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._dropped_spreadsheet(event):
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        path = self._dropped_spreadsheet(event)
        if path is None:
            super().dropEvent(event)
            return
        event.acceptProposedAction()
        self.open_import_wizard(path)

    def open_settings(self) -> None:
        from ui.dialogs.settings_dialog import SettingsDialog

        if self.context.database is None:
            return
        dialog = SettingsDialog(self.context, self)
        if dialog.exec():
            self._show_user()
            if dialog.database_changed:
                self.switch_database(dialog.chosen_location, dialog.saved_before)
                return
            for screen in self.screens.values():
                screen.stale = True
            self.refresh()

    # --- switching databases -------------------------------------------------------------

    def switch_database(self, location: str | None, saved_before: Any = None) -> None:
        """Open ``location`` (None: the default database file) as at start-up, in the
        background, and use it from then on. If it cannot be opened the window keeps the
        database in use, says why in a dialog, and the next start keeps ``saved_before``."""
        from services import credentials, paths
        from ui.database_choice import saved_location

        chosen = saved_location(self.context.settings) if location else None
        target = chosen or location or str(paths.default_database())
        typed_user = self.context.user
        self.statusBar().showMessage(f"Opening {credentials.masked(target)}…")
        self.settings_action.setEnabled(False)

        def work() -> Any:
            from services import team

            return team.open_for(target, typed_user)

        def failed(error: BaseException) -> None:
            from PySide6.QtWidgets import QMessageBox

            from ui.database_choice import save_location

            self.settings_action.setEnabled(True)
            self.statusBar().clearMessage()
            # The next start opens what it opened before, not the database that failed.
            save_location(self.context.settings, str(saved_before) if saved_before else None)
            in_use = self.context.database
            keeping = f"\n\nRackbook keeps using {in_use.name}." if in_use is not None else ""
            message = credentials.mask_text(
                f"The database {credentials.masked(target)} could not be opened:\n{error}" + keeping
            )
            QMessageBox.critical(self, "Rackbook", message)

        self.context.tasks.run(work, self.use_database, failed)

    def use_database(self, opened: Any) -> None:
        """Close the database in use (change watcher stopped, background tasks finished and
        their results dropped, every screen closed) and show ``opened``
        (services.team.Opened) in its place: title, status bar and screens."""
        old = self.context.database
        if self.changes is not None:
            self.changes.close()
            self.changes = None
        self._watcher_problem = ""
        self._show_connection("")
        self.context.tasks.forget_pending()
        current = self.current_screen()
        for screen in self.screens.values():
            screen.save_state()
            if screen is current:
                self.stack.setCurrentWidget(self.loading)
            self.stack.removeWidget(screen)
            screen.deleteLater()
        self.screens = {}
        self.history.clear()  # nothing of the other database can be undone here
        self.context.set_opened(opened)  # -> _database_opened: title, status bar, screen
        if old is not None and old is not opened.database:
            old.dispose()
        if self.context.backup is None:  # else the database label names the backup just taken
            self.statusBar().showMessage(f"Now using {opened.database.name}.", 10_000)

    def about(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        from services.version import version

        QMessageBox.about(
            self,
            "About Rackbook",
            f"<b>Rackbook {version()}</b><p>GPU and infrastructure procurement, lead times, "
            "PPAs and customer contracts for AI data-centre build-outs.</p>",
        )

    # --- status bar ----------------------------------------------------------------------

    def _show_user(self) -> None:
        """Who the audit trail will name: the database login on a team database."""
        access = self.context.access
        text = f"User: {self.context.acting_user}"
        if access is not None and access.team:
            text = f"Signed in as {self.context.acting_user} ({access.role})"
        elif access is not None and access.read_only:
            text += " (read-only)"
        self.user_label.setText(text)
        self.user_label.setToolTip(
            "Your changes are recorded under your database login"
            if access is not None and access.team
            else "Your changes are recorded under this name (Settings)"
        )

    def _show_access(self) -> None:
        """Banner and editing actions as this person's access allows."""
        access = self.context.access
        self._show_user()
        read_only = access is not None and access.read_only
        reason = access.reason if access is not None else ""
        self.read_only_banner.setText(f"Read-only. {reason}" if read_only else "")
        self.read_only_banner.setVisible(read_only)
        row = self.navigation.currentRow()
        records = row >= 0 and NAVIGATION[row][0] in RECORD_SCREENS
        for action, tip in self._editing_tips.items():
            action.setEnabled(records and not read_only)
            action.setToolTip(f"Read-only: {access.reason}" if read_only and access else tip)

    def _access_changed(self) -> None:
        """The database refused a write and access was checked again: a role was granted or
        taken meanwhile. Banner, actions and the screens' own buttons follow."""
        self._show_access()
        self.import_action.setEnabled(False)
        self._transfers_available()
        for screen in self.screens.values():
            if hasattr(screen, "_enable"):
                screen._enable()

    # --- other people's changes and the connection ---------------------------------------

    def _watch_changes(self) -> None:
        from ui.changes import ChangePoller

        if self.changes is not None:
            self.changes.close()
        self.changes = ChangePoller(self.context.db, parent=self)
        self.changes.changed.connect(self.others_changed)
        self.changes.problem.connect(self._watcher_connection)

    def others_changed(self, tables: Any = None) -> None:
        """Someone committed: the screens that show what changed read again when shown, the
        one on screen now at once (keeping its selection by record id); an open dialog is
        left as it is. ``tables``: the tables changed (PostgreSQL), empty when unknown."""
        changed = frozenset(tables or ())
        if changed and changed <= NO_LIST_TABLES:
            # An acknowledgement or an import's bookkeeping: no list of records changed, and
            # reloading 100,000 order lines for it would hold the task queue for a second.
            affected = {"alerts", "dashboard", "imports"}
        else:
            affected = set(self.screens)
        for screen_id in affected & set(self.screens):
            self.screens[screen_id].stale = True
        screen = self.current_screen()
        if screen is not None and screen.stale:
            screen.refresh()
        self.update_alert_counts()

    def _watcher_connection(self, problem: str) -> None:
        self._watcher_problem = problem
        self._show_connection(problem)

    def _task_connection(self, problem: str) -> None:
        # A task that reached the database clears a lost connection only when the watcher
        # is not still reporting one.
        if problem or not self._watcher_problem:
            self._show_connection(problem)

    def _show_connection(self, problem: str) -> None:
        from services.credentials import mask_text

        was_lost = self.connection_banner.isVisible()
        self.connection_banner.setText(mask_text(problem))
        self.connection_banner.setVisible(bool(problem))
        if problem:
            self.statusBar().showMessage("Connection to the database lost: reconnecting…")
        elif was_lost:
            self.statusBar().showMessage("Connected to the database again.", 10_000)

    def _busy(self, busy: bool) -> None:
        self.busy_label.setText("Working…" if busy else "")

    def update_alert_counts(self) -> None:
        if self.context.database is None:
            return
        from services import alerts
        from ui.alerts_seen import remember_seen, seen_keys

        seen = seen_keys(self.context)  # read here: the worker touches no settings

        def count(session: Any) -> tuple[dict[str, int], list[str]]:
            found: dict[str, int] = {}
            keys = []
            for alert in alerts.visible_alerts(session):
                found[alert.severity] = found.get(alert.severity, 0) + 1
                keys.append(alert.key)
            return found, keys

        def done(result: tuple[dict[str, int], list[str]]) -> None:
            counts, keys = result
            if seen is None:
                remember_seen(self.context, keys)  # the first look: nothing is "new"
                self.new_alerts = 0
            else:
                self.new_alerts = sum(1 for key in keys if key not in seen)
            self._show_alert_counts(counts)

        self.context.read(count, done, lambda _e: None)

    def _show_alert_counts(self, counts: dict[str, int]) -> None:
        order = ("critical", "warning", "info")
        parts = [f"{counts.get(s, 0)} {s}" for s in order]
        self.alerts_label.setText("Alerts: " + ", ".join(parts))
        self.alerts_label.setToolTip("Open alerts by severity (acknowledged ones not counted)")
        # The sidebar counts every open alert, the critical and new ones named apart.
        row = [s for s, _ in NAVIGATION].index("alerts")
        critical = counts.get("critical", 0)
        total = sum(counts.values())
        item = self.navigation.item(row)
        new = self.new_alerts
        item.setText(alerts_entry(total, critical, new))
        fit_list_width(self.navigation, SIDEBAR_WIDTH)
        tip = f"{total} open alerts, {critical} of them critical"
        if new:
            tip += f"; {new} raised since you last looked at the Alerts screen"
        item.setToolTip(tip)

    # --- remembering the window ----------------------------------------------------------

    def _restore_geometry(self) -> None:
        from ui.fit import fit_to_screen, preferred_size

        geometry = self.context.settings.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(preferred_size(self))
        # A window saved on a bigger screen (or a second monitor) fits this one.
        fit_to_screen(self)
        state = self.context.settings.value("window/state")
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.restoreState(state)

    def save_state(self) -> None:
        settings = self.context.settings
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/state", self.saveState())
        for screen in self.screens.values():
            screen.save_state()
        settings.sync()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._fitted:
            # The window manager's frame is known once shown: the whole frame fits.
            self._fitted = True
            from ui.fit import fit_to_screen

            QTimer.singleShot(0, self, lambda: fit_to_screen(self))

    _fitted = False
    _opened_before = False

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_state()
        self.context.tasks.wait(10_000)
        if self.changes is not None:
            self.changes.close()
            self.changes = None
        super().closeEvent(event)


def _banner(name: str, background: str, color: str) -> QLabel:
    banner = QLabel()
    banner.setObjectName(name)
    banner.setWordWrap(True)
    banner.setStyleSheet(
        f"QLabel#{name} {{ background: {background}; color: {color}; padding: 6px 10px;"
        f" border-bottom: 1px solid {color}; }}"
    )
    banner.hide()
    return banner
