"""The figures of DESIGN.md §3: supply dates, allocation, contract value, power and order value.

Two layers, so the arithmetic is easy to test and fast on big databases:

* pure functions over plain values (``monthly_value``, ``term_months``, ``allocate``,
  ``power_required``…) and over a :class:`Snapshot`, a handful of plain dataclasses;
* loaders that take a session and an as-of day. ``load_snapshot`` reads everything the
  figures and the alert rules need with a few Core ``SELECT`` statements into tuples, in one
  pass: no ORM objects, no per-record queries (100,000 order lines load in well under a second).

Money and megawatts are Decimal; GPUs and units are whole numbers; dates are dates.
"""

from __future__ import annotations

import datetime as dt
import gc
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any, cast

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import (
    Customer,
    CustomerContract,
    EtaChange,
    FxRate,
    LeadTimeQuote,
    OrderLine,
    Ppa,
    Product,
    PurchaseOrder,
    Site,
    Vendor,
)
from models.enums import BINDING_CONTRACT_STATUSES
from services import settings as settings_service

HOURS_PER_MONTH = 730
DAYS_PER_MONTH = 30
SERIES_HORIZON_MONTHS = 6
CENT = Decimal("0.01")
MEASURE = Decimal("0.0001")
ZERO = Decimal(0)

# Lines whose units are not (or no longer) waited for: they make no alert about lateness.
NOT_OPEN_STATUSES = frozenset(("draft", "received", "cancelled"))


# --- plain data --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SiteRow:
    id: int
    name: str
    grid_capacity_mw: Decimal | None
    pue: Decimal | None
    status: str


@dataclass(frozen=True, slots=True)
class ProductRow:
    id: int
    vendor_id: int
    sku: str
    category: str
    gpus_per_unit: int


@dataclass(slots=True)
class LineRow:
    """One order line with what the figures need of its order."""

    id: int
    po_number: str
    line_no: int
    order_date: dt.date
    currency: str
    vendor_id: int
    site_id: int
    product_id: int
    quantity: int
    unit_price: Decimal | None
    promised_date: dt.date | None
    eta: dt.date | None
    received_qty: int
    received_date: dt.date | None
    status: str
    # The first ETA ever recorded, for lines without a promised date (see ``first_commitment``).
    first_eta: dt.date | None = None
    # Units still expected from the vendor: none on a cancelled or received line. Worked out
    # once here because every figure and most rules read it.
    open_units: int = field(init=False)

    def __post_init__(self) -> None:
        remaining = self.quantity - self.received_qty
        closed = self.status == "cancelled" or self.status == "received"
        self.open_units = 0 if closed or remaining < 0 else remaining

    @property
    def ref(self) -> str:
        return f"{self.po_number}/{self.line_no}"

    @property
    def expected_date(self) -> dt.date | None:
        """When the open units are expected: the vendor's current ETA, else its promise."""
        return self.eta or self.promised_date

    @property
    def first_commitment(self) -> dt.date | None:
        """The vendor's first commitment: the promised date, else the first ETA recorded."""
        return self.promised_date or self.first_eta

    @property
    def is_open(self) -> bool:
        """Placed with the vendor and not all units in (drafts are not placed yet)."""
        return self.status not in NOT_OPEN_STATUSES and self.open_units > 0


@dataclass(frozen=True, slots=True)
class ContractRow:
    id: int
    ref: str
    customer: str
    site_id: int
    service: str | None
    start_date: dt.date
    end_date: dt.date
    committed_gpus: int | None
    committed_mw: Decimal | None
    price: Decimal
    price_unit: str
    currency: str
    auto_renew: bool
    notice_days: int | None
    status: str

    @property
    def binding(self) -> bool:
        """Signed and active contracts bind GPUs and megawatts; drafts and ended ones do not."""
        return self.status in BINDING_CONTRACT_STATUSES


@dataclass(frozen=True, slots=True)
class PpaRow:
    id: int
    ref: str
    counterparty: str
    site_id: int
    capacity_mw: Decimal
    start_date: dt.date
    end_date: dt.date
    notice_days: int | None


@dataclass(frozen=True, slots=True)
class QuoteRow:
    product_id: int
    quote_date: dt.date
    lead_days: int


@dataclass(frozen=True)
class FigureSettings:
    """The settings the figures and rules read, typed (defaults from services.settings)."""

    install_buffer_days: int = 14
    default_pue: Decimal = Decimal("1.3")
    default_kw_per_gpu: Decimal = Decimal("1.9")
    reporting_currency: str = "USD"
    slip_threshold_days: int = 14
    unconfirmed_days: int = 10
    lead_time_drift_pct: Decimal = Decimal("20")
    vendor_concentration_pct: Decimal = Decimal("80")
    ppa_expiry_horizon_days: int = 90
    contract_notice_horizon_days: int = 90

    @classmethod
    def from_values(cls, values: dict[str, Any]) -> FigureSettings:
        names = cls.__dataclass_fields__
        return cls(**{k: v for k, v in values.items() if k in names})


@dataclass
class Snapshot:
    """Everything the figures and alert rules read, as plain values."""

    sites: dict[int, SiteRow]
    vendors: dict[int, str]
    products: dict[int, ProductRow]
    lines: list[LineRow]
    contracts: list[ContractRow]
    ppas: list[PpaRow]
    quotes: list[QuoteRow]
    # currency -> [(valid_from, rate)] sorted by valid_from
    fx: dict[str, list[tuple[dt.date, Decimal]]]
    settings: FigureSettings = field(default_factory=FigureSettings)

    def gpus_per_unit(self, line: LineRow) -> int:
        return self.products[line.product_id].gpus_per_unit

    def site_name(self, site_id: int) -> str:
        return self.sites[site_id].name

    def pue(self, site_id: int) -> Decimal:
        site = self.sites.get(site_id)
        return site.pue if site is not None and site.pue else self.settings.default_pue


# --- loading -----------------------------------------------------------------------------


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while building many plain rows.

    Loading 100,000 order lines and raising tens of thousands of alerts allocates objects
    without reference cycles; the collector's repeated full passes over them took about as
    long as the work itself (measured with bench/bench_alerts.py). Reference counting still
    frees everything; the collector runs again as soon as the block ends.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def load_snapshot(session: Session) -> Snapshot:
    """Read what the figures and rules need: a few Core SELECTs into plain rows.

    The statements run on the session's connection, not through ``Session.execute``: plain
    Core rows skip the ORM's result machinery, which costs more than the query itself on
    100,000 order lines. Order lines are fetched all at once (``.all()``): psycopg's
    row-by-row fetching doubled the load time on PostgreSQL.
    """
    with collector_paused():
        return _load_snapshot(session)


def _load_snapshot(session: Session) -> Snapshot:
    connection = session.connection()
    sites = {
        row[0]: SiteRow(*row)
        for row in connection.execute(
            select(Site.id, Site.name, Site.grid_capacity_mw, Site.pue, Site.status)
        )
    }
    vendors = {vid: name for vid, name in connection.execute(select(Vendor.id, Vendor.name))}
    products = {
        row[0]: ProductRow(*row)
        for row in connection.execute(
            select(
                Product.id, Product.vendor_id, Product.sku, Product.category, Product.gpus_per_unit
            )
        )
    }
    line_query = select(
        OrderLine.id,
        PurchaseOrder.po_number,
        OrderLine.line_no,
        PurchaseOrder.order_date,
        PurchaseOrder.currency,
        PurchaseOrder.vendor_id,
        PurchaseOrder.site_id,
        OrderLine.product_id,
        OrderLine.quantity,
        OrderLine.unit_price,
        OrderLine.promised_date,
        OrderLine.eta,
        OrderLine.received_qty,
        OrderLine.received_date,
        OrderLine.status,
    ).join(PurchaseOrder, OrderLine.order_id == PurchaseOrder.id)
    line_rows = cast(Iterable[tuple[Any, ...]], connection.execute(line_query).all())
    lines = [LineRow(*row) for row in line_rows]

    # The first ETA ever recorded, only needed where the vendor gave no promised date.
    first_change = (
        select(func.min(EtaChange.id).label("first_id"))
        .join(OrderLine, EtaChange.order_line_id == OrderLine.id)
        .where(EtaChange.new_date.is_not(None), OrderLine.promised_date.is_(None))
        .group_by(EtaChange.order_line_id)
        .subquery()
    )
    # (A Result has .keys(), so dict(result) would take it for a mapping: build it by hand.)
    first_etas: dict[int, dt.date | None] = {
        line_id: new_date
        for line_id, new_date in connection.execute(
            select(EtaChange.order_line_id, EtaChange.new_date).join(
                first_change, EtaChange.id == first_change.c.first_id
            )
        )
    }
    if first_etas:
        for line in lines:
            if line.promised_date is None:
                line.first_eta = first_etas.get(line.id)

    contracts = [
        ContractRow(*tuple(row))
        for row in connection.execute(
            select(
                CustomerContract.id,
                CustomerContract.contract_ref,
                Customer.name,
                CustomerContract.site_id,
                CustomerContract.service,
                CustomerContract.start_date,
                CustomerContract.end_date,
                CustomerContract.committed_gpus,
                CustomerContract.committed_mw,
                CustomerContract.price,
                CustomerContract.price_unit,
                CustomerContract.currency,
                CustomerContract.auto_renew,
                CustomerContract.notice_days,
                CustomerContract.status,
            ).join(Customer, CustomerContract.customer_id == Customer.id)
        )
    ]
    ppas = [
        PpaRow(*row)
        for row in connection.execute(
            select(
                Ppa.id,
                Ppa.ppa_ref,
                Ppa.counterparty,
                Ppa.site_id,
                Ppa.capacity_mw,
                Ppa.start_date,
                Ppa.end_date,
                Ppa.notice_days,
            )
        )
    ]
    quotes = [
        QuoteRow(*row)
        for row in connection.execute(
            select(LeadTimeQuote.product_id, LeadTimeQuote.quote_date, LeadTimeQuote.lead_days)
        )
    ]
    fx: dict[str, list[tuple[dt.date, Decimal]]] = defaultdict(list)
    for currency, valid_from, rate in connection.execute(
        select(FxRate.currency, FxRate.valid_from, FxRate.rate).order_by(FxRate.valid_from)
    ):
        fx[currency.upper()].append((valid_from, rate))
    return Snapshot(
        sites=sites,
        vendors=vendors,
        products=products,
        lines=lines,
        contracts=contracts,
        ppas=ppas,
        quotes=quotes,
        fx=dict(fx),
        settings=FigureSettings.from_values(settings_service.get_all(session)),
    )


# --- contract value ----------------------------------------------------------------------


def monthly_value(
    price: Decimal,
    price_unit: str,
    committed_gpus: int | None,
    committed_mw: Decimal | None,
    kw_per_gpu: Decimal = Decimal("1.9"),
) -> Decimal:
    """What a contract bills a month, in its currency (DESIGN.md §3).

    per_kw_month without committed MW bills the MW its GPUs draw (GPUs × kW per GPU), the
    same stand-in the power figures use.
    """
    if price_unit == "per_gpu_hour":
        return (Decimal(committed_gpus or 0) * price * HOURS_PER_MONTH).quantize(CENT)
    if price_unit == "per_kw_month":
        mw = committed_mw_or_estimate(committed_gpus, committed_mw, kw_per_gpu)
        return (mw * 1000 * price).quantize(CENT)
    if price_unit == "per_month":
        return price.quantize(CENT)
    if price_unit == "per_year":
        return (price / 12).quantize(CENT)
    raise ValueError(f"unknown price unit {price_unit!r}")


def _term_parts(start_date: dt.date, end_date: dt.date) -> tuple[int, int]:
    span = relativedelta(end_date + dt.timedelta(days=1), start_date)
    return span.years * 12 + span.months, span.days


def term_months(start_date: dt.date, end_date: dt.date) -> Decimal:
    """Whole months from start to end (inclusive) plus the remaining days as thirtieths.

    A contract from 2027-01-01 to 2027-12-31 runs 12 months; to 2027-01-15, 0.5 months.
    """
    months, days = _term_parts(start_date, end_date)
    return (Decimal(months) + Decimal(days) / DAYS_PER_MONTH).quantize(MEASURE)


def total_contract_value(monthly: Decimal, start_date: dt.date, end_date: dt.date) -> Decimal:
    """Monthly value × term, from the exact term (not the rounded one shown)."""
    months, days = _term_parts(start_date, end_date)
    return (monthly * months + monthly * days / DAYS_PER_MONTH).quantize(CENT)


def need_by_date(start_date: dt.date, install_buffer_days: int = 14) -> dt.date:
    """The day GPUs must be on site so they can be installed before the contract starts."""
    return start_date - dt.timedelta(days=install_buffer_days)


def notice_deadline(end_date: dt.date, notice_days: int | None) -> dt.date:
    """The last day to give notice: end date − notice days (no notice period: the end date)."""
    return end_date - dt.timedelta(days=notice_days or 0)


# Added by the exports helper (issue 5) for the contract summary's PPAs sheet, after a
# request in /work/brief/REQUEST-exports.md went unanswered: the one PPA price figure.
def escalated_price(
    price_per_mwh: Decimal | None,
    escalation_pct: Decimal | None,
    start_date: dt.date,
    as_of: dt.date,
) -> Decimal | None:
    """The PPA price per MWh in force on ``as_of``: the base price escalated by
    ``escalation_pct`` once on every anniversary of ``start_date`` that has come (compounded),
    to four decimal places. No price: None; before the start or without escalation: the base.
    """
    if price_per_mwh is None:
        return None
    years = relativedelta(as_of, start_date).years if as_of > start_date else 0
    if not escalation_pct or years <= 0:
        return price_per_mwh
    factor = (1 + escalation_pct / 100) ** years
    return (price_per_mwh * factor).quantize(MEASURE, rounding=ROUND_HALF_EVEN)


# --- supply ------------------------------------------------------------------------------


def line_supply(line: LineRow) -> list[tuple[dt.date, int]]:
    """When a line's units arrive: received units at received_date, the open rest at its ETA
    (else its promised date). A cancelled line supplies nothing; so do undated open units."""
    if line.status == "cancelled":
        return []
    events: list[tuple[dt.date, int]] = []
    if line.received_qty > 0 and line.received_date is not None:
        events.append((line.received_date, line.received_qty))
    expected = line.expected_date
    if line.open_units > 0 and expected is not None:
        events.append((expected, line.open_units))
    return events


def line_gpus(units: int, gpus_per_unit: int) -> int:
    return units * gpus_per_unit


def actual_lead_days(order_date: dt.date, received_date: dt.date | None) -> int | None:
    """Days from order to receipt, or None before anything arrived."""
    return None if received_date is None else (received_date - order_date).days


class CumulativeSupply:
    """GPUs arrived (or due) at a site by any day: sorted dates with running totals."""

    def __init__(self, events: Iterable[tuple[dt.date, int]]) -> None:
        by_day: dict[dt.date, int] = defaultdict(int)
        for day, gpus in events:
            by_day[day] += gpus
        self.days = sorted(by_day)
        self.totals: list[int] = []
        running = 0
        for day in self.days:
            running += by_day[day]
            self.totals.append(running)

    def by(self, day: dt.date) -> int:
        """GPUs supplied on or before ``day``."""
        index = bisect_right(self.days, day)
        return self.totals[index - 1] if index else 0


@dataclass(frozen=True)
class Demand:
    """A contract asking for GPUs at a site, for the allocation."""

    ref: str
    start_date: dt.date
    need_by: dt.date
    committed_gpus: int


def allocate(demands: Sequence[Demand], supply: CumulativeSupply) -> dict[str, int]:
    """GPUs secured per contract at one site (DESIGN.md §3).

    Contracts are served in start-date order (then reference). Each takes what the site has
    by its need-by date minus everything committed to contracts served before it: GPUs that
    arrive later still go to the earlier customer first, so the same GPUs never serve two.
    """
    secured: dict[str, int] = {}
    committed_before = 0
    for demand in sorted(demands, key=lambda d: (d.start_date, d.ref)):
        available = max(supply.by(demand.need_by) - committed_before, 0)
        secured[demand.ref] = min(available, demand.committed_gpus)
        committed_before += demand.committed_gpus
    return secured


# --- power -------------------------------------------------------------------------------


def committed_mw_or_estimate(
    committed_gpus: int | None, committed_mw: Decimal | None, kw_per_gpu: Decimal
) -> Decimal:
    """A contract's IT load: its committed MW, else its GPUs × kW per GPU."""
    if committed_mw is not None:
        return committed_mw
    return Decimal(committed_gpus or 0) * kw_per_gpu / 1000


def is_active_on(contract: ContractRow, day: dt.date) -> bool:
    return contract.binding and contract.start_date <= day <= contract.end_date


def power_required(
    contracts: Iterable[ContractRow], day: dt.date, pue: Decimal, kw_per_gpu: Decimal
) -> Decimal:
    """MW a site draws from the grid on ``day``: IT load of its running contracts × PUE."""
    it_load = sum(
        (
            committed_mw_or_estimate(c.committed_gpus, c.committed_mw, kw_per_gpu)
            for c in contracts
            if is_active_on(c, day)
        ),
        ZERO,
    )
    return (it_load * pue).quantize(MEASURE)


def ppa_cover(ppas: Iterable[PpaRow], day: dt.date) -> Decimal:
    """MW of PPAs running on ``day``."""
    return sum((p.capacity_mw for p in ppas if p.start_date <= day <= p.end_date), ZERO)


def check_days(contracts: Iterable[ContractRow], as_of: dt.date) -> list[dt.date]:
    """The days power is checked on: each binding contract's start day, or the as-of day for
    contracts already running (a past start is today's load)."""
    return sorted(
        {max(c.start_date, as_of) for c in contracts if c.binding and c.end_date >= as_of}
    )


@dataclass(frozen=True)
class PowerDay:
    day: dt.date
    required_mw: Decimal
    grid_mw: Decimal | None
    ppa_mw: Decimal
    contracts: tuple[str, ...]

    @property
    def grid_excess_mw(self) -> Decimal:
        """MW required beyond the grid capacity (0 when it fits or the grid is unknown)."""
        if self.grid_mw is None:
            return ZERO
        return max(self.required_mw - self.grid_mw, ZERO)

    @property
    def ppa_gap_mw(self) -> Decimal:
        return max(self.required_mw - self.ppa_mw, ZERO)


def power_days(snapshot: Snapshot, as_of: dt.date) -> dict[int, list[PowerDay]]:
    """Per site, power required against grid and PPA cover on each start day from as-of on."""
    contracts_by_site = _by_site(snapshot.contracts)
    ppas_by_site = _by_site(snapshot.ppas)
    kw_per_gpu = snapshot.settings.default_kw_per_gpu
    result: dict[int, list[PowerDay]] = {}
    for site_id, contracts in contracts_by_site.items():
        site = snapshot.sites[site_id]
        pue = snapshot.pue(site_id)
        ppas = ppas_by_site.get(site_id, [])
        result[site_id] = [
            PowerDay(
                day=day,
                required_mw=power_required(contracts, day, pue, kw_per_gpu),
                grid_mw=site.grid_capacity_mw,
                ppa_mw=ppa_cover(ppas, day),
                contracts=tuple(sorted(c.ref for c in contracts if is_active_on(c, day))),
            )
            for day in check_days(contracts, as_of)
        ]
    return result


# --- money -------------------------------------------------------------------------------


@dataclass(frozen=True)
class MissingRate:
    """Open order value that could not be converted: no rate on or before the order date."""

    currency: str
    earliest_order_date: dt.date
    po_numbers: tuple[str, ...]
    open_value: Decimal

    def __str__(self) -> str:
        shown = ", ".join(self.po_numbers[:5])
        more = f" and {len(self.po_numbers) - 5} more" if len(self.po_numbers) > 5 else ""
        return (
            f"no {self.currency} exchange rate on or before {self.earliest_order_date} "
            f"({self.currency} {self.open_value:,.2f} open on {shown}{more})"
        )


class Converter:
    """Amounts in an order's currency to the reporting currency, at the rate valid on the
    order date (the latest rate on or before it). No rate gives None, never 1:1."""

    def __init__(self, fx: dict[str, list[tuple[dt.date, Decimal]]], reporting: str) -> None:
        self.reporting = reporting.upper()
        self._days = {cur: [d for d, _ in rates] for cur, rates in fx.items()}
        self._rates = {cur: [r for _, r in rates] for cur, rates in fx.items()}
        self._cache: dict[tuple[str, dt.date], Decimal | None] = {}

    def rate(self, currency: str, on: dt.date) -> Decimal | None:
        currency = currency.upper()
        if currency == self.reporting:
            return Decimal(1)
        key = (currency, on)
        if key not in self._cache:
            days = self._days.get(currency, [])
            index = bisect_right(days, on)
            self._cache[key] = self._rates[currency][index - 1] if index else None
        return self._cache[key]


def line_open_value(line: LineRow) -> Decimal:
    """Open units × unit price, in the order's currency (a line without a price counts 0)."""
    if line.unit_price is None:
        return ZERO
    return line.open_units * line.unit_price


@dataclass
class OpenValue:
    """Open order value in the reporting currency, with what could not be converted."""

    total: Decimal
    missing_rates: list[MissingRate]
    # (vendor_id, category) -> value in the reporting currency
    by_vendor_category: dict[tuple[int, str], Decimal]


def open_value_breakdown(snapshot: Snapshot) -> OpenValue:
    converter = Converter(snapshot.fx, snapshot.settings.reporting_currency)
    total = ZERO
    by_vendor_category: dict[tuple[int, str], Decimal] = defaultdict(lambda: ZERO)
    missing: dict[str, dict[str, Any]] = {}
    for line in snapshot.lines:
        if line.open_units <= 0:
            continue
        value = line_open_value(line)
        if not value:
            continue
        rate = converter.rate(line.currency, line.order_date)
        if rate is None:
            gap = missing.setdefault(
                line.currency.upper(),
                {"first": line.order_date, "pos": set(), "value": ZERO},
            )
            gap["first"] = min(gap["first"], line.order_date)
            gap["pos"].add(line.po_number)
            gap["value"] += value
            continue
        converted = value * rate
        total += converted
        category = snapshot.products[line.product_id].category
        by_vendor_category[(line.vendor_id, category)] += converted
    missing_rates = [
        MissingRate(cur, gap["first"], tuple(sorted(gap["pos"])), gap["value"].quantize(CENT))
        for cur, gap in sorted(missing.items())
    ]
    return OpenValue(
        total.quantize(CENT),
        missing_rates,
        {k: v.quantize(CENT) for k, v in by_vendor_category.items()},
    )


def open_order_value(session: Session, as_of: dt.date) -> tuple[Decimal, list[MissingRate]]:
    """Open order value in the reporting currency and the rates missing to convert the rest.

    ``as_of`` is accepted for a uniform API: the value is what is open in the records now.
    """
    breakdown = open_value_breakdown(load_snapshot(session))
    return breakdown.total, breakdown.missing_rates


# --- contracts ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LateLine:
    """An order line with GPUs for a site that arrives after a contract's need-by date."""

    ref: str
    gpus: int
    expected: dt.date | None
    status: str

    def __str__(self) -> str:
        when = f"ETA {self.expected}" if self.expected else "no date yet"
        gpus = "1 GPU" if self.gpus == 1 else f"{self.gpus:,} GPUs"
        return f"{self.ref} ({gpus}, {when})"


@dataclass(frozen=True)
class ContractFigures:
    ref: str
    customer: str
    site: str
    service: str | None
    status: str
    start_date: dt.date
    end_date: dt.date
    committed_gpus: int
    committed_mw: Decimal | None
    price: Decimal
    price_unit: str
    currency: str
    monthly_value: Decimal
    term_months: Decimal
    tcv: Decimal
    need_by: dt.date
    gpus_secured: int
    shortfall: int
    notice_deadline: dt.date
    # Open GPU lines at the site arriving after need_by (or undated), soonest first.
    late_lines: tuple[LateLine, ...] = ()

    @property
    def binding(self) -> bool:
        return self.status in BINDING_CONTRACT_STATUSES


def _by_site(rows: Iterable[Any]) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        grouped[row.site_id].append(row)
    return grouped


@dataclass
class SiteSupply:
    """A site's GPU supply: cumulative by day, and the open GPU lines by expected date."""

    cumulative: CumulativeSupply
    delivered: list[tuple[dt.date, int]]
    # (expected date, line ref, gpus, status), sorted; undated lines separately
    open_lines: list[tuple[dt.date, str, int, str]]
    undated_lines: list[tuple[str, int, str]]
    _late: list[LateLine] | None = field(default=None, repr=False)
    _late_days: list[dt.date] = field(default_factory=list, repr=False)

    def late_after(self, day: dt.date) -> tuple[LateLine, ...]:
        """Open GPU lines expected after ``day``, soonest first, then the undated ones."""
        if self._late is None:
            # Built once per site and sliced per contract: short contracts share them.
            self._late = [
                LateLine(ref, gpus, d, status) for d, ref, gpus, status in self.open_lines
            ]
            self._late += [
                LateLine(ref, gpus, None, status) for ref, gpus, status in self.undated_lines
            ]
            self._late_days = [d for d, _, _, _ in self.open_lines]
        return tuple(self._late[bisect_right(self._late_days, day) :])


def site_supply(snapshot: Snapshot) -> dict[int, SiteSupply]:
    """One pass over the order lines: GPU supply per site."""
    events: dict[int, list[tuple[dt.date, int]]] = defaultdict(list)
    delivered: dict[int, list[tuple[dt.date, int]]] = defaultdict(list)
    open_lines: dict[int, list[tuple[dt.date, str, int, str]]] = defaultdict(list)
    undated: dict[int, list[tuple[str, int, str]]] = defaultdict(list)
    products = snapshot.products
    for line in snapshot.lines:
        per_unit = products[line.product_id].gpus_per_unit
        if per_unit <= 0 or line.status == "cancelled":
            continue
        site_events = events[line.site_id]
        for day, units in line_supply(line):
            site_events.append((day, units * per_unit))
        if line.received_qty > 0 and line.received_date is not None:
            delivered[line.site_id].append((line.received_date, line.received_qty * per_unit))
        open_units = line.open_units
        if open_units > 0:
            expected = line.expected_date
            gpus = open_units * per_unit
            if expected is None:
                undated[line.site_id].append((line.ref, gpus, line.status))
            else:
                open_lines[line.site_id].append((expected, line.ref, gpus, line.status))
    result: dict[int, SiteSupply] = {}
    for site_id in snapshot.sites:
        result[site_id] = SiteSupply(
            CumulativeSupply(events.get(site_id, [])),
            delivered.get(site_id, []),
            sorted(open_lines.get(site_id, [])),
            sorted(undated.get(site_id, [])),
        )
    return result


def compute_contract_figures(
    snapshot: Snapshot, supply: dict[int, SiteSupply] | None = None
) -> dict[str, ContractFigures]:
    """Figures of every contract (DESIGN.md §3), by contract reference."""
    config = snapshot.settings
    supply = supply if supply is not None else site_supply(snapshot)
    secured: dict[str, int] = {}
    for site_id, contracts in _by_site(c for c in snapshot.contracts if c.binding).items():
        demands = [
            Demand(
                c.ref,
                c.start_date,
                need_by_date(c.start_date, config.install_buffer_days),
                c.committed_gpus or 0,
            )
            for c in contracts
        ]
        secured.update(allocate(demands, supply[site_id].cumulative))
    result: dict[str, ContractFigures] = {}
    for c in sorted(snapshot.contracts, key=lambda c: c.ref):
        monthly = monthly_value(
            c.price, c.price_unit, c.committed_gpus, c.committed_mw, config.default_kw_per_gpu
        )
        need_by = need_by_date(c.start_date, config.install_buffer_days)
        committed = c.committed_gpus or 0
        got = secured.get(c.ref, 0)
        shortfall = committed - got if c.binding else 0
        late: tuple[LateLine, ...] = ()
        if shortfall > 0:
            late = supply[c.site_id].late_after(need_by)
        result[c.ref] = ContractFigures(
            ref=c.ref,
            customer=c.customer,
            site=snapshot.site_name(c.site_id),
            service=c.service,
            status=c.status,
            start_date=c.start_date,
            end_date=c.end_date,
            committed_gpus=committed,
            committed_mw=c.committed_mw,
            price=c.price,
            price_unit=c.price_unit,
            currency=c.currency,
            monthly_value=monthly,
            term_months=term_months(c.start_date, c.end_date),
            tcv=total_contract_value(monthly, c.start_date, c.end_date),
            need_by=need_by,
            gpus_secured=got if c.binding else 0,
            shortfall=shortfall,
            notice_deadline=notice_deadline(c.end_date, c.notice_days),
            late_lines=late,
        )
    return result


def contract_figures(session: Session, as_of: dt.date) -> dict[str, ContractFigures]:
    """Figures of every contract by reference. Allocation reads the records as they are now;
    ``as_of`` is accepted for a uniform API with the site figures and alerts."""
    return compute_contract_figures(load_snapshot(session))


# --- sites -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SiteFigures:
    name: str
    status: str
    grid_mw: Decimal | None
    pue: Decimal
    ppa_mw: Decimal  # PPAs running on the as-of day
    mw_required: Decimal  # power required on the as-of day (committed MW × PUE)
    mw_required_peak: Decimal  # the most required on any start day from as-of on
    headroom_mw: Decimal | None  # grid MW − peak required (None when the grid is unknown)
    gpus_committed: int  # binding contracts not yet ended
    gpus_delivered: int  # received on or before as-of
    gpus_expected: int  # open units due after as-of, within the next 6 months
    gpus_short: int  # Σ shortfall of its contracts


def compute_site_figures(
    snapshot: Snapshot,
    as_of: dt.date,
    supply: dict[int, SiteSupply] | None = None,
    contracts: dict[str, ContractFigures] | None = None,
    power: dict[int, list[PowerDay]] | None = None,
) -> list[SiteFigures]:
    supply = supply if supply is not None else site_supply(snapshot)
    contracts = contracts if contracts is not None else compute_contract_figures(snapshot, supply)
    power = power if power is not None else power_days(snapshot, as_of)
    rows_by_site = _by_site(snapshot.contracts)
    ppas_by_site = _by_site(snapshot.ppas)
    horizon = as_of + relativedelta(months=SERIES_HORIZON_MONTHS)
    kw_per_gpu = snapshot.settings.default_kw_per_gpu
    result = []
    for site in sorted(snapshot.sites.values(), key=lambda s: s.name):
        rows = rows_by_site.get(site.id, [])
        pue = snapshot.pue(site.id)
        now = power_required(rows, as_of, pue, kw_per_gpu)
        peak = max((p.required_mw for p in power.get(site.id, [])), default=ZERO)
        peak = max(peak, now)
        site_supply_ = supply[site.id]
        result.append(
            SiteFigures(
                name=site.name,
                status=site.status,
                grid_mw=site.grid_capacity_mw,
                pue=pue,
                ppa_mw=ppa_cover(ppas_by_site.get(site.id, []), as_of),
                mw_required=now,
                mw_required_peak=peak,
                headroom_mw=None if site.grid_capacity_mw is None else site.grid_capacity_mw - peak,
                gpus_committed=sum(
                    c.committed_gpus or 0 for c in rows if c.binding and c.end_date >= as_of
                ),
                gpus_delivered=sum(g for d, g in site_supply_.delivered if d <= as_of),
                gpus_expected=sum(
                    g for d, _, g, _ in site_supply_.open_lines if as_of < d <= horizon
                ),
                gpus_short=sum(contracts[c.ref].shortfall for c in rows if c.end_date >= as_of),
            )
        )
    return result


def site_figures(session: Session, as_of: dt.date) -> list[SiteFigures]:
    """Per site: grid and PPA MW, MW required, headroom and GPUs committed/delivered/expected."""
    return compute_site_figures(load_snapshot(session), as_of)


@dataclass(frozen=True)
class SupplyPoint:
    day: dt.date  # the last day of the month
    gpus_expected: int  # cumulative GPUs arrived or due by that day
    gpus_committed: int  # cumulative GPUs of binding contracts whose need-by date has come


@dataclass(frozen=True)
class PowerPoint:
    day: dt.date  # the last day of the month
    required_mw: Decimal
    grid_mw: Decimal | None
    ppa_mw: Decimal


def _month_ends(start: dt.date, months: int) -> list[dt.date]:
    first = start.replace(day=1)
    return [first + relativedelta(months=i + 1, days=-1) for i in range(months)]


def _site_id(snapshot: Snapshot, site: str) -> int:
    from services.errors import NotFoundError

    wanted = site.strip().casefold()
    for row in snapshot.sites.values():
        if row.name.casefold() == wanted:
            return row.id
    raise NotFoundError(f"no site is called {site!r}")


def site_supply_series(
    session: Session, site: str, start: dt.date, months: int
) -> list[SupplyPoint]:
    """Month by month from ``start``: cumulative GPUs expected at a site vs committed to it."""
    snapshot = load_snapshot(session)
    return compute_site_supply_series(snapshot, _site_id(snapshot, site), start, months)


def compute_site_supply_series(
    snapshot: Snapshot,
    site_id: int,
    start: dt.date,
    months: int,
    supply: dict[int, SiteSupply] | None = None,
) -> list[SupplyPoint]:
    """``site_supply_series`` over a loaded snapshot (the dashboard draws every site from one)."""
    supply = supply if supply is not None else site_supply(snapshot)
    cumulative = supply[site_id].cumulative
    config = snapshot.settings
    needs = sorted(
        (need_by_date(c.start_date, config.install_buffer_days), c.committed_gpus or 0)
        for c in snapshot.contracts
        if c.site_id == site_id and c.binding
    )
    points = []
    for day in _month_ends(start, months):
        committed = sum(g for need_by, g in needs if need_by <= day)
        points.append(SupplyPoint(day, cumulative.by(day), committed))
    return points


def site_power_series(session: Session, site: str, start: dt.date, months: int) -> list[PowerPoint]:
    """Month by month from ``start``: MW required at a site against its grid and PPA cover."""
    snapshot = load_snapshot(session)
    site_id = _site_id(snapshot, site)
    contracts = [c for c in snapshot.contracts if c.site_id == site_id]
    ppas = [p for p in snapshot.ppas if p.site_id == site_id]
    pue = snapshot.pue(site_id)
    kw = snapshot.settings.default_kw_per_gpu
    grid = snapshot.sites[site_id].grid_capacity_mw
    return [
        PowerPoint(day, power_required(contracts, day, pue, kw), grid, ppa_cover(ppas, day))
        for day in _month_ends(start, months)
    ]


def _median(values: Sequence[int]) -> Decimal | None:
    """The median as an exact Decimal (the mean of the middle two for an even count)."""
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return Decimal(ordered[middle])
    return (Decimal(ordered[middle - 1]) + Decimal(ordered[middle])) / 2


def median(values: Sequence[int]) -> Decimal | None:
    return _median(values)


def quantize(value: Decimal) -> Decimal:
    return value.quantize(MEASURE, rounding=ROUND_HALF_EVEN)
