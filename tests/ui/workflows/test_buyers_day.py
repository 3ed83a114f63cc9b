"""A buyer's day in the window, on the demo data: a vendor's status report in a layout Rackbook
has not seen is dropped on the window and imported (one column mapped by hand); the slipped
delivery puts a signed contract at risk, which the dashboard and the alerts show; the contract
summary exported from the dialog carries the shortfall."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from PySide6.QtCore import Qt

from services import figures, records
from tests.ui.workflows.conftest import commit, drop_file, forward
from ui.context import AppContext
from ui.import_wizard import ImportWizard
from ui.main_window import MainWindow

pytestmark = pytest.mark.gui


def _line_feeding_a_secured_contract(context: AppContext) -> tuple[Any, dict[str, Any]]:
    """A signed contract fully secured by an open GPU line due before its need-by date."""
    today = dt.date.today()
    with context.db.session() as session:
        contracts = figures.contract_figures(session, today)
        lines = records.list_records(session, "orders")
        gpus = {
            (p["vendor"], p["sku"]): p["gpus_per_unit"] or 0
            for p in records.list_records(session, "products")
        }
    for contract in sorted(contracts.values(), key=lambda c: c.need_by):
        if not (contract.binding and contract.shortfall == 0 and contract.start_date > today):
            continue
        for line in lines:
            due = line["eta"] or line["promised_date"]
            if (
                line["site"] == contract.site
                and gpus[(line["vendor"], line["sku"])] > 0
                and line["status"] not in ("received", "cancelled", "draft")
                and due is not None
                and today < due <= contract.need_by
            ):
                return contract, line
    pytest.skip("the demo data has no secured contract waiting on an open GPU line")


def _vendor_report(path: Path, line: dict[str, Any], new_eta: dt.date) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Backlog"
    sheet.append([f"{line['vendor']} backlog report, week {new_eta:%V}"])
    sheet.append([])
    sheet.append(
        ["Customer PO", "Ln", "Part Number", "Qty", "PO Date", "Revised Arrival", "Deliver To"]
    )
    sheet.append(
        [
            line["po_number"],
            line["line"],
            line["sku"],
            line["quantity"],
            line["order_date"],
            new_eta,
            line["site"],
        ]
    )
    book.save(path)
    return path


def _critical(text: str) -> int:
    """The open critical alerts in the sidebar's "Alerts 41 / 14 critical · 2 new"."""
    found = re.search(r"(\d+) critical", text)
    return int(found.group(1)) if found else 0


def test_import_an_unfamiliar_report_see_the_risk_and_export_the_summary(
    qtbot: Any, context: AppContext, tmp_path: Path
) -> None:
    contract, line = _line_feeding_a_secured_contract(context)
    new_eta = contract.need_by + dt.timedelta(days=60)
    report = _vendor_report(tmp_path / "backlog week 48.xlsx", line, new_eta)

    window = MainWindow(context, "rackbook-demo.db")
    qtbot.addWidget(window)
    window.show()
    window._database_opened()
    nav = window.navigation
    ids = [nav.item(i).data(Qt.ItemDataRole.UserRole) for i in range(nav.count())]
    alerts_item = nav.item(ids.index("alerts"))
    critical_before = _critical(alerts_item.text())
    assert "new" not in alerts_item.text()  # the first look: nothing is new
    window.show_screen("dashboard")
    assert contract.ref not in {c.ref for c in window.screens["dashboard"].board.contracts_at_risk}

    # Dropped on the window: the wizard opens on it and reads the title row and header words.
    drop_file(window, str(report))
    wizard = window.last_wizard
    forward(wizard, ImportWizard.SHEET)
    assert wizard.sheet_page.kind.currentData() == "orders"
    forward(wizard, ImportWizard.MAPPING)
    mapping = wizard.job.mapping
    assert mapping is not None and mapping.header_row == 2
    assert mapping.by_field["po_number"].header == "Customer PO"
    wizard.mapping_page.set_field("Revised Arrival", "eta")  # the buyer knows what it means
    forward(wizard, ImportWizard.OPTIONS)
    wizard.options_page.vendor.setCurrentText(line["vendor"])
    forward(wizard, ImportWizard.PREVIEW)
    plan = wizard.job.plan
    assert plan is not None
    assert plan.counts == {"create": 0, "update": 1, "unchanged": 0, "rejected": 0}
    eta_change = next(c for c in plan.rows[0].changes if c.field == "eta")
    assert (eta_change.old, eta_change.new) == (line["eta"], new_eta)
    commit(qtbot, wizard)
    wizard.result_page.show_button.click()
    assert window.current_screen() is window.screens["orders"]

    # The contract is now at risk: on the dashboard, in the alerts, in the sidebar count.
    window.show_screen("dashboard")
    dashboard = window.screens["dashboard"]
    at_risk = {c.ref: c for c in dashboard.board.contracts_at_risk}
    assert contract.ref in at_risk and at_risk[contract.ref].shortfall > 0
    assert contract.ref in dashboard.risk_note.text()
    assert dashboard.site_choice.itemText(0).startswith("⚠ ")
    window.show_screen("alerts")
    screen = window.screens["alerts"]
    raised = [screen.model.alert(r) for r in range(screen.model.rowCount())]
    shortfall = next(
        a for a in raised if a.rule == "capacity_shortfall" and a.subject == contract.ref
    )
    assert shortfall.severity == "critical"
    assert _critical(alerts_item.text()) > critical_before
    # The import raised alerts the buyer has not seen yet: the sidebar says how many.
    assert re.search(r"· \d+ new$", alerts_item.text())

    # The contract summary for management carries the shortfall.
    window.export_file()
    dialog = window.last_export
    assert dialog.what.currentData() == "contracts"
    out = tmp_path / "contract summary.xlsx"
    dialog.path.setText(str(out))
    dialog.export_button.click()
    assert dialog.error is None, dialog.error
    sheet = openpyxl.load_workbook(out)["Contracts"]
    rows = list(sheet.iter_rows(values_only=True))
    header_at = next(i for i, r in enumerate(rows) if r and "Contract" in r and "Shortfall" in r)
    header = list(rows[header_at])
    row = next(
        r for r in rows[header_at + 1 :] if r and r[header.index("Contract")] == contract.ref
    )
    assert row[header.index("Shortfall")] == at_risk[contract.ref].shortfall
    dialog.reject()
