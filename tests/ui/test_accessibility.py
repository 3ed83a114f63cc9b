"""Accessibility basics on every screen: each control a keyboard or a screen reader reaches
has a name (its accessible name, or the label that is its buddy), and Tab reaches it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from ui.navigation import NAVIGATION

pytestmark = pytest.mark.gui
INTERACTIVE = (
    QAbstractButton,
    QComboBox,
    QLineEdit,
    QAbstractSpinBox,
    QPlainTextEdit,
    QTextEdit,
    QAbstractItemView,
)


def _named(widget: QWidget, buddied: set[int]) -> bool:
    if widget.accessibleName().strip():
        return True
    if id(widget) in buddied:
        return True
    if isinstance(widget, QAbstractButton) and widget.text().replace("&", "").strip():
        return True
    # The line edit inside an editable combo box is named by its combo box.
    parent = widget.parentWidget()
    return (
        isinstance(widget, QLineEdit) and isinstance(parent, QComboBox) and _named(parent, buddied)
    )


def _controls(root: QWidget) -> list[QWidget]:
    return [
        w
        for w in root.findChildren(QWidget)
        if isinstance(w, INTERACTIVE)
        and w.isVisibleTo(root)
        and w.focusPolicy() != Qt.FocusPolicy.NoFocus
    ]


def _unnamed(root: QWidget) -> list[str]:
    buddied = {id(label.buddy()) for label in root.findChildren(QLabel) if label.buddy()}
    missing = []
    for widget in _controls(root):
        if not _named(widget, buddied):
            missing.append(f"{type(widget).__name__} {widget.objectName()!r}")
    return missing


@pytest.mark.parametrize("screen_id", [screen_id for screen_id, _label in NAVIGATION])
def test_every_control_of_every_screen_has_a_name(window, screen_id):
    window.show_screen(screen_id)
    screen = window.current_screen()
    missing = _unnamed(screen)
    assert missing == []


@pytest.mark.parametrize("screen_id", ["today", "dashboard", "orders", "alerts", "readiness"])
def test_tab_reaches_every_control_of_a_screen(window, screen_id):
    window.show_screen(screen_id)
    screen = window.current_screen()
    wanted = {
        id(w): w
        for w in _controls(screen)
        if w.focusPolicy() & Qt.FocusPolicy.TabFocus and not isinstance(w.parentWidget(), QComboBox)
    }
    reached: set[int] = set()
    widget: QWidget = window
    for _step in range(2000):
        widget = widget.nextInFocusChain()
        reached.add(id(widget))
        if widget is window:
            break
    missing = [
        f"{type(w).__name__} {w.objectName()!r}" for k, w in wanted.items() if k not in reached
    ]
    assert wanted and missing == []


def test_the_window_s_own_controls_have_names(window):
    assert _unnamed(window.navigation.parentWidget() or window) == []
