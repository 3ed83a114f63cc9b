"""Chasing vendors: the message a buyer sends a vendor about open order lines (confirm the
dates, say why a line is late), one per vendor, as plain text and as HTML with a table, ready
to paste into a mail. Dates are ISO (``2026-11-07``): unambiguous to a vendor anywhere."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from domain import supply
from domain.statuses import can_be_overdue, status_words
from domain.supply import Line
from models import OrderLine
from services import records, settings
from services.errors import NotFoundError
from services.exporting.clipboard import html_page, html_table

Record = dict[str, Any]

HEADERS = ("PO", "Line", "SKU", "Quantity", "Open", "Promised", "Current ETA", "Note")
NUMERIC = (False, True, False, True, True, False, False, False)


@dataclass(frozen=True)
class ChaseMessage:
    vendor: str
    contact: str | None
    subject: str
    text: str
    html: str
    lines: int


@dataclass(frozen=True)
class Chase:
    messages: list[ChaseMessage]
    # Lines chosen but not chased: received, cancelled, draft or on hold.
    left_out: list[str]

    @property
    def text(self) -> str:
        return "\n\n".join(m.text for m in self.messages)

    @property
    def html(self) -> str:
        return html_page("<hr>".join(m.html for m in self.messages))


def line_value(line: Record) -> Line:
    """An order line record as the rules read it (only the fields a line's own rules need)."""
    promised, eta = line.get("promised_date"), line.get("eta")
    return Line(
        id=line.get("id") or 0,
        po_number=line["po_number"],
        line_no=line["line"],
        vendor_id=0,
        site_id=0,
        product_id=0,
        order_date=line["order_date"],
        currency=line.get("currency") or "USD",
        quantity=line["quantity"],
        unit_price=line.get("unit_price"),
        promised_date=promised,
        eta=eta,
        received_qty=line.get("received_qty") or 0,
        received_date=line.get("received_date"),
        status=line["status"],
        first_commitment=supply.first_commitment(line.get("first_commitment"), promised, eta),
    )


def _note(line: Line, today: dt.date) -> str:
    if line.expected_date is None:
        return "no date given yet: please confirm one"
    if supply.is_overdue(line, today):
        return f"overdue since {line.expected_date.isoformat()}: please give a new date"
    slip = supply.slip_days(line, today) or 0
    if slip > 0 and line.first_commitment is not None:
        return (
            f"{slip} days after your first commitment {line.first_commitment.isoformat()}: "
            "please confirm"
        )
    return "please confirm"


def chaseable(line: Line) -> str | None:
    """Why a line is not chased (received, cancelled, draft, on hold), or None."""
    if supply.open_units(line) > 0 and can_be_overdue(line.status):
        return None
    return status_words(line.status)


def is_late(line: Line, today: dt.date, slip_threshold_days: int) -> bool:
    """What the alerts call late: overdue, or slipped beyond the slip threshold."""
    if supply.is_overdue(line, today):
        return True
    slip = supply.slip_days(line, today)
    return slip is not None and slip > slip_threshold_days


def _iso(day: dt.date | None) -> str:
    return day.isoformat() if day is not None else ""


def lines_to_chase(
    session: Session,
    today: dt.date,
    *,
    vendor: str | None = None,
    po_numbers: Iterable[str] = (),
    late_only: bool = False,
) -> list[int]:
    """The open order lines to chase, by vendor (name or alias) and/or purchase orders;
    ``late_only``: only those the alerts call late — overdue, or slipped beyond the slip
    threshold from their first commitment (what a buyer chases first). Drafts and lines on
    hold are not chased. An unknown vendor or PO number is a NotFoundError naming the closest."""
    wanted_pos = {po.strip() for po in po_numbers if po.strip()}
    lines = records.list_records(session, "orders")
    if vendor is not None:
        known = records.find_vendor(session, vendor)
        if known is None:
            guess = records.closest(vendor, {line["vendor"] for line in lines})
            hint = f"; did you mean {guess!r}?" if guess else ""
            raise NotFoundError(f"no vendor {vendor!r}{hint}")
        lines = [line for line in lines if line["vendor"] == known.name]
    if wanted_pos:
        present = {line["po_number"] for line in lines}
        for po in sorted(wanted_pos - present):
            guess = records.closest(po, present)
            hint = f"; did you mean {guess!r}?" if guess else ""
            raise NotFoundError(f"no purchase order {po!r}{hint}")
        lines = [line for line in lines if line["po_number"] in wanted_pos]
    chosen = [line for line in lines if chaseable(line_value(line)) is None]
    if late_only:
        threshold = int(settings.get(session, "slip_threshold_days"))
        chosen = [line for line in chosen if is_late(line_value(line), today, threshold)]
    return [line["id"] for line in chosen]


def chase(session: Session, line_ids: Iterable[int], sender: str, today: dt.date) -> Chase:
    """The messages chasing the vendors of order lines ``line_ids``: one per vendor, its
    lines in PO and line order, each with what to ask (a date, a new date for a late line,
    a confirmation of a slip)."""
    wanted = set(line_ids)
    lines = records.list_records(
        session, "orders", where=lambda q: q.where(OrderLine.id.in_(wanted))
    )
    contacts = {v["name"]: v.get("contact") for v in records.list_records(session, "vendors")}
    by_vendor: dict[str, list[Record]] = {}
    left_out: list[str] = []
    for line in sorted(lines, key=lambda r: (r["po_number"], r["line"])):
        why = chaseable(line_value(line))
        if why is not None:
            left_out.append(f"{line['po_number']}/{line['line']} ({why})")
            continue
        by_vendor.setdefault(line["vendor"], []).append(line)
    messages = [
        _message(vendor, contacts.get(vendor), chosen, sender, today)
        for vendor, chosen in sorted(by_vendor.items())
    ]
    return Chase(messages, left_out)


def _message(
    vendor: str, contact: str | None, lines: list[Record], sender: str, today: dt.date
) -> ChaseMessage:
    orders = sorted({line["po_number"] for line in lines})
    values = [line_value(line) for line in lines]
    late = sum(1 for value in values if supply.is_overdue(value, today))
    subject = (
        f"Purchase order{'s' if len(orders) > 1 else ''} {', '.join(orders)}: "
        + (f"{late} line{'s' if late != 1 else ''} overdue, " if late else "")
        + "please confirm delivery dates"
    )
    rows = [
        [
            line["po_number"],
            str(line["line"]),
            line["sku"],
            str(line["quantity"]),
            str(supply.open_units(value)),
            _iso(line.get("promised_date")),
            _iso(line.get("eta")),
            _note(value, today),
        ]
        for line, value in zip(lines, values, strict=True)
    ]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(HEADERS)]

    def aligned(cells: list[str] | tuple[str, ...]) -> str:
        return "  ".join(
            c.rjust(w) if NUMERIC[i] else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    to = f"To: {vendor}" + (f" <{contact}>" if contact else "")
    intro = (
        f"Hello {vendor},\n\nplease confirm the delivery dates of these open lines"
        + (", and give a new date for the overdue ones" if late else "")
        + f" (as of {today.isoformat()}):"
    )
    text = "\n".join(
        [
            to,
            f"Subject: {subject}",
            "",
            intro,
            "",
            aligned(HEADERS),
            *(aligned(row) for row in rows),
            "",
            "Thank you,",
            sender,
        ]
    )
    page = (
        f"<p>{html.escape(to)}<br>Subject: {html.escape(subject)}</p>"
        f"<p>{html.escape(intro).replace(chr(10), '<br>')}</p>"
        f"{html_table(HEADERS, rows, NUMERIC)}<p>Thank you,<br>{html.escape(sender)}</p>"
    )
    return ChaseMessage(vendor, contact, subject, text, page, len(lines))
