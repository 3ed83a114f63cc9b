"""Supply dates and GPUs per line, actual lead times."""

from __future__ import annotations

from decimal import Decimal

from services import figures
from services.figures import LineRow
from tests.helpers import day


def line(**values) -> LineRow:
    fields = dict(
        id=1,
        po_number="PO-1",
        line_no=1,
        order_date=day("2026-06-01"),
        currency="USD",
        vendor_id=1,
        site_id=1,
        product_id=1,
        quantity=10,
        unit_price=Decimal("5"),
        promised_date=None,
        eta=None,
        received_qty=0,
        received_date=None,
        status="confirmed",
    )
    fields.update(values)
    return LineRow(**fields)


def test_open_units_at_eta_else_promised_date():
    assert figures.line_supply(line(eta=day("2027-02-01"), promised_date=day("2027-01-01"))) == [
        (day("2027-02-01"), 10)
    ]
    assert figures.line_supply(line(promised_date=day("2027-01-01"))) == [(day("2027-01-01"), 10)]


def test_undated_lines_supply_nothing_yet():
    assert figures.line_supply(line()) == []


def test_partial_receipt_splits_the_line():
    """4 of 10 received on 2027-01-05; the other 6 due 2027-02-01."""
    supply = figures.line_supply(
        line(
            eta=day("2027-02-01"),
            received_qty=4,
            received_date=day("2027-01-05"),
            status="partially_received",
        )
    )
    assert supply == [(day("2027-01-05"), 4), (day("2027-02-01"), 6)]


def test_received_line_counts_at_its_receipt_date_only():
    supply = figures.line_supply(
        line(
            eta=day("2027-02-01"),
            received_qty=10,
            received_date=day("2027-01-20"),
            status="received",
        )
    )
    assert supply == [(day("2027-01-20"), 10)]


def test_cancelled_lines_never_count_even_with_receipts():
    cancelled = line(
        eta=day("2027-02-01"), received_qty=2, received_date=day("2027-01-05"), status="cancelled"
    )
    assert figures.line_supply(cancelled) == []
    assert cancelled.open_units == 0


def test_gpus_and_lead_time():
    assert figures.line_gpus(4, 72) == 288
    assert figures.line_gpus(4, 0) == 0
    assert figures.actual_lead_days(day("2026-06-01"), day("2026-09-29")) == 120
    assert figures.actual_lead_days(day("2026-06-01"), None) is None
    assert figures.median([110, 130, 121]) == Decimal(121)
    assert figures.median([110, 131]) == Decimal("120.5")
    assert figures.median([]) is None
