"""Open order value in the reporting currency; a missing rate is reported, never 1:1."""

from __future__ import annotations

from services import figures, settings
from tests.builders import ACTOR, D, day, fx_rate, order_line, world


def test_open_value_converts_at_the_rate_on_or_before_the_order_date(database):
    """USD line: 3 units × 1,000, 1 received: 2,000 open. EUR line ordered 2026-06-01:
    10 × 100 = 1,000 EUR at the 2026-05-01 rate 1.10 (the 2026-06-02 rate 1.50 is later)
    = 1,100 USD. Received and cancelled lines: 0. Total 3,100.00 USD. A GBP line has no GBP
    rate: reported with its PO and value, not added."""
    with database.write() as session:
        world(session)
        fx_rate(session, "EUR", "1.10", "2026-05-01")
        fx_rate(session, "EUR", "1.50", "2026-06-02")
        order_line(session, "PO-1", quantity=3, received_qty=1, received_date=day("2026-07-01"))
        order_line(session, "PO-2", sku="H200-1", quantity=10, unit_price=D("100"), currency="EUR")
        order_line(session, "PO-3", received_qty=1, received_date=day("2026-07-01"))
        order_line(session, "PO-4", status="cancelled")
        order_line(session, "PO-5", unit_price=D("7"), currency="GBP", order_date=day("2026-03-01"))
        total, missing = figures.open_order_value(session, day("2026-12-01"))
    assert total == D("3100.00")
    assert len(missing) == 1
    assert (missing[0].currency, missing[0].po_numbers, missing[0].open_value) == (
        "GBP",
        ("PO-5",),
        D("7.00"),
    )
    assert str(missing[0]) == (
        "no GBP exchange rate on or before 2026-03-01 (GBP 7.00 open on PO-5)"
    )


def test_a_rate_after_the_order_date_does_not_count(database):
    """The only EUR rate starts the day after the order: missing."""
    with database.write() as session:
        world(session)
        fx_rate(session, "EUR", "1.10", "2026-06-02")
        order_line(session, "PO-2", currency="EUR")
        total, missing = figures.open_order_value(session, day("2026-12-01"))
    assert total == D("0.00") and [m.currency for m in missing] == ["EUR"]


def test_reporting_currency_is_a_setting(database):
    """Reporting in EUR: a USD line needs a USD rate (0.9): 1,000 USD = 900 EUR."""
    with database.write() as session:
        world(session)
        settings.set_value(session, "reporting_currency", "eur", ACTOR)
        fx_rate(session, "USD", "0.9", "2026-01-01")
        order_line(session, "PO-1")
        total, missing = figures.open_order_value(session, day("2026-12-01"))
    assert (total, missing) == (D("900.00"), [])
