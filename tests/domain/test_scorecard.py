"""The vendor scorecard as of a day, worked by hand."""

from __future__ import annotations

from decimal import Decimal

from domain import scorecard
from domain.scorecard import Quote
from tests.domain.builders import CDU, PRODUCTS, RACK, day, line

AS_OF = day("2026-10-15")


def lines():
    return [
        # 10 units promised 2026-09-01, received 2026-08-30: on time; slip −2; lead 90.
        line(
            "PO-1",
            1,
            quantity=10,
            promised="2026-09-01",
            status="received",
            received=10,
            received_on="2026-08-30",
            order_date="2026-06-01",
        ),
        # 4 units promised 2026-09-01, received 2026-09-11: late; slip 10; lead 102.
        line(
            "PO-2",
            1,
            quantity=4,
            promised="2026-09-01",
            status="received",
            received=4,
            received_on="2026-09-11",
            order_date="2026-06-01",
        ),
        # 6 units promised 2026-10-01, still open on 2026-10-15: 6 overdue; slip 14.
        line("PO-3", 1, quantity=6, promised="2026-10-01", order_date="2026-06-01"),
        # ETA 2026-11-20 against a promise of 2026-11-10 (not overdue): slip 10.
        line("PO-4", 1, quantity=2, promised="2026-11-10", eta="2026-11-20"),
        # ETA earlier than promised and not due yet: not counted for the median slip.
        line("PO-5", 1, quantity=2, promised="2026-12-10", eta="2026-12-01"),
        # A draft and a cancelled line: nothing.
        line("PO-6", 1, quantity=5, promised="2026-09-01", status="draft"),
        line("PO-7", 1, quantity=5, promised="2026-09-01", status="cancelled"),
        # A CDU of another sku, received on time: lead 30 (apart from the racks).
        line(
            "PO-8",
            1,
            product=CDU,
            quantity=1,
            promised="2026-07-01",
            status="received",
            received=1,
            received_on="2026-07-01",
            order_date="2026-06-01",
        ),
    ]


def test_on_time_share_counts_overdue_units_against_the_vendor() -> None:
    score = scorecard.by_vendor(lines(), AS_OF)[RACK.vendor_id]
    # 10 on time ÷ (14 received + 6 overdue) = 0.5.
    assert (score.units_received, score.units_on_time, score.units_overdue) == (14, 10, 6)
    assert score.on_time_share == Decimal("0.5")
    # Median of (−2, 10, 14, 10) = (10 + 10) / 2 = 10.
    assert score.median_slip_days == Decimal(10)
    assert score.slips_counted == 4


def test_a_vendor_with_nothing_received_nor_overdue_has_no_share() -> None:
    score = scorecard.by_vendor([line("PO-9", 1, promised="2027-01-10")], AS_OF)[RACK.vendor_id]
    assert score.on_time_share is None


def test_lead_times_are_per_sku_never_mixed() -> None:
    quotes = [
        Quote(RACK.id, day("2026-03-01"), 100),
        Quote(RACK.id, day("2026-09-01"), 120),
        Quote(RACK.id, day("2026-12-01"), 200),  # after the day: not yet
        Quote(CDU.id, day("2026-05-01"), 28),
    ]
    by_product = scorecard.by_product(lines(), quotes, PRODUCTS, AS_OF)
    rack, cdu = by_product[RACK.id], by_product[CDU.id]
    assert rack.median_actual_lead_days == Decimal(96)  # (90 + 102) / 2
    assert (rack.newest_lead_days, rack.newest_quote_date) == (120, day("2026-09-01"))
    assert cdu.median_actual_lead_days == Decimal(30)
    assert cdu.newest_lead_days == 28
    assert cdu.on_time_share == Decimal(1)


def test_median_of_an_even_count_is_the_mean_of_the_middle_two() -> None:
    assert scorecard.median([3, 1, 4, 2]) == Decimal("2.5")
    assert scorecard.median([]) is None
