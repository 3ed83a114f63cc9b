"""The value converters: docs/import.md's table, and for any input either a value or a clear
ValueProblem, never another exception (hypothesis)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.importing import values as conv

D = Decimal


@pytest.mark.parametrize(
    ("raw", "dayfirst", "expected"),
    [
        (dt.date(2027, 4, 20), False, dt.date(2027, 4, 20)),
        (dt.datetime(2027, 4, 20, 13, 5), False, dt.date(2027, 4, 20)),
        (46497.0, False, dt.date(2027, 4, 20)),  # Excel serial number
        (46497, False, dt.date(2027, 4, 20)),
        ("46497", False, dt.date(2027, 4, 20)),
        ("2027-04-20", False, dt.date(2027, 4, 20)),
        ("2027-04-20 00:00:00", False, dt.date(2027, 4, 20)),
        ("20-Apr-2027", False, dt.date(2027, 4, 20)),
        ("April 20, 2027", False, dt.date(2027, 4, 20)),
        ("04/20/2027", False, dt.date(2027, 4, 20)),
        ("03/04/2027", False, dt.date(2027, 3, 4)),  # month first by default
        ("03/04/2027", True, dt.date(2027, 4, 3)),  # --dayfirst
        ("20.04.2027", False, dt.date(2027, 4, 20)),  # dotted dates are day first
        ("4/20/27", False, dt.date(2027, 4, 20)),
        ("2027/04/20", False, dt.date(2027, 4, 20)),
        ("TBD", False, None),
        ("N/A", False, None),
        ("-", False, None),
        ("Pending", False, None),
        ("", False, None),
        ("  ", False, None),
    ],
)
def test_dates(raw: Any, dayfirst: bool, expected: dt.date | None) -> None:
    assert conv.to_date(raw, dayfirst) == expected


@pytest.mark.parametrize(
    "raw", ["12 weeks ARO", "someday", "13/13/2027", "Apr 2027", "12", 3.5e9, True, "Q3 2027"]
)
def test_not_dates(raw: Any) -> None:
    with pytest.raises(conv.ValueProblem):
        conv.to_date(raw)


@pytest.mark.parametrize(
    ("raw", "decimal_comma", "expected"),
    [
        ("$3,950,000.00", False, D("3950000.00")),
        ("1,152", False, D("1152")),
        ("1,152", True, D("1.152")),
        ("1.234,50", True, D("1234.50")),
        ("142.000,00", False, D("142000.00")),  # both separators: the last is the decimal
        ("1,5", False, D("1.5")),  # a comma before one digit can only be a decimal comma
        ("€ 1 234,50", True, D("1234.50")),
        ("(1,200.00)", False, D("-1200.00")),
        ("1,200.00-", False, D("-1200.00")),
        ("USD 12.5", False, D("12.5")),
        (3890000.0, False, D("3890000.0")),
        (1.1, False, D("1.1")),  # via repr: never 1.100000000000000088817841970012523
        (7, False, D("7")),
        ("TBD", False, None),
    ],
)
def test_numbers(raw: Any, decimal_comma: bool, expected: Decimal | None) -> None:
    assert conv.to_decimal(raw, decimal_comma) == expected
    if expected is not None:
        assert str(conv.to_decimal(raw, decimal_comma)) == str(expected)


@pytest.mark.parametrize("raw", ["abc", "1,2,3", "1.2.3", "12ab", "--5", True, float("nan")])
def test_not_numbers(raw: Any) -> None:
    with pytest.raises(conv.ValueProblem):
        conv.to_decimal(raw)


def test_whole_numbers_and_percentages() -> None:
    assert conv.to_int(12.0) == 12 and conv.to_int("1,152") == 1152
    with pytest.raises(conv.ValueProblem, match="whole"):
        conv.to_int(1.5)
    assert conv.to_percent("5%") == D("5") and conv.to_percent("12,5 %", True) == D("12.5")
    assert conv.to_percent(2) == D("2")


@pytest.mark.parametrize(
    ("raw", "days"),
    [
        ("16 weeks", 112),
        ("12-14 wks", 98),  # a range counts as its upper bound
        ("12 – 14 weeks", 98),
        ("14 to 16 Weeks", 112),
        ("90 days", 90),
        ("6 months", 180),
        ("5 months", 150),
        ("63", 63),
        (63.0, 63),
        ("8 wks ARO", 56),
        ("2.5 weeks", 18),
        ("TBD", None),
    ],
)
def test_lead_times(raw: Any, days: int | None) -> None:
    assert conv.to_lead_days(raw) == days


@pytest.mark.parametrize("raw", ["soon", "weeks", "12 fortnights", 2.5, -3])
def test_not_lead_times(raw: Any) -> None:
    with pytest.raises(conv.ValueProblem):
        conv.to_lead_days(raw)


@pytest.mark.parametrize(
    ("word", "status"),
    [
        ("Order Received", "placed"),
        ("pending", "placed"),
        ("ACKNOWLEDGED", "confirmed"),
        ("Booked", "confirmed"),
        ("In-Production", "in_production"),
        ("allocated", "in_production"),
        ("In Transit", "shipped"),
        ("partially delivered", "partially_received"),
        ("Complete", "received"),
        ("back order", "on_hold"),
        ("Backordered", "on_hold"),
        ("Canceled", "cancelled"),
        ("void", "cancelled"),
        ("in_production", "in_production"),
    ],
)
def test_status_words(word: str, status: str) -> None:
    assert conv.to_line_status(word) == status


def test_unknown_status_word_names_the_known_ones() -> None:
    with pytest.raises(conv.ValueProblem, match="known words: open, new"):
        conv.to_line_status("Lost at sea")


def test_choices_yes_no_text() -> None:
    assert conv.to_choice("GPU System", ("gpu_system", "other")) == "gpu_system"
    assert conv.to_choice("per GPU-hour", ("per_gpu_hour",)) == "per_gpu_hour"
    assert conv.to_choice("GPU hour", ("per_gpu_hour",)) == "per_gpu_hour"
    assert conv.to_bool("Yes") is True and conv.to_bool("n") is False and conv.to_bool("") is None
    assert conv.to_text(7060.0) == "7060" and conv.to_text(" R770 ") == "R770"
    assert conv.to_text(dt.date(2027, 1, 2)) == "2027-01-02"


# --- properties: any cell converts or gives a clear ValueProblem ------------------------------

cells = st.one_of(
    st.text(max_size=40),
    st.text(alphabet="0123456789.,-/ $€%()weksdaymonthTBD", max_size=20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.just(""),
    st.none(),
    st.timedeltas(),
)

CONVERTERS = {
    "date": lambda raw: conv.to_date(raw),
    "date dayfirst": lambda raw: conv.to_date(raw, True),
    "decimal": lambda raw: conv.to_decimal(raw),
    "decimal comma": lambda raw: conv.to_decimal(raw, True),
    "int": lambda raw: conv.to_int(raw),
    "percent": lambda raw: conv.to_percent(raw),
    "lead days": conv.to_lead_days,
    "status": conv.to_line_status,
    "choice": lambda raw: conv.to_choice(raw, ("gpu_system", "other")),
    "bool": conv.to_bool,
    "text": conv.to_text,
    "currency": conv.to_currency,
}


@settings(max_examples=300, deadline=None)
@given(raw=cells)
def test_every_converter_converts_or_explains(raw: Any) -> None:
    for name, convert in CONVERTERS.items():
        try:
            value = convert(raw)
        except conv.ValueProblem as problem:
            assert str(problem), name  # a reason a person can read
            continue
        if name.startswith("date"):
            assert value is None or type(value) is dt.date
        elif name in ("decimal", "decimal comma", "percent"):
            assert value is None or (isinstance(value, Decimal) and value.is_finite())
        elif name in ("int", "lead days"):
            assert value is None or type(value) is int


@settings(max_examples=200, deadline=None)
@given(amount=st.decimals(min_value=-(10**12), max_value=10**12, places=2, allow_nan=False))
def test_money_text_round_trips(amount: Decimal) -> None:
    grouped = f"{amount:,.2f}"
    assert conv.to_decimal(f"${grouped}") == amount
    european = grouped.replace(",", "_").replace(".", ",").replace("_", ".")
    assert conv.to_decimal(european, decimal_comma=True) == amount


@settings(max_examples=200, deadline=None)
@given(day=st.dates(min_value=dt.date(1951, 1, 1), max_value=dt.date(2199, 12, 31)))
def test_dates_round_trip_in_every_style(day: dt.date) -> None:
    assert conv.to_date(day.isoformat()) == day
    assert conv.to_date(day.strftime("%m/%d/%Y")) == day
    assert conv.to_date(day.strftime("%d/%m/%Y"), dayfirst=True) == day
    assert conv.to_date(day.strftime("%d-%b-%Y")) == day
    serial = (day - conv.EXCEL_EPOCH).days
    assert conv.to_date(float(serial)) == day
