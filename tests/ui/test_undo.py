"""Undo and redo in the window: every change made there can be undone (Ctrl+Z) and redone
(Ctrl+Shift+Z), the Edit menu naming it; an undo is a saved, audited change of its own, and
an undo refused because the record changed since says so and changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialog, QMessageBox

from services import audit, orders, records
from services.audit import Actor
from tests.ui.helpers import answer_yes, cancel_with_reason, receive_one, select_rows
from ui.dialogs.order_dialogs import EtaDialog

pytestmark = pytest.mark.gui


def _orders(window):
    window.show_screen("orders")
    screen = window.current_screen()
    for row in range(screen.model.rowCount()):
        record = screen.model.record(row)
        if record["status"] in ("confirmed", "in_production") and record["eta"]:
            screen.select_id(record["id"])
            screen.load_details()
            return screen, record
    raise AssertionError("no open line with an ETA in the demo data")


def _line(context, line_id):
    with context.db.session() as session:
        return records.get_record(session, "orders", line_id)


def test_an_eta_change_is_undone_and_redone_with_its_name_in_the_menu(window, context, monkeypatch):
    screen, line = _orders(window)
    new_eta = line["eta"] + dt.timedelta(days=30)

    def fill(dialog):
        dialog.eta.set_value(new_eta)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(EtaDialog, "exec", fill)
    assert not window.undo_action.isEnabled()
    screen.change_eta()
    ref = f"{line['po_number']}/{line['line']}"
    assert window.undo_action.text() == f"&Undo ETA change of {ref}"
    assert QKeySequence("Ctrl+Z") in window.undo_action.shortcuts()
    assert QKeySequence("Ctrl+Shift+Z") in window.redo_action.shortcuts()
    window.undo_action.trigger()
    assert _line(context, line["id"])["eta"] == line["eta"]
    with context.db.session() as session:
        trail = audit.history(session, "orders", line["id"])
        moves = audit.eta_history(session, line["id"])
    assert trail[0].source_text.startswith("undo") or "undo" in trail[0].source_text
    assert moves[-1].new_date == line["eta"]
    assert window.redo_action.text() == f"&Redo ETA change of {ref}"
    window.redo_action.trigger()
    assert _line(context, line["id"])["eta"] == new_eta
    # The list shows what the undo wrote.
    row = screen.model.row_of_id(line["id"])
    assert screen.model.record(row)["eta"] == new_eta


def test_a_receipt_and_a_bulk_cancel_are_undone(window, context, monkeypatch):
    screen, line = _orders(window)

    receive_one(monkeypatch, screen, line)
    assert _line(context, line["id"])["received_qty"] == (line["received_qty"] or 0) + 1
    window.undo_action.trigger()
    back = _line(context, line["id"])
    assert (back["received_qty"], back["status"], back["received_date"]) == (
        line["received_qty"],
        line["status"],
        line["received_date"],
    )
    open_rows = [
        r
        for r in range(screen.model.rowCount())
        if screen.model.record(r)["status"] in ("confirmed", "placed", "in_production")
    ][:2]
    ids = [screen.model.record(r)["id"] for r in open_rows]
    statuses = [screen.model.record(r)["status"] for r in open_rows]
    select_rows(screen.view, open_rows)
    cancel_with_reason(monkeypatch)
    screen.cancel_lines()
    assert {_line(context, i)["status"] for i in ids} == {"cancelled"}
    assert window.undo_action.text() == "&Undo cancellation of 2 lines"
    window.undo_action.trigger()
    assert [_line(context, i)["status"] for i in ids] == statuses


def test_a_deleted_record_comes_back(window, context, monkeypatch):
    window.show_screen("leadtimes")
    screen = window.current_screen()
    select_rows(screen.view, [0])
    quote = screen.model.record(0)
    key = {k: quote[k] for k in ("vendor", "sku", "quote_date")}
    answer_yes(monkeypatch)
    screen.delete_record()
    with context.db.session() as session:
        assert records.find_record(session, "leadtimes", key) is None
    assert window.undo_action.text().startswith("&Undo deletion of")
    window.undo_action.trigger()
    with context.db.session() as session:
        back = records.find_record(session, "leadtimes", key)
    assert back is not None and back["lead_days"] == quote["lead_days"]


def test_an_undo_refused_because_the_line_changed_since_says_so(window, context, monkeypatch):
    screen, line = _orders(window)

    def fill(dialog):
        dialog.eta.set_value(line["eta"] + dt.timedelta(days=7))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(EtaDialog, "exec", fill)
    screen.change_eta()
    with context.db.write() as session:
        orders.change_eta(session, line["id"], line["eta"] + dt.timedelta(days=60), Actor("li"))
    told = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: told.append(text))
    window.undo_action.trigger()
    assert _line(context, line["id"])["eta"] == line["eta"] + dt.timedelta(days=60)
    assert told and "cannot be undone" in told[0] and "changed since" in told[0]
    assert not window.undo_action.isEnabled()  # it left the history
