"""The window's actions as the toolbar and the menus show them."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QToolBar

from ui.navigation import NAVIGATION
from ui.resources import icon

if TYPE_CHECKING:
    from ui.main_window import MainWindow

# A shortcut as QKeySequence takes it: a standard key, a text such as "Ctrl+K", a sequence.
Shortcut = QKeySequence | QKeySequence.StandardKey | str


def make_action(
    parent: QObject,
    text: str,
    slot: Callable[..., object],
    shortcut: Shortcut | None = None,
    icon_name: str | None = None,
    tip: str = "",
) -> QAction:
    """An action of ``parent`` doing ``slot`` (its tip also shown in the status bar)."""
    action = QAction(text, parent)
    if icon_name:
        action.setIcon(icon(icon_name))
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    if tip:
        action.setToolTip(tip)
        action.setStatusTip(tip)
    action.triggered.connect(slot)
    return action


def make_toolbar(window: MainWindow) -> QToolBar:
    """The toolbar under the menus: editing, a new order, import and export, refresh."""
    toolbar = QToolBar("Main")
    toolbar.setObjectName("mainToolbar")
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
    toolbar.setMovable(False)
    groups = (
        (window.new_action, window.edit_action, window.delete_action),
        (window.new_order_action,),
        (window.import_action, window.export_action),
        (window.refresh_action,),
    )
    for i, group in enumerate(groups):
        if i:
            toolbar.addSeparator()
        for action in group:
            toolbar.addAction(action)
    window.addToolBar(toolbar)
    return toolbar


def _add(menu: QMenu, *groups: Iterable[QAction]) -> None:
    """The groups of actions in ``menu``, a separator between two groups."""
    for i, group in enumerate(groups):
        if i:
            menu.addSeparator()
        for action in group:
            menu.addAction(action)


def make_menus(window: MainWindow) -> None:
    """File, Edit, View (with a shortcut per screen) and Help."""
    bar = window.menuBar()
    _add(
        bar.addMenu("&File"),
        (window.import_action, window.export_action),
        (window.settings_action,),
        (window.quit_action,),
    )
    _add(
        bar.addMenu("&Edit"),
        (window.undo_action, window.redo_action),
        (
            window.new_action,
            window.new_order_action,
            window.edit_action,
            window.duplicate_action,
            window.delete_action,
        ),
        (window.copy_action, window.find_action, window.go_to_action),
    )
    what_if = make_action(
        window,
        "&What if…",
        lambda _c=False: window.show_what_if(),
        "Ctrl+Shift+W",
        tip="What a vendor's, an order's or a line's slip changes (Ctrl+Shift+W)",
    )
    screens = []
    for i, (screen_id, label) in enumerate(NAVIGATION):
        action = make_action(window, label, lambda _c=False, s=screen_id: window.show_screen(s))
        if i < 9:
            action.setShortcut(QKeySequence(f"Ctrl+{i + 1}"))
        screens.append(action)
    _add(bar.addMenu("&View"), (window.refresh_action, window.columns_action, what_if), screens)
    _add(bar.addMenu("&Help"), (window.about_action,))
