"""The demo data set shows every kind of alert, whatever day it is built and read on."""

from __future__ import annotations

import datetime as dt

from services import alerts, demo
from tests.services.alerts.world import ACTOR


def check_every_rule(found: list[alerts.Alert]) -> None:
    assert {a.rule for a in found} == set(alerts.RULES)
    assert {a.severity for a in found} == {"critical", "warning"}
    # One alert per rule and subject.
    assert len({a.key for a in found}) == len(found)


def test_demo_raises_every_rule_today(demo_database):
    """The shared demo copy, built as of today."""
    with demo_database.session() as session:
        check_every_rule(alerts.evaluate(session, dt.date.today()))


def test_demo_built_on_another_day_raises_every_rule(database):
    """Built and read as of 2025-03-10: dates are relative to the day, so the same alerts."""
    with database.write() as session:
        demo.load(session, ACTOR, today=dt.date(2025, 3, 10))
        check_every_rule(alerts.evaluate(session, dt.date(2025, 3, 10)))
