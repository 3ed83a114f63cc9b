"""The dialog that acknowledges or snoozes alerts: a note, and a day until which they stay
hidden (sooner if they get worse)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ui import format as fmt
from ui.widgets import DateField

# Alerts quoted in the acknowledge dialog when several are acknowledged together.
MESSAGES_SHOWN = 6
# What the day hidden until means, under it.
HIDDEN_UNTIL = (
    "The alert comes back after that day, or sooner if it gets worse. "
    "Without a date it stays hidden until it gets worse."
)


class AcknowledgeDialog(QDialog):
    """A note, and optionally the day until which the alerts stay hidden."""

    def __init__(
        self,
        alerts: Sequence[Any],
        snooze: bool,
        today: dt.date,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        # One alert, or several acknowledged together with one note and date.
        chosen = list(alerts)
        what = "alert" if len(chosen) == 1 else f"{len(chosen)} alerts"
        self.setWindowTitle(f"Snooze {what}" if snooze else f"Acknowledge {what}")
        self.today = today
        lines = [a.message for a in chosen[:MESSAGES_SHOWN]]
        if len(chosen) > MESSAGES_SHOWN:
            lines.append(f"… and {len(chosen) - MESSAGES_SHOWN} more")
        message = QLabel("\n".join(lines))
        message.setTextFormat(Qt.TextFormat.PlainText)
        message.setWordWrap(True)
        self.note = QPlainTextEdit()
        self.note.setObjectName("ackNote")
        self.note.setPlaceholderText("Why it can wait, who is on it…")
        self.note.setFixedHeight(70)
        self.until = DateField()
        self.until.setObjectName("ackUntil")
        if snooze:
            self.until.set_value(today + dt.timedelta(days=7))
        form = QFormLayout()
        form.addRow("Alert:" if len(chosen) == 1 else "Alerts:", message)
        form.addRow("Note:", self.note)
        form.addRow("Hidden until:", self.until)
        hint = QLabel(HIDDEN_UNTIL)
        hint.setWordWrap(True)
        hint.setObjectName("tileDetail")
        self.problem = QLabel("")
        self.problem.setProperty("problem", True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.resize(520, 260)

    def accept(self) -> None:
        until = self.until.value()
        if until is not None and until < self.today:
            self.problem.setText(
                f"The day to hide it until has already passed ({fmt.date(until)})."
            )
            return
        super().accept()

    def values(self) -> tuple[str | None, dt.date | None]:
        note = self.note.toPlainText().strip()
        return (note or None), self.until.value()
