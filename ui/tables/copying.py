"""Copying a table's selected rows to the clipboard (Ctrl+C, Edit → Copy rows, a row's menu):
the columns shown, left to right as the person arranged them, with their headers, as
tab-separated text and as an HTML table (``services.exporting.clipboard``)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QMimeData, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QAbstractItemView, QTableView

from services.exporting.clipboard import CopiedTable, copied_table
from ui.tables.model import RecordTableModel

_RIGHT = Qt.AlignmentFlag.AlignRight
# Up to this many rows a copy carries an HTML table too (a mail program pastes it as a
# table); beyond, tab-separated text alone, which a spreadsheet takes far faster.
HTML_ROWS_MAX = 5_000


def selected_rows(view: QAbstractItemView) -> list[int]:
    """The rows selected in ``view``, top to bottom (read from the selection's ranges, so a
    whole list selected costs one range, not an index per cell); the current row when
    nothing is selected."""
    model = view.selectionModel()
    rows: set[int] = set()
    if model is not None:
        selection = model.selection()
        for n in range(selection.count()):
            selected = selection.at(n)
            rows.update(range(selected.top(), selected.bottom() + 1))
    if not rows and view.currentIndex().isValid():
        rows.add(view.currentIndex().row())
    return sorted(rows)


def shown_columns(view: QAbstractItemView) -> list[int]:
    """The model's columns shown in ``view``, in the order they appear on screen."""
    model = view.model()
    if model is None:
        return []
    if not isinstance(view, QTableView):
        return list(range(model.columnCount()))
    header = view.horizontalHeader()
    logical = (header.logicalIndex(visual) for visual in range(header.count()))
    return [c for c in logical if not view.isColumnHidden(c)]


def table_of(view: QAbstractItemView, rows: list[int] | None = None) -> CopiedTable | None:
    """The selected rows of ``view`` (or ``rows``) as a table to copy; None when there are none."""
    model = view.model()
    rows = selected_rows(view) if rows is None else rows
    columns = shown_columns(view)
    if model is None or not rows or not columns:
        return None
    if isinstance(model, RecordTableModel):
        headers, cells, numeric = model.copy_cells(rows, columns)
        return copied_table(headers, cells, numeric, with_html=len(rows) <= HTML_ROWS_MAX)
    horizontal = Qt.Orientation.Horizontal
    headers = [str(model.headerData(c, horizontal) or "") for c in columns]
    numeric = []
    for c in columns:
        alignment = model.data(model.index(rows[0], c), Qt.ItemDataRole.TextAlignmentRole)
        numeric.append(bool(alignment is not None and int(alignment) & _RIGHT.value))
    texts = [[_text(model.data(model.index(r, c))) for c in columns] for r in rows]
    return copied_table(headers, texts, numeric, with_html=len(rows) <= HTML_ROWS_MAX)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def copy_rows(view: QAbstractItemView) -> int:
    """Put the selected rows of ``view`` on the clipboard; how many rows were copied."""
    table = table_of(view)
    if table is None:
        return 0
    to_clipboard(table.text, table.html or None)
    return table.rows


def to_clipboard(text: str, html: str | None = None) -> None:
    """Put ``text`` on the clipboard, with ``html`` (a table, a mail) for what pastes it."""
    data = QMimeData()
    data.setText(text)
    if html is not None:
        data.setHtml(html)
    QGuiApplication.clipboard().setMimeData(data)
