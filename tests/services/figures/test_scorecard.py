"""The vendor scorecard: on-time rate per unit, median slip, lead times, open value."""

from __future__ import annotations

from services import scorecard
from tests.helpers import D, day, make
from tests.services.alerts.world import order_line, world


def test_vendor_scorecard(database):
    """Nvidia, all ordered 2026-06-01 at 1,000 a unit:
    L1: 10 units promised 2026-09-01, all received 2026-08-30: 10 on time; slip −2; lead 90.
    L2: 4 units promised 2026-09-01, received 2026-09-11: late; slip +10; lead 102.
    L3: 6 units promised 2026-10-01, 2 received 2026-10-01 (on time, lead 122), 4 open with
        ETA 2026-11-01: slip +31; 4,000 open.
    L4: cancelled: ignored.
    On time 12 of 16 units = 75.0 %; median slip of (−2, 10, 31) = 10; median lead of
    (90, 102, 122) = 102. Quotes 100 days (2026-03-01), 120 days (2026-09-01); the
    2026-12-01 quote is after the day. Dell has 1,000 open: Nvidia 80 % of gpu_system."""
    with database.write() as session:
        world(session)
        make(session, "vendors", name="Dell")
        make(
            session,
            "products",
            vendor="Dell",
            sku="XE9712",
            category="gpu_system",
            gpus_per_unit=72,
        )
        order_line(
            session,
            "PO-1",
            quantity=10,
            promised_date=day("2026-09-01"),
            received_qty=10,
            received_date=day("2026-08-30"),
        )
        order_line(
            session,
            "PO-2",
            quantity=4,
            promised_date=day("2026-09-01"),
            received_qty=4,
            received_date=day("2026-09-11"),
        )
        order_line(
            session,
            "PO-3",
            quantity=6,
            promised_date=day("2026-10-01"),
            eta=day("2026-11-01"),
            received_qty=2,
            received_date=day("2026-10-01"),
        )
        order_line(session, "PO-4", quantity=6, promised_date=day("2026-07-01"), status="cancelled")
        order_line(session, "PO-5", vendor="Dell", sku="XE9712")
        for days, on in ((100, "2026-03-01"), (120, "2026-09-01"), (200, "2026-12-01")):
            make(
                session,
                "leadtimes",
                vendor="Nvidia",
                sku="GB300-NVL72",
                lead_days=days,
                quote_date=day(on),
            )
        scores = {s.vendor: s for s in scorecard.vendor_scorecard(session, day("2026-10-15"))}
    nvidia = scores["Nvidia"]
    assert (nvidia.units_received, nvidia.units_on_time, nvidia.on_time_pct) == (
        16,
        12,
        D("75.0"),
    )
    assert nvidia.median_slip_days == D(10)
    assert (nvidia.newest_quote_days, nvidia.newest_quote_date) == (120, day("2026-09-01"))
    assert nvidia.median_actual_lead_days == D(102)
    assert nvidia.open_value == D("4000.00")
    assert nvidia.category_share_pct == {"gpu_system": D("80.0")}
    dell = scores["Dell"]
    assert (dell.on_time_pct, dell.median_slip_days, dell.newest_quote_days) == (None, None, None)
    assert dell.category_share_pct == {"gpu_system": D("20.0")}
