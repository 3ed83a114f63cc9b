"""A new purchase order typed and pasted into the order-entry grid, on the demo data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from PySide6.QtGui import QGuiApplication

from services import catalogue, lists, orders, records
from ui import format as fmt
from ui.dialogs.order_entry import GRID_FIELDS, OrderEntryDialog, lead_time_text
from ui.screens.orders_screen import OrdersScreen

pytestmark = pytest.mark.gui


@pytest.fixture
def dialog(qtbot, context):
    with context.db.session() as session:
        names, items = lists.reference_names(session), catalogue.catalogue(session)
    dialog = OrderEntryDialog(context, names, items)
    qtbot.addWidget(dialog)
    return dialog


def _header(dialog, po="DR-2027-900"):
    dialog.po_number.setText(po)
    dialog.vendor.setCurrentText("Dell Technologies")
    dialog.site.setCurrentText("Drummondville")
    dialog.order_date.set_value(dt.date(2026, 11, 2))


def test_pasted_lines_fill_the_grid_and_known_skus_bring_their_terms(dialog, context):
    _header(dialog)
    # Two lines copied from a vendor's quote in a spreadsheet: SKU, (no description), quantity.
    QGuiApplication.clipboard().setText("XE9712\t\t2\nR770\t\t8\n")
    dialog.grid.setCurrentCell(0, 0)
    dialog.paste()
    assert [dialog.cell(0, n) for n in ("sku", "quantity")] == ["XE9712", "2"]
    # The catalogue filled in the empty description and price.
    assert dialog.cell(0, "description") == "PowerEdge XE9712 GB300 NVL72 rack"
    assert Decimal(dialog.cell(0, "unit_price")) == Decimal("3890000")
    assert Decimal(dialog.cell(1, "unit_price")) == Decimal("21000")
    assert dialog.totals.text().startswith("2 lines · 10 units · ")
    # A third line typed by hand, with a date in the person's own format.
    dialog.set_cell(2, "sku", "XE9680L")
    dialog.set_cell(2, "quantity", "1")
    dialog.set_cell(2, "promised_date", "2027-03-15")
    dialog.save()
    assert dialog.saved is not None and len(dialog.saved) == 3
    with context.db.session() as session:
        view = orders.purchase_order(session, "DR-2027-900")
    assert [(line["line"], line["sku"], line["quantity"]) for line in view.lines] == [
        (1, "XE9712", 2),
        (2, "R770", 8),
        (3, "XE9680L", 1),
    ]
    assert view.lines[2]["promised_date"] == dt.date(2027, 3, 15)
    assert {line["vendor"] for line in view.lines} == {"Dell Technologies"}


def test_the_vendors_latest_lead_time_quote_is_shown_for_the_line(dialog, context):
    with context.db.session() as session:
        quotes = [
            q
            for q in records.list_records(session, "leadtimes")
            if q["vendor"] == "Dell Technologies" and q["sku"] == "XE9712"
        ]
    latest = max(quotes, key=lambda q: q["quote_date"])
    _header(dialog)
    QGuiApplication.clipboard().setText("XE9712\t\t2\nR770\t\t8\n")
    dialog.grid.setCurrentCell(0, 0)
    dialog.paste()
    sku = dialog.grid.item(0, GRID_FIELDS.index("sku"))
    arrival = dt.date(2026, 11, 2) + dt.timedelta(days=latest["lead_days"])
    expected = f"quoted {latest['lead_days']} days on {fmt.date(latest['quote_date'])}"
    assert sku.toolTip().startswith(expected)
    ordered = fmt.date(dt.date(2026, 11, 2))
    assert sku.toolTip().endswith(f"about {fmt.date(arrival)} if ordered {ordered}")
    dialog.grid.setCurrentCell(1, 0)
    dialog.grid.setCurrentCell(0, 2)
    assert dialog.lead_time.text() == f"XE9712: {sku.toolTip()}"
    # R770 has no quote: nothing to say beyond that.
    dialog.grid.setCurrentCell(1, 0)
    assert dialog.lead_time.text() == "R770: no lead time quoted"


def test_pasting_more_lines_than_the_grid_has_adds_lines(dialog):
    rows = "\n".join(f"R770\tnode {n}\t1" for n in range(12))
    QGuiApplication.clipboard().setText(rows)
    dialog.grid.setCurrentCell(3, 0)
    dialog.paste()
    assert dialog.grid.rowCount() == 15
    assert dialog.cell(14, "description") == "node 11"
    assert dialog.cell(2, "sku") == ""
    # Cells beyond the grid's last column are left out, not an error.
    QGuiApplication.clipboard().setText("\t".join(["x"] * 20))
    dialog.grid.setCurrentCell(0, len(GRID_FIELDS) - 1)
    dialog.paste()
    assert dialog.cell(0, GRID_FIELDS[-1]) == "x"


def test_problems_are_shown_on_their_cells_and_nothing_is_saved(dialog, context):
    _header(dialog, "DR-2027-901")
    dialog.set_cell(0, "sku", "XE9712")
    dialog.set_cell(0, "quantity", "lots")
    dialog.set_cell(1, "sku", "NOT-A-DELL-SKU")
    dialog.set_cell(1, "quantity", "1")
    dialog.save()
    assert dialog.saved is None
    assert not dialog.message.isHidden()
    assert "row 1, column 'Quantity' (value 'lots')" in dialog.message.text()
    quantity = dialog.grid.item(0, GRID_FIELDS.index("quantity"))
    sku = dialog.grid.item(1, GRID_FIELDS.index("sku"))
    assert quantity.toolTip() == "Quantity is not a number"
    assert "NOT-A-DELL-SKU" in dialog.message.text() and sku.toolTip()
    with context.db.session() as session:
        assert (
            records.find_record(session, "orders", {"po_number": "DR-2027-901", "line": 2}) is None
        )
    # Fixed and saved: the marks go as the cells change.
    dialog.set_cell(0, "quantity", "3")
    assert quantity.toolTip() == ""
    dialog.set_cell(1, "sku", "R770")
    dialog.save()
    assert dialog.saved is not None and len(dialog.saved) == 2


def test_the_orders_screen_opens_it_and_shows_the_new_lines(qtbot, context, monkeypatch):
    screen = OrdersScreen(context)
    qtbot.addWidget(screen)
    screen.refresh()

    def fill(dialog):
        _header(dialog, "DR-2027-902")
        dialog.set_cell(0, "sku", "R770")
        dialog.set_cell(0, "quantity", "4")
        dialog.save()
        return dialog.saved is not None

    monkeypatch.setattr(OrderEntryDialog, "exec", fill)
    screen.new_order()
    assert screen.last_message == "Saved purchase order DR-2027-902 with 1 line"
    assert screen.selected_record()["po_number"] == "DR-2027-902"


def test_the_shown_order_is_sent_as_a_document(qtbot, context, tmp_path):
    import openpyxl

    screen = OrdersScreen(context)
    qtbot.addWidget(screen)
    screen.refresh()
    screen.load_details()
    po_number = screen.order.po_number
    assert screen.send_button.isEnabled() and screen.print_button.isEnabled()
    target = tmp_path / "order.xlsx"
    screen.send_order(str(target))
    assert screen.last_message == f"Wrote purchase order {po_number} (revision 1) to {target}"
    sheet = openpyxl.load_workbook(target).active
    assert sheet["A1"].value == "Ridgeline Compute Inc."
    assert context.settings.value("export/folder") == str(tmp_path)
    pdf = tmp_path / "order"
    screen.send_order(str(pdf))
    assert screen.last_message.endswith(
        "(revision 1, unchanged since it was sent) to " + f"{pdf}.pdf"
    )
    assert (tmp_path / "order.pdf").read_bytes().startswith(b"%PDF-")


def test_the_lead_time_text_says_when_a_quote_has_expired():
    item = catalogue.CatalogueItem(
        None, None, None, 182, dt.date(2026, 1, 10), dt.date(2026, 4, 10)
    )
    ordered = dt.date(2026, 11, 2)
    valid = lead_time_text(item, ordered, dt.date(2026, 3, 1))
    assert valid == (
        f"quoted 182 days on {fmt.date(dt.date(2026, 1, 10))}, valid until "
        f"{fmt.date(dt.date(2026, 4, 10))}: about {fmt.date(dt.date(2027, 5, 3))} "
        f"if ordered {fmt.date(ordered)}"
    )
    assert ", expired " in lead_time_text(item, ordered, dt.date(2026, 11, 27))
    assert lead_time_text(catalogue.CatalogueItem(None, None, None), ordered, ordered) == (
        "no lead time quoted"
    )


def test_lines_are_added_to_an_order_that_exists(dialog, context):
    with context.db.session() as session:
        order = orders.purchase_order(session, "DR-2026-119")
    last = max(line["line"] for line in order.lines)
    dialog.po_number.setText("DR-2026-119")
    dialog.look_up_order()
    assert dialog.existing is not None
    assert (dialog.vendor.currentText(), dialog.site.currentText()) == (order.vendor, order.site)
    assert not dialog.vendor.isEnabled() and not dialog.order_date.isEnabled()
    assert dialog.windowTitle() == "Add lines to purchase order DR-2026-119"
    assert f"as lines {last + 1} on" in dialog.existing_note.text()
    dialog.set_cell(0, "sku", "XDU1350")
    dialog.set_cell(0, "quantity", "2")
    dialog.save()
    assert [(r["po_number"], r["line"]) for r in dialog.saved] == [("DR-2026-119", last + 1)]
    # A number that is no order's gives the header back.
    dialog.po_number.setText("DR-2099-001")
    dialog.look_up_order()
    assert dialog.existing is None and dialog.vendor.isEnabled()
    assert dialog.windowTitle() == "New purchase order"


def test_the_currency_follows_the_vendor_until_one_is_typed(qtbot, context):
    from services.audit import Actor

    with context.db.write() as session:
        # Foxconn's latest order is in euros.
        records.create(
            session,
            "orders",
            {
                "po_number": "FX-2026-EUR",
                "line": 1,
                "vendor": "Foxconn",
                "sku": "FX-GB300-NVL72",
                "quantity": 1,
                "site": "Drummondville",
                "order_date": dt.date(2026, 12, 1),
                "currency": "EUR",
            },
            Actor("tester"),
        )
    with context.db.session() as session:
        names, items = lists.reference_names(session), catalogue.catalogue(session)
    dialog = OrderEntryDialog(context, names, items)
    qtbot.addWidget(dialog)
    assert dialog.currency.text() == names.currencies[0] == "USD"  # the reporting currency
    dialog.vendor.setCurrentText("Foxconn")
    assert dialog.currency.text() == "EUR"
    dialog.vendor.setCurrentText("Dell Technologies")
    assert dialog.currency.text() == "USD"
    # Typed by the person: kept whatever vendor is picked after.
    dialog.currency.selectAll()
    qtbot.keyClicks(dialog.currency, "CAD")
    dialog.vendor.setCurrentText("Foxconn")
    assert dialog.currency.text() == "CAD"
