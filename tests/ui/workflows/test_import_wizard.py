"""The import wizard driven on the shared sample files: detection, a mapping changed by hand,
a profile saved and found again, preview counts, commit, rejected rows and undo."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from models.database import Database
from services import records
from tests.ui.workflows.conftest import commit, forward, open_wizard, samples, to_preview
from ui.context import AppContext
from ui.import_wizard import ImportWizard
from ui.import_wizard.preview import CHANGED, ERROR
from ui.screens.imports_screen import ImportsScreen

pytestmark = pytest.mark.gui


def _reference(qtbot: Any, context: AppContext) -> None:
    for sheet in ("Sites", "Vendors", "Products"):
        wizard = open_wizard(qtbot, context, samples() / "reference.xlsx")
        to_preview(wizard, sheet=sheet)
        assert wizard.job.kind == sheet.lower()
        commit(qtbot, wizard)


def _lines(database: Database) -> dict[str, dict[str, Any]]:
    with database.session() as session:
        return {f"{r['po_number']}/{r['line']}": r for r in records.list_records(session, "orders")}


def test_a_day_of_imports_mapping_profile_preview_commit_undo(
    qtbot: Any, empty_context: AppContext, empty_db: Database
) -> None:
    _reference(qtbot, empty_context)

    # The European schedule: semicolons, decimal commas and day-first dates recognised; the
    # buyer knows "Confirmed delivery" is the vendor's current estimate, not its first promise.
    wizard = open_wizard(qtbot, empty_context, samples() / "vertiv_schedule_eu.csv")
    forward(wizard, ImportWizard.SHEET)
    assert wizard.sheet_page.kind.currentData() == "orders"
    forward(wizard, ImportWizard.MAPPING)
    page = wizard.mapping_page
    assert page.combos[7].currentData() == "promised_date"  # 'Confirmed delivery'
    assert "No saved profile" in page.profile_note.text()
    page.set_field("Confirmed delivery", "eta")
    assert wizard.job.mapping is not None
    assert wizard.job.mapping.by_field["eta"].header == "Confirmed delivery"
    assert wizard.job.mapping.by_field["eta"].how == "map"
    page.profile_name.setText("Vertiv EU schedule")
    forward(wizard, ImportWizard.OPTIONS)
    options = wizard.options_page
    assert options.decimal_comma.isChecked()
    options.vendor.setCurrentText("Vertiv")
    forward(wizard, ImportWizard.PREVIEW)
    preview = wizard.preview_page
    assert preview.model.rowCount() == 3
    assert wizard.job.plan is not None
    assert wizard.job.plan.counts == {"create": 3, "update": 0, "unchanged": 0, "rejected": 0}
    assert "<b>3</b> new" in preview.counts.text()
    commit(qtbot, wizard)
    assert "3 created" in wizard.result_page.summary.text()
    assert "Vertiv EU schedule" in wizard.result_page.summary.text()
    lines = _lines(empty_db)
    assert lines["ML-2026-020/1"]["eta"] == dt.date(2026, 11, 14)
    assert lines["ML-2026-020/1"]["promised_date"] is None
    assert lines["ML-2026-020/1"]["unit_price"] == Decimal("142000.00")

    # The next file in the same layout: the profile is found by its headers and applied
    # (mapping, vendor, options); an unchanged file has nothing to write.
    wizard = open_wizard(qtbot, empty_context, samples() / "vertiv_schedule_eu.csv")
    forward(wizard, ImportWizard.SHEET)
    forward(wizard, ImportWizard.MAPPING)
    assert "Vertiv EU schedule" in wizard.mapping_page.profile_note.text()
    assert wizard.mapping_page.combos[7].currentData() == "eta"
    forward(wizard, ImportWizard.OPTIONS)
    assert wizard.options_page.vendor.currentText() == "Vertiv"
    forward(wizard, ImportWizard.PREVIEW)
    assert wizard.job.plan is not None
    assert wizard.job.plan.counts["unchanged"] == 3
    assert not wizard.preview_page.isComplete()
    assert "Nothing to write" in wizard.preview_page.problem.text()
    wizard.reject()

    # Dell's report: title rows, its own header words, the vendor given once for the file.
    wizard = open_wizard(qtbot, empty_context, samples() / "dell_order_status.xlsx")
    to_preview(wizard, vendor="Dell")
    assert wizard.job.plan is not None
    assert wizard.job.plan.counts == {"create": 4, "update": 0, "unchanged": 0, "rejected": 0}
    commit(qtbot, wizard)
    assert wizard.job.result is not None
    dell_batch = wizard.job.result.batch_id
    assert "ML-2026-014/2" in _lines(empty_db)
    shown_batches: list[int] = []
    wizard.show_records.connect(shown_batches.append)
    wizard.result_page.show_button.click()
    assert shown_batches == [dell_batch]

    # The Imports screen lists every batch with its counts, and undoes Dell's.
    screen = ImportsScreen(empty_context)
    qtbot.addWidget(screen)
    screen.refresh()
    assert screen.batches[0].id == dell_batch  # newest first
    assert screen.model.text(0, 6) == "4"  # created
    screen.select_batch(dell_batch)
    assert screen.undo_button.isEnabled()
    screen.undo_selected(confirm=False)
    lines = _lines(empty_db)
    assert "ML-2026-014/2" not in lines and "ML-2026-020/1" in lines
    assert screen.batches[0].undone_at is not None
    assert not screen.undo_button.isEnabled()


def test_edits_show_old_and_new_and_errors_go_to_a_workbook(
    qtbot: Any, empty_context: AppContext, empty_db: Database, tmp_path: Path
) -> None:
    _reference(qtbot, empty_context)
    wizard = open_wizard(qtbot, empty_context, samples() / "dell_order_status.xlsx")
    to_preview(wizard, vendor="Dell")
    commit(qtbot, wizard)

    # The vendor's next report: one ETA moved, one row with a quantity that is not a number.
    book = openpyxl.load_workbook(samples() / "dell_order_status.xlsx")
    sheet = book.active
    assert sheet is not None
    sheet["H4"] = dt.date(2027, 3, 5)  # ML-2026-014/1 estimated delivery
    sheet["E6"] = "lots"  # ML-2026-015/1 ordered qty
    changed = tmp_path / "dell week 2.xlsx"
    book.save(changed)

    wizard = open_wizard(qtbot, empty_context, changed)
    to_preview(wizard, vendor="Dell")
    plan = wizard.job.plan
    assert plan is not None
    assert plan.counts == {"create": 0, "update": 1, "unchanged": 2, "rejected": 1}
    preview = wizard.preview_page
    assert not preview.isComplete()  # all or nothing, with an error
    assert "rows have errors" in preview.problem.text()
    # 2027-01-22 → 2027-03-05: what the buyer looks for first, above the rows.
    assert "ETAs: 1 later (up to 42 days)" in preview.counts.text()
    model = preview.model
    eta_column = 2 + model.fields.index("eta")
    quantity_column = 2 + model.fields.index("quantity")
    rows = {model.row_plan(r).row: r for r in range(model.rowCount())}
    eta_cell = model.index(rows[4], eta_column)
    assert model.data(eta_cell) == "2027-01-22 → 2027-03-05"
    # Numbers grouped by thousands and right-aligned, as the lists show them.
    price_cell = model.index(rows[4], 2 + model.fields.index("unit_price"))
    assert model.data(price_cell) == "3,890,000"
    assert model.data(price_cell, Qt.ItemDataRole.TextAlignmentRole) & int(
        Qt.AlignmentFlag.AlignRight
    )
    assert model.data(model.index(rows[4], 1)) == "update"
    bad_cell = model.index(rows[6], quantity_column)
    assert model.data(model.index(rows[6], 1)) == "error"
    # The error sits on its cell (red, the reason as tooltip) and in the last column.
    assert model.data(bad_cell, Qt.ItemDataRole.BackgroundRole).color() == ERROR
    reason = model.data(bad_cell, Qt.ItemDataRole.ToolTipRole)
    assert reason and reason in model.data(model.index(rows[6], model.columnCount() - 1))
    assert model.data(eta_cell, Qt.ItemDataRole.BackgroundRole).color() == CHANGED
    preview.show_only.setCurrentIndex(preview.show_only.findData("rejected"))
    assert model.rowCount() == 1

    # Rejected rows to a workbook, with an Error column, ready to fix and import again.
    from ui.import_wizard.wizard import save_rejected_rows

    out = tmp_path / "rejected.xlsx"
    assert save_rejected_rows(wizard, preview, str(out)) == 1
    errors = openpyxl.load_workbook(out).active
    assert errors is not None
    texts = [str(c.value) for row in errors.iter_rows() for c in row if c.value]
    assert any(t.startswith("row 6") for t in texts)

    # Skip invalid: the valid change is written, the bad row is left out.
    wizard.back()
    wizard.options_page.skip_invalid.setChecked(True)
    forward(wizard, ImportWizard.PREVIEW)
    assert wizard.preview_page.isComplete()
    commit(qtbot, wizard)
    assert "1 rejected" in wizard.result_page.summary.text()
    assert wizard.result_page.save_rejected.isEnabled()
    assert _lines(empty_db)["ML-2026-014/1"]["eta"] == dt.date(2027, 3, 5)


def test_a_file_that_cannot_be_read_says_why_and_stays(
    qtbot: Any, empty_context: AppContext, tmp_path: Path
) -> None:
    bad = tmp_path / "orders.xlsx"
    bad.write_bytes(b"PK\x03\x04" + b"\x00" * 40)  # a damaged workbook
    wizard = open_wizard(qtbot, empty_context, bad)
    wizard.next()
    assert wizard.currentId() == ImportWizard.FILE
    assert "orders.xlsx" in wizard.file_page.problem.text()


def test_preview_model_passes_the_model_tester(
    qtbot: Any, qtmodeltester: Any, empty_context: AppContext
) -> None:
    _reference(qtbot, empty_context)
    wizard = open_wizard(qtbot, empty_context, samples() / "dell_order_status.xlsx")
    to_preview(wizard, vendor="Dell")
    qtmodeltester.check(wizard.preview_page.model)
    wizard.preview_page.show_only.setCurrentIndex(1)
    qtmodeltester.check(wizard.preview_page.model)


def test_hidden_rows_are_skipped_unless_asked_and_rejected_rows_say_how_they_were_saved(
    qtbot: Any, empty_context: AppContext, empty_db: Database, tmp_path: Path
) -> None:
    """A row the vendor hid (a cancelled line) is left out and listed unless the person
    ticks "Hidden rows"; saving the rejected rows says the vendor's workbook was copied."""
    from ui.import_wizard.wizard import save_rejected_rows, saved_rows_text

    _reference(qtbot, empty_context)
    book = openpyxl.load_workbook(samples() / "dell_order_status.xlsx")
    sheet = book.active
    assert sheet is not None
    sheet.row_dimensions[6].hidden = True  # ML-2026-015/1
    hidden = tmp_path / "dell hidden.xlsx"
    book.save(hidden)

    wizard = open_wizard(qtbot, empty_context, hidden)
    to_preview(wizard, vendor="Dell")
    options = wizard.options_page.include_hidden
    assert options.isEnabled() and not options.isChecked()
    assert options.text().startswith("Import the 1 row hidden in the sheet")
    plan = wizard.job.plan
    assert plan is not None
    assert plan.counts == {"create": 3, "update": 0, "unchanged": 0, "rejected": 0}
    assert "row 6: skipped, a hidden row" in wizard.preview_page.notes.text()

    wizard.back()
    options.setChecked(True)
    forward(wizard, ImportWizard.PREVIEW)
    plan = wizard.job.plan
    assert plan is not None
    assert plan.counts == {"create": 4, "update": 0, "unchanged": 0, "rejected": 0}
    assert "hidden row" not in wizard.preview_page.notes.text()
    commit(qtbot, wizard)
    assert "ML-2026-015/1" in _lines(empty_db)

    # A sheet without hidden rows: the choice is shown, and off.
    sheet.row_dimensions[6].hidden = False
    sheet["E5"] = "a dozen"  # ML-2026-014/2: not a quantity
    plain = tmp_path / "dell plain.xlsx"
    book.save(plain)
    wizard = open_wizard(qtbot, empty_context, plain)
    to_preview(wizard, vendor="Dell")
    assert not wizard.options_page.include_hidden.isEnabled()
    assert wizard.options_page.include_hidden.text() == "The sheet has no hidden rows"

    out = tmp_path / "rejected.xlsx"
    written = save_rejected_rows(wizard, wizard.preview_page, str(out))
    assert written == 1
    assert saved_rows_text(written, str(out)) == (  # type: ignore[arg-type]
        f"1 rejected row written to {out}: a copy of the vendor's workbook with the bad cells "
        "marked and an Error column."
    )
    copy = openpyxl.load_workbook(out).active
    assert copy is not None
    # The vendor's layout with only the rejected row left under the header, an Error column.
    assert (copy["E4"].value, copy["M3"].value) == ("a dozen", "Error")
    assert copy["M4"].value == "row 5: Ordered Qty is not a number"


def test_a_sheet_with_only_headers_says_there_is_nothing_to_import(
    qtbot: Any, empty_context: AppContext, tmp_path: Path
) -> None:
    _reference(qtbot, empty_context)
    book = openpyxl.load_workbook(samples() / "dell_order_status.xlsx")
    sheet = book.active
    assert sheet is not None
    sheet.delete_rows(4, sheet.max_row)
    headers_only = tmp_path / "dell template.xlsx"
    book.save(headers_only)

    wizard = open_wizard(qtbot, empty_context, headers_only)
    to_preview(wizard, vendor="Dell")

    preview = wizard.preview_page
    assert not preview.isComplete()
    assert preview.problem.text() == "Nothing to write: the sheet has no rows to import."
    assert "the sheet has no rows below its headers" in preview.notes.text()


def test_mapping_page_shows_first_values_as_the_sheet_shows_them(
    qtbot: Any, empty_context: AppContext
) -> None:
    # Spreadsheets store whole numbers as 12.0 and dates as midnight datetimes; the person
    # choosing fields should see 12 and 2026-05-04, as in their sheet.
    wizard = open_wizard(qtbot, empty_context, samples() / "dell_order_status.xlsx")
    forward(wizard, ImportWizard.SHEET)
    forward(wizard, ImportWizard.MAPPING)
    page = wizard.mapping_page
    sample_of = {
        page.table.item(row, page.COLUMN).text(): page.table.item(row, page.SAMPLE).text()
        for row in range(page.table.rowCount())
    }
    assert sample_of["Line Item"] == "1, 2, 1"
    assert sample_of["Ordered Qty"] == "6, 12, 2"
    assert sample_of["Unit Cost (USD)"].startswith("3890000, 21,000.00")
    assert sample_of["Order Placed"] == "2026-05-04, 2026-05-04, 2026-09-15"
    wizard.reject()


def test_the_vendor_a_report_names_in_its_title_is_proposed(
    qtbot: Any, empty_context: AppContext, empty_db: Database
) -> None:
    _reference(qtbot, empty_context)

    def dell_options() -> ImportWizard:
        wizard = open_wizard(qtbot, empty_context, samples() / "dell_order_status.xlsx")
        for page_id in (ImportWizard.SHEET, ImportWizard.MAPPING, ImportWizard.OPTIONS):
            forward(wizard, page_id)
        return wizard

    wizard = dell_options()
    page = wizard.options_page
    # "Dell Order Status Report": Dell is an alias of Dell Technologies.
    assert page.vendor.currentText() == "Dell Technologies"
    assert "named in the title 'Dell Order Status Report'" in page.vendor_note.text()
    forward(wizard, ImportWizard.PREVIEW)
    assert wizard.job.plan is not None
    assert wizard.job.plan.counts["create"] == 4
    wizard.reject()

    # A choice of the person's own is kept when they come back to the columns.
    wizard = dell_options()
    wizard.options_page.vendor.setCurrentText("Vertiv")
    forward(wizard, ImportWizard.PREVIEW)
    for _page in ("options", "mapping", "sheet"):
        wizard.back()
    assert wizard.currentId() == ImportWizard.SHEET
    forward(wizard, ImportWizard.MAPPING)
    forward(wizard, ImportWizard.OPTIONS)
    assert wizard.options_page.vendor.currentText() == "Vertiv"
    assert wizard.options_page.vendor_note.text() == (
        "The title 'Dell Order Status Report' names Dell Technologies; the vendor given here "
        "goes on every line."
    )
    wizard.reject()


def test_files_read_lately_are_offered_again(
    qtbot: Any, empty_context: AppContext, tmp_path: Path
) -> None:
    wizard = open_wizard(qtbot, empty_context, samples() / "dell_order_status.xlsx")
    assert not wizard.file_page.recent.isVisibleTo(wizard)  # nothing read yet
    forward(wizard, ImportWizard.SHEET)
    wizard.reject()
    gone = tmp_path / "gone.csv"
    gone.write_text("PO;Line\n", encoding="utf-8")
    wizard = open_wizard(qtbot, empty_context, gone)
    forward(wizard, ImportWizard.SHEET)
    wizard.reject()
    wizard = open_wizard(qtbot, empty_context, samples() / "vertiv_schedule_eu.csv")
    forward(wizard, ImportWizard.SHEET)
    wizard.reject()
    gone.unlink()

    # The next wizard lists them, newest first.
    wizard = ImportWizard(empty_context)
    qtbot.addWidget(wizard)
    wizard.show()
    page = wizard.file_page
    assert page.recent.isVisibleTo(wizard)
    listed = [page.recent.item(i).toolTip() for i in range(page.recent.count())]
    assert listed == [
        str((samples() / "vertiv_schedule_eu.csv").resolve()),
        str(gone.resolve()),
        str((samples() / "dell_order_status.xlsx").resolve()),
    ]
    # A file no longer there says so, and leaves the list.
    page.recent.itemDoubleClicked.emit(page.recent.item(1))
    assert wizard.currentId() == ImportWizard.FILE
    assert "there is no such file" in page.problem.text()
    assert page.recent.count() == 2
    # A double click goes on with a file.
    assert page.recent.item(1).text().startswith("dell_order_status.xlsx")
    page.recent.itemDoubleClicked.emit(page.recent.item(1))
    assert wizard.currentId() == ImportWizard.SHEET
    assert wizard.job.sheet_name == "Order Status"
    wizard.reject()


def test_preview_shows_values_as_a_buyer_reads_them() -> None:
    from ui.import_wizard.preview import shown

    assert shown(Decimal("3890000.00")) == "3,890,000"
    assert shown(Decimal("310500.50")) == "310,500.5"
    assert shown(Decimal("-0.0001")) == "-0.0001"
    assert shown(1200) == "1,200"
    assert shown(True) == "yes"
    assert shown(dt.date(2027, 3, 5)) == "2027-03-05"
    assert shown(None) == ""


def test_the_wizard_opens_at_the_size_it_was_left_at(qtbot: Any, empty_context: AppContext) -> None:
    wizard = ImportWizard(empty_context)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.resize(700, 520)  # within the offscreen screen
    wizard.reject()

    again = ImportWizard(empty_context)
    qtbot.addWidget(again)
    again.show()
    assert (again.width(), again.height()) == (700, 520)
    again.reject()


def test_a_table_pasted_from_an_email_is_imported_as_a_file(
    qtbot: Any, empty_context: AppContext, empty_db: Database
) -> None:
    from PySide6.QtGui import QGuiApplication

    from services import paths

    _reference(qtbot, empty_context)
    clipboard = QGuiApplication.clipboard()
    wizard = ImportWizard(empty_context)
    qtbot.addWidget(wizard)
    wizard.show()
    paste = wizard.file_page.findChild(QPushButton, "pasteTable")

    clipboard.setText("Thanks, the dates are below.")
    paste.click()
    assert wizard.currentId() == ImportWizard.FILE
    assert "The clipboard holds no table" in wizard.file_page.problem.text()

    # Cells copied from a vendor's e-mail: tab-separated, a line break inside one cell.
    clipboard.setText(
        "PO\tLine\tSKU\tQty\tSite\tOrder date\tStatus\tNotes\r\n"
        'ML-2026-030\t1\tXE9712\t2\tMoses Lake\t2026-11-02\tconfirmed\t"rush,\nsplit ship"\r\n'
    )
    paste.click()
    assert wizard.currentId() == ImportWizard.SHEET, wizard.file_page.problem.text()
    saved = Path(wizard.file_page.path.text())
    assert saved.parent == paths.pasted_folder() and saved.name.startswith("pasted-")
    forward(wizard, ImportWizard.MAPPING)
    forward(wizard, ImportWizard.OPTIONS)
    wizard.options_page.vendor.setCurrentText("Dell")
    forward(wizard, ImportWizard.PREVIEW)
    commit(qtbot, wizard)
    line = _lines(empty_db)["ML-2026-030/1"]
    assert line["quantity"] == 2 and line["notes"] == "rush,\nsplit ship"
    with empty_db.session() as session:
        from services import lists

        batch = lists.import_batches(session)[0]
    assert batch.file_name == saved.name


def test_imports_screen_says_how_to_import_when_there_is_nothing_yet(
    qtbot: Any, empty_context: AppContext
) -> None:
    screen = ImportsScreen(empty_context)
    qtbot.addWidget(screen)
    screen.show()
    screen.refresh()
    assert screen.batches == []
    assert screen.empty_hint.isVisible() and "Import (Ctrl+I)" in screen.empty_hint.text()
    assert not screen.show_button.isEnabled() and not screen.undo_button.isEnabled()

    _reference(qtbot, empty_context)
    screen.refresh()
    assert screen.batches and not screen.empty_hint.isVisible()


def test_the_undo_import_button_asks_before_it_undoes(
    qtbot: Any, empty_context: AppContext, empty_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A click on "Undo import…" asks first (the click's ``checked`` is not taken for "do not
    ask"), and a No leaves the batch as it is."""
    from PySide6.QtWidgets import QMessageBox

    from ui.screens import imports_screen

    _reference(qtbot, empty_context)
    wizard = open_wizard(qtbot, empty_context, samples() / "dell_order_status.xlsx")
    to_preview(wizard, vendor="Dell")
    commit(qtbot, wizard)
    assert wizard.job.result is not None
    batch = wizard.job.result.batch_id
    asked: list[str] = []

    def answer_no(_parent: Any, title: str, text: str, *args: Any) -> QMessageBox.StandardButton:
        asked.append(text)
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(imports_screen.QMessageBox, "question", answer_no)
    screen = ImportsScreen(empty_context)
    qtbot.addWidget(screen)
    screen.refresh()
    screen.select_batch(batch)
    qtbot.mouseClick(screen.undo_button, Qt.MouseButton.LeftButton)
    assert len(asked) == 1 and f"Undo import {batch}" in asked[0]
    assert "ML-2026-014/2" in _lines(empty_db)
    screen.refresh()
    assert screen.batches[0].undone_at is None
