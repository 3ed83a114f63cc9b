"""What the window's dashboard shows, gathered in one read: tiles, GPU supply against
commitments per site, lead times per vendor over time, and power per site.

Every number comes from the figures, alerts and scorecard services; this module only picks
and adds them up, so the dashboard can never disagree with the exports or the alerts.
Plain dataclasses out, no Qt.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy.orm import Session

from services import alerts as alerts_service
from services import figures
from services.figures import (
    CENT,
    ZERO,
    Converter,
    SiteFigures,
    SupplyPoint,
    actual_lead_days,
    compute_contract_figures,
    compute_site_figures,
    load_snapshot,
    open_value_breakdown,
    site_supply,
)

# The supply chart looks this far ahead (issue 7: the next 24 months).
SUPPLY_MONTHS = 24


@dataclass(frozen=True)
class Tiles:
    gpus_delivered: int  # received on or before the as-of day
    gpus_on_order: int  # open units of placed lines not yet received
    gpus_committed: int  # signed and active contracts not yet ended
    open_order_value: Decimal  # reporting currency
    monthly_revenue: Decimal  # signed and active contracts not yet ended, reporting currency
    reporting_currency: str
    mw_committed_it: Decimal  # Σ committed MW (or GPUs × kW per GPU) of those contracts
    mw_required_peak: Decimal  # Σ over sites of the peak MW required (committed × PUE)
    grid_mw: Decimal  # Σ grid capacity of the sites
    ppa_mw: Decimal  # Σ PPA cover running on the as-of day
    alerts_by_severity: dict[str, int]
    # Amounts that could not be converted to the reporting currency (never counted 1:1).
    missing_rates: tuple[str, ...] = ()


@dataclass(frozen=True)
class SiteSupplySeries:
    site: str
    points: list[SupplyPoint]

    @property
    def worst_shortfall(self) -> int:
        """The largest gap between GPUs committed and GPUs expected in the window."""
        return max((p.gpus_committed - p.gpus_expected for p in self.points), default=0)


@dataclass
class VendorLeadTimes:
    vendor: str
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
    # The last day to order more GPUs by the quickest quoted lead time (None: nothing quoted;
    # a day already past: too late to order, expedite instead).
    order_by: dt.date | None = None


@dataclass(frozen=True)
class Dashboard:
    as_of: dt.date
    tiles: Tiles
    supply: list[SiteSupplySeries]  # sites with GPUs committed or expected, by name
    lead_times: list[VendorLeadTimes]  # vendors with quotes or received lines, by name
    sites: list[SiteFigures]  # every site, by name (power and headroom)
    # Signed and active contracts short of GPUs, soonest need-by date first.
    contracts_at_risk: list[ContractAtRisk] = field(default_factory=list)


def dashboard(session: Session, as_of: dt.date | None = None) -> Dashboard:
    """Everything the dashboard shows as of a day (today by default)."""
    day = as_of or dt.date.today()
    snapshot = load_snapshot(session)
    supply = site_supply(snapshot)
    contracts = compute_contract_figures(snapshot, supply)
    sites = compute_site_figures(snapshot, day, supply, contracts)
    shown_alerts = alerts_service.apply_acknowledgements(
        alerts_service.evaluate_snapshot(snapshot, day),
        alerts_service.acknowledgements(session),
        day,
    )
    by_severity = {severity: 0 for severity in alerts_service.SEVERITIES}
    for alert in shown_alerts:
        if not alert.hidden:
            by_severity[alert.severity] += 1

    config = snapshot.settings
    reporting = config.reporting_currency.upper()
    converter = Converter(snapshot.fx, reporting)
    open_value = open_value_breakdown(snapshot)
    missing = [str(m) for m in open_value.missing_rates]
    revenue = ZERO
    it_load = ZERO
    for row in snapshot.contracts:
        if not row.binding or row.end_date < day:
            continue
        it_load += figures.committed_mw_or_estimate(
            row.committed_gpus, row.committed_mw, config.default_kw_per_gpu
        )
        monthly = contracts[row.ref].monthly_value
        # Contracts are converted at today's rate: revenue is a figure of now, not of signing.
        rate = converter.rate(row.currency, day)
        if rate is None:
            missing.append(f"no {row.currency} exchange rate for contract {row.ref}")
            continue
        revenue += monthly * rate

    on_order = sum(
        line.open_units * snapshot.gpus_per_unit(line) for line in snapshot.lines if line.is_open
    )
    tiles = Tiles(
        gpus_delivered=sum(s.gpus_delivered for s in sites),
        gpus_on_order=on_order,
        gpus_committed=sum(s.gpus_committed for s in sites),
        open_order_value=open_value.total,
        monthly_revenue=revenue.quantize(CENT),
        reporting_currency=reporting,
        mw_committed_it=figures.quantize(it_load),
        mw_required_peak=sum((s.mw_required_peak for s in sites), ZERO),
        grid_mw=sum((s.grid_mw or ZERO for s in sites), ZERO),
        ppa_mw=sum((s.ppa_mw for s in sites), ZERO),
        alerts_by_severity=by_severity,
        missing_rates=tuple(missing),
    )

    site_ids = {row.name: row.id for row in snapshot.sites.values()}
    series = []
    for site in sites:
        if not (site.gpus_committed or site.gpus_expected or site.gpus_delivered):
            continue
        points = figures.compute_site_supply_series(
            snapshot, site_ids[site.name], day, SUPPLY_MONTHS, supply
        )
        if any(p.gpus_expected or p.gpus_committed for p in points):
            series.append(SiteSupplySeries(site.name, points))

    source = alerts_service.quickest_gpu_source(snapshot, day)
    at_risk = [
        ContractAtRisk(
            c.ref,
            c.customer,
            c.site,
            c.need_by,
            c.shortfall,
            alerts_service.order_by_date(c.need_by, source),
        )
        for c in contracts.values()
        if c.shortfall > 0 and c.end_date >= day
    ]
    at_risk.sort(key=lambda c: (c.need_by, c.ref))
    return Dashboard(day, tiles, series, lead_times(snapshot), sites, at_risk)


def lead_times(snapshot: figures.Snapshot) -> list[VendorLeadTimes]:
    """Per vendor: quoted lead times by quote date, actual ones by receipt date."""
    found: dict[int, VendorLeadTimes] = {}

    def of(vendor_id: int) -> VendorLeadTimes:
        if vendor_id not in found:
            found[vendor_id] = VendorLeadTimes(snapshot.vendors[vendor_id])
        return found[vendor_id]

    for quote in snapshot.quotes:
        of(snapshot.products[quote.product_id].vendor_id).quoted.append(
            (quote.quote_date, quote.lead_days)
        )
    for line in snapshot.lines:
        if line.status == "cancelled" or line.received_qty <= 0:
            continue
        days = actual_lead_days(line.order_date, line.received_date)
        if days is not None and line.received_date is not None:
            of(line.vendor_id).actual.append((line.received_date, days))
    result = sorted(found.values(), key=lambda v: v.vendor.casefold())
    for vendor in result:
        vendor.quoted.sort()
        vendor.actual.sort()
    return result


def sites_at_risk(board: Dashboard) -> list[str]:
    """Sites whose commitments run ahead of their expected GPUs at some month, worst first."""
    short = [s for s in board.supply if s.worst_shortfall > 0]
    return [s.site for s in sorted(short, key=lambda s: (-s.worst_shortfall, s.site))]
