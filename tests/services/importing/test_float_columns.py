"""A column of floats in a decimal or money field is read whole (values.column_reader_for)
with exactly the answer of reading it cell by cell: the same decimals, and the whole-column
check (validation.floats_fit) passing only where every cell passes its type check."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from services.importing.values import column_reader_for, to_decimal
from services.schema import kind
from services.validation import floats_fit, type_problem

PRICE = kind("orders").field("unit_price")  # money, 4 places
RATE = kind("fxrates").field("rate")  # decimal, 8 places

floats = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=-1e6, max_value=1e6).map(lambda x: round(x, 2)),
    st.floats(min_value=-1e6, max_value=1e6).map(lambda x: round(x, 5)),
    st.floats(min_value=1e13, max_value=1e15),
    st.sampled_from([0.0, -0.0, 0.1, 1e-05, 1.23456789, 99999999999999.99, 5e13, 1e14, 1e22]),
)


@settings(max_examples=400, deadline=None)
@given(value=floats)
def test_the_whole_column_check_agrees_with_each_cells_check(value: float) -> None:
    for field in (PRICE, RATE):
        if floats_fit(field, [value]):
            # Never more lenient: a column said to fit has cells that each fit.
            assert type_problem(field, to_decimal(value)) is None


@settings(max_examples=200, deadline=None)
@given(value=st.floats(min_value=-1e9, max_value=1e9).map(lambda x: round(x, 2)))
def test_prices_as_vendors_write_them_are_read_whole(value: float) -> None:
    assert floats_fit(PRICE, [value])


def test_a_column_of_distinct_prices_reads_as_the_cells_do() -> None:
    cells = [1000 + n * 0.37 for n in range(500)]
    read = column_reader_for(PRICE, "unit_price")
    assert read is not None
    whole = read([round(c, 2) for c in cells])
    assert whole == [to_decimal(round(c, 2)) for c in cells]
    assert all(isinstance(v, Decimal) for v in whole or [])


def test_columns_it_does_not_apply_to_are_read_cell_by_cell() -> None:
    read = column_reader_for(PRICE, "unit_price")
    assert read is not None
    assert read([1.5, "2.5", 3.5, 4.5]) is None  # text among the floats
    assert read([1.5] * 10) is None  # few distinct values: read once each
    assert read([1.23456, 2.0, 3.0, 4.0]) is None  # more places than a price keeps
    assert read([float("inf"), 2.0, 3.0, 4.0]) is None
    assert column_reader_for(kind("orders").field("quantity"), "quantity") is None
    assert column_reader_for(kind("ppas").field("renewable_pct"), "renewable_pct") is None
