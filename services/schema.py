"""The record kinds Rackbook reads and writes, with their canonical field names (docs/import.md).

A *record* is a plain dict keyed by these names, holding typed Python values (str, int,
Decimal, date, bool, None). Records are what services return, what the import builds, what
``list --json`` prints and what the exports write, so one name means one thing everywhere.
References to other records are by natural key (a vendor's name, a site's name, a sku).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal

import models
from domain.statuses import RecordKind
from models import enums

FieldType = Literal["text", "int", "decimal", "money", "date", "bool", "choice"]


@dataclass(frozen=True)
class Field:
    name: str
    type: FieldType = "text"
    required: bool = False
    choices: tuple[str, ...] = ()
    # The kind whose natural key this field names (vendor -> vendors), if any.
    ref: RecordKind | None = None
    # Decimal places kept for decimal and money fields.
    scale: int = 4
    # Shown in lists and exports but derived from other records, never written from a record.
    derived: bool = False
    label: str = ""

    @property
    def title(self) -> str:
        return self.label or self.name.replace("_", " ").capitalize()


@dataclass(frozen=True)
class Kind:
    name: RecordKind
    label: str
    fields: tuple[Field, ...]
    key: tuple[str, ...]
    singular: str = ""
    importable: bool = True

    def field(self, name: str) -> Field:
        for candidate in self.fields:
            if candidate.name == name:
                return candidate
        raise KeyError(name)

    @cached_property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    @cached_property
    def writable(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if not f.derived)

    @cached_property
    def required(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.required)

    @property
    def key_separator(self) -> str:
        """What stands between the parts of a natural key as a person reads it."""
        return "/" if self.name == RecordKind.ORDERS else " / "

    def key_of(self, record: dict[str, object]) -> str:
        """The natural key as a person reads it: ``PO-1042/3``, ``Dell / XE9680``."""
        if self.name == RecordKind.ORDERS:  # 100,000 of them in an import: no list, no loop
            return f"{record.get('po_number', '')!s}/{record.get('line', '')!s}"
        return self.key_separator.join([str(record.get(name, "")) for name in self.key])


def _text(name: str, required: bool = False, **kw: object) -> Field:
    return Field(name, "text", required, **kw)  # type: ignore[arg-type]


def _choice(name: str, choices: tuple[str, ...], required: bool = False) -> Field:
    return Field(name, "choice", required, choices=choices)


CURRENCY = Field("currency", "text", label="Currency")

SITES = Kind(
    RecordKind.SITES,
    "Sites",
    (
        _text("name", True),
        _text("country"),
        _text("region"),
        Field("grid_capacity_mw", "decimal", label="Grid capacity (MW)"),
        Field("pue", "decimal", label="PUE"),
        _choice("status", enums.SITE_STATUSES),
        _text("notes"),
        _text("ship_to_address", label="Ship-to address"),
    ),
    key=("name",),
    singular="Site",
)

VENDORS = Kind(
    RecordKind.VENDORS,
    "Vendors",
    (
        _text("name", True),
        _text("aliases"),
        _text("country"),
        _text("category"),
        _text("contact"),
        _text("payment_terms"),
        # Its orders' milestones unless an order names its own (domain.money.parse_schedule).
        _text("payment_schedule"),
        _text("notes"),
        _text("address"),
        _text("incoterms", label="Incoterms"),
    ),
    key=("name",),
    singular="Vendor",
)

PRODUCTS = Kind(
    RecordKind.PRODUCTS,
    "Products",
    (
        _text("sku", True, label="SKU"),
        _text("vendor", True, ref=RecordKind.VENDORS),
        _text("description"),
        _choice("category", enums.PRODUCT_CATEGORIES),
        Field("gpus_per_unit", "int", label="GPUs per unit"),
        # GB300, B300, H200…: products with GPUs only.
        _text("gpu_model", label="GPU model"),
        Field("kw_per_unit", "decimal", label="kW per unit"),
        Field("list_price", "money"),
        CURRENCY,
    ),
    key=("vendor", "sku"),
    singular="Product",
)

LEADTIMES = Kind(
    RecordKind.LEADTIMES,
    "Lead times",
    (
        _text("vendor", True, ref=RecordKind.VENDORS),
        _text("sku", True, ref=RecordKind.PRODUCTS, label="SKU"),
        # The import reads this from a phrase ("12-14 wks") under the name lead_time.
        Field("lead_days", "int", True, label="Lead time (days)"),
        Field("quote_date", "date", True),
        Field("valid_until", "date"),
        _text("notes"),
    ),
    key=("vendor", "sku", "quote_date"),
    singular="Lead-time quote",
)

ORDERS = Kind(
    RecordKind.ORDERS,
    "Order lines",
    (
        _text("po_number", True, label="PO number"),
        Field("line", "int", True),
        _text("vendor", True, ref=RecordKind.VENDORS),
        _text("sku", True, ref=RecordKind.PRODUCTS, label="SKU"),
        Field("quantity", "int", True),
        _text("site", True, ref=RecordKind.SITES),
        Field("order_date", "date", True),
        _text("description"),
        Field("category", "choice", choices=enums.PRODUCT_CATEGORIES, derived=True),
        Field("unit_price", "money"),
        CURRENCY,
        Field("requested_date", "date"),
        Field("promised_date", "date"),
        Field("eta", "date", label="ETA"),
        Field("received_qty", "int", label="Received qty"),
        Field("received_date", "date"),
        _choice("status", enums.LINE_STATUSES),
        _text("notes"),
        # The purchase order's (like vendor, site, order date, currency); blank: the vendor's.
        _text("payment_schedule"),
        # Reserved for this deployment: the line serves that one only.
        _text("deployment_ref", ref=RecordKind.DEPLOYMENTS, label="Deployment"),
        # The first date the vendor ever gave: kept by Rackbook, never written from a record.
        Field("first_commitment", "date", derived=True),
    ),
    key=("po_number", "line"),
    singular="Order line",
)

PPAS = Kind(
    RecordKind.PPAS,
    "PPAs",
    (
        _text("ppa_ref", True, label="PPA ref"),
        _text("counterparty", True),
        _text("site", True, ref=RecordKind.SITES),
        Field("capacity_mw", "decimal", True, label="Capacity (MW)"),
        Field("start_date", "date", True),
        Field("end_date", "date", True),
        Field("price_per_mwh", "money", label="Price per MWh"),
        CURRENCY,
        _choice("structure", enums.PPA_STRUCTURES),
        Field("escalation_pct", "decimal", label="Escalation %"),
        Field("renewable_pct", "decimal", label="Renewable %"),
        Field("take_or_pay_pct", "decimal", label="Take-or-pay %"),
        Field("notice_days", "int"),
    ),
    key=("ppa_ref",),
    singular="PPA",
)

CUSTOMERS = Kind(
    RecordKind.CUSTOMERS,
    "Customers",
    (_text("name", True), _text("country"), _text("contact")),
    key=("name",),
    singular="Customer",
)

CONTRACTS = Kind(
    RecordKind.CONTRACTS,
    "Contracts",
    (
        _text("contract_ref", True, label="Contract"),
        _text("customer", True, ref=RecordKind.CUSTOMERS),
        _text("site", True, ref=RecordKind.SITES),
        Field("start_date", "date", True),
        Field("end_date", "date", True),
        Field("price", "money", True),
        _choice("price_unit", enums.PRICE_UNITS, True),
        _choice("service", enums.SERVICES),
        Field("committed_gpus", "int", label="Committed GPUs"),
        Field("committed_mw", "decimal", label="Committed MW"),
        CURRENCY,
        Field("sla_uptime_pct", "decimal", label="SLA uptime %"),
        Field("auto_renew", "bool"),
        Field("notice_days", "int"),
        _choice("status", enums.CONTRACT_STATUSES),
        # Blank: GPUs of any model serve it.
        _text("gpu_model", label="GPU model"),
        # What the operator owes per day of late delivery, and at most (the contract's currency).
        Field("late_credit_per_day", "money", label="Late credit per day"),
        Field("late_credit_cap", "money", label="Late credit cap"),
    ),
    key=("contract_ref",),
    singular="Contract",
)

FXRATES = Kind(
    RecordKind.FXRATES,
    "FX rates",
    (
        _text("currency", True),
        Field("rate", "decimal", True, scale=8),
        Field("valid_from", "date", True),
    ),
    key=("currency", "valid_from"),
    singular="FX rate",
)

SITE_CAPACITY = Kind(
    RecordKind.SITE_CAPACITY,
    "Site capacity",
    (
        _text("site", True, ref=RecordKind.SITES),
        Field("from_date", "date", True, label="From"),
        Field("grid_mw", "decimal", True, label="Grid (MW)"),
        _text("notes"),
    ),
    key=("site", "from_date"),
    singular="Capacity step",
)

DEPLOYMENTS = Kind(
    RecordKind.DEPLOYMENTS,
    "Deployments",
    (
        _text("deployment_ref", True, label="Deployment"),
        _text("site", True, ref=RecordKind.SITES),
        _text("name"),
        _text("contract_ref", ref=RecordKind.CONTRACTS, label="Contract"),
        # Blank: the contract's need-by date.
        Field("target_date", "date", label="Target date"),
        # When its power is energised; blank: available.
        Field("power_ready_date", "date", label="Power ready"),
        _choice("status", enums.DEPLOYMENT_STATUSES),
        _text("notes"),
    ),
    key=("deployment_ref",),
    singular="Deployment",
)

DEPLOYMENT_PARTS = Kind(
    RecordKind.DEPLOYMENT_PARTS,
    "Deployment parts",
    (
        _text("deployment_ref", True, ref=RecordKind.DEPLOYMENTS, label="Deployment"),
        # A product sku (any vendor's) or a category name (gpu_system, cooling…).
        _text("part", True),
        Field("quantity", "int", True),
    ),
    key=("deployment_ref", "part"),
    singular="Deployment part",
)

KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        SITES,
        SITE_CAPACITY,
        VENDORS,
        PRODUCTS,
        LEADTIMES,
        ORDERS,
        PPAS,
        CUSTOMERS,
        CONTRACTS,
        FXRATES,
        DEPLOYMENTS,
        DEPLOYMENT_PARTS,
    )
}

# What each order line has of its own before any receipt: what it is, how many, at what
# price, and its dates (the record's order; the order-entry grid and the line adapter use it).
LINE_TERMS = ("description", "quantity", "unit_price", "requested_date", "promised_date", "eta")

# An order line's fields that belong to its purchase order: one value for every line of it.
PURCHASE_ORDER_FIELDS = ("vendor", "site", "order_date", "currency", "payment_schedule")

# The table each kind's records live in (an order line's, the line's: its purchase order is
# part of it). services.records' adapters write them; a test holds the two in step.
MODELS: dict[str, type[Any]] = {
    RecordKind.SITES: models.Site,
    RecordKind.SITE_CAPACITY: models.SiteCapacity,
    RecordKind.VENDORS: models.Vendor,
    RecordKind.PRODUCTS: models.Product,
    RecordKind.LEADTIMES: models.LeadTimeQuote,
    RecordKind.ORDERS: models.OrderLine,
    RecordKind.PPAS: models.Ppa,
    RecordKind.CUSTOMERS: models.Customer,
    RecordKind.CONTRACTS: models.CustomerContract,
    RecordKind.FXRATES: models.FxRate,
    RecordKind.DEPLOYMENTS: models.Deployment,
    RecordKind.DEPLOYMENT_PARTS: models.DeploymentPart,
}

# The kinds listed for import (customers arrive with their contracts).
IMPORT_KINDS = (
    RecordKind.SITES,
    RecordKind.VENDORS,
    RecordKind.PRODUCTS,
    RecordKind.LEADTIMES,
    RecordKind.ORDERS,
    RecordKind.PPAS,
    RecordKind.CONTRACTS,
    RecordKind.FXRATES,
    RecordKind.SITE_CAPACITY,
    RecordKind.DEPLOYMENTS,
    RecordKind.DEPLOYMENT_PARTS,
)

# The order in which the sheets of one workbook are written: what a kind names first (a
# deployment names its contract; an order line, the deployment it is reserved for).
WRITE_ORDER = (
    RecordKind.SITES,
    RecordKind.SITE_CAPACITY,
    RecordKind.VENDORS,
    RecordKind.PRODUCTS,
    RecordKind.LEADTIMES,
    RecordKind.PPAS,
    RecordKind.CONTRACTS,
    RecordKind.DEPLOYMENTS,
    RecordKind.DEPLOYMENT_PARTS,
    RecordKind.ORDERS,
    RecordKind.FXRATES,
)


def kind(name: str) -> Kind:
    from services.errors import UsageError

    try:
        return KINDS[name]
    except KeyError:
        raise UsageError(f"unknown kind {name!r}; choose one of: {', '.join(KINDS)}") from None
