"""Editing in the orders list: an order line's ETA, status, quantity and notes typed in their
cells (keyboard only), saved as the edit dialog saves them (same validation, version check,
audit trail and ETA history), each change one step of the window's undo history."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QApplication, QComboBox, QDialog, QLineEdit, QMessageBox, QWidget

import models.database
from services import audit, orders, records
from services.audit import Actor
from tests.services.team.workers import write_lock_held
from ui.dialogs.record_dialog import RecordDialog
from ui.screens.inline_edit import INLINE_FIELDS
from ui.widgets import DateField

pytestmark = pytest.mark.gui

OPEN = ("placed", "confirmed", "in_production", "shipped")


@pytest.fixture
def told(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every message box a test meets, answered at once (none is left open to wait on)."""
    said: list[str] = []

    def tell(_parent: Any, _title: str, text: str, *_a: Any) -> QMessageBox.StandardButton:
        said.append(text)
        return QMessageBox.StandardButton.Ok

    for name in ("warning", "critical", "information"):
        monkeypatch.setattr(QMessageBox, name, tell)
    return said


@pytest.fixture
def no_dialog(monkeypatch: pytest.MonkeyPatch) -> list[QDialog]:
    """The edit dialog never opens modally here: it is recorded and closed at once."""
    opened: list[QDialog] = []

    def shown(dialog: QDialog) -> int:
        opened.append(dialog)
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(RecordDialog, "exec", shown)
    return opened


@pytest.fixture
def screen(window, told, no_dialog):
    window.show_screen("orders")
    screen = window.current_screen()
    for name in INLINE_FIELDS:  # the notes are hidden at first
        screen.set_column_shown(_column(screen, name), True)
    return screen


def _column(screen, name: str) -> int:
    return [c.name for c in screen.model.columns].index(name)


def _open_line(screen, *, with_eta: bool = True, received: bool = False) -> dict[str, Any]:
    model = screen.model
    for row in range(model.rowCount()):
        record = model.record(row)
        if record["status"] not in OPEN or (with_eta and record["eta"] is None):
            continue
        if received != bool(record["received_qty"]):
            continue
        return record
    raise AssertionError("no such open line in the demo data")


def _cell(screen, line: dict[str, Any], name: str) -> QModelIndex:
    index = screen.model.index(screen.model.row_of_id(line["id"]), _column(screen, name))
    screen.view.setCurrentIndex(index)
    screen.view.scrollTo(index)
    screen.view.setFocus()
    return index


def _stored(context, line_id: int) -> dict[str, Any]:
    with context.db.session() as session:
        return records.get_record(session, "orders", line_id)


def _editor(screen, index: QModelIndex) -> QWidget:
    editor = screen.view.indexWidget(index)
    assert editor is not None, "no editor open on the cell"
    return editor


def _double_click(qtbot, screen, index: QModelIndex) -> None:
    """As a mouse does it: a press and release, then the second press (QTest's double-click
    alone lacks the first press the view expects)."""
    where = screen.view.visualRect(index).center()
    qtbot.mouseClick(screen.view.viewport(), Qt.MouseButton.LeftButton, pos=where)
    qtbot.mouseDClick(screen.view.viewport(), Qt.MouseButton.LeftButton, pos=where)


def _edit(qtbot, screen, line: dict[str, Any], name: str) -> tuple[QModelIndex, QWidget]:
    """F2 on the line's cell of field ``name``: the cell and its editor."""
    index = _cell(screen, line, name)
    qtbot.keyClick(screen.view, Qt.Key.Key_F2)
    return index, _editor(screen, index)


def _type_into(qtbot, widget: QWidget, text: str) -> None:
    target = widget.line if isinstance(widget, DateField) else widget
    qtbot.keyClicks(target, text)


def _enter(qtbot, widget: QWidget) -> None:
    target = widget.line if isinstance(widget, DateField) else widget
    qtbot.keyClick(target, Qt.Key.Key_Return)


def test_the_eta_is_typed_in_its_cell_and_kept_in_the_eta_history(screen, context, qtbot):
    line = _open_line(screen)
    index = _cell(screen, line, "eta")
    assert screen.model.flags(index) & Qt.ItemFlag.ItemIsEditable
    qtbot.keyClick(screen.view, Qt.Key.Key_F2)
    editor = _editor(screen, index)
    assert isinstance(editor, DateField)
    assert editor.accessibleName() == f"ETA of {line['po_number']} line {line['line']}"
    assert editor.text() == line["eta"].isoformat() or editor.value() == line["eta"]
    new_eta = line["eta"] + dt.timedelta(days=17)
    editor.line.selectAll()
    _type_into(qtbot, editor, new_eta.isoformat())
    assert editor.reading.text().startswith("→ ")  # the date understood, shown as typed
    _enter(qtbot, editor)
    qtbot.waitUntil(lambda: _stored(context, line["id"])["eta"] == new_eta)
    assert screen.view.indexWidget(index) is None  # the editor closed
    with context.db.session() as session:
        trail = audit.history(session, "orders", line["id"])
        moves = audit.eta_history(session, line["id"])
    assert moves[-1].old_date == line["eta"] and moves[-1].new_date == new_eta
    assert moves[-1].changed_by == "tester"
    assert any(h.field == "eta" and h.user == "tester" for h in trail)
    # The list shows what was saved, with the new version for the next edit.
    shown = screen.model.record(screen.model.row_of_id(line["id"]))
    assert shown["eta"] == new_eta and shown["version"] > line["version"]
    assert "ETA" in screen.inline.last_message


def test_an_impossible_eta_is_refused_and_nothing_is_written(screen, context, qtbot):
    line = _open_line(screen)
    index, editor = _edit(qtbot, screen, line, "eta")
    editor.line.selectAll()
    _type_into(qtbot, editor, "2027-02-30")
    assert editor.value() is None and editor.problem()  # never rolled over to 2 March
    assert editor.reading.text() == editor.problem()
    _enter(qtbot, editor)
    # Enter does not take it: the editor stays, saying why, until Esc puts the cell back.
    assert screen.view.indexWidget(index) is editor
    assert "not a date" in screen.inline.last_message or "2027" in screen.inline.last_message
    qtbot.keyClick(editor.line, Qt.Key.Key_Escape)
    assert screen.view.indexWidget(index) is None
    qtbot.wait(20)
    stored = _stored(context, line["id"])
    assert (stored["eta"], stored["version"]) == (line["eta"], line["version"])


def test_a_status_is_chosen_by_typing_its_first_letter(screen, context, qtbot, told):
    line = _open_line(screen)
    index = _cell(screen, line, "status")
    # Typing starts editing: the first letters pick the status in words.
    qtbot.keyClick(screen.view, Qt.Key.Key_O)
    editor = _editor(screen, index)
    assert isinstance(editor, QComboBox)
    assert editor.accessibleName() == f"Status of {line['po_number']} line {line['line']}"
    words = [editor.itemText(i) for i in range(editor.count())]
    assert "In production" in words and "On hold" in words
    # Those a line takes from its receipts or a cancellation (with a reason) are not typed.
    assert not {"Received", "Partially received", "Cancelled"} & set(words)
    assert editor.currentText() == "On hold"
    _enter(qtbot, editor)
    qtbot.waitUntil(lambda: _stored(context, line["id"])["status"] == "on_hold")
    assert not told
    with context.db.session() as session:
        trail = audit.history(session, "orders", line["id"])
    assert (trail[0].field, trail[0].old_value, trail[0].new_value) == (
        "status",
        line["status"],
        "on_hold",
    )
    assert "Status of" in screen.inline.last_message and "On hold" in screen.inline.last_message


def test_a_quantity_below_the_units_received_is_refused(screen, context, qtbot, told):
    with context.db.write() as session:  # a line with 2 units in
        line = next(
            r
            for r in records.list_records(session, "orders")
            if r["status"] in OPEN and r["eta"] and (r["quantity"] or 0) > 3
        )
        day = max(line["order_date"], dt.date.today())
        orders.receive(session, line["id"], 2, day, Actor("li"))
    screen.refresh()
    line = screen.model.record(screen.model.row_of_id(line["id"]))
    index = _cell(screen, line, "quantity")
    qtbot.keyClick(screen.view, Qt.Key.Key_1)  # typing starts editing, the old value replaced
    editor = _editor(screen, index)
    assert isinstance(editor, QLineEdit) and editor.text() == "1"
    _enter(qtbot, editor)
    qtbot.waitUntil(lambda: bool(told))
    assert "Quantity 1" in told[0] and "more units received than ordered" in told[0]
    assert _stored(context, line["id"])["quantity"] == line["quantity"]
    # None at all: refused by the same rule as the dialog's, nothing written.
    index = _cell(screen, line, "quantity")
    qtbot.keyClick(screen.view, Qt.Key.Key_0)
    _enter(qtbot, _editor(screen, index))
    qtbot.waitUntil(lambda: len(told) == 2)
    assert "Quantity 0" in told[1] and "quantity must be more than 0" in told[1]
    stored = _stored(context, line["id"])
    assert (stored["quantity"], stored["version"]) == (line["quantity"], line["version"])
    # Its status follows its receipts: not typed in the list.
    status = _cell(screen, line, "status")
    assert not screen.model.flags(status) & Qt.ItemFlag.ItemIsEditable
    # A quantity the received units fit in is saved.
    index, editor = _edit(qtbot, screen, line, "quantity")
    editor.selectAll()
    qtbot.keyClicks(editor, str(line["quantity"] + 5))
    _enter(qtbot, editor)
    qtbot.waitUntil(lambda: _stored(context, line["id"])["quantity"] == line["quantity"] + 5)
    with context.db.session() as session:
        trail = audit.history(session, "orders", line["id"])
    assert any(h.field == "quantity" and h.new_value == str(line["quantity"] + 5) for h in trail)


def test_notes_are_typed_with_a_double_click_and_no_dialog_opens(screen, context, qtbot, no_dialog):
    line = _open_line(screen, with_eta=False)
    index = _cell(screen, line, "notes")
    _double_click(qtbot, screen, index)
    editor = _editor(screen, index)
    assert not no_dialog  # the cell is edited in place, not in the edit dialog
    assert editor.accessibleName() == f"Notes of {line['po_number']} line {line['line']}"
    qtbot.keyClicks(editor, "Vendor says the pallet is at the dock")
    qtbot.keyClick(editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(editor, "call Friday")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    expected = "Vendor says the pallet is at the dock\ncall Friday"
    qtbot.waitUntil(lambda: _stored(context, line["id"])["notes"] == expected)
    # A cell not edited in place still opens the dialog on a double-click.
    other = _cell(screen, line, "vendor")
    assert not screen.model.flags(other) & Qt.ItemFlag.ItemIsEditable
    _double_click(qtbot, screen, other)
    assert len(no_dialog) == 1


def test_a_closed_line_keeps_its_eta_status_and_quantity(screen, context):
    model = screen.model
    closed = next(
        model.record(r)
        for r in range(model.rowCount())
        if model.record(r)["status"] in ("received", "cancelled")
    )
    row = model.row_of_id(closed["id"])
    editable = {
        name
        for name in INLINE_FIELDS
        if model.flags(model.index(row, _column(screen, name))) & Qt.ItemFlag.ItemIsEditable
    }
    assert editable == {"notes"}


def test_a_line_changed_meanwhile_is_not_overwritten(screen, context, qtbot, told):
    line = _open_line(screen)
    _index, editor = _edit(qtbot, screen, line, "eta")
    with context.db.write() as session:  # someone else moves it while the cell is edited
        theirs = line["eta"] + dt.timedelta(days=40)
        orders.change_eta(session, line["id"], theirs, Actor("li"))
    editor.line.selectAll()
    _type_into(qtbot, editor, (line["eta"] + dt.timedelta(days=3)).isoformat())
    _enter(qtbot, editor)
    qtbot.waitUntil(lambda: bool(told))
    assert "was changed by li" in told[0] and "your ETA" in told[0] and "not saved" in told[0]
    assert _stored(context, line["id"])["eta"] == theirs
    # The row shows what is saved now.
    qtbot.waitUntil(
        lambda: screen.model.record(screen.model.row_of_id(line["id"]))["eta"] == theirs
    )


def test_a_line_deleted_meanwhile_is_said(screen, context, qtbot, told):
    line = _open_line(screen)
    _index, editor = _edit(qtbot, screen, line, "notes")
    with context.db.write() as session:
        records.delete(session, "orders", line["id"], Actor("li"))
    qtbot.keyClicks(editor, "chase")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(told))
    assert "was deleted" in told[0] and "not saved" in told[0]
    qtbot.waitUntil(lambda: screen.model.row_of_id(line["id"]) < 0)


def test_an_inline_change_is_undone_and_redone_from_the_edit_menu(window, screen, context, qtbot):
    line = _open_line(screen)
    _index, editor = _edit(qtbot, screen, line, "eta")
    new_eta = line["eta"] + dt.timedelta(days=9)
    editor.line.selectAll()
    _type_into(qtbot, editor, new_eta.isoformat())
    _enter(qtbot, editor)
    qtbot.waitUntil(lambda: _stored(context, line["id"])["eta"] == new_eta)
    name = f"ETA change on {line['po_number']} line {line['line']}"
    assert window.undo_action.text() == f"&Undo {name}"
    window.undo_action.trigger()
    assert _stored(context, line["id"])["eta"] == line["eta"]
    with context.db.session() as session:
        trail = audit.history(session, "orders", line["id"])
        moves = audit.eta_history(session, line["id"])
    assert "undo" in trail[0].source_text and trail[0].field == "eta"
    assert (moves[-1].old_date, moves[-1].new_date) == (new_eta, line["eta"])
    assert window.redo_action.text() == f"&Redo {name}"
    window.redo_action.trigger()
    assert _stored(context, line["id"])["eta"] == new_eta
    row = screen.model.row_of_id(line["id"])
    qtbot.waitUntil(lambda: screen.model.record(row)["eta"] == new_eta)


def test_an_undo_refused_because_the_line_changed_since_says_so(
    window, screen, context, qtbot, told
):
    line = _open_line(screen)
    _index, editor = _edit(qtbot, screen, line, "notes")
    qtbot.keyClicks(editor, "first note")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _stored(context, line["id"])["notes"] == "first note")
    with context.db.write() as session:
        records.update(session, "orders", line["id"], {"notes": "theirs"}, Actor("li"))
    window.undo_action.trigger()
    assert told and "cannot be undone" in told[-1] and "changed since" in told[-1]
    assert _stored(context, line["id"])["notes"] == "theirs"


def test_a_readers_window_edits_nothing_in_place(screen, context, monkeypatch):
    line = _open_line(screen)
    monkeypatch.setattr(type(context), "read_only", property(lambda _self: True))
    index = _cell(screen, line, "eta")
    assert not screen.model.flags(index) & Qt.ItemFlag.ItemIsEditable


def test_editing_is_keyboard_only_from_the_focused_list(screen, qtbot):
    line = _open_line(screen)
    index, editor = _edit(qtbot, screen, line, "quantity")
    assert editor.hasFocus() or editor.isAncestorOf(QApplication.focusWidget())
    assert editor.accessibleName() == f"Quantity of {line['po_number']} line {line['line']}"
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert screen.view.indexWidget(index) is None


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_locked_file_is_said_and_the_cell_keeps_what_was_typed(
    screen, context, qtbot, told, demo_url, monkeypatch
):
    monkeypatch.setattr(models.database, "BUSY_TIMEOUT_MS", 200)
    line = _open_line(screen)
    index = _cell(screen, line, "notes")
    with write_lock_held(demo_url) as release:
        qtbot.keyClick(screen.view, Qt.Key.Key_F2)
        editor = _editor(screen, index)
        qtbot.keyClicks(editor, "typed while locked")
        qtbot.keyClick(editor, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: bool(told))
        assert "Notes typed while locked" in told[0] and "locked by another program" in told[0]
        # The cell is edited again with what was typed; nothing was written.
        editor = _editor(screen, index)
        assert editor.toPlainText() == "typed while locked"
        release()
    assert _stored(context, line["id"])["notes"] == line["notes"]
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # once the lock is gone, Enter saves it
    qtbot.waitUntil(lambda: _stored(context, line["id"])["notes"] == "typed while locked")


def test_a_cell_typed_while_the_lines_last_save_waits_to_show_is_saved_on_its_version(
    screen, context, qtbot, told
):
    line = _open_line(screen)
    _index, editor = _edit(qtbot, screen, line, "quantity")
    editor.selectAll()
    qtbot.keyClicks(editor, str(line["quantity"] + 1))
    _enter(qtbot, editor)
    # At once (before the save has run, as when it runs in the background) the status.
    status, editor = _edit(qtbot, screen, line, "status")
    assert isinstance(editor, QComboBox)
    qtbot.waitUntil(lambda: _stored(context, line["id"])["quantity"] == line["quantity"] + 1)
    # The list is not read again while the cell is edited (that would close the editor),
    # and the line's marks arriving meanwhile leave what is being chosen as it is.
    editor.setCurrentIndex(editor.findData("on_hold"))
    screen.load_marks()
    assert screen.view.indexWidget(status) is editor and editor.currentData() == "on_hold"
    _enter(qtbot, editor)
    # Saved on the version the first save left: no conflict with this window's own save.
    qtbot.waitUntil(lambda: _stored(context, line["id"])["status"] == "on_hold")
    assert not told
    assert _stored(context, line["id"])["quantity"] == line["quantity"] + 1
    qtbot.waitUntil(
        lambda: screen.model.record(screen.model.row_of_id(line["id"]))["status"] == "on_hold"
    )


def test_a_list_read_again_under_a_cell_being_typed_saves_what_was_typed(
    screen, context, qtbot, told
):
    line = _open_line(screen)
    index, editor = _edit(qtbot, screen, line, "notes")
    qtbot.keyClicks(editor, "typed as the list reloads")
    screen.refresh()  # as when another user's change arrives
    assert screen.view.indexWidget(index) is None
    qtbot.waitUntil(lambda: _stored(context, line["id"])["notes"] == "typed as the list reloads")
    assert not told
