"""The table model behind every list screen: plain row tuples, filtered and sorted in place.

Why not ``QSortFilterProxyModel``: in PySide6 it calls back into Python for every row and
every comparison (measured on 100,000 rows: 1.6 s to filter, 16-25 s to sort). Here a filter
is one list comprehension over the row list and a sort one ``list.sort`` over row numbers,
followed by a model reset (0.05 s and 0.2 s on the same rows).

Rows are tuples in the order of ``names`` (every field a service returned, shown or not);
``columns`` says which of them are shown and how. ``_order`` is the permutation of all rows
for the current sort; filtering walks it, so what is shown is always already sorted.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QIcon

from ui import format as fmt
from ui.resources import icon
from ui.theme import INKS

Index = QModelIndex | QPersistentModelIndex

ID_ROLE = int(Qt.ItemDataRole.UserRole.value) + 1
VALUE_ROLE = ID_ROLE + 1
MARK_ROLE = ID_ROLE + 2

NUMERIC_TYPES = ("int", "decimal", "money")
SEARCHED_TYPES = ("text", "choice")

# Alignments as plain ints: Qt reads an int for this role as it reads the flag, and PySide
# converts an int to the C++ value without going through the Python enum (measured: the
# enum's ``value`` lookup on every painted cell was a tenth of the model's painting time).
_RIGHT = int((Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter).value)
_LEFT = int((Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter).value)
R = Qt.ItemDataRole
_HORIZONTAL = Qt.Orientation.Horizontal
_DISPLAY, _ALIGNMENT, _BACKGROUND, _FOREGROUND = (
    int(R.DisplayRole.value),
    int(R.TextAlignmentRole.value),
    int(R.BackgroundRole.value),
    int(R.ForegroundRole.value),
)
_DECORATION, _TOOLTIP, _ACCESSIBLE = (
    int(R.DecorationRole.value),
    int(R.ToolTipRole.value),
    int(R.AccessibleTextRole.value),
)
_MARK_TEXT = {"overdue": "Overdue", "at_risk": "At risk"}
# Formatted cell texts kept (a few screens' worth of scrolling) before starting afresh.
_TEXTS_KEPT = 50_000
# Roles the painting delegate asks of every cell that this model leaves to the view.
_PAINT_ONLY_UNANSWERED = frozenset(
    (int(R.FontRole.value), int(R.CheckStateRole.value), int(R.SizeHintRole.value))
)
# The roles that only a marked row answers.
_MARK_ROLES = frozenset((_BACKGROUND, _FOREGROUND, _DECORATION, _TOOLTIP))
_ROLES_ANSWERED = frozenset(
    (
        _DISPLAY,
        _ALIGNMENT,
        _BACKGROUND,
        _FOREGROUND,
        _DECORATION,
        _TOOLTIP,
        _ACCESSIBLE,
        ID_ROLE,
        VALUE_ROLE,
        MARK_ROLE,
    )
)


@dataclass(frozen=True)
class Column:
    name: str
    title: str
    type: str = "text"
    # For money: the row field holding its currency.
    currency: str | None = None
    # What the figure means, as the header's tooltip.
    tip: str = ""

    @property
    def numeric(self) -> bool:
        return self.type in NUMERIC_TYPES


class RecordTableModel(QAbstractTableModel):
    def __init__(self, columns: Sequence[Column], parent: Any = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.names: tuple[str, ...] = ()
        self._rows: list[tuple[Any, ...]] = []
        self._marks: list[Any] = []
        self._any_marks = False
        self._shown: list[int] = []
        self._order: Sequence[int] = range(0)
        self._at: dict[str, int] = {}
        self._col_pos: list[int] = []
        self._currency_pos: list[int | None] = []
        self._texts: dict[int, str] = {}
        self._alignments = [_RIGHT if c.numeric else _LEFT for c in self.columns]
        self._haystack: list[str] = []
        self._searched: list[str] = [c.name for c in self.columns if c.type in SEARCHED_TYPES]
        self._needle = ""
        self._filters: dict[str, frozenset[Any]] = {}
        self._date_range: tuple[str, dt.date | None, dt.date | None] | None = None
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self._icons: dict[str, QIcon] = {}
        # Sort keys per column (built by the loading task when it can), the ascending order
        # per column once sorted (rows with a value, then blanks), and where each id lives.
        self._keys: dict[int, list[Any]] = {}
        self._ascending: dict[int, tuple[list[int], list[int]]] = {}
        self._row_of: dict[Any, int] | None = None
        #: Which shown cells are edited in place (row, column), when any are
        #: (ui.screens.inline_edit); None: the table is read only.
        self.editable_at: Callable[[int, int], bool] | None = None

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if self.editable_at is not None and self.editable_at(index.row(), index.column()):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    # --- loading -------------------------------------------------------------------------

    def set_rows(
        self,
        names: Sequence[str],
        rows: list[tuple[Any, ...]],
        marks: list[Any] | None = None,
        haystack: list[str] | None = None,
        keys: list[list[Any]] | None = None,
    ) -> None:
        """Replace every row. ``haystack`` (the search text per row) and ``keys`` (the sort
        keys) may be built by the loading task, from ``haystack_for(names, rows,
        self.searched)`` and ``sort_keys(self.columns, names, rows)``."""
        # Announced before anything changes: the slots on modelAboutToBeReset (the screen
        # remembers its current record there) still read the rows that are shown.
        self.beginResetModel()
        self._keys = dict(enumerate(keys)) if keys is not None else {}
        self._ascending = {}
        self._row_of = None
        self._texts = {}
        self.names = tuple(names)
        self._at = {n: i for i, n in enumerate(self.names)}
        self._col_pos = [self._at[c.name] for c in self.columns]
        self._currency_pos = [self._at[c.currency] if c.currency else None for c in self.columns]
        self._rows = rows
        self._marks = marks if marks is not None else [None] * len(rows)
        self._any_marks = any(mark is not None for mark in self._marks)
        self._haystack = (
            haystack if haystack is not None else haystack_for(names, rows, self._searched)
        )
        self._order = range(len(rows))
        if self._sort is not None:
            self._order = self._sorted_order(*self._sort)
        self._shown = self._filtered()
        self.endResetModel()

    def set_marks(self, marks: list[Any]) -> None:
        """Mark every row afresh (one mark or None per row, in row order)."""
        if len(marks) != len(self._rows):
            raise ValueError(f"{len(marks)} marks for {len(self._rows)} rows")
        self._marks = marks
        self._any_marks = any(mark is not None for mark in marks)
        if self._shown:
            last = self.index(len(self._shown) - 1, len(self.columns) - 1)
            self.dataChanged.emit(self.index(0, 0), last)

    def update_rows(
        self,
        rows: list[tuple[Any, ...]],
        marks: list[Any],
        removed_ids: Iterable[int] = (),
    ) -> None:
        """Put fresh versions of some rows in place (new ones at the end) and drop others,
        without reloading the rest: a saved order line must not cost a 100,000-row reload."""
        pos = self._at["id"]
        gone = set(removed_ids)
        self.beginResetModel()  # before anything changes (see set_rows)
        if gone:
            keep = [i for i, row in enumerate(self._rows) if row[pos] not in gone]
            self._rows = [self._rows[i] for i in keep]
            self._marks = [self._marks[i] for i in keep]
            self._haystack = [self._haystack[i] for i in keep]
        self._keys, self._ascending, self._row_of, self._texts = {}, {}, None, {}
        where = {row[pos]: i for i, row in enumerate(self._rows)}
        fresh_hay = haystack_for(self.names, rows, self._searched)
        for row, mark, hay in zip(rows, marks, fresh_hay, strict=True):
            i = where.get(row[pos])
            if i is None:
                self._rows.append(row)
                self._marks.append(mark)
                self._haystack.append(hay)
            else:
                self._rows[i], self._marks[i], self._haystack[i] = row, mark, hay
        self._any_marks = any(mark is not None for mark in self._marks)
        self._order = range(len(self._rows))
        if self._sort is not None:
            self._order = self._sorted_order(*self._sort)
        self._shown = self._filtered()
        self.endResetModel()

    @property
    def searched(self) -> list[str]:
        return list(self._searched)

    def set_searched_columns(self, names: Iterable[str]) -> None:
        """Search these columns (the visible text ones) from now on."""
        wanted = [c.name for c in self.columns if c.name in set(names) and c.type in SEARCHED_TYPES]
        if wanted == self._searched:
            return
        self._searched = wanted
        if self._rows:
            self._haystack = haystack_for(self.names, self._rows, wanted)
            self._refilter()

    # --- Qt model interface --------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._shown)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == _DISPLAY:
            if orientation == _HORIZONTAL:
                return self.columns[section].title if 0 <= section < len(self.columns) else None
            return section + 1
        if role == _ALIGNMENT and orientation == _HORIZONTAL and 0 <= section < len(self.columns):
            return _RIGHT if self.columns[section].numeric else None
        if role == _TOOLTIP and orientation == _HORIZONTAL and 0 <= section < len(self.columns):
            return self.columns[section].tip or None
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Called for seven roles of every painted cell (what QStyledItemDelegate asks): the
        # roles it asks are answered first, with as few calls into Qt as they need.
        if role in _PAINT_ONLY_UNANSWERED:
            return None
        if role == _DISPLAY:
            shown_row = index.row()
            if 0 <= shown_row < len(self._shown):
                return self.text_at(self._shown[shown_row], index.column())
            return None
        if role == _ALIGNMENT:
            column_no = index.column()
            return self._alignments[column_no] if column_no >= 0 else None
        if role in _MARK_ROLES:
            if not self._any_marks:
                return None  # a first page, or a list with nothing marked
            shown_row = index.row()
            if not 0 <= shown_row < len(self._shown):
                return None
            mark = self._marks[self._shown[shown_row]]
            if mark is None:
                return None
            if role == _BACKGROUND:
                return INKS.marks[mark.level][0]
            if role == _FOREGROUND:
                # The mark's own text colour, readable on its ground in the scheme shown.
                return INKS.marks[mark.level][1]
            if role == _DECORATION:
                return self._icon(mark.level) if index.column() == 0 else None
            return mark_tooltip(mark)
        if role not in _ROLES_ANSWERED or not index.isValid():
            return None
        shown_row = index.row()
        if shown_row >= len(self._shown):
            return None
        row_no = self._shown[shown_row]
        column_no = index.column()
        mark = self._marks[row_no]
        row = self._rows[row_no]
        if role == _ACCESSIBLE:
            text = self.text_at(row_no, column_no)
            return f"{_MARK_TEXT[mark.level]}: {text}" if mark is not None else text
        if role == ID_ROLE:
            return row[self._at["id"]] if "id" in self._at else None
        if role == VALUE_ROLE:
            return row[self._col_pos[column_no]]
        return mark  # MARK_ROLE

    def text(self, row: int, column_no: int) -> str:
        """The text shown in cell (``row``, ``column_no``) of the shown rows."""
        return self.text_at(self._shown[row], column_no)

    def text_at(self, row_no: int, column_no: int) -> str:
        """The text shown for row ``row_no`` (of all rows, not the shown ones) in a column."""
        # Each cell is formatted once: fitting the columns, the first paint and every repaint
        # (scrolling back, hovering, selecting) ask for the same few hundred texts.
        key = row_no * len(self.columns) + column_no
        text = self._texts.get(key)
        if text is None:
            if len(self._texts) >= _TEXTS_KEPT:
                self._texts.clear()
            row = self._rows[row_no]
            column = self.columns[column_no]
            currency = self._currency_pos[column_no]
            text = fmt.display(
                column.type,
                row[self._col_pos[column_no]],
                None if currency is None else row[currency],
            )
            self._texts[key] = text
        return text

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns):
            return
        self._sort = (column, order)
        if not self._col_pos:
            return  # nothing loaded yet: set_rows sorts what arrives
        self._order = self._sorted_order(column, order)
        self._refilter()

    # --- reading rows --------------------------------------------------------------------

    def _icon(self, level: str) -> QIcon:
        if level not in self._icons:
            self._icons[level] = icon(level)
        return self._icons[level]

    def record(self, row: int) -> dict[str, Any]:
        """The shown row ``row`` as a record (field name -> value)."""
        return dict(zip(self.names, self._rows[self._shown[row]], strict=True))

    def row_of_id(self, record_id: int) -> int:
        """The shown row holding record ``record_id``, or -1."""
        if "id" not in self._at:
            return -1
        if self._row_of is None:
            pos = self._at["id"]
            self._row_of = {row[pos]: i for i, row in enumerate(self._rows)}
        row_no = self._row_of.get(record_id)
        if row_no is None:
            return -1
        try:
            return self._shown.index(row_no)
        except ValueError:
            return -1

    def ids_where(self, name: str, values: Iterable[Any]) -> set[Any]:
        """The ids of all rows (shown or not) whose ``name`` is one of ``values``."""
        if name not in self._at or "id" not in self._at:
            return set()
        pos, at_id, wanted = self._at[name], self._at["id"], set(values)
        return {row[at_id] for row in self._rows if row[pos] in wanted}

    @property
    def all_rows(self) -> list[tuple[Any, ...]]:
        """Every row, shown or not, in load order."""
        return self._rows

    def shown_rows(self) -> Iterable[tuple[Any, ...]]:
        rows = self._rows
        return (rows[i] for i in self._shown)

    def rows_at(self, shown: Iterable[int]) -> list[tuple[Any, ...]]:
        """The rows at positions ``shown`` of the shown rows (a selection), as loaded."""
        rows, order = self._rows, self._shown
        return [rows[order[i]] for i in shown]

    def copy_cells(
        self, shown: Sequence[int], column_nos: Sequence[int]
    ) -> tuple[list[str], list[list[str]], list[bool]]:
        """Headers, cell texts and numeric flags of the shown rows ``shown`` in the columns
        ``column_nos``, for pasting into a spreadsheet or a mail: texts as the list shows
        them, numbers without grouping (read back as numbers), money as the amount with its
        currency in a column of its own after it (unless that column is copied anyway)."""
        copied_fields = {self.columns[c].name for c in column_nos}
        parts: list[tuple[str, str, int]] = []  # (title, how, position in the row)
        currencies_added: set[str] = set()
        for c in column_nos:
            column = self.columns[c]
            position = self._col_pos[c]
            if column.type == "money":
                parts.append((column.title, "number", position))
                currency = column.currency
                if (
                    currency
                    and currency in self._at
                    and currency not in copied_fields
                    and currency not in currencies_added
                ):
                    currencies_added.add(currency)
                    parts.append(("Currency", "text", self._at[currency]))
            elif column.type in ("int", "decimal"):
                parts.append((column.title, "number", position))
            else:
                parts.append((column.title, column.type, position))
        rows = self._rows
        cells: list[list[str]] = []
        for i in shown:
            row = rows[self._shown[i]]
            cells.append(
                [
                    fmt.plain_number(row[pos]) if how == "number" else fmt.display(how, row[pos])
                    for _title, how, pos in parts
                ]
            )
        return [p[0] for p in parts], cells, [p[1] == "number" for p in parts]

    def shown_marks(self) -> Iterable[Any]:
        marks = self._marks
        return (marks[i] for i in self._shown)

    @property
    def total_rows(self) -> int:
        return len(self._rows)

    def distinct(self, name: str) -> list[Any]:
        """The different values of field ``name`` among all rows, sorted (for filter lists)."""
        if name not in self._at:
            return []
        pos = self._at[name]
        return sorted({row[pos] for row in self._rows if row[pos] is not None}, key=str)

    # --- search, filters, sorting --------------------------------------------------------

    def set_search(self, text: str) -> None:
        needle = text.strip().casefold()
        if needle == self._needle:
            return
        narrowing = bool(self._needle) and self._needle in needle
        self._needle = needle
        if narrowing:
            # Typing on: only the rows shown can still match, in the order they are shown.
            hay = self._haystack
            self._reset_to([i for i in self._shown if needle in hay[i]])
        else:
            self._refilter()

    def set_filter(self, name: str, values: Iterable[Any] | None) -> None:
        """Show only rows whose ``name`` is one of ``values`` (None: no filter on it)."""
        if values is None:
            self._filters.pop(name, None)
        else:
            self._filters[name] = frozenset(values)
        self._refilter()

    def set_date_range(self, name: str | None, start: dt.date | None, end: dt.date | None) -> None:
        """Show only rows whose date ``name`` lies within start..end (either end open)."""
        if name is None or (start is None and end is None):
            self._date_range = None
        else:
            self._date_range = (name, start, end)
        self._refilter()

    def forget_sort_orders(self) -> None:
        """Drop the orders worked out by earlier sorts (the benchmark times a first click)."""
        self._ascending = {}

    def _sorted_order(self, column: int, order: Qt.SortOrder) -> list[int]:
        if column not in self._ascending:
            if column not in self._keys:
                self._keys[column] = column_keys(
                    self.columns[column], self._col_pos[column], self._rows
                )
            values = self._keys[column]
            if None in values:
                filled = [i for i, v in enumerate(values) if v is not None]
                blank = [i for i, v in enumerate(values) if v is None]
            else:
                filled, blank = list(range(len(values))), []
            filled.sort(key=values.__getitem__)
            self._ascending[column] = (filled, blank)
        filled, blank = self._ascending[column]
        if order == Qt.SortOrder.DescendingOrder:
            return filled[::-1] + blank  # blanks last either way: the rows with a value matter
        return filled + blank

    def _refilter(self) -> None:
        self._reset_to(self._filtered())

    def _filtered(self) -> list[int]:
        """The rows that pass the filters, date range and search, in the current order."""
        rows = self._rows
        candidates: Iterable[int] = self._order
        for name, allowed in self._filters.items():
            if name not in self._at:
                continue
            pos = self._at[name]
            candidates = [i for i in candidates if rows[i][pos] in allowed]
        if self._date_range is not None and self._date_range[0] in self._at:
            name, start, end = self._date_range
            pos = self._at[name]
            candidates = [
                i
                for i in candidates
                if rows[i][pos] is not None
                and (start is None or rows[i][pos] >= start)
                and (end is None or rows[i][pos] <= end)
            ]
        if self._needle:
            needle, hay = self._needle, self._haystack
            candidates = [i for i in candidates if needle in hay[i]]
        return list(candidates)

    def _reset_to(self, shown: list[int]) -> None:
        self.beginResetModel()
        self._shown = shown
        self.endResetModel()


def mark_tooltip(mark: Any) -> str:
    """What a marked row's tooltip says: the level, then each alert's sentence, wrapped
    (a plain-text tooltip would otherwise be one line as wide as the longest message)."""
    reasons = str(mark.reason).splitlines() or [""]
    lines = [f"{_MARK_TEXT[mark.level]}: {reasons[0]}", *reasons[1:]]
    return "\n\n".join(textwrap.fill(line, 90) for line in lines)


def column_keys(column: Column, position: int, rows: list[tuple[Any, ...]]) -> list[Any]:
    """What a column sorts by: each value's rank among the column's distinct values (text
    without case, numbers as numbers, dates as dates), None for a blank. Whole numbers compare
    fastest of all, so a click sorts plain ints whatever the column holds."""
    values = list(map(itemgetter(position), rows))
    if column.type == "int":
        return values
    distinct = {v for v in values if v is not None}
    if column.type in SEARCHED_TYPES:
        ordered = sorted(distinct, key=str.casefold)
    else:
        ordered = sorted(distinct)
    rank: dict[Any, int | None] = {v: i for i, v in enumerate(ordered)}
    rank[None] = None
    return list(map(rank.__getitem__, values))


def sort_keys(
    columns: Sequence[Column], names: Sequence[str], rows: list[tuple[Any, ...]]
) -> list[list[Any]]:
    at = {n: i for i, n in enumerate(names)}
    return [column_keys(c, at[c.name], rows) for c in columns]


def haystack_for(
    names: Sequence[str], rows: Iterable[tuple[Any, ...]], searched: Sequence[str]
) -> list[str]:
    """Per row, the searched fields' text in lower case, joined: what a search looks in.
    Enumerations are searched as they are shown (``in production``)."""
    positions = [list(names).index(n) for n in searched if n in names]
    if not positions:
        return ["" for _ in rows]
    join = "\x1f".join
    words = fmt.choice
    return [
        join([words(str(row[p])) for p in positions if row[p] is not None]).casefold()
        for row in rows
    ]


class TitledTableModel(QAbstractTableModel):
    """A table model whose columns are ``self.headers`` and whose rows are numbered."""

    headers: Sequence[str] = ()

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.headers[section] if 0 <= section < len(self.headers) else None
        return section + 1


class PlainTableModel(TitledTableModel):
    """A small read-only table of already formatted text (history, import batches, alerts)."""

    def __init__(self, headers: Sequence[str], parent: Any = None) -> None:
        super().__init__(parent)
        self.headers = list(headers)
        self._rows: list[tuple[str, ...]] = []
        self._tips: list[str | None] = []

    def set_rows(
        self, rows: Iterable[Sequence[Any]], tips: Iterable[str | None] | None = None
    ) -> None:
        self.beginResetModel()
        self._rows = [tuple("" if v is None else str(v) for v in row) for row in rows]
        self._tips = list(tips) if tips is not None else [None] * len(self._rows)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tips[index.row()]
        return None

    def text(self, row: int, column: int) -> str:
        return self._rows[row][column]
