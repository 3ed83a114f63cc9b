"""One list screen per kind: search, filters, sortable columns, a column chooser, marked rows,
a footer with counts and totals, and the selected record's history underneath.

Loading runs in the background (``AppContext.read``): big lists show their first rows at once
and the rest when they arrive. All the filtering and sorting happens in the table model.

The screen composes its parts, each in a module of its own: the filter row
(``list_filters``), the View menu and saved views (``view_menu``), the footer's counts and
sums (``list_footer``), the History tab and its put-back (``list_history``), the rows'
actions and the record dialog (``list_actions``), the rows as loaded (``list_loading``).
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QByteArray, QModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMenu,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ui import format as fmt
from ui.context import AppContext
from ui.screens import list_actions
from ui.screens.common import vertical_split
from ui.screens.list_filters import FilterBar, title_of
from ui.screens.list_footer import ListFooter
from ui.screens.list_history import HistoryTab
from ui.screens.list_loading import BIG_LIST, FULL_LOAD_DELAY_MS, Loaded, prepare
from ui.screens.stores import KindStore, ScreenStore
from ui.screens.table_views import LazyTable, fit_columns, table_view
from ui.screens.view_menu import ViewMenu
from ui.tables.kinds import LISTS, ListSpec
from ui.tables.model import ID_ROLE, RecordTableModel
from ui.widgets import push_button, show_error

# Other screens and dialogs take these from here.
__all__ = ["KindStore", "LazyTable", "ListScreen", "Loaded", "prepare", "table_view"]

Record = dict[str, Any]

# Pause before the selected record's details are read (milliseconds): arrow keys move fast.
DETAIL_DELAY_MS = 80


class ListScreen(QWidget):
    """The list of one kind of record."""

    selection_changed = Signal()
    loaded = Signal()
    #: The dialog open last (tests and the change watcher look at it): any kind of dialog.
    last_dialog: QDialog

    def __init__(self, kind_name: str, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"screen_{kind_name}")
        self.kind = kind_name
        self.spec: ListSpec = LISTS[kind_name]
        self.context = context
        self.stale = True
        self.complete = False
        self._restoring_id: int | None = None
        self._generation = 0
        #: The marks of every record of this kind as last loaded (services.marks.RowMarks).
        self.row_marks: Any = None
        #: Amounts to the reporting currency as last loaded (services.figures.Converter).
        self.money: Any = None
        self.model = RecordTableModel(self.spec.columns(), self)
        self.view_menu = ViewMenu(self)
        self.footer_sums = ListFooter(self)
        self.footer = self.footer_sums.label
        self.history = HistoryTab(self)
        self.history_model = self.history.model
        self.history_tab = self.history.tab
        self._build_table()
        self._build_filters()
        self._build_details()
        self._lay_out()
        self._apply_default_hidden()

    def _build_table(self) -> None:
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
        header.customContextMenuRequested.connect(self.view_menu.header_menu)
        self.model.modelAboutToBeReset.connect(self._remember_current)
        self.model.modelReset.connect(self._restore_current)
        self.model.modelReset.connect(self._footer_later)

    def _build_filters(self) -> None:
        self.filter_bar = bar = FilterBar(self.spec, self.model)
        self.title, self.search, self.filters = bar.title, bar.search, bar.filters
        self.date_field, self.date_row = bar.date_field, bar.date_row
        if bar.date_field is not None:
            self.date_from, self.date_to = bar.date_from, bar.date_to
        self.columns_button = self.view_menu.button
        bar.row.addWidget(self.columns_button)

    def _build_details(self) -> None:
        self.details = QTabWidget()
        self.details.setObjectName("details")
        self._add_detail_tabs()
        from ui.attachments_panel import AttachmentsPanel

        self.attachments_panel = AttachmentsPanel(self.context)
        self.attachments_panel.count_changed.connect(self._show_file_count)
        self.attachments_panel.files_changed.connect(lambda: self.after_write([], (), False))
        self.files_tab_index = self.details.addTab(self.attachments_panel, "Files")
        self.details.addTab(self.history_tab, "History")
        self._detail_timer = QTimer(self)
        self._detail_timer.setSingleShot(True)
        self._detail_timer.setInterval(DETAIL_DELAY_MS)
        self._detail_timer.timeout.connect(self.load_details)

    def _build_only_bar(self) -> QWidget:
        """ "Only the records of import batch 7": shown while that filter is on."""
        self.only_label = QLabel()
        self.only_label.setObjectName("onlyLabel")
        self.only_label.setWordWrap(True)
        show_all = push_button("Show all", self.show_all, name="showAll")
        self.only_bar = QWidget()
        self.only_bar.setObjectName("onlyBar")
        only_layout = QHBoxLayout(self.only_bar)
        only_layout.setContentsMargins(0, 0, 0, 0)
        only_layout.addWidget(self.only_label, 1)
        only_layout.addWidget(show_all)
        self.only_bar.hide()
        return self.only_bar

    def _lay_out(self) -> None:
        table_area = QWidget()
        table_layout = QVBoxLayout(table_area)
        table_layout.setContentsMargins(0, 0, 0, 0)
        table_layout.addWidget(self.view)
        table_layout.addWidget(self.footer)
        self.splitter = vertical_split(table_area, self.details)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 4)
        layout.addLayout(self.filter_bar.row)
        layout.addLayout(self.date_row)
        layout.addWidget(self._build_only_bar())
        layout.addWidget(self.splitter, 1)

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

    title_of = staticmethod(title_of)

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

    def _row_menu(self, pos: QPoint) -> None:
        list_actions.row_menu(self, pos)

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

    # --- saved views (ui.screens.view_menu) ------------------------------------------------

    @property
    def current_view(self) -> str | None:
        """The saved view last shown or saved on this list (its name), if any."""
        return self.view_menu.current

    @current_view.setter
    def current_view(self, name: str | None) -> None:
        self.view_menu.current = name

    def save_view(self, name: str | None = None) -> None:
        """What the list shows now (search, filters, dates, columns, sort) under a name."""
        self.view_menu.save(name)

    def show_view(self, name: str) -> None:
        self.view_menu.show(name)

    def forget_view(self, name: str) -> None:
        self.view_menu.forget(name)

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

        self.context.read(
            lambda s: prepare(
                s, kind, lists.first_records(s, kind, first), searched, False, known_marks=known
            ),
            first_done,
            self._load_failed,
            owner=self,
            small=True,
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
            self.filter_bar.fill()
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

    def set_date_range(self, name: str, start: dt.date | None, end: dt.date | None) -> None:
        self.filter_bar.set_date_range(name, start, end)

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
            self.history.clear()
            return
        self.history.load(record_id)

    def _show_file_count(self, count: int) -> None:
        self.details.setTabText(self.files_tab_index, f"Files ({count})" if count else "Files")

    # --- history (ui.screens.list_history) --------------------------------------------------

    @property
    def history_rows(self) -> list[Any]:
        """The History tab's rows (audit.HistoryRow), as shown."""
        return self.history.rows

    def open_imported_file(self, entry: Any) -> None:
        """Open the very file whose import made this change (kept with its import batch)."""
        self.history.open_imported_file(entry)

    def put_back(self, entry: Any) -> None:
        """Undo one change from the History tab (``HistoryTab.put_back``)."""
        self.history.put_back(entry)

    # --- footer (ui.screens.list_footer) ----------------------------------------------------

    def _footer_later(self) -> None:
        self.footer_sums.later()

    def _selection_later(self) -> None:
        self.footer_sums.selection_later()

    def update_footer(self) -> None:
        """The whole list's counts and totals, or the selection's (``ListFooter.update``)."""
        self.footer_sums.update()

    # --- records (ui.screens.list_actions) --------------------------------------------------

    def store(self) -> Any:
        return ScreenStore(self)

    def new_record(self) -> None:
        if not self.context.read_only:
            list_actions.open_dialog(self, None)

    def _double_clicked(self, index: QModelIndex) -> None:
        # A cell edited in place (ui.screens.inline_edit) opens no dialog.
        if not self.model.flags(index) & Qt.ItemFlag.ItemIsEditable:
            self.edit_record()

    def edit_record(self) -> None:
        # A reader's window (double-click included) offers no editing: the banner says why.
        record = self.selected_record()
        if record is not None and not self.context.read_only:
            list_actions.open_dialog(self, record)

    def duplicate_record(self) -> None:
        """A new record made from the selected one, in the dialog for a new record."""
        record = self.selected_record()
        if record is not None and not self.context.read_only:
            list_actions.duplicate(self, record)

    def delete_record(self) -> None:
        if self.context.read_only:
            return
        rows = self.selected_rows()
        if len(rows) > 1:
            list_actions.delete_several(self, [self.model.record(row) for row in rows])
            return
        record = self.selected_record()
        if record is not None:
            list_actions.delete_one(self, record)

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
