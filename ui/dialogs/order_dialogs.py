"""Receive goods on an order line, and move its ETA."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from services.lists import open_units
from ui import format as fmt
from ui.widgets import DateField


def _problem_label() -> QLabel:
    """Why the last attempt to save did not go through (the dialog came back with it)."""
    label = QLabel()
    label.setObjectName("problem")
    label.setWordWrap(True)
    label.setStyleSheet("color: #b71c1c;")
    label.hide()
    return label


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
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Receive")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.message = _problem_label()
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
        note = QLabel("The move is kept in the line's ETA history with your name.")
        note.setWordWrap(True)
        form.addRow(note)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.message = _problem_label()
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
