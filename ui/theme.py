"""The window's palette follows the desktop's light or dark scheme (QStyleHints.colorScheme),
and changes with it while Rackbook runs.

Row marks keep their pale grounds with dark text in both schemes (ui.tables.model), so they
read the same on a dark desktop; what the style sheet colours for a light ground gets its dark
twin from resources/style-dark.qss.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from ui.resources import RESOURCES, style_sheet

Role = QPalette.ColorRole


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
