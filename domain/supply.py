"""One order line: open units, first commitment, supply date, overdue, undated, slip.

A line's units are in one of these states as of a day:

* **received**: units in, counted at the line's ``received_date`` whatever its status;
* **dated**: open units whose date (``eta``, else ``promised_date``) is on or after the day:
  the vendor's current commitment, counted as supply on that date;
* **overdue**: open units whose date has passed: no longer a commitment, they supply nothing
  until a new ETA is entered, and are shown apart, at risk;
* **undated**: open units with no date, or on a line on hold: they supply nothing either.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from domain.statuses import (
    CLOSED,
    IN_FLIGHT,
    LineStatus,
    ProductCategory,
    can_be_overdue,
    counts_in_open_value,
    has_open_units,
    open_units_supply,
)

# A product's category (the name the supply rules have used for it).
Category = ProductCategory
CATEGORIES = frozenset(Category)
GPU_CATEGORIES = frozenset({Category.GPU_SYSTEM, Category.GPU_SERVER})


@dataclass(frozen=True, slots=True)
class Product:
    """What the rules need of a product: its sku, category, GPUs per unit and GPU model."""

    id: int
    vendor_id: int
    sku: str
    category: str
    gpus_per_unit: int = 0
    gpu_model: str | None = None
    kw_per_unit: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Line:
    """An order line with what the rules need of its order (plain values)."""

    id: int
    po_number: str
    line_no: int
    vendor_id: int
    site_id: int
    product_id: int
    order_date: dt.date
    currency: str
    quantity: int
    unit_price: Decimal | None
    promised_date: dt.date | None
    eta: dt.date | None
    received_qty: int
    received_date: dt.date | None
    status: str
    # The first date the vendor ever gave (stored on the line when first known).
    first_commitment: dt.date | None = None
    # Reserved for this deployment (it serves that one only, first).
    deployment_ref: str | None = None
    version: int = 1
    # Worked out once (every figure reads them): units still to come, and their date.
    open_units: int = field(init=False, repr=False, compare=False)
    expected_date: dt.date | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "open_units", units_open(self.quantity, self.received_qty, self.status)
        )
        # The vendor's current date for the open units: ETA, else promised date.
        object.__setattr__(
            self, "expected_date", self.eta if self.eta is not None else self.promised_date
        )

    @property
    def ref(self) -> str:
        return f"{self.po_number}/{self.line_no}"


def open_units(line: Line) -> int:
    """Units still to come: quantity − received, on a line that is not draft, received or
    cancelled. A line closed (received or cancelled) with fewer units in was closed short."""
    return line.open_units


def units_open(quantity: int, received_qty: int | None, status: str) -> int:
    """``open_units`` of a line's plain values (lists sum it over their rows)."""
    if not has_open_units(status):
        return 0
    return max(quantity - (received_qty or 0), 0)


def closed_short(line: Line) -> int:
    """Units a received or cancelled line will never bring (0 when it is not closed short)."""
    if line.status not in CLOSED:
        return 0
    return max(line.quantity - line.received_qty, 0)


def fully_received(line: Line) -> bool:
    """Every unit in, or the line marked received (a received line closed short is done)."""
    return line.received_qty >= line.quantity or line.status == LineStatus.RECEIVED


def first_commitment(
    known: dt.date | None, promised_date: dt.date | None, eta: dt.date | None
) -> dt.date | None:
    """The first date the vendor ever gave: kept once known; else its promised date, or its
    ETA when no promise came first (both at once: the promised date)."""
    if known is not None:
        return known
    return promised_date if promised_date is not None else eta


@dataclass(frozen=True, slots=True)
class VendorDates:
    """What a line's dates become when a person or a file gives new ones."""

    promised_date: dt.date | None
    eta: dt.date | None
    first_commitment: dt.date | None
    # The file or edit gave a promised date other than the one set: taken as an ETA move.
    promise_changed: bool = False


def take_vendor_dates(
    promised_date: dt.date | None,
    eta: dt.date | None,
    first: dt.date | None,
    new_promised: dt.date | None,
    new_eta: dt.date | None,
) -> VendorDates:
    """The line's dates after an ordinary edit or an import gives ``new_promised`` and
    ``new_eta`` (``new_eta`` equal to ``eta``: the ETA is not moved by it).

    A set promised date never changes here (only the explicit, audited correction does): a
    different promise is a new date from the vendor, i.e. an ETA move, unless the ETA is moved
    as well (that ETA then stands). A promise given where none was set is taken. The first
    commitment, once known, is kept."""
    changed = (
        promised_date is not None and new_promised is not None and new_promised != promised_date
    )
    promised = promised_date if promised_date is not None else new_promised
    moved_eta = new_eta
    if changed and new_eta == eta:
        moved_eta = new_promised
    return VendorDates(promised, moved_eta, first_commitment(first, promised, moved_eta), changed)


def supply_date(line: Line, as_of: dt.date) -> dt.date | None:
    """When the open units count as supply as of ``as_of``: their ETA (else promised date)
    while it is on or after the day; None when they are overdue, undated or on hold."""
    if not open_units_supply(line.status):
        return None
    expected = line.expected_date
    if expected is None or expected < as_of:
        return None
    return expected


def is_overdue(line: Line, as_of: dt.date) -> bool:
    """Open units of a placed line whose date has passed (a date equal to the day is not)."""
    if not can_be_overdue(line.status) or open_units(line) <= 0:
        return False
    expected = line.expected_date
    return expected is not None and expected < as_of


def overdue_days(line: Line, as_of: dt.date) -> int:
    """How many days overdue (0 when it is not)."""
    if not is_overdue(line, as_of):
        return 0
    expected = line.expected_date
    assert expected is not None
    return (as_of - expected).days


def overdue_units(line: Line, as_of: dt.date) -> int:
    return open_units(line) if is_overdue(line, as_of) else 0


def undated_units(line: Line) -> int:
    """Open units with no date, or on a line on hold: they supply nothing."""
    units = open_units(line)
    if units <= 0:
        return 0
    if not open_units_supply(line.status):
        return units
    return units if line.expected_date is None else 0


def received_units(line: Line) -> int:
    """Units in (whatever the status: they arrived), when the line says when they came."""
    return line.received_qty if line.received_qty > 0 and line.received_date is not None else 0


@dataclass(frozen=True, slots=True)
class Lot:
    """Units of one line that count as supply on one date."""

    date: dt.date
    units: int
    received: bool


def lots(line: Line, as_of: dt.date) -> tuple[Lot, ...]:
    """The line's supply as of ``as_of``: received units at ``received_date``, dated open
    units at their supply date; overdue and undated units supply nothing."""
    found: list[Lot] = []
    received = received_units(line)
    if received and line.received_date is not None:
        found.append(Lot(line.received_date, received, True))
    when = supply_date(line, as_of)
    units = open_units(line)
    if when is not None and units > 0:
        found.append(Lot(when, units, False))
    return tuple(found)


def state(line: Line, as_of: dt.date) -> tuple[tuple[Lot, ...], int, int]:
    """(lots, overdue units, undated units) in one look at the line: what ``lots``,
    ``overdue_units`` and ``undated_units`` say, for passes over 100,000 lines."""
    units = line.open_units
    received = line.received_qty if line.received_qty > 0 and line.received_date else 0
    found: tuple[Lot, ...] = ()
    if received and line.received_date is not None:
        found = (Lot(line.received_date, received, True),)
    if units <= 0:
        return found, 0, 0
    if line.status not in IN_FLIGHT:
        return found, 0, units  # on hold: undated
    expected = line.expected_date
    if expected is None:
        return found, 0, units
    if expected < as_of:
        return found, units, 0
    return (*found, Lot(expected, units, False)), 0, 0


def slip_days(line: Line, as_of: dt.date) -> int | None:
    """How far the line slipped from its first commitment, in days, as of ``as_of``:
    (received date if fully received; else the day if overdue; else its ETA, else promised
    date) − first commitment. None without a first commitment, and for draft and cancelled
    lines (nothing was or will be delivered against a commitment)."""
    first = line.first_commitment
    if first is None or line.status in (LineStatus.DRAFT, LineStatus.CANCELLED):
        return None
    if fully_received(line) and line.received_date is not None:
        return (line.received_date - first).days
    if is_overdue(line, as_of):
        return (as_of - first).days
    current = line.expected_date
    if current is None:
        return None
    return (current - first).days


def actual_lead_days(line: Line) -> int | None:
    """Days from order to (latest) receipt, or None before anything arrived."""
    if line.received_qty <= 0 or line.received_date is None:
        return None
    return (line.received_date - line.order_date).days


def gpus(units: int, gpus_per_unit: int) -> int:
    return units * gpus_per_unit


def open_value(line: Line) -> Decimal:
    """Open units × unit price, for lines that count in the open order value (placed, on the
    way or on hold); a line without a price counts as nothing."""
    if not counts_in_open_value(line.status) or line.unit_price is None:
        return Decimal(0)
    return open_units(line) * line.unit_price
