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
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

import models
from domain.contracts import is_binding
from domain.statuses import NO_OPEN_UNITS
from domain.supply import units_open
from services import records, settings
from services.audit import ENTITY_MODELS
from services.errors import NotFoundError
from services.figures import CENT, Converter
from services.marks import Level as Level
from services.marks import Mark as Mark
from services.marks import row_marks
from services.order_header import DEFAULT_CURRENCY


@dataclass
class ReferenceNames:
    """Names offered by pick lists in edit dialogs and filters."""

    vendors: list[str] = field(default_factory=list)
    sites: list[str] = field(default_factory=list)
    customers: list[str] = field(default_factory=list)
    skus_by_vendor: dict[str, list[str]] = field(default_factory=dict)
    contracts: list[str] = field(default_factory=list)
    deployments: list[str] = field(default_factory=list)
    # The currencies a price may be in: the reporting currency first, then those with an FX
    # rate (a price in any other could not be converted, so the figures could not count it).
    currencies: list[str] = field(default_factory=list)

    def parts(self) -> list[str]:
        """What a bill of parts may name: a category, or any vendor's sku."""
        from domain.supply import Category

        return [c.value for c in Category] + self.skus()

    def part_meaning(self, part: str) -> str:
        """What a bill-of-parts entry stands for, in words: any product of a category, or
        the vendors that sell a sku."""
        from services.words import words as said

        category = records.part_category(part)
        if category is not None:
            words = said(category)  # "Cooling", "GPU system": in a sentence
            words = words[:1].lower() + words[1:] if words[1:2].islower() else words
            return f"Any {words} product"
        key = part.strip().casefold()
        sellers = [v for v, skus in self.skus_by_vendor.items() if key in map(str.casefold, skus)]
        if sellers:
            return "Sold by " + ", ".join(sellers)
        return "Neither a known SKU nor a category"

    # The other names vendors go by (``records.name_key`` of the alias -> the vendor's name).
    vendor_aliases: dict[str, str] = field(default_factory=dict)
    # Each vendor's usual currency: its latest purchase order's, else the one its products'
    # list prices are in most often (vendor name -> currency).
    vendor_currencies: dict[str, str] = field(default_factory=dict)

    def currency_for(self, vendor: str | None) -> str:
        """The currency a new order from ``vendor`` starts in: the vendor's usual one, else
        the reporting currency."""
        named = self.vendor_named(vendor) if vendor else None
        usual = self.vendor_currencies.get(named) if named is not None else None
        return usual or (self.currencies[0] if self.currencies else DEFAULT_CURRENCY)

    def vendor_named(self, name: str) -> str | None:
        """The vendor called ``name`` or known by it as an alias, whatever the case."""
        key = records.name_key(name)
        found = next((v for v in self.vendors if records.name_key(v) == key), None)
        return found if found is not None else self.vendor_aliases.get(key)

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
        vendors=list(session.scalars(select(models.Vendor.name).order_by(models.Vendor.name_key))),
        sites=list(session.scalars(select(models.Site.name).order_by(models.Site.name))),
        customers=list(
            session.scalars(select(models.Customer.name).order_by(models.Customer.name))
        ),
        contracts=list(
            session.scalars(
                select(models.CustomerContract.contract_ref).order_by(
                    models.CustomerContract.contract_ref
                )
            )
        ),
        deployments=list(
            session.scalars(
                select(models.Deployment.deployment_ref).order_by(models.Deployment.deployment_ref)
            )
        ),
    )
    for vendor, sku in session.execute(
        select(models.Vendor.name, models.Product.sku)
        .join(models.Product, models.Product.vendor_id == models.Vendor.id)
        .order_by(models.Vendor.name_key, models.Product.sku)
    ):
        names.skus_by_vendor.setdefault(vendor, []).append(sku)
    for vendor, alias_key in session.execute(
        select(models.Vendor.name, models.VendorAlias.alias_key).join(
            models.VendorAlias, models.VendorAlias.vendor_id == models.Vendor.id
        )
    ):
        names.vendor_aliases[alias_key] = vendor
    reporting = str(settings.get(session, "reporting_currency")).upper()
    rated = {str(c).upper() for c in session.scalars(select(models.FxRate.currency).distinct())}
    names.currencies = [reporting, *sorted(rated - {reporting})]
    names.vendor_currencies = _vendor_currencies(session)
    return names


def _vendor_currencies(session: Session) -> dict[str, str]:
    """Each vendor's usual currency (``ReferenceNames.vendor_currencies``)."""
    found: dict[str, str] = {}
    po = models.PurchaseOrder
    latest_first = (
        select(models.Vendor.name, po.currency)
        .join(po, po.vendor_id == models.Vendor.id)
        .order_by(models.Vendor.id, po.order_date.desc(), po.id.desc())
    )
    for vendor, currency in session.execute(latest_first):
        if currency:
            found.setdefault(vendor, currency.upper())
    product = models.Product
    priced = (
        select(models.Vendor.name, product.currency, func.count())
        .join(product, product.vendor_id == models.Vendor.id)
        .where(product.list_price.is_not(None))
        .group_by(models.Vendor.name, product.currency)
        # Most products first; among as many, the currency first in the alphabet.
        .order_by(models.Vendor.name, func.count().desc(), product.currency)
    )
    for vendor, currency, _count in session.execute(priced):
        if currency:
            found.setdefault(vendor, currency.upper())
    return found


def list_rows(
    session: Session, kind_name: str, today: dt.date | None = None
) -> list[dict[str, Any]]:
    """A list screen's records: the kind's own fields, and the figures a buyer sorts by:
    for vendors their performance (on-time share of units, median slip, newest quoted lead
    time, open order value in the reporting currency, ``value_currency`` naming it); for
    contracts their need-by date, GPUs secured and shortfall; for products their newest
    quoted lead time and the units still on order."""
    from services.attachments import add_counts

    found = records.list_records(session, kind_name)
    if not found:
        return found
    add_counts(session, kind_name, found)  # "attachments": how many files each one has
    day = today or dt.date.today()
    if kind_name == "contracts":
        return _with_contract_figures(session, found, day)
    if kind_name == "products":
        return _with_product_figures(session, found)
    if kind_name != "vendors":
        return found
    from services.scorecard import vendor_scorecard

    scores = {score.vendor: score for score in vendor_scorecard(session, day)}
    currency = str(settings.get_all(session)["reporting_currency"])
    for record in found:
        score = scores.get(record["name"])
        record["on_time_pct"] = score.on_time_pct if score else None
        record["units_overdue"] = score.units_overdue if score else 0
        record["median_slip_days"] = score.median_slip_days if score else None
        record["open_value"] = score.open_value if score else Decimal(0)
        record["value_currency"] = currency
    return found


def _with_contract_figures(
    session: Session, found: list[dict[str, Any]], day: dt.date
) -> list[dict[str, Any]]:
    """Contracts with what secures them: need-by date, GPUs secured, shortfall (docs/domain.md)."""
    from services.figures import picture
    from services.margins import contracts_of

    pic = picture(session, day)
    figures = pic.contracts
    margins = contracts_of(pic)
    currency = pic.world.settings.reporting_currency.upper()
    for record in found:
        margin = margins.get(record["contract_ref"])
        # The first month's margin in the reporting currency (None: unknown, or not binding).
        record["margin"] = None if margin is None else margin.first.margin
        pct = None if margin is None else margin.first.margin_pct
        record["margin_pct"] = None if pct is None else pct.quantize(CENT)
        record["margin_currency"] = currency
        figure = figures.get(record["contract_ref"])
        record["need_by"] = figure.need_by if figure else None
        record["gpus_secured"] = figure.gpus_secured if figure else None
        record["shortfall"] = figure.shortfall if figure else None
        record["delivery_date"] = figure.delivery_date if figure else None
        record["days_late"] = figure.days_late if figure else None
        credit = figure.late_credit if figure else None
        record["late_credit"] = credit.amount if credit else None
    return found


def _with_product_figures(session: Session, found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Products with their newest quoted lead time and the units still on order."""
    from services.catalogue import catalogue

    items = catalogue(session)
    # Units still to come per product, summed by the database (as open_units counts them:
    # none on a received or cancelled line, never below none).
    open_units_of: dict[int, Any] = dict(
        session.execute(
            select(
                models.OrderLine.product_id,
                func.sum(
                    case(
                        (
                            models.OrderLine.quantity > models.OrderLine.received_qty,
                            models.OrderLine.quantity - models.OrderLine.received_qty,
                        ),
                        else_=0,
                    )
                ),
            )
            .where(models.OrderLine.status.not_in(NO_OPEN_UNITS))
            .group_by(models.OrderLine.product_id)
        ).all()
    )
    for record in found:
        key = (records.name_key(record["vendor"]), records.name_key(record["sku"]))
        item = items.get(key)
        record["lead_days"] = item.lead_days if item else None
        record["quoted_on"] = item.quoted_on if item else None
        record["units_on_order"] = int(open_units_of.get(record["id"]) or 0)
    return found


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
            select(models.PurchaseOrder.id)
            .order_by(models.PurchaseOrder.po_number)
            .limit(max(limit // 4, 1))  # enough orders to fill a screen, at a line or more each
            .scalar_subquery()
        )
        query = query.where(models.PurchaseOrder.id.in_(first_orders))
    return query.limit(limit)


def is_empty(session: Session) -> bool:
    """True for a database holding no sites, vendors or customers yet (a fresh demo file)."""
    return not any(
        session.scalar(select(func.count()).select_from(model))
        for model in (models.Site, models.Vendor, models.Customer)
    )


# --- marks -------------------------------------------------------------------------------


def marks(
    session: Session,
    kind_name: str,
    names: Sequence[str],
    rows: Iterable[Sequence[Any]],
    today: dt.date | None = None,
) -> list[Mark | None]:
    """One mark (or None) per row of ``kind_name``: the alerts (docs/adding-an-alert.md) of it
    (services.marks). A list marks its rows with ``services.marks.row_marks`` once per load."""
    return row_marks(session, kind_name, today).for_rows(names, rows)


# --- totals ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConvertedMoney:
    """An amount in the reporting currency, and per currency what could not be converted
    (no rate on or before the order date: never counted 1:1)."""

    amount: Decimal
    currency: str
    unconverted: dict[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class Total:
    label: str
    # An int, a Decimal, money in the reporting currency, or (without exchange rates) money
    # per currency as {currency: amount}.
    value: int | Decimal | ConvertedMoney | dict[str, Decimal]


def converter(session: Session) -> Converter:
    """Amounts to the reporting currency at the rates in the database (services.figures)."""
    fx: dict[str, list[tuple[dt.date, Decimal]]] = {}
    for currency, valid_from, rate in session.execute(
        select(models.FxRate.currency, models.FxRate.valid_from, models.FxRate.rate).order_by(
            models.FxRate.valid_from
        )
    ):
        fx.setdefault(currency.upper(), []).append((valid_from, rate))
    return Converter(fx, str(settings.get_all(session)["reporting_currency"]))


open_units = units_open


def totals(
    kind_name: str,
    names: Sequence[str],
    rows: Iterable[Sequence[Any]],
    money: Converter | None = None,
) -> list[Total]:
    """The figures under a list of ``kind_name`` rows (the rows shown, after filtering).
    With ``money`` (see ``converter``) order value is in the reporting currency, each line
    converted at the rate of its order date (docs/domain.md, open order value); without it, per
    currency."""
    at = {name: i for i, name in enumerate(names)}
    if kind_name == "orders":
        return _order_totals(at, rows, money)
    if kind_name == "contracts":
        # Totals count the contracts that bind; the others are counted apart, never added in.
        mw = other_mw = Decimal(0)
        gpus = other_gpus = others = 0
        for row in rows:
            if is_binding(row[at["status"]]):
                mw += row[at["committed_mw"]] or 0
                gpus += row[at["committed_gpus"]] or 0
            else:
                others += 1
                other_mw += row[at["committed_mw"]] or 0
                other_gpus += row[at["committed_gpus"]] or 0
        found = [Total("MW contracted", mw), Total("GPUs contracted", gpus)]
        if others:
            found += [
                Total("Not binding (draft, expired, terminated)", others),
                Total("their MW", other_mw),
                Total("their GPUs", other_gpus),
            ]
        return found
    if kind_name == "ppas":
        capacity = sum((row[at["capacity_mw"]] for row in rows), Decimal(0))
        return [Total("PPA MW", capacity)]
    if kind_name == "sites":
        grid = sum((row[at["grid_capacity_mw"]] or 0 for row in rows), Decimal(0))
        return [Total("Grid MW", grid)]
    return []


def _order_totals(
    at: Mapping[str, int], rows: Iterable[Sequence[Any]], money: Converter | None
) -> list[Total]:
    i_qty, i_rec, i_status = at["quantity"], at["received_qty"], at["status"]
    i_price, i_cur, i_gpus = at["unit_price"], at["currency"], at.get("gpus_per_unit")
    i_day = at["order_date"]
    # Open value per currency and order date first: each sum is converted once, at the rate
    # of that day (100,000 lines share a few hundred order dates).
    by_day: dict[tuple[str, dt.date], Decimal] = {}
    gpus = 0
    for row in rows:
        units = open_units(row[i_qty], row[i_rec], row[i_status])
        if not units:
            continue
        price = row[i_price]
        if price is not None:
            key = (row[i_cur] or "USD", row[i_day])
            by_day[key] = by_day.get(key, Decimal(0)) + units * price
        if i_gpus is not None:
            gpus += units * (row[i_gpus] or 0)
    open_value: ConvertedMoney | dict[str, Decimal]
    if money is None:
        per_currency: dict[str, Decimal] = {}
        for (currency, _), amount in by_day.items():
            per_currency[currency] = per_currency.get(currency, Decimal(0)) + amount
        open_value = per_currency
    else:
        converted = Decimal(0)
        unconverted: dict[str, Decimal] = {}
        for (currency, day), amount in by_day.items():
            rate = money.rate(currency, day)
            if rate is None:
                unconverted[currency] = unconverted.get(currency, Decimal(0)) + amount
            else:
                converted += amount * rate
        open_value = ConvertedMoney(
            converted.quantize(CENT),
            money.reporting,
            {c: v.quantize(CENT) for c, v in sorted(unconverted.items())},
        )
    return [Total("Open order value", open_value), Total("GPUs on order", gpus)]


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
            models.ImportBatch.id,
            models.ImportBatch.file_name,
            models.ImportBatch.sheet,
            models.ImportBatch.kind,
            models.ImportBatch.user,
            models.ImportBatch.started_at,
            models.ImportBatch.finished_at,
            models.ImportBatch.created,
            models.ImportBatch.updated,
            models.ImportBatch.unchanged,
            models.ImportBatch.rejected,
            models.ImportBatch.undone_at,
        ).order_by(models.ImportBatch.started_at.desc(), models.ImportBatch.id.desc())
    )
    return [ImportBatchRow(**row._asdict()) for row in rows]


@dataclass(frozen=True)
class BatchRecords:
    """The records one import batch created or changed: what "show imported records" shows."""

    batch_id: int
    kind: str
    file_name: str
    sheet: str | None
    ids: frozenset[int]

    @property
    def description(self) -> str:
        sheet = f", sheet {self.sheet!r}" if self.sheet else ""
        return f"import batch {self.batch_id} ({self.file_name}{sheet})"


def batch_records(session: Session, batch_id: int) -> BatchRecords:
    """The ids of the records of ``batch_id``'s kind that it created or changed: those that
    keep its id as their creating batch (DESIGN §5: creation by batch), and those the audit
    trail names with the batch as the source of a change. Records removed since (an undone
    batch) are in no list."""
    batch = session.get(models.ImportBatch, batch_id)
    if batch is None:
        raise NotFoundError(f"there is no import batch {batch_id}")
    model = ENTITY_MODELS[batch.kind]
    created = session.scalars(select(model.id).where(model.created_batch_id == batch_id))
    ids = session.scalars(
        select(models.AuditEntry.entity_id)
        .where(
            models.AuditEntry.import_batch_id == batch_id,
            models.AuditEntry.entity == batch.kind,
            models.AuditEntry.action.in_(("create", "update")),
            models.AuditEntry.entity_id.is_not(None),
        )
        .distinct()
    )
    found = frozenset(created) | frozenset(i for i in ids if i is not None)
    return BatchRecords(batch.id, batch.kind, batch.file_name, batch.sheet, found)
