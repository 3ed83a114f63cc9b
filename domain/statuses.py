"""Every enumerated value of Rackbook as a ``StrEnum``, in one place, and what each order line
status counts for: one table, asked by every figure.

``models/enums.py`` gives the allowed values of each field as tuples of these; the schema,
services, import and window take them from there. Members are ``str``s, so a member compares
equal to its text (``LineStatus.RECEIVED == "received"``) and is stored as that text.

| status | open units supply | can be overdue, chased | open order value | cash milestones |
| --- | --- | --- | --- | --- |
| draft | no (not an order yet) | no | no | no |
| placed … partially_received | yes, at their supply date | yes | yes | yes |
| on_hold | no: undated, shown as on hold | no (listed as on hold, not late) | yes | yes, undated |
| received | no open units | no | no | yes (past ones paid) |
| cancelled | no open units | no | no | no |
"""

from __future__ import annotations

from enum import StrEnum


class SiteStatus(StrEnum):
    PLANNED = "planned"
    MINING = "mining"
    CONVERTING = "converting"
    LIVE = "live"


class ProductCategory(StrEnum):
    GPU_SYSTEM = "gpu_system"
    GPU_SERVER = "gpu_server"
    NETWORK = "network"
    STORAGE = "storage"
    POWER = "power"
    COOLING = "cooling"
    OTHER = "other"


class LineStatus(StrEnum):
    DRAFT = "draft"
    PLACED = "placed"
    CONFIRMED = "confirmed"
    IN_PRODUCTION = "in_production"
    SHIPPED = "shipped"
    PARTIALLY_RECEIVED = "partially_received"
    RECEIVED = "received"
    ON_HOLD = "on_hold"
    CANCELLED = "cancelled"


class OrderStatus(StrEnum):
    """A purchase order's status summarises its lines (services.records.order_status)."""

    DRAFT = "draft"
    OPEN = "open"
    PARTIALLY_RECEIVED = "partially_received"
    RECEIVED = "received"
    CANCELLED = "cancelled"


class PpaStructure(StrEnum):
    FIXED = "fixed"
    INDEXED = "indexed"
    HYBRID = "hybrid"


class Service(StrEnum):
    """What a customer contract sells."""

    COLOCATION = "colocation"
    GPU_LEASE = "gpu_lease"
    MANAGED_TRAINING = "managed_training"
    INFERENCE = "inference"


class PriceUnit(StrEnum):
    PER_GPU_HOUR = "per_gpu_hour"
    PER_KW_MONTH = "per_kw_month"
    PER_MONTH = "per_month"
    PER_YEAR = "per_year"


class ContractStatus(StrEnum):
    DRAFT = "draft"
    SIGNED = "signed"
    ACTIVE = "active"
    EXPIRED = "expired"
    TERMINATED = "terminated"


class DeploymentStatus(StrEnum):
    PLANNED = "planned"
    BUILDING = "building"
    READY = "ready"
    LIVE = "live"
    CANCELLED = "cancelled"


class AuditAction(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"


class Severity(StrEnum):
    """How bad an alert is: critical where a customer commitment or a site's power is at risk."""

    CRITICAL = "critical"
    WARNING = "warning"
    INFO = "info"


class Rule(StrEnum):
    """The alert rules (domain/alerts.py says when each fires)."""

    OVERDUE_DELIVERY = "overdue_delivery"
    ETA_SLIP = "eta_slip"
    UNCONFIRMED_ORDER = "unconfirmed_order"
    LEAD_TIME_DRIFT = "lead_time_drift"
    CAPACITY_SHORTFALL = "capacity_shortfall"
    DEPLOYMENT_LATE = "deployment_late"
    TAKE_OR_PAY_IDLE = "take_or_pay_idle"
    POWER_SHORTFALL = "power_shortfall"
    PPA_COVERAGE_GAP = "ppa_coverage_gap"
    VENDOR_CONCENTRATION = "vendor_concentration"
    PPA_EXPIRING = "ppa_expiring"
    CONTRACT_NOTICE_DUE = "contract_notice_due"


def values(enum: type[StrEnum]) -> tuple[str, ...]:
    """The members' texts in their order: the allowed values of a field."""
    return tuple(member.value for member in enum)


# Placed with the vendor and on its way: open units supply at their date, can be overdue.
IN_FLIGHT = frozenset(
    {
        LineStatus.PLACED,
        LineStatus.CONFIRMED,
        LineStatus.IN_PRODUCTION,
        LineStatus.SHIPPED,
        LineStatus.PARTIALLY_RECEIVED,
    }
)
# Statuses whose lines have no open units whatever their quantities say.
NO_OPEN_UNITS = frozenset({LineStatus.DRAFT, LineStatus.RECEIVED, LineStatus.CANCELLED})
# Lines closed by the buyer: fewer units received than ordered means closed short.
CLOSED = frozenset({LineStatus.RECEIVED, LineStatus.CANCELLED})


def has_open_units(status: str) -> bool:
    """Whether a line in ``status`` can have units still to come (draft: not an order yet)."""
    return status not in NO_OPEN_UNITS


def open_units_supply(status: str) -> bool:
    """Whether open units of a line in ``status`` supply at their date (on hold: undated)."""
    return status in IN_FLIGHT


def can_be_overdue(status: str) -> bool:
    """Whether a line in ``status`` can be overdue and chased (on hold is listed as on hold)."""
    return status in IN_FLIGHT


def counts_in_open_value(status: str) -> bool:
    return status in IN_FLIGHT or status == LineStatus.ON_HOLD


def counts_for_cash(status: str) -> bool:
    return status in IN_FLIGHT or status in (LineStatus.ON_HOLD, LineStatus.RECEIVED)


def is_on_hold(status: str) -> bool:
    return status == LineStatus.ON_HOLD


def status_words(status: str) -> str:
    """A status as a buyer reads it: ``in_production`` → ``in production``."""
    return status.replace("_", " ")


class RecordKind(StrEnum):
    """The kinds of record Rackbook reads and writes (services/schema.py declares each one):
    the text is what the CLI takes, what ``list --json`` and the import batches name."""

    SITES = "sites"
    SITE_CAPACITY = "site_capacity"
    VENDORS = "vendors"
    PRODUCTS = "products"
    LEADTIMES = "leadtimes"
    ORDERS = "orders"
    PPAS = "ppas"
    CUSTOMERS = "customers"
    CONTRACTS = "contracts"
    FXRATES = "fxrates"
    DEPLOYMENTS = "deployments"
    DEPLOYMENT_PARTS = "deployment_parts"
