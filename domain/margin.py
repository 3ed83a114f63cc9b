"""Margin of contracts and sites month by month, and take-or-pay idle cost.

Every figure of a month is taken on its figure day (``money.figure_day``): its first day, the
as-of day for the as-of month. All money is in the reporting currency.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from domain import money
from domain.contracts import Contract
from domain.money import HardwareLine, MonthMargin, SiteMonth
from domain.picture import Picture
from domain.power import Ppa
from domain.supply import Line
from domain.world import by_site

ZERO = Decimal(0)


class Ledger:
    """Site months and contract months of one picture, each computed once."""

    def __init__(self, pic: Picture) -> None:
        self.pic = pic
        world = pic.world
        self.config = world.settings
        self.converter = pic.converter
        self._contracts_by_site = by_site(world.contracts)
        self._ppas_by_site = by_site(world.ppas)
        self._site_months: dict[tuple[int, dt.date], SiteMonth] = {}
        self._hardware: dict[str, Decimal | None] = {}
        self._lines = {line.id: line for line in world.lines}

    def site_month(self, site_id: int, month: dt.date) -> SiteMonth:
        key = (site_id, money.month_start(month))
        found = self._site_months.get(key)
        if found is None:
            found = money.site_month(
                site_id,
                month,
                self.pic.as_of,
                self._contracts_by_site.get(site_id, []),
                self._ppas_by_site.get(site_id, []),
                self.pic.world.pue(site_id),
                self.config.default_kw_per_gpu,
                self.config.merchant_price_per_mwh,
                self.converter,
            )
            self._site_months[key] = found
        return found

    def ppas_at(self, site_id: int) -> list[Ppa]:
        return self._ppas_by_site.get(site_id, [])

    def line(self, line_id: int) -> Line:
        return self._lines[line_id]

    def hardware_per_month(self, contract: Contract) -> Decimal | None:
        if contract.ref not in self._hardware:
            figures = self.pic.contracts[contract.ref]
            pegged = []
            for peg in figures.pegs:
                line = self._lines[peg.line_id]
                pegged.append(
                    HardwareLine(
                        peg.gpus,
                        peg.gpus_per_unit,
                        line.unit_price,
                        line.currency,
                        line.order_date,
                    )
                )
            self._hardware[contract.ref] = money.hardware_cost_per_month(
                pegged, self.config.depreciation_months, self.converter
            )
        return self._hardware[contract.ref]

    def contract_month(self, contract: Contract, month: dt.date) -> MonthMargin:
        """The contract's full month (not weighted by its days in the term)."""
        return money.contract_month(
            contract,
            month,
            self.site_month(contract.site_id, month),
            self.hardware_per_month(contract),
            self.config.default_kw_per_gpu,
            self.converter,
        )

    def weighted_month(self, contract: Contract, month: dt.date) -> MonthMargin:
        """The contract's month weighted by its days in the term (0 outside it)."""
        weight = money.month_weight(month, contract.start_date, contract.end_date)
        return self.contract_month(contract, month).weighted(weight)


@dataclass(frozen=True)
class ContractMargin:
    ref: str
    site_id: int
    first: MonthMargin  # its start month, or the as-of month if later
    term: MonthMargin  # Σ over its term's months, partial months weighted by their days


def contract_margins(ledger: Ledger) -> list[ContractMargin]:
    """Each binding contract's first month and term total."""
    found = []
    for contract in sorted(ledger.pic.world.contracts, key=lambda c: c.ref):
        if not contract.binding:
            continue
        first = money.first_month(contract, ledger.pic.as_of)
        months = money.term_months_of(contract.start_date, contract.end_date)
        term = money.add_margins(
            money.month_start(contract.start_date),
            (ledger.weighted_month(contract, month) for month in months),
        )
        found.append(
            ContractMargin(
                contract.ref, contract.site_id, ledger.contract_month(contract, first), term
            )
        )
    return found


@dataclass(frozen=True)
class SiteMonthMargin:
    site_id: int
    month: dt.date
    site: SiteMonth
    contracts: MonthMargin  # its binding contracts' margins that month, days-weighted
    idle_cost: Decimal | None

    @property
    def margin(self) -> Decimal | None:
        contracts = self.contracts.margin
        if contracts is None or self.idle_cost is None:
            return None
        return contracts - self.idle_cost


def horizon(as_of: dt.date, months: int) -> list[dt.date]:
    return money.months(as_of, months)


def site_margins(ledger: Ledger, months: Sequence[dt.date]) -> list[SiteMonthMargin]:
    """One row per site and month: required MW, minimum take, idle MW and cost, and margin
    (its contracts' margins that month − idle cost)."""
    world = ledger.pic.world
    binding = defaultdict(list)
    for contract in world.contracts:
        if contract.binding:
            binding[contract.site_id].append(contract)
    rows = []
    for site in sorted(world.sites.values(), key=lambda s: s.name):
        for month in months:
            site_month = ledger.site_month(site.id, month)
            total = money.add_margins(
                month, (ledger.weighted_month(c, month) for c in binding.get(site.id, []))
            )
            rows.append(SiteMonthMargin(site.id, month, site_month, total, site_month.idle_cost))
    return rows


def why_unknown(ledger: Ledger, contract: Contract, months: Sequence[dt.date]) -> list[str]:
    """Why a figure of the contract's ``months`` has no number: an exchange rate missing
    (its currency and the day it was needed: never taken as 1:1), or energy nothing prices
    (no PPA in force and no merchant price). In the order they were found, each once."""
    converter = ledger.converter
    world = ledger.pic.world
    reasons: list[str] = []

    def say(reason: str) -> None:
        if reason not in reasons:
            reasons.append(reason)

    for month in months:
        site = ledger.site_month(contract.site_id, month)
        if converter.rate(contract.currency, site.day) is None:
            say(f"no {contract.currency.upper()} rate on or before {site.day}: revenue unknown")
        if site.energy.price is None and site.required_mw > 0:
            in_force = [
                p
                for p in ledger.ppas_at(contract.site_id)
                if p.in_force_on(site.day) and p.price_per_mwh is not None
            ]
            lacking = [p for p in in_force if converter.rate(p.currency, site.day) is None]
            for ppa in lacking:
                say(
                    f"no {ppa.currency.upper()} rate on or before {site.day} for PPA "
                    f"{ppa.ref}: power cost unknown"
                )
            if not lacking:
                say(
                    f"no priced PPA in force at {world.site_name(contract.site_id)} on "
                    f"{site.day} and no merchant price set: power cost unknown"
                )
    if ledger.hardware_per_month(contract) is None:
        for peg in ledger.pic.contracts[contract.ref].pegs:
            line = ledger.line(peg.line_id)
            if (
                line.unit_price is not None
                and converter.rate(line.currency, line.order_date) is None
            ):
                say(
                    f"no {line.currency.upper()} rate on or before {line.order_date} for "
                    f"{line.ref}: hardware cost unknown"
                )
    return reasons


def idle_by_site(ledger: Ledger, months: Sequence[dt.date]) -> dict[int, list[SiteMonth]]:
    """Per site, the months of ``months`` with take-or-pay minimum take beyond power
    required."""
    world = ledger.pic.world
    result: dict[int, list[SiteMonth]] = {}
    sites_with_take = {p.site_id for p in world.ppas if p.take_or_pay_pct}
    for site_id in sorted(sites_with_take):
        idle = [m for m in (ledger.site_month(site_id, month) for month in months) if m.idle_mw > 0]
        if idle:
            result[site_id] = idle
    return result
