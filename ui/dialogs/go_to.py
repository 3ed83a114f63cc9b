"""Go to… (Ctrl+K): type a PO number, a contract reference, a vendor, a site or a SKU; the
matches across every list appear as you type; Enter (or a double click) shows the chosen one
on its list, searched for (``services.finding``)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.context import AppContext

TYPING_PAUSE_MS = 150  # the search waits for a pause in typing


class GoToDialog(QDialog):
    # (list, search): the window shows that list with that search.
    chosen = Signal(str, str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("goTo")
        self.setWindowTitle("Go to")
        self.context = context
        self.found: list[Any] = []
        self.text = QLineEdit()
        self.text.setObjectName("goToText")
        self.text.setPlaceholderText("A PO number, contract, PPA, vendor, site, customer or SKU…")
        self.text.setClearButtonEnabled(True)
        self.results = QListWidget()
        self.results.setObjectName("goToResults")
        self.status = QLabel("")
        self.status.setObjectName("goToStatus")
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.status)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(TYPING_PAUSE_MS)
        self.timer.timeout.connect(self.search)
        self.text.textChanged.connect(lambda _t: self.timer.start())
        self.text.returnPressed.connect(self.go)
        self.results.itemActivated.connect(lambda _item: self.go())
        self.text.installEventFilter(self)
        self.resize(560, 420)

    def eventFilter(self, watched: Any, event: Any) -> bool:
        # Up and Down in the text move through the results: no need to leave the keyboard.
        moving = (
            watched is self.text
            and event.type() == event.Type.KeyPress
            and event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up)
            and self.results.count()
        )
        if moving:
            step = 1 if event.key() == Qt.Key.Key_Down else -1
            row = max(0, min(self.results.count() - 1, self.results.currentRow() + step))
            self.results.setCurrentRow(row)
            return True
        return super().eventFilter(watched, event)

    def search(self) -> None:
        from services.finding import MIN_TEXT, find

        text = self.text.text()
        if len(" ".join(text.split())) < MIN_TEXT:
            self._show([], text)
            return
        self.context.read(
            lambda session: find(session, text), lambda found: self._show(found, text), owner=self
        )

    def _show(self, found: list[Any], text: str) -> None:
        from services.finding import MIN_TEXT

        if text != self.text.text():
            return  # typing went on meanwhile: a newer search follows
        self.found = found
        self.results.clear()
        for item in found:
            entry = QListWidgetItem(
                f"{item.title}  —  {item.detail}" if item.detail else item.title
            )
            self.results.addItem(entry)
        if found:
            self.results.setCurrentRow(0)
        if len(" ".join(text.split())) < MIN_TEXT:
            self.status.setText("")
        else:
            self.status.setText(f"{len(found)} found" if found else "Nothing found")

    def go(self) -> None:
        if self.timer.isActive():  # Enter before the pause: search now, then go
            self.timer.stop()
            self.search()
        row = self.results.currentRow()
        if 0 <= row < len(self.found):
            item = self.found[row]
            self.chosen.emit(item.screen, item.search)
            self.accept()
