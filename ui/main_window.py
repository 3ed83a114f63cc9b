"""The main window: navigation on the left, one screen at a time, toolbar, menus, status bar.

Start-up matters (docs/traps.md): this module imports only Qt at load time. The window shows
itself first; the database opens in the background, and a screen is built the first time it
is visited.

The window composes one part per job (``ui.window``): its actions, toolbar and menus
(``actions``), the screens it builds (``screens``), the undo wiring (``undo_wiring``), the
status bar and banners (``status``), the database in use (``database``) and the dialogs it
opens (``opening``), what a screen asks to be shown (``going``). What stays here is the
screens themselves: building them once, showing one, marking them to read again.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMainWindow, QStackedWidget, QVBoxLayout, QWidget

from ui.context import AppContext
from ui.navigation import FIRST_SCREEN, LAST_SCREEN, NAVIGATION, first_screen
from ui.resources import icon
from ui.window import editing
from ui.window.actions import make_action, make_menus, make_toolbar
from ui.window.database import DatabaseWatch
from ui.window.going import GoingTo
from ui.window.opening import WindowDialogs
from ui.window.screens import (
    DEPENDS_ON,
    NO_LIST_TABLES,
    RECORD_SCREENS,
    build_screen,
    make_sidebar,
    screen_ids,
)
from ui.window.status import WindowStatus
from ui.window.undo_wiring import UndoWiring

if TYPE_CHECKING:
    from ui.changes import ChangePoller
    from ui.dialogs.export_dialog import ExportDialog
    from ui.import_wizard.wizard import ImportWizard
    from ui.whatif_panel import WhatIfPanel

__all__ = [
    "DEPENDS_ON",
    "FIRST_SCREEN",
    "LAST_SCREEN",
    "NAVIGATION",
    "NO_LIST_TABLES",
    "RECORD_SCREENS",
    "MainWindow",
    "first_screen",
]


class MainWindow(QMainWindow):
    def __init__(self, context: AppContext, database_name: str) -> None:
        super().__init__()
        self.context = context
        self.database_name = database_name
        self.screens: dict[str, Any] = {}
        self.setObjectName("mainWindow")
        self.setWindowTitle(f"Rackbook — {database_name}")
        self.setWindowIcon(icon("rackbook"))

        self.navigation = make_sidebar()
        self.stack = QStackedWidget()
        self.loading = QLabel("Opening the database…")
        self.loading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack.addWidget(self.loading)
        self.status = WindowStatus(self)
        self.read_only_banner = self.status.read_only_banner
        self.connection_banner = self.status.connection_banner
        self.database_label = self.status.database_label
        self.user_label = self.status.user_label
        self.alerts_label = self.status.alerts_label
        self.database = DatabaseWatch(self)
        self.dialogs = WindowDialogs(self)
        self.going = GoingTo(self)
        self._lay_out()

        self._make_actions()
        self.undo = UndoWiring(self)
        self.history = self.undo.history
        self.undo_action = self.undo.undo_action
        self.redo_action = self.undo.redo_action
        self.toolbar = make_toolbar(self)
        self._editing_tips = {
            a: a.toolTip()
            for a in (self.new_action, self.edit_action, self.duplicate_action, self.delete_action)
        }
        make_menus(self)
        self.status.install()
        self.navigation.currentRowChanged.connect(self._navigate)
        self.context.changed.connect(self._records_changed)
        self.context.tasks.busy_changed.connect(self.status.busy)
        self.context.opened.connect(self._database_opened)
        self.context.access_changed.connect(self._access_changed)
        self._restore_geometry()
        # A spreadsheet dropped on the window opens the import wizard on it.
        self.setAcceptDrops(True)

    # --- building ------------------------------------------------------------------------

    def _lay_out(self) -> None:
        """The banners over the sidebar and the screen shown."""
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

    def _make_actions(self) -> None:
        S = QKeySequence.StandardKey
        self._make_record_actions()
        self.import_action = make_action(
            self, "&Import…", self.import_file, "Ctrl+I", "import", "Import a spreadsheet (Ctrl+I)"
        )
        self.export_action = make_action(
            self, "E&xport…", self.export_file, "Ctrl+E", "export", "Export a workbook (Ctrl+E)"
        )
        self.refresh_action = make_action(
            self, "&Refresh", self.refresh, S.Refresh, "refresh", "Reload from the database (F5)"
        )
        self.refresh_action.setShortcuts([QKeySequence("F5")])
        self.copy_action = make_action(
            self,
            "&Copy rows",
            self.copy_rows,
            S.Copy,
            tip="Copy the selected rows, with their headers, to paste into a spreadsheet or a "
            "mail (Ctrl+C)",
        )
        self.find_action = make_action(
            self, "&Find", self.focus_search, S.Find, tip="Search the list"
        )
        self.go_to_action = make_action(
            self,
            "&Go to…",
            self.go_to,
            "Ctrl+K",
            tip="Any PO, contract, PPA, vendor, site, customer or SKU by what you type (Ctrl+K)",
        )
        self.settings_action = make_action(self, "&Settings…", self.open_settings, S.Preferences)
        self.quit_action = make_action(self, "&Quit", self.close, S.Quit)
        self.quit_action.setShortcuts([QKeySequence("Ctrl+Q")])
        self.columns_action = make_action(
            self,
            "&Columns and saved views…",
            self.choose_columns,
            tip="Columns shown, and the views saved for this list",
        )
        self.about_action = make_action(self, "&About Rackbook", self.dialogs.about)
        for action in (
            self.import_action,
            self.export_action,
            self.settings_action,
            self.new_order_action,
        ):
            action.setEnabled(False)  # until the database is open

    def _make_record_actions(self) -> None:
        """New, edit, duplicate and delete a record of the list shown; a new purchase order."""
        self.new_action = make_action(
            self,
            "&New…",
            lambda: self._on_record_screen("new_record"),
            QKeySequence.StandardKey.New,
            "new",
            "New record (Ctrl+N)",
        )
        self.edit_action = make_action(
            self,
            "&Edit…",
            lambda: self._on_record_screen("edit_record"),
            "Ctrl+Return",
            "edit",
            "Edit the selected record",
        )
        self.new_order_action = make_action(
            self,
            "New &purchase order…",
            self.new_purchase_order,
            "Ctrl+Shift+N",
            "new-order",
            "A new purchase order with all its lines, typed or pasted (Ctrl+Shift+N)",
        )
        self.new_order_action.setIconText("New order")
        self.duplicate_action = make_action(
            self,
            "D&uplicate…",
            lambda: self._on_record_screen("duplicate_record"),
            "Ctrl+D",
            tip="A new record made from the selected one, its terms copied (Ctrl+D)",
        )
        self.delete_action = make_action(
            self,
            "&Delete…",
            lambda: self._on_record_screen("delete_record"),
            QKeySequence(Qt.Key.Key_Delete),
            "delete",
            "Delete the selected record (Del)",
        )

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

    # --- the database opened -------------------------------------------------------------

    def _database_opened(self) -> None:
        database = self.context.database
        if database is not None:
            from ui.database_choice import location_in_use

            self.database_name = database.name
            self.setWindowTitle(f"Rackbook — {database.name}")
            self.status.show_database(database.name, location_in_use(database), self.context.backup)
            self._show_access()
            self.database.watch()
        self._transfers_available()
        if self._opened_before:
            # Another database: the screen in use stays on screen.
            last = str(self.context.settings.value("window/screen", "today"))
            self.show_screen(last if last in screen_ids() else "today")
        else:
            self.show_screen(first_screen(self.context.settings))
        self._opened_before = True
        self.update_alert_counts()

    def _show_access(self) -> None:
        """Banner and editing actions as this person's access allows."""
        access = self.context.access
        self.status.show_user()
        self.status.show_read_only()
        read_only = access is not None and access.read_only
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

    @property
    def changes(self) -> ChangePoller | None:
        """The watcher of other people's changes, once the database is open."""
        return self.database.changes

    # --- screens -------------------------------------------------------------------------

    def screen_widget(self, screen_id: str) -> Any:
        """The screen ``screen_id``, built on first use."""
        if screen_id not in self.screens:
            self.screens[screen_id] = build_screen(self, screen_id)
            self.stack.addWidget(self.screens[screen_id])
            self.screens[screen_id].restore_state()
        return self.screens[screen_id]

    def current_screen(self) -> Any:
        widget = self.stack.currentWidget()
        return widget if widget is not self.loading else None

    def mark_stale(self, ids: Iterable[str]) -> None:
        """The screens ``ids`` (those built) read again when next shown."""
        for screen_id in set(ids) & set(self.screens):
            self.screens[screen_id].stale = True

    def refresh_if_stale(self) -> None:
        """The screen shown reads again if it is stale; the alert counts are counted again."""
        screen = self.current_screen()
        if screen is not None and screen.stale:
            screen.refresh()
        self.update_alert_counts()

    def close_screens(self) -> None:
        """Every screen saved and closed (another database is coming)."""
        current = self.current_screen()
        for screen in self.screens.values():
            screen.save_state()
            if screen is current:
                self.stack.setCurrentWidget(self.loading)
            self.stack.removeWidget(screen)
            screen.deleteLater()
        self.screens = {}

    def show_screen(self, screen_id: str) -> None:
        row = screen_ids().index(screen_id)
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

    def show_readiness(self, deployment_ref: str = "") -> None:
        self.going.show_readiness(deployment_ref)

    def _records_changed(self, kind: str) -> None:
        self.mark_stale(DEPENDS_ON.get(kind, set()))
        self.update_alert_counts()

    def _imported(
        self, kind: str = "", batch: int | None = None, wizard: ImportWizard | None = None
    ) -> None:
        """Records came in (or went out) by import: every screen reads them again; a new
        batch can be undone (Edit → Undo) as the Imports screen undoes it."""
        if batch is not None and wizard is not None:
            from pathlib import Path

            self.history.push_import(batch, kind, Path(wizard.job.path).name)
        self.mark_stale(self.screens)
        self.refresh()

    def update_alert_counts(self) -> None:
        self.status.update_alert_counts()

    # --- actions on the screen shown -----------------------------------------------------

    def record_screen(self) -> Any:
        """The list of records on screen, None when the screen shown is no such list."""
        screen = self.current_screen()
        return screen if screen is not None and hasattr(screen, "new_record") else None

    def _on_record_screen(self, job: str) -> None:
        screen = self.record_screen()
        if screen is not None:
            getattr(screen, job)()

    def new_purchase_order(self) -> None:
        """The order-entry grid, from whichever screen: the orders are shown behind it."""
        if self.context.database is None or self.context.read_only:
            return
        self.show_screen("orders")
        self.screen_widget("orders").new_order()

    def refresh(self) -> None:
        screen = self.current_screen()
        if screen is not None:
            screen.refresh()
        self.update_alert_counts()

    def copy_rows(self) -> None:
        """Ctrl+C: the selected rows of the table being worked in, to the clipboard."""
        editing.copy_rows(self)

    def focus_search(self) -> None:
        screen = self.current_screen()
        if screen is not None and hasattr(screen, "search"):
            screen.search.setFocus()
            screen.search.selectAll()

    def choose_columns(self) -> None:
        screen = self.record_screen()
        if screen is not None:
            screen.columns_button.showMenu()

    # --- dialogs -------------------------------------------------------------------------

    def go_to(self) -> None:
        self.dialogs.go_to()

    def import_file(self) -> None:
        self.dialogs.open_import_wizard(None)

    @property
    def last_wizard(self) -> ImportWizard | None:
        return self.dialogs.last_wizard

    def export_file(self) -> None:
        self.dialogs.export_file()

    @property
    def last_export(self) -> ExportDialog | None:
        return self.dialogs.last_export

    def open_settings(self) -> None:
        self.dialogs.open_settings()

    def show_what_if(self) -> WhatIfPanel | None:
        return self.dialogs.show_what_if()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self.dialogs.dropped_spreadsheet(event):
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        path = self.dialogs.dropped_spreadsheet(event)
        if path is None:
            super().dropEvent(event)
            return
        event.acceptProposedAction()
        self.dialogs.open_import_wizard(path)

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
        self.database.stop()
        super().closeEvent(event)
