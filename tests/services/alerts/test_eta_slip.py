"""eta_slip: an open line's ETA later than its first commitment by more than the threshold."""

from __future__ import annotations

from services import settings
from tests.builders import day
from tests.services.alerts.world import (
    ACTOR,
    figure,
    fired,
    order_line,
    update_line,
    world,
)

AS_OF = "2026-12-01"


def test_fires_at_fifteen_days_not_fourteen(database):
    """Promised 2027-01-01, threshold 14 days. ETA 2027-01-15 is 14 days late: not more than
    the threshold, nothing. ETA 2027-01-16 is 15 days late: fires with figure 15."""
    with database.write() as session:
        world(session)
        order_line(
            session, "PO-1", quantity=2, promised_date=day("2027-01-01"), eta=day("2027-01-15")
        )
        assert fired(session, "eta_slip", AS_OF) == []
        update_line(session, "PO-1", 1, eta=day("2027-01-16"))
        [alert] = fired(session, "eta_slip", AS_OF)
    assert alert.key == "eta_slip:PO-1/1"
    assert alert.figure == figure(15)
    assert alert.severity == "warning"
    assert "slipped 15 days" in alert.message
    assert "ETA 2027-01-16 against the promised date 2027-01-01" in alert.message
    assert "2 units = 144 GPUs open" in alert.message


def test_first_recorded_eta_is_the_commitment_without_a_promised_date(database):
    """No promised date; the first ETA recorded is 2027-01-01 (at creation). Moving it to
    2027-01-10 and then 2027-01-16: the slip is measured from 2027-01-01, not from the
    previous ETA: 15 days > 14, fires."""
    with database.write() as session:
        world(session)
        order_line(session, "PO-1", eta=day("2027-01-01"))
        update_line(session, "PO-1", 1, eta=day("2027-01-10"))
        assert fired(session, "eta_slip", AS_OF) == []
        update_line(session, "PO-1", 1, eta=day("2027-01-16"))
        [alert] = fired(session, "eta_slip", AS_OF)
    assert alert.figure == figure(15)
    assert "first ETA 2027-01-01" in alert.message


def test_threshold_is_a_setting(database):
    """Threshold raised to 15 days: the 15-day slip no longer fires; 16 does."""
    with database.write() as session:
        world(session)
        settings.set_value(session, "slip_threshold_days", "15", ACTOR)
        order_line(session, "PO-1", promised_date=day("2027-01-01"), eta=day("2027-01-16"))
        assert fired(session, "eta_slip", AS_OF) == []
        update_line(session, "PO-1", 1, eta=day("2027-01-17"))
        assert len(fired(session, "eta_slip", AS_OF)) == 1


def test_received_and_cancelled_lines_do_not_slip(database):
    """Both lines are 60 days late against their promise but closed: nothing fires."""
    with database.write() as session:
        world(session)
        order_line(
            session,
            "PO-1",
            promised_date=day("2027-01-01"),
            eta=day("2027-03-02"),
            received_qty=1,
            received_date=day("2027-03-02"),
        )
        order_line(
            session,
            "PO-2",
            promised_date=day("2027-01-01"),
            eta=day("2027-03-02"),
            status="cancelled",
        )
        assert fired(session, "eta_slip", "2027-04-01") == []
