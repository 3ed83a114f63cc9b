"""Edit dialogs: typed editors, validation while typing, saving, refusals and conflicts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from PySide6.QtWidgets import QDialog, QMessageBox

from services import records, settings
from services.audit import Actor
from ui.dialogs.conflict_dialog import ConflictDialog
from ui.dialogs.record_dialog import RecordDialog
from ui.dialogs.settings_dialog import SettingsDialog
from ui.screens.list_screen import ListScreen

pytestmark = pytest.mark.gui


@pytest.fixture
def vendors(qtbot, context):
    screen = ListScreen("vendors", context)
    qtbot.addWidget(screen)
    screen.refresh()
    return screen


def _dialog(qtbot, context, kind, record=None):
    from services import lists

    screen = ListScreen(kind, context)
    qtbot.addWidget(screen)
    with context.db.session() as session:
        names = lists.reference_names(session)
    dialog = RecordDialog(kind, screen.store(), names, record)
    qtbot.addWidget(dialog)
    return screen, dialog


def test_new_order_line_validates_while_typing_and_saves(qtbot, context):
    _screen, dialog = _dialog(qtbot, context, "orders")
    editors = dialog.editors
    assert not dialog.ok_button.isEnabled()  # required fields are empty
    qtbot.keyClicks(editors["po_number"].widget, "PO-UI-1")
    editors["line"].widget.setText("1")
    editors["vendor"].widget.setEditText("Supermicro")
    skus = [editors["sku"].widget.itemText(i) for i in range(editors["sku"].widget.count())]
    assert skus  # the sku list follows the vendor
    editors["sku"].widget.setEditText(skus[0])
    editors["site"].widget.setEditText(dialog.names.sites[0])
    editors["order_date"].widget.set_value(dt.date(2026, 3, 1))
    editors["quantity"].widget.setText("abc")
    assert "not a whole number" in editors["quantity"].problem.text()
    assert not dialog.ok_button.isEnabled()
    editors["quantity"].widget.setText("4")
    editors["promised_date"].widget.set_value(dt.date(2026, 2, 1))
    assert "before the order date" in editors["promised_date"].problem.text()
    editors["promised_date"].widget.set_value(None)
    editors["unit_price"].widget.setText("1,234.50")
    assert dialog.ok_button.isEnabled(), dialog.problems
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    with context.db.session() as session:
        saved = records.find_record(session, "orders", {"po_number": "PO-UI-1", "line": 1})
    assert saved is not None
    assert (saved["quantity"], saved["unit_price"]) == (4, Decimal("1234.5"))
    assert saved["vendor"] == "Supermicro"


def test_a_refusal_by_the_services_is_shown_next_to_its_field(qtbot, context):
    _screen, dialog = _dialog(qtbot, context, "products")
    dialog.editors["sku"].widget.setText("NEW-SKU")
    dialog.editors["vendor"].widget.setEditText("Nobody Inc")
    assert dialog.ok_button.isEnabled()
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "no vendor is called" in dialog.editors["vendor"].problem.text()


def test_edit_saves_and_history_shows_it(qtbot, context, vendors):
    row = 0
    record = vendors.model.record(row)
    _screen, dialog = _dialog(qtbot, context, "vendors", record)
    dialog.editors["payment_terms"].widget.setText("Net 45")
    dialog.accept()
    assert dialog.saved is not None and dialog.saved["payment_terms"] == "Net 45"
    vendors.refresh()
    vendors.select_id(record["id"])
    vendors.load_details()
    assert vendors.history_model.rowCount() >= 1
    assert vendors.history_model.text(0, 1) == "tester"
    assert vendors.history_model.text(0, 4) == "Payment terms"  # the field by its title


def test_conflict_shows_both_versions_and_saves_mine_on_top_only_when_asked(
    qtbot, context, monkeypatch
):
    with context.db.session() as session:
        record = records.list_records(session, "sites")[0]
    _screen, dialog = _dialog(qtbot, context, "sites", record)
    with context.db.write() as session:
        records.update(session, "sites", record["id"], {"region": "Theirs"}, Actor("someone"))
    dialog.editors["notes"].widget.setPlainText("mine")
    seen = {}

    def choose(choice):
        def run(conflict):
            seen["differing"] = conflict.differing
            seen["table"] = conflict.table.rowCount()
            conflict.choice = choice
            return QDialog.DialogCode.Accepted

        return run

    monkeypatch.setattr(ConflictDialog, "exec", choose(ConflictDialog.RELOAD))
    dialog.accept()
    assert {"region", "notes"} <= set(seen["differing"])
    assert dialog.editors["region"].widget.text() == "Theirs"  # reloaded theirs
    with context.db.session() as session:
        assert records.get_record(session, "sites", record["id"])["notes"] != "mine"
    dialog.editors["notes"].widget.setPlainText("mine")
    monkeypatch.setattr(ConflictDialog, "exec", choose(ConflictDialog.SAVE_MINE))
    dialog.accept()  # the version is theirs now: saves without a conflict
    with context.db.session() as session:
        saved = records.get_record(session, "sites", record["id"])
    assert (saved["notes"], saved["region"]) == ("mine", "Theirs")

    # A second writer again: this time keep mine on top through the dialog.
    with context.db.write() as session:
        records.update(session, "sites", record["id"], {"country": "XX"}, Actor("someone"))
    dialog.editors["notes"].widget.setPlainText("mine again")
    dialog.accept()
    with context.db.session() as session:
        saved = records.get_record(session, "sites", record["id"])
    assert saved["notes"] == "mine again"


def test_delete_asks_and_a_referenced_record_is_refused(qtbot, context, vendors, monkeypatch):
    messages = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *a: messages.append(text))
    with context.db.session() as session:
        in_use = records.find_record(session, "vendors", {"name": "Supermicro"})
    vendors.select_id(in_use["id"])
    vendors.delete_record()
    assert messages and "cannot be deleted" in messages[0] and "purchase orders" in messages[0]
    with context.db.write() as session:
        spare = records.create(session, "vendors", {"name": "Spare Parts Ltd"}, Actor("t"))
    vendors.refresh()
    vendors.select_id(spare["id"])
    vendors.delete_record()
    with context.db.session() as session:
        assert records.find_record(session, "vendors", {"name": "Spare Parts Ltd"}) is None
    assert vendors.model.row_of_id(spare["id"]) == -1


def test_delete_asks_first(qtbot, context, vendors, monkeypatch):
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    before = vendors.model.total_rows
    vendors.select_id(vendors.model.record(0)["id"])
    vendors.delete_record()
    vendors.refresh()
    assert vendors.model.total_rows == before


def test_settings_dialog_checks_and_saves(qtbot, context):
    dialog = SettingsDialog(context)
    qtbot.addWidget(dialog)
    slip = dialog.editors["slip_threshold_days"]
    assert slip.text() == "14"
    slip.setText("-3")
    assert not dialog.buttons.button(dialog.buttons.StandardButton.Ok).isEnabled()
    assert "at least" in dialog.problems["slip_threshold_days"].text()
    slip.setText("21")
    dialog.editors["reporting_currency"].setText("eur")
    dialog.user_edit.setText("maria")
    assert dialog.fx_model.rowCount() > 0
    dialog.accept()
    with context.db.session() as session:
        values = settings.get_all(session)
    assert (values["slip_threshold_days"], values["reporting_currency"]) == (21, "EUR")
    assert context.user == "maria"
    assert context.settings.value("user/name") == "maria"
    shown = dialog.findChild(type(dialog.user_edit.parent()), None)
    assert shown is not None


def test_settings_never_show_or_store_a_password(qtbot, context):
    import contextlib

    from services.errors import RackbookError
    from ui.app import quick_name
    from ui.database_choice import save_location, saved_location

    # Without a keyring on this machine the password is refused: then nothing is kept.
    with contextlib.suppress(RackbookError):
        save_location(context.settings, "postgresql+psycopg://buyer:s3cret@db.example/rackbook")
    assert "s3cret" not in str(context.settings.value("database/location"))
    assert quick_name("postgresql+psycopg://buyer:s3cret@db.example/rackbook") == (
        "rackbook@db.example"
    )
    assert "s3cret" not in str(saved_location(context.settings))
    dialog = SettingsDialog(context)
    qtbot.addWidget(dialog)
    assert "s3cret" not in dialog.next_database.text()
