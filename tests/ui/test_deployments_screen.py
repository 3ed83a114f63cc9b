"""The Deployments screen (list, edit, duplicate with the bill of parts, the bill of parts
edited in place), the new fields in the record dialogs, correcting a promised date from the
Orders screen, and the import preview's word on a changed promise."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from PySide6.QtWidgets import QComboBox, QDialog

from services import audit, records
from tests.builders import order_line
from tests.ui.helpers import with_deployments
from ui.dialogs.order_dialogs import CorrectPromiseDialog
from ui.dialogs.record_dialog import PROMISE_KEPT, RecordDialog
from ui.screens.deployments_screen import DeploymentsScreen
from ui.screens.list_screen import ListScreen
from ui.screens.orders_screen import OrdersScreen

pytestmark = pytest.mark.gui


@pytest.fixture
def screen(qtbot, context):
    with_deployments(context.db)
    screen = DeploymentsScreen(context)
    qtbot.addWidget(screen)
    screen.refresh()
    screen.show()
    return screen


def _select(screen: DeploymentsScreen, ref: str) -> dict:
    for row in range(screen.model.rowCount()):
        record = screen.model.record(row)
        if record["deployment_ref"] == ref:
            screen.select_id(record["id"])
            screen.load_details()
            return record
    raise AssertionError(ref)


def _parts(context, ref: str) -> list[tuple[str, int]]:
    with context.db.session() as session:
        return [
            (p["part"], p["quantity"])
            for p in records.list_records(session, "deployment_parts")
            if p["deployment_ref"] == ref
        ]


def _type(editor, row: int, column: int, text: str) -> None:
    editor.table.item(row, column).setText(text)


def test_the_bill_of_parts_is_shown_edited_in_place_and_saved_audited(screen, context):
    hall = _select(screen, "HALL-1")
    editor = screen.parts_editor
    assert "Bill of parts of HALL-1 (Hall 1)" in editor.title.text()
    shown = editor.rows()
    assert sorted(shown) == sorted(_parts(context, "HALL-1"))
    assert screen.details.tabText(screen.parts_tab_index) == "Bill of parts (3)"
    assert not editor.save_button.isEnabled()  # nothing changed yet
    meanings = {
        editor.table.item(r, 0).text(): editor.table.item(r, 2).text()
        for r in range(editor.table.rowCount())
    }
    assert meanings["cooling"] == "Any cooling product"
    assert next(m for p, m in meanings.items() if p not in ("cooling", "network")).startswith(
        "Sold by "
    )
    # Change a quantity, take out a part, add one named by its category's words.
    row_of = {part: row for row, (part, _q) in enumerate(editor.typed())}
    _type(editor, row_of["cooling"], 1, "6")
    editor.table.selectRow(row_of["network"])
    editor.remove_rows()
    editor.add_row("Storage", 2)
    assert editor.save_button.isEnabled()
    editor.save()
    assert editor.problem.isHidden()
    saved = dict(_parts(context, "HALL-1"))
    assert saved["cooling"] == 6 and saved["storage"] == 2 and "network" not in saved
    assert not editor.save_button.isEnabled()
    with context.db.session() as session:
        parts = {
            p["part"]: p["id"]
            for p in records.list_records(session, "deployment_parts")
            if p["deployment_ref"] == "HALL-1"
        }
        trail = audit.history(session, "deployment_parts", parts["cooling"])
    assert (trail[0].action, trail[0].field, trail[0].old_value, trail[0].new_value) == (
        "update",
        "quantity",
        "4",
        "6",
    )
    assert trail[0].user == "tester"
    assert hall["id"] == screen.selected_id()  # still on the same deployment


def test_a_bill_of_parts_with_a_bad_row_is_not_saved_and_the_row_is_marked(screen, context):
    _select(screen, "HALL-2")
    editor = screen.parts_editor
    before = _parts(context, "HALL-2")
    editor.add_row("flux capacitor", 1)
    editor.add_row("power", 0)
    editor.save()
    text = editor.problem.text()
    assert text.startswith("Not saved: ")
    assert "row 4, column 'Part' (value 'flux capacitor')" in text
    assert "neither the sku of a product nor a category" in text
    assert "row 5, column 'Quantity' (value '0'): quantity must be more than 0" in text
    assert editor.table.item(3, 0).background().color().red() == 253
    assert _parts(context, "HALL-2") == before  # nothing written
    editor.revert()
    assert sorted(editor.rows()) == sorted(before) and editor.problem.isHidden()


def test_duplicating_a_deployment_plans_the_next_hall_with_its_parts(screen, context, monkeypatch):
    _select(screen, "HALL-1")

    def fill(dialog: RecordDialog) -> int:
        assert dialog.editors["deployment_ref"].value()[0] is None  # its own ref to give
        assert "with its bill of parts" in dialog.windowTitle()
        dialog.editors["deployment_ref"].set_value("HALL-3")
        dialog.editors["name"].set_value("Hall 3")
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(RecordDialog, "exec", fill)
    screen.duplicate_record()
    assert screen.selected_record()["deployment_ref"] == "HALL-3"
    assert screen.selected_record()["status"] == "planned"
    assert sorted(_parts(context, "HALL-3")) == sorted(_parts(context, "HALL-1"))


def test_the_deployment_dialog_offers_contracts_and_refuses_one_at_another_site(
    screen, context, monkeypatch
):
    with context.db.session() as session:
        contracts = records.list_records(session, "contracts")
    record = _select(screen, "HALL-2")
    elsewhere = next(c for c in contracts if c["site"] != record["site"])

    def fill(dialog: RecordDialog) -> int:
        combo = dialog.editors["contract_ref"].widget
        assert isinstance(combo, QComboBox)
        offered = [combo.itemText(i) for i in range(combo.count())]
        assert elsewhere["contract_ref"] in offered
        dialog.editors["contract_ref"].set_value(elsewhere["contract_ref"])
        dialog.accept()
        problem = dialog.editors["contract_ref"].problem
        assert not problem.isHidden()
        assert f"is at {elsewhere['site']}, not at {record['site']}" in problem.text()
        dialog.reject()
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(RecordDialog, "exec", fill)
    screen.edit_record()
    with context.db.session() as session:
        kept = records.get_record(session, "deployments", record["id"])
    assert kept["contract_ref"] is None


def test_the_part_dialog_offers_categories_and_skus(qtbot, context, monkeypatch):
    with_deployments(context.db)
    parts = ListScreen("deployment_parts", context)
    qtbot.addWidget(parts)
    parts.refresh()
    parts.select_id(parts.model.record(0)["id"])
    seen: list[str] = []

    def look(dialog: RecordDialog) -> int:
        combo = dialog.editors["part"].widget
        assert isinstance(combo, QComboBox) and combo.isEditable()
        seen.extend(combo.itemText(i) for i in range(combo.count()))
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(RecordDialog, "exec", look)
    parts.edit_record()
    assert {"gpu_system", "cooling", "network"} <= set(seen)
    assert any(name.isupper() for name in seen)  # skus too


def test_a_reader_cannot_edit_a_bill_of_parts(qtbot, context):
    from services.team import Access

    with_deployments(context.db)
    context.access = Access(read_only=True, login="ana", role="reader", team=True)
    screen = DeploymentsScreen(context)
    qtbot.addWidget(screen)
    screen.refresh()
    _select(screen, "HALL-1")
    editor = screen.parts_editor
    assert not editor.add_button.isEnabled()
    assert editor.table.editTriggers() == editor.table.EditTrigger.NoEditTriggers


def _dated_line(context) -> dict:
    with context.db.write() as session:
        line = next(
            r
            for r in records.list_records(session, "orders")
            if r["promised_date"] is not None and r["status"] not in ("received", "cancelled")
        )
    return line


def test_correcting_a_promised_date_from_the_orders_screen(qtbot, context, monkeypatch):
    orders = OrdersScreen(context)
    qtbot.addWidget(orders)
    orders.refresh()
    line = _dated_line(context)
    orders.select_id(line["id"])
    wanted = line["promised_date"] + dt.timedelta(days=9)
    tries: list[str] = []

    def fill(dialog: CorrectPromiseDialog) -> int:
        tries.append(dialog.message.text())
        if len(tries) == 1:
            assert not dialog.ok_button.isEnabled()  # no reason yet
            # Before the order date: refused, and the dialog comes back saying why.
            dialog.promised.set_value(line["order_date"] - dt.timedelta(days=1))
        else:
            dialog.promised.set_value(wanted)
        dialog.reason.setPlainText("typed the ship date from the acknowledgement")
        assert dialog.ok_button.isEnabled()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(CorrectPromiseDialog, "exec", fill)
    orders.correct_promise(line)
    assert len(tries) == 2 and "before the order date" in tries[1]
    with context.db.session() as session:
        saved = records.get_record(session, "orders", line["id"])
        trail = audit.history(session, "orders", line["id"])
    assert (saved["promised_date"], saved["first_commitment"]) == (wanted, wanted)
    assert trail[0].reason == "typed the ship date from the acknowledgement"
    assert trail[0].source_text.endswith("corrected: typed the ship date from the acknowledgement")


def test_the_order_dialog_says_a_set_promise_is_kept(qtbot, context, monkeypatch):
    orders = OrdersScreen(context)
    qtbot.addWidget(orders)
    orders.refresh()
    line = _dated_line(context)
    orders.select_id(line["id"])
    later = line["promised_date"] + dt.timedelta(days=30)

    def fill(dialog: RecordDialog) -> int:
        assert dialog.note.text() == PROMISE_KEPT and not dialog.note.isHidden()
        assert "first_commitment" not in dialog.editors  # kept by Rackbook, shown only
        assert dialog.kept_labels["first_commitment"].text()
        assert "deployment_ref" in dialog.editors and "payment_schedule" in dialog.editors
        dialog.editors["promised_date"].set_value(later)
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(RecordDialog, "exec", fill)
    orders.edit_record()
    with context.db.session() as session:
        saved = records.get_record(session, "orders", line["id"])
    assert saved["promised_date"] == line["promised_date"]
    assert saved["eta"] == later


def test_the_import_preview_names_a_promise_taken_as_an_eta_change(
    qtbot, database, tmp_path
) -> None:
    import openpyxl

    from services import importing
    from services.importing import ImportRequest
    from tests.builders import basic_world, day
    from ui.import_wizard.preview import PreviewModel

    with database.write() as session:
        basic_world(session)
        order_line(
            session,
            "PC-1",
            quantity=2,
            order_date=day("2026-09-01"),
            promised_date=day("2026-12-01"),
            unit_price=None,
            status=None,
        )
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["PO", "Line", "Vendor", "SKU", "Qty", "Site", "Order date", "Promised date"])
    sheet.append(
        [
            "PC-1",
            1,
            "Nvidia",
            "GB300-NVL72",
            2,
            "Panther Creek",
            day("2026-09-01"),
            day("2027-01-15"),
        ]
    )
    path = tmp_path / "ack.xlsx"
    book.save(path)
    with database.write() as session:
        report = importing.import_file(session, path, ImportRequest(kind="orders"), "tester")
        session.rollback()
    model = PreviewModel()
    model.set_plan(report.sheets[0].plan)
    last = model.columnCount() - 1
    assert model.headers[last] == "Problems and notes"
    assert model.index(0, last).data() == "promise changed → taken as an ETA change"


def test_a_sites_capacity_steps_are_added_changed_and_removed_from_its_detail(
    qtbot, context, monkeypatch
):
    from tests.ui.helpers import answer_yes
    from ui.screens.sites_screen import SitesScreen

    sites = SitesScreen(context)
    qtbot.addWidget(sites)
    sites.refresh()
    site = sites.model.record(0)
    sites.select_id(site["id"])
    sites.load_details()
    before = len(sites.steps)

    def fill(values):
        def run(dialog: RecordDialog) -> int:
            assert dialog.editors["site"].value()[0] == site["name"]
            for name, value in values.items():
                dialog.editors[name].set_value(value)
            dialog.accept()
            return dialog.result()

        return run

    monkeypatch.setattr(
        RecordDialog, "exec", fill({"from_date": dt.date(2028, 1, 1), "grid_mw": Decimal("-3")})
    )
    sites.add_step()  # refused: negative MW (OK stays off, nothing saved)
    assert len(sites.steps) == before
    monkeypatch.setattr(
        RecordDialog, "exec", fill({"from_date": dt.date(2028, 1, 1), "grid_mw": Decimal("420")})
    )
    sites.add_step()
    assert len(sites.steps) == before + 1
    assert sites.details.tabText(sites.steps_tab_index) == f"Capacity steps ({before + 1})"
    added = next(s for s in sites.steps if s["from_date"] == dt.date(2028, 1, 1))
    assert added["grid_mw"] == 420
    sites.steps_view.setCurrentIndex(sites.steps_model.index(sites.steps.index(added), 0))
    answer_yes(monkeypatch)
    sites.remove_step()
    assert len(sites.steps) == before
    with context.db.session() as session:
        trail = audit.history(session, "site_capacity", added["id"])
    assert trail[0].action == "delete" and trail[0].user == "tester"
