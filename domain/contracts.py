"""Customer contracts: value, term, need-by date, delivery, days late and late credits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

from dateutil.relativedelta import relativedelta

from domain.statuses import ContractStatus, PriceUnit

HOURS_PER_MONTH = 730
DAYS_PER_MONTH = 30
CENT = Decimal("0.01")
MEASURE = Decimal("0.0001")


BINDING = frozenset({ContractStatus.SIGNED, ContractStatus.ACTIVE})


def is_binding(status: str) -> bool:
    """Signed and active contracts bind GPUs and megawatts; drafts and ended ones do not."""
    return status in BINDING


@dataclass(frozen=True, slots=True)
class Contract:
    """A customer contract as the rules need it (plain values)."""

    ref: str
    customer: str
    site_id: int
    status: str
    start_date: dt.date
    end_date: dt.date
    price: Decimal
    price_unit: str
    currency: str = "USD"
    committed_gpus: int | None = None
    committed_mw: Decimal | None = None
    gpu_model: str | None = None
    service: str | None = None
    auto_renew: bool = False
    notice_days: int | None = None
    late_credit_per_day: Decimal | None = None
    late_credit_cap: Decimal | None = None
    id: int = 0

    @property
    def binding(self) -> bool:
        return is_binding(self.status)

    @property
    def gpus(self) -> int:
        return self.committed_gpus or 0


def it_mw(committed_gpus: int | None, committed_mw: Decimal | None, kw_per_gpu: Decimal) -> Decimal:
    """A contract's IT load: its committed MW, else its GPUs × kW per GPU."""
    if committed_mw is not None:
        return committed_mw
    return Decimal(committed_gpus or 0) * kw_per_gpu / 1000


def monthly_value(
    price: Decimal,
    price_unit: str,
    committed_gpus: int | None,
    committed_mw: Decimal | None,
    kw_per_gpu: Decimal = Decimal("1.9"),
) -> Decimal:
    """What a contract bills a month, in its currency: per GPU-hour, GPUs × price × 730;
    per kW-month, MW × 1000 × price (a contract without committed MW: the MW its GPUs draw);
    per month, the price; per year, the price ÷ 12."""
    if price_unit == PriceUnit.PER_GPU_HOUR:
        return (Decimal(committed_gpus or 0) * price * HOURS_PER_MONTH).quantize(CENT)
    if price_unit == PriceUnit.PER_KW_MONTH:
        mw = it_mw(committed_gpus, committed_mw, kw_per_gpu)
        return (mw * 1000 * price).quantize(CENT)
    if price_unit == PriceUnit.PER_MONTH:
        return price.quantize(CENT)
    if price_unit == PriceUnit.PER_YEAR:
        return (price / 12).quantize(CENT)
    raise ValueError(f"unknown price unit {price_unit!r}")


def term_parts(start_date: dt.date, end_date: dt.date) -> tuple[int, int]:
    """(whole months, remaining days) from start to end, both days included."""
    span = relativedelta(end_date + dt.timedelta(days=1), start_date)
    return span.years * 12 + span.months, span.days


def term_months(start_date: dt.date, end_date: dt.date) -> Decimal:
    """Whole months plus the remaining days as thirtieths: 2027-01-01 to 2027-12-31 is 12;
    to 2027-01-15, 0.5."""
    months, days = term_parts(start_date, end_date)
    return (Decimal(months) + Decimal(days) / DAYS_PER_MONTH).quantize(MEASURE)


def total_contract_value(monthly: Decimal, start_date: dt.date, end_date: dt.date) -> Decimal:
    """Monthly value × term (the exact term, not the rounded one shown)."""
    months, days = term_parts(start_date, end_date)
    return (monthly * months + monthly * days / DAYS_PER_MONTH).quantize(CENT)


def need_by_date(start_date: dt.date, install_buffer_days: int = 14) -> dt.date:
    """The day GPUs must be on site to be installed before the contract starts."""
    return start_date - dt.timedelta(days=install_buffer_days)


def notice_deadline(end_date: dt.date, notice_days: int | None) -> dt.date:
    """The last day to give notice: end date − notice days (no notice period: the end)."""
    return end_date - dt.timedelta(days=notice_days or 0)


def days_late(delivery_date: dt.date | None, start_date: dt.date) -> int | None:
    """Delivery date − start date when positive, else 0; None while delivery is unknown."""
    if delivery_date is None:
        return None
    return max((delivery_date - start_date).days, 0)


@dataclass(frozen=True, slots=True)
class LateCredit:
    """What the operator owes for late delivery, in the contract's currency.

    ``amount`` None with ``unbounded`` True: the delivery date is unknown and the contract
    sets no cap, so no amount can be named."""

    amount: Decimal | None
    unbounded: bool = False


def late_credit(per_day: Decimal | None, cap: Decimal | None, late_days: int | None) -> LateCredit:
    """late_credit_per_day × days late, at most the cap; 0 without a per-day credit or
    when on time; with an unknown delivery date, the cap (no cap: unbounded)."""
    if per_day is None:
        return LateCredit(Decimal(0))
    if late_days is None:
        return LateCredit(cap) if cap is not None else LateCredit(None, unbounded=True)
    if late_days <= 0:
        return LateCredit(Decimal(0))
    amount = per_day * late_days
    if cap is not None:
        amount = min(amount, cap)
    return LateCredit(amount)


@dataclass(frozen=True, slots=True)
class CreditTotal:
    """Late credits summed per currency: known amounts, and whether any is unbounded."""

    by_currency: dict[str, Decimal]
    unbounded: tuple[str, ...]  # refs of contracts whose credit cannot be bounded


def sum_late_credits(credits: Iterable[tuple[str, str, LateCredit]]) -> CreditTotal:
    """Σ of (contract ref, currency, credit) per currency; unbounded ones named apart."""
    totals: dict[str, Decimal] = {}
    unbounded: list[str] = []
    for ref, currency, credit in credits:
        if credit.unbounded:
            unbounded.append(ref)
        elif credit.amount:
            totals[currency] = totals.get(currency, Decimal(0)) + credit.amount
    return CreditTotal(totals, tuple(sorted(unbounded)))


T = TypeVar("T")


def split_binding(
    items: Iterable[T],
    status: Callable[[T], str] = lambda item: item.status,  # type: ignore[attr-defined]
) -> tuple[list[T], list[T]]:
    """(binding, the others): totals count only signed and active contracts; draft, expired
    and terminated ones are listed apart with their own subtotal."""
    binding: list[T] = []
    others: list[T] = []
    for item in items:
        (binding if is_binding(status(item)) else others).append(item)
    return binding, others
