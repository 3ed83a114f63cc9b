"""Power at a site: grid capacity by date, power required, PPA cover and headroom."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from domain.contracts import Contract, it_mw
from domain.statuses import SiteStatus

ZERO = Decimal(0)
MEASURE = Decimal("0.0001")


@dataclass(frozen=True, slots=True)
class Site:
    id: int
    name: str
    grid_capacity_mw: Decimal | None  # the interconnect in force before its first step
    pue: Decimal | None = None
    status: str = SiteStatus.PLANNED
    # (from_date, grid_mw) steps: an upgrade, a new substation; any order.
    capacity_steps: tuple[tuple[dt.date, Decimal], ...] = ()


@dataclass(frozen=True, slots=True)
class Ppa:
    ref: str
    site_id: int
    capacity_mw: Decimal
    start_date: dt.date
    end_date: dt.date
    counterparty: str = ""
    price_per_mwh: Decimal | None = None
    currency: str = "USD"
    structure: str | None = None
    escalation_pct: Decimal | None = None
    take_or_pay_pct: Decimal | None = None
    notice_days: int | None = None
    id: int = 0

    def in_force_on(self, day: dt.date) -> bool:
        return self.start_date <= day <= self.end_date


def grid_capacity(site: Site, day: dt.date) -> Decimal | None:
    """The grid MW of the newest capacity step with from_date ≤ day, else the site's grid
    capacity (the interconnect in force before its first step)."""
    best: tuple[dt.date, Decimal] | None = None
    for from_date, grid_mw in site.capacity_steps:
        if from_date <= day and (best is None or from_date > best[0]):
            best = (from_date, grid_mw)
    return best[1] if best is not None else site.grid_capacity_mw


def site_pue(site: Site | None, default_pue: Decimal) -> Decimal:
    return site.pue if site is not None and site.pue else default_pue


def is_running_on(contract: Contract, day: dt.date) -> bool:
    """A binding contract between its start and end (both included)."""
    return contract.binding and contract.start_date <= day <= contract.end_date


def power_required(
    contracts: Iterable[Contract], day: dt.date, pue: Decimal, kw_per_gpu: Decimal
) -> Decimal:
    """MW a site draws on ``day``: Σ IT MW of its running binding contracts × PUE (a
    contract without committed MW: its GPUs × kW per GPU)."""
    it_load = sum(
        (
            it_mw(c.committed_gpus, c.committed_mw, kw_per_gpu)
            for c in contracts
            if is_running_on(c, day)
        ),
        ZERO,
    )
    return (it_load * pue).quantize(MEASURE)


def ppa_cover(ppas: Iterable[Ppa], day: dt.date) -> Decimal:
    """MW of PPAs with start ≤ day ≤ end."""
    return sum((p.capacity_mw for p in ppas if p.in_force_on(day)), ZERO)


def headroom(grid_mw: Decimal | None, ppa_mw: Decimal, required_mw: Decimal) -> Decimal:
    """The smaller of grid capacity and PPA cover, minus power required (an unknown grid:
    PPA cover alone)."""
    limit = ppa_mw if grid_mw is None else min(grid_mw, ppa_mw)
    return limit - required_mw


def check_days(contracts: Iterable[Contract], as_of: dt.date) -> list[dt.date]:
    """The days power is checked on: the start day of each binding contract that has not
    ended, or the as-of day for one already running."""
    return sorted(
        {max(c.start_date, as_of) for c in contracts if c.binding and c.end_date >= as_of}
    )


@dataclass(frozen=True, slots=True)
class PowerDay:
    day: dt.date
    required_mw: Decimal
    grid_mw: Decimal | None
    ppa_mw: Decimal
    contracts: tuple[str, ...]

    @property
    def grid_excess_mw(self) -> Decimal:
        """MW required beyond the grid capacity in force that day (0 when unknown)."""
        if self.grid_mw is None:
            return ZERO
        return max(self.required_mw - self.grid_mw, ZERO)

    @property
    def ppa_gap_mw(self) -> Decimal:
        return max(self.required_mw - self.ppa_mw, ZERO)

    @property
    def headroom_mw(self) -> Decimal:
        return headroom(self.grid_mw, self.ppa_mw, self.required_mw)


def power_on(
    site: Site,
    contracts: Sequence[Contract],
    ppas: Sequence[Ppa],
    day: dt.date,
    default_pue: Decimal,
    kw_per_gpu: Decimal,
) -> PowerDay:
    """Power required at ``site`` on ``day`` against its grid capacity and PPA cover."""
    return PowerDay(
        day=day,
        required_mw=power_required(contracts, day, site_pue(site, default_pue), kw_per_gpu),
        grid_mw=grid_capacity(site, day),
        ppa_mw=ppa_cover(ppas, day),
        contracts=tuple(sorted(c.ref for c in contracts if is_running_on(c, day))),
    )


def power_days(
    site: Site,
    contracts: Sequence[Contract],
    ppas: Sequence[Ppa],
    as_of: dt.date,
    default_pue: Decimal,
    kw_per_gpu: Decimal,
) -> list[PowerDay]:
    """Power on each check day of the site's contracts from the as-of day on."""
    return [
        power_on(site, contracts, ppas, day, default_pue, kw_per_gpu)
        for day in check_days(contracts, as_of)
    ]
