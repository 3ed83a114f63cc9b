"""Money: FX, PPA prices, the energy price, margin, take-or-pay idle cost, payment schedules
and cash out.

Months are named by their first day. Figures of a month are taken **on its figure day**: its
first day, or the as-of day for the as-of month (power required, PPAs in force, FX rates,
escalation). Money of an order (hardware cost, cash milestones) converts at the rate on or
before its order date; money of a contract or PPA in a month at the rate on its figure day.
A missing rate is reported, never taken as 1:1: the figure it would have fed is None.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from dateutil.relativedelta import relativedelta

from domain.contracts import HOURS_PER_MONTH, Contract, it_mw, monthly_value
from domain.power import Ppa, power_required
from domain.statuses import LineStatus, PpaStructure, counts_for_cash, is_on_hold
from domain.supply import Line, fully_received

ZERO = Decimal(0)
CENT = Decimal("0.01")
HUNDRED = Decimal(100)


# --- months ----------------------------------------------------------------------------


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(month: dt.date, count: int) -> dt.date:
    return month_start(month) + relativedelta(months=count)


def months(first: dt.date, count: int) -> list[dt.date]:
    """``count`` months from the month of ``first`` on, by their first days."""
    start = month_start(first)
    return [start + relativedelta(months=i) for i in range(count)]


def days_in_month(month: dt.date) -> int:
    return calendar.monthrange(month.year, month.month)[1]


def month_end(month: dt.date) -> dt.date:
    return month.replace(day=days_in_month(month))


def figure_day(month: dt.date, as_of: dt.date) -> dt.date:
    """The day a month's figures are taken on: its first day; the as-of day for the as-of
    month."""
    return as_of if month_start(as_of) == month_start(month) else month_start(month)


def month_weight(month: dt.date, start: dt.date, end: dt.date) -> Decimal:
    """The share of ``month`` inside [start, end]: its days in the term ÷ its days."""
    first, last = max(month_start(month), start), min(month_end(month), end)
    if last < first:
        return ZERO
    return Decimal((last - first).days + 1) / Decimal(days_in_month(month))


def term_months_of(start: dt.date, end: dt.date) -> list[dt.date]:
    """The months a term touches, by their first days."""
    found = []
    month = month_start(start)
    while month <= end:
        found.append(month)
        month = add_months(month, 1)
    return found


# --- FX --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, order=True)
class MissingRate:
    currency: str
    day: dt.date


class Converter:
    """Rates to the reporting currency: the one on or before a day (never 1:1 when missing)."""

    def __init__(
        self, rates: Mapping[str, Sequence[tuple[dt.date, Decimal]]], reporting: str
    ) -> None:
        self.reporting = reporting.upper()
        self._days: dict[str, list[dt.date]] = {}
        self._rates: dict[str, list[Decimal]] = {}
        for currency, found in rates.items():
            ordered = sorted(found)
            self._days[currency.upper()] = [d for d, _ in ordered]
            self._rates[currency.upper()] = [r for _, r in ordered]
        self.missing: set[MissingRate] = set()

    def rate(self, currency: str, day: dt.date) -> Decimal | None:
        code = currency.upper()
        if code == self.reporting:
            return Decimal(1)
        days = self._days.get(code)
        if not days:
            return None
        index = bisect_right(days, day)
        return self._rates[code][index - 1] if index else None

    def convert(self, amount: Decimal | None, currency: str, day: dt.date) -> Decimal | None:
        """``amount`` in the reporting currency, or None (and the gap noted) without a rate."""
        if amount is None:
            return None
        rate = self.rate(currency, day)
        if rate is None:
            self.missing.add(MissingRate(currency.upper(), day))
            return None
        return amount * rate


# --- PPAs and the energy price ---------------------------------------------------------


def ppa_price(ppa: Ppa, day: dt.date) -> Decimal | None:
    """The PPA's price per MWh on ``day``, in its currency: escalated by escalation_pct once
    for every full year since its start (fixed and hybrid); an indexed PPA's price as entered
    (its index is not modelled)."""
    if ppa.price_per_mwh is None:
        return None
    if ppa.structure == PpaStructure.INDEXED or not ppa.escalation_pct:
        return ppa.price_per_mwh
    years = relativedelta(day, ppa.start_date).years if day > ppa.start_date else 0
    if years <= 0:
        return ppa.price_per_mwh
    return ppa.price_per_mwh * (1 + ppa.escalation_pct / HUNDRED) ** years


@dataclass(frozen=True, slots=True)
class EnergyPrice:
    """A site's blended energy price on a figure day, in the reporting currency per MWh."""

    price: Decimal | None  # None: nothing to price the energy with (no PPA, no merchant price)
    required_mw: Decimal
    ppa_mw: Decimal
    covered_mw: Decimal
    merchant_mw: Decimal  # beyond PPA cover, bought at the merchant price
    uncovered_mw: Decimal  # beyond PPA cover with no merchant price set: reported, not free
    indexed: bool  # an indexed PPA's price went in as entered


def energy_price(
    ppas: Iterable[Ppa],
    required_mw: Decimal,
    day: dt.date,
    merchant_price: Decimal | None,
    converter: Converter,
) -> EnergyPrice:
    """One blended price every contract at the site pays: (covered MW × the capacity-weighted
    mean price of its PPAs in force + MW beyond cover × the merchant price) ÷ MW required,
    where covered MW = min(required, PPA cover). Without a merchant price the energy beyond
    cover is uncovered and the blend uses PPA energy only."""
    in_force = [p for p in ppas if p.in_force_on(day)]
    cover = sum((p.capacity_mw for p in in_force), ZERO)
    priced_mw = ZERO
    weighted = ZERO
    indexed = False
    for ppa in in_force:
        converted = converter.convert(ppa_price(ppa, day), ppa.currency, day)
        if converted is None:
            continue
        indexed = indexed or ppa.structure == PpaStructure.INDEXED
        priced_mw += ppa.capacity_mw
        weighted += ppa.capacity_mw * converted
    mean = weighted / priced_mw if priced_mw > 0 else None
    covered = min(required_mw, cover)
    beyond = required_mw - covered
    price: Decimal | None
    merchant_mw = uncovered = ZERO
    if merchant_price is not None and beyond > 0:
        merchant_mw = beyond
        ppa_part = covered * mean if mean is not None else ZERO
        price = (ppa_part + beyond * merchant_price) / required_mw
    elif mean is not None:
        price = mean
        uncovered = beyond
    else:
        price = merchant_price
        uncovered = beyond if merchant_price is None else ZERO
    return EnergyPrice(price, required_mw, cover, covered, merchant_mw, uncovered, indexed)


def min_take_mw(ppas: Iterable[Ppa], day: dt.date) -> Decimal:
    """Σ capacity × take_or_pay_pct / 100 of the PPAs in force on ``day``."""
    return sum(
        (p.capacity_mw * (p.take_or_pay_pct or ZERO) / HUNDRED for p in ppas if p.in_force_on(day)),
        ZERO,
    )


# --- per site and month ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SiteMonth:
    site_id: int
    month: dt.date
    day: dt.date  # the figure day
    required_mw: Decimal
    min_take_mw: Decimal
    energy: EnergyPrice
    pue: Decimal

    @property
    def idle_mw(self) -> Decimal:
        """Minimum take paid for whatever is used, beyond power required."""
        return max(self.min_take_mw - self.required_mw, ZERO)

    @property
    def idle_cost(self) -> Decimal | None:
        if self.idle_mw == 0:
            return ZERO
        if self.energy.price is None:
            return None
        return self.idle_mw * HOURS_PER_MONTH * self.energy.price


def site_month(
    site_id: int,
    month: dt.date,
    as_of: dt.date,
    contracts: Sequence[Contract],
    ppas: Sequence[Ppa],
    pue: Decimal,
    kw_per_gpu: Decimal,
    merchant_price: Decimal | None,
    converter: Converter,
) -> SiteMonth:
    """A site in a month, on its figure day: power required, PPA minimum take, energy price."""
    day = figure_day(month, as_of)
    required = power_required(contracts, day, pue, kw_per_gpu)
    return SiteMonth(
        site_id,
        month_start(month),
        day,
        required,
        min_take_mw(ppas, day),
        energy_price(ppas, required, day, merchant_price, converter),
        pue,
    )


# --- margin ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HardwareLine:
    """GPUs of one line pegged to a contract, with what they cost."""

    gpus: int
    gpus_per_unit: int
    unit_price: Decimal | None
    currency: str
    order_date: dt.date


def hardware_cost_per_month(
    pegged: Iterable[HardwareLine], depreciation_months: int, converter: Converter
) -> Decimal | None:
    """Σ unit price × units taken (GPUs taken ÷ GPUs per unit: a split unit counts in part)
    ÷ depreciation months, in the reporting currency at each order's date."""
    total = ZERO
    for item in pegged:
        if item.unit_price is None or item.gpus_per_unit <= 0:
            continue
        value = item.unit_price * Decimal(item.gpus) / Decimal(item.gpus_per_unit)
        converted = converter.convert(value, item.currency, item.order_date)
        if converted is None:
            return None
        total += converted
    return total / Decimal(depreciation_months)


@dataclass(frozen=True, slots=True)
class MonthMargin:
    month: dt.date
    revenue: Decimal | None
    power_cost: Decimal | None
    hardware_cost: Decimal | None

    @property
    def margin(self) -> Decimal | None:
        if self.revenue is None or self.power_cost is None or self.hardware_cost is None:
            return None
        return self.revenue - self.power_cost - self.hardware_cost

    @property
    def margin_pct(self) -> Decimal | None:
        margin = self.margin
        if margin is None or not self.revenue:
            return None
        return margin * HUNDRED / self.revenue

    def weighted(self, weight: Decimal) -> MonthMargin:
        def times(value: Decimal | None) -> Decimal | None:
            return None if value is None else value * weight

        return MonthMargin(
            self.month, times(self.revenue), times(self.power_cost), times(self.hardware_cost)
        )


def add_margins(month: dt.date, parts: Iterable[MonthMargin]) -> MonthMargin:
    """Σ of month margins (a None anywhere makes that figure None)."""
    revenue: Decimal | None = ZERO
    power: Decimal | None = ZERO
    hardware: Decimal | None = ZERO
    for part in parts:
        revenue = None if revenue is None or part.revenue is None else revenue + part.revenue
        power = None if power is None or part.power_cost is None else power + part.power_cost
        hardware = (
            None
            if hardware is None or part.hardware_cost is None
            else hardware + part.hardware_cost
        )
    return MonthMargin(month, revenue, power, hardware)


def contract_month(
    contract: Contract,
    month: dt.date,
    site: SiteMonth,
    hardware_per_month: Decimal | None,
    kw_per_gpu: Decimal,
    converter: Converter,
) -> MonthMargin:
    """A contract's full month: revenue (monthly value in the reporting currency), power cost
    (IT MW × PUE × 730 h × the site's energy price) and hardware cost."""
    value = monthly_value(
        contract.price,
        contract.price_unit,
        contract.committed_gpus,
        contract.committed_mw,
        kw_per_gpu,
    )
    revenue = converter.convert(value, contract.currency, site.day)
    mw = it_mw(contract.committed_gpus, contract.committed_mw, kw_per_gpu)
    price = site.energy.price
    power = None if price is None else mw * site.pue * HOURS_PER_MONTH * price
    if mw == 0:
        power = ZERO
    return MonthMargin(month_start(month), revenue, power, hardware_per_month)


def first_month(contract: Contract, as_of: dt.date) -> dt.date:
    """The month ``margin`` reports first: its start month, or the as-of month if later."""
    return max(month_start(contract.start_date), month_start(as_of))


# --- take-or-pay -----------------------------------------------------------------------


# --- payment schedules -----------------------------------------------------------------


class PaymentEvent(StrEnum):
    ORDER = "order"
    PROMISED = "promised"
    SHIPPED = "shipped"
    RECEIVED = "received"


@dataclass(frozen=True, slots=True)
class Milestone:
    percent: Decimal
    event: PaymentEvent
    days: int = 0

    def text(self) -> str:
        pct = f"{self.percent.normalize():f}".rstrip(".")
        days = f"+{self.days}" if self.days else ""
        return f"{pct}% {self.event.value}{days}"


class ScheduleError(ValueError):
    """A payment schedule that cannot be read; the message names it and what is wrong."""


_EVENT_WORDS = {
    "order": PaymentEvent.ORDER,
    "ordered": PaymentEvent.ORDER,
    "promised": PaymentEvent.PROMISED,
    "promise": PaymentEvent.PROMISED,
    "shipped": PaymentEvent.SHIPPED,
    "shipment": PaymentEvent.SHIPPED,
    "received": PaymentEvent.RECEIVED,
    "receipt": PaymentEvent.RECEIVED,
}
_PART = re.compile(
    r"^(?:(?P<pct>-?\d+(?:\.\d+)?)\s*%\s*)?"
    r"(?:(?P<net>net)\s*(?P<net_days>-?\d+)|(?P<event>[a-z]+)(?:\s*\+\s*(?P<days>-?\d+))?"
    r"(?:\s*days?)?)$"
)


def parse_schedule(text: str) -> tuple[Milestone, ...]:
    """Read a schedule a buyer writes: ``30% order; 60% shipped; 10% received+30`` or
    ``100% net 60`` (= received + 60 days): percent, event (order, promised, shipped,
    received) and days after, separated by ``;``. The percentages must add up to 100."""
    shown = text.strip()
    if not shown:
        raise ScheduleError("the payment schedule is empty")
    milestones: list[Milestone] = []
    for raw in re.split(r"[;\n]", shown):
        part = " ".join(raw.strip().casefold().split())
        if not part:
            continue
        found = _PART.match(part)
        if found is None:
            raise ScheduleError(
                f"payment schedule {shown!r}: cannot read {raw.strip()!r} (write it like "
                "'30% order', '60% shipped', '10% received+30' or '100% net 60')"
            )
        pct_text = found.group("pct")
        if pct_text is None:
            if len(re.split(r"[;\n]", shown)) > 1 or found.group("net") is None:
                raise ScheduleError(
                    f"payment schedule {shown!r}: {raw.strip()!r} has no percentage"
                )
            pct_text = "100"
        percent = Decimal(pct_text)
        if percent <= 0:
            raise ScheduleError(
                f"payment schedule {shown!r}: {raw.strip()!r} has a percentage of {pct_text}%; "
                "each must be more than 0"
            )
        if found.group("net") is not None:
            event = PaymentEvent.RECEIVED
            days = int(found.group("net_days"))
        else:
            word = found.group("event")
            if word not in _EVENT_WORDS:
                raise ScheduleError(
                    f"payment schedule {shown!r}: unknown event {word!r} in {raw.strip()!r}; "
                    "use order, promised, shipped or received"
                )
            event = _EVENT_WORDS[word]
            days = int(found.group("days") or 0)
        if days < 0:
            raise ScheduleError(
                f"payment schedule {shown!r}: {raw.strip()!r} counts {days} days; days after "
                "an event cannot be negative"
            )
        milestones.append(Milestone(percent, event, days))
    total = sum((m.percent for m in milestones), ZERO)
    if total != HUNDRED:
        raise ScheduleError(
            f"payment schedule {shown!r} adds up to {total.normalize():f}%, not 100%"
        )
    return tuple(milestones)


# --- cash out --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Payment:
    """One milestone of one line, as of a day."""

    line_id: int
    ref: str
    currency: str
    vendor_id: int
    site_id: int
    order_date: dt.date
    milestone: Milestone
    amount: Decimal
    due: dt.date | None  # None: undated (no date for its event yet)
    paid: bool
    overdue: bool  # past due while its event has not happened: due on the as-of day

    @property
    def month(self) -> dt.date | None:
        return None if self.due is None else month_start(self.due)


def line_value(line: Line) -> Decimal:
    """What a line costs: quantity × unit price; a received line closed short, what came."""
    if line.unit_price is None:
        return ZERO
    units = line.quantity
    if line.status == LineStatus.RECEIVED and line.received_qty < line.quantity:
        units = line.received_qty
    return units * line.unit_price


def event_date(line: Line, event: PaymentEvent, transit_days: int) -> dt.date | None:
    """order: the order date; promised: the first commitment; shipped: ETA (else promised
    date) − transit days; received: the received date, else ETA, else promised date."""
    if event == PaymentEvent.ORDER:
        return line.order_date
    if event == PaymentEvent.PROMISED:
        return line.first_commitment
    if event == PaymentEvent.SHIPPED:
        base = line.eta if line.eta is not None else line.promised_date
        return None if base is None else base - dt.timedelta(days=transit_days)
    if line.received_date is not None and fully_received(line):
        return line.received_date
    return line.eta if line.eta is not None else line.promised_date


def event_happened(line: Line, event: PaymentEvent, as_of: dt.date) -> bool:
    if event == PaymentEvent.ORDER:
        return True
    if event == PaymentEvent.PROMISED:
        return line.first_commitment is not None and line.first_commitment < as_of
    if event == PaymentEvent.SHIPPED:
        return line.status in (
            LineStatus.SHIPPED,
            LineStatus.PARTIALLY_RECEIVED,
            LineStatus.RECEIVED,
        ) or fully_received(line)
    return fully_received(line) and line.received_qty > 0


def payments(
    line: Line, milestones: Sequence[Milestone], as_of: dt.date, transit_days: int
) -> list[Payment]:
    """Every milestone of a line that counts for cash: amount = line value × percent, due at
    its event date + days. Paid when due before the as-of day and its event happened; past
    due with the event not happened: due on the as-of day, overdue. A line on hold has no
    date for what has not happened yet (undated)."""
    if not counts_for_cash(line.status):
        return []
    value = line_value(line)
    found = []
    for milestone in milestones:
        amount = value * milestone.percent / HUNDRED
        happened = event_happened(line, milestone.event, as_of)
        when = event_date(line, milestone.event, transit_days)
        if is_on_hold(line.status) and not happened:
            when = None
        due = None if when is None else when + dt.timedelta(days=milestone.days)
        paid = due is not None and due < as_of and happened
        overdue = due is not None and due < as_of and not happened
        found.append(
            Payment(
                line.id,
                line.ref,
                line.currency,
                line.vendor_id,
                line.site_id,
                line.order_date,
                milestone,
                amount,
                as_of if overdue else due,
                paid,
                overdue,
            )
        )
    return found


@dataclass
class CashRow:
    """Cash out not yet paid, for one month (None: undated), currency, vendor and site."""

    month: dt.date | None
    currency: str
    vendor_id: int
    site_id: int
    amount: Decimal = ZERO
    amount_reporting: Decimal | None = ZERO
    overdue: bool = False
    refs: list[str] = field(default_factory=list)


def cash_rows(
    found: Iterable[Payment], as_of: dt.date, horizon_months: int, converter: Converter
) -> list[CashRow]:
    """The milestones not paid, from the as-of day on, within ``horizon_months`` months from
    the as-of month, per month, currency, vendor and site; undated ones apart (month None).
    Reporting-currency amounts convert at each order's date."""
    last = add_months(month_start(as_of), horizon_months)
    rows: dict[tuple[dt.date | None, str, int, int], CashRow] = {}
    for payment in found:
        if payment.paid:
            continue
        month = payment.month
        if month is not None and month >= last:
            continue
        key = (month, payment.currency.upper(), payment.vendor_id, payment.site_id)
        row = rows.get(key)
        if row is None:
            row = rows[key] = CashRow(
                month, payment.currency.upper(), payment.vendor_id, payment.site_id
            )
        row.amount += payment.amount
        converted = converter.convert(payment.amount, payment.currency, payment.order_date)
        row.amount_reporting = (
            None
            if converted is None or row.amount_reporting is None
            else row.amount_reporting + converted
        )
        row.overdue = row.overdue or payment.overdue
        if payment.ref not in row.refs:
            row.refs.append(payment.ref)
    return list(rows.values())
