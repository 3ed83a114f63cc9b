"""The dashboard's figures are the figures, alerts and scorecard services' figures, added up."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from domain.picture import supply_series
from models.database import Database
from services import alerts, dashboard, figures, records
from services.audit import Actor


def test_tiles_add_up_the_service_figures(demo_database: Database) -> None:
    today = dt.date.today()
    with demo_database.session() as session:
        board = dashboard.dashboard(session, today)
        sites = figures.site_figures(session, today)
        open_value, missing = figures.open_order_value(session, today)
        shown = alerts.visible_alerts(session, today)
        contracts = figures.contract_figures(session, today)
        lines = records.list_records(session, "orders")
        products = {(p["vendor"], p["sku"]): p for p in records.list_records(session, "products")}

    tiles = board.tiles
    assert tiles.gpus_delivered == sum(s.gpus_delivered for s in sites) > 0
    assert tiles.gpus_committed == sum(s.gpus_committed for s in sites) > 0
    assert tiles.open_order_value == open_value > 0
    assert not missing and not tiles.missing_rates
    assert tiles.alerts_by_severity == {
        severity: sum(1 for a in shown if a.severity == severity) for severity in alerts.SEVERITIES
    }
    assert tiles.alerts_by_severity["critical"] > 0
    assert tiles.mw_required_peak == sum((s.mw_required_peak for s in sites), Decimal(0))
    assert tiles.grid_mw == sum((s.grid_mw or Decimal(0) for s in sites), Decimal(0))
    # GPUs on order, counted from the plain order list: open units of placed lines whose
    # date (ETA, else promised date) is still ahead; overdue ones apart, at risk.
    on_order = overdue = 0
    for line in lines:
        if line["status"] in ("draft", "received", "cancelled", "on_hold"):
            continue
        open_units = max(line["quantity"] - (line["received_qty"] or 0), 0)
        gpus = open_units * (products[(line["vendor"], line["sku"])]["gpus_per_unit"] or 0)
        date = line["eta"] or line["promised_date"]
        if date is not None and date >= today:
            on_order += gpus
        elif date is not None:
            overdue += gpus
    assert tiles.gpus_on_order == on_order > 0
    assert tiles.gpus_overdue == overdue > 0
    # USD contracts only in the demo, or converted: at least the USD ones are in the revenue.
    usd_running = sum(
        (
            c.monthly_value
            for c in contracts.values()
            if c.binding and c.end_date >= today and c.currency == "USD"
        ),
        Decimal(0),
    )
    assert tiles.monthly_revenue >= usd_running.quantize(Decimal("0.01")) > 0


def test_supply_series_are_the_site_series_and_show_the_shortfall(demo_database: Database) -> None:
    today = dt.date.today()
    with demo_database.session() as session:
        board = dashboard.dashboard(session, today)
        pic = figures.picture(session, today)
        expected = {
            s.site: supply_series(pic, pic.world.site_id(s.site), dashboard.SUPPLY_MONTHS)
            for s in board.supply
        }
        sites = {s.name: s for s in pic.sites.values()}
    assert board.supply, "the demo has GPUs committed and on order"
    for series in board.supply:
        assert series.points == expected[series.site]
        assert len(series.points) == 24
    at_risk = dashboard.sites_at_risk(board)
    short_sites = {name for name, s in sites.items() if s.gpus_short > 0}
    # Every site short for its contracts shows a gap on its chart.
    assert short_sites and short_sites <= set(at_risk)


def test_contracts_at_risk_are_the_contracts_short_of_gpus(demo_database: Database) -> None:
    today = dt.date.today()
    with demo_database.session() as session:
        board = dashboard.dashboard(session, today)
        contracts = figures.contract_figures(session, today)
        raised = {
            a.subject for a in alerts.evaluate(session, today) if a.rule == "capacity_shortfall"
        }
    short = {
        ref for ref, c in contracts.items() if c.binding and c.shortfall > 0 and c.end_date >= today
    }
    assert short and {c.ref for c in board.contracts_at_risk} == short == raised
    for contract in board.contracts_at_risk:
        figures_of = contracts[contract.ref]
        assert contract.shortfall == figures_of.shortfall
        # The last day to order more, by the quickest quoted lead time of its own GPU model.
        assert figures_of.quickest is not None
        assert contract.order_by == contract.need_by - dt.timedelta(
            days=figures_of.quickest.lead_days
        )
    needs = [c.need_by for c in board.contracts_at_risk]
    assert needs == sorted(needs)


def test_lead_times_per_vendor_quoted_and_actual(demo_database: Database) -> None:
    with demo_database.session() as session:
        board = dashboard.dashboard(session)
        quotes = records.list_records(session, "leadtimes")
    by_sku = {v.vendor: v for v in board.lead_times}
    for quote in quotes:
        # Per vendor and sku: a vendor's racks are never mixed with its head nodes.
        series = by_sku[f"{quote['vendor']} / {quote['sku']}"]
        assert (quote["quote_date"], quote["lead_days"]) in series.quoted
    assert any(v.actual for v in board.lead_times)
    for vendor in board.lead_times:
        assert vendor.quoted == sorted(vendor.quoted)
        assert all(days >= 0 for _, days in vendor.actual)


def test_acknowledged_alert_leaves_the_tile(demo_database: Database) -> None:
    with demo_database.session() as session:
        before = dashboard.dashboard(session).tiles.alerts_by_severity
        first = alerts.visible_alerts(session)[0]
    with demo_database.write() as session:
        alerts.acknowledge(session, first.key, Actor("tester"), note="seen")
    with demo_database.session() as session:
        after = dashboard.dashboard(session).tiles.alerts_by_severity
    assert after[first.severity] == before[first.severity] - 1


def test_empty_database_has_an_empty_dashboard(database: Database) -> None:
    with database.session() as session:
        board = dashboard.dashboard(session)
    assert board.supply == [] and board.lead_times == []
    assert board.tiles.gpus_delivered == 0 and board.tiles.open_order_value == 0
