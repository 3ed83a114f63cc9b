"""ppa_expiring: a running PPA's notice deadline falls within the horizon, or has passed."""

from __future__ import annotations

import datetime as dt

from tests.builders import D, day
from tests.services.alerts.world import contract, figure, fired, ppa, update, world

DEADLINE = day("2027-10-02")  # end 2027-12-31 − 90 notice days


def test_fires_ninety_days_before_the_deadline_not_ninety_one(database):
    """P-1 ends 2027-12-31 with 90 days' notice: deadline 2027-10-02. Horizon 90 days: as of
    2027-07-03 the deadline is 91 days away: nothing; as of 2027-07-04, 90 days: fires,
    figure 0 (ahead). No contract needs power after it ends: warning."""
    with database.write() as session:
        world(session)
        ppa(session, "P-1", "10", "2026-01-01", "2027-12-31", notice_days=90)
        assert fired(session, "ppa_expiring", DEADLINE - dt.timedelta(days=91)) == []
        [alert] = fired(session, "ppa_expiring", DEADLINE - dt.timedelta(days=90))
    assert alert.key == "ppa_expiring:P-1"
    assert alert.severity == "warning"
    assert alert.figure == figure(0)
    assert alert.message == (
        "PPA P-1 (GridCo, Panther Creek, 10 MW) ends 2027-12-31; its notice deadline "
        "2027-10-02 is in 90 days. Decide whether to renew it."
    )


def test_a_passed_deadline_fires_while_the_ppa_runs(database):
    """As of 2027-10-12 the deadline passed 10 days ago (figure 1); after the end date
    (2028-01-01) the PPA no longer runs: nothing. A PPA not started yet: nothing."""
    with database.write() as session:
        world(session)
        ppa(session, "P-1", "10", "2026-01-01", "2027-12-31", notice_days=90)
        ppa(session, "P-2", "10", "2028-01-01", "2028-03-31")
        [alert] = fired(session, "ppa_expiring", "2027-10-12")
        assert alert.figure == figure(1)
        assert "passed 10 days ago" in alert.message
        assert fired(session, "ppa_expiring", "2028-01-01")[0].subject == "P-2"
        assert [a.subject for a in fired(session, "ppa_expiring", "2027-12-31")] == ["P-1"]


def test_critical_when_contracts_need_more_than_the_remaining_cover(database):
    """After P-1 (10 MW) ends on 2027-12-31, P-2 (2 MW) still runs. C-1 (1.6 MW × 1.25 =
    2 MW) runs through 2028: covered by P-2, warning. C-1 at 1.6001 MW needs 2.0001 MW:
    critical."""
    with database.write() as session:
        world(session)
        ppa(session, "P-1", "10", "2026-01-01", "2027-12-31", notice_days=90)
        ppa(session, "P-2", "2", "2026-01-01", "2030-12-31")
        contract(session, "C-1", "2027-06-01", committed_mw=D("1.6"))
        [alert] = fired(session, "ppa_expiring", DEADLINE)
        assert alert.severity == "warning"
        update(session, "contracts", {"contract_ref": "C-1"}, committed_mw=D("1.6001"))
        [alert] = fired(session, "ppa_expiring", DEADLINE)
    assert alert.severity == "critical"
    assert "On 2028-01-01 Panther Creek still needs 2.0001 MW" in alert.message
