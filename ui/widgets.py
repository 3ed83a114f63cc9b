"""Small widgets shared by screens and dialogs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QDate, QObject, Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import (
    QCompleter,
    QDateEdit,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QStyledItemDelegate,
    QToolButton,
    QWidget,
)

from ui import format as fmt

# The date a QDateEdit holds to mean "no date"; it is shown as blank (specialValueText).
BLANK = QDate(1900, 1, 1)


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


def to_qdate(value: dt.date) -> QDate:
    return QDate(value.year, value.month, value.day)


def from_qdate(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())


def edit_format() -> str:
    """Date editors show dates the way the lists do."""
    return fmt.date_format()


class _DateEdit(QDateEdit):
    def mousePressEvent(self, event: QMouseEvent) -> None:
        # A blank field would open its calendar in 1900: start from today instead.
        if self.date() == BLANK:
            self.setDate(QDate.currentDate())
        super().mousePressEvent(event)


class DateField(QWidget):
    """A date editor with a calendar, in the locale's format, that can also be empty."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None, *, optional: bool = True) -> None:
        super().__init__(parent)
        self.editor = _DateEdit(self)
        self.editor.setCalendarPopup(True)
        self.editor.setMinimumDate(BLANK)
        self.editor.setMaximumDate(QDate(9999, 12, 31))
        self.editor.setSpecialValueText(" ")
        self.editor.setDisplayFormat(edit_format())
        self.clear_button = QToolButton(self)
        self.clear_button.setText("×")
        self.clear_button.setToolTip("No date")
        self.clear_button.setAccessibleName("Clear date")
        self.clear_button.setVisible(optional)
        self.clear_button.clicked.connect(lambda: self.set_value(None))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.clear_button)
        self.setFocusProxy(self.editor)
        self.editor.dateChanged.connect(lambda _d: self.changed.emit())
        self.set_value(None)

    def value(self) -> dt.date | None:
        qdate = self.editor.date()
        return None if qdate == BLANK else from_qdate(qdate)

    def set_value(self, value: dt.date | None) -> None:
        self.editor.setDate(BLANK if value is None else to_qdate(value))


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
