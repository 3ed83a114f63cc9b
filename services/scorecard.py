"""The vendor scorecard: how each vendor keeps its dates, and how much is open with it.

Per vendor (from one snapshot of the records, see services.figures):

* on-time rate: units received on or before their first commitment (promised date, else the
  first ETA recorded) ÷ units received with such a commitment. Partial receipts count per
  unit: 6 of 10 units received on time give 6 on-time units.
* median slip in days: per line with a first commitment, received lines by their receipt date
  and open lines by their current ETA, minus the first commitment (negative = early).
* newest quoted lead time (the vendor's most recent quote, any sku) against the median actual
  lead time (order date to receipt) of its received lines.
* open order value in the reporting currency, and the vendor's share of each category's open
  value (lines whose currency has no rate are left out, as in the open order value figure).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy.orm import Session

from services.figures import (
    CENT,
    ZERO,
    Snapshot,
    actual_lead_days,
    load_snapshot,
    median,
    open_value_breakdown,
)

PERCENT = Decimal("0.1")


@dataclass(frozen=True)
class VendorScore:
    vendor: str
    units_received: int  # with a first commitment to compare against
    units_on_time: int
    on_time_pct: Decimal | None  # None before anything with a commitment arrived
    median_slip_days: Decimal | None
    newest_quote_days: int | None
    newest_quote_date: dt.date | None
    median_actual_lead_days: Decimal | None
    open_value: Decimal  # reporting currency
    # category -> the vendor's share (percent) of that category's open order value
    category_share_pct: dict[str, Decimal] = field(default_factory=dict)


def compute_vendor_scorecard(snapshot: Snapshot, as_of: dt.date) -> list[VendorScore]:
    received: dict[int, int] = defaultdict(int)
    on_time: dict[int, int] = defaultdict(int)
    slips: dict[int, list[int]] = defaultdict(list)
    lead_days: dict[int, list[int]] = defaultdict(list)
    for line in snapshot.lines:
        if line.status == "cancelled":
            continue
        vendor_id = line.vendor_id
        first = line.first_commitment
        arrived = (
            line.received_qty > 0 and line.received_date is not None and line.received_date <= as_of
        )
        if arrived and line.received_date is not None:
            days = actual_lead_days(line.order_date, line.received_date)
            if days is not None:
                lead_days[vendor_id].append(days)
            if first is not None:
                received[vendor_id] += line.received_qty
                if line.received_date <= first:
                    on_time[vendor_id] += line.received_qty
        if first is None:
            continue
        if line.open_units > 0 and line.eta is not None:
            slips[vendor_id].append((line.eta - first).days)
        elif arrived and line.received_date is not None:
            slips[vendor_id].append((line.received_date - first).days)

    newest_quote: dict[int, tuple[dt.date, int]] = {}
    for quote in snapshot.quotes:
        if quote.quote_date > as_of:
            continue
        vendor_id = snapshot.products[quote.product_id].vendor_id
        current = newest_quote.get(vendor_id)
        if current is None or quote.quote_date > current[0]:
            newest_quote[vendor_id] = (quote.quote_date, quote.lead_days)

    breakdown = open_value_breakdown(snapshot)
    category_totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
    vendor_values: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for (vendor_id, category), value in breakdown.by_vendor_category.items():
        category_totals[category] += value
        vendor_values[vendor_id] += value

    scores = []
    for vendor_id, name in sorted(snapshot.vendors.items(), key=lambda kv: kv[1].casefold()):
        units = received[vendor_id]
        newest = newest_quote.get(vendor_id)
        shares = {
            category: (value * 100 / category_totals[category]).quantize(PERCENT)
            for (vid, category), value in sorted(breakdown.by_vendor_category.items())
            if vid == vendor_id and category_totals[category] > 0
        }
        scores.append(
            VendorScore(
                vendor=name,
                units_received=units,
                units_on_time=on_time[vendor_id],
                on_time_pct=(Decimal(on_time[vendor_id]) * 100 / units).quantize(PERCENT)
                if units
                else None,
                median_slip_days=median(slips[vendor_id]),
                newest_quote_days=newest[1] if newest else None,
                newest_quote_date=newest[0] if newest else None,
                median_actual_lead_days=median(lead_days[vendor_id]),
                open_value=vendor_values[vendor_id].quantize(CENT),
                category_share_pct=shares,
            )
        )
    return scores


def vendor_scorecard(session: Session, as_of: dt.date) -> list[VendorScore]:
    """One score per vendor, by name."""
    return compute_vendor_scorecard(load_snapshot(session), as_of)
