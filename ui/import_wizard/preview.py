"""The preview table: every planned row as new / update / unchanged / error, with the changed
fields as old → new and the problems next to their cells.

A model over the plan's own row list (a 100,000-row file is shown without copying it); the
action filter is a list of row numbers, as in the list models.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from services.importing import Plan
from services.schema import KINDS
from services.words import words
from ui import format as fmt
from ui.tables.model import TitledTableModel

Index = QModelIndex | QPersistentModelIndex

ACTION_WORDS = {"create": "new", "update": "update", "unchanged": "unchanged", "rejected": "error"}
CHANGED = QColor(255, 243, 205)
ERROR = QColor(253, 226, 226)
NEW = QColor(226, 244, 228)
DARK = QColor(30, 30, 30)
GREYED = QColor(140, 140, 140)


# Fields a buyer looks for first in a vendor's report: right after the key, never off to the right.
FIRST_FIELDS = ("eta", "status", "quantity", "received_qty", "promised_date")
# What the preview says of a line whose description the vendor's file would replace.
DESCRIPTION_REPLACED = "the vendor's description replaces ours"


def field_title(kind: str, name: str) -> str:
    """A field as a buyer reads it (``received_qty`` → ``Received qty``, ``eta`` → ``ETA``)."""
    spec = KINDS.get(kind)
    if spec is not None:
        looked_up = "lead_days" if name == "lead_time" and kind == "leadtimes" else name
        if looked_up in spec.field_names:
            title = spec.field(looked_up).title
            return "Lead time" if name == "lead_time" else title
    return words(name)


def shown_field(name: str, value: Any) -> str:
    """A value of field ``name`` as the preview shows it (a status in words)."""
    if name == "status" and isinstance(value, str):
        return words(value)
    return shown(value)


def shown(value: Any) -> str:
    """A value as the preview shows it: numbers as the lists show them (``fmt.number``:
    grouped by thousands, in the person's locale), dates as ISO, yes/no."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | Decimal):
        return fmt.number(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


class PreviewModel(TitledTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.plan: Plan | None = None
        self.fields: list[str] = []
        self.headers: list[str] = []
        self._shown: list[int] = []
        self._action: str | None = None

    def set_plan(self, plan: Plan) -> None:
        self.beginResetModel()
        self.plan = plan
        columns = [c for c in plan.mapping.columns if c.field]
        # The key first, then what a vendor's report moves (the ETA), then the file's order.
        key = KINDS[plan.kind].key if plan.kind in KINDS else ()
        rank = {name: i for i, name in enumerate((*key, *FIRST_FIELDS))}
        columns.sort(key=lambda c: rank.get(c.field or "", len(rank)))
        self.fields = [c.field for c in columns if c.field]
        self.headers = ["Row", "Action"] + [
            f"{c.header} → {field_title(plan.kind, c.field or '')}" for c in columns
        ]
        # A row's problems; for a row without any, what became of a changed promise.
        self.headers.append("Problems and notes")
        self._refilter()
        self.endResetModel()

    def set_action(self, action: str | None) -> None:
        self.beginResetModel()
        self._action = action
        self._refilter()
        self.endResetModel()

    def _refilter(self) -> None:
        rows = self.plan.rows if self.plan is not None else []
        wanted = self._action
        self._shown = [i for i, r in enumerate(rows) if wanted is None or r.action == wanted]

    def row_plan(self, row: int) -> Any:
        assert self.plan is not None
        return self.plan.rows[self._shown[row]]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._shown)

    def _field_problems(self, row: Any, field_name: str) -> list[str]:
        return [p.reason for p in row.problems if p.field == field_name]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._shown):
            return None
        row = self.row_plan(index.row())
        column = index.column()
        last = len(self.headers) - 1
        field_name = self.fields[column - 2] if 2 <= column < last else None
        change = None
        if field_name is not None and row.action == "update":
            change = next((c for c in row.changes if c.field == field_name), None)
        problems = self._field_problems(row, field_name) if field_name else []
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return row.row
            if column == 1:
                return self.action_words(row)
            if column == last:
                if row.problems:
                    return "; ".join(p.reason for p in row.problems)
                return "; ".join(self.notes_of(row))
            assert field_name is not None
            if change is not None:
                old, new = shown_field(field_name, change.old), shown_field(field_name, change.new)
                return f"{old} → {new}"
            return shown_field(field_name, row.record.get(field_name))
        if role == Qt.ItemDataRole.BackgroundRole:
            if problems or (column in (1, last) and row.action == "rejected"):
                return QBrush(ERROR)
            if change is not None or (column == 1 and row.action == "update"):
                return QBrush(CHANGED)
            if row.action == "create":
                return QBrush(NEW)  # the whole row: a new record stands out
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            if row.action == "unchanged":
                return QBrush(GREYED)
            if problems or change is not None or column == 1 or row.action == "create":
                return QBrush(DARK)
            return None
        if role == Qt.ItemDataRole.FontRole and column == 1 and row.action == "create":
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole:
            value = row.record.get(field_name) if field_name else None
            if column == 0 or (
                isinstance(value, int | Decimal) and not isinstance(value, bool) and not change
            ):
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            if problems:
                return "\n".join(problems)
            if change is not None:
                old, new = shown(change.old) or "(blank)", shown(change.new) or "(blank)"
                return f"was {old}, becomes {new}"
            if column == last and row.problems:
                return "\n".join(str(p) for p in row.problems)
            if column == last and self.replaces_description(row):
                return (
                    "The vendor's file writes its own description over the one in Rackbook "
                    "(the old one stays in the record's history)."
                )
            if column == last and row.promise_note:
                return (
                    "This line already had a promised date (the vendor's first commitment): "
                    "it is kept, and the file's date is taken as an ETA change."
                )
        return None

    def action_words(self, row: Any) -> str:
        if row.action == "create" and self.plan is not None and self.plan.kind == "orders":
            return "new line"
        return str(ACTION_WORDS.get(row.action, row.action))

    @staticmethod
    def replaces_description(row: Any) -> bool:
        return row.action == "update" and any(
            c.field == "description" and c.old not in (None, "") for c in row.changes
        )

    def notes_of(self, row: Any) -> list[str]:
        notes = []
        if self.replaces_description(row):
            notes.append(DESCRIPTION_REPLACED)
        if row.promise_note:
            notes.append(row.promise_note)
        return notes

    def column_of(self, field_name: str) -> int:
        """The column showing ``field_name`` (-1 when the file has none)."""
        return self.fields.index(field_name) + 2 if field_name in self.fields else -1
