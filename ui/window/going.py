"""Showing what another screen asked for: a list filtered or searched, the records of an
import batch, some order lines, a deployment's readiness."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ui.window.screens import RECORD_SCREENS

if TYPE_CHECKING:
    from ui.main_window import MainWindow


class GoingTo:
    def __init__(self, window: MainWindow) -> None:
        self.window = window

    def show_filtered(self, screen_id: str, field: str, value: str) -> None:
        """Show a list with one of its filters set (or, failing that, searched) to ``value``."""
        window = self.window
        window.show_screen(screen_id)
        screen = window.current_screen()
        combo = getattr(screen, "filters", {}).get(field)
        if combo is not None and combo.findData(value) >= 0:
            combo.setCurrentIndex(combo.findData(value))
        elif hasattr(screen, "search"):
            screen.search.setText(value)

    def show_searched(self, screen_id: str, text: str) -> None:
        window = self.window
        window.show_screen(screen_id)
        screen = window.current_screen()
        if hasattr(screen, "search"):
            screen.search.setText(text)

    def show_batch(self, batch_id: int) -> None:
        """The list of an import batch's kind, showing only the records it created or changed."""
        from services import lists

        window = self.window

        def done(found: lists.BatchRecords) -> None:
            if found.kind not in RECORD_SCREENS:
                return
            window.show_screen(found.kind)
            window.screen_widget(found.kind).show_only(found.ids, found.description)

        window.context.read(
            lambda session: lists.batch_records(session, batch_id), done, owner=window
        )

    def show_lines(self, line_ids: list[int], what: str) -> None:
        """The Orders screen showing only the order lines ``line_ids`` (``what`` they are),
        the first of them selected."""
        window = self.window
        window.show_screen("orders")
        orders_screen = window.screen_widget("orders")
        orders_screen.show_only(line_ids, what)
        if line_ids:
            orders_screen.select_id(line_ids[0])

    def show_readiness(self, deployment_ref: str = "") -> None:
        """The readiness timeline, at deployment ``deployment_ref`` when one is named."""
        window = self.window
        window.show_screen("readiness")
        if deployment_ref:
            window.screen_widget("readiness").select_deployment(deployment_ref)
