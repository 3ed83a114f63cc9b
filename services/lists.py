"""What the list screens need besides the records themselves: names for pick lists, which
rows are overdue or at risk, and the totals under a list.

Rows here are plain tuples with the field names alongside (the shape a table model keeps),
so marking or totalling 100,000 order lines costs no per-row objects.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any, Literal

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from models import Customer, ImportBatch, Product, PurchaseOrder, Site, Vendor
from models.enums import BINDING_CONTRACT_STATUSES, CLOSED_LINE_STATUSES
from services import records, settings

Level = Literal["overdue", "at_risk"]


@dataclass(frozen=True)
class Mark:
    """Why a row stands out: ``overdue`` (a date has passed) or ``at_risk`` (it soon will, or
    it has slipped), with a sentence a buyer understands."""

    level: Level
    reason: str


@dataclass
class ReferenceNames:
    """Names offered by pick lists in edit dialogs and filters."""

    vendors: list[str] = field(default_factory=list)
    sites: list[str] = field(default_factory=list)
    customers: list[str] = field(default_factory=list)
    skus_by_vendor: dict[str, list[str]] = field(default_factory=dict)

    def skus(self, vendor: str | None = None) -> list[str]:
        if vendor:
            key = records.name_key(vendor)
            for name, skus in self.skus_by_vendor.items():
                if records.name_key(name) == key:
                    return skus
            return []
        return sorted({sku for skus in self.skus_by_vendor.values() for sku in skus})


def reference_names(session: Session) -> ReferenceNames:
    names = ReferenceNames(
        vendors=list(session.scalars(select(Vendor.name).order_by(Vendor.name_key))),
        sites=list(session.scalars(select(Site.name).order_by(Site.name))),
        customers=list(session.scalars(select(Customer.name).order_by(Customer.name))),
    )
    for vendor, sku in session.execute(
        select(Vendor.name, Product.sku)
        .join(Product, Product.vendor_id == Vendor.id)
        .order_by(Vendor.name_key, Product.sku)
    ):
        names.skus_by_vendor.setdefault(vendor, []).append(sku)
    return names


def first_records(session: Session, kind_name: str, limit: int) -> list[dict[str, Any]]:
    """The first records of a kind in list order (at most ``limit``): a screen shows these at
    once while the whole list loads in the background."""
    # The same rows as records.list_records, by a statement built once and run on the
    # session's connection without the ORM's result layer: on a 100-line first page,
    # building the SELECT again and the ORM rows took about as long as the database.
    result = session.connection().execute(_first_page(kind_name, limit))
    keys = list(result.keys())
    found = [dict(zip(keys, row, strict=True)) for row in result]
    return records.adapter(kind_name).finish(session, found)


@cache
def _first_page(kind_name: str, limit: int) -> Select[Any]:
    query = records.adapter(kind_name).select()
    if kind_name == "orders":
        # Lines of the first purchase orders: a LIMIT over the joined lines alone would make
        # the database sort every line first (0.1 s on 100,000 lines). Within those orders
        # the LIMIT keeps only the lines shown (the sort covers a few hundred lines).
        first_orders = (
            select(PurchaseOrder.id)
            .order_by(PurchaseOrder.po_number)
            .limit(max(limit // 4, 1))  # enough orders to fill a screen, at a line or more each
            .scalar_subquery()
        )
        query = query.where(PurchaseOrder.id.in_(first_orders))
    return query.limit(limit)


def is_empty(session: Session) -> bool:
    """True for a database holding no sites, vendors or customers yet (a fresh demo file)."""
    return not any(
        session.scalar(select(func.count()).select_from(model))
        for model in (Site, Vendor, Customer)
    )


# --- marks -------------------------------------------------------------------------------


def _days(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"


def _line_mark(row: Sequence[Any], at: Mapping[str, int], today: dt.date, slip: int) -> Mark | None:
    if row[at["status"]] in CLOSED_LINE_STATUSES:
        return None
    eta, promised = row[at["eta"]], row[at["promised_date"]]
    due = eta or promised
    if due is not None and due < today:
        which = "ETA" if eta else "promised date"
        return Mark("overdue", f"{which} {due.isoformat()} passed {_days((today - due).days)} ago")
    if eta is not None and promised is not None and (eta - promised).days > slip:
        return Mark(
            "at_risk",
            f"ETA {eta.isoformat()} has slipped {_days((eta - promised).days)} past the "
            f"promised date {promised.isoformat()}",
        )
    return None


def _notice_mark(
    end: dt.date | None, notice_days: int | None, today: dt.date, horizon: int, what: str
) -> Mark | None:
    if end is None or end < today:
        return None
    deadline = end - dt.timedelta(days=notice_days or 0)
    if deadline < today:
        return Mark("overdue", f"the {what} notice deadline {deadline.isoformat()} has passed")
    if (deadline - today).days <= horizon:
        return Mark(
            "at_risk",
            f"the {what} notice deadline {deadline.isoformat()} is in "
            f"{_days((deadline - today).days)}",
        )
    return None


def marks(
    session: Session,
    kind_name: str,
    names: Sequence[str],
    rows: Iterable[Sequence[Any]],
    today: dt.date | None = None,
) -> list[Mark | None]:
    """One mark (or None) per row of ``kind_name``, by the alert rules of DESIGN §4 that a
    single row can show: overdue and slipped order lines, PPA and contract notice deadlines,
    lapsed lead-time quotes."""
    today = today or dt.date.today()
    at = {name: i for i, name in enumerate(names)}
    options = settings.get_all(session)
    if kind_name == "orders":
        slip = int(options["slip_threshold_days"])
        return [_line_mark(row, at, today, slip) for row in rows]
    if kind_name == "ppas":
        horizon = int(options["ppa_expiry_horizon_days"])
        return [
            _notice_mark(row[at["end_date"]], row[at["notice_days"]], today, horizon, "PPA")
            if row[at["start_date"]] <= today
            else None
            for row in rows
        ]
    if kind_name == "contracts":
        horizon = int(options["contract_notice_horizon_days"])
        return [
            _notice_mark(row[at["end_date"]], row[at["notice_days"]], today, horizon, "contract")
            if row[at["status"]] in BINDING_CONTRACT_STATUSES
            else None
            for row in rows
        ]
    if kind_name == "leadtimes":
        return [
            Mark("at_risk", f"the quote lapsed on {row[at['valid_until']].isoformat()}")
            if row[at["valid_until"]] is not None and row[at["valid_until"]] < today
            else None
            for row in rows
        ]
    return [None for _ in rows]


# --- totals ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Total:
    label: str
    # An int, a Decimal, or money as {currency: amount} (sums are never mixed across currencies).
    value: int | Decimal | dict[str, Decimal]


def open_units(quantity: int, received_qty: int | None, status: str) -> int:
    """Units still expected from the vendor: none on a cancelled or fully received line."""
    if status in CLOSED_LINE_STATUSES:
        return 0
    return max(quantity - (received_qty or 0), 0)


def totals(kind_name: str, names: Sequence[str], rows: Iterable[Sequence[Any]]) -> list[Total]:
    """The figures under a list of ``kind_name`` rows (the rows shown, after filtering)."""
    at = {name: i for i, name in enumerate(names)}
    if kind_name == "orders":
        return _order_totals(at, rows)
    if kind_name == "contracts":
        mw = Decimal(0)
        gpus = 0
        for row in rows:
            if row[at["status"]] in BINDING_CONTRACT_STATUSES:
                mw += row[at["committed_mw"]] or 0
                gpus += row[at["committed_gpus"]] or 0
        return [Total("MW contracted", mw), Total("GPUs contracted", gpus)]
    if kind_name == "ppas":
        capacity = sum((row[at["capacity_mw"]] for row in rows), Decimal(0))
        return [Total("PPA MW", capacity)]
    if kind_name == "sites":
        grid = sum((row[at["grid_capacity_mw"]] or 0 for row in rows), Decimal(0))
        return [Total("Grid MW", grid)]
    return []


def _order_totals(at: Mapping[str, int], rows: Iterable[Sequence[Any]]) -> list[Total]:
    i_qty, i_rec, i_status = at["quantity"], at["received_qty"], at["status"]
    i_price, i_cur, i_gpus = at["unit_price"], at["currency"], at.get("gpus_per_unit")
    value: dict[str, Decimal] = {}
    gpus = 0
    for row in rows:
        units = open_units(row[i_qty], row[i_rec], row[i_status])
        if not units:
            continue
        price = row[i_price]
        if price is not None:
            currency = row[i_cur] or "USD"
            value[currency] = value.get(currency, Decimal(0)) + units * price
        if i_gpus is not None:
            gpus += units * (row[i_gpus] or 0)
    return [Total("Open order value", value), Total("GPUs on order", gpus)]


# --- import batches ----------------------------------------------------------------------


@dataclass(frozen=True)
class ImportBatchRow:
    id: int
    file_name: str
    sheet: str | None
    kind: str
    user: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    created: int
    updated: int
    unchanged: int
    rejected: int
    undone_at: dt.datetime | None


def import_batches(session: Session) -> list[ImportBatchRow]:
    """Every import batch, newest first."""
    rows = session.execute(
        select(
            ImportBatch.id,
            ImportBatch.file_name,
            ImportBatch.sheet,
            ImportBatch.kind,
            ImportBatch.user,
            ImportBatch.started_at,
            ImportBatch.finished_at,
            ImportBatch.created,
            ImportBatch.updated,
            ImportBatch.unchanged,
            ImportBatch.rejected,
            ImportBatch.undone_at,
        ).order_by(ImportBatch.started_at.desc(), ImportBatch.id.desc())
    )
    return [ImportBatchRow(**row._asdict()) for row in rows]
