"""contract_notice_due: a signed or active contract's notice deadline within the horizon."""

from __future__ import annotations

import datetime as dt

from tests.builders import day
from tests.services.alerts.world import contract, figure, fired, world

# C-1 from 2027-01-01 ends 2027-12-31 (start + 364 days); 60 notice days: 2027-11-01.
DEADLINE = day("2027-11-01")


def test_fires_ninety_days_before_the_deadline_not_ninety_one(database):
    """Horizon 90 days: as of 2027-08-02 (91 days before): nothing; as of 2027-08-03
    (90 days): fires, warning, figure 0."""
    with database.write() as session:
        world(session)
        contract(session, "C-1", "2027-01-01", notice_days=60, auto_renew=True)
        assert fired(session, "contract_notice_due", DEADLINE - dt.timedelta(days=91)) == []
        [alert] = fired(session, "contract_notice_due", DEADLINE - dt.timedelta(days=90))
    assert alert.key == "contract_notice_due:C-1"
    assert alert.severity == "warning" and alert.figure == figure(0)
    assert alert.message == (
        "C-1 (Helios AI, Panther Creek) ends 2027-12-31; notice is due by 2027-11-01, "
        "in 90 days: it renews automatically unless notice is given."
    )


def test_the_deadline_day_fires_the_day_after_does_not(database):
    """On the deadline (in 0 days) it fires; a day later the chance has gone: nothing.
    Without notice days the deadline is the end date. Draft contracts never fire."""
    with database.write() as session:
        world(session)
        contract(session, "C-1", "2027-01-01", notice_days=60)
        contract(session, "C-2", "2027-01-01")
        contract(session, "C-3", "2027-01-01", status="draft", notice_days=60)
        assert [a.subject for a in fired(session, "contract_notice_due", DEADLINE)] == [
            "C-1",
            "C-2",
        ]
        after = DEADLINE + dt.timedelta(days=1)
        assert [a.subject for a in fired(session, "contract_notice_due", after)] == ["C-2"]
        assert [a.subject for a in fired(session, "contract_notice_due", "2028-01-01")] == []
