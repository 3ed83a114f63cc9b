"""Pegging as the window shows it (services.pegging), on the hand-built world of
tests/services/readiness_world.py, on both backends: a contract's lines and dates, what an
order line serves, and what an overdue line leaves waiting."""

from __future__ import annotations

import pytest

from services import figures, pegging
from services.errors import NotFoundError
from tests.builders import D, day
from tests.services.readiness_world import AS_OF, line_id


def test_a_contracts_lines_secured_or_late_and_its_dates(readiness_db):
    with readiness_db.session() as session:
        c1 = pegging.contract_pegging(session, "C-1", AS_OF)
        ids = {po: line_id(session, po) for po in ("PO-1", "PO-2")}
    assert [
        (line.ref, line.line_id, line.vendor, line.sku, line.gpus, line.date, line.secured)
        for line in c1.lines
    ] == [
        ("PO-1/1", ids["PO-1"], "Nvidia", "GB300-NVL72", 144, day("2027-01-05"), True),
        ("PO-2/1", ids["PO-2"], "Nvidia", "GB300-NVL72", 72, day("2027-02-10"), False),
    ]
    assert (c1.committed_gpus, c1.gpus_secured, c1.late_gpus, c1.shortfall) == (216, 144, 72, 72)
    assert c1.need_by == day("2027-01-18")
    assert (c1.delivery_date, c1.days_late) == (day("2027-02-24"), 23)
    # 23 days × 1,000 a day, capped at 15,000.
    assert (c1.late_credit, c1.late_credit_unbounded, c1.currency) == (D("15000"), False, "USD")
    assert c1.order_by == day("2026-08-17")
    assert (c1.quickest_vendor, c1.quickest_sku, c1.quickest_lead_days) == (
        "Nvidia",
        "GB300-NVL72",
        154,
    )
    assert c1.deployments == () and not c1.via_deployments
    assert c1.site_overdue_gpus == 72  # PO-3's rack, at risk: not among its lines
    assert c1.binding and c1.as_of == AS_OF


def test_the_pegging_is_the_pictures(readiness_db):
    """Nothing is worked out again: every contract's figures are the picture's own."""
    with readiness_db.session() as session:
        every = pegging.contracts_pegging(session, AS_OF)
        pic = figures.picture(session, AS_OF)
    assert set(every) == set(pic.contracts)
    for ref, found in every.items():
        figures_of = pic.contracts[ref]
        assert [(p.line_id, p.gpus, p.date, p.secured) for p in figures_of.pegs] == [
            (line.line_id, line.gpus, line.date, line.secured) for line in found.lines
        ]
        assert (found.delivery_date, found.days_late, found.order_by) == (
            figures_of.delivery_date,
            figures_of.days_late,
            figures_of.order_by,
        )


def test_a_line_serving_a_contract(readiness_db):
    with readiness_db.session() as session:
        first = pegging.line_pegging(session, line_id(session, "PO-1"), AS_OF)
        second = pegging.line_pegging(session, line_id(session, "PO-2"), AS_OF)
    assert [(u.ref, u.kind, u.who, u.units, u.gpus, u.date, u.in_time) for u in first.uses] == [
        ("C-1", "contract", "Helios AI", 2, 144, day("2027-01-05"), True)
    ]
    assert [(u.ref, u.units, u.gpus, u.in_time) for u in second.uses] == [("C-1", 1, 72, False)]
    assert not first.overdue and not first.at_risk and first.waiting == ()
    assert (first.ref, first.site, first.sku, first.open_units) == (
        "PO-1/1",
        "Panther Creek",
        "GB300-NVL72",
        2,
    )


def test_an_overdue_gpu_line_is_at_risk_and_names_the_contracts_short_of_it(readiness_db):
    with readiness_db.session() as session:
        found = pegging.line_pegging(session, line_id(session, "PO-3"), AS_OF)
    assert found.uses == ()
    assert (found.overdue, found.days_overdue, found.overdue_units, found.overdue_gpus) == (
        True,
        10,
        1,
        72,
    )
    assert found.at_risk and found.expected_date == day("2026-11-27")
    assert [(c.ref, c.customer, c.shortfall, c.need_by) for c in found.short_contracts] == [
        ("C-1", "Helios AI", 72, day("2027-01-18"))
    ]


def test_a_line_serving_a_deployment_and_an_overdue_one_it_waits_for(readiness_db):
    with readiness_db.session() as session:
        serving = pegging.line_pegging(session, line_id(session, "PO-4"), AS_OF)
        overdue = pegging.line_pegging(session, line_id(session, "PO-5"), AS_OF)
    assert [
        (u.ref, u.kind, u.who, u.part, u.units, u.gpus, u.date, u.in_time) for u in serving.uses
    ] == [("DEP-1", "deployment", "Hall 1", "XDU1350", 2, 0, day("2027-02-01"), True)]
    assert overdue.uses == () and overdue.days_overdue == 30
    assert [(w.deployment_ref, w.who, w.part, w.missing) for w in overdue.waiting] == [
        ("DEP-1", "Hall 1", "XDU1350", 2)
    ]
    assert overdue.short_contracts == ()  # CDUs carry no GPUs


def test_unknown_contract_or_line(readiness_db):
    with readiness_db.session() as session:
        with pytest.raises(NotFoundError, match="C-404"):
            pegging.contract_pegging(session, "C-404", AS_OF)
        with pytest.raises(NotFoundError, match="999999"):
            pegging.line_pegging(session, 999999, AS_OF)
