"""The vendor scorecard, per vendor and per vendor + sku, as of a day.

The rules (on-time share, median slip, lead times per sku) are ``domain.scorecard``'s; this
module loads the records, adds the open order value in the reporting currency and names the
vendors and skus.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import Session

from domain import scorecard as rules
from domain.picture import open_value_breakdown
from domain.world import World
from services.figures import load_world

ZERO = Decimal(0)


@dataclass(frozen=True)
class VendorScore:
    vendor: str
    units_received: int
    units_on_time: int
    units_overdue: int
    on_time_share: Decimal | None  # 0..1; None when nothing was received nor is overdue
    median_slip_days: Decimal | None
    open_value: Decimal  # reporting currency

    @property
    def on_time_pct(self) -> Decimal | None:
        """The on-time share in percent, to one decimal."""
        if self.on_time_share is None:
            return None
        return (self.on_time_share * 100).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class SkuScore(VendorScore):
    sku: str = ""
    newest_lead_days: int | None = None
    newest_quote_date: dt.date | None = None
    median_actual_lead_days: Decimal | None = None


@dataclass(frozen=True)
class Scorecard:
    vendors: list[VendorScore]
    skus: list[SkuScore]
    reporting_currency: str


def compute_scorecard(world: World, as_of: dt.date) -> Scorecard:
    values = open_value_breakdown(world)
    by_vendor = rules.by_vendor(world.lines, as_of)
    by_product = rules.by_product(world.lines, world.quotes, world.products, as_of)
    empty = rules.Score(0, 0, 0, None, 0)
    vendors = [
        VendorScore(
            vendor.name,
            score.units_received,
            score.units_on_time,
            score.units_overdue,
            score.on_time_share,
            score.median_slip_days,
            values.by_vendor.get(vendor.id, ZERO),
        )
        for vendor in sorted(world.vendors.values(), key=lambda v: v.name.casefold())
        for score in [by_vendor.get(vendor.id, empty)]
    ]
    skus = []
    for product_id, score in by_product.items():
        product = world.products[product_id]
        skus.append(
            SkuScore(
                world.vendor_name(product.vendor_id),
                score.units_received,
                score.units_on_time,
                score.units_overdue,
                score.on_time_share,
                score.median_slip_days,
                values.by_product.get(product_id, ZERO),
                sku=product.sku,
                newest_lead_days=score.newest_lead_days,
                newest_quote_date=score.newest_quote_date,
                median_actual_lead_days=score.median_actual_lead_days,
            )
        )
    skus.sort(key=lambda s: (s.vendor.casefold(), s.sku.casefold()))
    return Scorecard(vendors, skus, world.settings.reporting_currency)


def scorecard(session: Session, as_of: dt.date | None = None) -> Scorecard:
    return compute_scorecard(load_world(session), as_of or dt.date.today())


def vendor_scorecard(session: Session, as_of: dt.date | None = None) -> list[VendorScore]:
    """One score per vendor, by name."""
    return scorecard(session, as_of).vendors
