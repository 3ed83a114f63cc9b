"""The import preview of a vendor's status report, in a buyer's words: no field codes, the ETA
change in view without scrolling, the vendor's description said to replace ours, and a line
nobody entered standing out and created only on a deliberate yes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from PySide6.QtCore import Qt

from services import records
from tests.ui.workflows.conftest import commit, open_wizard, to_preview
from ui.context import AppContext
from ui.import_wizard import ImportWizard
from ui.import_wizard.preview import NEW

pytestmark = pytest.mark.gui
CODES = ("po_number", "received_qty", "in_production", "order_date", "_")


def _lines(context: AppContext) -> dict[str, dict[str, Any]]:
    with context.db.session() as session:
        return {f"{r['po_number']}/{r['line']}": r for r in records.list_records(session, "orders")}


def _status_report(context: AppContext, path: Path) -> tuple[list[dict[str, Any]], Path]:
    """Dell's report: its open lines three weeks later and in build, the first with Dell's own
    description, and one line on a purchase order nobody entered."""
    dell = [
        r
        for r in _lines(context).values()
        if r["vendor"].startswith("Dell") and r["status"] not in ("received", "cancelled")
    ][:3]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Status"
    sheet.append(["Dell Technologies order status"])
    sheet.append([])
    headers = "PO #|Line|Part No.|Description|Qty|Ship To|Order Date|Qty Received|Status|Ship Date"
    sheet.append(headers.split("|"))
    for i, line in enumerate(dell):
        eta = (line["eta"] or line["promised_date"] or dt.date(2027, 1, 4)) + dt.timedelta(21)
        description = "XE9712 rack, Dell build" if i == 0 else line["description"]
        key = [line["po_number"], line["line"], line["sku"], description, line["quantity"]]
        rest = [line["site"], line["order_date"], line["received_qty"] or 0, "in build", eta]
        sheet.append(key + rest)
    first = dell[0]
    key = ["DL-NOBODY-1", 1, first["sku"], "", 2]
    sheet.append([*key, first["site"], dt.date(2026, 12, 1), 0, "confirmed", dt.date(2027, 3, 1)])
    book.save(path)
    return dell, path


def _preview(qtbot: Any, context: AppContext, path: Path) -> ImportWizard:
    wizard = open_wizard(qtbot, context, path)
    wizard.resize(980, 640)  # its size on a laptop screen
    to_preview(wizard)
    return wizard


def test_the_preview_speaks_a_buyers_words_and_shows_the_eta_change(
    qtbot: Any, context: AppContext, tmp_path: Path
) -> None:
    _dell, path = _status_report(context, tmp_path / "dell status.xlsx")
    wizard = _preview(qtbot, context, path)
    preview = wizard.preview_page
    model = preview.model

    # No field code in a header or a cell; the status in words, the received quantity named.
    columns = range(model.columnCount())
    headers = [str(model.headerData(c, Qt.Orientation.Horizontal)) for c in columns]
    cells = [
        str(model.data(model.index(r, c)) or "")
        for r in range(model.rowCount())
        for c in range(model.columnCount())
    ]
    for code in CODES[:-1]:
        assert not any(code in text for text in headers + cells), code
    assert not any("_" in h for h in headers)
    assert "Qty Received → Received qty" in headers and "Ship Date → ETA" in headers
    assert "In production" in cells
    mapping_fields = [wizard.mapping_page.combos[0].itemText(i) for i in range(5)]
    assert "PO number" in mapping_fields and "po_number" not in mapping_fields

    # The ETA change is in view without scrolling right.
    eta = model.column_of("eta")
    view = preview.view
    assert view.horizontalScrollBar().value() == 0
    right = view.columnViewportPosition(eta) + view.columnWidth(eta)
    assert view.columnViewportPosition(eta) >= 0 and right <= view.viewport().width()
    first = model.data(model.index(0, eta))
    assert "→" in str(first)

    # Dell's description over ours is said, on the row and under the table.
    notes = str(model.data(model.index(0, model.columnCount() - 1)))
    assert "the vendor's description replaces ours" in notes
    assert "description replaces ours on 1 line" in preview.notes.text()

    # The line nobody entered stands out: its own words, a green row, named above the table.
    new_row = next(r for r in range(model.rowCount()) if model.row_plan(r).action == "create")
    assert model.data(model.index(new_row, 1)) == "new line"
    for column in range(model.columnCount()):
        brush = model.data(model.index(new_row, column), Qt.ItemDataRole.BackgroundRole)
        assert brush is not None and brush.color() == NEW
    assert preview.new_lines.isVisible() and "DL-NOBODY-1" in preview.new_lines.text()
    assert preview.create_new.isVisible() and not preview.create_new.isChecked()
    wizard.reject()


def test_new_order_lines_of_a_status_report_need_a_deliberate_yes(
    qtbot: Any, context: AppContext, tmp_path: Path
) -> None:
    dell, path = _status_report(context, tmp_path / "dell status.xlsx")
    key = f"{dell[0]['po_number']}/{dell[0]['line']}"

    # Without the yes, the lines already in Rackbook are updated and nothing is created.
    wizard = _preview(qtbot, context, path)
    assert wizard.preview_page.isComplete()
    commit(qtbot, wizard, create_new=False)
    lines = _lines(context)
    assert "DL-NOBODY-1/1" not in lines
    assert lines[key]["status"] == "in_production"
    summary = wizard.result_page.summary.text()
    assert "0 created" in summary and "3 updated" in summary

    # The same file again: only the new line is left, and Import waits for the yes.
    wizard = _preview(qtbot, context, path)
    preview = wizard.preview_page
    assert wizard.job.plan is not None and wizard.job.plan.counts["create"] == 1
    assert not preview.isComplete()
    preview.create_new.setChecked(True)
    assert preview.isComplete()
    commit(qtbot, wizard)
    assert _lines(context)["DL-NOBODY-1/1"]["quantity"] == 2
