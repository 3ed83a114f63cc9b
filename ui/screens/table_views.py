"""The tables the screens show: a table view set up the house way, a detail tab's table built
when first shown, and fitting columns to their text without asking the model for every cell."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QAbstractItemModel, QPoint, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QAbstractItemView, QTableView, QVBoxLayout, QWidget

from ui.tables.model import PlainTableModel, RecordTableModel


def fit_columns(
    view: QTableView, sample: int = 25, columns: Iterable[int] | None = None
) -> set[int]:
    """Widen each column (by default each shown one) to its title and the text of the first
    rows (Qt's own resizeColumnsToContents asks the model for far more cells: 0.1 s on this
    screen). The view's model answers ``text(row, column)``: the text a cell shows. Returns
    the hidden columns left as they are (fitted when shown: ``ListScreen.set_column_shown``)."""
    model = view.model()
    assert isinstance(model, RecordTableModel | PlainTableModel)
    metrics = view.fontMetrics()
    header = view.horizontalHeader()
    padding = 24
    rows = range(min(model.rowCount(), sample))
    advance = metrics.horizontalAdvance
    skipped = set()
    for column in range(model.columnCount()) if columns is None else columns:
        if columns is None and header.isSectionHidden(column):
            skipped.add(column)  # nothing to measure for a column nobody sees yet
            continue
        title = str(model.headerData(column, Qt.Orientation.Horizontal) or "")
        # Each different text measured once (a column repeats its vendors, sites and dates).
        texts = {model.text(row, column) for row in rows}
        texts.discard("")
        widest = max(map(advance, texts), default=0)
        widest = max(advance(title), widest) + padding
        header.resizeSection(column, min(widest + (18 if column == 0 else 0), 320))
    return skipped


def table_view(parent: QWidget | None = None, *, several: bool = False) -> QTableView:
    """A table of rows. ``several``: rows can be selected together (Ctrl- and Shift-click,
    Ctrl+A) to copy, total or delete them; otherwise one row at a time."""
    view = QTableView(parent)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(
        QAbstractItemView.SelectionMode.ExtendedSelection
        if several
        else QAbstractItemView.SelectionMode.SingleSelection
    )
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().setDefaultSectionSize(24)
    view.verticalHeader().hide()
    view.horizontalHeader().setHighlightSections(False)
    view.horizontalHeader().setSectionsMovable(True)
    view.horizontalHeader().setStretchLastSection(True)
    return view


class LazyTable(QWidget):
    """A detail tab's table: its model is there at once (rows can be put in it), its view is
    built the first time the tab is shown, so a screen's tabs not in front cost nothing to
    build before its list's first rows."""

    def __init__(
        self,
        model: QAbstractItemModel,
        name: str,
        menu: Callable[[QTableView, QPoint], None] | None = None,
    ) -> None:
        super().__init__()
        self.model = model
        self._name = name
        self._menu = menu  # a row's context menu, when the tab has one
        self._view: QTableView | None = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)

    def view(self) -> QTableView:
        if self._view is None:
            view = table_view(several=True)
            view.setObjectName(self._name)
            view.setModel(self.model)
            if self._menu is not None:
                menu = self._menu
                view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
                view.customContextMenuRequested.connect(lambda pos: menu(view, pos))
            self._layout.addWidget(view)
            if self.isVisible():
                view.show()  # a child added to a shown widget stays hidden until told
            self._view = view
            view.resizeColumnsToContents()
        return self._view

    def fit(self) -> None:
        """Fit the columns to their text (now if the view is built, else when it is)."""
        if self._view is not None:
            self._view.resizeColumnsToContents()

    def showEvent(self, event: QShowEvent) -> None:
        self.view()
        super().showEvent(event)
