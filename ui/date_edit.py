"""The one date editor of the window: dialogs, the new-order grid, the orders table and the
list filters all use it.

A date is typed as text and read by ``services.dates.read_date``, the import's own rule
(ISO, ``20-Apr-2027``, ``04/20/2027``; day first when the day is over 12 or the locale writes
the day first). What it understood is shown beside the field as you type (``→ Tue 20 Apr
2027``), an impossible date (``2027-02-30``) is refused with its reason, and nothing is ever
rolled over: there are no year, month and day sections for Tab or the arrow keys to walk
into. Up and Down move one day, Page Up and Page Down one month (the day kept, or the
month's last); Alt+Down or F4 opens a calendar.
"""

from __future__ import annotations

import calendar
import datetime as dt

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCalendarWidget,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QToolButton,
    QWidget,
    QWidgetAction,
)

from ui import format as fmt

# How the understood date is spelled out beside the field.
SPELLED = "ddd d MMM yyyy"


def to_qdate(value: dt.date) -> QDate:
    return QDate(value.year, value.month, value.day)


def from_qdate(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())


def spelled(value: dt.date) -> str:
    """``Tue 20 Apr 2027`` in the person's language: no order of day and month to guess."""
    return fmt.locale().toString(to_qdate(value), SPELLED)


def add_months(value: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (or earlier), the month's last day where it is shorter:
    31 January + 1 month is 28 February, never 3 March."""
    index = value.year * 12 + value.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    year = min(max(year, 1), 9999)
    return dt.date(year, month, min(value.day, calendar.monthrange(year, month)[1]))


class _Line(QLineEdit):
    """The text of the date, with the keys that step it."""

    def __init__(self, owner: DateEdit) -> None:
        super().__init__(owner)
        self.owner = owner

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, mods = event.key(), event.modifiers()
        alt = bool(mods & Qt.KeyboardModifier.AltModifier)
        if (key == Qt.Key.Key_Down and alt) or key == Qt.Key.Key_F4:
            self.owner.open_calendar()
            return
        steps: dict[int, tuple[int, int]] = {
            int(Qt.Key.Key_Up): (1, 0),
            int(Qt.Key.Key_Down): (-1, 0),
            int(Qt.Key.Key_PageUp): (0, 1),
            int(Qt.Key.Key_PageDown): (0, -1),
        }
        if int(key) in steps and not alt:
            days, months = steps[int(key)]
            self.owner.step(days, months)
            return
        super().keyPressEvent(event)


class DateEdit(QWidget):
    """A date that can be typed in any of the import's styles, or left empty (``optional``).

    ``compact``: for table cells and filter rows, the understood date goes to the tooltip and
    the ``understood`` signal instead of a label beside the field."""

    changed = Signal()
    # What the field understood, as shown beside it ("→ Tue 20 Apr 2027", or the problem).
    understood = Signal(str)

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        optional: bool = True,
        compact: bool = False,
        name: str = "Date",
    ) -> None:
        super().__init__(parent)
        self.optional = optional
        self.compact = compact
        self._value: dt.date | None = None
        self._problem: str | None = None
        self._setting = False
        self.line = _Line(self)
        self.line.setObjectName("dateText")
        self.line.setPlaceholderText(fmt.date_format().lower() if not optional else "")
        self.line.setMinimumWidth(self.line.fontMetrics().horizontalAdvance("00/00/00000") + 12)
        self.line.setMaximumWidth(self.line.fontMetrics().horizontalAdvance("0000-00-00000") + 40)
        self.calendar_button = QToolButton(self)
        self.calendar_button.setText("▾")
        self.calendar_button.setToolTip("Choose on a calendar (Alt+Down)")
        self.calendar_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.calendar_button.clicked.connect(self.open_calendar)
        self.clear_button = QToolButton(self)
        self.clear_button.setText("×")
        self.clear_button.setToolTip("No date")
        self.clear_button.setAccessibleName("Clear date")
        self.clear_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.clear_button.setVisible(optional)
        self.clear_button.clicked.connect(lambda: self.set_value(None, announce=True))
        self.reading = QLabel(self)
        self.reading.setObjectName("dateUnderstood")
        self.reading.setVisible(not compact)
        self.reading.setMinimumWidth(0)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.line, 1)
        layout.addWidget(self.calendar_button)
        layout.addWidget(self.clear_button)
        if not compact:
            layout.addSpacing(4)
            layout.addWidget(self.reading, 1)
        self.setFocusProxy(self.line)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.set_accessible_name(name)
        self.line.textChanged.connect(self._typed)
        self.line.editingFinished.connect(self._tidy)
        self._show()

    def set_accessible_name(self, name: str) -> None:
        self.setAccessibleName(name)
        self.line.setAccessibleName(name)
        self.calendar_button.setAccessibleName(f"{name}: calendar")

    # --- values --------------------------------------------------------------------------

    def value(self) -> dt.date | None:
        """The date the field holds: None when empty or when what is typed is no date (see
        ``problem``)."""
        return self._value

    def problem(self) -> str | None:
        """Why the text typed is not a date (or is required and missing), or None."""
        return self._problem

    def text(self) -> str:
        return self.line.text()

    def set_value(self, value: dt.date | None, *, announce: bool = False) -> None:
        """Show ``value``; ``changed`` is emitted when the date differs from the one held
        (as a QDateEdit does), or always with ``announce``."""
        different = value != self._value or self._problem is not None
        self._setting = True
        try:
            self.line.setText(fmt.date(value) if value is not None else "")
        finally:
            self._setting = False
        self._value, self._problem = value, self._missing(value)
        self._show()
        if announce or different:
            self.changed.emit()

    def set_text(self, text: str) -> None:
        """As if ``text`` had been typed."""
        self.line.setText(text)

    def step(self, days: int, months: int = 0) -> None:
        base = self._value or dt.date.today()
        try:
            moved = add_months(base, months) + dt.timedelta(days=days)
        except (OverflowError, ValueError):
            return
        self.set_value(moved, announce=True)

    def _missing(self, value: dt.date | None) -> str | None:
        return "a date is required" if value is None and not self.optional else None

    def _typed(self, text: str) -> None:
        if self._setting:
            return
        from services.dates import read_date

        reading = read_date(text, locale_day_first=fmt.day_first())
        self._value = reading.value
        self._problem = reading.problem or (
            self._missing(reading.value) if not text.strip() else None
        )
        self._show()
        self.changed.emit()

    def _tidy(self) -> None:
        """Once typing is done, a date understood is written the way the lists show it."""
        if self._value is not None and self._problem is None:
            shown = fmt.date(self._value)
            if self.line.text() != shown:
                self._setting = True
                self.line.setText(shown)
                self._setting = False

    def _show(self) -> None:
        if self._problem is not None and self.line.text().strip():
            text, colour = self._problem, "#b71c1c"
        elif self._value is not None:
            text, colour = f"→ {spelled(self._value)}", ""
        else:
            text, colour = "", ""
        self.reading.setText(text)
        self.reading.setStyleSheet(f"color: {colour};" if colour else "")
        self.reading.setToolTip(text)
        self.line.setToolTip(text)
        self.line.setProperty("invalid", bool(colour))
        self.line.setStyleSheet("border: 1px solid #c62828;" if colour else "")
        self.line.setAccessibleDescription(text)
        self.understood.emit(text)

    # --- the calendar --------------------------------------------------------------------

    def open_calendar(self) -> None:
        menu = QMenu(self)
        picker = QCalendarWidget(menu)
        picker.setObjectName("datePicker")
        picker.setGridVisible(True)
        picker.setSelectedDate(to_qdate(self._value or dt.date.today()))
        action = QWidgetAction(menu)
        action.setDefaultWidget(picker)
        menu.addAction(action)

        def chosen(day: QDate) -> None:
            self.set_value(from_qdate(day), announce=True)
            menu.close()

        picker.activated.connect(chosen)
        picker.clicked.connect(chosen)
        self.last_calendar = picker  # tests choose from it
        menu.popup(self.mapToGlobal(self.line.geometry().bottomLeft()))
        picker.setFocus()
