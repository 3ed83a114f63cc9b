"""lead_time_drift: newest quote > previous quote + X %, or median actual > newest + X %."""

from __future__ import annotations

from datetime import timedelta

from tests.builders import day, lead_time
from tests.services.alerts.world import figure, fired, order_line, world

AS_OF = "2027-01-01"


def quote(session, days: int, on: str, sku: str = "GB300-NVL72") -> None:
    lead_time(session, days, on, sku=sku)


def test_newest_quote_at_twenty_percent_does_not_fire(database):
    """Previous quote 100 days (2026-03-01), newest 120 days (2026-09-01): exactly 20 % more,
    not more than 20 %: nothing."""
    with database.write() as session:
        world(session)
        quote(session, 100, "2026-03-01")
        quote(session, 120, "2026-09-01")
        assert fired(session, "lead_time_drift", AS_OF) == []


def test_newest_quote_fires_above_twenty_percent(database):
    """Previous quote 100 days, newest 121 days: 21 % above, fires with figure 21. Only the
    newest two quotes count: the 300-day quote of 2025 changes nothing."""
    with database.write() as session:
        world(session)
        quote(session, 300, "2025-01-01")
        quote(session, 100, "2026-03-01")
        quote(session, 121, "2026-10-01")
        [alert] = fired(session, "lead_time_drift", AS_OF)
    assert alert.key == "lead_time_drift:Nvidia / GB300-NVL72"
    assert alert.site is None and alert.severity == "warning"
    assert alert.figure == figure(21)
    assert "newest quote (2026-10-01) is 121 days, 21% above" in alert.message
    assert "previous quote of 100 days (2026-03-01)" in alert.message


def test_quotes_after_the_day_are_not_known_yet(database):
    """The 150-day quote is dated 2027-02-01: as of 2027-01-01 only the 100-day quote
    exists (no previous one, no receipts): nothing. As of 2027-02-01: 50 % above, fires."""
    with database.write() as session:
        world(session)
        quote(session, 100, "2026-03-01")
        quote(session, 150, "2027-02-01")
        assert fired(session, "lead_time_drift", AS_OF) == []
        assert len(fired(session, "lead_time_drift", "2027-02-01")) == 1


def test_median_actual_lead_time_against_the_newest_quote(database):
    """Newest (only) quote 100 days. Received lines ordered 2026-01-01 arrived after 110 and
    130 days: median 120 = 20 % above: nothing. A third line at 121 days makes the median
    121: 21 % above, fires with figure 21. A cancelled line does not count."""
    with database.write() as session:
        world(session)
        quote(session, 100, "2025-12-01")
        start = day("2026-01-01")
        for po, days in (("PO-1", 110), ("PO-2", 130)):
            order_line(
                session,
                po,
                order_date=start,
                received_qty=1,
                received_date=start + timedelta(days=days),
            )
        order_line(session, "PO-9", order_date=start, status="cancelled")
        assert fired(session, "lead_time_drift", AS_OF) == []
        order_line(
            session,
            "PO-3",
            order_date=start,
            received_qty=1,
            received_date=start + timedelta(days=121),
        )
        [alert] = fired(session, "lead_time_drift", AS_OF)
    assert alert.figure == figure(21)
    assert "median actual lead time of 3 received lines is 121 days" in alert.message
    assert "newest quote of 100 days" in alert.message
