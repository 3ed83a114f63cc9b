"""Acknowledging and snoozing: hidden until the snooze date passes or the figure worsens."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models import AlertAck, AuditEntry
from services import alerts
from services.errors import NotFoundError, UsageError
from tests.builders import day
from tests.services.alerts.world import (
    ACTOR,
    contract,
    figure,
    order_line,
    update,
    update_line,
    world,
)

AS_OF = day("2027-01-15")
KEY = "capacity_shortfall:C-1"


def short_contract(session) -> None:
    """C-1 needs 144 GPUs by 2027-03-01; one rack (72) is due 2027-02-01: 72 short."""
    world(session)
    contract(session, "C-1", "2027-03-15", committed_gpus=144)
    order_line(session, "PO-1", eta=day("2027-02-01"), promised_date=day("2027-02-01"))


def visible_keys(session, as_of=AS_OF) -> set[str]:
    return {a.key for a in alerts.visible_alerts(session, as_of)}


def test_acknowledged_alert_is_hidden_and_stored_with_user_time_and_figure(database):
    with database.write() as session:
        short_contract(session)
        assert KEY in visible_keys(session)
        alert = alerts.acknowledge(session, KEY, ACTOR, note="Vendor adds a rack", as_of=AS_OF)
        assert alert.hidden
        assert KEY not in visible_keys(session)
    with database.session() as session:
        row = session.execute(
            select(
                AlertAck.alert_key,
                AlertAck.user,
                AlertAck.note,
                AlertAck.figure,
                AlertAck.snoozed_until,
                AlertAck.acknowledged_at,
            )
        ).one()
        entry = session.execute(
            select(AuditEntry.entity_key, AuditEntry.new_value).where(AuditEntry.entity == "alerts")
        ).one()
        every = {a.key: a for a in alerts.visible_alerts(session, AS_OF, True)}
    assert tuple(row[:5]) == (KEY, "tester", "Vendor adds a rack", figure(72), None)
    assert row.acknowledged_at is not None
    assert entry.entity_key == KEY and "figure=72" in (entry.new_value or "")
    # --all shows it, with its acknowledgement.
    assert every[KEY].hidden and every[KEY].acknowledged is not None
    assert every[KEY].acknowledged.note == "Vendor adds a rack"
    assert every[KEY].as_json()["acknowledged"]["user"] == "tester"


def test_snoozed_alert_returns_the_day_after_its_snooze_date(database):
    """Snoozed until 2027-01-20: hidden on 2027-01-20, shown on 2027-01-21."""
    with database.write() as session:
        short_contract(session)
        alerts.acknowledge(session, KEY, ACTOR, until=day("2027-01-20"), as_of=AS_OF)
        assert KEY not in visible_keys(session, day("2027-01-20"))
        assert KEY in visible_keys(session, day("2027-01-21"))


def test_a_worse_figure_shows_it_again_an_equal_or_better_one_does_not(database):
    """Acknowledged at 72 short. The rack arriving sooner leaves it 72 short: still hidden.
    The commitment grows to 145: 73 short, worse: shown again. Acknowledged again, it is
    hidden with the new figure 73."""
    with database.write() as session:
        short_contract(session)
        alerts.acknowledge(session, KEY, ACTOR, as_of=AS_OF)
        update_line(session, "PO-1", 1, eta=day("2027-01-25"))
        assert KEY not in visible_keys(session)
        update(session, "contracts", {"contract_ref": "C-1"}, committed_gpus=145)
        assert KEY in visible_keys(session)
        # Acknowledging again records the new figure.
        alerts.acknowledge(session, KEY, ACTOR, as_of=AS_OF)
        assert KEY not in visible_keys(session)
        assert session.scalars(select(AlertAck.figure)).one() == figure(73)


def test_a_longer_slip_shows_an_acknowledged_slip_again(database):
    """Slip of 20 days acknowledged; moved to 21 days: shown; moved back to 18: hidden."""
    with database.write() as session:
        world(session)
        order_line(session, "PO-1", promised_date=day("2027-02-01"), eta=day("2027-02-21"))
        alerts.acknowledge(session, "eta_slip:PO-1/1", ACTOR, as_of=AS_OF)
        assert "eta_slip:PO-1/1" not in visible_keys(session)
        update_line(session, "PO-1", 1, eta=day("2027-02-22"))
        assert "eta_slip:PO-1/1" in visible_keys(session)
        update_line(session, "PO-1", 1, eta=day("2027-02-19"))
        assert "eta_slip:PO-1/1" not in visible_keys(session)


def test_unknown_key_and_past_snooze_date_are_refused(database):
    with database.write() as session:
        short_contract(session)
        with pytest.raises(NotFoundError, match="did you mean 'capacity_shortfall:C-1'"):
            alerts.acknowledge(session, "capacity_shortfal:C-1", ACTOR, as_of=AS_OF)
        with pytest.raises(UsageError, match="already past"):
            alerts.acknowledge(session, KEY, ACTOR, until=day("2027-01-14"), as_of=AS_OF)
        assert session.scalars(select(AlertAck)).all() == []


def test_the_tally_counts_open_alerts_by_severity_and_leaves_out_acknowledged_ones(database):
    """The window's status bar and sidebar: every severity counted (0 when none), an
    acknowledged alert neither counted nor among the keys."""
    with database.write() as session:
        short_contract(session)
        before = alerts.tally(session, AS_OF)
        open_alerts = alerts.visible_alerts(session, AS_OF)
        alerts.acknowledge(session, KEY, ACTOR, as_of=AS_OF)
        after = alerts.tally(session, AS_OF)
    assert set(before.counts) == {"critical", "warning", "info"}
    assert sum(before.counts.values()) == len(open_alerts) == len(before.keys)
    severity = next(a.severity for a in open_alerts if a.key == KEY)
    assert KEY in before.keys and KEY not in after.keys
    assert after.counts[severity] == before.counts[severity] - 1
    assert sum(after.counts.values()) == sum(before.counts.values()) - 1
