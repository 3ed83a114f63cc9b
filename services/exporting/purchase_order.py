"""One purchase order as a document to send to its vendor (or file with it): the order's
header, its lines with their totals, and the dates the vendor gave, on one printed page wide.

``export po OUT.xlsx --po PO-NUMBER`` on the command line; the Orders screen's "Export this
order…" in the window.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy.orm import Session

from services import orders
from services.exporting.cells import Column, WorkbookWriter, sheet_name


def export_purchase_order(
    session: Session,
    po_number: str,
    book: WorkbookWriter,
    *,
    issued_by: str | None = None,
    today: dt.date | None = None,
) -> int:
    """Write purchase order ``po_number`` to ``book``; the number of lines written."""
    order = orders.purchase_order(session, po_number)
    currency = order.currency
    columns = [
        Column("Line", "int", min_width=6),
        Column("SKU", min_width=16),
        Column("Description", wrap=True, wrap_width=40),
        Column("Quantity", "int", total=True),
        Column("Unit price", "money", currency=currency),
        Column("Line total", "money", currency=currency, total=True),
        Column("Requested", "date"),
        Column("Promised", "date"),
        Column("ETA", "date"),
        Column("Received", "int", min_width=10),
        Column("Status", min_width=14),
    ]
    book.total_rows = len(order.lines)
    sheet = book.add_sheet(sheet_name(order.po_number), columns)
    sheet.title(f"Purchase order {order.po_number}", size=14)
    day = today or dt.date.today()
    for label, value in (
        ("Vendor", order.vendor),
        ("Ship to", order.site),
        ("Order date", order.order_date.isoformat()),
        ("Currency", currency),
        ("Status", order.status.replace("_", " ")),
        (
            "Issued",
            f"{day.isoformat()}" + (f" by {issued_by}" if issued_by else "") + " (Rackbook)",
        ),
    ):
        sheet.title(f"{label}: {value}", bold=False)
    if order.notes:
        sheet.title(f"Notes: {order.notes}", bold=False)
    sheet.skip()
    sheet.header()
    quantity_total, value_total = 0, Decimal(0)
    for line in order.lines:
        cancelled = line["status"] == "cancelled"
        price = line["unit_price"]
        # A cancelled line stays on the document, at nothing: the vendor sees what was dropped.
        line_total = (
            None if price is None else (Decimal(0) if cancelled else line["quantity"] * price)
        )
        quantity = 0 if cancelled else line["quantity"]
        sheet.write_row(
            (
                line["line"],
                line["sku"],
                line.get("description"),
                quantity,
                price,
                line_total,
                line.get("requested_date"),
                line.get("promised_date"),
                line.get("eta"),
                line.get("received_qty") or 0,
                line["status"].replace("_", " "),
            )
        )
        quantity_total += quantity
        value_total += line_total or 0
    sheet.totals(
        "Total",
        values={3: quantity_total, 5: value_total},
        currency=currency,
    )
    sheet.no_filter()  # a document to read, not a list to filter
    return len(order.lines)


def default_file_name(po_number: str) -> str:
    """``purchase-order-PO-2026-001.xlsx``, whatever the number holds that a file name cannot."""
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in po_number).strip(".")
    return f"purchase-order-{safe or 'order'}.xlsx"
