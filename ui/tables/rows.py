"""A small read-only table of figure rows: text already formatted, a tone per row (late,
at risk, critical, on time) shown by colour and weight, a tooltip, and the key of the
record each row stands for (a line id, a deployment ref) for what a click opens."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QFont

from ui.tables.model import Index, TitledTableModel
from ui.theme import INKS

KEY_ROLE = int(Qt.ItemDataRole.UserRole.value) + 11

# Tones a row can take ("", good, late, bad, critical): their text colours are the scheme's
# (ui.theme.TONE_COLOURS); a critical row is bad, in bold.


@dataclass(frozen=True)
class Row:
    cells: tuple[str, ...]
    key: Any = None
    tone: str = ""
    tip: str | None = None


class RowsModel(TitledTableModel):
    def __init__(
        self,
        headers: Sequence[str],
        numeric: Iterable[int] = (),
        tips: Sequence[str] = (),
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self.headers = list(headers)
        self._numeric = frozenset(numeric)
        self._header_tips = list(tips)
        self._rows: list[Row] = []
        self._bold = QFont()
        self._bold.setBold(True)

    def set_rows(self, rows: Iterable[Row]) -> None:
        found = list(rows)
        for row in found:
            if len(row.cells) != len(self.headers):
                raise ValueError(f"{len(row.cells)} cells for {len(self.headers)} columns")
        self.beginResetModel()
        self._rows = found
        self.endResetModel()

    @property
    def rows(self) -> list[Row]:
        return list(self._rows)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.headers):
            if role == Qt.ItemDataRole.ToolTipRole:
                tips = self._header_tips
                return tips[section] if section < len(tips) and tips[section] else None
            if role == Qt.ItemDataRole.TextAlignmentRole and section in self._numeric:
                return int((Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter).value)
        return super().headerData(section, orientation, role)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if not 0 <= column < len(self.headers):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return row.cells[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.tip
        if role == Qt.ItemDataRole.ForegroundRole:
            # The tone's colour in the scheme shown (ui.theme): "critical" is "bad", in bold.
            return INKS.tones.get("bad" if row.tone == "critical" else row.tone)
        if role == Qt.ItemDataRole.FontRole:
            return self._bold if row.tone == "critical" else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column in self._numeric:
                return int((Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter).value)
            return int((Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter).value)
        if role == KEY_ROLE:
            return row.key
        return None

    def key(self, row: int) -> Any:
        return self._rows[row].key if 0 <= row < len(self._rows) else None

    def row_of_key(self, key: Any) -> int:
        for i, row in enumerate(self._rows):
            if row.key == key:
                return i
        return -1

    def text(self, row: int, column: int) -> str:
        return self._rows[row].cells[column]
