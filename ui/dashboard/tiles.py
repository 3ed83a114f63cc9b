"""The figure tiles at the top of the dashboard: a big number, what it is, and a detail line."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QVBoxLayout, QWidget

STYLE = """
QFrame#tile { background: #ffffff; border: 1px solid #d6dbdf; border-radius: 4px; }
QFrame#tile[level="bad"] { border-left: 4px solid #c62828; }
QFrame#tile[level="warn"] { border-left: 4px solid #e07b00; }
QFrame#tile[level="good"] { border-left: 4px solid #2e7d32; }
QLabel#tileValue { font-size: 16pt; font-weight: 600; color: #1f2d3a; }
QLabel#tileCaption { color: #455a64; font-weight: 600; }
QLabel#tileDetail { color: #607d8b; }
"""


class Tile(QFrame):
    """One figure. Clickable when the screen connects ``clicked``."""

    clicked = Signal()

    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tile")
        self.setStyleSheet(STYLE)
        self.caption = QLabel(caption)
        self.caption.setObjectName("tileCaption")
        self.caption.setWordWrap(True)
        self.value = QLabel("…")
        self.value.setObjectName("tileValue")
        self.value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail = QLabel("")
        self.detail.setObjectName("tileDetail")
        self.detail.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setSpacing(1)
        layout.addWidget(self.caption)
        layout.addWidget(self.value)
        layout.addWidget(self.detail)
        layout.addStretch(1)
        self.setAccessibleName(caption)
        # A figure never widens the window: tiles share the row, the text wraps.
        for label in (self.caption, self.value, self.detail):
            policy = label.sizePolicy()
            policy.setHorizontalPolicy(QSizePolicy.Policy.Ignored)
            label.setSizePolicy(policy)
        self.setMinimumWidth(110)

    def show_figure(
        self, value: str, detail: str = "", level: str = "", tip: str = "", exact: str = ""
    ) -> None:
        """``value`` shown big (``exact``: the figure in full, for a shortened value)."""
        self.value.setText(value)
        self.detail.setText(detail)
        self.setToolTip("\n".join(t for t in (exact, tip) if t))
        self.setAccessibleDescription(f"{exact or value}. {detail}".strip())
        if self.property("level") != level:
            self.setProperty("level", level)
            self.style().unpolish(self)
            self.style().polish(self)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit()
        super().mouseReleaseEvent(event)
