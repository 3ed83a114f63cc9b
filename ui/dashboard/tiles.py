"""The figure tiles at the top of the dashboard: a big number, what it is, and a detail line."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QMouseEvent, QResizeEvent
from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QVBoxLayout, QWidget

from ui.theme import INKS

# The figure's size in points, and the smaller one it takes where it would be cut.
VALUE_POINTS = 16
SMALL_POINTS = 12
STYLE = f"""
QFrame#tile {{ background: #ffffff; border: 1px solid #d6dbdf; border-radius: 4px; }}
QFrame#tile[level="bad"] {{ border-left: 4px solid #c62828; }}
QFrame#tile[level="warn"] {{ border-left: 4px solid #e07b00; }}
QFrame#tile[level="good"] {{ border-left: 4px solid #2e7d32; }}
QLabel#tileValue {{ font-size: {VALUE_POINTS}pt; font-weight: 600; color: #1f2d3a; }}
QLabel#tileValue[small="true"] {{ font-size: {SMALL_POINTS}pt; }}
QLabel#tileCaption {{ color: #455a64; font-weight: 600; }}
QLabel#tileDetail {{ color: #607d8b; }}
"""
# The same on a dark desktop (ui.theme): a dark card, light text.
DARK_STYLE = (
    STYLE.replace("#ffffff", "#23282b")
    .replace("#d6dbdf", "#3a4347")
    .replace("#1f2d3a", "#eceff1")
    .replace("#455a64", "#b0bec5")
    .replace("#607d8b", "#9fb0b8")
    .replace("#c62828", "#ef5350")
)


def tile_style() -> str:
    """The tiles' style sheet in the scheme applied (ui.theme.INKS)."""
    return DARK_STYLE if INKS.scheme == Qt.ColorScheme.Dark else STYLE


class Tile(QFrame):
    """One figure. Clickable when the screen connects ``clicked``."""

    clicked = Signal()

    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tile")
        self.setStyleSheet(tile_style())
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
        self._fit_value()
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

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        # The desktop turned light or dark (its style sheet set only when it differs: setting
        # one changes the palette again).
        if event.type() == QEvent.Type.PaletteChange and self.styleSheet() != tile_style():
            self.setStyleSheet(tile_style())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_value()

    def value_fits(self, points: float) -> bool:
        """Whether the figure, at ``points``, is as narrow as its label."""
        font = QFont(self.value.font())
        font.setPointSizeF(points)
        width = QFontMetrics(font).horizontalAdvance(self.value.text())
        return width <= self.value.contentsRect().width()

    def _fit_value(self) -> None:
        """A figure too wide for its tile (a laptop's screen) is shown smaller, never cut."""
        small = not self.value_fits(VALUE_POINTS)
        if bool(self.value.property("small")) != small:
            self.value.setProperty("small", small)
            self.value.style().unpolish(self.value)
            self.value.style().polish(self.value)
