"""Monthly value, term, total contract value, need-by date, notice deadline, days late and
late credit."""

from __future__ import annotations

import pytest

from domain import contracts as figures
from tests.builders import D, day


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


@pytest.mark.parametrize(
    ("per_day", "cap", "late", "amount", "unbounded"),
    [
        # 10 days late × 25,000 a day = 250,000, under the 1,000,000 cap.
        ("25000", "1000000", 10, "250000", False),
        # 60 days × 25,000 = 1,500,000: the cap (1,000,000) is reached.
        ("25000", "1000000", 60, "1000000", False),
        # On time: nothing owed.
        ("25000", "1000000", 0, "0", False),
        # No per-day credit in the contract: nothing owed, whatever the delay.
        (None, "1000000", 30, "0", False),
        (None, None, None, "0", False),
        # Delivery unknown: the cap; without a cap, no amount can be named.
        ("25000", "1000000", None, "1000000", False),
        ("25000", None, None, None, True),
        # No cap, known delay: 3 × 25,000.
        ("25000", None, 3, "75000", False),
    ],
)
def test_late_credit(per_day, cap, late, amount, unbounded) -> None:
    credit = figures.late_credit(D(per_day) if per_day else None, D(cap) if cap else None, late)
    assert credit.amount == (D(amount) if amount is not None else None)
    assert credit.unbounded is unbounded


def test_days_late_is_delivery_minus_start_when_positive() -> None:
    assert figures.days_late(day("2027-03-20"), day("2027-03-15")) == 5
    assert figures.days_late(day("2027-03-01"), day("2027-03-15")) == 0
    assert figures.days_late(None, day("2027-03-15")) is None
