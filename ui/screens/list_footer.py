"""A list's footer: how many rows are shown of how many, how many are overdue or at risk, and
the list's sums; while several rows are selected, what they add up to (as a spreadsheet's
status bar does)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QLabel

from ui import format as fmt
from ui.fit import wrapping

if TYPE_CHECKING:
    from ui.screens.list_screen import ListScreen

# Pause before summing again (milliseconds): rows, marks and selections change in bursts.
SUM_DELAY_MS = 120


def total_text(value: Any) -> str:
    """A footer figure: a number, money in the reporting currency (saying what could not be
    converted), or money per currency."""
    from services.lists import ConvertedMoney

    if isinstance(value, ConvertedMoney):
        text = fmt.money(value.amount, value.currency)
        if value.unconverted:
            left_out = ", ".join(fmt.money(v, c) for c, v in value.unconverted.items())
            missing = ", ".join(value.unconverted)
            text += f" (no {missing} exchange rate: {left_out} not counted)"
        return text
    if isinstance(value, dict):
        return ", ".join(fmt.money(v, c) for c, v in sorted(value.items())) or "none"
    return fmt.number(value)


def _timer(parent: QObject, slot: Any) -> QTimer:
    timer = QTimer(parent)
    timer.setSingleShot(True)
    timer.setInterval(SUM_DELAY_MS)
    timer.timeout.connect(slot)
    return timer


class ListFooter:
    """The footer label of ``screen`` and what it says."""

    def __init__(self, screen: ListScreen) -> None:
        self.screen = screen
        self.label = QLabel()
        self.label.setObjectName("footer")
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        wrapping(self.label)  # the counts and sums wrap on a narrow screen
        self._list_timer = _timer(screen, self.update)
        # A selection changes at every click: it sums only the selected rows, and the whole
        # list's footer (summed again only when the rows change) is kept for when it ends.
        self._list_text = ""
        self._selection_timer = _timer(screen, self.show_selection)

    def later(self) -> None:
        self._list_timer.start()

    def selection_later(self) -> None:
        self._selection_timer.start()

    def _sums(self, rows: Iterable[tuple[Any, ...]]) -> list[str]:
        from services import lists

        screen = self.screen
        figures = lists.totals(screen.kind, screen.model.names, rows, screen.money)
        return [f"{figure.label}: {total_text(figure.value)}" for figure in figures]

    def update(self) -> None:
        """The whole list's counts and totals (when its rows, filters or marks change), or
        the selection's while several rows are selected."""
        screen = self.screen
        model = screen.model
        shown = model.rowCount()
        label = fmt.lower_words(screen.spec.schema.label)
        parts = [f"{fmt.number(shown)} of {fmt.number(model.total_rows)} {label}"]
        if not screen.complete and screen.spec.first_page:
            parts[0] += " (loading…)"
        levels = [m.level for m in model.shown_marks() if m is not None]
        if levels:
            overdue, at_risk = levels.count("overdue"), levels.count("at_risk")
            if overdue:
                parts.append(f"{fmt.number(overdue)} overdue")
            if at_risk:
                parts.append(f"{fmt.number(at_risk)} at risk")
        if screen.complete:
            # Totals of the whole list only: the first page alone would mislead.
            parts.extend(self._sums(model.shown_rows()))
        self._list_text = "   ·   ".join(parts)
        self.show_selection()

    def show_selection(self) -> None:
        """While several rows are selected, what they add up to; the list's own footer again
        when one row is selected."""
        screen = self.screen
        shown = screen.model.rowCount()
        selected = screen.selected_rows() if shown else []
        if len(selected) <= 1:
            self.label.setText(self._list_text)
            return
        what = fmt.lower_words(screen.spec.schema.label)
        parts = [f"{fmt.number(len(selected))} of {fmt.number(shown)} {what} selected"]
        parts.extend(self._sums(screen.model.rows_at(selected)))
        self.label.setText("   ·   ".join(parts))
