"""Purchase orders and their lines: what a buyer does to an order after it is placed.

Receiving goods, moving an ETA and cancelling a line are all updates of the order line
record, so they go through ``records.update``: the same validation, the same audit trail,
the same version check (a line changed by someone else since it was read raises
ConflictError), and an ETA move lands in the ETA history with the user who made it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import PurchaseOrder
from models.enums import CLOSED_LINE_STATUSES
from services import records
from services.audit import Actor
from services.errors import NotFoundError, Problem, ValidationError

Record = dict[str, Any]


@dataclass(frozen=True)
class OrderView:
    """A purchase order with its lines, as plain values for a screen or a report."""

    id: int
    version: int
    po_number: str
    vendor: str
    site: str
    order_date: dt.date
    currency: str
    status: str
    notes: str | None
    lines: list[Record] = field(default_factory=list)

    @property
    def order_value(self) -> Decimal:
        """Σ quantity × unit price over lines that are not cancelled (prices left blank
        count as nothing)."""
        return sum(
            (
                line["quantity"] * line["unit_price"]
                for line in self.lines
                if line["status"] != "cancelled" and line["unit_price"] is not None
            ),
            Decimal(0),
        )


def purchase_order(session: Session, po_number: str) -> OrderView:
    """The purchase order ``po_number`` with its lines in line order."""
    order = session.scalar(select(PurchaseOrder).where(PurchaseOrder.po_number == po_number))
    if order is None:
        raise NotFoundError(f"purchase order {po_number!r} no longer exists")
    lines = records.list_records(
        session, "orders", where=lambda q: q.where(PurchaseOrder.id == order.id)
    )
    return OrderView(
        id=order.id,
        version=order.version,
        po_number=order.po_number,
        vendor=order.vendor.name,
        site=order.site.name,
        order_date=order.order_date,
        currency=order.currency,
        status=order.status,
        notes=order.notes,
        lines=lines,
    )


def _refuse(line: Record, field_name: str, value: Any, reason: str) -> ValidationError:
    return ValidationError(
        [Problem(field_name, value, reason)],
        subject=f"Order line {records.record_key('orders', line)}",
    )


def receive(
    session: Session,
    line_id: int,
    quantity: int,
    received_on: dt.date,
    actor: Actor,
    *,
    expected_version: int | None = None,
) -> Record:
    """Book ``quantity`` units arriving on ``received_on`` against a line.

    The units add to what was received before; the line's ``received_date`` becomes the day
    of this delivery, and its status follows (all units in: received; some: partially
    received). Receiving more than was ordered, or before the order date, is refused.
    """
    line = records.get_record(session, "orders", line_id)
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity <= 0:
        raise _refuse(line, "received_qty", quantity, "the units received must be more than 0")
    if line["status"] == "cancelled":
        raise _refuse(line, "status", line["status"], "a cancelled line cannot receive goods")
    received = (line["received_qty"] or 0) + quantity
    return records.update(
        session,
        "orders",
        line_id,
        {"received_qty": received, "received_date": received_on},
        actor,
        expected_version=expected_version,
    )


def change_eta(
    session: Session,
    line_id: int,
    eta: dt.date | None,
    actor: Actor,
    *,
    expected_version: int | None = None,
) -> Record:
    """Move a line's ETA (None: the vendor gave no date). The move is kept in the ETA history
    with the user; the promised date, the vendor's first commitment, never changes here."""
    line = records.get_record(session, "orders", line_id)
    if line["status"] in CLOSED_LINE_STATUSES:
        raise _refuse(
            line, "eta", eta, f"the line is {line['status'].replace('_', ' ')}; no ETA to move"
        )
    return records.update(
        session, "orders", line_id, {"eta": eta}, actor, expected_version=expected_version
    )


def cancel_line(
    session: Session,
    line_id: int,
    actor: Actor,
    *,
    expected_version: int | None = None,
) -> Record:
    """Cancel what is still open on a line. Units already received stay received; a line
    received in full has nothing left to cancel."""
    line = records.get_record(session, "orders", line_id)
    if line["status"] == "received":
        raise _refuse(line, "status", line["status"], "every unit has arrived; nothing to cancel")
    return records.update(
        session,
        "orders",
        line_id,
        {"status": "cancelled"},
        actor,
        expected_version=expected_version,
    )
