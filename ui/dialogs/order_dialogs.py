"""Receive goods on an order line, move its ETA, correct its promised date; receive, move or
cancel several lines."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QPlainTextEdit,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from services.lists import open_units
from services.orders import EtaMove, MovableLines, movable_lines, open_lines
from ui import format as fmt
from ui.widgets import DateField, note_label, ok_cancel, problem_label


def _line_summary(line: dict[str, Any]) -> str:
    received = line.get("received_qty") or 0
    return (
        f"{line['po_number']}/{line['line']} · {line['vendor']} {line['sku']} · "
        f"{fmt.number(line['quantity'])} ordered, {fmt.number(received)} received"
    )


class ReceiveDialog(QDialog):
    """How many units arrived, and on which day."""

    def __init__(self, line: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Receive goods on {line['po_number']}/{line['line']}")
        still_open = open_units(line["quantity"], line.get("received_qty"), line["status"])
        self.quantity = QSpinBox()
        self.quantity.setObjectName("receiveQuantity")
        self.quantity.setRange(1, max(still_open, 1))
        self.quantity.setValue(max(still_open, 1))
        self.quantity.setGroupSeparatorShown(True)
        self.quantity.setSuffix(f" of {fmt.number(still_open)} open")
        self.received_on = DateField(optional=False)
        self.received_on.setObjectName("receivedOn")
        self.received_on.set_value(dt.date.today())
        form = QFormLayout()
        form.addRow(QLabel(_line_summary(line)))
        form.addRow("Units arrived", self.quantity)
        form.addRow("Arrived on", self.received_on)
        buttons, self.ok = ok_cancel(self, "Receive")
        self.received_on.changed.connect(
            lambda: self.ok.setEnabled(self.received_on.problem() is None)
        )
        self.quantity.setAccessibleName("Units arrived")
        self.received_on.set_accessible_name("Arrived on")
        self.message = problem_label()
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def values(self) -> tuple[int, dt.date]:
        return self.quantity.value(), self.received_on.value() or dt.date.today()

    def set_values(self, quantity: int, day: dt.date, problem: str) -> None:
        """What was typed before a save that did not go through, and why it did not."""
        self.quantity.setValue(quantity)
        self.received_on.set_value(day)
        self.message.setText(problem)
        self.message.setVisible(bool(problem))


class EtaDialog(QDialog):
    """The vendor's new estimate for a line (blank: no date given)."""

    def __init__(self, line: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Change the ETA of {line['po_number']}/{line['line']}")
        self.eta = DateField()
        self.eta.setObjectName("newEta")
        self.eta.set_value(line.get("eta"))
        form = QFormLayout()
        form.addRow(QLabel(_line_summary(line)))
        form.addRow("Promised date", QLabel(fmt.date(line.get("promised_date")) or "none"))
        form.addRow("Current ETA", QLabel(fmt.date(line.get("eta")) or "none"))
        form.addRow("New ETA", self.eta)
        note = note_label("The move is kept in the line's ETA history with your name.")
        form.addRow(note)
        buttons, self.ok = ok_cancel(self)
        self.eta.set_accessible_name("New ETA")
        self.eta.changed.connect(lambda: self.ok.setEnabled(self.eta.problem() is None))
        self.message = problem_label()
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def value(self) -> dt.date | None:
        return self.eta.value()

    def set_value(self, eta: dt.date | None, problem: str) -> None:
        """What was typed before a save that did not go through, and why it did not."""
        self.eta.set_value(eta)
        self.message.setText(problem)
        self.message.setVisible(bool(problem))


class CorrectPromiseDialog(QDialog):
    """Correct a promised date typed wrong: the date it should have been and why. The line's
    promised date and first commitment both change, audited with the reason; it is not a new
    date from the vendor (that is an ETA change)."""

    def __init__(self, line: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("correctPromise")
        self.setWindowTitle(f"Correct the promised date of {line['po_number']}/{line['line']}")
        self.promised = DateField(optional=False)
        self.promised.setObjectName("correctedPromise")
        self.promised.set_value(line.get("promised_date") or dt.date.today())
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("correctionReason")
        self.reason.setPlaceholderText("Why the promised date was wrong (kept in the history)")
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(64)
        form = QFormLayout()
        form.addRow(QLabel(_line_summary(line)))
        form.addRow("Promised date now", QLabel(fmt.date(line.get("promised_date")) or "none"))
        first = line.get("first_commitment")
        form.addRow("First commitment now", QLabel(fmt.date(first) or "none"))
        form.addRow("Correct promised date", self.promised)
        form.addRow("Reason *", self.reason)
        note = note_label(
            "For a promised date typed wrong. A new date from the vendor is an ETA change: "
            "the slip is measured from the first commitment."
        )
        form.addRow(note)
        self.buttons, self.ok_button = ok_cancel(self, "Correct")
        self.reason.textChanged.connect(self._enable)
        self.message = problem_label()
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self._enable()

    def _enable(self) -> None:
        given = bool(self.reason.toPlainText().strip())
        self.ok_button.setEnabled(given)
        self.ok_button.setToolTip("" if given else "Say why the promised date was wrong first")

    def values(self) -> tuple[dt.date | None, str]:
        return self.promised.value(), self.reason.toPlainText().strip()

    def set_values(self, day: dt.date | None, reason: str, problem: str) -> None:
        """What was typed before a correction that did not go through, and why it did not."""
        self.promised.set_value(day)
        self.reason.setPlainText(reason)
        self.message.setText(problem)
        self.message.setVisible(bool(problem))


# Lines named one by one in the move dialog's preview; the rest are counted.
PREVIEW_LINES = 8
# The furthest a move by days goes, either way (a little over two years).
MAX_MOVE_DAYS = 800


class EtaMoveDialog(QDialog):
    """Move the ETAs of several lines at once: by a number of days (each line from its own
    ETA, or its promised date where it has none) or to one date; what would move, and which
    lines are left as they are and why, shown before anything is written."""

    def __init__(self, lines: list[dict[str, Any]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lines = lines
        count = len(lines)
        self.setWindowTitle(f"Move the ETA of {fmt.number(count)} line{'s' if count > 1 else ''}")
        orders = sorted({line["po_number"] for line in lines})
        about = note_label(
            f"{fmt.number(count)} line{'s' if count > 1 else ''} of "
            f"{', '.join(orders[:5])}{' …' if len(orders) > 5 else ''}"
        )
        self.by_days = QRadioButton("Later or earlier by")
        self.by_days.setObjectName("moveByDays")
        self.days = QSpinBox()
        self.days.setObjectName("moveDays")
        self.days.setRange(-MAX_MOVE_DAYS, MAX_MOVE_DAYS)
        self.days.setValue(14)
        self.days.setSuffix(" days")
        self.days.setToolTip("Negative: earlier")
        self.to_date = QRadioButton("To the date")
        self.to_date.setObjectName("moveToDate")
        self.date = DateField(optional=False, name="To the date")
        self.date.setObjectName("moveDate")
        self.days.setAccessibleName("Days later (negative: earlier)")
        self.date.set_value(dt.date.today() + dt.timedelta(days=14))
        self.by_days.setChecked(True)
        choice = QGridLayout()
        choice.addWidget(self.by_days, 0, 0)
        choice.addWidget(self.days, 0, 1)
        choice.addWidget(self.to_date, 1, 0)
        choice.addWidget(self.date, 1, 1)
        choice.setColumnStretch(2, 1)
        self.preview = note_label(name="movePreview")
        self.preview.setTextFormat(Qt.TextFormat.PlainText)
        note = note_label(
            "The promised dates (the vendor's first commitments) stay; every move is kept in "
            "its line's ETA history with your name. Either every line moves or none does."
        )
        self.buttons, self.ok = ok_cancel(self, "Move")
        layout = QVBoxLayout(self)
        layout.addWidget(about)
        layout.addLayout(choice)
        layout.addWidget(self.preview, 1)
        layout.addWidget(note)
        layout.addWidget(self.buttons)
        for radio in (self.by_days, self.to_date):
            radio.toggled.connect(self._update)
        self.days.valueChanged.connect(self._update)
        self.date.changed.connect(self._update)
        self.setMinimumWidth(520)
        self._update()

    def eta_move(self) -> EtaMove | None:
        if self.by_days.isChecked():
            return EtaMove(by_days=self.days.value())
        day = self.date.value()
        return EtaMove(to=day) if day is not None else None

    def split(self) -> MovableLines:
        move = self.eta_move()
        if move is None:
            return MovableLines([], [(line, "no date given") for line in self.lines])
        return movable_lines(self.lines, move)

    def _update(self) -> None:
        self.days.setEnabled(self.by_days.isChecked())
        self.date.setEnabled(self.to_date.isChecked())
        move = self.eta_move()
        split = self.split()
        shown = []
        for line in split.movable[:PREVIEW_LINES]:
            new = move.new_eta(line) if move is not None else None
            shown.append(
                f"{line['po_number']}/{line['line']} {line['sku']}: "
                f"{fmt.date(line.get('eta')) or 'no ETA'} → {fmt.date(new)}"
            )
        if len(split.movable) > PREVIEW_LINES:
            shown.append(f"… and {fmt.number(len(split.movable) - PREVIEW_LINES)} more")
        if split.left_alone:
            shown.append(_left_alone_text(split.left_alone))
        self.preview.setText("\n".join(shown) if shown else "Nothing to move.")
        self.ok.setEnabled(bool(split.movable))


def _left_alone_text(left: list[tuple[dict[str, Any], str]]) -> str:
    named = ", ".join(
        f"{line['po_number']}/{line['line']} ({why})" for line, why in left[:PREVIEW_LINES]
    )
    more = len(left) - PREVIEW_LINES
    return f"Left as they are: {named}" + (f" and {fmt.number(more)} more" if more > 0 else "")


class ReceiveSeveralDialog(QDialog):
    """A whole delivery: every open unit of the selected lines arrived on one day; the
    lines with nothing left to receive are named and left alone."""

    def __init__(self, lines: list[dict[str, Any]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.split = open_lines(lines)
        count = len(self.split.movable)
        self.setWindowTitle(f"Receive goods on {fmt.number(len(lines))} lines")
        self.received_on = DateField(optional=False, name="Arrived on")
        self.received_on.setObjectName("receivedOn")
        self.received_on.set_value(dt.date.today())
        shown = [
            f"{line['po_number']}/{line['line']} {line['sku']}: "
            f"{fmt.number(open_units(line['quantity'], line.get('received_qty'), line['status']))}"
            " units"
            for line in self.split.movable[:PREVIEW_LINES]
        ]
        if count > PREVIEW_LINES:
            shown.append(f"… and {fmt.number(count - PREVIEW_LINES)} more lines")
        if self.split.left_alone:
            shown.append(_left_alone_text(self.split.left_alone))
        self.preview = QLabel("\n".join(shown) if count else "Nothing left to receive.")
        self.preview.setObjectName("receivePreview")
        self.preview.setTextFormat(Qt.TextFormat.PlainText)
        self.preview.setWordWrap(True)
        form = QFormLayout()
        form.addRow(QLabel(f"Every unit still open on {fmt.counted(count, 'line')} arrived:"))
        form.addRow(self.preview)
        form.addRow("Arrived on", self.received_on)
        buttons, self.ok = ok_cancel(self, "Receive")
        self.ok.setEnabled(bool(count))
        self.received_on.changed.connect(
            lambda: self.ok.setEnabled(bool(count) and self.received_on.problem() is None)
        )
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(480)

    def day(self) -> dt.date:
        return self.received_on.value() or dt.date.today()


# Reasons offered as the person types one (any other text is taken as it is).
CANCEL_REASONS = (
    "vendor cannot deliver",
    "ordered twice",
    "replaced by another order",
    "customer contract ended",
    "the SKU was discontinued",
)


class CancelDialog(QDialog):
    """Cancel placed lines, with the reason they are stopped (kept in their notes)."""

    def __init__(self, question: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from PySide6.QtWidgets import QCompleter, QLineEdit

        self.setWindowTitle("Cancel order lines")
        text = note_label(question)
        text.setTextFormat(Qt.TextFormat.PlainText)
        self.reason = QLineEdit()
        self.reason.setObjectName("cancelReason")
        self.reason.setAccessibleName("Why they are cancelled")
        self.reason.setPlaceholderText("e.g. vendor cannot deliver")
        completer = QCompleter(list(CANCEL_REASONS), self.reason)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.reason.setCompleter(completer)
        buttons, self.ok = ok_cancel(self, "Cancel the lines")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Keep them")
        self.ok.setEnabled(False)
        self.reason.textChanged.connect(lambda t: self.ok.setEnabled(bool(t.strip())))
        form = QFormLayout()
        form.addRow(text)
        form.addRow("Why *", self.reason)
        note = note_label("The reason is kept in each line's notes; the lines stay on record.")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)

    def value(self) -> str:
        return self.reason.text().strip()


def cancel_question(lines: list[dict[str, Any]]) -> tuple[str, MovableLines]:
    """The question asked before cancelling several lines, and which of them would go."""
    split = open_lines(lines)
    named = ", ".join(
        f"{line['po_number']}/{line['line']}" for line in split.movable[:PREVIEW_LINES]
    )
    more = len(split.movable) - PREVIEW_LINES
    if more > 0:
        named += f" and {fmt.number(more)} more"
    text = (
        f"Cancel {fmt.number(len(split.movable))} lines: {named}? Units already received stay "
        "received; either every line is cancelled or none is."
    )
    if split.left_alone:
        text += "\n\n" + _left_alone_text(split.left_alone)
    return text, split
