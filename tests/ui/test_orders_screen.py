"""The orders screen on the demo data: search, sort, filter, receive, move an ETA, cancel."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox

from services import audit, orders, records
from services.audit import Actor
from services.errors import ValidationError
from tests.ui.helpers import answer_yes, cancel_with_reason, receive_one, select_rows, shown
from ui.dialogs.order_dialogs import EtaDialog, ReceiveDialog
from ui.screens.orders_screen import OrdersScreen

pytestmark = pytest.mark.gui


@pytest.fixture
def screen(qtbot, context):
    return shown(qtbot, OrdersScreen(context))


def _open_line(screen):
    """Select an open line with units still to come, and show its order."""
    model = screen.model
    for row in range(model.rowCount()):
        record = model.record(row)
        if record["status"] in ("placed", "confirmed", "in_production", "shipped"):
            screen.select_id(record["id"])
            screen.load_details()
            return record
    raise AssertionError("the demo data has no open line")


def test_shows_every_line_with_footer_and_order_detail(screen, context):
    with context.db.session() as session:
        total = len(records.list_records(session, "orders"))
    assert screen.model.rowCount() == total
    screen.update_footer()
    assert f"{total} of {total}" in screen.footer.text().replace(",", "")
    assert "GPUs on order" in screen.footer.text()
    line = _open_line(screen)
    assert screen.header_labels["po_number"].text() == line["po_number"]
    target = screen.target_line()
    assert target is not None and target["id"] == line["id"]
    assert screen.receive_button.isEnabled()


def test_search_box_and_filters(screen, qtbot):
    qtbot.keyClicks(screen.search, "dell")
    shown = [screen.model.record(r) for r in range(screen.model.rowCount())]
    assert shown and all(
        "dell" in (r["vendor"] + r["sku"] + r["site"]).lower()
        or "dell" in str(r["description"]).lower()
        for r in shown
    )
    screen.search.clear()
    combo = screen.filters["status"]
    combo.setCurrentIndex(combo.findData("received"))
    assert {screen.model.record(r)["status"] for r in range(screen.model.rowCount())} == {
        "received"
    }
    screen.set_date_range("received_date", dt.date(2025, 1, 1), None)
    assert all(
        screen.model.record(r)["received_date"] >= dt.date(2025, 1, 1)
        for r in range(screen.model.rowCount())
    )


def test_header_click_sorts(screen, qtbot):
    column = [c.name for c in screen.model.columns].index("eta")
    screen.view.sortByColumn(column, Qt.SortOrder.AscendingOrder)
    etas = [screen.model.record(r)["eta"] for r in range(screen.model.rowCount())]
    filled = [e for e in etas if e is not None]
    assert filled == sorted(filled)


def test_receive_goods(screen, context, monkeypatch):
    line = _open_line(screen)
    open_units = line["quantity"] - (line["received_qty"] or 0)

    receive_one(monkeypatch, screen, line)
    with context.db.session() as session:
        saved = records.get_record(session, "orders", line["id"])
        trail = audit.history(session, "orders", line["id"])
    assert saved["received_qty"] == (line["received_qty"] or 0) + 1
    expected = "received" if open_units == 1 else "partially_received"
    assert saved["status"] == expected
    assert trail[0].user == "tester"
    # The list shows the saved line without a reload of every row.
    row = screen.model.row_of_id(line["id"])
    assert screen.model.record(row)["received_qty"] == saved["received_qty"]


def test_change_eta_goes_to_eta_history(screen, context, monkeypatch):
    line = _open_line(screen)
    new_eta = dt.date.today() + dt.timedelta(days=200)

    def fill(dialog):
        dialog.eta.set_value(new_eta)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(EtaDialog, "exec", fill)
    screen.change_eta()
    with context.db.session() as session:
        moves = audit.eta_history(session, line["id"])
    assert (moves[-1].new_date, moves[-1].changed_by) == (new_eta, "tester")
    screen.load_details()
    assert screen.eta_model.rowCount() == len(moves)


def test_cancel_line(screen, context, monkeypatch):
    line = _open_line(screen)
    cancel_with_reason(monkeypatch, "ordered twice")
    screen.cancel_line()
    with context.db.session() as session:
        cancelled = records.get_record(session, "orders", line["id"])
    assert cancelled["status"] == "cancelled"
    assert cancelled["notes"].endswith("by tester: ordered twice")
    assert not screen.cancel_button.isEnabled()


def test_a_placed_line_is_cancelled_not_deleted(screen, context, monkeypatch):
    line = _open_line(screen)
    asked = answer_yes(monkeypatch)
    cancel_with_reason(monkeypatch)
    screen.delete_record()
    assert "is cancelled, not deleted" in asked[0]
    with context.db.session() as session:
        assert records.get_record(session, "orders", line["id"])["status"] == "cancelled"
    with pytest.raises(ValidationError, match="only drafts are deleted"), context.db.write() as s:
        orders.delete_drafts(s, [(line["id"], None)], Actor("tester"))


def test_operation_on_a_line_changed_by_someone_else_is_refused(screen, context, monkeypatch):
    line = _open_line(screen)
    with context.db.write() as session:
        orders.change_eta(session, line["id"], dt.date(2031, 1, 1), Actor("someone else"))
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *a: warnings.append(text))
    monkeypatch.setattr(ReceiveDialog, "exec", lambda d: QDialog.DialogCode.Accepted)
    screen.receive_goods()
    assert warnings and "someone else" in warnings[0]
    with context.db.session() as session:
        assert records.get_record(session, "orders", line["id"])["received_qty"] == (
            line["received_qty"] or 0
        )
    row = screen.model.row_of_id(line["id"])
    assert screen.model.record(row)["eta"] == dt.date(2031, 1, 1)  # reloaded: theirs shown


def test_edit_a_line_through_the_screen_updates_its_order_in_place(screen, context, monkeypatch):
    from ui.dialogs.record_dialog import RecordDialog

    line = _open_line(screen)

    def fill(dialog):
        dialog.editors["quantity"].widget.setText(str(line["quantity"] + 5))
        dialog.editors["notes"].widget.setPlainText("expedite")
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(RecordDialog, "exec", fill)
    total = screen.model.total_rows
    screen.edit_record()
    row = screen.model.row_of_id(line["id"])
    assert screen.model.record(row)["quantity"] == line["quantity"] + 5
    assert screen.model.total_rows == total
    assert screen.selected_id() == line["id"]
    with context.db.session() as session:
        assert records.get_record(session, "orders", line["id"])["notes"] == "expedite"


def test_delete_the_last_line_of_an_order(screen, context, monkeypatch):
    with context.db.write() as session:
        first = records.list_records(session, "orders")[0]
        records.create(
            session,
            "orders",
            {
                **{k: first[k] for k in ("vendor", "sku", "site", "order_date")},
                "po_number": "PO-ONE-LINE",
                "line": 1,
                "quantity": 1,
                "status": "draft",  # only a draft is deleted (a placed line is cancelled)
            },
            Actor("tester"),
        )
    screen.refresh()
    with context.db.session() as session:
        only = records.find_record(session, "orders", {"po_number": "PO-ONE-LINE", "line": 1})
    screen.select_id(only["id"])
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    total = screen.model.total_rows
    screen.delete_record()
    assert screen.model.total_rows == total - 1
    assert screen.model.row_of_id(only["id"]) == -1
    with context.db.session() as session, pytest.raises(Exception, match="no longer exists"):
        orders.purchase_order(session, "PO-ONE-LINE")


def test_export_from_the_toolbar_writes_the_workbook(qtbot, context, tmp_path):
    from ui.main_window import MainWindow

    window = MainWindow(context, "demo")
    qtbot.addWidget(window)
    window._database_opened()
    assert window.export_action.isEnabled()
    target = tmp_path / "lines.xlsx"
    window.export_file()  # the export dialog (ui/dialogs/export_dialog.py)
    dialog = window.last_export
    dialog.choose("orders")
    dialog.path.setText(str(target))
    dialog.export_button.click()
    assert target.exists() and target.stat().st_size > 0
    assert "rows written" in dialog.status.text()
    dialog.reject()


def test_move_the_etas_of_several_lines_by_days(screen, context, monkeypatch):
    from ui.dialogs.order_dialogs import EtaMoveDialog

    model = screen.model
    open_rows = [
        r
        for r in range(model.rowCount())
        if model.record(r)["status"] in ("confirmed", "in_production")
        and model.record(r)["eta"] is not None
    ][:3]
    closed_row = next(r for r in range(model.rowCount()) if model.record(r)["status"] == "received")
    chosen = sorted([*open_rows, closed_row])
    before = {model.record(r)["id"]: model.record(r) for r in chosen}
    closed, first_open = model.record(closed_row), model.record(open_rows[0])
    select_rows(screen.view, chosen)
    seen = {}

    def fill(dialog):
        dialog.days.setValue(21)
        seen["preview"] = dialog.preview.text()
        seen["ok"] = dialog.ok.isEnabled()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(EtaMoveDialog, "exec", fill)
    screen.move_etas()
    assert seen["ok"]
    assert f"Left as they are: {closed['po_number']}/{closed['line']} (received)" in seen["preview"]
    moved_to = first_open["eta"] + dt.timedelta(days=21)
    assert f"{first_open['po_number']}/{first_open['line']}" in seen["preview"]
    assert screen.last_message == "Moved the ETA of 3 lines 21 days later"
    with context.db.session() as session:
        for line_id, line in before.items():
            now = records.get_record(session, "orders", line_id)
            if line["status"] == "received":
                assert now["eta"] == line["eta"] and now["version"] == line["version"]
                continue
            assert now["eta"] == line["eta"] + dt.timedelta(days=21)
            assert now["promised_date"] == line["promised_date"]
            last = audit.eta_history(session, line_id)[-1]
            assert (last.old_date, last.new_date, last.changed_by) == (
                line["eta"],
                now["eta"],
                "tester",
            )
    # The list shows the moved dates without a reload of every row.
    row = model.row_of_id(first_open["id"])
    assert model.record(row)["eta"] == moved_to


def test_moving_only_closed_lines_offers_nothing_to_move(screen, monkeypatch):
    from ui.dialogs.order_dialogs import EtaMoveDialog

    model = screen.model
    closed = [
        model.record(r) for r in range(model.rowCount()) if model.record(r)["status"] == "received"
    ][:2]
    dialog = EtaMoveDialog(closed, screen)
    assert not dialog.ok.isEnabled()
    assert dialog.preview.text().startswith("Left as they are:")
    dialog.to_date.setChecked(True)
    assert not dialog.days.isEnabled() and dialog.date.isEnabled()
    assert not dialog.ok.isEnabled()


def _rows_with(screen, statuses, count):
    model = screen.model
    found = [r for r in range(model.rowCount()) if model.record(r)["status"] in statuses]
    assert len(found) >= count
    return found[:count]


def test_receive_a_whole_delivery_on_several_lines(screen, context, monkeypatch):
    from ui.dialogs.order_dialogs import ReceiveSeveralDialog

    open_rows = _rows_with(screen, ("confirmed", "in_production", "shipped"), 2)
    closed_row = _rows_with(screen, ("received",), 1)[0]
    chosen = sorted([*open_rows, closed_row])
    lines = {screen.model.record(r)["id"]: screen.model.record(r) for r in chosen}
    closed = screen.model.record(closed_row)
    select_rows(screen.view, chosen)
    seen = {}
    arrived = dt.date.today()

    def fill(dialog):
        seen["preview"] = dialog.preview.text()
        dialog.received_on.set_value(arrived)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ReceiveSeveralDialog, "exec", fill)
    screen.receive_lines()
    assert f"Left as they are: {closed['po_number']}/{closed['line']} (received)" in seen["preview"]
    assert screen.last_message.startswith("Received every open unit of 2 lines on ")
    with context.db.session() as session:
        for line_id, line in lines.items():
            now = records.get_record(session, "orders", line_id)
            if line["status"] == "received":
                assert now["version"] == line["version"]
                continue
            assert (now["received_qty"], now["status"]) == (line["quantity"], "received")
            assert now["received_date"] == arrived


def test_cancel_several_lines(screen, context, monkeypatch):
    open_rows = _rows_with(screen, ("confirmed", "placed", "in_production"), 2)
    ids = [screen.model.record(r)["id"] for r in open_rows]
    select_rows(screen.view, open_rows)
    asked = cancel_with_reason(monkeypatch)
    screen.cancel_lines()
    assert asked[0].startswith("Cancel 2 lines: ")
    assert screen.last_message == "Cancelled 2 lines: vendor cannot deliver"
    with context.db.session() as session:
        assert {records.get_record(session, "orders", i)["status"] for i in ids} == {"cancelled"}


def test_a_change_is_put_back_from_the_history_tab(screen, context, monkeypatch):
    line = _open_line(screen)
    with context.db.write() as session:
        orders.change_eta(session, line["id"], line["eta"] + dt.timedelta(days=30), Actor("li"))
    screen.after_write([line], (), False)
    screen.select_id(line["id"])
    screen.load_details()
    at, moved = next((i, h) for i, h in enumerate(screen.history_rows) if h.field == "eta")
    assert moved.user == "li"
    assert screen.history_model.text(at, 4) == "ETA"  # the field as the person knows it
    screen.put_back(moved)
    with context.db.session() as session:
        now = records.get_record(session, "orders", line["id"])
        last = audit.eta_history(session, line["id"])[-1]
    assert now["eta"] == line["eta"]
    assert (last.new_date, last.changed_by) == (line["eta"], "tester")
    # The same change again: the field has changed since, and the person is told so.
    shown = []
    monkeypatch.setattr(
        "ui.screens.list_screen.show_error", lambda _p, error, *_a: shown.append(str(error))
    )
    screen.put_back(moved)
    assert shown and "has changed again since" in shown[0]


def test_a_chase_message_is_copied_for_the_selected_lines(screen, context):
    from PySide6.QtGui import QGuiApplication

    open_rows = _rows_with(screen, ("confirmed", "in_production", "shipped"), 2)
    closed_row = _rows_with(screen, ("received",), 1)[0]
    select_rows(screen.view, sorted([*open_rows, closed_row]))
    vendors = {screen.model.record(r)["vendor"] for r in open_rows}
    closed = screen.model.record(closed_row)
    screen.copy_chase()
    data = QGuiApplication.clipboard().mimeData()
    for vendor in vendors:
        assert f"Hello {vendor}," in data.text()
        assert f"To: {vendor}" in data.html()
    assert screen.last_message.startswith("Copied ")
    assert f"left out {closed['po_number']}/{closed['line']} (received)" in screen.last_message


def test_the_row_menu_offers_what_the_selected_lines_allow(screen, context):
    from PySide6.QtWidgets import QMenu

    def offered(rows):
        select_rows(screen.view, rows)
        menu = QMenu(screen)
        screen._row_actions(menu)
        return {a.text(): a.isEnabled() for a in menu.actions() if a.text()}

    open_row = _rows_with(screen, ("confirmed", "in_production"), 1)[0]
    closed_row = _rows_with(screen, ("received",), 1)[0]
    one_open = offered([open_row])
    assert one_open["Receive goods…"] and one_open["Cancel line…"] and one_open["Move the ETA…"]
    assert one_open["Copy a chase message for 1 line"]
    one_closed = offered([closed_row])
    assert not one_closed["Receive goods…"] and not one_closed["Cancel line…"]
    several = offered(sorted([open_row, closed_row]))
    assert several["Receive goods on 2 lines…"] and several["Cancel 2 lines…"]
    assert several["Move the ETA of 2 lines…"]
