"""Row marks are the alerts, put on the records they concern; the list footer's open order
value is in the reporting currency."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pytest

from models.database import Database
from services import alerts, lists, marks, orders, records
from services.alerts import Alert
from services.audit import Actor
from tests.builders import D, basic_world, day, fx_rate, order_line

TODAY = dt.date.today()


def _marked(database: Database, kind: str) -> dict[str, marks.Mark]:
    """Marks of the listed rows of ``kind``, as a list screen computes them, by row key."""
    with database.session() as session:
        found = records.list_records(session, kind)
        row_marks = marks.row_marks(session, kind, TODAY)
    names = tuple(found[0])
    rows = [tuple(r[n] for n in names) for r in found]
    result = {}
    for record, mark in zip(found, row_marks.for_rows(names, rows), strict=True):
        if mark is not None:
            key = row_marks.key_of(record)
            assert key is not None
            result[key] = mark
    return result


def _subjects(found: Iterable[Alert], *rules: str) -> set[str]:
    return {a.subject for a in found if a.rule in rules}


def _related(found: Iterable[Alert], *rules: str) -> set[str]:
    return {ref for a in found if a.rule in rules for ref in a.related if ref != a.subject}


def test_demo_marks_are_the_alerts_of_the_same_records(demo_database: Database) -> None:
    with demo_database.session() as session:
        raised = alerts.evaluate(session, TODAY)
    assert {a.rule for a in raised} >= {
        "overdue_delivery",
        "eta_slip",
        "capacity_shortfall",
        "ppa_expiring",
        "contract_notice_due",
        "deployment_late",
        "take_or_pay_idle",
    }, "the demo data no longer shows the rules this test is about"

    lines = _marked(demo_database, "orders")
    overdue = _subjects(raised, "overdue_delivery")
    assert overdue
    assert set(lines) == (
        overdue
        | _subjects(raised, "eta_slip")
        | _related(raised, "unconfirmed_order", "capacity_shortfall", "deployment_late")
    )
    assert {k for k, m in lines.items() if m.level == "overdue"} == overdue
    late_for_contracts = _related(raised, "capacity_shortfall")
    assert late_for_contracts, "the demo has lines arriving after a contract's need-by date"
    ref = sorted(late_for_contracts)[0]
    assert "contract short of GPUs" in lines[ref].reason

    contracts = _marked(demo_database, "contracts")
    assert set(contracts) == (
        _subjects(raised, "capacity_shortfall", "contract_notice_due")
        | _related(raised, "power_shortfall", "ppa_coverage_gap")
    )
    assert all(m.level == "at_risk" for m in contracts.values())

    ppas = _marked(demo_database, "ppas")
    expiring = [a for a in raised if a.rule == "ppa_expiring"]
    assert set(ppas) == {a.subject for a in expiring}
    for alert in expiring:  # overdue once the notice deadline has passed
        assert ppas[alert.subject].level == ("overdue" if alert.figure > 0 else "at_risk")
        assert ppas[alert.subject].reason == alert.message

    # A site is named by its power rules and by its PPAs' idle minimum take (§4).
    assert set(_marked(demo_database, "sites")) == _subjects(
        raised, "power_shortfall", "ppa_coverage_gap", "take_or_pay_idle"
    )
    clusters = _marked(demo_database, "deployments")
    assert set(clusters) == _subjects(raised, "deployment_late")
    held_up = _related(raised, "deployment_late") - set(clusters)
    assert held_up, "the demo has clusters held up by order lines"
    assert all("Holds up a cluster: " in lines[ref].reason for ref in held_up)
    assert set(_marked(demo_database, "vendors")) == _subjects(raised, "vendor_concentration")
    drifting = _subjects(raised, "lead_time_drift")
    assert set(_marked(demo_database, "products")) == drifting
    assert set(_marked(demo_database, "leadtimes")) == drifting

    # Every alert marks at least one row, and says the same there.
    shown = [
        mark for kind in marks.kinds_marked() for mark in _marked(demo_database, kind).values()
    ]
    for alert in raised:
        carrying = [m for m in shown if alert.key in m.alert_keys]
        assert carrying, alert.key
        assert all(alert.message in m.reason for m in carrying)


@pytest.fixture
def world(database: Database, actor: Actor) -> Database:
    with database.write() as session:
        basic_world(session, actor)
        for line, promised, eta in (
            (1, None, day("2030-03-01")),  # ETA moved later below: slips against its first ETA
            (2, day("2030-03-01"), day("2030-03-10")),  # 9 days late: within the threshold
            (3, day("2030-03-01"), day("2030-04-01")),  # 31 days: beyond it
            (4, day("2020-01-01"), None),  # promised date passed
        ):
            order_line(
                session,
                "PO-9",
                line,
                actor=actor,
                quantity=2,
                order_date=day("2019-06-01"),
                unit_price=D("100"),
                promised_date=promised,
                eta=eta,
                status=None,
            )
        order_line(
            session,
            "PO-EU",
            actor=actor,
            quantity=3,
            order_date=day("2026-02-01"),
            currency="EUR",
            status=None,
        )
        order_line(
            session,
            "PO-GB",
            actor=actor,
            order_date=day("2026-02-01"),
            currency="GBP",
            unit_price=D("500"),
            status=None,
        )
        fx_rate(session, "EUR", "1.10", "2026-01-01", actor)
        # A GBP rate only from after the order date: the GBP order cannot be converted.
        fx_rate(session, "GBP", "1.30", "2026-03-01", actor)
    with database.session() as session:
        first = records.list_records(session, "orders")[0]
    assert (first["po_number"], first["line"]) == ("PO-9", 1)
    with database.write() as session:
        orders.change_eta(session, first["id"], day("2030-04-15"), actor)
    return database


def test_slip_is_measured_against_the_first_commitment(world: Database) -> None:
    lines = _marked(world, "orders")
    assert set(lines) == {"PO-9/1", "PO-9/3", "PO-9/4", "PO-EU/1", "PO-GB/1"}
    assert lines["PO-9/1"].level == "at_risk"
    assert "first ETA 2030-03-01" in lines["PO-9/1"].reason  # no promised date on this line
    assert "slipped 45 days" in lines["PO-9/1"].reason
    assert lines["PO-9/3"].level == "at_risk"
    assert lines["PO-9/4"].level == "overdue"
    assert "overdue" in lines["PO-9/4"].reason
    # Orders placed long ago with no date on any line: the unconfirmed-order rule.
    assert lines["PO-EU/1"].level == "at_risk"
    assert lines["PO-EU/1"].reason.startswith("Its order has no confirmed dates: PO-EU")


def test_open_order_value_in_the_reporting_currency(world: Database) -> None:
    with world.session() as session:
        found = records.list_records(session, "orders")
        money = lists.converter(session)
    names = tuple(found[0])
    rows = [tuple(r[n] for n in names) for r in found]
    figures = {t.label: t.value for t in lists.totals("orders", names, rows, money)}
    value = figures["Open order value"]
    assert isinstance(value, lists.ConvertedMoney)
    # 4 USD lines of 2 × 100, and 3 × EUR 1,000 at 1.10; the GBP order is left out, and said.
    assert value.amount == D("800") + D("3300.00")
    assert value.currency == "USD"
    assert value.unconverted == {"GBP": D("500.00")}
    # Without rates, the same lines per currency.
    per_currency = {t.label: t.value for t in lists.totals("orders", names, rows)}
    assert per_currency["Open order value"] == {"USD": D(800), "EUR": D(3000), "GBP": D(500)}


def test_a_row_named_by_several_alerts_shows_the_worst_first() -> None:
    def alert(rule: str, subject: str, message: str, related: tuple[str, ...] = ()) -> Alert:
        return Alert(f"{rule}:{subject}", rule, "warning", subject, "Site", message, D(1), related)

    found = [
        alert("eta_slip", "PO-1/1", "slipped 30 days"),
        alert("overdue_delivery", "PO-1/1", "is 3 days overdue"),
        alert("capacity_shortfall", "C-1", "C-1 is 72 GPUs short", ("C-1", "PO-1/1", "PO-2/1")),
        alert("contract_notice_due", "C-9", "notice due"),
    ]
    lines = marks.marks_from_alerts("orders", found)
    assert set(lines.by_key) == {"PO-1/1", "PO-2/1"}
    both = lines.by_key["PO-1/1"]
    assert both.level == "overdue"
    assert both.reason.splitlines() == [
        "is 3 days overdue",
        "slipped 30 days",
        "Leaves a contract short of GPUs (late, overdue or undated): C-1 is 72 GPUs short",
    ]
    assert both.alert_keys[0] == "overdue_delivery:PO-1/1"
    assert lines.by_key["PO-2/1"].level == "at_risk"
    contracts = marks.marks_from_alerts("contracts", found)
    assert set(contracts.by_key) == {"C-1", "C-9"}
    assert marks.marks_from_alerts("customers", found).by_key == {}
