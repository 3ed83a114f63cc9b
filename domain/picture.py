"""The supply picture as of a day: every figure of contracts, deployments and sites, computed
once from a :class:`~domain.world.World` and read by the alerts, lists, exports, dashboard
and what-if alike."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from domain import contracts as contract_rules
from domain import power as power_rules
from domain import scorecard
from domain.allocation import (
    Allocation,
    ContractAllocation,
    DeploymentReadiness,
    GpuPeg,
    allocate,
)
from domain.contracts import Contract, LateCredit
from domain.gpus import serves
from domain.money import Converter
from domain.power import PowerDay
from domain.supply import (
    Line,
    open_units,
    open_value,
    received_units,
    supply_date,
)
from domain.world import World, by_site

ZERO = Decimal(0)
CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class QuickestSource:
    """The product of a GPU model with the shortest newest quoted lead time."""

    vendor: str
    sku: str
    lead_days: int
    product_id: int


@dataclass(frozen=True)
class ContractFigures:
    ref: str
    customer: str
    site: str
    site_id: int
    service: str | None
    status: str
    start_date: dt.date
    end_date: dt.date
    committed_gpus: int
    committed_mw: Decimal | None
    price: Decimal
    price_unit: str
    currency: str
    gpu_model: str | None
    monthly_value: Decimal
    term_months: Decimal
    tcv: Decimal
    need_by: dt.date
    gpus_secured: int
    late_gpus: int
    shortfall: int
    notice_deadline: dt.date
    delivery_date: dt.date | None
    days_late: int | None
    late_credit: LateCredit | None  # None: the contract does not bind
    late_credit_per_day: Decimal | None
    late_credit_cap: Decimal | None
    order_by: dt.date | None
    quickest: QuickestSource | None
    pegs: tuple[GpuPeg, ...] = ()
    via_deployments: bool = False
    deployments: tuple[str, ...] = ()
    auto_renew: bool = False
    notice_days: int | None = None

    @property
    def binding(self) -> bool:
        return contract_rules.is_binding(self.status)


@dataclass(frozen=True)
class SiteFigures:
    id: int
    name: str
    status: str
    grid_mw: Decimal | None  # in force on the as-of day (capacity steps)
    pue: Decimal
    ppa_mw: Decimal  # PPAs in force on the as-of day
    mw_required: Decimal  # on the as-of day
    mw_required_peak: Decimal  # the most required on any check day from the as-of day on
    headroom_mw: Decimal  # min(grid, PPA) − required, on the as-of day
    gpus_committed: int  # binding contracts not yet ended
    gpus_delivered: int  # received on or before the as-of day
    gpus_expected: int  # open units with a supply date (on or after the as-of day)
    gpus_overdue: int
    gpus_undated: int
    gpus_spare: int
    gpus_short: int  # Σ shortfall of its binding contracts not yet ended


@dataclass
class Picture:
    world: World
    as_of: dt.date
    allocation: Allocation
    contracts: dict[str, ContractFigures]
    sites: dict[int, SiteFigures]
    power: dict[int, list[PowerDay]]
    converter: Converter
    # line id -> refs of the contracts and deployments it serves
    served_by_line: dict[int, list[str]] = field(default_factory=dict)

    @property
    def deployments(self) -> dict[str, DeploymentReadiness]:
        return self.allocation.deployments

    def line(self, line_id: int) -> Line | None:
        return self._lines_by_id().get(line_id)

    def _lines_by_id(self) -> dict[int, Line]:
        cached: dict[int, Line] | None = getattr(self, "_by_id", None)
        if cached is None:
            cached = {line.id: line for line in self.world.lines}
            self._by_id = cached
        return cached


def quickest_source(world: World, gpu_model: str | None, as_of: dt.date) -> QuickestSource | None:
    """Among products of ``gpu_model`` (any GPU product when blank), from any vendor, the one
    whose newest quote (on or before the day) is quickest; ties by sku. Never a product of
    another model."""
    newest = scorecard.newest_quotes(world.quotes, as_of)
    best: tuple[int, str, int] | None = None
    for product_id, (_day, days) in newest.items():
        product = world.products.get(product_id)
        if product is None or product.gpus_per_unit <= 0:
            continue
        if not serves(gpu_model, product.gpu_model):
            continue
        candidate = (days, product.sku, product_id)
        if best is None or candidate < best:
            best = candidate
    if best is None:
        return None
    days, sku, product_id = best
    product = world.products[product_id]
    return QuickestSource(world.vendor_name(product.vendor_id), sku, days, product_id)


def order_by_date(need_by: dt.date, source: QuickestSource | None) -> dt.date | None:
    """The last day to order GPUs that must arrive by ``need_by``: need-by − the quickest
    newest quoted lead time of the contract's GPU model."""
    return None if source is None else need_by - dt.timedelta(days=source.lead_days)


def _contract_figures(
    world: World,
    contract: Contract,
    allocated: ContractAllocation,
    deployments: tuple[str, ...],
    as_of: dt.date,
    quickest_cache: dict[str, QuickestSource | None],
) -> ContractFigures:
    config = world.settings
    monthly = contract_rules.monthly_value(
        contract.price,
        contract.price_unit,
        contract.committed_gpus,
        contract.committed_mw,
        config.default_kw_per_gpu,
    )
    binding = contract.binding
    credit = None
    order_by = None
    quickest = None
    if binding:
        credit = contract_rules.late_credit(
            contract.late_credit_per_day, contract.late_credit_cap, allocated.days_late
        )
        if allocated.shortfall > 0:
            key = contract.gpu_model or ""
            if key not in quickest_cache:
                quickest_cache[key] = quickest_source(world, contract.gpu_model, as_of)
            quickest = quickest_cache[key]
            order_by = order_by_date(allocated.need_by, quickest)
    return ContractFigures(
        ref=contract.ref,
        customer=contract.customer,
        site=world.site_name(contract.site_id),
        site_id=contract.site_id,
        service=contract.service,
        status=contract.status,
        start_date=contract.start_date,
        end_date=contract.end_date,
        committed_gpus=contract.gpus,
        committed_mw=contract.committed_mw,
        price=contract.price,
        price_unit=contract.price_unit,
        currency=contract.currency,
        gpu_model=contract.gpu_model,
        monthly_value=monthly,
        term_months=contract_rules.term_months(contract.start_date, contract.end_date),
        tcv=contract_rules.total_contract_value(monthly, contract.start_date, contract.end_date),
        need_by=allocated.need_by,
        gpus_secured=allocated.secured,
        late_gpus=allocated.late,
        shortfall=allocated.shortfall,
        notice_deadline=contract_rules.notice_deadline(contract.end_date, contract.notice_days),
        delivery_date=allocated.delivery_date,
        days_late=allocated.days_late,
        late_credit=credit,
        late_credit_per_day=contract.late_credit_per_day,
        late_credit_cap=contract.late_credit_cap,
        order_by=order_by,
        quickest=quickest,
        pegs=allocated.pegs,
        via_deployments=allocated.via_deployments,
        deployments=deployments,
        auto_renew=contract.auto_renew,
        notice_days=contract.notice_days,
    )


def picture(world: World, as_of: dt.date) -> Picture:
    """Every figure as of ``as_of``."""
    config = world.settings
    allocation = allocate(
        as_of,
        world.lines,
        world.products,
        world.contracts,
        world.deployments,
        config.install_buffer_days,
    )
    deployments_of: dict[str, list[str]] = defaultdict(list)
    for deployment in world.deployments:
        if deployment.contract_ref:
            deployments_of[deployment.contract_ref].append(deployment.ref)
    cache: dict[str, QuickestSource | None] = {}
    contracts = {
        c.ref: _contract_figures(
            world,
            c,
            allocation.contracts[c.ref],
            tuple(sorted(deployments_of.get(c.ref, ()))),
            as_of,
            cache,
        )
        for c in sorted(world.contracts, key=lambda c: c.ref)
    }
    contracts_by_site = by_site(world.contracts)
    ppas_by_site = by_site(world.ppas)
    power = {
        site_id: power_rules.power_days(
            world.sites[site_id],
            site_contracts,
            ppas_by_site.get(site_id, []),
            as_of,
            config.default_pue,
            config.default_kw_per_gpu,
        )
        for site_id, site_contracts in contracts_by_site.items()
        if site_id in world.sites
    }
    result = Picture(
        world,
        as_of,
        allocation,
        contracts,
        {},
        power,
        Converter(world.fx, config.reporting_currency),
        allocation.served_by_line,
    )
    result.sites = _site_figures(result)
    return result


def _site_figures(pic: Picture) -> dict[int, SiteFigures]:
    world, as_of = pic.world, pic.as_of
    config = world.settings
    delivered: dict[int, int] = defaultdict(int)
    expected: dict[int, int] = defaultdict(int)
    for line in world.lines:
        per = world.products[line.product_id].gpus_per_unit
        if per <= 0:
            continue
        if line.received_date is not None and line.received_date <= as_of:
            delivered[line.site_id] += received_units(line) * per
        if supply_date(line, as_of) is not None:
            expected[line.site_id] += open_units(line) * per
    contracts_by_site = by_site(world.contracts)
    ppas_by_site = by_site(world.ppas)
    result: dict[int, SiteFigures] = {}
    for site in sorted(world.sites.values(), key=lambda s: s.name):
        rows = contracts_by_site.get(site.id, [])
        today = power_rules.power_on(
            site,
            rows,
            ppas_by_site.get(site.id, []),
            as_of,
            config.default_pue,
            config.default_kw_per_gpu,
        )
        peak = max((p.required_mw for p in pic.power.get(site.id, [])), default=ZERO)
        gpus = pic.allocation.sites.get(site.id)
        result[site.id] = SiteFigures(
            id=site.id,
            name=site.name,
            status=site.status,
            grid_mw=today.grid_mw,
            pue=world.pue(site.id),
            ppa_mw=today.ppa_mw,
            mw_required=today.required_mw,
            mw_required_peak=max(peak, today.required_mw),
            headroom_mw=today.headroom_mw,
            gpus_committed=sum(c.gpus for c in rows if c.binding and c.end_date >= as_of),
            gpus_delivered=delivered.get(site.id, 0),
            gpus_expected=expected.get(site.id, 0),
            gpus_overdue=gpus.overdue_gpus if gpus else 0,
            gpus_undated=gpus.undated_gpus if gpus else 0,
            gpus_spare=gpus.spare_gpus if gpus else 0,
            gpus_short=sum(
                pic.contracts[c.ref].shortfall for c in rows if c.binding and c.end_date >= as_of
            ),
        )
    return result


@dataclass(frozen=True)
class MissingRate:
    """A currency without an exchange rate for some open orders: never converted 1:1."""

    currency: str
    first_order: dt.date
    po_numbers: tuple[str, ...]
    open_value: Decimal

    def __str__(self) -> str:
        shown = ", ".join(self.po_numbers[:5])
        more = f" and {len(self.po_numbers) - 5} more" if len(self.po_numbers) > 5 else ""
        return (
            f"no {self.currency} exchange rate on or before {self.first_order} "
            f"({self.currency} {self.open_value:,.2f} open on {shown}{more})"
        )


@dataclass(frozen=True)
class OpenValue:
    total: Decimal  # reporting currency, lines with a rate
    missing_rates: list[MissingRate]
    by_vendor_category: dict[tuple[int, str], Decimal]
    by_vendor: dict[int, Decimal]
    by_product: dict[int, Decimal]
    # currency -> open value in that currency (every line, rate or not)
    by_currency: dict[str, Decimal]


@dataclass
class _Gap:
    first: dt.date
    pos: set[str] = field(default_factory=set)
    value: Decimal = ZERO


def open_value_breakdown(world: World) -> OpenValue:
    """Open order value: Σ open units × unit price over lines placed, on their way or on
    hold, in the reporting currency at the rate on or before each order's date; a currency
    without a rate is reported (its POs and value), never taken as 1:1."""
    converter = Converter(world.fx, world.settings.reporting_currency)
    total = ZERO
    by_vendor_category: dict[tuple[int, str], Decimal] = defaultdict(lambda: ZERO)
    by_vendor: dict[int, Decimal] = defaultdict(lambda: ZERO)
    by_product: dict[int, Decimal] = defaultdict(lambda: ZERO)
    by_currency: dict[str, Decimal] = defaultdict(lambda: ZERO)
    missing: dict[str, _Gap] = {}
    for line in world.lines:
        value = open_value(line)
        if not value:
            continue
        by_currency[line.currency.upper()] += value
        rate = converter.rate(line.currency, line.order_date)
        if rate is None:
            gap = missing.setdefault(line.currency.upper(), _Gap(line.order_date))
            gap.first = min(gap.first, line.order_date)
            gap.pos.add(line.po_number)
            gap.value += value
            continue
        converted = value * rate
        total += converted
        category = world.products[line.product_id].category
        by_vendor_category[(line.vendor_id, category)] += converted
        by_vendor[line.vendor_id] += converted
        by_product[line.product_id] += converted
    missing_rates = [
        MissingRate(cur, gap.first, tuple(sorted(gap.pos)), gap.value.quantize(CENT))
        for cur, gap in sorted(missing.items())
    ]
    return OpenValue(
        total.quantize(CENT),
        missing_rates,
        {k: v.quantize(CENT) for k, v in by_vendor_category.items()},
        {k: v.quantize(CENT) for k, v in by_vendor.items()},
        {k: v.quantize(CENT) for k, v in by_product.items()},
        {k: v.quantize(CENT) for k, v in by_currency.items()},
    )


@dataclass(frozen=True, slots=True)
class SupplyPoint:
    """A site's GPUs at a month's end: dated supply against what is committed by then."""

    day: dt.date  # the last day of the month
    gpus_supply: int  # cumulative GPUs received or dated on or before that day
    gpus_overdue: int  # GPUs overdue as of the as-of day: at risk, never counted as supply
    gpus_committed: int  # cumulative GPUs of binding contracts whose need-by date has come


def supply_series(pic: Picture, site_id: int, months: int) -> list[SupplyPoint]:
    """Month by month from the as-of month: GPUs received or dated by each month's end, the
    overdue GPUs apart (at risk), and the GPUs committed by then."""
    from bisect import bisect_right

    from domain.money import month_end
    from domain.money import months as month_list
    from domain.supply import lots

    world, as_of = pic.world, pic.as_of
    events: dict[dt.date, int] = defaultdict(int)
    for line in world.lines:
        if line.site_id != site_id:
            continue
        per = world.products[line.product_id].gpus_per_unit
        if per <= 0:
            continue
        for lot in lots(line, as_of):
            events[lot.date] += lot.units * per
    days = sorted(events)
    totals = []
    running = 0
    for day in days:
        running += events[day]
        totals.append(running)
    needs = sorted(
        (figures.need_by, figures.committed_gpus)
        for figures in pic.contracts.values()
        if figures.site_id == site_id and figures.binding
    )
    gpus = pic.allocation.sites.get(site_id)
    overdue = gpus.overdue_gpus if gpus else 0
    points = []
    for month in month_list(as_of, months):
        end = month_end(month)
        index = bisect_right(days, end)
        committed = sum(g for need_by, g in needs if need_by <= end)
        points.append(SupplyPoint(end, totals[index - 1] if index else 0, overdue, committed))
    return points
