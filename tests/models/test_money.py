"""Money and measures round-trip exactly on SQLite and PostgreSQL (docs/traps.md: a plain
Numeric on SQLite is a float and loses digits)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from models import Product
from models.base import ScaledDecimal
from tests.builders import basic_world, product

VALUES = [
    Decimal("3950000.00"),
    Decimal("0.0001"),
    Decimal("12345678901234.5678"),
    Decimal("0"),
]


@pytest.mark.parametrize("price", VALUES)
def test_money_round_trips_exactly(database, actor, price: Decimal) -> None:
    with database.write() as session:
        basic_world(session, actor)
        product(session, "X1", actor, list_price=price)
    with database.session() as session:
        stored = session.scalar(select(Product.list_price).where(Product.sku == "X1"))
    assert stored == price
    assert isinstance(stored, Decimal)
    assert str(stored.normalize()) == str(price.normalize())


def test_sums_in_sql_stay_exact(database, actor) -> None:
    with database.write() as session:
        basic_world(session, actor)
        for i in range(10):
            product(session, f"P{i}", actor, list_price=Decimal("0.1"))
    with database.session() as session:
        total = session.scalar(
            select(func.sum(Product.list_price)).where(Product.sku != "GB300-NVL72")
        )
    assert total == Decimal("1.0")


def test_float_is_refused(database, actor) -> None:
    from services.errors import ValidationError

    with pytest.raises(ValidationError, match="must be a number"), database.write() as session:
        basic_world(session, actor)
        product(session, "F1", actor, list_price=0.1)


@settings(max_examples=300, deadline=None)
@given(
    values=st.lists(
        st.decimals(
            min_value=Decimal("-99999999999999"),
            max_value=Decimal("99999999999999"),
            allow_nan=False,
            allow_infinity=False,
        ),
        min_size=1,
        max_size=20,
    ),
    scale=st.sampled_from([0, 2, 4, 8]),
)
def test_a_column_bound_whole_is_each_value_bound(values: list[Decimal], scale: int) -> None:
    """``ScaledDecimal.bind_column`` (a bulk insert's prices at C speed) gives what binding
    each value gives, rounding half-even included; other values among them: not its job."""
    stored = ScaledDecimal(scale)
    one_by_one = [stored.process_bind_param(v, None) for v in values]  # type: ignore[arg-type]
    assert stored.bind_column(values) == one_by_one
    assert stored.bind_column([*values, None]) is None
    assert stored.bind_column([*values, 3]) is None
