"""How each vendor keeps its dates, per vendor and per vendor + sku, as of a day.

* **On-time share** = units received on or before their line's first commitment ÷ (units
  received + units overdue); None when both are 0. An overdue line makes its vendor late
  today, not only once it arrives. Received units are judged by the line's received date
  (its latest receipt); units received on a line that never had a commitment count as
  received, not on time.
* **Median slip** (``supply.slip_days``) over lines that are received, overdue, or whose ETA
  is later than their first commitment.
* **Actual lead time** (order to receipt) and the newest quoted lead time, per sku only:
  never mixed across skus.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from domain.statuses import LineStatus
from domain.supply import (
    Line,
    Product,
    actual_lead_days,
    is_overdue,
    open_units,
    slip_days,
)


@dataclass(frozen=True, slots=True)
class Quote:
    product_id: int
    quote_date: dt.date
    lead_days: int


def median(values: Sequence[int]) -> Decimal | None:
    """The median as an exact Decimal (the mean of the middle two for an even count)."""
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return Decimal(ordered[middle])
    return (Decimal(ordered[middle - 1]) + Decimal(ordered[middle])) / 2


@dataclass(frozen=True, slots=True)
class Score:
    """One vendor's (or one vendor + sku's) record as of a day."""

    units_received: int
    units_on_time: int
    units_overdue: int
    median_slip_days: Decimal | None
    slips_counted: int
    median_actual_lead_days: Decimal | None = None
    newest_lead_days: int | None = None
    newest_quote_date: dt.date | None = None

    @property
    def on_time_share(self) -> Decimal | None:
        denominator = self.units_received + self.units_overdue
        if denominator == 0:
            return None
        return Decimal(self.units_on_time) / Decimal(denominator)


class _Tally:
    __slots__ = ("lead_days", "on_time", "overdue", "received", "slips")

    def __init__(self) -> None:
        self.received = 0
        self.on_time = 0
        self.overdue = 0
        self.slips: list[int] = []
        self.lead_days: list[int] = []

    def score(self, quote: tuple[dt.date, int] | None = None) -> Score:
        return Score(
            self.received,
            self.on_time,
            self.overdue,
            median(self.slips),
            len(self.slips),
            median(self.lead_days),
            quote[1] if quote else None,
            quote[0] if quote else None,
        )


def counts_for_slip(line: Line, as_of: dt.date) -> bool:
    """Lines the median slip is taken over: received, overdue, or ETA later than the first
    commitment."""
    if line.status == LineStatus.RECEIVED or is_overdue(line, as_of):
        return True
    first = line.first_commitment
    return first is not None and line.eta is not None and open_units(line) > 0 and line.eta > first


def _add(tally: _Tally, line: Line, as_of: dt.date) -> None:
    received_on = line.received_date
    if line.received_qty > 0 and received_on is not None and received_on <= as_of:
        tally.received += line.received_qty
        first = line.first_commitment
        if first is not None and received_on <= first:
            tally.on_time += line.received_qty
        lead = actual_lead_days(line)
        if lead is not None:
            tally.lead_days.append(lead)
    if is_overdue(line, as_of):
        tally.overdue += open_units(line)
    if counts_for_slip(line, as_of):
        slip = slip_days(line, as_of)
        if slip is not None:
            tally.slips.append(slip)


def newest_quotes(quotes: Iterable[Quote], as_of: dt.date) -> dict[int, tuple[dt.date, int]]:
    """Per product, its newest quote on or before the day: (quote date, lead days)."""
    newest: dict[int, tuple[dt.date, int]] = {}
    for quote in quotes:
        if quote.quote_date > as_of:
            continue
        known = newest.get(quote.product_id)
        if known is None or quote.quote_date > known[0]:
            newest[quote.product_id] = (quote.quote_date, quote.lead_days)
    return newest


def _tally_by(
    lines: Iterable[Line], as_of: dt.date, key: Callable[[Line], int]
) -> dict[int, _Tally]:
    tallies: dict[int, _Tally] = defaultdict(_Tally)
    for line in lines:
        if line.status in (LineStatus.DRAFT, LineStatus.CANCELLED) and line.received_qty <= 0:
            continue
        _add(tallies[key(line)], line, as_of)
    return tallies


def by_vendor(lines: Iterable[Line], as_of: dt.date) -> dict[int, Score]:
    """Per vendor id. (No lead times: they are per sku only.)"""
    tallies = _tally_by(lines, as_of, lambda line: line.vendor_id)
    return {
        vendor_id: Score(t.received, t.on_time, t.overdue, median(t.slips), len(t.slips))
        for vendor_id, t in tallies.items()
    }


def by_product(
    lines: Iterable[Line],
    quotes: Iterable[Quote],
    products: Mapping[int, Product],
    as_of: dt.date,
) -> dict[int, Score]:
    """Per product (one vendor + sku), with its actual and newest quoted lead times; a
    product quoted but never ordered has a score too."""
    tallies = _tally_by(lines, as_of, lambda line: line.product_id)
    newest = newest_quotes(quotes, as_of)
    result: dict[int, Score] = {}
    for product_id in set(tallies) | set(newest):
        if product_id not in products:
            continue
        result[product_id] = tallies.get(product_id, _Tally()).score(newest.get(product_id))
    return result
