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

from models import OrderLine
from models.enums import CLOSED_LINE_STATUSES
from services import records
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
    # Lines chosen but not chased: received in full or cancelled.
    left_out: list[str]

    @property
    def text(self) -> str:
        return "\n\n".join(m.text for m in self.messages)

    @property
    def html(self) -> str:
        return html_page("<hr>".join(m.html for m in self.messages))


def _overdue(line: Record, today: dt.date) -> dt.date | None:
    """The day a line became overdue (its ETA, else its promised date, passed), or None."""
    due = line.get("eta") or line.get("promised_date")
    return due if due is not None and due < today else None


def _slip(line: Record) -> int:
    """Days the ETA lies after the promised date (0 when it does not)."""
    promised, eta = line.get("promised_date"), line.get("eta")
    return (eta - promised).days if promised is not None and eta is not None else 0


def _note(line: Record, today: dt.date) -> str:
    overdue = _overdue(line, today)
    if line.get("eta") is None and line.get("promised_date") is None:
        return "no date given yet: please confirm one"
    if overdue is not None:
        return f"overdue since {overdue.isoformat()}: please give a new date"
    if _slip(line) > 0:
        return f"{_slip(line)} days after the promised date: please confirm"
    return "please confirm"


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
    ``late_only``: only those overdue or slipped past their promised date (what a buyer
    chases first). An unknown vendor or PO number is a NotFoundError naming the closest."""
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
    chosen = [line for line in lines if line["status"] not in CLOSED_LINE_STATUSES]
    if late_only:
        chosen = [line for line in chosen if _overdue(line, today) is not None or _slip(line) > 0]
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
        if line["status"] in CLOSED_LINE_STATUSES:
            left_out.append(f"{line['po_number']}/{line['line']} ({line['status']})")
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
    late = sum(1 for line in lines if _overdue(line, today) is not None)
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
            str(line["quantity"] - (line.get("received_qty") or 0)),
            _iso(line.get("promised_date")),
            _iso(line.get("eta")),
            _note(line, today),
        ]
        for line in lines
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
