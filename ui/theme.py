"""The window's palette follows the desktop's light or dark scheme (QStyleHints.colorScheme),
and changes with it while Rackbook runs.

Row marks (an overdue or at-risk line: ui.tables.model) and the tones of figure rows (late,
bad: ui.tables.rows) take the scheme's colours from ``INKS``, pale grounds with dark text on
a light desktop, deep ones with light text on a dark one, each at least WCAG's 4.5:1; what the
style sheet colours for a light ground gets its dark twin from resources/style-dark.qss.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from ui.resources import RESOURCES, style_sheet

Role = QPalette.ColorRole
Scheme = Qt.ColorScheme

# A marked row's (ground, text) per mark level, in each scheme.
MARK_COLOURS: dict[Scheme, dict[str, tuple[str, str]]] = {
    Scheme.Light: {"overdue": ("#fde2e2", "#1e1e1e"), "at_risk": ("#fff3cd", "#1e1e1e")},
    Scheme.Dark: {"overdue": ("#5c2323", "#fde2e2"), "at_risk": ("#4a3c0c", "#fff3cd")},
}
# A figure row's text colour per tone, in each scheme (on the palette's base).
TONE_COLOURS: dict[Scheme, dict[str, str]] = {
    Scheme.Light: {"good": "#2e7d32", "late": "#b35c00", "bad": "#c62828"},
    Scheme.Dark: {"good": "#81c784", "late": "#ffb74d", "bad": "#ef9a9a"},
}


class Inks:
    """The brushes of the scheme applied last, read by the models as they paint."""

    def __init__(self) -> None:
        self.scheme = Scheme.Light
        self.marks: dict[str, tuple[QBrush, QBrush]] = {}
        self.tones: dict[str, QBrush] = {}
        self.use(Scheme.Light)

    def use(self, scheme: Scheme) -> None:
        self.scheme = Scheme.Dark if scheme == Scheme.Dark else Scheme.Light
        self.marks = {
            level: (QBrush(QColor(ground)), QBrush(QColor(text)))
            for level, (ground, text) in MARK_COLOURS[self.scheme].items()
        }
        self.tones = {
            tone: QBrush(QColor(colour)) for tone, colour in TONE_COLOURS[self.scheme].items()
        }


INKS = Inks()


def _luminance(colour: QColor) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = colour.redF(), colour.greenF(), colour.blueF()
    return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)


def contrast(first: QColor, second: QColor) -> float:
    """WCAG's contrast ratio of two colours (1 to 21)."""
    high, low = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def readable_on(colour: QColor, ground: QColor, least: float = 4.5) -> QColor:
    """``colour``, or the nearest shade of it towards white (on a dark ground) or black (on a
    light one) that reads on ``ground`` at ``least``:1: a chart's red label on a dark desktop."""
    far = QColor("#ffffff") if _luminance(ground) < 0.18 else QColor("#000000")
    shade = QColor(colour)
    for step in range(1, 11):
        if contrast(shade, ground) >= least:
            break
        part = step / 10
        shade = QColor.fromRgbF(
            colour.redF() + (far.redF() - colour.redF()) * part,
            colour.greenF() + (far.greenF() - colour.greenF()) * part,
            colour.blueF() + (far.blueF() - colour.blueF()) * part,
        )
    return shade


def dark_palette() -> QPalette:
    palette = QPalette()
    colours = {
        Role.Window: "#202426",
        Role.WindowText: "#e6e9eb",
        Role.Base: "#181b1d",
        Role.AlternateBase: "#23282b",
        Role.Text: "#e6e9eb",
        Role.Button: "#2b3033",
        Role.ButtonText: "#e6e9eb",
        Role.ToolTipBase: "#2b3033",
        Role.ToolTipText: "#e6e9eb",
        Role.PlaceholderText: "#8a9499",
        Role.Highlight: "#1f6fb2",
        Role.HighlightedText: "#ffffff",
        Role.Link: "#64b5f6",
        Role.BrightText: "#ff8a80",
    }
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    for role in (Role.WindowText, Role.Text, Role.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7b8489"))
    return palette


def scheme_of(app: QGuiApplication) -> Qt.ColorScheme:
    return app.styleHints().colorScheme()


def apply_scheme(app: QApplication, scheme: Qt.ColorScheme | None = None) -> Qt.ColorScheme:
    """Dress ``app`` for ``scheme`` (the desktop's when None); returns the scheme applied."""
    chosen = scheme_of(app) if scheme is None else scheme
    INKS.use(chosen)
    if chosen == Qt.ColorScheme.Dark:
        app.setPalette(dark_palette())
        dark = RESOURCES / "style-dark.qss"
        app.setStyleSheet(style_sheet() + "\n" + dark.read_text(encoding="utf-8"))
    else:
        app.setPalette(app.style().standardPalette())
        app.setStyleSheet(style_sheet())
    return chosen


def follow_desktop(app: QApplication) -> None:
    """Apply the desktop's scheme now and whenever the desktop changes it."""
    apply_scheme(app)
    app.styleHints().colorSchemeChanged.connect(lambda scheme: apply_scheme(app, scheme))
