"""What the window opens: the dialogs (Go to, import, export, settings, about), the What if…
panel, a spreadsheet dropped on it, and what an item of the Today view asks for."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QDragEnterEvent, QDropEvent

from ui.window.screens import screen_ids

if TYPE_CHECKING:
    from services.records import Record
    from services.today import TodayItem
    from ui.dialogs.export_dialog import ExportDialog
    from ui.dialogs.go_to import GoToDialog
    from ui.import_wizard.wizard import ImportWizard
    from ui.main_window import MainWindow
    from ui.whatif_panel import WhatIfPanel

# The files a drop on the window may import.
SPREADSHEETS = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods", ".csv")


class WindowDialogs:
    def __init__(self, window: MainWindow) -> None:
        self.window = window
        #: The dialogs last opened, for tests.
        self.last_wizard: ImportWizard | None = None
        self.last_export: ExportDialog | None = None
        self.go_to_dialog: GoToDialog | None = None

    def go_to(self) -> None:
        """Go to… (Ctrl+K): any record by its number, reference or name."""
        window = self.window
        if window.context.database is None:
            return
        from ui.dialogs.go_to import GoToDialog

        dialog = GoToDialog(window.context, window)
        dialog.chosen.connect(window.going.show_searched)
        self.go_to_dialog = dialog
        dialog.exec()

    def open_import_wizard(self, path: str | None) -> None:
        from ui.import_wizard.wizard import ImportWizard

        window = self.window
        wizard = ImportWizard(window.context, path, parent=window)
        wizard.imported.connect(lambda kind, batch: window._imported(kind, batch, wizard))
        wizard.show_records.connect(window.going.show_batch)
        self.last_wizard = wizard
        wizard.open()

    def export_file(self) -> None:
        from ui.dialogs.export_dialog import ExportDialog

        # A list screen is offered "as shown" (its filter, search, sort and columns).
        dialog = ExportDialog(self.window.context, self.window.record_screen(), self.window)
        self.last_export = dialog
        dialog.open()

    def dropped_spreadsheet(self, event: QDragEnterEvent | QDropEvent) -> str | None:
        """The spreadsheet dragged onto the window, if it is one file the import takes."""
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        if len(urls) != 1 or not urls[0].isLocalFile():
            return None
        if not self.window.import_action.isEnabled():
            return None
        path = urls[0].toLocalFile()
        return path if path.lower().endswith(SPREADSHEETS) else None

    def open_settings(self) -> None:
        from ui.dialogs.settings_dialog import SettingsDialog

        window = self.window
        if window.context.database is None:
            return
        dialog = SettingsDialog(window.context, window)
        if dialog.exec():
            window.status.show_user()
            if dialog.database_changed:
                window.database.switch_database(dialog.chosen_location, dialog.saved_before)
                return
            window.mark_stale(window.screens)
            window.refresh()

    def about(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        from services.version import version

        QMessageBox.about(
            self.window,
            "About Rackbook",
            f"<b>Rackbook {version()}</b><p>GPU and infrastructure procurement, lead times, "
            "PPAs and customer contracts for AI data-centre build-outs.</p>",
        )

    def show_what_if(self) -> WhatIfPanel | None:
        """The What if… panel (ui.whatif_panel), once a database is open."""
        if self.window.context.database is None:
            return None
        from ui.whatif_panel import open_whatif

        return open_whatif(self.window.context, self.window)

    def do_today(self, action: str, item: TodayItem) -> None:
        """An item of the Today view: open its record, or do its action as the Orders and
        Alerts screens do it."""
        from services import today

        window = self.window
        if action == "open":
            screen_id = item.screen if item.screen in screen_ids() else "alerts"
            window.going.show_searched(
                screen_id, item.search if screen_id != "alerts" else item.title
            )
            if screen_id == "orders" and item.line_ids:
                window.screen_widget("orders").select_id(item.line_ids[0])
            return
        if action == today.CHASE:
            from ui.screens.today import chase_lines

            chase_lines(window.context, item, lambda text: window.status.say(text, 8000))
            return
        if action == today.ACKNOWLEDGE and item.alert_key:
            window.screen_widget("alerts").acknowledge_keys([item.alert_key], [item.detail])
            return
        if action in (today.MOVE_ETA, today.RECEIVE) and item.line_ids:
            self._act_on_lines(action, list(item.line_ids))

    def _act_on_lines(self, action: str, ids: list[int]) -> None:
        """Move the ETAs of the order lines ``ids``, or receive them, on the Orders screen."""
        from services import records, today

        orders_screen = self.window.screen_widget("orders")

        def found(lines: list[Record]) -> None:
            if action == today.MOVE_ETA:
                orders_screen.move_etas(lines)
            elif len(lines) == 1:
                orders_screen._receive(lines[0], None, "")
            else:
                orders_screen.receive_lines(lines)

        self.window.context.read(
            lambda session: [records.get_record(session, "orders", i) for i in ids], found
        )
