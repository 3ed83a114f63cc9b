"""Widgets the screens have alike besides those of ``ui.widgets``: a search box, a filter's
choices, a button with its tip, a list over its details."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QLineEdit,
    QSplitter,
    QWidget,
)


def search_box(what: str) -> QLineEdit:
    """The search box of a screen listing ``what`` (Ctrl+F goes to it: ``search``)."""
    search = QLineEdit()
    search.setObjectName("search")
    search.setAccessibleName(f"Search {what}")
    search.setPlaceholderText("Search (Ctrl+F)…")
    search.setClearButtonEnabled(True)
    return search


def vertical_split(top: QWidget, bottom: QWidget) -> QSplitter:
    """``top`` over ``bottom`` (its details), three parts to one, the person moving the line."""
    splitter = QSplitter(Qt.Orientation.Vertical)
    splitter.addWidget(top)
    splitter.addWidget(bottom)
    splitter.setStretchFactor(0, 3)
    splitter.setStretchFactor(1, 1)
    splitter.setSizes([520, 200])
    return splitter


def refill(combo: QComboBox, items: Iterable[tuple[str, Any]], keep: Any) -> None:
    """The choices of filter ``combo`` after its first ("All …") become ``items`` (text,
    value); ``keep`` stays chosen if it is still there, else the first is (no signal)."""
    combo.blockSignals(True)
    while combo.count() > 1:
        combo.removeItem(1)
    for text, value in items:
        combo.addItem(text, value)
    index = combo.findData(keep) if keep is not None else 0
    combo.setCurrentIndex(max(index, 0))
    combo.blockSignals(False)
