"""Money in the window (margin on contracts, take-or-pay on sites and the dashboard, a line's
payment milestones, the Cash screen) shows what ``margin --json`` and ``cash --json`` print
on the same data."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections import defaultdict
from decimal import Decimal
from typing import Any

import pytest

import cli
from tests.ui.helpers import show_record
from ui import format as fmt
from ui.context import AppContext
from ui.dashboard import DashboardScreen
from ui.dashboard.screen import IDLE_COST, MARGIN, MIN_TAKE
from ui.navigation import NAVIGATION
from ui.screens.cash_screen import REVENUE, CashScreen
from ui.screens.contracts_screen import ContractsScreen
from ui.screens.money_panels import UNKNOWN
from ui.screens.orders_screen import OrdersScreen
from ui.screens.sites_screen import SitesScreen

pytestmark = pytest.mark.gui
TODAY = dt.date.today()
MILLION = Decimal(1_000_000)


def _json(url: str, *argv: str) -> Any:
    out, err = io.StringIO(), io.StringIO()
    assert cli.run(["--db", url, *argv, "--json", "--as-of", TODAY.isoformat()], out, err) == 0
    return json.loads(out.getvalue())


def _shown(value: str | None, currency: str = "USD") -> str:
    return UNKNOWN if value is None else fmt.money(Decimal(value), currency)


def test_contracts_show_their_margin(qtbot: Any, context: AppContext, demo_url: str) -> None:
    report = {c["contract_ref"]: c for c in _json(demo_url, "margin")["contracts"]}
    screen = ContractsScreen(context)
    qtbot.addWidget(screen)
    screen.resize(1300, 800)
    screen.show()
    screen.refresh()
    rows = [screen.model.record(r) for r in range(screen.model.rowCount())]
    for record in rows:
        found = report.get(record["contract_ref"])
        if found is None:  # not binding: no margin
            assert record["margin"] is None
            continue
        assert str(record["margin"].quantize(Decimal("0.01"))) == found["margin"]
        assert float(record["margin_pct"]) == found["margin_pct"]
        assert record["margin_currency"] == "USD"
    assert "margin" in [c.name for c in screen.model.columns]
    ref = next(r["contract_ref"] for r in rows if r["contract_ref"] in report)
    screen.select_id(next(r["id"] for r in rows if r["contract_ref"] == ref))
    screen.load_details()
    panel = screen.margin
    found = report[ref]
    assert [panel.cell(i, 0) for i in range(5)] == [
        "Revenue",
        "Power cost",
        "Hardware cost",
        "Margin",
        "Margin %",
    ]
    assert [panel.cell(i, 1) for i in range(4)] == [
        _shown(found[k]) for k in ("revenue", "power_cost", "hardware_cost", "margin")
    ]
    assert [panel.cell(i, 2) for i in range(4)] == [
        _shown(found[f"term_{k}"]) for k in ("revenue", "power_cost", "hardware_cost", "margin")
    ]
    assert panel.cell(4, 1) == f"{fmt.number(Decimal(str(found['margin_pct'])))} %"


def test_a_site_shows_its_take_or_pay(qtbot: Any, context: AppContext, demo_url: str) -> None:
    report = [s for s in _json(demo_url, "margin")["sites"] if s["site"] == "Panther Creek"]
    screen = SitesScreen(context)
    qtbot.addWidget(screen)
    screen.refresh()
    show_record(screen, "name", "Panther Creek")
    panel = screen.take_or_pay
    assert panel.model.rowCount() == len(report) == 12
    assert [panel.cell(i, 4) for i in range(len(report))] == [
        _shown(s["idle_cost"]) for s in report
    ]
    assert [panel.cell(i, 5) for i in range(len(report))] == [_shown(s["margin"]) for s in report]
    assert "pays for unused power" in panel.title.text()
    assert "PPA-013" in panel.note.text() and "96" in panel.note.text()


def test_the_dashboard_charts_margin_and_take_or_pay(
    qtbot: Any, context: AppContext, demo_url: str
) -> None:
    report = _json(demo_url, "margin")["sites"]
    this_month = f"{TODAY:%Y-%m}"
    screen = DashboardScreen(context)
    qtbot.addWidget(screen)
    screen.resize(1366, 768)
    screen.show()
    screen.refresh()
    margin = screen.margin_chart.series[MARGIN]
    by_site = {s["site"]: s for s in report if s["month"] == this_month}
    assert margin.xs
    for site, value in zip(margin.xs, margin.ys, strict=True):
        expected = by_site[site]["margin"]
        assert (None if value is None else str((value * MILLION).quantize(Decimal("0.01")))) == (
            expected
        )
    idle = screen.margin_chart.series[IDLE_COST]
    assert any(v for v in idle.ys)
    take = screen.power_chart.series[MIN_TAKE]
    panther = take.xs.index("Panther Creek")
    assert take.ys[panther] == Decimal(by_site["Panther Creek"]["min_take_mw"])
    assert "Panther Creek" in screen.power_head.text()


def test_the_cash_screen_is_cash_out_per_month(
    qtbot: Any, context: AppContext, demo_url: str
) -> None:
    rows = _json(demo_url, "cash")
    per_month: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows:
        if row["month"] is not None:
            per_month[row["month"]] += Decimal(row["amount_reporting"])
    screen = CashScreen(context)
    qtbot.addWidget(screen)
    screen.resize(1300, 800)
    screen.show()
    screen.refresh()
    figures = screen.figures
    assert figures is not None and len(figures.months) == 18
    totals = {f"{m:%Y-%m}": t for m, t in zip(figures.months, figures.totals(), strict=True)}
    assert {k: v for k, v in totals.items() if v} == {
        k: v.quantize(Decimal("0.01")) for k, v in per_month.items() if v
    }
    assert screen.rows_model.rowCount() == len(rows)
    assert screen.chart.series[REVENUE].ys == [v / MILLION for v in figures.revenue]
    # Stacked by site: the same months, other stacks.
    screen.by_site.setChecked(True)
    assert screen.figures is not None and screen.figures.by == "site"
    assert screen.figures.totals() == figures.totals()
    assert "Panther Creek" in screen.figures.stacks
    # One vendor, six months: as cash --vendor --months says.
    screen.months.setValue(6)
    screen.vendor_choice.setCurrentIndex(screen.vendor_choice.findData("Nvidia"))
    narrowed = _json(demo_url, "cash", "--vendor", "Nvidia", "--months", "6")
    assert screen.figures.cash.months == 6
    assert screen.rows_model.rowCount() == len(narrowed)
    assert all(r["vendor"] == "Nvidia" for r in narrowed)


def test_the_cash_screen_is_in_the_sidebar(window: Any) -> None:
    assert ("cash", "Cash") in NAVIGATION
    window.show_screen("cash")
    assert isinstance(window.screen_widget("cash"), CashScreen)


def test_an_order_line_shows_its_milestones(qtbot: Any, context: AppContext) -> None:
    screen = OrdersScreen(context)
    qtbot.addWidget(screen)
    screen.refresh()
    record = screen.model.record(0)
    screen.select_id(record["id"])
    screen.load_details()
    panel = screen.milestones
    assert panel.schedule is not None and panel.schedule.ref == (
        f"{record['po_number']}/{record['line']}"
    )
    assert panel.model.rowCount() == len(panel.schedule.milestones) >= 1
    total = sum((m.amount for m in panel.schedule.milestones), Decimal(0))
    assert total == record["quantity"] * record["unit_price"] or record["status"] == "received"
    assert "pays by" in panel.title.text()
