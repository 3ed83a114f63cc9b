"""A buyer's morning with the keyboard alone, on the demo data: the Today view (the first
screen) → chase the first overdue line (Alt+C) → move its ETA (Alt+M, Enter) → receive it
(Alt+R, Enter) → undo the receipt (Ctrl+Z) → import the vendor's file (Ctrl+I, Enter through
the wizard) → export the contract summary (Ctrl+E, Enter)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from services import records
from ui.screens.today import TodayScreen

pytestmark = pytest.mark.gui
ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier


def _line(context, line_id):
    with context.db.session() as session:
        return records.get_record(session, "orders", line_id)


def _answer_with_enter(qtbot, typed: str = "") -> None:
    """When the next dialog is up (modal), type ``typed`` where its focus is, then Enter."""

    tries = []

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            tries.append(1)
            assert len(tries) < 200, "no dialog came up"
            QTimer.singleShot(10, answer)  # not up yet: look again
            return
        if typed:
            focused = dialog.focusWidget() or dialog
            qtbot.keyClicks(focused, typed)
        qtbot.keyClick(dialog.focusWidget() or dialog, Qt.Key.Key_Return)

    QTimer.singleShot(0, answer)


def _active(qtbot, window) -> None:
    """The window active again once a dialog has closed (what the window manager does)."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)


def _vendor_file(path: Path, line: dict, eta: dt.date) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Status"
    sheet.append(["PO Number", "Line", "Vendor", "SKU", "Quantity", "Site", "Order date", "ETA"])
    sheet.append(
        [
            line["po_number"],
            line["line"],
            line["vendor"],
            line["sku"],
            line["quantity"],
            line["site"],
            line["order_date"],
            eta,
        ]
    )
    book.save(path)
    return path


def test_a_buyers_morning_with_the_keyboard_alone(qtbot, window, context, tmp_path):
    _active(qtbot, window)
    today = window.current_screen()
    assert isinstance(today, TodayScreen)
    item = today.current_item()
    assert item is not None and item.section == "overdue"
    line_id = item.line_ids[0]
    before = _line(context, line_id)
    today.tree.setFocus()

    # Chase: a message to the vendor on the clipboard.
    qtbot.keyClick(today.tree, Qt.Key.Key_C, ALT)
    said = window.statusBar().currentMessage()
    assert said.startswith("Copied a chase message"), said
    assert before["po_number"] in QApplication.clipboard().text()

    # Move ETA: the dialog's default, 14 days on from the line's date.
    _answer_with_enter(qtbot)
    qtbot.keyClick(today.tree, Qt.Key.Key_M, ALT)
    moved = _line(context, line_id)
    base = before["eta"] or before["promised_date"]
    assert moved["eta"] == base + dt.timedelta(days=14)

    # Receive: every open unit, today.
    _active(qtbot, window)
    window.show_screen("today")
    today.select(item.title)
    today.tree.setFocus()
    _answer_with_enter(qtbot)
    qtbot.keyClick(today.tree, Qt.Key.Key_R, ALT)
    received = _line(context, line_id)
    assert received["received_qty"] > (before["received_qty"] or 0)

    # Undo the receipt.
    _active(qtbot, window)
    assert window.undo_action.text().startswith("&Undo receipt of")
    qtbot.keyClick(window, Qt.Key.Key_Z, CTRL)
    undone = _line(context, line_id)
    assert undone["received_qty"] == before["received_qty"]
    assert undone["eta"] == moved["eta"]


def test_the_morning_goes_on_with_an_import_and_the_summary_by_keyboard(
    qtbot, window, context, tmp_path
):
    """After the undo: the vendor's file imported (Ctrl+I, the path typed, Enter through every
    page), then the contract summary exported (Ctrl+E, the path typed, Enter)."""
    _active(qtbot, window)
    today = window.current_screen()
    item = today.current_item()
    assert item is not None and item.section == "overdue"
    line = _line(context, item.line_ids[0])
    new_eta = dt.date.today() + dt.timedelta(days=45)
    report = _vendor_file(tmp_path / "vendor status.xlsx", line, new_eta)

    # Import a vendor file.
    qtbot.keyClick(window, Qt.Key.Key_I, CTRL)
    wizard = window.last_wizard
    qtbot.waitExposed(wizard)
    wizard.file_page.path.setFocus()
    qtbot.keyClicks(wizard.file_page.path, str(report))
    for _page in range(6):
        if wizard.currentId() == wizard.RESULT:
            break
        page = wizard.currentId()
        qtbot.keyClick(wizard.focusWidget() or wizard, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda page=page: wizard.currentId() != page, timeout=20_000)
    assert wizard.currentId() == wizard.RESULT, wizard.currentPage().title()
    assert "1 updated" in wizard.result_page.summary.text()
    assert _line(context, line["id"])["eta"] == new_eta
    qtbot.keyClick(wizard.focusWidget() or wizard, Qt.Key.Key_Return)  # Finish
    qtbot.waitUntil(lambda: not wizard.isVisible(), timeout=5000)

    # Export the summary.
    _active(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_E, CTRL)
    dialog = window.last_export
    qtbot.waitExposed(dialog)
    out = tmp_path / "contract summary.xlsx"
    dialog.path.setFocus()
    dialog.path.selectAll()
    qtbot.keyClicks(dialog.path, str(out))
    qtbot.keyClick(dialog.path, Qt.Key.Key_Return)
    qtbot.waitUntil(out.exists, timeout=20_000)
    assert dialog.error is None, dialog.error
    assert "Contracts" in openpyxl.load_workbook(out).sheetnames
