"""The import wizard: file → sheet and kind → mapping → options → preview → commit → result.

Each page asks ``ImportJob`` (plain Python over ``services.importing``) to do the work. Work
that reads the file or the database runs in the background through the context's task runner
while a local event loop keeps the window alive; the commit runs there too, reporting progress
through a signal and stopping when Cancel sets its flag (the write transaction then rolls
back, so a cancelled import writes nothing).
"""

from __future__ import annotations

import contextlib
import html
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QEventLoop, QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QGuiApplication
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from services.errors import RackbookError
from services.importing.read import NoSuchFile, save_pasted
from services.paths import pasted_folder
from services.schema import IMPORT_KINDS, KINDS
from ui.context import AppContext
from ui.import_wizard.job import ImportJob
from ui.import_wizard.preview import ACTION_WORDS, PreviewModel, field_title
from ui.widgets import show_error

if TYPE_CHECKING:
    from services.importing import ErrorsWritten

IGNORE = "— ignore —"
FILE_FILTER = "Spreadsheets (*.xlsx *.xlsm *.xlsb *.xls *.ods *.csv);;All files (*)"


class _Relay(QObject):
    """Carries progress from the worker thread to the main thread (a queued signal)."""

    progress = Signal(int, int)


class ImportWizard(QWizard):
    # (kind, batch id) after a successful commit
    imported = Signal(str, int)
    # the person asked to see the records the batch just written created or changed (batch id)
    show_records = Signal(int)

    FILE, SHEET, MAPPING, OPTIONS, PREVIEW, COMMIT, RESULT = range(7)

    def __init__(
        self, context: AppContext, path: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("importWizard")
        self.setWindowTitle("Import a spreadsheet")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.context = context
        self.job = ImportJob()
        self.relay = _Relay(self)
        self.file_page = FilePage(self)
        self.sheet_page = SheetPage(self)
        self.mapping_page = MappingPage(self)
        self.options_page = OptionsPage(self)
        self.preview_page = PreviewPage(self)
        self.commit_page = CommitPage(self)
        self.result_page = ResultPage(self)
        for page_id, page in enumerate(
            (
                self.file_page,
                self.sheet_page,
                self.mapping_page,
                self.options_page,
                self.preview_page,
                self.commit_page,
                self.result_page,
            )
        ):
            self.setPage(page_id, page)
        self.resize(980, 640)
        # The size the person left it at last time (a wide preview is worth keeping).
        geometry = context.settings.value(GEOMETRY)
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        self.finished.connect(
            lambda _result: context.settings.setValue(GEOMETRY, self.saveGeometry())
        )
        if path:
            self.file_page.path.setText(path)

    def reject(self) -> None:
        # Closing while the rows are being written cancels the import: nothing is written.
        self.commit_page.cancel()
        super().reject()

    # --- background work -----------------------------------------------------------------

    def wait_for(self, work: Any, write: bool = False) -> Any:
        """Run ``work(session)`` (or ``work(session, actor)`` when writing) in the background
        and return its result; the event loop keeps turning meanwhile. Errors are raised."""
        box: dict[str, Any] = {}
        loop = QEventLoop(self)
        finished = threading.Event()

        def done(result: Any) -> None:
            box["result"] = result
            finished.set()
            loop.quit()

        def failed(error: BaseException) -> None:
            box["error"] = error
            finished.set()
            loop.quit()

        self.setCursor(Qt.CursorShape.BusyCursor)
        try:
            if write:
                self.context.write(work, done, failed)
            else:
                self.context.read(work, done, failed)
            if not finished.is_set():
                loop.exec()
        finally:
            self.unsetCursor()
        if "error" in box:
            raise box["error"]
        return box.get("result")


def _problem_label() -> QLabel:
    label = QLabel("")
    label.setObjectName("problem")
    label.setProperty("problem", True)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class _Page(QWizardPage):
    """A page of the import wizard: its title, what it asks, and the wizard it belongs to."""

    def __init__(self, wizard: ImportWizard, title: str, subtitle: str = "") -> None:
        super().__init__()
        self.w = wizard
        self.setTitle(title)
        if subtitle:
            self.setSubTitle(subtitle)


class FilePage(_Page):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(
            wizard,
            "Choose the file",
            "A vendor's order status, ship schedule or lead-time quotes, or Rackbook's own "
            "template: .xlsx, .xlsm, .xlsb, .xls, .ods or .csv; or cells copied from a "
            "spreadsheet or an e-mail, with Paste a table.",
        )
        self.path = QLineEdit()
        self.path.setObjectName("filePath")
        self.path.setPlaceholderText("File to import")
        self.path.textChanged.connect(lambda _t: self.completeChanged.emit())
        browse = QPushButton("Browse…")
        browse.clicked.connect(self.browse)
        paste = QPushButton("Paste a table")
        paste.setObjectName("pasteTable")
        paste.setToolTip(
            "Import cells copied from a spreadsheet or an e-mail (headers included): they are "
            "kept as a file in Rackbook's folder, which the import batch names"
        )
        paste.clicked.connect(self.paste)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        row.addWidget(paste)
        self.problem = _problem_label()
        # The files imported lately (a vendor sends the same report every week): one click
        # picks one, a double click goes on with it.
        self.recent = QListWidget()
        self.recent.setObjectName("recentFiles")
        self.recent.itemClicked.connect(lambda item: self.path.setText(item.toolTip()))
        self.recent.itemDoubleClicked.connect(self._open_recent)
        self.recent_label = QLabel("Recent files:")
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.problem)
        layout.addWidget(self.recent_label)
        layout.addWidget(self.recent, 1)

    def initializePage(self) -> None:
        self._show_recent()

    def _show_recent(self) -> None:
        self.recent.clear()
        for path in recent_files(self.w.context.settings):
            item = QListWidgetItem(f"{Path(path).name}    ({Path(path).parent})")
            item.setToolTip(path)
            self.recent.addItem(item)
        shown = self.recent.count() > 0
        self.recent_label.setVisible(shown)
        self.recent.setVisible(shown)

    def _open_recent(self, item: QListWidgetItem) -> None:
        self.path.setText(item.toolTip())
        self.w.next()

    def paste(self) -> None:
        """The clipboard's table saved as a file, and the wizard goes on with it."""
        self.problem.setText("")
        try:
            path = save_pasted(QGuiApplication.clipboard().text(), pasted_folder())
        except (RackbookError, OSError) as error:
            self.problem.setText(str(error))
            return
        self.path.setText(str(path))
        self.w.next()

    def browse(self) -> None:
        if self.path.text():
            start = str(Path(self.path.text()).parent)
        else:
            start = str(self.w.context.settings.value(LAST_FOLDER, "") or Path.home())
        path, _f = QFileDialog.getOpenFileName(self, "Import a spreadsheet", start, FILE_FILTER)
        if path:
            self.path.setText(path)

    def isComplete(self) -> bool:
        return bool(self.path.text().strip())

    def validatePage(self) -> bool:
        self.problem.setText("")
        path = self.path.text().strip()
        job = self.w.job
        try:
            # Reading and recognising a big file takes seconds: not on the window's thread.
            self.w.wait_for(lambda _session: job.read(path))
        except Exception as error:  # a clear message for a person's file, never a traceback
            self.problem.setText(str(error))
            if isinstance(error, NoSuchFile):
                forget_file(self.w.context.settings, path)
                self._show_recent()
            return False
        remember_file(self.w.context.settings, path)
        return True


GEOMETRY = "import/wizard_geometry"
RECENT_FILES = "import/recent_files"
LAST_FOLDER = "import/last_folder"
RECENT_KEPT = 8


def recent_files(settings: QSettings) -> list[str]:
    """The files read by the wizard lately, newest first. Not checked on disk here: a file
    on a network share that is out of reach could hold the window for many seconds; one
    found gone when read is dropped then (``forget_file``)."""
    value = settings.value(RECENT_FILES, [])
    # An INI file gives back a one-item list as a plain string.
    paths = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    return [str(p) for p in paths if p]


def remember_file(settings: QSettings, path: str) -> None:
    full = str(Path(path).resolve())
    kept = [p for p in recent_files(settings) if p != full]
    settings.setValue(RECENT_FILES, [full, *kept][:RECENT_KEPT])
    settings.setValue(LAST_FOLDER, str(Path(full).parent))


def forget_file(settings: QSettings, path: str) -> None:
    full = str(Path(path).resolve())
    settings.setValue(RECENT_FILES, [p for p in recent_files(settings) if p != full])


class SheetPage(_Page):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(
            wizard,
            "Sheet and kind of records",
            "Rackbook guessed both from the headers; change them if it guessed wrong.",
        )
        self.sheet = QComboBox()
        self.sheet.setObjectName("sheetChoice")
        self.kind = QComboBox()
        self.kind.setObjectName("kindChoice")
        for name in IMPORT_KINDS:
            self.kind.addItem(KINDS[name].label, name)
        self.sheet.currentIndexChanged.connect(self._sheet_changed)
        self.detected = QLabel("")
        self.detected.setWordWrap(True)
        self.problem = _problem_label()
        form = QFormLayout(self)
        form.addRow("Sheet:", self.sheet)
        form.addRow("Records:", self.kind)
        form.addRow("", self.detected)
        form.addRow("", self.problem)

    def initializePage(self) -> None:
        job = self.w.job
        assert job.workbook is not None
        self.sheet.blockSignals(True)
        self.sheet.clear()
        for name in job.workbook.sheet_names:
            hidden = name in job.workbook.hidden_sheets
            self.sheet.addItem(f"{name} (hidden)" if hidden else name, name)
        self.sheet.setCurrentIndex(max(self.sheet.findData(job.sheet_name), 0))
        self.sheet.blockSignals(False)
        self._sheet_changed()
        found = ", ".join(f"{f.sheet!r}: {KINDS[f.kind].label.lower()}" for f in job.fits)
        notes = "; ".join(job.workbook.notes)
        self.detected.setText(
            (f"Recognised {found}." if found else "No sheet was recognised: choose by hand.")
            + (f" {notes}" if notes else "")
        )

    def _sheet_changed(self) -> None:
        detected = self.w.job.detected_kind(self.sheet.currentData() or "")
        if detected:
            self.kind.setCurrentIndex(self.kind.findData(detected))

    def validatePage(self) -> bool:
        job = self.w.job
        job.sheet_name = self.sheet.currentData()
        job.kind = self.kind.currentData()
        self.problem.setText("")
        try:
            self.w.wait_for(job.match)
        except Exception as error:
            self.problem.setText(str(error))
            return False
        return True


class MappingPage(_Page):
    COLUMN, SAMPLE, FIELD, CONFIDENCE, HOW = range(5)

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(
            wizard,
            "Columns",
            "Each column of the file and the field it goes to. Change a field where the guess "
            "is wrong; ignored columns are greyed out.",
        )
        self.profile_note = QLabel("")
        self.profile_note.setObjectName("profileNote")
        self.table = QTableWidget(0, 5)
        self.table.setObjectName("mappingTable")
        self.table.setHorizontalHeaderLabels(
            ["Column in the file", "First values", "Field", "Confidence", "How"]
        )
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        # Tab leaves the table for the buttons (arrows move between cells): no keyboard trap.
        self.table.setTabKeyNavigation(False)
        self.missing = _problem_label()
        self.profile_name = QLineEdit()
        self.profile_name.setObjectName("profileName")
        self.profile_name.setPlaceholderText("e.g. Vertiv EU schedule")
        self.profile_name.setToolTip(
            "Saved when the import is written; files with the same headers get this mapping"
        )
        save_row = QHBoxLayout()
        save_row.addWidget(QLabel("Save this mapping as profile:"))
        save_row.addWidget(self.profile_name, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.profile_note)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.missing)
        layout.addLayout(save_row)
        self.combos: dict[int, QComboBox] = {}

    def initializePage(self) -> None:
        job = self.w.job
        mapping = job.mapping
        assert mapping is not None
        if job.profile is not None:
            self.profile_note.setText(f"Mapping from the saved profile {job.profile.name!r}.")
        else:
            self.profile_note.setText("No saved profile matches these headers.")
        self.profile_name.setText(job.save_profile_as)
        columns = [c for c in mapping.columns if c.header]
        self.table.setRowCount(len(columns))
        self.combos = {}
        for row, match in enumerate(columns):
            header = QTableWidgetItem(match.header + (" (hidden)" if match.hidden else ""))
            header.setData(Qt.ItemDataRole.UserRole, match.index)
            self.table.setItem(row, self.COLUMN, header)
            self.table.setItem(
                row, self.SAMPLE, QTableWidgetItem(", ".join(job.samples(match.index)))
            )
            combo = QComboBox()
            combo.addItem(IGNORE, None)
            for name in job.fields:
                combo.addItem(field_title(job.kind, name), name)
            combo.setCurrentIndex(max(combo.findData(match.field), 0) if match.field else 0)
            combo.currentIndexChanged.connect(
                lambda _i, index=match.index, c=combo: self._changed(index, c.currentData())
            )
            self.combos[match.index] = combo
            self.table.setCellWidget(row, self.FIELD, combo)
            self.table.setItem(row, self.CONFIDENCE, QTableWidgetItem(""))
            self.table.setItem(row, self.HOW, QTableWidgetItem(""))
        self._show_matches()
        self.table.resizeColumnsToContents()
        self.table.setColumnWidth(self.SAMPLE, min(self.table.columnWidth(self.SAMPLE), 320))

    def set_field(self, header: str, field_name: str | None) -> None:
        """Choose the field of the column headed ``header`` (what the drop-down does)."""
        mapping = self.w.job.mapping
        assert mapping is not None
        match = next(c for c in mapping.columns if c.header == header)
        combo = self.combos[match.index]
        combo.setCurrentIndex(combo.findData(field_name) if field_name else 0)

    def _changed(self, index: int, field_name: str | None) -> None:
        self.w.job.set_field(index, field_name)
        self._show_matches()

    def _item(self, row: int, column: int) -> QTableWidgetItem:
        item = self.table.item(row, column)
        assert item is not None  # every cell of the mapping table is filled when it is built
        return item

    def _show_matches(self) -> None:
        job = self.w.job
        assert job.mapping is not None
        by_index = {c.index: c for c in job.mapping.columns}
        grey = QBrush(QColor(150, 150, 150))
        plain = QBrush()
        for row in range(self.table.rowCount()):
            index = self._item(row, self.COLUMN).data(Qt.ItemDataRole.UserRole)
            match = by_index[index]
            combo = self.combos[index]
            combo.blockSignals(True)
            combo.setCurrentIndex(max(combo.findData(match.field), 0) if match.field else 0)
            combo.blockSignals(False)
            ignored = match.field is None
            self._item(row, self.CONFIDENCE).setText("" if ignored else f"{match.confidence} %")
            self._item(row, self.HOW).setText(match.note if ignored else _how(match.how))
            for column in (self.COLUMN, self.SAMPLE, self.CONFIDENCE, self.HOW):
                self._item(row, column).setForeground(grey if ignored else plain)
        missing = [f for f in job.missing() if not (f == "vendor" and job.takes_vendor)]
        named = ", ".join(field_title(job.kind, f) for f in missing)
        self.missing.setText(f"No column holds {named} yet: choose one." if missing else "")
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        job = self.w.job
        if job.mapping is None:
            return False
        return not [f for f in job.missing() if not (f == "vendor" and job.takes_vendor)]

    def validatePage(self) -> bool:
        self.w.job.save_profile_as = self.profile_name.text().strip()
        return True


def _how(how: str) -> str:
    return {
        "name": "field name",
        "alias": "known header word",
        "alias words": "known header words",
        "fuzzy": "similar spelling",
        "map": "chosen by you" if how == "map" else how,
    }.get(how, how)


class OptionsPage(_Page):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(
            wizard, "Options", "How to read the values, and what to do with rows that have errors."
        )
        self.vendor = QComboBox()
        self.vendor.setObjectName("vendorChoice")
        self.vendor.setEditable(True)
        self.vendor.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.vendor_note = QLabel("")
        self.vendor_note.setWordWrap(True)
        self.dayfirst = QCheckBox("Numeric dates are day first (31/12/2026)")
        self.dayfirst.setObjectName("dayfirst")
        self.decimal_comma = QCheckBox("Numbers use a decimal comma (1.234,50)")
        self.decimal_comma.setObjectName("decimalComma")
        self.include_hidden = QCheckBox("")
        self.include_hidden.setObjectName("includeHidden")
        self.all_or_nothing = QRadioButton("All or nothing: write nothing if any row has an error")
        self.all_or_nothing.setObjectName("allOrNothing")
        self.skip_invalid = QRadioButton("Write the valid rows, skip the rows with errors")
        self.skip_invalid.setObjectName("skipInvalid")
        group = QButtonGroup(self)
        group.addButton(self.all_or_nothing)
        group.addButton(self.skip_invalid)
        self.all_or_nothing.setChecked(True)
        self.status = QLabel("")
        self.problem = _problem_label()
        form = QFormLayout(self)
        form.addRow("Vendor for the whole file:", self.vendor)
        form.addRow("", self.vendor_note)
        form.addRow("Dates:", self.dayfirst)
        form.addRow("Numbers:", self.decimal_comma)
        form.addRow("Hidden rows:", self.include_hidden)
        form.addRow("Rows with errors:", self.all_or_nothing)
        form.addRow("", self.skip_invalid)
        form.addRow("", self.status)
        form.addRow("", self.problem)

    def initializePage(self) -> None:
        job = self.w.job
        assert job.mapping is not None
        self.vendor.clear()
        self.vendor.addItem("", None)
        for name in job.vendors:
            self.vendor.addItem(name, name)
        self.vendor.setCurrentText(job.vendor or "")
        has_column = "vendor" in job.mapping.by_field
        self.vendor.setEnabled(job.takes_vendor)
        if not job.takes_vendor:
            self.vendor_note.setText(f"{KINDS[job.kind].label} do not belong to a vendor.")
        elif has_column:
            self.vendor_note.setText("The file has a vendor column; a vendor given here wins.")
        elif job.vendor_proposed and job.vendor == job.vendor_proposed:
            self.vendor_note.setText(
                f"{job.vendor} is named in {job.vendor_found_in}: check it is the vendor who "
                "sent the file."
            )
        elif job.vendor_proposed:
            self.vendor_note.setText(
                f"{job.vendor_found_in[:1].upper()}{job.vendor_found_in[1:]} names "
                f"{job.vendor_proposed}; the vendor given here goes on every line."
            )
        else:
            self.vendor_note.setText("The file names no vendor: give the one who sent it.")
        self.dayfirst.setChecked(job.dayfirst)
        self.decimal_comma.setChecked(job.decimal_comma)
        hidden = job.hidden_rows()
        if hidden:
            self.include_hidden.setText(
                f"Import the {hidden:,} row{'s' if hidden != 1 else ''} hidden in the sheet "
                "(otherwise skipped, and listed in the preview)"
            )
        else:
            self.include_hidden.setText("The sheet has no hidden rows")
        self.include_hidden.setEnabled(hidden > 0)
        self.include_hidden.setChecked(job.include_hidden and hidden > 0)
        self.skip_invalid.setChecked(job.skip_invalid)
        self.all_or_nothing.setChecked(not job.skip_invalid)
        self.status.setText("")
        self.problem.setText("")

    def validatePage(self) -> bool:
        job = self.w.job
        job.vendor = self.vendor.currentText().strip() or None
        job.dayfirst = self.dayfirst.isChecked()
        job.decimal_comma = self.decimal_comma.isChecked()
        job.include_hidden = self.include_hidden.isChecked()
        job.skip_invalid = self.skip_invalid.isChecked()
        self.problem.setText("")
        missing = job.missing()
        if missing:
            hint = " (give the vendor above)" if "vendor" in missing else ""
            named = ", ".join(field_title(job.kind, f) for f in missing)
            self.problem.setText(f"No value for {named}{hint}.")
            return False
        self.status.setText("Checking every row against the database…")
        relay = self.w.relay
        relay.progress.connect(self._progress)
        try:
            self.w.wait_for(lambda session: job.make_plan(session, relay.progress.emit))
        except Exception as error:
            self.problem.setText(str(error))
            return False
        finally:
            relay.progress.disconnect(self._progress)
            self.status.setText("")
        return True

    def _progress(self, done: int, total: int) -> None:
        self.status.setText(f"Checking rows: {done:,} of {total:,}…")


class PreviewPage(_Page):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(
            wizard,
            "Preview",
            "What the import would do to each row. Changed fields show old → new; errors are "
            "red, with the reason in the last column and on the cell.",
        )
        self.counts = QLabel("")
        self.counts.setObjectName("previewCounts")
        self.show_only = QComboBox()
        self.show_only.setObjectName("previewFilter")
        self.show_only.addItem("All rows", None)
        for action, word in ACTION_WORDS.items():
            self.show_only.addItem(f"Only {word}", action)
        self.model = PreviewModel(self)
        self.show_only.currentIndexChanged.connect(
            lambda _i: self.model.set_action(self.show_only.currentData())
        )
        self.view = QTableView()
        self.view.setObjectName("previewTable")
        self.view.setModel(self.model)
        self.view.setAlternatingRowColors(False)
        self.view.verticalHeader().setVisible(False)
        self.view.setWordWrap(False)
        self.view.setTabKeyNavigation(False)
        self.notes = QLabel("")
        self.notes.setWordWrap(True)
        # Order lines the file brings that nobody entered: shown in green, and written only
        # when the buyer says so (a status report must not create orders by itself).
        self.new_lines = QLabel("")
        self.new_lines.setObjectName("previewNewLines")
        self.new_lines.setProperty("problem", True)
        self.new_lines.setWordWrap(True)
        self.create_new = QCheckBox("")
        self.create_new.setObjectName("previewCreateNew")
        self.create_new.toggled.connect(self._create_new_toggled)
        self.save_rejected = QPushButton("Save rejected rows…")
        self.save_rejected.setObjectName("previewSaveRejected")
        self.save_rejected.clicked.connect(lambda: save_rejected_rows(self.w, self))
        self.problem = _problem_label()
        top = QHBoxLayout()
        top.addWidget(self.counts, 1)
        top.addWidget(self.show_only)
        bottom = QHBoxLayout()
        bottom.addWidget(self.problem, 1)
        bottom.addWidget(self.save_rejected)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.new_lines)
        layout.addWidget(self.create_new)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.notes)
        layout.addLayout(bottom)

    def initializePage(self) -> None:
        plan = self.w.job.plan
        assert plan is not None
        self.model.set_plan(plan)
        counts = plan.counts
        moves = plan.eta_moves()
        self.counts.setText(
            f"<b>{counts['create']:,}</b> new · <b>{counts['update']:,}</b> update · "
            f"<b>{counts['unchanged']:,}</b> unchanged · "
            f"<b style='color:#b71c1c'>{counts['rejected']:,}</b> with errors"
            + (f" &nbsp;—&nbsp; {html.escape(moves.text)}" if moves else "")
        )
        notes = list(plan.notes) + [f"row {row}: skipped, {why}" for row, why in plan.skipped]
        replaced = sum(1 for row in plan.rows if self.model.replaces_description(row))
        if replaced:
            notes.insert(
                0,
                f"the vendor's description replaces ours on {replaced:,} "
                f"line{'s' if replaced != 1 else ''} (see the last column)",
            )
        ignored = [c.header for c in plan.mapping.ignored]
        if ignored:
            notes.append("columns not imported: " + ", ".join(ignored))
        self.notes.setText("; ".join(notes))
        self.save_rejected.setEnabled(counts["rejected"] > 0)
        if counts["rejected"] and not self.w.job.skip_invalid:
            self.problem.setText(
                f"{counts['rejected']:,} rows have errors, so nothing can be written (all or "
                "nothing). Fix the file, or go back and choose to skip the rows with errors."
            )
        elif not plan.rows:
            self.problem.setText("Nothing to write: the sheet has no rows to import.")
        elif not (counts["create"] or counts["update"]):
            self.problem.setText("Nothing to write: every row is already in Rackbook as it is.")
        else:
            self.problem.setText("")
        self._show_new_lines()
        self.view.resizeColumnsToContents()
        self._fit_columns()
        self.setButtonText(QWizard.WizardButton.NextButton, "Import")
        self.completeChanged.emit()

    def _fit_columns(self) -> None:
        """No column wider than a third of the table, so the ETA after the key is in view."""
        widest = max(self.view.viewport().width() // 3, 160)
        for column in range(self.model.columnCount()):
            if self.view.columnWidth(column) > widest:
                self.view.setColumnWidth(column, widest)

    def _show_new_lines(self) -> None:
        job = self.w.job
        new = job.new_orders()
        self.new_lines.setVisible(bool(new))
        self.create_new.setVisible(bool(new))
        self.create_new.blockSignals(True)
        self.create_new.setChecked(job.create_new)
        self.create_new.blockSignals(False)
        if not new:
            return
        lines, orders = len(new), job.new_purchase_orders()
        more = f" and {len(orders) - 5} more" if len(orders) > 5 else ""
        shown_orders = ", ".join(orders[:5]) + more
        self.new_lines.setText(
            f"This file brings {lines:,} order line{'s' if lines != 1 else ''} that "
            f"{'are' if lines != 1 else 'is'} not in Rackbook (in green"
            + (
                f"; {len(orders):,} new purchase order{'s' if len(orders) != 1 else ''}: "
                f"{shown_orders}"
                if orders
                else ""
            )
            + "). They are created only if you tick the box below; otherwise only the lines "
            "already in Rackbook are updated."
        )
        self.create_new.setText(
            f"Yes, create the {lines:,} new order line{'s' if lines != 1 else ''}"
        )
        self.create_new.setAccessibleName("Create the new order lines")

    def _create_new_toggled(self, checked: bool) -> None:
        self.w.job.create_new = checked
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        job = self.w.job
        plan = job.plan
        if plan is None:
            return False
        counts = plan.counts
        if counts["rejected"] and not job.skip_invalid:
            return False
        creates = counts["create"] and (job.create_new or not job.new_orders())
        return bool(creates or counts["update"])


class CommitPage(_Page):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(
            wizard, "Importing", "Writing in one transaction: Cancel leaves the database as it was."
        )
        self.bar = QProgressBar()
        self.bar.setObjectName("commitProgress")
        self.bar.setRange(0, 0)
        self.label = QLabel("")
        self.cancel_button = QPushButton("Cancel import")
        self.cancel_button.setObjectName("cancelImport")
        self.cancel_button.clicked.connect(self.cancel)
        self.problem = _problem_label()
        layout = QVBoxLayout(self)
        layout.addWidget(self.bar)
        layout.addWidget(self.label)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.cancel_button)
        layout.addLayout(row)
        layout.addWidget(self.problem)
        layout.addStretch(1)
        self.cancelled = threading.Event()
        self.running = False
        self.finished = False
        self.error: BaseException | None = None

    def initializePage(self) -> None:
        self.cancelled.clear()
        self.finished = False
        self.error = None
        self.problem.setText("")
        self.cancel_button.setEnabled(True)
        self.bar.setRange(0, 0)
        self.label.setText("Starting…")
        self.start()

    def cleanupPage(self) -> None:
        self.cancel()

    def start(self) -> None:
        job, relay = self.w.job, self.w.relay
        relay.progress.connect(self._progress)
        cancelled = self.cancelled
        self.running = True
        self.w.context.write(
            lambda session, actor: job.commit(
                session, actor.user, relay.progress.emit, cancelled.is_set
            ),
            self._done,
            self._failed,
        )

    def cancel(self) -> None:
        if self.running:
            self.cancelled.set()
            self.label.setText("Cancelling: rolling back…")
            self.cancel_button.setEnabled(False)

    def _progress(self, done: int, total: int) -> None:
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(done)
        self.label.setText(f"{done:,} of {total:,} rows written…")

    def _stop(self) -> None:
        self.running = False
        self.cancel_button.setEnabled(False)
        with contextlib.suppress(RuntimeError, TypeError):  # not connected any more
            self.w.relay.progress.disconnect(self._progress)

    def _done(self, result: Any) -> None:
        self._stop()
        job = self.w.job
        job.result = result
        self.finished = True
        self.bar.setRange(0, 1)
        self.bar.setValue(1)
        self.label.setText("Done.")
        self.w.context.changed.emit(job.kind)
        self.w.imported.emit(job.kind, result.batch_id)
        self.completeChanged.emit()
        # Not from inside the page switch that started the commit (synchronous tasks).
        QTimer.singleShot(0, self.w.next)

    def _failed(self, error: BaseException) -> None:
        self._stop()
        self.error = error
        from services.importing import ImportCancelled

        self.bar.setRange(0, 1)
        self.bar.setValue(0)
        if isinstance(error, ImportCancelled):
            self.label.setText("Cancelled: nothing was written.")
        else:
            self.label.setText("Nothing was written.")
            self.problem.setText(str(error))
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.finished


class ResultPage(_Page):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard, "Imported")
        self.summary = QLabel("")
        self.summary.setObjectName("resultSummary")
        self.summary.setWordWrap(True)
        self.save_rejected = QPushButton("Save rejected rows…")
        self.save_rejected.setObjectName("saveRejected")
        self.save_rejected.clicked.connect(lambda: save_rejected_rows(self.w, self))
        self.show_button = QPushButton("Show imported records")
        self.show_button.setObjectName("showImported")
        self.show_button.clicked.connect(self.show_imported)
        row = QHBoxLayout()
        row.addWidget(self.save_rejected)
        row.addWidget(self.show_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(row)
        layout.addStretch(1)

    def initializePage(self) -> None:
        result = self.w.job.result
        assert result is not None
        profile = self.w.job.save_profile_as
        self.summary.setText(
            f"Import batch {result.batch_id} ({KINDS[result.kind].label.lower()}, sheet "
            f"{result.sheet!r}): {result.created:,} created, {result.updated:,} updated, "
            f"{result.unchanged:,} unchanged, {result.rejected:,} rejected."
            + (f" Mapping saved as profile {profile!r}." if profile else "")
            + " It can be undone from the Imports screen."
        )
        self.save_rejected.setEnabled(result.rejected > 0)

    def show_imported(self) -> None:
        result = self.w.job.result
        if result is not None:
            self.w.show_records.emit(result.batch_id)
        self.w.accept()


def save_rejected_rows(wizard: ImportWizard, parent: QWidget, path: str | None = None) -> int:
    """Write the rejected rows, with an Error column, to a workbook ready to fix and import."""
    from services.importing import write_errors

    plan = wizard.job.plan
    if plan is None:
        return 0
    asked = path is None
    if path is None:
        source = Path(wizard.job.path)
        suggested = str(source.with_name(f"{source.stem} - rejected rows.xlsx"))
        path, _f = QFileDialog.getSaveFileName(
            parent, "Save rejected rows", suggested, "Excel (*.xlsx)"
        )
        if not path:
            return 0
    try:
        written = write_errors([plan], path)
    except Exception as error:
        show_error(parent, error, "Save rejected rows")
        return 0
    if asked:
        QMessageBox.information(parent, "Rejected rows", saved_rows_text(written, path))
    return written


def saved_rows_text(written: ErrorsWritten, path: str) -> str:
    """What saving the rejected rows did: a marked copy of the vendor's workbook, or a new
    one and why."""
    from services.importing import errors_written_text

    return "\n\n".join([errors_written_text(written, path) + ".", *written.notes])
