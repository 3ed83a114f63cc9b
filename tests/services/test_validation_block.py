"""New order lines checked a block at a time (``validation.typed_block_validator``): the
sieve lets through only lines the rule would find nothing in, and every other line gets
exactly the rule's answer."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

import pytest

from services.records import complete
from services.validation import _orders_sieve, _required, typed_block_validator, typed_validator

PLAIN: dict[str, Any] = {
    "po_number": "PO-1",
    "line": 1,
    "vendor": "Acme Compute",
    "sku": "SKU-001",
    "quantity": 4,
    "site": "Rockdale",
    "order_date": dt.date(2026, 1, 5),
    "unit_price": Decimal("25000.00"),
    "promised_date": dt.date(2026, 3, 1),
}


def line(**changed: Any) -> dict[str, Any]:
    return complete("orders", {**PLAIN, **changed}, trimmed=True)


def sieve(records: list[dict[str, Any]]) -> list[bool]:
    return _orders_sieve(records, _required("orders")[1])


def test_a_plain_line_passes_the_sieve_and_has_no_problems() -> None:
    plain = line()
    typed_validator("orders")(line(currency="USD"))  # USD seen valid once
    assert sieve([plain]) == [True]
    assert typed_block_validator("orders")([plain]) == [[]]


@pytest.mark.parametrize(
    ("changed", "field", "why"),
    [
        ({"line": 0}, "line", "line numbers start at 1"),
        ({"quantity": 0}, "quantity", "quantity must be more than 0"),
        ({"unit_price": Decimal("-1")}, "unit_price", "must not be below 0"),
        (
            {"received_qty": 5},
            "received_qty",
            "more units received than ordered (4)",
        ),
        (
            {"received_qty": 2, "received_date": None},
            "received_date",
            "received units need the date they arrived",
        ),
        (
            {"promised_date": dt.date(2026, 1, 4)},
            "promised_date",
            "the promised date is before the order date 2026-01-05",
        ),
        (
            {"received_qty": 1, "received_date": dt.date(2026, 1, 1)},
            "received_date",
            "goods cannot arrive before the order date 2026-01-05",
        ),
        ({"currency": "usd"}, "currency", "must be a three-letter ISO code such as USD or EUR"),
        ({"site": None}, "site", "is required"),
        ({"sku": ""}, "sku", "is required"),
    ],
)
def test_a_line_with_a_problem_is_held_back_and_gets_the_rules_answer(
    changed: dict[str, Any], field: str, why: str
) -> None:
    record = line(**changed)
    assert sieve([record]) == [False]
    (problems,) = typed_block_validator("orders")([record])
    assert (field, why) in [(p.field, p.reason) for p in problems]
    assert problems == typed_validator("orders")(record)


def test_a_received_status_with_units_missing_is_held_back() -> None:
    # Completing a record makes its status follow its receipts; a stored line edited by
    # hand may still say received with units missing.
    record = {**line(received_qty=2, received_date=dt.date(2026, 2, 1)), "status": "received"}
    assert sieve([record]) == [False]
    (problems,) = typed_block_validator("orders")([record])
    assert [(p.field, p.reason) for p in problems] == [
        ("status", "only 2 of 4 units have been received")
    ]


@pytest.mark.parametrize(
    "changed",
    [
        {"line": True},  # a bool is an int to Python, not a line number
        {"quantity": Decimal("4")},
        {"payment_schedule": "30% on order, 70% on delivery"},
        {"received_qty": 4, "received_date": dt.date(2026, 3, 1), "status": "received"},
        {"currency": "XYZ"},  # valid shape, maybe not seen yet
    ],
)
def test_any_doubt_is_checked_in_full(changed: dict[str, Any]) -> None:
    record = line(**changed)
    if "currency" not in changed:
        assert sieve([record]) == [False]
    assert typed_block_validator("orders")([record]) == [typed_validator("orders")(record)]


def test_many_lines_get_the_same_answers_as_one_by_one() -> None:
    rng = random.Random(11)
    choices: dict[str, list[Any]] = {
        "line": [1, 2, 0, -1, None, 7],
        "quantity": [1, 4, 0, -2, None],
        "unit_price": [None, Decimal("0"), Decimal("10.50"), Decimal("-0.01"), 0, -3],
        "received_qty": [0, None, 1, 4, 9, -1],
        "received_date": [None, None, dt.date(2026, 1, 1), dt.date(2026, 2, 1)],
        "status": ["placed", "received", "shipped", "cancelled"],
        "promised_date": [None, dt.date(2026, 1, 4), dt.date(2026, 1, 5), dt.date(2026, 9, 1)],
        "order_date": [dt.date(2026, 1, 5), None, dt.date(2026, 2, 1)],
        "currency": ["USD", "EUR", "usd", "US", None],
        "payment_schedule": [None, "", "100% on delivery", "nonsense"],
        "site": ["Rockdale", None, ""],
    }
    records = [
        line(**{name: rng.choice(values) for name, values in choices.items()}) for _ in range(3000)
    ]
    for record in records[::7]:  # a status that does not follow the receipts
        record["status"] = "received"
    one_by_one = list(map(typed_validator("orders"), records))
    passed = sieve(records)
    assert typed_block_validator("orders")(records) == one_by_one
    assert all(not problems for problems, ok in zip(one_by_one, passed, strict=True) if ok)
    assert 0 < sum(passed) < len(records)  # both ways taken


def test_each_line_has_a_list_of_its_own() -> None:
    found = typed_block_validator("orders")([line(), line(line=2)])
    found[0].append("added")  # type: ignore[arg-type]
    assert found[1] == []


def test_a_kind_without_a_sieve_is_checked_one_by_one() -> None:
    site = complete("sites", {"name": "Rockdale", "grid_capacity_mw": Decimal("-5")})
    assert typed_block_validator("sites")([site]) == [typed_validator("sites")(site)]
