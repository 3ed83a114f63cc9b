"""Margin and take-or-pay as the window shows them: per contract its first month and its
term total, per site its months of the take-or-pay horizon (power required, PPA minimum take,
idle MW and what they cost, margin).

The figures are ``domain.margin``'s, from one picture, exactly those ``margin --json`` prints
(``services.reports.margin``); this module only adds the names and says why a figure it
cannot put a number on is unknown (a missing exchange rate, never taken as 1:1).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import Session

from domain import money
from domain.margin import Ledger, contract_margins, horizon, site_margins, why_unknown
from domain.money import MonthMargin
from domain.picture import Picture
from services.errors import NotFoundError
from services.figures import collector_paused, load_world

ZERO = Decimal(0)


@dataclass(frozen=True)
class ContractMoney:
    ref: str
    site: str
    currency: str  # the reporting currency every figure is in
    first: MonthMargin  # its start month, or the as-of month if later
    term: MonthMargin  # Σ over its term, partial months weighted by their days
    # Why a figure is unknown (a missing FX rate, energy nothing prices); empty when known.
    unknown: tuple[str, ...] = ()
    # MW beyond PPA cover with no merchant price in its first month: priced at the PPA blend.
    uncovered_mw: Decimal = ZERO


def contracts_of(pic: Picture, ledger: Ledger | None = None) -> dict[str, ContractMoney]:
    """Every binding contract's margin, by contract_ref."""
    ledger = ledger or Ledger(pic)
    world = pic.world
    contracts = {c.ref: c for c in world.contracts}
    found = {}
    for row in contract_margins(ledger):
        contract = contracts[row.ref]
        figures = (row.first, row.term)
        unknown: tuple[str, ...] = ()
        if any(
            f.revenue is None or f.power_cost is None or f.hardware_cost is None for f in figures
        ):
            months = money.term_months_of(contract.start_date, contract.end_date)
            unknown = tuple(why_unknown(ledger, contract, [row.first.month, *months]))
        site = ledger.site_month(contract.site_id, row.first.month)
        found[row.ref] = ContractMoney(
            row.ref,
            world.site_name(contract.site_id),
            world.settings.reporting_currency.upper(),
            row.first,
            row.term,
            unknown,
            site.energy.uncovered_mw,
        )
    return found


def contracts_money(session: Session, as_of: dt.date | None = None) -> dict[str, ContractMoney]:
    from domain.picture import picture

    world = load_world(session)
    with collector_paused():
        return contracts_of(picture(world, as_of or dt.date.today()))


@dataclass(frozen=True)
class SiteMoneyMonth:
    month: dt.date
    required_mw: Decimal
    min_take_mw: Decimal  # Σ capacity × take-or-pay share of its PPAs in force
    idle_mw: Decimal  # minimum take beyond power required: paid for, unused
    idle_cost: Decimal | None  # None: nothing prices the energy (see ``unknown``)
    energy_price: Decimal | None  # the blended price per MWh, reporting currency
    margin: Decimal | None  # its contracts' margins that month − idle cost


@dataclass(frozen=True)
class TakeOrPay:
    ppa_ref: str
    capacity_mw: Decimal
    take_or_pay_pct: Decimal
    start_date: dt.date
    end_date: dt.date

    @property
    def min_take_mw(self) -> Decimal:
        return self.capacity_mw * self.take_or_pay_pct / Decimal(100)


@dataclass(frozen=True)
class SiteMoney:
    site: str
    currency: str
    months: list[SiteMoneyMonth]
    ppas: list[TakeOrPay]  # its PPAs with a take-or-pay share
    unknown: tuple[str, ...] = ()

    @property
    def idle_months(self) -> list[SiteMoneyMonth]:
        return [m for m in self.months if m.idle_mw > 0]

    @property
    def idle_cost(self) -> Decimal | None:
        """Σ idle cost over the horizon (None when a month's is unknown)."""
        total = ZERO
        for month in self.idle_months:
            if month.idle_cost is None:
                return None
            total += month.idle_cost
        return total


def site_of(pic: Picture, site_id: int, ledger: Ledger | None = None) -> SiteMoney:
    """One site over the take-or-pay horizon (setting ``take_or_pay_horizon_months``)."""
    ledger = ledger or Ledger(pic)
    world = pic.world
    months = horizon(pic.as_of, world.settings.take_or_pay_horizon_months)
    rows = [r for r in site_margins(ledger, months) if r.site_id == site_id]
    shown = [
        SiteMoneyMonth(
            r.month,
            r.site.required_mw,
            r.site.min_take_mw,
            r.site.idle_mw,
            r.idle_cost,
            r.site.energy.price,
            r.margin,
        )
        for r in rows
    ]
    unknown = []
    for row in rows:
        if row.idle_cost is None:
            unknown.append(
                f"{row.month:%Y-%m}: no priced PPA in force and no merchant price set (or an "
                "exchange rate missing): idle cost unknown"
            )
    ppas = [
        TakeOrPay(p.ref, p.capacity_mw, p.take_or_pay_pct, p.start_date, p.end_date)
        for p in sorted(ledger.ppas_at(site_id), key=lambda p: p.ref)
        if p.take_or_pay_pct
    ]
    return SiteMoney(
        world.site_name(site_id),
        world.settings.reporting_currency.upper(),
        shown,
        ppas,
        tuple(unknown),
    )


def site_money(session: Session, site: str, as_of: dt.date | None = None) -> SiteMoney:
    """The take-or-pay months of the site called ``site``."""
    from domain.picture import picture

    world = load_world(session)
    site_id = world.site_id(site)
    if site_id is None:
        raise NotFoundError(f"no site is called {site!r}")
    with collector_paused():
        return site_of(picture(world, as_of or dt.date.today()), site_id)
