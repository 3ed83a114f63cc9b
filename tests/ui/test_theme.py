"""The palette follows the desktop's light or dark scheme, and row marks stay readable in both
(their text against their ground at least WCAG's 4.5:1)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from tests.ui.theme_check import contrast
from ui.tables.model import MARK_ROLE
from ui.theme import apply_scheme

pytestmark = pytest.mark.gui
R = Qt.ItemDataRole


def _contrast(a: QColor, b: QColor) -> float:
    return contrast(a.name(), b.name())


@pytest.fixture
def schemes(qapp):
    palette, sheet = qapp.palette(), qapp.styleSheet()
    yield qapp
    qapp.setPalette(palette)
    qapp.setStyleSheet(sheet)


@pytest.mark.parametrize("scheme", [Qt.ColorScheme.Light, Qt.ColorScheme.Dark])
def test_the_palette_follows_the_scheme_and_marks_stay_readable(schemes, window, scheme):
    assert apply_scheme(schemes, scheme) == scheme
    palette = QApplication.palette()
    window_colour = palette.color(QPalette.ColorRole.Window)
    text = palette.color(QPalette.ColorRole.WindowText)
    if scheme == Qt.ColorScheme.Dark:
        assert window_colour.lightness() < 80 and "#ef9a9a" in schemes.styleSheet()
    else:
        assert window_colour.lightness() > 180
    assert _contrast(window_colour, text) >= 4.5

    window.show_screen("orders")
    model = window.current_screen().model
    marked = [r for r in range(model.rowCount()) if model.data(model.index(r, 0), MARK_ROLE)]
    assert marked, "the demo data has overdue and at-risk lines"
    base = palette.color(QPalette.ColorRole.Base)
    for row in marked[:20]:
        index = model.index(row, 1)
        ground = model.data(index, R.BackgroundRole)
        ink = model.data(index, R.ForegroundRole)
        ground_colour = ground.color() if ground is not None else base
        ink_colour = ink.color() if ink is not None else palette.color(QPalette.ColorRole.Text)
        assert _contrast(ground_colour, ink_colour) >= 4.5, (row, ground_colour.name())


def test_a_change_of_the_desktop_scheme_is_followed(schemes):
    from ui.theme import follow_desktop

    follow_desktop(schemes)
    # What the platform says when the desktop turns dark, then light again.
    schemes.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert QApplication.palette().color(QPalette.ColorRole.Window).lightness() < 80
    schemes.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Light)
    assert QApplication.palette().color(QPalette.ColorRole.Window).lightness() > 180
