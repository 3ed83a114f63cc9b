"""What a window shows cut: a label, a button's or a choice's text wider than the room the
widget has for it, one of them reaching over the window's edge, or a sidebar entry wider than
its row (measured with each widget's own
font, the style sheet's). Used in the processes the fit tests start."""

from __future__ import annotations

from PySide6.QtGui import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QComboBox,
    QLabel,
    QListWidget,
    QStyle,
    QStyleOptionComboBox,
    QWidget,
)

from ui.fit import text_room


def _widest(widget: QWidget, text: str) -> int:
    metrics = widget.fontMetrics()
    return max((metrics.horizontalAdvance(line) for line in text.splitlines()), default=0)


def _label_cut(label: QLabel) -> bool:
    text = label.text()
    if not text or label.wordWrap() or Qt.mightBeRichText(text):
        return False
    room = label.contentsRect().width() - 2 * label.margin() - max(label.indent(), 0)
    return _widest(label, text.replace("&&", "\0").replace("&", "").replace("\0", "&")) > room


def _button_cut(button: QAbstractButton) -> bool:
    return bool(button.text()) and button.sizeHint().width() > button.width() + 1


def _choice_cut(combo: QComboBox) -> bool:
    if combo.isEditable() or not combo.currentText():
        return False
    option = QStyleOptionComboBox()
    combo.initStyleOption(option)
    field = combo.style().subControlRect(
        QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, combo
    )
    icon = option.iconSize.width() + 4 if not option.currentIcon.isNull() else 0
    return _widest(combo, combo.currentText()) + icon > field.width()


def _in_scroll_area(widget: QWidget, root: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None and parent is not root:
        if isinstance(parent, QAbstractScrollArea):
            return True
        parent = parent.parentWidget()
    return False


def cut_texts(root: QWidget) -> list[str]:
    """The texts shown cut in ``root`` and its visible children, each named by its widget."""
    cut: list[str] = []

    def name(widget: QWidget) -> str:
        return widget.objectName() or type(widget).__name__

    for label in root.findChildren(QLabel):
        if label.isVisible() and _label_cut(label):
            cut.append(f"label {name(label)}: {label.text()!r}")
    for button in root.findChildren(QAbstractButton):
        if button.isVisible() and _button_cut(button):
            cut.append(f"button {name(button)}: {button.text()!r}")
    for combo in root.findChildren(QComboBox):
        if combo.isVisible() and _choice_cut(combo):
            cut.append(f"choice {name(combo)}: {combo.currentText()!r}")
    area = root.rect()
    for widget in root.findChildren(QWidget):
        if isinstance(widget, (QAbstractButton, QComboBox, QLabel)) and widget.isVisible():
            corner = widget.mapTo(root, widget.rect().bottomRight())
            if not area.contains(corner) and not _in_scroll_area(widget, root):
                cut.append(f"{name(widget)} over the edge of {name(root)}")
    for view in root.findChildren(QListWidget):
        if not view.isVisible():
            continue
        for row in range(view.count()):
            text = view.item(row).text()
            if _widest(view, text) > text_room(view, row):
                cut.append(f"entry {name(view)}: {text!r}")
    return cut
