"""Keeping the window on the screen it is on: a 1366×768 laptop, or 1920×1080 at 150 %.

The window opens at the size it was left at, or its preferred size, never larger than the
screen's available area (the taskbar and panels left out), and is moved back onto it when a
saved position lies off it. Long texts (a list's footer, a hint) wrap instead of widening the
window: a label's text never sets the window's minimum width.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

# The size the window opens at on a screen with room for it.
PREFERRED = QSize(1400, 860)


def available(widget: QWidget) -> QRect:
    """The available area of the screen ``widget`` is on (or the primary screen's)."""
    screen = widget.screen()
    if screen is None:
        from PySide6.QtGui import QGuiApplication

        screen = QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def frame_margins(widget: QWidget) -> QSize:
    """What the window manager's frame adds to the window (nothing before it is shown)."""
    frame, inner = widget.frameGeometry(), widget.geometry()
    return QSize(max(frame.width() - inner.width(), 0), max(frame.height() - inner.height(), 0))


def fit_to_screen(window: QWidget) -> None:
    """Shrink ``window`` so that its frame fits the available area, and move it onto it."""
    area = available(window)
    margins = frame_margins(window)
    width = min(window.width(), area.width() - margins.width())
    height = min(window.height(), area.height() - margins.height())
    if (width, height) != (window.width(), window.height()):
        window.resize(max(width, 1), max(height, 1))
    frame = window.frameGeometry()
    x = min(max(frame.x(), area.x()), area.right() + 1 - frame.width())
    y = min(max(frame.y(), area.y()), area.bottom() + 1 - frame.height())
    if (x, y) != (frame.x(), frame.y()):
        window.move(x, y)


def preferred_size(window: QWidget) -> QSize:
    """The opening size: ``PREFERRED``, or the screen's available area when that is less."""
    area = available(window)
    return QSize(min(PREFERRED.width(), area.width()), min(PREFERRED.height(), area.height()))


def wrapping(label: QLabel) -> QLabel:
    """``label`` wraps its text rather than asking for the width of it."""
    label.setWordWrap(True)
    policy = label.sizePolicy()
    policy.setHorizontalPolicy(QSizePolicy.Policy.Ignored)
    label.setSizePolicy(policy)
    label.setMinimumWidth(0)
    return label


def text_room(view: QListWidget, row: int) -> int:
    """How wide a line of item ``row``'s text may be in ``view`` before the style cuts it: the
    item's rectangle as seen in the viewport, less the style sheet's padding and the style's
    text margins."""
    index = view.model().index(row, 0)
    option = QStyleOptionViewItem()
    delegate = view.itemDelegate()
    if isinstance(delegate, QStyledItemDelegate):
        delegate.initStyleOption(option, index)
    option.rect = view.visualRect(index)
    style = view.style()
    text = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, option, view)
    margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, option, view) + 1
    seen = text.intersected(view.viewport().rect())
    return seen.width() - 2 * margin


def fit_list_width(view: QListWidget, least: int) -> None:
    """Make ``view`` (the sidebar) at least ``least`` wide and as wide as the longest line of
    its items' texts: an entry is never cut."""
    if not view.count():
        return
    metrics = view.fontMetrics()
    widest = max(
        metrics.horizontalAdvance(line)
        for row in range(view.count())
        for line in view.item(row).text().splitlines()
    )
    # What the padding, the margins and the frame take from the view's width.
    taken = view.width() - text_room(view, 0)
    view.setFixedWidth(max(least, widest + taken))
