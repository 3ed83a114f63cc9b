"""What the window's dashboard shows, gathered in one read: tiles, GPU supply against
commitments per site (overdue GPUs as their own band), lead times per vendor and sku, power,
clusters and contracts at risk, late-credit exposure, margin per site, and cash out against
contract revenue month by month.

Every number comes from one picture of the figures (``domain.picture``) and the alert rules;
this module only picks and adds them up, so the dashboard can never disagree with the exports,
the command line or the alerts. Plain dataclasses out, no Qt.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy.orm import Session

from domain import contracts as contract_rules
from domain import money
from domain.margin import Ledger, idle_by_site, site_margins
from domain.picture import Picture, SiteFigures, SupplyPoint, open_value_breakdown, supply_series
from domain.picture import picture as compute_picture
from domain.supply import actual_lead_days
from services import alerts as alerts_service
from services import cash as cash_service
from services.figures import collector_paused, load_world

CENT = Decimal("0.01")
ZERO = Decimal(0)
# The supply chart looks this far ahead (the next 24 months).
SUPPLY_MONTHS = 24
# Cash out against revenue: the next 18 months.
CASH_MONTHS = 18


@dataclass(frozen=True)
class Tiles:
    gpus_delivered: int  # received on or before the as-of day
    gpus_on_order: int  # open GPUs with a supply date (on their way, dated)
    gpus_overdue: int  # open GPUs whose date has passed: at risk, never secured
    gpus_undated: int  # open GPUs with no date, or on hold: supply nothing either
    gpus_committed: int  # binding contracts not yet ended
    open_order_value: Decimal  # reporting currency
    monthly_revenue: Decimal  # binding contracts not yet ended, reporting currency
    reporting_currency: str
    mw_committed_it: Decimal  # Σ committed MW (or GPUs × kW per GPU) of those contracts
    mw_required_peak: Decimal  # Σ over sites of the peak MW required (committed × PUE)
    grid_mw: Decimal  # Σ grid capacity of the sites in force on the as-of day
    ppa_mw: Decimal  # Σ PPA cover running on the as-of day
    alerts_by_severity: dict[str, int]
    # Late credits owed if delivery stays as it is, per currency; contracts whose credit is
    # unbounded (unknown delivery, no cap) named apart.
    late_credit_exposure: dict[str, Decimal] = field(default_factory=dict)
    late_credit_unbounded: tuple[str, ...] = ()
    # Draft, expired and terminated contracts: counted apart, never in the totals above.
    contracts_not_binding: int = 0
    # Amounts that could not be converted to the reporting currency (never counted 1:1).
    missing_rates: tuple[str, ...] = ()


@dataclass(frozen=True)
class SiteSupplySeries:
    site: str
    points: list[SupplyPoint]

    @property
    def worst_shortfall(self) -> int:
        """The largest gap between GPUs committed and GPUs dated in the window."""
        return max((p.gpus_committed - p.gpus_supply for p in self.points), default=0)


@dataclass
class VendorLeadTimes:
    vendor: str  # "vendor / sku": lead times are never mixed across skus
    # (quote date, quoted lead days), oldest first
    quoted: list[tuple[dt.date, int]] = field(default_factory=list)
    # (received date, actual lead days of the line), oldest first
    actual: list[tuple[dt.date, int]] = field(default_factory=list)


@dataclass(frozen=True)
class ContractAtRisk:
    ref: str
    customer: str
    site: str
    need_by: dt.date
    shortfall: int  # GPUs committed but not secured by the need-by date
    # The last day to order more GPUs of its model by the quickest quote (None: nothing
    # quoted; a day already past: too late to order, expedite instead).
    order_by: dt.date | None = None
    days_late: int | None = None
    late_credit: Decimal | None = None
    currency: str = "USD"


@dataclass(frozen=True)
class ClusterAtRisk:
    ref: str
    site: str
    contract_ref: str | None
    needed_by: dt.date | None
    ready_date: dt.date | None  # None: it cannot complete
    days_late: int | None
    critical_part: str | None
    missing: int  # units missing of the critical part


@dataclass(frozen=True)
class SiteMargin:
    site: str
    month: dt.date
    margin: Decimal | None  # its contracts' margins this month − idle cost
    idle_mw: Decimal
    idle_cost: Decimal | None


@dataclass(frozen=True)
class SiteTakeOrPay:
    site: str
    min_take_mw: Decimal  # this month: PPA minimum take in force
    idle_mw: Decimal  # minimum take beyond power required
    idle_cost: Decimal | None  # this month (None: unpriced)
    idle_months: int  # months of the take-or-pay horizon with idle MW


@dataclass(frozen=True)
class CashMonth:
    month: dt.date
    cash_out: Decimal  # reporting currency (milestones not yet paid)
    revenue: Decimal  # binding contracts' revenue that month, days-weighted


@dataclass(frozen=True)
class Dashboard:
    as_of: dt.date
    tiles: Tiles
    supply: list[SiteSupplySeries]  # sites with GPUs committed or expected, by name
    lead_times: list[VendorLeadTimes]  # vendor + sku with quotes or received lines
    sites: list[SiteFigures]  # every site, by name (power and headroom)
    # Binding contracts short of GPUs, soonest need-by date first.
    contracts_at_risk: list[ContractAtRisk] = field(default_factory=list)
    # Deployments late or unable to complete, worst first.
    clusters_at_risk: list[ClusterAtRisk] = field(default_factory=list)
    margins: list[SiteMargin] = field(default_factory=list)
    cash: list[CashMonth] = field(default_factory=list)
    cash_undated: Decimal = ZERO
    # Sites with a take-or-pay share: this month's minimum take and idle MW.
    take_or_pay: list[SiteTakeOrPay] = field(default_factory=list)


def dashboard(session: Session, as_of: dt.date | None = None) -> Dashboard:
    """Everything the dashboard shows as of a day (today by default)."""
    day = as_of or dt.date.today()
    world = load_world(session)
    with collector_paused():
        pic = compute_picture(world, day)
        shown_alerts = alerts_service.apply_acknowledgements(
            alerts_service.evaluate_picture(pic), alerts_service.acknowledgements(session), day
        )
        return _board(pic, shown_alerts)


def _board(pic: Picture, shown_alerts: list[alerts_service.Alert]) -> Dashboard:
    ledger = Ledger(pic)
    cash_months, undated = _cash(pic, ledger)
    return Dashboard(
        pic.as_of,
        _tiles(pic, shown_alerts),
        _supply(pic),
        lead_times(pic),
        list(pic.sites.values()),
        _contracts_at_risk(pic),
        _clusters_at_risk(pic),
        _margins(pic, ledger),
        cash_months,
        undated,
        _take_or_pay(pic, ledger),
    )


def _tiles(pic: Picture, shown_alerts: list[alerts_service.Alert]) -> Tiles:
    world, day = pic.world, pic.as_of
    by_severity: dict[str, int] = {severity: 0 for severity in alerts_service.SEVERITIES}
    for alert in shown_alerts:
        if not alert.hidden:
            by_severity[alert.severity] += 1
    config = world.settings
    converter = pic.converter
    sites = list(pic.sites.values())
    open_value = open_value_breakdown(world)
    missing = [str(m) for m in open_value.missing_rates]
    revenue = ZERO
    it_load = ZERO
    exposure: dict[str, Decimal] = defaultdict(lambda: ZERO)
    unbounded: list[str] = []
    not_binding = 0
    for figures in pic.contracts.values():
        if not figures.binding:
            not_binding += 1
            continue
        credit = figures.late_credit
        if credit is not None and credit.unbounded:
            unbounded.append(figures.ref)
        elif credit is not None and credit.amount:
            exposure[figures.currency] += credit.amount
        if figures.end_date < day:
            continue
        it_load += contract_rules.it_mw(
            figures.committed_gpus or None, figures.committed_mw, config.default_kw_per_gpu
        )
        converted = converter.convert(figures.monthly_value, figures.currency, day)
        if converted is None:
            missing.append(f"no {figures.currency} exchange rate for contract {figures.ref}")
            continue
        revenue += converted

    return Tiles(
        gpus_delivered=sum(s.gpus_delivered for s in sites),
        gpus_on_order=sum(s.gpus_expected for s in sites),
        gpus_overdue=sum(s.gpus_overdue for s in sites),
        gpus_undated=sum(s.gpus_undated for s in sites),
        gpus_committed=sum(s.gpus_committed for s in sites),
        open_order_value=open_value.total,
        monthly_revenue=revenue.quantize(CENT),
        reporting_currency=config.reporting_currency.upper(),
        mw_committed_it=it_load.quantize(Decimal("0.0001")),
        mw_required_peak=sum((s.mw_required_peak for s in sites), ZERO),
        grid_mw=sum((s.grid_mw or ZERO for s in sites), ZERO),
        ppa_mw=sum((s.ppa_mw for s in sites), ZERO),
        alerts_by_severity=by_severity,
        late_credit_exposure={k: v.quantize(CENT) for k, v in sorted(exposure.items())},
        late_credit_unbounded=tuple(sorted(unbounded)),
        contracts_not_binding=not_binding,
        missing_rates=tuple(dict.fromkeys(missing)),
    )


def _supply(pic: Picture) -> list[SiteSupplySeries]:
    series = []
    for site in pic.sites.values():
        if not (site.gpus_committed or site.gpus_expected or site.gpus_delivered):
            continue
        points = supply_series(pic, site.id, SUPPLY_MONTHS)
        if any(p.gpus_supply or p.gpus_committed or p.gpus_overdue for p in points):
            series.append(SiteSupplySeries(site.name, points))
    return series


def _contracts_at_risk(pic: Picture) -> list[ContractAtRisk]:
    at_risk = [
        ContractAtRisk(
            c.ref,
            c.customer,
            c.site,
            c.need_by,
            c.shortfall,
            c.order_by,
            c.days_late,
            c.late_credit.amount if c.late_credit else None,
            c.currency,
        )
        for c in pic.contracts.values()
        if c.binding and c.shortfall > 0 and c.end_date >= pic.as_of
    ]
    at_risk.sort(key=lambda c: (c.need_by, c.ref))
    return at_risk


def _clusters_at_risk(pic: Picture) -> list[ClusterAtRisk]:
    clusters = []
    for readiness in pic.deployments.values():
        if not readiness.served or not readiness.late_or_incomplete:
            continue
        part = readiness.part(readiness.critical_part or "")
        clusters.append(
            ClusterAtRisk(
                readiness.ref,
                pic.world.site_name(readiness.site_id),
                readiness.contract_ref,
                readiness.needed_by,
                readiness.ready_date,
                readiness.days_late,
                readiness.critical_part,
                part.missing if part else 0,
            )
        )
    clusters.sort(
        key=lambda c: (
            c.ready_date is not None,
            -(c.days_late or 0),
            c.needed_by or dt.date.max,
            c.ref,
        )
    )
    return clusters


def _margins(pic: Picture, ledger: Ledger) -> list[SiteMargin]:
    return [
        SiteMargin(
            pic.world.site_name(row.site_id), row.month, row.margin, row.site.idle_mw, row.idle_cost
        )
        for row in site_margins(ledger, [money.month_start(pic.as_of)])
        if row.contracts.revenue or row.site.idle_mw
    ]


def _cash(pic: Picture, ledger: Ledger) -> tuple[list[CashMonth], Decimal]:
    """Cash out against revenue month by month, and the cash out with no date."""
    world, day = pic.world, pic.as_of
    cash = cash_service.compute_cash(world, day, months=CASH_MONTHS)
    out_by_month = cash_service.totals_by_month(cash)
    binding = [c for c in world.contracts if c.binding]
    cash_months = []
    for month in money.months(day, CASH_MONTHS):
        month_revenue = ZERO
        for contract in binding:
            weighted = ledger.weighted_month(contract, month).revenue
            month_revenue += weighted or ZERO
        out = out_by_month.get(month) or ZERO
        cash_months.append(CashMonth(month, out.quantize(CENT), month_revenue.quantize(CENT)))
    undated = out_by_month.get(None) or ZERO
    return cash_months, undated.quantize(CENT)


def _take_or_pay(pic: Picture, ledger: Ledger) -> list[SiteTakeOrPay]:
    world, day = pic.world, pic.as_of
    horizon = money.months(day, world.settings.take_or_pay_horizon_months)
    idle = idle_by_site(ledger, horizon)
    this_month = money.month_start(day)
    take_or_pay = []
    for site_id in sorted({p.site_id for p in world.ppas if p.take_or_pay_pct}):
        now = ledger.site_month(site_id, this_month)
        take_or_pay.append(
            SiteTakeOrPay(
                world.site_name(site_id),
                now.min_take_mw,
                now.idle_mw,
                now.idle_cost,
                len(idle.get(site_id, [])),
            )
        )
    take_or_pay.sort(key=lambda t: t.site)
    return take_or_pay


def lead_times(pic: Picture) -> list[VendorLeadTimes]:
    """Per vendor and sku: quoted lead times by quote date, actual ones by receipt date."""
    world = pic.world
    found: dict[int, VendorLeadTimes] = {}

    def of(product_id: int) -> VendorLeadTimes:
        if product_id not in found:
            product = world.products[product_id]
            found[product_id] = VendorLeadTimes(
                f"{world.vendor_name(product.vendor_id)} / {product.sku}"
            )
        return found[product_id]

    for quote in world.quotes:
        of(quote.product_id).quoted.append((quote.quote_date, quote.lead_days))
    for line in world.lines:
        days = actual_lead_days(line)
        if days is not None and line.received_date is not None:
            of(line.product_id).actual.append((line.received_date, days))
    result = sorted(found.values(), key=lambda v: v.vendor.casefold())
    for vendor in result:
        vendor.quoted.sort()
        vendor.actual.sort()
    return result


def sites_at_risk(board: Dashboard) -> list[str]:
    """Sites whose commitments run ahead of their dated GPUs at some month, worst first."""
    short = [s for s in board.supply if s.worst_shortfall > 0]
    return [s.site for s in sorted(short, key=lambda s: (-s.worst_shortfall, s.site))]
