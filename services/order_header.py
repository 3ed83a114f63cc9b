"""A purchase order's header (vendor, site, order date, currency, payment schedule) and its
audit: the one place both write paths take them from.

An order line carries its purchase order's fields (``services.schema.PURCHASE_ORDER_FIELDS``).
Saving a line in the window (``services.records``) writes them through the ORM; the import
(``services.importing.writer``) writes them in bulk on Core. Both say what the header is with
``header``, and audit what changed with ``header_audit``: one diff, one audit shape.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from domain.statuses import AuditAction
from models import PurchaseOrder, Site, Vendor
from services import audit
from services.audit import Actor
from services.schema import PURCHASE_ORDER_FIELDS

# A purchase order's currency when its lines name none.
DEFAULT_CURRENCY = "USD"


def header(
    vendor: str | None,
    site: str | None,
    order_date: dt.date | None,
    currency: str | None,
    payment_schedule: str | None,
) -> dict[str, Any]:
    """An order's header as the audit compares it: field name -> value (the vendor and the
    site by name)."""
    values = (vendor, site, order_date, currency, payment_schedule)
    return dict(zip(PURCHASE_ORDER_FIELDS, values, strict=True))


def currency_of(record: Mapping[str, Any]) -> str:
    """The currency a line's record gives its order: its own, else the default."""
    return record.get("currency") or DEFAULT_CURRENCY


def header_audit(
    actor: Actor,
    order_id: int,
    po_number: str,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    *,
    at: dt.datetime | None = None,
) -> list[dict[str, Any]]:
    """The audit entries of what changed from header ``before`` to ``after`` of order
    ``po_number`` (none: nothing changed), one an updated field."""
    return [
        audit.entry(
            actor,
            "purchase_orders",
            order_id,
            po_number,
            AuditAction.UPDATE,
            change.field,
            change.old,
            change.new,
            at=at,
        )
        for change in audit.diff(dict(before), dict(after), PURCHASE_ORDER_FIELDS)
    ]


def write_header(
    session: Session,
    order: PurchaseOrder,
    vendor: Vendor,
    site: Site,
    record: Mapping[str, Any],
    actor: Actor,
) -> None:
    """Give ORM ``order`` the header a line's ``record`` names, audited when the order was
    already stored (a new order's creation is its record)."""
    before = header(
        order.vendor.name if order.vendor_id else None,
        order.site.name if order.site_id else None,
        order.order_date,
        order.currency,
        order.payment_schedule,
    )
    after = header(
        vendor.name,
        site.name,
        record["order_date"],
        currency_of(record),
        record.get("payment_schedule"),
    )
    order.vendor = vendor
    order.site = site
    order.order_date = after["order_date"]
    order.currency = after["currency"]
    order.payment_schedule = after["payment_schedule"]
    if order.id is None:
        return
    entries = header_audit(actor, order.id, order.po_number, before, after)
    if entries:
        order.updated_by = actor.user
        audit.write_entries(session, entries)
