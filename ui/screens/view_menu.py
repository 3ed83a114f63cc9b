"""A list's View button and column menu: the columns shown, the views saved for the list
(``ui.screens.views``), saving what the list shows now under a name and forgetting a view."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QInputDialog, QMenu, QMessageBox, QToolButton

from ui.screens import views as saved

if TYPE_CHECKING:
    from ui.screens.list_screen import ListScreen


class ViewMenu:
    """The View button of ``screen`` (``button``) and the menu of its columns' header."""

    def __init__(self, screen: ListScreen) -> None:
        self.screen = screen
        #: The saved view last shown or saved on this list (its name), if any.
        self.current: str | None = None
        self.button = QToolButton()
        self.button.setObjectName("columnsButton")
        self.button.setText("View")
        self.button.setToolTip("Columns shown, and the views saved for this list")
        self.button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.button.setMenu(QMenu(self.button))
        self.button.menu().aboutToShow.connect(lambda: self.fill(self.button.menu()))

    def header_menu(self, pos: QPoint) -> None:
        screen = self.screen
        menu = QMenu(screen)
        self.fill_columns(menu)
        menu.exec(screen.view.horizontalHeader().mapToGlobal(pos))

    def fill_columns(self, menu: QMenu) -> None:
        screen = self.screen
        menu.clear()
        header = screen.view.horizontalHeader()
        for i, column in enumerate(screen.model.columns):
            action = menu.addAction(column.title)
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(i))
            action.toggled.connect(lambda on, i=i: screen.set_column_shown(i, on))

    def fill(self, menu: QMenu) -> None:
        """The View button's menu: the columns, the saved views, saving and forgetting one."""
        menu.clear()
        self.fill_columns(menu.addMenu("Columns"))
        views = saved.saved_views(self.screen.context, self.screen.kind)
        names = sorted(views, key=str.casefold)
        if views:
            menu.addSeparator()
            for name in names:
                action = menu.addAction(name)
                action.triggered.connect(lambda _c=False, n=name: self.show(n))
        menu.addSeparator()
        save = menu.addAction("Save this view as…")
        save.triggered.connect(lambda _c=False: self.save())
        if views:
            forget = menu.addMenu("Forget a view")
            for name in names:
                action = forget.addAction(name)
                action.triggered.connect(lambda _c=False, n=name: self.forget(n))

    def save(self, name: str | None = None) -> None:
        """What the list shows now (search, filters, dates, columns, sort) under a name."""
        screen = self.screen
        if name is None:
            name, ok = QInputDialog.getText(
                screen, "Save this view", "A name for what the list shows now:"
            )
            if not ok:
                return
        try:
            self.current = saved.save_view(screen.context, screen, name)
        except ValueError as exc:
            QMessageBox.information(screen, "Save this view", str(exc))

    def show(self, name: str) -> None:
        screen = self.screen
        view = saved.saved_views(screen.context, screen.kind).get(name)
        if view is None:
            return
        missing = saved.apply_view(screen, view)
        self.current = name
        if missing:
            QMessageBox.information(
                screen,
                f"View {name}",
                "Shown without the filters the list no longer has: " + ", ".join(missing),
            )

    def forget(self, name: str) -> None:
        saved.forget_view(self.screen.context, self.screen.kind, name)
        if self.current == name:
            self.current = None
