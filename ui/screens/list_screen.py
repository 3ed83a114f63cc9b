"""One list screen per kind: search, filters, sortable columns, a column chooser, marked rows,
a footer with counts and totals, and the selected record's history underneath.

Loading runs in the background (``AppContext.read``): big lists show their first rows at once
and the rest when they arrive. All the filtering and sorting happens in the table model.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QByteArray, QModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from services.schema import KINDS
from ui import format as fmt
from ui.context import AppContext
from ui.fit import wrapping
from ui.tables.kinds import LISTS, ListSpec
from ui.tables.model import (
    ID_ROLE,
    Column,
    PlainTableModel,
    RecordTableModel,
    haystack_for,
    sort_keys,
)
from ui.widgets import DateField, show_error

Record = dict[str, Any]

# Pause between showing the first rows and reading all of them (see ListScreen.refresh).
FULL_LOAD_DELAY_MS = 30

# From this many rows a loaded list is worth a garbage collection as it lands (see _loaded).
BIG_LIST = 20_000

# Fields every list row carries besides the kind's own (see services.records adapters).
_EXTRA = {"orders": ("order_id", "gpus_per_unit")}

# Lists whose footer adds up money (in the reporting currency).
_MONEY_TOTALS = frozenset({"orders"})


@dataclass
class Loaded:
    names: tuple[str, ...]
    rows: list[tuple[Any, ...]]
    marks: list[Any]
    haystack: list[str]
    complete: bool
    searched: list[str]
    keys: list[list[Any]] | None = None
    # The marks of every record of the kind (services.marks.RowMarks), when evaluated.
    row_marks: Any = None
    # Amounts to the reporting currency (services.figures.Converter), with a whole list.
    money: Any = None


def _extra_fields(kind_name: str) -> tuple[str, ...]:
    """A row's fields besides the kind's own: the adapters' and the list's extra columns'
    (with the fields naming their currencies)."""
    extra = LISTS[kind_name].extra if kind_name in LISTS else ()
    shown = tuple(c.name for c in extra) + tuple(c.currency for c in extra if c.currency)
    return (*_EXTRA.get(kind_name, ()), *shown)


def prepare(
    session: Any,
    kind_name: str,
    found: list[Record],
    searched: list[str],
    complete: bool,
    columns: list[Column] | None = None,
    evaluate_marks: bool | None = None,
    known_marks: Any = None,
) -> Loaded:
    """Records -> row tuples, their marks and search text: done in the loading task, so the
    main thread only swaps lists.

    The marks come from the alert rules, evaluated once per load (``evaluate_marks``, by
    default with a whole list). Without evaluating, rows take the ``known_marks`` (the
    marks of the load before, services.marks.RowMarks) until fresh ones arrive."""
    from services import lists

    if found:
        names = tuple(found[0])
    else:
        names = ("id", "version", *KINDS[kind_name].field_names, *_extra_fields(kind_name))
    if "attachments" not in names:  # a first page, or a detail's rows: files not counted
        names = (*names, "attachments")
    rows = [tuple(record.get(n) for n in names) for record in found]
    row_marks = None
    marks: list[Any]
    if complete if evaluate_marks is None else evaluate_marks:
        from services.marks import row_marks as evaluate

        row_marks = evaluate(session, kind_name)
        marks = row_marks.for_rows(names, rows)
    elif known_marks is not None:
        marks = known_marks.for_rows(names, rows)
    else:
        marks = [None] * len(rows)
    money = lists.converter(session) if complete and kind_name in _MONEY_TOTALS else None
    keys = sort_keys(columns, names, rows) if columns is not None else None
    return Loaded(
        names,
        rows,
        marks,
        haystack_for(names, rows, searched),
        complete,
        searched,
        keys,
        row_marks,
        money,
    )


def total_text(value: Any) -> str:
    """A footer figure: a number, money in the reporting currency (saying what could not be
    converted), or money per currency."""
    from services.lists import ConvertedMoney

    if isinstance(value, ConvertedMoney):
        text = fmt.money(value.amount, value.currency)
        if value.unconverted:
            left_out = ", ".join(fmt.money(v, c) for c, v in value.unconverted.items())
            missing = ", ".join(value.unconverted)
            text += f" (no {missing} exchange rate: {left_out} not counted)"
        return text
    if isinstance(value, dict):
        return ", ".join(fmt.money(v, c) for c, v in sorted(value.items())) or "none"
    return fmt.number(value)


def _plural(word: str) -> str:
    if word.endswith(("s", "x")):
        return word + "es"
    if word.endswith("y") and not word.endswith(("ay", "ey", "oy")):
        return word[:-1] + "ies"
    return word + "s"


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


# The filter row's smallest search box (pixels) and filter lists (characters shown).
SEARCH_MIN_WIDTH = 150
FILTER_MIN_CHARS = 5
# Keys named in the question before deleting several records; the rest are counted.
MAX_KEYS_LISTED = 10


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


class ListScreen(QWidget):
    """The list of one kind of record."""

    selection_changed = Signal()
    loaded = Signal()

    def __init__(self, kind_name: str, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"screen_{kind_name}")
        self.kind = kind_name
        self.spec: ListSpec = LISTS[kind_name]
        self.context = context
        self.stale = True
        self.complete = False
        self._restoring_id: int | None = None
        #: The saved view last shown or saved on this list (its name), if any.
        self.current_view: str | None = None
        self._generation = 0
        #: The marks of every record of this kind as last loaded (services.marks.RowMarks).
        self.row_marks: Any = None
        #: Amounts to the reporting currency as last loaded (services.figures.Converter).
        self.money: Any = None

        self.model = RecordTableModel(self.spec.columns(), self)
        self.view = table_view(self, several=True)
        self.view.setObjectName("recordTable")
        self.view.setAccessibleName(self.spec.title)
        self.view.setModel(self.model)
        # No sort until the user asks: rows come in the services' order (PO, line...).
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.view.setSortingEnabled(True)
        self._sized = False
        # Hidden columns not fitted with the others (fitted when first shown).
        self._unfitted: set[int] = set()
        self.view.doubleClicked.connect(self._double_clicked)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._row_menu)
        self.view.selectionModel().currentRowChanged.connect(self._current_changed)
        # The footer totals a selection of several rows too.
        self.view.selectionModel().selectionChanged.connect(lambda *_a: self._selection_later())
        header = self.view.horizontalHeader()
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)
        self.model.modelAboutToBeReset.connect(self._remember_current)
        self.model.modelReset.connect(self._restore_current)
        self.model.modelReset.connect(self._footer_later)

        self.title = QLabel(self.spec.title)
        self.title.setObjectName("screenTitle")
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setAccessibleName(f"Search {self.spec.title.lower()}")
        self.search.setPlaceholderText("Search (Ctrl+F)…")
        self.search.setClearButtonEnabled(True)
        # The filter row's widths are minimums only: the window fits a 1366-pixel laptop
        # screen with the sidebar, and the row widens with the window.
        self.search.setMinimumWidth(SEARCH_MIN_WIDTH)
        self.search.textChanged.connect(self.model.set_search)

        self.filters: dict[str, QComboBox] = {}
        filter_row = QHBoxLayout()
        filter_row.addWidget(self.title)
        filter_row.addSpacing(12)
        filter_row.addWidget(self.search, 2)
        for name in self.spec.filters:
            combo = QComboBox()
            combo.setObjectName(f"filter_{name}")
            combo.setAccessibleName(f"Filter by {self.title_of(name).lower()}")
            combo.setMinimumContentsLength(FILTER_MIN_CHARS)
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.addItem(f"All {_plural(self.title_of(name).lower())}", None)
            combo.currentIndexChanged.connect(lambda _i, n=name: self._filter_changed(n))
            combo.setToolTip(f"Show only one {self.title_of(name).lower()}")
            self.filters[name] = combo
            filter_row.addWidget(combo, 1)
        self.date_field: QComboBox | None = None
        self.date_row = QHBoxLayout()
        if self.spec.dates:
            self.date_field = QComboBox()
            self.date_field.setMinimumContentsLength(FILTER_MIN_CHARS + 1)
            self.date_field.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            self.date_field.setObjectName("dateField")
            for name in self.spec.dates:
                self.date_field.addItem(self.title_of(name), name)
            self.date_from = DateField(compact=True, name="From")
            self.date_from.setObjectName("dateFrom")
            self.date_from.setToolTip("From this day")
            self.date_to = DateField(compact=True, name="To")
            self.date_to.setObjectName("dateTo")
            self.date_to.setToolTip("To this day")
            self.date_field.currentIndexChanged.connect(lambda _i: self._dates_changed())
            self.date_from.changed.connect(self._dates_changed)
            self.date_to.changed.connect(self._dates_changed)
            # The date range has a row of its own under the filters: one row with all of
            # them would be wider than a laptop screen leaves for a list.
            self.date_row.addWidget(QLabel("Dates:"))
            self.date_row.addWidget(self.date_field)
            self.date_row.addWidget(self.date_from)
            self.date_row.addWidget(QLabel("–"))
            self.date_row.addWidget(self.date_to)
            self.date_row.addStretch(1)
            self.date_field.setAccessibleName("Dates of")
        self.columns_button = QToolButton()
        self.columns_button.setObjectName("columnsButton")
        self.columns_button.setText("View")
        self.columns_button.setToolTip("Columns shown, and the views saved for this list")
        self.columns_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.columns_button.setMenu(QMenu(self.columns_button))
        self.columns_button.menu().aboutToShow.connect(
            lambda: self._fill_view_menu(self.columns_button.menu())
        )
        filter_row.addWidget(self.columns_button)

        self.footer = QLabel()
        self.footer.setObjectName("footer")
        self.footer.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        wrapping(self.footer)  # the counts and sums wrap on a narrow screen
        self._footer_timer = QTimer(self)
        self._footer_timer.setSingleShot(True)
        self._footer_timer.setInterval(120)
        self._footer_timer.timeout.connect(self.update_footer)
        # A selection changes at every click: it sums only the selected rows, and the whole
        # list's footer (summed again only when the rows change) is kept for when it ends.
        self._list_footer = ""
        self._selection_timer = QTimer(self)
        self._selection_timer.setSingleShot(True)
        self._selection_timer.setInterval(120)
        self._selection_timer.timeout.connect(self._show_selection)

        self.details = QTabWidget()
        self.details.setObjectName("details")
        self.history_model = PlainTableModel(
            ["When", "Who", "Source", "Action", "Field", "Old value", "New value"], self
        )
        self.history_tab = LazyTable(self.history_model, "historyTable", self._history_menu)
        self.history_rows: list[Any] = []  # audit.HistoryRow, as shown
        self._add_detail_tabs()
        from ui.attachments_panel import AttachmentsPanel

        self.attachments_panel = AttachmentsPanel(context)
        self.attachments_panel.count_changed.connect(self._show_file_count)
        self.attachments_panel.files_changed.connect(lambda: self.after_write([], (), False))
        self.files_tab_index = self.details.addTab(self.attachments_panel, "Files")
        self.details.addTab(self.history_tab, "History")
        self._detail_timer = QTimer(self)
        self._detail_timer.setSingleShot(True)
        self._detail_timer.setInterval(80)
        self._detail_timer.timeout.connect(self.load_details)

        table_area = QWidget()
        table_layout = QVBoxLayout(table_area)
        table_layout.setContentsMargins(0, 0, 0, 0)
        table_layout.addWidget(self.view)
        table_layout.addWidget(self.footer)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(table_area)
        self.splitter.addWidget(self.details)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([520, 200])
        # "Only the records of import batch 7": shown while that filter is on.
        self.only_label = QLabel()
        self.only_label.setObjectName("onlyLabel")
        self.only_label.setWordWrap(True)
        show_all = QPushButton("Show all")
        show_all.setObjectName("showAll")
        show_all.clicked.connect(self.show_all)
        self.only_bar = QWidget()
        self.only_bar.setObjectName("onlyBar")
        only_layout = QHBoxLayout(self.only_bar)
        only_layout.setContentsMargins(0, 0, 0, 0)
        only_layout.addWidget(self.only_label, 1)
        only_layout.addWidget(show_all)
        self.only_bar.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 4)
        layout.addLayout(filter_row)
        layout.addLayout(self.date_row)
        layout.addWidget(self.only_bar)
        layout.addWidget(self.splitter, 1)
        self._apply_default_hidden()

    def show_only(self, ids: Iterable[int], what: str) -> None:
        """Show only the records ``ids`` (those of an import batch, say), saying so above the
        list with a way back to all of them; the other filters and the search still apply."""
        self.model.set_filter("id", ids)
        self.only_label.setText(f"Only the {fmt.lower_words(self.spec.schema.label)} of {what}.")
        self.only_bar.show()
        self.update_footer()

    def show_all(self) -> None:
        self.model.set_filter("id", None)
        self.only_bar.hide()
        self.update_footer()

    def _add_detail_tabs(self) -> None:
        """Screens with more to show about the selected record add tabs here."""

    @staticmethod
    def title_of(name: str) -> str:
        """A field or list column as the person knows it (``need_by`` → ``GPUs needed by``)."""
        for spec in KINDS.values():
            if name in spec.field_names:
                return spec.field(name).title
        for listed in LISTS.values():
            for column in listed.extra:
                if column.name == name:
                    return column.title
        return name.replace("_", " ").capitalize()

    # --- columns -------------------------------------------------------------------------

    def _apply_default_hidden(self) -> None:
        header = self.view.horizontalHeader()
        for i, column in enumerate(self.model.columns):
            header.setSectionHidden(i, column.name in self.spec.hidden)
        self.columns_changed()

    def columns_changed(self) -> None:
        """Columns were shown or hidden: the search looks in the text columns shown."""
        header = self.view.horizontalHeader()
        shown = [c.name for i, c in enumerate(self.model.columns) if not header.isSectionHidden(i)]
        self.model.set_searched_columns(shown)

    def _row_menu(self, pos: QPoint) -> None:
        if not self.view.indexAt(pos).isValid():
            return
        menu = QMenu(self)
        count = len(self.selected_rows())
        several = count > 1
        copy = QAction("Copy rows" if several else "Copy row", menu)
        copy.setShortcut(QKeySequence(QKeySequence.StandardKey.Copy))  # said in the menu
        copy.triggered.connect(lambda _checked=False: self.copy_rows())
        menu.addAction(copy)
        menu.addSeparator()
        self._row_actions(menu)
        edit = menu.addAction("Edit…", self.edit_record)
        edit.setEnabled(not self.context.read_only)
        copy_record = menu.addAction("Duplicate…", self.duplicate_record)
        copy_record.setEnabled(not self.context.read_only)
        delete = menu.addAction(
            f"Delete {count} {fmt.lower_words(self.spec.schema.label)}…" if several else "Delete…",
            self.delete_record,
        )
        delete.setEnabled(not self.context.read_only)
        menu.exec(self.view.viewport().mapToGlobal(pos))

    def _row_actions(self, menu: QMenu) -> None:
        """Screens with more to do to the selected rows add their actions here."""
        if self.kind == "vendors":
            names = [str(self.model.record(row)["name"]) for row in self.selected_rows()]
            if names:
                menu.addAction(
                    f"What if {names[0]} slips…"
                    if len(names) == 1
                    else f"What if these {len(names)} vendors slip…",
                    lambda: self.what_if(names),
                )
                menu.addSeparator()

    def what_if(self, targets: list[str]) -> Any:
        """The What if… panel on these targets (vendor names, PO numbers, PO/lines)."""
        from ui.whatif_panel import open_whatif

        return open_whatif(self.context, self, targets)

    def selected_rows(self) -> list[int]:
        """The shown rows selected, top to bottom (the current one when none is)."""
        from ui.tables.copying import selected_rows

        return selected_rows(self.view)

    def copy_rows(self) -> int:
        """The selected rows to the clipboard (shown columns, with headers); how many."""
        from ui.tables.copying import copy_rows

        return copy_rows(self.view)

    def _header_menu(self, pos: QPoint) -> None:
        menu = QMenu(self)
        self._fill_column_menu(menu)
        menu.exec(self.view.horizontalHeader().mapToGlobal(pos))

    def _fill_column_menu(self, menu: QMenu) -> None:
        menu.clear()
        header = self.view.horizontalHeader()
        for i, column in enumerate(self.model.columns):
            action = menu.addAction(column.title)
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(i))
            action.toggled.connect(lambda on, i=i: self.set_column_shown(i, on))

    def _fill_view_menu(self, menu: QMenu) -> None:
        """The View button's menu: the columns, the saved views, saving and forgetting one."""
        from ui.screens.views import saved_views

        menu.clear()
        self._fill_column_menu(menu.addMenu("Columns"))
        views = saved_views(self.context, self.kind)
        if views:
            menu.addSeparator()
            for name in sorted(views, key=str.casefold):
                action = menu.addAction(name)
                action.triggered.connect(lambda _c=False, n=name: self.show_view(n))
        menu.addSeparator()
        save = menu.addAction("Save this view as…")
        save.triggered.connect(lambda _c=False: self.save_view())
        if views:
            forget = menu.addMenu("Forget a view")
            for name in sorted(views, key=str.casefold):
                action = forget.addAction(name)
                action.triggered.connect(lambda _c=False, n=name: self.forget_view(n))

    def save_view(self, name: str | None = None) -> None:
        """What the list shows now (search, filters, dates, columns, sort) under a name."""
        from ui.screens.views import save_view

        if name is None:
            name, ok = QInputDialog.getText(
                self, "Save this view", "A name for what the list shows now:"
            )
            if not ok:
                return
        try:
            self.current_view = save_view(self.context, self, name)
        except ValueError as exc:
            QMessageBox.information(self, "Save this view", str(exc))

    def show_view(self, name: str) -> None:
        from ui.screens.views import apply_view, saved_views

        view = saved_views(self.context, self.kind).get(name)
        if view is None:
            return
        missing = apply_view(self, view)
        self.current_view = name
        if missing:
            QMessageBox.information(
                self,
                f"View {name}",
                "Shown without the filters the list no longer has: " + ", ".join(missing),
            )

    def forget_view(self, name: str) -> None:
        from ui.screens.views import forget_view

        forget_view(self.context, self.kind, name)
        if self.current_view == name:
            self.current_view = None

    def set_column_shown(self, section: int, shown: bool) -> None:
        header = self.view.horizontalHeader()
        if not shown and header.count() - header.hiddenSectionCount() <= 1:
            return  # keep at least one column
        header.setSectionHidden(section, not shown)
        if shown and section in self._unfitted:
            self._unfitted.discard(section)
            fit_columns(self.view, columns=[section])
        self.columns_changed()

    def save_state(self) -> None:
        settings = self.context.settings
        settings.setValue(f"columns/{self.kind}", self.view.horizontalHeader().saveState())
        settings.setValue(f"splitter/{self.kind}", self.splitter.saveState())

    def restore_state(self) -> None:
        settings = self.context.settings
        state = settings.value(f"columns/{self.kind}")
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.view.horizontalHeader().restoreState(state)
            self.columns_changed()
        splitter = settings.value(f"splitter/{self.kind}")
        if isinstance(splitter, QByteArray) and not splitter.isEmpty():
            self.splitter.restoreState(splitter)

    # --- loading -------------------------------------------------------------------------

    def refresh(self) -> None:
        """Reload the list from the database (first rows first when the list is big)."""
        if self.context.database is None:
            return
        from services import lists

        self.stale = False
        self._generation += 1
        generation = self._generation
        kind, searched = self.kind, self.model.searched
        first = self.spec.first_page
        if first:
            # No more rows than the window could show at once (the table is never taller
            # than it): the first page is read, converted and put in the model before the
            # screen paints, and the whole list follows straight after.
            row_height = self.view.verticalHeader().defaultSectionSize()
            first = min(first, self.window().height() // max(row_height, 1) + 1)
        columns = self.model.columns
        known = self.row_marks

        def load_all() -> None:
            if generation != self._generation:
                return

            def work(session: Any) -> Loaded:
                found = lists.list_rows(session, kind)
                return prepare(session, kind, found, searched, True, columns, False, known)

            def done(loaded: Loaded) -> None:
                self._loaded(loaded, generation)
                self.load_marks(generation)

            self.context.read(work, done, self._load_failed, owner=self)

        if not first or self.model.total_rows:
            load_all()
            return

        def first_done(loaded: Loaded) -> None:
            self._loaded(loaded, generation)
            if self.context.tasks.synchronous:
                load_all()
            else:
                # Start the whole list once the first rows are painted: reading 100,000 rows
                # in the worker holds Python's lock often enough to slow that first paint.
                QTimer.singleShot(FULL_LOAD_DELAY_MS, self, load_all)

        self.context.read_small(
            lambda s: prepare(
                s, kind, lists.first_records(s, kind, first), searched, False, known_marks=known
            ),
            first_done,
            self._load_failed,
            owner=self,
        )

    def load_marks(self, generation: int | None = None) -> None:
        """Mark the rows by the alert rules, in the background. They read every order line,
        contract and PPA (about 2 s on 100,000 lines): a list is searchable, sortable and
        shows a saved record first, its marks follow."""
        if generation is None:
            generation = self._generation
        if generation != self._generation or self.context.database is None:
            return
        kind, names, rows = self.kind, self.model.names, self.model.all_rows

        def work(session: Any) -> tuple[Any, list[Any]]:
            from services.marks import row_marks

            found = row_marks(session, kind)
            return found, found.for_rows(names, rows)

        self.context.read(
            work,
            lambda found: self._marks_loaded(found[0], found[1], rows, generation),
            owner=self,
        )

    def _marks_loaded(
        self, row_marks: Any, marks: list[Any], rows: list[Any], generation: int
    ) -> None:
        if generation != self._generation:
            return  # a newer load brings its own
        self.row_marks = row_marks
        if rows is not self.model.all_rows or len(marks) != len(rows):
            # Rows were put in place meanwhile (a saved line): mark them as they are now.
            marks = row_marks.for_rows(self.model.names, self.model.all_rows)
        self.model.set_marks(marks)
        self._footer_later()

    def _loaded(self, loaded: Loaded, generation: int) -> None:
        if generation != self._generation or (
            self.complete and not loaded.complete and self.model.total_rows
        ):
            return  # a newer load has arrived or is on its way
        self.complete = loaded.complete
        if loaded.row_marks is not None:
            self.row_marks = loaded.row_marks
        if loaded.money is not None:
            self.money = loaded.money
        # Search text built for other columns (hidden or shown meanwhile) is built again.
        haystack = loaded.haystack if loaded.searched == self.model.searched else None
        self.model.set_rows(loaded.names, loaded.rows, loaded.marks, haystack, loaded.keys)
        if not self._sized and loaded.rows:
            # First rows on screen: fit the columns once (the user's widths are kept after).
            self._sized = True
            if self.context.settings.value(f"columns/{self.kind}") is None:
                self._unfitted = fit_columns(self.view)
        if not self.view.currentIndex().isValid() and self.model.rowCount():
            self.view.selectRow(0)
        if loaded.complete:
            self._fill_filters()
            if len(loaded.rows) >= BIG_LIST:
                # The lists just built (row tuples, sort keys, search text: millions of
                # references for 100,000 lines) are young to Python's garbage collector, and
                # its next young passes walk them all: about 20 ms, paid by whatever the user
                # does next (the first keystroke, the next screen's first paint). Pay it here,
                # while the whole list lands, and they rest in the old generation after.
                gc.collect(1)
            self.loaded.emit()

    def _load_failed(self, error: BaseException) -> None:
        self.stale = True
        show_error(self, error, f"Rackbook — {self.spec.title}")

    def _fill_filters(self) -> None:
        # Enumerations read as words; names (vendors, sites, countries) as they are written.
        choices = {c.name for c in self.model.columns if c.type == "choice"}
        for name, combo in self.filters.items():
            current = combo.currentData()
            combo.blockSignals(True)
            while combo.count() > 1:
                combo.removeItem(1)
            for value in self.model.distinct(name):
                text = fmt.choice(value) if name in choices else str(value)
                combo.addItem(text, value)
            index = combo.findData(current) if current is not None else 0
            combo.setCurrentIndex(max(index, 0))
            combo.blockSignals(False)

    def _filter_changed(self, name: str) -> None:
        value = self.filters[name].currentData()
        self.model.set_filter(name, None if value is None else [value])

    def _dates_changed(self) -> None:
        if self.date_field is None:
            return
        self.model.set_date_range(
            self.date_field.currentData(), self.date_from.value(), self.date_to.value()
        )

    def set_date_range(self, name: str, start: dt.date | None, end: dt.date | None) -> None:
        assert self.date_field is not None
        self.date_field.setCurrentIndex(self.date_field.findData(name))
        self.date_from.set_value(start)
        self.date_to.set_value(end)

    # --- selection -----------------------------------------------------------------------

    def selected_id(self) -> int | None:
        index = self.view.currentIndex()
        if not index.isValid():
            return None
        value = self.model.data(index, ID_ROLE)
        return int(value) if value is not None else None

    def selected_record(self) -> Record | None:
        index = self.view.currentIndex()
        return self.model.record(index.row()) if index.isValid() else None

    def select_id(self, record_id: int) -> bool:
        row = self.model.row_of_id(record_id)
        if row < 0:
            return False
        index = self.model.index(row, 0)
        self.view.setCurrentIndex(index)
        self.view.selectRow(row)
        self.view.scrollTo(index)
        return True

    def _remember_current(self) -> None:
        self._restoring_id = self.selected_id()

    def _restore_current(self) -> None:
        remembered, self._restoring_id = self._restoring_id, None
        if remembered is not None and not self.select_id(remembered):
            # The record whose details are shown is no longer in the list (a filter, a
            # search, an import batch's records): the details are cleared with it, so they
            # never describe a record the list does not show.
            self._detail_timer.start()

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.selection_changed.emit()
        if self.model.total_rows:
            self._detail_timer.start()

    def load_details(self) -> None:
        record_id = self.selected_id()
        record = self.selected_record() if record_id is not None else None
        # The list's count first; the panel's own, when it reads the files, is the newer.
        self._show_file_count(int((record or {}).get("attachments") or 0))
        self.attachments_panel.show_record(self.kind, record_id)
        if record_id is None or self.context.database is None:
            self.history_rows = []
            self.history_model.set_rows([])
            return
        from services import audit

        kind = self.kind
        self.context.read(
            lambda s: audit.history(s, kind, record_id),
            self._show_history,
            lambda exc: None,
            owner=self,
        )

    def _show_file_count(self, count: int) -> None:
        self.details.setTabText(self.files_tab_index, f"Files ({count})" if count else "Files")

    def _field_title(self, name: str | None) -> str:
        """A field as the person knows it (``ETA``, not ``eta``)."""
        schema = self.spec.schema
        if not name:
            return ""
        return schema.field(name).title if name in schema.field_names else name

    def _show_history(self, rows: list[Any]) -> None:
        self.history_rows = list(rows)
        self.history_model.set_rows(
            (
                fmt.when(h.at),
                h.user,
                h.source_text,
                h.action,
                self._field_title(h.field),
                h.old_value or "",
                h.new_value or "",
            )
            for h in rows
        )
        self.history_tab.fit()

    def _history_menu(self, view: QTableView, pos: QPoint) -> None:
        index = view.indexAt(pos)
        if not index.isValid() or index.row() >= len(self.history_rows):
            return
        entry = self.history_rows[index.row()]
        menu = QMenu(self)
        copy = menu.addAction("Copy rows")
        copy.triggered.connect(lambda _c=False: self._copy_from(view))
        if (
            entry.action == "update"
            and entry.field
            and entry.id is not None
            and self._undoable(entry.field)
        ):
            old = entry.old_value if entry.old_value is not None else "empty"
            title = self._field_title(entry.field)
            put_back = menu.addAction(f"Put back the old {title}: {old}")
            put_back.setEnabled(not self.context.read_only)
            put_back.triggered.connect(lambda _c=False: self.put_back(entry))
        if entry.import_batch_id is not None:
            shown = f" ({entry.file_name})" if entry.file_name else ""
            opened = menu.addAction(f"Open the imported file{shown}")
            opened.triggered.connect(lambda _c=False: self.open_imported_file(entry))
        menu.exec(view.viewport().mapToGlobal(pos))

    def _undoable(self, name: str) -> bool:
        """Whether a change of field ``name`` can be put back from the History tab: not a
        field Rackbook works out, nor a line's promised date (corrected with a reason)."""
        spec = KINDS[self.kind]
        if name not in spec.field_names or spec.field(name).derived:
            return False
        return not (self.kind == "orders" and name == "promised_date")

    def open_imported_file(self, entry: Any) -> None:
        """Open the very file whose import made this change (kept with its import batch)."""
        from ui.attachments_panel import open_import_file

        open_import_file(self.context, entry.import_batch_id, self, self.attachments_panel.open_url)

    @staticmethod
    def _copy_from(view: QTableView) -> None:
        from ui.tables.copying import copy_rows

        copy_rows(view)

    def put_back(self, entry: Any) -> None:
        """Undo one change from the History tab: the field gets back its old value (a new,
        audited change; refused if the field has changed again since)."""
        record = self.selected_record()
        if record is None or self.context.read_only or entry.id is None:
            return
        from services import records
        from ui.undo import history_of

        kind, record_id, entry_id = self.kind, record["id"], entry.id
        title = self._field_title(entry.field)
        key = self.spec.schema.key_of(record)
        history_of(self.context).write(
            f"put-back of the {title} of {key}",
            kind,
            [record_id],
            lambda session, actor: records.put_back(session, kind, record_id, entry_id, actor),
            lambda saved: self.after_write([saved], (), False),
            self._write_failed,
            owner=self,
        )

    # --- footer --------------------------------------------------------------------------

    def _footer_later(self) -> None:
        self._footer_timer.start()

    def _selection_later(self) -> None:
        self._selection_timer.start()

    def update_footer(self) -> None:
        """The whole list's counts and totals (when its rows, filters or marks change), or
        the selection's while several rows are selected."""
        from services import lists

        shown = self.model.rowCount()
        total = self.model.total_rows
        parts = [
            f"{fmt.number(shown)} of {fmt.number(total)} {fmt.lower_words(self.spec.schema.label)}"
        ]
        if not self.complete and self.spec.first_page:
            parts[0] += " (loading…)"
        levels = [m.level for m in self.model.shown_marks() if m is not None]
        if levels:
            overdue, at_risk = levels.count("overdue"), levels.count("at_risk")
            if overdue:
                parts.append(f"{fmt.number(overdue)} overdue")
            if at_risk:
                parts.append(f"{fmt.number(at_risk)} at risk")
        if self.complete:
            # Totals of the whole list only: the first page alone would mislead.
            figures = lists.totals(self.kind, self.model.names, self.model.shown_rows(), self.money)
            parts.extend(f"{figure.label}: {total_text(figure.value)}" for figure in figures)
        self._list_footer = "   ·   ".join(parts)
        self._show_selection()

    def _show_selection(self) -> None:
        """As a spreadsheet's status bar does: while several rows are selected, what they add
        up to; the list's own footer again when one row is selected."""
        from services import lists

        shown = self.model.rowCount()
        selected = self.selected_rows() if shown else []
        if len(selected) <= 1:
            self.footer.setText(self._list_footer)
            return
        what = fmt.lower_words(self.spec.schema.label)
        parts = [f"{fmt.number(len(selected))} of {fmt.number(shown)} {what} selected"]
        rows = self.model.rows_at(selected)
        figures = lists.totals(self.kind, self.model.names, rows, self.money)
        parts.extend(f"{figure.label}: {total_text(figure.value)}" for figure in figures)
        self.footer.setText("   ·   ".join(parts))

    # --- records -------------------------------------------------------------------------

    def store(self) -> Any:
        return ScreenStore(self)

    def new_record(self) -> None:
        if not self.context.read_only:
            self._open_dialog(None)

    def _double_clicked(self, index: QModelIndex) -> None:
        # A cell edited in place (ui.screens.inline_edit) opens no dialog.
        if not self.model.flags(index) & Qt.ItemFlag.ItemIsEditable:
            self.edit_record()

    def edit_record(self) -> None:
        # A reader's window (double-click included) offers no editing: the banner says why.
        record = self.selected_record()
        if record is not None and not self.context.read_only:
            self._open_dialog(record)

    def duplicate_record(self) -> None:
        """A new record made from the selected one (``records.duplicate``), in the dialog for
        a new record: nothing is written until it is saved."""
        record = self.selected_record()
        if record is None or self.context.read_only:
            return
        from services import lists, records

        kind, record_id = self.kind, record["id"]
        key = self.spec.schema.key_of(record)
        self.context.read(
            lambda session: (
                lists.reference_names(session),
                records.duplicate(session, kind, record_id),
            ),
            lambda found: self._show_dialog(
                found[1], found[0], f"New {self.spec.schema.singular.lower()}, a copy of {key}"
            ),
            lambda exc: show_error(self, exc),
            owner=self,
        )

    def _open_dialog(self, record: Record | None) -> None:
        from services import lists

        self.context.read(
            lists.reference_names,
            lambda names: self._show_dialog(record, names),
            lambda exc: show_error(self, exc),
            owner=self,
        )

    def _show_dialog(self, record: Record | None, names: Any, title: str = "") -> None:
        """The record dialog: editing ``record``, or a new record (``record`` None, or the
        values of a copy, which have no id)."""
        from ui.dialogs.record_dialog import RecordDialog

        dialog = RecordDialog(self.kind, self.store(), names, record, self)
        if title:
            dialog.setWindowTitle(title)
        # The dialog open last (tests and the change watcher look at it): any kind of dialog.
        self.last_dialog: QDialog = dialog
        if dialog.exec() and dialog.saved is not None:
            self.after_write([dialog.saved], (), dialog.record_id is None)

    def delete_record(self) -> None:
        if self.context.read_only:
            return
        rows = self.selected_rows()
        if len(rows) > 1:
            self._delete_several([self.model.record(row) for row in rows])
            return
        record = self.selected_record()
        if record is None:
            return
        key = self.spec.schema.key_of(record)
        answer = QMessageBox.question(
            self,
            f"Delete {self.spec.schema.singular.lower()}",
            f"Delete {self.spec.schema.singular.lower()} {key}? This cannot be undone here; "
            "the audit trail keeps what it held.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        from services import records
        from ui.undo import history_of

        kind, record_id, version = self.kind, record["id"], record["version"]
        history_of(self.context).write(
            f"deletion of {self.spec.schema.singular.lower()} {key}",
            kind,
            [record_id],
            lambda s, actor: records.delete(s, kind, record_id, actor, expected_version=version),
            lambda _none: self.after_write([], [record_id], False),
            lambda exc: self._write_failed(exc),
            owner=self,
        )

    def _delete_several(self, chosen: list[Record]) -> None:
        """Delete the selected records together: one transaction, so either all of them go
        or (one refused: still referenced, changed by someone else) none does."""
        schema = self.spec.schema
        keys = [schema.key_of(record) for record in chosen]
        listed = ", ".join(keys[:MAX_KEYS_LISTED])
        if len(keys) > MAX_KEYS_LISTED:
            listed += f" and {fmt.number(len(keys) - MAX_KEYS_LISTED)} more"
        what = fmt.lower_words(schema.label)
        answer = QMessageBox.question(
            self,
            f"Delete {what}",
            f"Delete these {fmt.number(len(chosen))} {what}: {listed}? Either all of them are "
            "deleted or, if one cannot be, none is. This cannot be undone here; the audit "
            "trail keeps what they held.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        from services import records

        kind = self.kind
        targets = [(record["id"], record["version"]) for record in chosen]

        def work(session: Any, actor: Any) -> None:
            for record_id, version in targets:
                records.delete(session, kind, record_id, actor, expected_version=version)

        from ui.undo import history_of

        history_of(self.context).write(
            f"deletion of {fmt.number(len(chosen))} {what}",
            kind,
            [t[0] for t in targets],
            work,
            lambda _none: self.after_write([], [t[0] for t in targets], False),
            lambda exc: self._write_failed(exc),
            owner=self,
        )

    def _write_failed(self, error: BaseException) -> None:
        show_error(self, error, f"Rackbook — {self.spec.title}")
        self.refresh()

    def after_write(self, saved: list[Record], removed_ids: Any, created: bool) -> None:
        """Show what was just written (selected) and tell the other screens."""
        self.context.changed.emit(self.kind)
        if saved:
            target = saved[0]["id"]
            self.loaded.connect(
                lambda: self.select_id(target), Qt.ConnectionType.SingleShotConnection
            )
        self.refresh()
        self.load_details()


class KindStore:
    """Saving and reloading records of one kind, in the background: a screen's own kind, or
    another shown in its detail (a site's capacity steps); every save can be undone
    (Edit → Undo)."""

    def __init__(self, context: AppContext, kind_name: str) -> None:
        self.context = context
        self.kind_name = kind_name

    def save(
        self,
        values: Record,
        record_id: int | None,
        expected_version: int | None,
        done: Any,
        failed: Any,
    ) -> None:
        from services import records
        from services.schema import kind as kind_spec
        from ui.undo import history_of

        kind = self.kind_name
        schema = kind_spec(kind)
        singular = schema.singular.lower()
        history = history_of(self.context)
        if record_id is None:
            key = schema.key_of(values)
            history.write(
                f"new {singular} {key}".strip(),
                kind,
                [],
                lambda s, a: records.create(s, kind, values, a),
                done,
                failed,
            )
        else:
            key = schema.key_of(values)
            history.write(
                f"edit of {singular} {key}".strip(),
                kind,
                [record_id],
                lambda s, a: records.update(
                    s, kind, record_id, values, a, expected_version=expected_version
                ),
                done,
                failed,
            )

    def fetch(self, record_id: int, done: Any, failed: Any) -> None:
        from services import records

        kind = self.kind_name
        self.context.read(lambda s: records.get_record(s, kind, record_id), done, failed)


class ScreenStore(KindStore):
    """Saving and reloading records of a screen's kind."""

    def __init__(self, screen: ListScreen) -> None:
        super().__init__(screen.context, screen.kind)
        self.screen = screen
