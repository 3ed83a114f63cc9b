"""Someone else saved the record first: show both versions side by side and let the user
reload theirs or save theirs over with their own changes, knowingly. Never silent."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from services.errors import ConflictError
from services.schema import kind
from ui import format as fmt


def _shown(field: Any, record: dict[str, Any]) -> str:
    currency = record.get("currency") if field.type == "money" else None
    return fmt.display(field.type, record.get(field.name), currency)


class ConflictDialog(QDialog):
    RELOAD = "reload"
    SAVE_MINE = "save_mine"

    def __init__(
        self,
        kind_name: str,
        mine: dict[str, Any],
        theirs: dict[str, Any],
        error: ConflictError,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        spec = kind(kind_name)
        self.choice: str | None = None
        self.setWindowTitle(f"{spec.singular} changed by someone else")
        intro = QLabel(
            f"{error}\n\nThe fields that differ are in bold. Reload to continue from their "
            "version, or save yours on top of theirs."
        )
        intro.setWordWrap(True)
        # The fields that differ first: they are what the user has to decide about.
        fields = sorted(
            spec.writable,
            key=lambda f: _shown(f, mine) == _shown(f, theirs),
        )
        self.table = QTableWidget(len(fields), 3, self)
        self.table.setObjectName("conflictTable")
        self.table.setHorizontalHeaderLabels(["Field", "Your version", "Their version (saved)"])
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        bold = QFont()
        bold.setBold(True)
        self.differing: list[str] = []
        for row, field in enumerate(fields):
            a, b = _shown(field, mine), _shown(field, theirs)
            items = [QTableWidgetItem(field.title), QTableWidgetItem(a), QTableWidgetItem(b)]
            if a != b:
                self.differing.append(field.name)
                for item in items:
                    item.setFont(bold)
                    item.setBackground(QBrush(QColor(255, 243, 205)))
                    item.setForeground(QBrush(QColor(30, 30, 30)))
            for column, item in enumerate(items):
                self.table.setItem(row, column, item)
        buttons = QDialogButtonBox(self)
        reload_button = buttons.addButton(
            "Reload their version", QDialogButtonBox.ButtonRole.RejectRole
        )
        save_button = buttons.addButton("Save mine on top", QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        reload_button.setObjectName("reloadButton")
        save_button.setObjectName("saveMineButton")
        reload_button.clicked.connect(lambda: self._choose(self.RELOAD))
        save_button.clicked.connect(lambda: self._choose(self.SAVE_MINE))
        cancel.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(640, 480)

    def _choose(self, choice: str) -> None:
        self.choice = choice
        self.done(QDialog.DialogCode.Accepted)
