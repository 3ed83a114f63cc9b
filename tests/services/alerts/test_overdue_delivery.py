"""overdue_delivery: an open line whose ETA (else promised date) is before the day."""

from __future__ import annotations

from tests.builders import day
from tests.services.alerts.world import contract, figure, fired, order_line, world


def test_fires_the_day_after_the_eta_not_on_it(database):
    """ETA 2027-01-10, 2 of 3 racks open (1 received). As of 2027-01-10 the ETA has not
    passed: nothing. As of 2027-01-11 it is 1 day overdue; figure = 2 open units; 144 GPUs."""
    with database.write() as session:
        world(session)
        order_line(
            session,
            "PO-1",
            quantity=3,
            promised_date=day("2027-01-01"),
            eta=day("2027-01-10"),
            received_qty=1,
            received_date=day("2026-12-20"),
        )
        assert fired(session, "overdue_delivery", "2027-01-10") == []
        [alert] = fired(session, "overdue_delivery", "2027-01-11")
    assert alert.key == "overdue_delivery:PO-1/1"
    assert alert.subject == "PO-1/1" and alert.site == "Panther Creek"
    assert alert.figure == figure(2)
    assert alert.severity == "warning"
    assert "1 day overdue" in alert.message
    assert "2 units = 144 GPUs of 3 still open" in alert.message
    assert "2027-01-10" in alert.message and "Nvidia" in alert.message


def test_promised_date_counts_when_there_is_no_eta(database):
    """No ETA, promised 2027-01-10: overdue from 2027-01-11 on, by its promised date."""
    with database.write() as session:
        world(session)
        order_line(session, "PO-1", promised_date=day("2027-01-10"))
        assert fired(session, "overdue_delivery", "2027-01-10") == []
        [alert] = fired(session, "overdue_delivery", "2027-01-11")
    assert "promised date 2027-01-10" in alert.message


def test_received_cancelled_draft_and_undated_lines_are_never_overdue(database):
    """All four lines are dated 2027-01-01 (or undated) and the day is 2027-02-01: only an
    open, placed line with a date can be overdue, so nothing fires."""
    with database.write() as session:
        world(session)
        order_line(
            session, "PO-1", eta=day("2027-01-01"), received_qty=1, received_date=day("2027-01-01")
        )
        order_line(session, "PO-2", eta=day("2027-01-01"), status="cancelled")
        order_line(session, "PO-3", eta=day("2027-01-01"), status="draft")
        order_line(session, "PO-4")
        assert fired(session, "overdue_delivery", "2027-02-01") == []


def test_critical_when_the_site_is_short_for_a_contract(database):
    """A 72-GPU rack due 2027-01-10 is overdue on 2027-01-20. Contract C-1 at the same site
    needs 144 GPUs by 2027-03-01 (start 2027-03-15 − 14 days) and only this rack is on
    order: 72 short, so the late rack puts a customer at risk: critical."""
    with database.write() as session:
        world(session)
        order_line(session, "PO-1", eta=day("2027-01-10"))
        assert fired(session, "overdue_delivery", "2027-01-20")[0].severity == "warning"
        contract(session, "C-1", "2027-03-15", committed_gpus=144)
        [alert] = fired(session, "overdue_delivery", "2027-01-20")
    assert alert.severity == "critical"
    assert "short of GPUs for C-1" in alert.message
