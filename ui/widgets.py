"""Small widgets shared by screens and dialogs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import (
    QCompleter,
    QLabel,
    QLineEdit,
    QMessageBox,
    QStyledItemDelegate,
    QWidget,
)

from ui.date_edit import DateEdit, from_qdate, to_qdate

__all__ = ["DateEdit", "DateField", "busy_cursor", "from_qdate", "show_error", "to_qdate"]

# The one date editor (typed text read by the import's rule, never rolled over): every
# dialog, grid and filter uses it under this name.
DateField = DateEdit


class CompletingDelegate(QStyledItemDelegate):
    """A grid cell typed into with completion from ``choices()`` (asked each time the cell
    is edited: a vendor's skus, the parts a bill of parts may name), matched anywhere in
    the name, case ignored."""

    def __init__(self, choices: Callable[[], list[str]], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.choices = choices

    def createEditor(self, parent: QWidget, option: Any, index: Any) -> QWidget:
        editor = QLineEdit(parent)
        completer = QCompleter(self.choices(), editor)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        editor.setCompleter(completer)
        return editor


def show_error(parent: QWidget | None, error: BaseException, title: str = "Rackbook") -> None:
    """A person's mistake or a refusal as its message; anything else as an internal error."""
    from services.credentials import mask_text
    from services.errors import RackbookError

    # Whatever the text quotes (a database URL in a driver's message...), no password shows.
    if isinstance(error, RackbookError):
        QMessageBox.warning(parent, title, mask_text(str(error)))
        return
    import logging

    logging.getLogger("rackbook.ui").error("unexpected error", exc_info=error)
    QMessageBox.critical(
        parent,
        title,
        mask_text(
            f"Something went wrong ({error.__class__.__name__}: {error}). Nothing was saved."
        ),
    )


def busy_cursor(widget: QWidget, busy: bool) -> None:
    if busy:
        widget.setCursor(Qt.CursorShape.BusyCursor)
    else:
        widget.unsetCursor()


def screen_title(text: str) -> QLabel:
    """A screen's title, in the style sheet's large bold (``#screenTitle``)."""
    title = QLabel(text)
    title.setObjectName("screenTitle")
    return title
