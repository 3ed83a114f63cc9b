"""The Today view's contents: the open alerts that need action and the ETAs moved since
yesterday, in the order a buyer works through them, each with its record and actions."""

from __future__ import annotations

import datetime as dt

from services import alerts, orders, records, today
from services.audit import Actor


def test_sections_come_in_working_order_with_their_items(demo_database):
    with demo_database.session() as session:
        found = today.today(session)
        raised = alerts.visible_alerts(session)
    assert [s.name for s in found.sections] == [
        "overdue",
        "at_risk",
        "notices",
        "eta_moved",
        "unconfirmed",
    ]
    overdue = {a.subject for a in raised if a.rule == "overdue_delivery"}
    assert {item.title.split(" · ")[0] for item in found.section("overdue").items} == overdue
    for item in found.section("overdue").items:
        assert item.screen == "orders" and len(item.line_ids) == 1
        assert item.actions == (today.CHASE, today.MOVE_ETA, today.RECEIVE, today.ACKNOWLEDGE)
        assert item.alert_key is not None and item.alert_key.startswith("overdue_delivery:")
    severities = [item.severity for item in found.section("overdue").items]
    assert severities == sorted(severities, key=lambda s: s != "critical")
    at_risk = {a.key for a in raised if a.rule in ("capacity_shortfall", "deployment_late")}
    assert {i.alert_key for i in found.section("at_risk").items} == at_risk
    notices = {a.key for a in raised if a.rule in ("contract_notice_due", "ppa_expiring")}
    assert {i.alert_key for i in found.section("notices").items} == notices
    for item in found.section("unconfirmed").items:
        assert item.line_ids and today.CHASE in item.actions


def test_an_eta_moved_today_is_listed_once_with_its_first_and_latest_date(demo_database):
    actor = Actor("maria")
    with demo_database.write() as session:
        line = next(
            r
            for r in records.list_records(session, "orders")
            if r["status"] == "confirmed" and r["eta"] is not None
        )
        first = line["eta"]
        moved = orders.change_eta(session, line["id"], first + dt.timedelta(days=10), actor)
        orders.change_eta(
            session,
            line["id"],
            first + dt.timedelta(days=21),
            actor,
            expected_version=moved["version"],
        )
    with demo_database.session() as session:
        found = today.today(session)
    items = [i for i in found.section("eta_moved").items if i.line_ids == (line["id"],)]
    assert len(items) == 1
    assert items[0].detail.startswith(
        f"ETA {first.isoformat()} → {(first + dt.timedelta(days=21)).isoformat()}, 21 days later"
    )
    assert "maria" in items[0].detail
    assert items[0].actions == (today.MOVE_ETA, today.RECEIVE)


def test_an_acknowledged_alert_leaves_today(demo_database):
    with demo_database.session() as session:
        item = today.today(session).section("overdue").items[0]
    with demo_database.write() as session:
        alerts.acknowledge(session, item.alert_key, Actor("maria"), note="on it")
    with demo_database.session() as session:
        keys = {i.alert_key for i in today.today(session).items}
    assert item.alert_key not in keys
