"""Today: what needs doing, in order (``services.today``), as the window's first screen.

One tree: a section per kind of work, an item per thing to do. Every item is one click (or
Enter) from its record, and its actions are buttons with keys of their own: Chase (copy a
message to the vendor), Move ETA…, Receive…, Acknowledge…. The screen asks the window to do
them (``action_requested``), so they run as the Orders and Alerts screens run them, with
undo.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from domain.statuses import Severity
from services.today import ACKNOWLEDGE, CHASE, MOVE_ETA, RECEIVE, Today, TodayItem
from ui import format as fmt
from ui.context import AppContext
from ui.fit import wrapping
from ui.resources import icon
from ui.screens.alerts_table import SEVERITY_ICONS
from ui.screens.figure_screen import FigureScreen
from ui.theme import INKS
from ui.widgets import screen_title, show_error

ITEM_ROLE = int(Qt.ItemDataRole.UserRole.value) + 7
# The buttons, in order: (action, text, key, tooltip). The keys are shortcuts of the screen
# (not mnemonics, which some desktops leave off).
BUTTONS = (
    ("open", "Open record", "Alt+O", "Show the record on its list (Enter, double-click)"),
    (CHASE, "Chase", "Alt+C", "Copy a message asking the vendor for a date, to paste in a mail"),
    (MOVE_ETA, "Move ETA…", "Alt+M", "Give the line the vendor's new ETA"),
    (RECEIVE, "Receive…", "Alt+R", "Book the goods that arrived"),
    (ACKNOWLEDGE, "Acknowledge…", "Alt+K", "Note who is on it; hidden until it gets worse"),
)


class TodayScreen(FigureScreen):
    # (action, item): open its record, chase, move ETA, receive, acknowledge.
    action_requested = Signal(str, object)
    loaded = Signal()

    def __init__(
        self, context: AppContext, parent: QWidget | None = None, as_of: dt.date | None = None
    ) -> None:
        super().__init__(context, "screen_today", parent, as_of)
        self.today: Today | None = None
        self.title = screen_title("Today")
        self.summary = wrapping(QLabel(""))
        self.summary.setObjectName("todaySummary")
        self.tree = QTreeWidget()
        self.tree.setObjectName("todayItems")
        self.tree.setAccessibleName("What needs doing today")
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels(["What", "Why"])
        self.tree.setRootIsDecorated(True)
        self.tree.setWordWrap(True)
        self.tree.setUniformRowHeights(False)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.tree.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(0, 300)
        self.tree.itemActivated.connect(lambda _i, _c: self.act("open"))
        self.tree.currentItemChanged.connect(lambda *_a: self._enable())
        self.detail = wrapping(QLabel(""))
        self.detail.setObjectName("todayDetail")
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        for action, text, key, tip in BUTTONS:
            button = QPushButton(f"{text} ({key})")
            button.setObjectName(f"today_{action}")
            button.setToolTip(tip)
            button.setAccessibleName(text)
            button.clicked.connect(lambda _c=False, a=action: self.act(a))
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda a=action: self.act(a))
            self.buttons[action] = button
            row.addWidget(button)
        row.addStretch(1)
        QShortcut(QKeySequence(Qt.Key.Key_Return), self.tree, lambda: self.act("open"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 4)
        layout.addWidget(self.title)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.detail)
        layout.addLayout(row)
        self.search = self.tree  # Ctrl+F and the first focus land on the list of things to do
        self._enable()

    # --- the screen protocol of the main window ------------------------------------------

    def refresh(self) -> None:
        from services import today

        as_of = self.as_of
        self.read(
            lambda session: today.today(session, as_of),
            self.show_today,
            lambda error: show_error(self, error, "Rackbook — Today"),
        )

    def save_state(self) -> None:
        """Nothing to keep: the screen shows what is due each time."""

    def restore_state(self) -> None:
        """Nothing kept (see save_state)."""

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        # The desktop turned light or dark: the critical items take the scheme's red.
        today = getattr(self, "today", None)
        if event.type() == QEvent.Type.PaletteChange and today is not None:
            self.show_today(today)

    # --- showing -------------------------------------------------------------------------

    def show_today(self, found: Today) -> None:
        current = self.current_item()
        self.today = found
        self.title.setText(f"Today — {fmt.date(found.as_of)}")
        counts = [f"{len(s.items)} {fmt.lower_words(s.title)}" for s in found.sections if s.items]
        self.summary.setText(
            "; ".join(counts) + "." if counts else "Nothing needs doing today: no alert is open."
        )
        self.tree.clear()
        first: QTreeWidgetItem | None = None
        again: QTreeWidgetItem | None = None
        for section in found.sections:
            top = QTreeWidgetItem([f"{section.title} ({len(section.items)})", ""])
            font = top.font(0)
            font.setBold(True)
            top.setFont(0, font)
            top.setFlags(top.flags() & ~Qt.ItemFlag.ItemIsSelectable)
            self.tree.addTopLevelItem(top)
            for item in section.items:
                child = QTreeWidgetItem([item.title, item.detail])
                child.setData(0, ITEM_ROLE, item)
                child.setToolTip(1, item.detail)
                child.setIcon(0, icon(SEVERITY_ICONS.get(item.severity, "info")))
                if item.severity == Severity.CRITICAL:
                    child.setForeground(0, INKS.tones["bad"])  # the scheme's red
                top.addChild(child)
                first = first or child
                if current is not None and _same(current, item):
                    again = child
            top.setExpanded(bool(section.items))
        chosen = again or first
        if chosen is not None:
            self.tree.setCurrentItem(chosen)
        self._enable()
        self.loaded.emit()

    def current_item(self) -> TodayItem | None:
        item = self.tree.currentItem()
        found = item.data(0, ITEM_ROLE) if item is not None else None
        return found if isinstance(found, TodayItem) else None

    def select(self, title_start: str) -> bool:
        """Make the first item whose title starts so current (tests and the keyboard pass)."""
        for top in range(self.tree.topLevelItemCount()):
            section = self.tree.topLevelItem(top)
            assert section is not None
            for i in range(section.childCount()):
                child = section.child(i)
                if child is not None and child.text(0).startswith(title_start):
                    self.tree.setCurrentItem(child)
                    return True
        return False

    def _enable(self) -> None:
        item = self.current_item()
        self.detail.setText(item.detail if item is not None else "")
        writable = not self.context.read_only
        for action, button in self.buttons.items():
            offered = item is not None and (action == "open" or action in item.actions)
            button.setEnabled(offered and (action in ("open", CHASE) or writable))

    def act(self, action: str) -> None:
        item = self.current_item()
        button = self.buttons.get(action)
        if item is None or (button is not None and not button.isEnabled()):
            return
        self.action_requested.emit(action, item)


def _same(a: TodayItem, b: TodayItem) -> bool:
    return (a.section, a.title) == (b.section, b.title)


def chase_lines(context: AppContext, item: Any, said: Any) -> None:
    """Copy a chase message for the item's lines (``services.chasing``), saying what was
    copied through ``said(text)``."""
    from services import chasing
    from ui.tables.copying import to_clipboard

    ids = list(item.line_ids)
    if not ids:
        said("Nothing to chase here")
        return
    sender, day = context.acting_user, dt.date.today()

    def done(found: Any) -> None:
        if not found.messages:
            said("Nothing to chase: the lines are received or cancelled")
            return
        to_clipboard(found.text, found.html)
        vendors = ", ".join(m.vendor for m in found.messages)
        said(f"Copied a chase message to {vendors}: paste it into a mail")

    context.read(lambda session: chasing.chase(session, ids, sender, day), done)
