"""Monthly value, term, total contract value, need-by date and notice deadline (§3)."""

from __future__ import annotations

import pytest

from services import figures
from tests.helpers import D, day
from tests.services.alerts.world import contract, world


@pytest.mark.parametrize(
    ("price", "unit", "gpus", "mw", "expected"),
    [
        # 1,152 GPUs × 2.50 per GPU-hour × 730 hours = 2,102,400.00
        ("2.50", "per_gpu_hour", 1152, None, "2102400.00"),
        # 12.5 MW × 1000 kW × 150 per kW-month = 1,875,000.00
        ("150", "per_kw_month", None, "12.5", "1875000.00"),
        # No MW: 1,000 GPUs × 1.9 kW = 1,900 kW × 150 = 285,000.00
        ("150", "per_kw_month", 1000, None, "285000.00"),
        ("900000", "per_month", 10, None, "900000.00"),
        # 10,000,000 / 12 = 833,333.333… → 833,333.33
        ("10000000", "per_year", None, None, "833333.33"),
    ],
)
def test_monthly_value(price, unit, gpus, mw, expected):
    value = figures.monthly_value(D(price), unit, gpus, D(mw) if mw else None)
    assert value == D(expected)


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        ("2027-01-01", "2027-12-31", "12"),  # relativedelta(2028-01-01, 2027-01-01) = 1 year
        ("2027-01-01", "2027-01-15", "0.5"),  # 15 days = 15/30
        ("2027-01-01", "2029-06-30", "30"),  # 2 years 6 months
        # relativedelta counts 31 Jan + 1 month as 28 Feb (a month end): 1 month
        ("2027-01-31", "2027-02-27", "1"),
        ("2027-01-30", "2027-02-26", "0.9333"),  # 28 days = 0.9333…
        ("2027-03-15", "2027-04-16", "1.0667"),  # 1 month 2 days
    ],
)
def test_term_months(start, end, months):
    assert figures.term_months(day(start), day(end)) == D(months)


def test_total_contract_value_uses_the_exact_term():
    """100,000 a month over 1 month and 1 day: 100,000 + 100,000 / 30 = 103,333.33."""
    tcv = figures.total_contract_value(D("100000"), day("2027-03-01"), day("2027-04-01"))
    assert tcv == D("103333.33")


def test_need_by_and_notice_deadline():
    assert figures.need_by_date(day("2027-02-01")) == day("2027-01-18")
    assert figures.need_by_date(day("2027-02-01"), 30) == day("2027-01-02")
    assert figures.notice_deadline(day("2027-12-31"), 90) == day("2027-10-02")
    assert figures.notice_deadline(day("2027-12-31"), None) == day("2027-12-31")


def test_contract_figures_from_the_database(database):
    """C-1: 1,152 GPUs at 2.50 per GPU-hour from 2027-02-01 for 364+1 days: 2,102,400 a month
    × 12 months = 25,228,800; need-by 2027-01-18; notice 60 days before 2028-01-31."""
    with database.write() as session:
        world(session)
        contract(
            session,
            "C-1",
            "2027-02-01",
            committed_gpus=1152,
            end_date=day("2028-01-31"),
            notice_days=60,
        )
        result = figures.contract_figures(session, day("2027-01-01"))
    c1 = result["C-1"]
    assert (c1.monthly_value, c1.term_months, c1.tcv) == (
        D("2102400.00"),
        D("12"),
        D("25228800.00"),
    )
    assert c1.need_by == day("2027-01-18")
    assert c1.notice_deadline == day("2027-12-02")
    assert (c1.gpus_secured, c1.shortfall, c1.customer, c1.site) == (
        0,
        1152,
        "Helios AI",
        "Panther Creek",
    )
