"""The shared set-up of the screens that show figures read on the worker (the dashboard, the
alerts, readiness, cash): the context and as-of day, stale until read, read again when records
change while the screen is shown, and a failed read told in the screen's own words."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QWidget

from ui.context import AppContext
from ui.widgets import show_error


class FigureScreen(QWidget):
    # The title of the message box that tells a failed read.
    error_title = "Rackbook"

    def __init__(
        self, context: AppContext, name: str, parent: QWidget | None, as_of: dt.date | None
    ) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.context = context
        self.as_of = as_of
        self.stale = True
        context.changed.connect(self._records_changed)

    def refresh(self) -> None:
        raise NotImplementedError

    def read_figures(self, work: Callable[[Any, dt.date | None], Any], shown: Any) -> None:
        """Read the screen's figures in the background, ``work(session, as_of)``, and hand
        them to ``shown``; no longer stale once asked (nothing to read without a database)."""
        if self.context.database is None:
            return
        self.stale = False
        as_of = self.as_of
        self.context.read(lambda session: work(session, as_of), shown, self._failed, owner=self)

    def _records_changed(self, _kind: str) -> None:
        self.stale = True
        if self.isVisible():
            self.refresh()

    def _failed(self, error: BaseException) -> None:
        self.stale = True
        show_error(self, error, self.error_title)
