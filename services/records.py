"""Create, read, update and delete records of every kind, with validation and the audit trail.

Every kind has an adapter that knows its table(s): how to list it as records (one Core
``SELECT`` with canonical column labels, so 100,000 order lines load as tuples, not ORM
objects), how to find a row by natural key, and how to write a record's values onto a row
(resolving names of vendors, sites, products and customers to their rows).

The session's lifetime is the caller's: these functions flush but never commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from rapidfuzz import fuzz, process
from sqlalchemy import ColumnElement, Connection, Select, func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

import models
from domain.allocation import is_part_category
from domain.statuses import (
    AuditAction,
    ContractStatus,
    DeploymentStatus,
    LineStatus,
    OrderStatus,
    RecordKind,
    SiteStatus,
)
from domain.supply import Category, first_commitment, take_vendor_dates
from services import audit
from services.attachment_store import forget_deleted
from services.audit import Actor
from services.errors import (
    ConflictError,
    DeletedError,
    NotFoundError,
    Problem,
    ReferencedError,
    UsageError,
    ValidationError,
)
from services.order_header import write_header
from services.schema import LINE_TERMS, PURCHASE_ORDER_FIELDS, Kind, kind
from services.validation import NAME_FIELDS, clean_text, lookalike, validate

Record = dict[str, Any]

# What a bill of parts may name besides a sku: any product of one of these categories.
PART_CATEGORIES: tuple[str, ...] = tuple(c.value for c in Category)

DEFAULTS: dict[str, Record] = {
    RecordKind.SITES: {"status": SiteStatus.PLANNED},
    RecordKind.PRODUCTS: {"category": "other", "gpus_per_unit": 0, "currency": "USD"},
    RecordKind.ORDERS: {"status": LineStatus.PLACED, "received_qty": 0, "currency": "USD"},
    RecordKind.PPAS: {"currency": "USD"},
    RecordKind.CONTRACTS: {"status": ContractStatus.SIGNED, "currency": "USD", "auto_renew": False},
    RecordKind.DEPLOYMENTS: {"status": DeploymentStatus.PLANNED},
}


def name_key(name: str) -> str:
    """How names are compared: case, surrounding and repeated spaces ignored."""
    return " ".join(name.split()).casefold()


def closest(name: str, candidates: Iterable[str]) -> str | None:
    """The known name most like ``name`` (rapidfuzz), or None when nothing is close."""
    found = process.extractOne(name, list(candidates), scorer=fuzz.WRatio, score_cutoff=60)
    return found[0] if found else None


def _unknown(field: str, value: str, label: str, known: Iterable[str]) -> Problem:
    guess = closest(value, known)
    hint = f"; did you mean {guess!r}?" if guess else ""
    return Problem(field, value, f"no {label} is called {value!r}{hint}")


# --- looking up referenced records -------------------------------------------------------


def find_vendor(session: Session, name: str) -> models.Vendor | None:
    """A vendor by name or by one of its aliases, whatever the case."""
    key = name_key(name)
    vendor = session.scalar(select(models.Vendor).where(models.Vendor.name_key == key))
    if vendor is None:
        vendor = session.scalar(
            select(models.Vendor)
            .join(models.VendorAlias)
            .where(models.VendorAlias.alias_key == key)
        )
    return vendor


def vendor_names(session: Session) -> list[str]:
    names = list(session.scalars(select(models.Vendor.name)))
    return names + list(session.scalars(select(models.VendorAlias.alias)))


def find_site(session: Session, name: str) -> models.Site | None:
    return session.scalar(
        select(models.Site).where(func.lower(models.Site.name) == name.strip().lower())
    )


def find_product(session: Session, vendor: models.Vendor, sku: str) -> models.Product | None:
    return session.scalar(
        select(models.Product).where(
            models.Product.vendor_id == vendor.id,
            func.lower(models.Product.sku) == sku.strip().lower(),
        )
    )


def find_customer(session: Session, name: str) -> models.Customer | None:
    return session.scalar(
        select(models.Customer).where(func.lower(models.Customer.name) == name.strip().lower())
    )


def find_contract(session: Session, ref: str) -> models.CustomerContract | None:
    return session.scalar(
        select(models.CustomerContract).where(
            func.lower(models.CustomerContract.contract_ref) == ref.strip().lower()
        )
    )


def find_deployment(session: Session, ref: str) -> models.Deployment | None:
    return session.scalar(
        select(models.Deployment).where(
            func.lower(models.Deployment.deployment_ref) == ref.strip().lower()
        )
    )


def part_category(part: str) -> str | None:
    """The product category a bill-of-parts entry names, by its code or its words
    (``cooling``, ``GPU system``), or None when it names none."""
    if is_part_category(part):
        return part.strip().casefold()
    from services.importing.values import ValueProblem, to_choice

    try:  # written in words: "GPU system", "Cooling" (the import's own reading of words)
        return to_choice(part, PART_CATEGORIES)
    except ValueProblem:
        return None


def part_name(session: Session, part: str) -> str | None:
    """A bill-of-parts entry as it is kept: a category name in lower case (``cooling``), a
    sku as its product spells it (any vendor's); None when it is neither."""
    category = part_category(part)
    if category is not None:
        return category
    return session.scalar(
        select(models.Product.sku)
        .where(func.lower(models.Product.sku) == part.strip().lower())
        .order_by(models.Product.id)
        .limit(1)
    )


def unknown_part(part: str, skus: Iterable[str]) -> Problem:
    """A part that is neither a known sku nor a category, with the closest of either."""
    categories = sorted(PART_CATEGORIES)
    guess = closest(part, [*categories, *skus])
    hint = f"; did you mean {guess!r}?" if guess else ""
    return Problem(
        "part",
        part,
        f"{part!r} is neither the sku of a product nor a category ({', '.join(categories)}){hint}",
    )


def _require_contract(
    session: Session, record: Record, site: models.Site | None, problems: list[Problem]
) -> models.CustomerContract | None:
    """The contract a deployment is built for (none given: None), at the deployment's site."""
    ref = record.get("contract_ref")
    if not ref:
        return None
    contract = find_contract(session, ref)
    if contract is None:
        known = session.scalars(select(models.CustomerContract.contract_ref))
        problems.append(_unknown("contract_ref", ref, "contract", known))
    elif site is not None and contract.site_id != site.id:
        problems.append(contract_elsewhere(contract.contract_ref, contract.site.name, site.name))
    return contract


def contract_elsewhere(contract_ref: str, contract_site: str, deployment_site: str) -> Problem:
    """A deployment at one site built for a contract at another."""
    return Problem(
        "contract_ref",
        contract_ref,
        f"contract {contract_ref} is at {contract_site}, not at {deployment_site}: a "
        "deployment is built at its contract's site",
    )


def _require_deployment(
    session: Session, record: Record, problems: list[Problem]
) -> models.Deployment | None:
    ref = record.get("deployment_ref")
    if not ref:
        return None
    deployment = find_deployment(session, ref)
    if deployment is None:
        known = session.scalars(select(models.Deployment.deployment_ref))
        problems.append(_unknown("deployment_ref", ref, "deployment", known))
    return deployment


def reserved_elsewhere(deployment_ref: str, deployment_site: str, line_site: str) -> Problem:
    """A line at one site reserved for a deployment at another."""
    return Problem(
        "deployment_ref",
        deployment_ref,
        f"deployment {deployment_ref} is at {deployment_site}, this line's order is at "
        f"{line_site}: a line serves a deployment at its own site",
    )


def _require_vendor(
    session: Session, record: Record, problems: list[Problem]
) -> models.Vendor | None:
    name = record.get("vendor")
    if not name:
        return None
    vendor = find_vendor(session, name)
    if vendor is None:
        problems.append(_unknown("vendor", name, "vendor", vendor_names(session)))
    return vendor


def _require_site(session: Session, record: Record, problems: list[Problem]) -> models.Site | None:
    name = record.get("site")
    if not name:
        return None
    site = find_site(session, name)
    if site is None:
        problems.append(_unknown("site", name, "site", session.scalars(select(models.Site.name))))
    return site


def _require_product(
    session: Session, vendor: models.Vendor | None, record: Record, problems: list[Problem]
) -> models.Product | None:
    sku = record.get("sku")
    if vendor is None or not sku:
        return None
    product = find_product(session, vendor, sku)
    if product is None:
        skus = session.scalars(
            select(models.Product.sku).where(models.Product.vendor_id == vendor.id)
        )
        problems.append(_unknown("sku", sku, f"{vendor.name} product", skus))
    return product


# --- adapters ----------------------------------------------------------------------------


class Adapter:
    """How one kind maps onto its table(s). Subclasses fill in the specifics."""

    kind_name: ClassVar[RecordKind]
    # Any: the mapped classes share columns (id, version) that Base itself does not declare.
    model: ClassVar[type[Any]]
    # Record fields copied straight onto the row's attribute of the same name.
    plain: ClassVar[tuple[str, ...]] = ()

    @property
    def spec(self) -> Kind:
        return kind(self.kind_name)

    def select(self) -> Select[Any]:
        raise NotImplementedError

    def id_column(self) -> ColumnElement[int]:
        return self.model.id  # type: ignore[no-any-return]

    def plain_columns(self, skip: int = 0) -> list[Any]:
        """The plain fields' columns, each labelled by its field (the first ``skip`` left
        out: the select names them where it wants them)."""
        return [getattr(self.model, n).label(n) for n in self.plain[skip:]]

    def find(self, session: Session, record: Record) -> Any | None:
        raise NotImplementedError

    def assign(self, session: Session, row: Any, record: Record, actor: Actor) -> list[Problem]:
        """Write the record's values onto ``row``; return problems with references."""
        for name in self.plain:
            setattr(row, name, record.get(name))
        return []

    def in_use(self, session: Session, row: Any) -> str | None:
        """Why ``row`` cannot be deleted, or None."""
        return None

    def dependents(self, session: Session, row: Any) -> list[tuple[str, int]]:
        """Records that belong to ``row`` and go when it goes, each deleted (and audited)
        first: (kind, id)."""
        return []

    def delete(self, session: Session, row: Any) -> None:
        session.delete(row)

    def finish(self, session: Session, records: list[Record]) -> list[Record]:
        return records


class _AtSite(Adapter):
    """A kind whose record names its site, which must exist."""

    def assign(self, session: Session, row: Any, record: Record, actor: Actor) -> list[Problem]:
        problems: list[Problem] = []
        site = _require_site(session, record, problems)
        if problems or site is None:
            return problems
        super().assign(session, row, record, actor)
        row.site = site
        return []


def _count(session: Session, column: Any, value: int) -> int:
    return session.scalar(select(func.count()).where(column == value)) or 0


def _count_where(session: Session, *conditions: ColumnElement[bool]) -> int:
    return session.scalar(select(func.count()).where(*conditions)) or 0


def _versioned(model: Any, *columns: Any) -> Select[Any]:
    return select(model.id.label("id"), model.version.label("version"), *columns)


class SiteAdapter(Adapter):
    kind_name = RecordKind.SITES
    model = models.Site
    plain = (
        "name",
        "country",
        "region",
        "grid_capacity_mw",
        "pue",
        "status",
        "notes",
        "ship_to_address",
    )

    def select(self) -> Select[Any]:
        return _versioned(models.Site, *self.plain_columns()).order_by(models.Site.name)

    def find(self, session: Session, record: Record) -> models.Site | None:
        return find_site(session, record["name"])

    def in_use(self, session: Session, row: models.Site) -> str | None:
        orders = _count(session, models.PurchaseOrder.site_id, row.id)
        ppas = _count(session, models.Ppa.site_id, row.id)
        contracts = _count(session, models.CustomerContract.site_id, row.id)
        deployments = _count(session, models.Deployment.site_id, row.id)
        if orders or ppas or contracts or deployments:
            return (
                f"site {row.name!r} still has {orders} purchase orders, {ppas} PPAs, "
                f"{contracts} customer contracts and {deployments} deployments"
            )
        return None


class VendorAdapter(Adapter):
    kind_name = RecordKind.VENDORS
    model = models.Vendor
    plain = (
        "name",
        "country",
        "category",
        "contact",
        "payment_terms",
        "payment_schedule",
        "notes",
        "address",
        "incoterms",
    )

    def select(self) -> Select[Any]:
        return _versioned(models.Vendor, *self.plain_columns()).order_by(models.Vendor.name_key)

    def find(self, session: Session, record: Record) -> models.Vendor | None:
        return session.scalar(
            select(models.Vendor).where(models.Vendor.name_key == name_key(record["name"]))
        )

    def assign(
        self, session: Session, row: models.Vendor, record: Record, actor: Actor
    ) -> list[Problem]:
        super().assign(session, row, record, actor)
        row.name = " ".join(row.name.split())
        row.name_key = name_key(row.name)
        problems: list[Problem] = []
        wanted: dict[str, str] = {}
        for alias in split_aliases(record.get("aliases")):
            if name_key(alias) != row.name_key:
                wanted.setdefault(name_key(alias), alias)
        for key, alias in wanted.items():
            owner = session.scalar(
                select(models.Vendor.name)
                .join(models.VendorAlias)
                .where(models.VendorAlias.alias_key == key)
            )
            other = session.scalar(select(models.Vendor.name).where(models.Vendor.name_key == key))
            clash = other if other is not None and other != row.name else owner
            if clash is not None and clash != row.name:
                problems.append(
                    Problem("aliases", alias, f"{alias!r} already names vendor {clash!r}")
                )
        if problems:
            return problems
        current = {a.alias_key: a for a in row.aliases}
        for key in set(current) - set(wanted):
            row.aliases.remove(current[key])
        if set(current) - set(wanted):
            session.flush()
        for key, alias in wanted.items():
            if key in current:
                current[key].alias = alias
            else:
                row.aliases.append(models.VendorAlias(alias=alias, alias_key=key))
        return []

    def finish(self, session: Session, records: list[Record]) -> list[Record]:
        aliases: dict[int, list[str]] = {}
        for vendor_id, alias in session.execute(
            select(models.VendorAlias.vendor_id, models.VendorAlias.alias).order_by(
                models.VendorAlias.alias
            )
        ):
            aliases.setdefault(vendor_id, []).append(alias)
        for record in records:
            record["aliases"] = "; ".join(aliases.get(record["id"], [])) or None
        return records

    def in_use(self, session: Session, row: models.Vendor) -> str | None:
        orders = _count(session, models.PurchaseOrder.vendor_id, row.id)
        products = _count(session, models.Product.vendor_id, row.id)
        if orders or products:
            return f"vendor {row.name!r} still has {orders} purchase orders and {products} products"
        return None


def split_aliases(text: str | None) -> list[str]:
    if not text:
        return []
    return [" ".join(part.split()) for part in text.replace(",", ";").split(";") if part.strip()]


class ProductAdapter(Adapter):
    kind_name = RecordKind.PRODUCTS
    model = models.Product
    plain = (
        "sku",
        "description",
        "category",
        "gpus_per_unit",
        "gpu_model",
        "kw_per_unit",
        "list_price",
        "currency",
    )

    def select(self) -> Select[Any]:
        return (
            _versioned(
                models.Product,
                models.Product.sku.label("sku"),
                models.Vendor.name.label("vendor"),
                *self.plain_columns(1),
            )
            .join(models.Vendor, models.Product.vendor_id == models.Vendor.id)
            .order_by(models.Vendor.name_key, models.Product.sku)
        )

    def find(self, session: Session, record: Record) -> models.Product | None:
        vendor = find_vendor(session, record["vendor"])
        return find_product(session, vendor, record["sku"]) if vendor else None

    def assign(
        self, session: Session, row: models.Product, record: Record, actor: Actor
    ) -> list[Problem]:
        problems: list[Problem] = []
        vendor = _require_vendor(session, record, problems)
        if problems or vendor is None:
            return problems
        super().assign(session, row, record, actor)
        row.vendor = vendor
        return []

    def in_use(self, session: Session, row: models.Product) -> str | None:
        lines = _count(session, models.OrderLine.product_id, row.id)
        quotes = _count(session, models.LeadTimeQuote.product_id, row.id)
        if lines or quotes:
            return f"product {row.sku!r} is on {lines} order lines and {quotes} lead-time quotes"
        sku = row.sku.strip().lower()
        others = _count_where(
            session, func.lower(models.Product.sku) == sku, models.Product.id != row.id
        )
        named = _count_where(session, func.lower(models.DeploymentPart.part) == sku)
        if named and not others:
            # A bill of parts names a sku of any vendor: the last product of it is needed.
            return f"product {row.sku!r} is a part of {named} deployments' bills of parts"
        return None


class LeadTimeAdapter(Adapter):
    kind_name = RecordKind.LEADTIMES
    model = models.LeadTimeQuote
    plain = ("lead_days", "quote_date", "valid_until", "notes")

    def select(self) -> Select[Any]:
        return (
            _versioned(
                models.LeadTimeQuote,
                models.Vendor.name.label("vendor"),
                models.Product.sku.label("sku"),
                *self.plain_columns(),
            )
            .join(models.Product, models.LeadTimeQuote.product_id == models.Product.id)
            .join(models.Vendor, models.Product.vendor_id == models.Vendor.id)
            .order_by(models.Vendor.name_key, models.Product.sku, models.LeadTimeQuote.quote_date)
        )

    def find(self, session: Session, record: Record) -> models.LeadTimeQuote | None:
        vendor = find_vendor(session, record["vendor"])
        product = find_product(session, vendor, record["sku"]) if vendor else None
        if product is None:
            return None
        return session.scalar(
            select(models.LeadTimeQuote).where(
                models.LeadTimeQuote.product_id == product.id,
                models.LeadTimeQuote.quote_date == record["quote_date"],
            )
        )

    def assign(
        self, session: Session, row: models.LeadTimeQuote, record: Record, actor: Actor
    ) -> list[Problem]:
        problems: list[Problem] = []
        vendor = _require_vendor(session, record, problems)
        product = _require_product(session, vendor, record, problems)
        if problems or product is None:
            return problems
        super().assign(session, row, record, actor)
        row.product = product
        return []


class OrderLineAdapter(Adapter):
    """Order lines, each with its purchase order's fields; a new PO number creates the order."""

    kind_name = RecordKind.ORDERS
    model = models.OrderLine
    plain = (*LINE_TERMS, "received_qty", "received_date", "status", "notes")

    def select(self) -> Select[Any]:
        return (
            _versioned(
                models.OrderLine,
                models.PurchaseOrder.po_number.label("po_number"),
                models.OrderLine.line_no.label("line"),
                models.Vendor.name.label("vendor"),
                models.Product.sku.label("sku"),
                models.OrderLine.quantity.label("quantity"),
                models.Site.name.label("site"),
                models.PurchaseOrder.order_date.label("order_date"),
                models.OrderLine.description.label("description"),
                models.Product.category.label("category"),
                models.OrderLine.unit_price.label("unit_price"),
                models.PurchaseOrder.currency.label("currency"),
                *self.plain_columns(3),
                models.PurchaseOrder.payment_schedule.label("payment_schedule"),
                models.Deployment.deployment_ref.label("deployment_ref"),
                models.OrderLine.first_commitment.label("first_commitment"),
                models.PurchaseOrder.id.label("order_id"),
                models.Product.gpus_per_unit.label("gpus_per_unit"),
            )
            .join(models.PurchaseOrder, models.OrderLine.order_id == models.PurchaseOrder.id)
            .join(models.Vendor, models.PurchaseOrder.vendor_id == models.Vendor.id)
            .join(models.Site, models.PurchaseOrder.site_id == models.Site.id)
            .join(models.Product, models.OrderLine.product_id == models.Product.id)
            .outerjoin(models.Deployment, models.OrderLine.deployment_id == models.Deployment.id)
            .order_by(models.PurchaseOrder.po_number, models.OrderLine.line_no)
        )

    def find(self, session: Session, record: Record) -> models.OrderLine | None:
        return session.scalar(
            select(models.OrderLine)
            .join(models.PurchaseOrder)
            .where(
                models.PurchaseOrder.po_number == record["po_number"],
                models.OrderLine.line_no == record["line"],
            )
        )

    def assign(
        self, session: Session, row: models.OrderLine, record: Record, actor: Actor
    ) -> list[Problem]:
        problems: list[Problem] = []
        vendor = _require_vendor(session, record, problems)
        site = _require_site(session, record, problems)
        product = _require_product(session, vendor, record, problems)
        deployment = _require_deployment(session, record, problems)
        if deployment is not None and site is not None and deployment.site_id != site.id:
            problems.append(
                reserved_elsewhere(deployment.deployment_ref, deployment.site.name, site.name)
            )
        if problems or vendor is None or site is None or product is None:
            return problems
        order = self._order(session, row, record, vendor, actor, problems)
        if order is None:
            return problems
        write_header(session, order, vendor, site, record, actor)
        super().assign(session, row, record, actor)
        row.line_no = record["line"]
        row.received_qty = record.get("received_qty") or 0
        # The vendor's first date for the line: set once known, never overwritten here
        # (domain.supply).
        row.first_commitment = first_commitment(
            row.first_commitment, record.get("promised_date"), record.get("eta")
        )
        row.order = order
        row.product = product
        row.deployment = deployment
        return []

    def _order(
        self,
        session: Session,
        row: models.OrderLine,
        record: Record,
        vendor: models.Vendor,
        actor: Actor,
        problems: list[Problem],
    ) -> models.PurchaseOrder | None:
        """The line's purchase order, created for a new PO number; None (``problems`` say
        why) when the line cannot go on it."""
        order = session.scalar(
            select(models.PurchaseOrder).where(
                models.PurchaseOrder.po_number == record["po_number"]
            )
        )
        if order is None:
            order = models.PurchaseOrder(
                po_number=record["po_number"],
                status=OrderStatus.OPEN,
                created_by=actor.user,
                updated_by=actor.user,
            )
            session.add(order)
        elif row.id is not None and row.order_id != order.id:
            problems.append(Problem("po_number", record["po_number"], "a line cannot move orders"))
            return None
        elif order.vendor_id != vendor.id and any(
            line.id != row.id and line.product.vendor_id != vendor.id for line in order.lines
        ):
            # A purchase order goes to one vendor; its other lines are that vendor's products.
            problems.append(
                Problem(
                    "vendor",
                    record["vendor"],
                    f"{order.po_number} is ordered from {order.vendor.name}; "
                    f"a line from {vendor.name} needs a purchase order of its own",
                )
            )
            return None
        return order

    def delete(self, session: Session, row: models.OrderLine) -> None:
        order = row.order
        session.delete(row)
        session.flush()
        if not order.lines:
            session.delete(order)


class PpaAdapter(_AtSite):
    kind_name = RecordKind.PPAS
    model = models.Ppa
    plain = (
        "ppa_ref",
        "counterparty",
        "capacity_mw",
        "start_date",
        "end_date",
        "price_per_mwh",
        "currency",
        "structure",
        "escalation_pct",
        "renewable_pct",
        "take_or_pay_pct",
        "notice_days",
    )

    def select(self) -> Select[Any]:
        return (
            _versioned(
                models.Ppa,
                models.Ppa.ppa_ref.label("ppa_ref"),
                models.Ppa.counterparty.label("counterparty"),
                models.Site.name.label("site"),
                *self.plain_columns(2),
            )
            .join(models.Site, models.Ppa.site_id == models.Site.id)
            .order_by(models.Ppa.ppa_ref)
        )

    def find(self, session: Session, record: Record) -> models.Ppa | None:
        return session.scalar(select(models.Ppa).where(models.Ppa.ppa_ref == record["ppa_ref"]))


class CustomerAdapter(Adapter):
    kind_name = RecordKind.CUSTOMERS
    model = models.Customer
    plain = ("name", "country", "contact")

    def select(self) -> Select[Any]:
        return _versioned(models.Customer, *self.plain_columns()).order_by(models.Customer.name)

    def find(self, session: Session, record: Record) -> models.Customer | None:
        return find_customer(session, record["name"])

    def in_use(self, session: Session, row: models.Customer) -> str | None:
        contracts = _count(session, models.CustomerContract.customer_id, row.id)
        return f"customer {row.name!r} still has {contracts} contracts" if contracts else None


class ContractAdapter(Adapter):
    """Customer contracts; a customer named for the first time is created with the contract."""

    kind_name = RecordKind.CONTRACTS
    model = models.CustomerContract
    plain = (
        "contract_ref",
        "start_date",
        "end_date",
        "price",
        "price_unit",
        "service",
        "committed_gpus",
        "committed_mw",
        "currency",
        "sla_uptime_pct",
        "auto_renew",
        "notice_days",
        "status",
        "gpu_model",
        "late_credit_per_day",
        "late_credit_cap",
    )

    def select(self) -> Select[Any]:
        return (
            _versioned(
                models.CustomerContract,
                models.CustomerContract.contract_ref.label("contract_ref"),
                models.Customer.name.label("customer"),
                models.Site.name.label("site"),
                *self.plain_columns(1),
            )
            .join(models.Customer, models.CustomerContract.customer_id == models.Customer.id)
            .join(models.Site, models.CustomerContract.site_id == models.Site.id)
            .order_by(models.CustomerContract.contract_ref)
        )

    def find(self, session: Session, record: Record) -> models.CustomerContract | None:
        return session.scalar(
            select(models.CustomerContract).where(
                models.CustomerContract.contract_ref == record["contract_ref"]
            )
        )

    def assign(
        self, session: Session, row: models.CustomerContract, record: Record, actor: Actor
    ) -> list[Problem]:
        problems: list[Problem] = []
        site = _require_site(session, record, problems)
        if problems or site is None:
            return problems
        customer = find_customer(session, record["customer"])
        if customer is None:
            customer = models.Customer(
                name=" ".join(record["customer"].split()),
                created_by=actor.user,
                updated_by=actor.user,
            )
            session.add(customer)
            session.flush()
            audit.write_entries(
                session,
                [
                    audit.entry(
                        actor, "customers", customer.id, customer.name, "create", new=customer.name
                    )
                ],
            )
        super().assign(session, row, record, actor)
        row.auto_renew = bool(record.get("auto_renew"))
        row.customer = customer
        row.site = site
        return []

    def in_use(self, session: Session, row: models.CustomerContract) -> str | None:
        deployments = _count(session, models.Deployment.contract_id, row.id)
        if deployments:
            return f"contract {row.contract_ref!r} still has {deployments} deployments"
        return None


class FxRateAdapter(Adapter):
    kind_name = RecordKind.FXRATES
    model = models.FxRate
    plain = ("currency", "rate", "valid_from")

    def select(self) -> Select[Any]:
        return _versioned(models.FxRate, *self.plain_columns()).order_by(
            models.FxRate.currency, models.FxRate.valid_from
        )

    def find(self, session: Session, record: Record) -> models.FxRate | None:
        return session.scalar(
            select(models.FxRate).where(
                models.FxRate.currency == record["currency"],
                models.FxRate.valid_from == record["valid_from"],
            )
        )


class SiteCapacityAdapter(_AtSite):
    """A site's grid interconnect in force from a date on (an upgrade, a new substation)."""

    kind_name = RecordKind.SITE_CAPACITY
    model = models.SiteCapacity
    plain = ("from_date", "grid_mw", "notes")

    def select(self) -> Select[Any]:
        return (
            _versioned(
                models.SiteCapacity,
                models.Site.name.label("site"),
                *self.plain_columns(),
            )
            .join(models.Site, models.SiteCapacity.site_id == models.Site.id)
            .order_by(models.Site.name, models.SiteCapacity.from_date)
        )

    def find(self, session: Session, record: Record) -> models.SiteCapacity | None:
        site = find_site(session, record["site"])
        if site is None:
            return None
        return session.scalar(
            select(models.SiteCapacity).where(
                models.SiteCapacity.site_id == site.id,
                models.SiteCapacity.from_date == record["from_date"],
            )
        )


class DeploymentAdapter(Adapter):
    """One cluster at one site (a hall, a pod), usually built for one customer contract."""

    kind_name = RecordKind.DEPLOYMENTS
    model = models.Deployment
    plain = ("deployment_ref", "name", "target_date", "power_ready_date", "status", "notes")

    def select(self) -> Select[Any]:
        return (
            _versioned(
                models.Deployment,
                models.Deployment.deployment_ref.label("deployment_ref"),
                models.Site.name.label("site"),
                models.Deployment.name.label("name"),
                models.CustomerContract.contract_ref.label("contract_ref"),
                *self.plain_columns(2),
            )
            .join(models.Site, models.Deployment.site_id == models.Site.id)
            .outerjoin(
                models.CustomerContract, models.Deployment.contract_id == models.CustomerContract.id
            )
            .order_by(models.Deployment.deployment_ref)
        )

    def find(self, session: Session, record: Record) -> models.Deployment | None:
        return find_deployment(session, record["deployment_ref"])

    def assign(
        self, session: Session, row: models.Deployment, record: Record, actor: Actor
    ) -> list[Problem]:
        problems: list[Problem] = []
        site = _require_site(session, record, problems)
        contract = _require_contract(session, record, site, problems)
        if site is not None and row.id is not None and row.site_id != site.id:
            elsewhere = session.scalar(
                select(func.count())
                .select_from(models.OrderLine)
                .join(models.PurchaseOrder, models.OrderLine.order_id == models.PurchaseOrder.id)
                .where(
                    models.OrderLine.deployment_id == row.id,
                    models.PurchaseOrder.site_id != site.id,
                )
            )
            if elsewhere:
                problems.append(
                    Problem(
                        "site",
                        record["site"],
                        f"{elsewhere} order lines at {row.site.name} are reserved for it: a "
                        "deployment is served by lines at its own site",
                    )
                )
        if problems or site is None:
            return problems
        super().assign(session, row, record, actor)
        row.site = site
        row.contract = contract
        return []

    def in_use(self, session: Session, row: models.Deployment) -> str | None:
        lines = _count(session, models.OrderLine.deployment_id, row.id)
        if lines:
            return (
                f"deployment {row.deployment_ref!r} still has {lines} order lines reserved for it"
            )
        return None

    def dependents(self, session: Session, row: models.Deployment) -> list[tuple[str, int]]:
        # Its bill of parts: each part's removal is in the audit trail like the deployment's.
        parts = session.scalars(
            select(models.DeploymentPart.id)
            .where(models.DeploymentPart.deployment_id == row.id)
            .order_by(models.DeploymentPart.part)
        )
        return [("deployment_parts", part_id) for part_id in parts]


class DeploymentPartAdapter(Adapter):
    """A line of a deployment's bill of parts: a product sku or a category, and how many."""

    kind_name = RecordKind.DEPLOYMENT_PARTS
    model = models.DeploymentPart
    plain = ("quantity",)

    def select(self) -> Select[Any]:
        return (
            _versioned(
                models.DeploymentPart,
                models.Deployment.deployment_ref.label("deployment_ref"),
                models.DeploymentPart.part.label("part"),
                models.DeploymentPart.quantity.label("quantity"),
            )
            .join(models.Deployment, models.DeploymentPart.deployment_id == models.Deployment.id)
            # Case-blind, so both databases list a bill of parts in one order.
            .order_by(models.Deployment.deployment_ref, func.lower(models.DeploymentPart.part))
        )

    def find(self, session: Session, record: Record) -> models.DeploymentPart | None:
        deployment = find_deployment(session, record["deployment_ref"])
        if deployment is None:
            return None
        return session.scalar(
            select(models.DeploymentPart).where(
                models.DeploymentPart.deployment_id == deployment.id,
                func.lower(models.DeploymentPart.part) == str(record["part"]).strip().lower(),
            )
        )

    def assign(
        self, session: Session, row: models.DeploymentPart, record: Record, actor: Actor
    ) -> list[Problem]:
        problems: list[Problem] = []
        deployment = _require_deployment(session, record, problems)
        part = part_name(session, record["part"])
        if part is None:
            problems.append(
                unknown_part(record["part"], session.scalars(select(models.Product.sku)))
            )
        if problems or deployment is None or part is None:
            return problems
        super().assign(session, row, record, actor)
        row.part = part
        row.deployment = deployment
        return []


ADAPTERS: dict[str, Adapter] = {
    a.kind_name: a
    for a in (
        SiteAdapter(),
        SiteCapacityAdapter(),
        VendorAdapter(),
        ProductAdapter(),
        LeadTimeAdapter(),
        OrderLineAdapter(),
        PpaAdapter(),
        CustomerAdapter(),
        ContractAdapter(),
        FxRateAdapter(),
        DeploymentAdapter(),
        DeploymentPartAdapter(),
    )
}


def adapter(kind_name: str) -> Adapter:
    kind(kind_name)  # a UsageError naming the known kinds when it is unknown
    return ADAPTERS[kind_name]


# --- reading -----------------------------------------------------------------------------


def list_records(
    session: Session,
    kind_name: str,
    *,
    where: Callable[[Select[Any]], Select[Any]] | None = None,
) -> list[Record]:
    """Every record of a kind as plain dicts (canonical field names, plus ``id``, ``version``)."""
    ad = adapter(kind_name)
    query = ad.select()
    if where is not None:
        query = where(query)
    result = session.execute(query)
    keys = list(result.keys())
    records = [dict(zip(keys, row, strict=True)) for row in result]
    return ad.finish(session, records)


def get_record(session: Session, kind_name: str, record_id: int) -> Record:
    ad = adapter(kind_name)
    found = list_records(session, kind_name, where=lambda q: q.where(ad.id_column() == record_id))
    if not found:
        raise NotFoundError(f"{ad.spec.label}: record {record_id} no longer exists")
    return found[0]


def find_record(session: Session, kind_name: str, key: Record) -> Record | None:
    """The record whose natural key fields equal those in ``key``, or None."""
    ad = adapter(kind_name)
    row = ad.find(session, key)
    return None if row is None else get_record(session, kind_name, row.id)


def put_back(
    session: Session, kind_name: str, record_id: int, entry_id: int, actor: Actor
) -> Record:
    """Undo one change of one field, as the History tab offers: the field gets back the old
    value that audit entry ``entry_id`` recorded, through ``update`` (validated, audited,
    an ETA into the ETA history). Refused when the field has changed again since (the
    latest change is the one to put back) or the entry is not a change of this record."""
    if lock(session, kind_name, record_id) is None:
        raise gone(session, kind_name, record_id)
    entry = session.get(models.AuditEntry, entry_id)
    spec = kind(kind_name)
    if (
        entry is None
        or entry.entity != kind_name
        or entry.entity_id != record_id
        or entry.action != AuditAction.UPDATE
        or entry.field not in spec.field_names
    ):
        raise UsageError("only a change of one field of this record can be put back")
    if kind_name == "orders" and entry.field in ("promised_date", "first_commitment"):
        raise UsageError(
            "a promised date is changed only by correcting it (Correct the promised date…, "
            "with a reason): put it back that way"
        )
    if spec.field(entry.field).derived:
        raise UsageError(
            f"{spec.field(entry.field).title} is worked out by Rackbook, not typed: it cannot "
            "be put back"
        )
    record = get_record(session, kind_name, record_id)
    name = entry.field
    title = spec.field(name).title
    now = audit.as_text(record.get(name))
    if now != entry.new_value:
        raise ValidationError(
            [
                Problem(
                    name,
                    now,
                    f"{title} has changed again since (it is {now or 'empty'} now, not "
                    f"{entry.new_value or 'empty'}); put back its latest change instead",
                )
            ],
            subject=f"{spec.singular} {record_key(kind_name, record)}",
        )
    value = audit.from_text(kind_name, name, entry.old_value)
    return update(
        session, kind_name, record_id, {name: value}, actor, expected_version=record["version"]
    )


# What a copy of a record must not take over: the fields that name it (a new name, reference
# or date to be typed), and what belongs to the original's life rather than to its terms.
_NOT_COPIED: dict[str, Record] = {
    "sites": {"name": None},
    "vendors": {"name": None, "aliases": None},
    "products": {"sku": None},
    "leadtimes": {"quote_date": None, "valid_until": None},
    # A new line has no commitment from the vendor yet (the unconfirmed-order alert says so).
    "orders": {
        "received_qty": 0,
        "received_date": None,
        "status": LineStatus.PLACED,
        "promised_date": None,
        "eta": None,
    },
    "ppas": {"ppa_ref": None},
    "customers": {"name": None},
    "contracts": {"contract_ref": None, "status": ContractStatus.DRAFT},
    "fxrates": {"valid_from": None},
    "site_capacity": {"from_date": None},
    # The next hall: its own reference, planned again (services.deployments copies its parts).
    "deployments": {"deployment_ref": None, "status": DeploymentStatus.PLANNED},
    "deployment_parts": {"part": None},
}


def duplicate(session: Session, kind_name: str, record_id: int) -> Record:
    """The values of a new record made from record ``record_id`` ("Duplicate…"): its terms
    copied, what names it left to be typed, what belongs to the original's life reset (a
    copied order line is a new line of the same order, numbered after its last one, with
    nothing received). Nothing is written."""
    original = get_record(session, kind_name, record_id)
    spec = kind(kind_name)
    values = {f.name: original.get(f.name) for f in spec.writable}
    values.update(_NOT_COPIED.get(kind_name, {}))
    if kind_name == "orders":
        last = session.scalar(
            select(func.max(models.OrderLine.line_no))
            .join(models.PurchaseOrder, models.PurchaseOrder.id == models.OrderLine.order_id)
            .where(models.PurchaseOrder.po_number == original["po_number"])
        )
        values["line"] = (last or 0) + 1
    return values


def record_key(kind_name: str, record: Record) -> str:
    return kind(kind_name).key_of(record)


# --- writing -----------------------------------------------------------------------------


def complete(kind_name: str, values: Record, *, trimmed: bool = False) -> Record:
    """``values`` with every field of the kind present (in the kind's field order), defaults
    filled in, text trimmed; other keys left out. ``trimmed``: the caller vouches that every
    text value is already trimmed, clean (``clean_text``) and not empty (the import's
    converters give None for an empty cell and clean each distinct cell once), so the values
    are taken over at C speed and only the defaults checked."""
    return completer(kind_name, trimmed=trimmed)(values)


def completer(kind_name: str, *, trimmed: bool = False) -> Callable[[Record], Record]:
    """``complete`` for one kind, its field list and defaults looked up once (an import
    completes 100,000 records)."""
    found = _COMPLETERS.get((kind_name, trimmed))
    if found is not None:
        return found
    defaults = list(DEFAULTS.get(kind_name, {}).items())
    template = {f.name: None for f in kind(kind_name).writable}
    template.update((name, value) for name, value in defaults if name in template)
    after = _AFTER_COMPLETING.get(kind_name)

    # Copying the defaults and setting what is given walks the given values once, rather
    # than every field of the kind.
    def taken_over(values: Record) -> Record:
        record = template.copy()
        record.update(values)
        if len(record) != len(template):
            for name in values.keys() - template.keys():
                del record[name]
        for name, default in defaults:
            if record[name] is None or record[name] == "":
                record[name] = default
        if after is not None:
            after(record, values)
        return record

    def cleaned(values: Record) -> Record:
        record = template.copy()
        for name, value in values.items():
            if name not in template:
                continue
            if value.__class__ is str or isinstance(value, str):
                value = clean_text(value).strip()
            if value is not None and value != "":
                record[name] = value
        if after is not None:
            after(record, values)
        return record

    made = _COMPLETERS[kind_name, trimmed] = taken_over if trimmed else cleaned
    return made


_COMPLETERS: dict[tuple[str, bool], Callable[[Record], Record]] = {}


def _receipts_followed(record: Record, values: Record) -> None:
    follow_receipts(record)


def _late_credit_currency(record: Record, values: Record) -> None:
    """A late credit is money owed under the contract: it takes the currency the contract
    names, never the USD that a blank currency means elsewhere (validation then asks)."""
    if record["currency"] != "USD":
        return
    given = values.get("currency")
    blank = given is None or (isinstance(given, str) and not given.strip())
    if blank and any(record.get(n) is not None for n in ("late_credit_per_day", "late_credit_cap")):
        record["currency"] = None


def follow_receipts(record: Record) -> None:
    """A line's status follows its receipts: all units in makes it ``received``, some of them
    ``partially_received`` (a cancelled line stays cancelled)."""
    quantity, received = record.get("quantity"), record.get("received_qty") or 0
    if not received and record.get("status") not in _BY_RECEIPTS:
        return  # nothing received, and no status that receipts set: nothing follows
    if not isinstance(quantity, int) or not isinstance(received, int):
        return
    if record.get("status") == LineStatus.CANCELLED or quantity <= 0:
        return
    if received >= quantity:
        record["status"] = LineStatus.RECEIVED
    elif received > 0:
        record["status"] = LineStatus.PARTIALLY_RECEIVED
    elif record.get("status") in (LineStatus.RECEIVED, LineStatus.PARTIALLY_RECEIVED):
        record["status"] = LineStatus.SHIPPED


# The statuses a line's receipts give it (follow_receipts).
_BY_RECEIPTS = frozenset((LineStatus.RECEIVED, LineStatus.PARTIALLY_RECEIVED))


# What completing a record of these kinds does last (given the record and what was given).
_AFTER_COMPLETING: dict[str, Callable[[Record, Record], None]] = {
    "orders": _receipts_followed,
    "contracts": _late_credit_currency,
}


def _stamp(row: Any, actor: Actor, creating: bool) -> None:
    if creating:
        row.created_by = actor.user
    row.updated_by = actor.user


def _raise_if(problems: list[Problem], kind_name: str, record: Record) -> None:
    if problems:
        subject = f"{kind(kind_name).singular} {record_key(kind_name, record)}"
        raise ValidationError(problems, subject=subject)


def create(session: Session, kind_name: str, values: Record, actor: Actor) -> Record:
    """Validate and insert one record; the audit trail gets one ``create`` entry."""
    ad = adapter(kind_name)
    record = complete(kind_name, values)
    _raise_if(validate(kind_name, record), kind_name, record)
    _raise_if(_lookalikes(session, kind_name, record, None), kind_name, record)
    if kind_name == "orders":
        # Lines of one order are created one at a time: a second user adding the same line
        # waits here, then finds it made (a clear "already exists", never a constraint error).
        session.execute(
            select(models.PurchaseOrder.id)
            .where(models.PurchaseOrder.po_number == record["po_number"])
            .with_for_update()
        )
    if ad.find(session, record) is not None:
        key = record_key(kind_name, record)
        raise ValidationError([exists(kind_name, record)], subject=f"{ad.spec.singular} {key}")
    row = ad.model()
    _stamp(row, actor, creating=True)
    with session.no_autoflush:
        problems = ad.assign(session, row, record, actor)
    if problems:
        if row in session:
            session.expunge(row)
        _raise_if(problems, kind_name, record)
    session.add(row)
    session.flush()
    saved = get_record(session, kind_name, row.id)
    audit.write_entries(
        session,
        [
            audit.entry(
                actor,
                kind_name,
                row.id,
                record_key(kind_name, saved),
                "create",
                new=_summary(ad.spec, saved),
            )
        ],
    )
    if kind_name == "orders" and saved.get("eta") is not None:
        audit.record_eta_change(session, actor, row.id, None, saved["eta"])
    _after_line_change(session, kind_name, row)
    return saved


def _lookalikes(
    session: Session, kind_name: str, record: Record, own_id: int | None
) -> list[Problem]:
    """A name (a sku: among its vendor's) that only looks like an existing one, refused."""
    field_name = NAME_FIELDS.get(kind_name)
    name = record.get(field_name) if field_name else None
    if not isinstance(name, str) or not name:
        return []
    names: list[str]
    if kind_name == "vendors":
        names = list(
            session.scalars(select(models.Vendor.name).where(models.Vendor.id != (own_id or 0)))
        )
        names += session.scalars(
            select(models.VendorAlias.alias).where(models.VendorAlias.vendor_id != (own_id or 0))
        )
    elif kind_name == "products":
        vendor = find_vendor(session, record.get("vendor") or "")
        if vendor is None:
            return []
        names = list(
            session.scalars(
                select(models.Product.sku).where(
                    models.Product.vendor_id == vendor.id, models.Product.id != (own_id or 0)
                )
            )
        )
    else:
        model = models.Site if kind_name == "sites" else models.Customer
        names = list(session.scalars(select(model.name).where(model.id != (own_id or 0))))
    problem = lookalike(kind_name, name, names)
    return [problem] if problem else []


def exists(kind_name: str, record: Record) -> Problem:
    """The problem with a record whose natural key another record has already."""
    key = record_key(kind_name, record)
    if kind_name == "site_capacity":
        day = audit.as_text(record.get("from_date"))
        return Problem(
            "from_date",
            day,
            f"site {record.get('site')} already has a capacity step from {day}; change that "
            "step, or give this one another date",
        )
    if kind_name == "deployment_parts":
        return Problem(
            "part",
            record.get("part"),
            f"deployment {record.get('deployment_ref')} already has the part "
            f"{record.get('part')}; change its quantity instead",
        )
    return Problem(kind(kind_name).key[0], key, f"{key} already exists")


def _summary(spec: Kind, record: Record) -> str:
    return "; ".join(
        f"{f.name}={audit.as_text(record.get(f.name))}"
        for f in spec.writable
        if record.get(f.name) not in (None, "")
    )


def update(
    session: Session,
    kind_name: str,
    record_id: int,
    changes: Record,
    actor: Actor,
    *,
    expected_version: int | None = None,
) -> Record:
    """Apply ``changes`` to one record. With ``expected_version`` (the version the user saw),
    a record saved by someone else in between raises ConflictError and nothing is written."""
    ad = adapter(kind_name)
    row = lock(session, kind_name, record_id)
    if row is None:
        raise gone(session, kind_name, record_id)
    current = get_record(session, kind_name, record_id)
    merged = complete(kind_name, {**current, **changes})
    if kind_name == "orders":
        keep_first_commitment(current, merged)
    if expected_version is not None and row.version != expected_version:
        raise ConflictError(
            ad.spec.singular,
            record_key(kind_name, current),
            mine=merged,
            theirs=current,
            by=row.updated_by or None,
        )
    _raise_if(validate(kind_name, merged), kind_name, merged)
    if kind_name in NAME_FIELDS and merged.get(NAME_FIELDS[kind_name]) != current.get(
        NAME_FIELDS[kind_name]
    ):
        _raise_if(_lookalikes(session, kind_name, merged, record_id), kind_name, merged)
    if any(merged[k] != current[k] for k in ad.spec.key) and ad.find(session, merged) is not None:
        raise ValidationError(
            [exists(kind_name, merged)],
            subject=f"{ad.spec.singular} {record_key(kind_name, current)}",
        )
    changed = audit.diff(current, merged, (f.name for f in ad.spec.writable))
    if not changed:
        return current
    with session.no_autoflush:
        _raise_if(ad.assign(session, row, merged, actor), kind_name, merged)
    _stamp(row, actor, creating=False)
    try:
        session.flush()
    except StaleDataError as exc:
        # The other save committed while this transaction waited for the row: its version is
        # read on a connection of its own (this session must roll back first).
        theirs = committed_record(session, kind_name, record_id)
        raise ConflictError(
            ad.spec.singular, record_key(kind_name, current), mine=merged, theirs=theirs
        ) from exc
    saved = get_record(session, kind_name, record_id)
    key = record_key(kind_name, saved)
    audit.write_entries(
        session,
        [
            audit.entry(actor, kind_name, record_id, key, "update", c.field, c.old, c.new)
            for c in changed
            if c.field not in PURCHASE_ORDER_FIELDS or kind_name != "orders"
        ],
    )
    if kind_name == "orders" and current.get("eta") != saved.get("eta"):
        audit.record_eta_change(session, actor, record_id, current.get("eta"), saved.get("eta"))
    _after_line_change(session, kind_name, row)
    return saved


def lock(session: Session, kind_name: str, record_id: int) -> Any | None:
    """The row of record ``record_id``, read afresh and locked for this transaction (None when
    it is gone): every read and check of a save comes after this one read, so no other commit
    can land between the version check and the write. PostgreSQL: ``SELECT ... FOR UPDATE``
    (a second writer waits here, then sees the committed row); SQLite: the write transaction
    already holds the database's write lock from its ``BEGIN IMMEDIATE``. An order line's
    purchase order is locked with it (its status follows its lines)."""
    ad = adapter(kind_name)
    row = session.get(ad.model, record_id, with_for_update=True, populate_existing=True)
    if row is not None and kind_name == "orders":
        session.get(
            models.PurchaseOrder, row.order_id, with_for_update=True, populate_existing=True
        )
    return row


def gone(session: Session, kind_name: str, record_id: int) -> NotFoundError:
    """The error for a save of a record that is no longer there: a conflict naming who deleted
    it when the audit trail says so, else "no longer exists"."""
    ad = adapter(kind_name)
    deleted = session.execute(
        select(models.AuditEntry.entity_key, models.AuditEntry.user)
        .where(
            models.AuditEntry.entity == kind_name,
            models.AuditEntry.entity_id == record_id,
            models.AuditEntry.action == AuditAction.DELETE,
        )
        .order_by(models.AuditEntry.id.desc())
        .limit(1)
    ).first()
    if deleted is None:
        return NotFoundError(f"{ad.spec.label}: record {record_id} no longer exists")
    return DeletedError(ad.spec.singular, deleted.entity_key, by=deleted.user)


def keep_first_commitment(current: Record, merged: Record) -> bool:
    """An ordinary edit never changes a line's set promised date (the vendor's first
    commitment, which every slip is measured from): another promised date is a new date from
    the vendor, taken as an ETA move (domain.supply.take_vendor_dates). ``merged`` (the line
    as the edit would leave it) gets the dates to write; returns whether the promise given
    differed from the one kept. Only ``orders.correct_promised_date`` changes a promise."""
    dates = take_vendor_dates(
        current.get("promised_date"),
        current.get("eta"),
        current.get("first_commitment"),
        merged.get("promised_date"),
        merged.get("eta"),
    )
    merged["promised_date"], merged["eta"] = dates.promised_date, dates.eta
    return dates.promise_changed


def committed_record(session: Session, kind_name: str, record_id: int) -> Record | None:
    """The record as other connections see it now (committed), or None when it is gone."""
    bind = session.get_bind()
    engine = bind.engine if isinstance(bind, Connection) else bind
    with Session(engine) as other:
        try:
            return get_record(other, kind_name, record_id)
        except NotFoundError:
            return None
        finally:
            other.rollback()


def delete(
    session: Session,
    kind_name: str,
    record_id: int,
    actor: Actor,
    *,
    expected_version: int | None = None,
) -> None:
    ad = adapter(kind_name)
    row = lock(session, kind_name, record_id)
    if row is None:
        raise gone(session, kind_name, record_id)
    current = get_record(session, kind_name, record_id)
    key = record_key(kind_name, current)
    if expected_version is not None and row.version != expected_version:
        raise ConflictError(ad.spec.singular, key, theirs=current, by=row.updated_by or None)
    reason = ad.in_use(session, row)
    if reason:
        raise ReferencedError(f"{key} cannot be deleted: {reason}.")
    for child_kind, child_id in ad.dependents(session, row):
        delete(session, child_kind, child_id, actor)
    order = row.order if kind_name == "orders" else None
    ad.delete(session, row)
    try:
        session.flush()
    except StaleDataError as exc:
        raise ConflictError(ad.spec.singular, key, theirs=current) from exc
    audit.write_entries(
        session,
        [audit.entry(actor, kind_name, record_id, key, "delete", old=_summary(ad.spec, current))],
    )
    forget_deleted(session, kind_name)
    if order is not None and order in session:
        refresh_order_status(order)


def _after_line_change(session: Session, kind_name: str, row: Any) -> None:
    if kind_name == "orders":
        refresh_order_status(row.order)
        session.flush()


def refresh_order_status(order: models.PurchaseOrder) -> None:
    """A purchase order's status summarises its lines."""
    status = order_status({line.status for line in order.lines})
    if order.status != status:
        order.status = status


def order_status(statuses: AbstractSet[str]) -> str:
    """The status of a purchase order whose lines have ``statuses`` (the import's bulk path
    uses this too)."""
    open_statuses = statuses - {LineStatus.RECEIVED, LineStatus.CANCELLED}
    if not statuses or statuses == {LineStatus.CANCELLED}:
        return OrderStatus.CANCELLED
    if statuses == {LineStatus.DRAFT}:
        return OrderStatus.DRAFT
    if not open_statuses:
        return OrderStatus.RECEIVED
    if LineStatus.RECEIVED in statuses or LineStatus.PARTIALLY_RECEIVED in statuses:
        return OrderStatus.PARTIALLY_RECEIVED
    return OrderStatus.OPEN


@dataclass(frozen=True)
class Counts:
    kind: str
    rows: int


def counts(session: Session) -> list[Counts]:
    """How many records of each kind there are."""
    result = []
    for name, ad in ADAPTERS.items():
        total = session.scalar(select(func.count()).select_from(ad.model)) or 0
        result.append(Counts(name, total))
    return result


def typed_value(value: Any) -> Any:
    """A record value as JSON wants it: ISO dates, money and measures as strings."""
    if isinstance(value, Decimal):
        return audit.plain_decimal(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
