"""Ctrl+C on the window: the selected rows of the table being worked in, with headers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLabel, QWidget

from ui import format as fmt

if TYPE_CHECKING:
    from ui.main_window import MainWindow

# How long the status bar says what Ctrl+C copied.
COPIED_MESSAGE_MS = 6000


def copy_rows(window: MainWindow) -> None:
    """The selected rows of the table being worked in (the one with the focus, else the list
    on screen) to the clipboard; text selected in a label is copied as such, and a text
    field copies its own selection before this is ever asked."""
    from ui.tables.copying import copy_rows as copy_view

    focus = QApplication.focusWidget()
    if isinstance(focus, QLabel) and focus.hasSelectedText():
        QApplication.clipboard().setText(focus.selectedText())
        return
    view: QWidget | None = focus
    while view is not None and not isinstance(view, QAbstractItemView):
        view = view.parentWidget()
    if view is None:
        view = getattr(window.current_screen(), "view", None)
    if not isinstance(view, QAbstractItemView):
        return
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)  # a whole list: a second
    try:
        count = copy_view(view)
    finally:
        QApplication.restoreOverrideCursor()
    if count:
        window.status.say(
            f"Copied {fmt.counted(count, 'row')} with their headers: "
            "paste them into a spreadsheet or a mail",
            COPIED_MESSAGE_MS,
        )
