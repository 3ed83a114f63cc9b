"""Typed dates by the import's rule: what is accepted, which order, what is refused and why."""

from __future__ import annotations

import datetime as dt

import pytest

from services.dates import read_date


@pytest.mark.parametrize(
    ("text", "locale_day_first", "expected"),
    [
        ("2027-04-20", False, dt.date(2027, 4, 20)),
        ("20-Apr-2027", False, dt.date(2027, 4, 20)),
        ("04/20/2027", False, dt.date(2027, 4, 20)),
        ("04/20/2027", True, dt.date(2027, 4, 20)),  # 20 can only be a day
        ("15/03/2027", False, dt.date(2027, 3, 15)),  # 15 can only be a day
        ("15/06/2027", False, dt.date(2027, 6, 15)),
        ("03/04/2027", False, dt.date(2027, 3, 4)),  # either: month first by the locale
        ("03/04/2027", True, dt.date(2027, 4, 3)),  # either: day first by the locale
        ("20.04.2027", False, dt.date(2027, 4, 20)),  # dotted: always day first
        ("TBD", False, None),
        ("", False, None),
    ],
)
def test_what_a_typed_date_means(text, locale_day_first, expected):
    reading = read_date(text, locale_day_first=locale_day_first)
    assert reading.problem is None
    assert reading.value == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2027-02-30", "February 2027 has 28 days"),
        ("2028-02-30", "February 2028 has 29 days"),
        ("31/04/2027", "April 2027 has 30 days"),
        ("13/13/2027", "there is no month 13"),
        ("12 weeks ARO", "is not a date"),
    ],
)
def test_impossible_dates_are_refused_with_a_reason_never_rolled_over(text, reason):
    reading = read_date(text)
    assert reading.value is None
    assert reading.problem is not None
    assert reading.problem.startswith(text)
    assert reason in reading.problem


def test_the_order_read_is_said_for_numeric_dates():
    assert read_date("03/04/2027").order == "month first"
    assert read_date("03/04/2027", locale_day_first=True).order == "day first"
    assert read_date("2027-03-04").order is None
