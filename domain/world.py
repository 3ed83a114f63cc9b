"""The world the rules read: every record they need, as plain values, and the settings.

Services build a :class:`World` from the database in a few statements; the rules never see
anything else, so the same figures come out of the window, the command line, the exports, the
alerts and a what-if (which builds a second world with moved dates).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal
from typing import Any, TypeVar

from domain.allocation import Deployment
from domain.contracts import Contract
from domain.power import Ppa, Site
from domain.scorecard import Quote
from domain.supply import Line, Product


@dataclass(frozen=True, slots=True)
class Vendor:
    id: int
    name: str
    aliases: tuple[str, ...] = ()
    payment_schedule: str | None = None


@dataclass(frozen=True)
class Settings:
    """The settings the rules read, typed, with their defaults."""

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
    merchant_price_per_mwh: Decimal | None = None
    depreciation_months: int = 60
    transit_days: int = 14
    default_payment_schedule: str = "100% net 30"
    take_or_pay_horizon_months: int = 12
    cash_horizon_months: int = 18

    @classmethod
    def from_values(cls, values: dict[str, Any]) -> Settings:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in values.items() if k in names})


T = TypeVar("T")


def by_site(rows: Iterable[T]) -> dict[int, list[T]]:
    grouped: dict[int, list[T]] = defaultdict(list)
    for row in rows:
        grouped[row.site_id].append(row)  # type: ignore[attr-defined]
    return grouped


@dataclass
class World:
    sites: dict[int, Site]
    vendors: dict[int, Vendor]
    products: dict[int, Product]
    lines: list[Line]
    contracts: list[Contract]
    ppas: list[Ppa]
    quotes: list[Quote] = field(default_factory=list)
    # currency -> [(valid_from, rate)]
    fx: dict[str, list[tuple[dt.date, Decimal]]] = field(default_factory=dict)
    deployments: list[Deployment] = field(default_factory=list)
    # po_number -> the order's own payment schedule (blank: its vendor's)
    order_schedules: dict[str, str] = field(default_factory=dict)
    settings: Settings = field(default_factory=Settings)

    def site_name(self, site_id: int) -> str:
        return self.sites[site_id].name

    def vendor_name(self, vendor_id: int) -> str:
        return self.vendors[vendor_id].name

    def pue(self, site_id: int) -> Decimal:
        site = self.sites.get(site_id)
        return site.pue if site is not None and site.pue else self.settings.default_pue

    def gpus_per_unit(self, line: Line) -> int:
        return self.products[line.product_id].gpus_per_unit

    def with_lines(self, lines: Sequence[Line]) -> World:
        return replace(self, lines=list(lines))

    def site_id(self, name: str) -> int | None:
        wanted = name.strip().casefold()
        for site in self.sites.values():
            if site.name.casefold() == wanted:
                return site.id
        return None
