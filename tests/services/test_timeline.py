"""The readiness timeline's rows (services.timeline) on the hand-built world of
tests/services/readiness_world.py, on both backends: each deployment's dates and critical
part, each part's lines and the overdue lines it waits for, the site filter."""

from __future__ import annotations

from services import figures, reports, timeline
from tests.builders import day
from tests.services.readiness_world import AS_OF, line_id


def test_rows_soonest_needed_first_with_their_dates(readiness_db):
    with readiness_db.session() as session:
        found = timeline.readiness_timeline(session, AS_OF)
    assert (found.as_of, found.install_buffer_days) == (AS_OF, 14)
    assert found.sites == ["Clarion", "Panther Creek"]
    assert [
        (r.ref, r.site, r.name, r.needed_by, r.parts_complete, r.ready_date, r.days_late)
        for r in found.rows
    ] == [
        ("DEP-1", "Panther Creek", "Hall 1", day("2027-03-01"), None, None, None),
        (
            "DEP-2",
            "Panther Creek",
            "Hall 2",
            day("2027-03-15"),
            day("2027-03-25"),
            day("2027-04-08"),
            10,
        ),
        ("DEP-3", "Clarion", None, day("2027-05-01"), None, None, None),
    ]
    assert [(r.at_risk, r.can_complete) for r in found.rows] == [
        (True, False),
        (True, True),
        (True, False),
    ]


def test_a_part_that_cannot_complete_waits_for_its_overdue_line(readiness_db):
    with readiness_db.session() as session:
        dep1 = timeline.readiness_timeline(session, AS_OF).rows[0]
        po4, po5 = line_id(session, "PO-4"), line_id(session, "PO-5")
    assert (dep1.critical_part, dep1.critical_label) == ("XDU1350", "XDU1350")
    assert dep1.power_ready_date == day("2027-03-20")
    [part] = dep1.parts
    assert (part.label, part.needed, part.taken, part.missing, part.complete_date) == (
        "XDU1350",
        4,
        2,
        2,
        None,
    )
    assert part.critical and not part.can_complete and not part.late
    assert [(p.line_id, p.ref, p.vendor, p.units, p.date, p.received) for p in part.lines] == [
        (po4, "PO-4/1", "Vertiv", 2, day("2027-02-01"), False)
    ]
    assert [
        (w.line_id, w.ref, w.vendor, w.units, w.expected_date, w.why, w.days_overdue)
        for w in part.waiting
    ] == [(po5, "PO-5/1", "Vertiv", 2, day("2026-11-07"), "overdue", 30)]
    # Clicking the part opens both: the line it takes and the one it waits for.
    assert part.line_ids == (po4, po5)


def test_power_is_critical_when_it_comes_after_every_part(readiness_db):
    with readiness_db.session() as session:
        dep2 = timeline.readiness_timeline(session, AS_OF).rows[1]
        po6 = line_id(session, "PO-6")
    assert (dep2.critical_part, dep2.critical_label) == ("power_ready", "Power energised")
    [part] = dep2.parts
    assert (part.label, part.taken, part.complete_date, part.critical, part.late) == (
        "Network",
        2,
        day("2026-10-01"),
        False,
        False,
    )
    assert [(p.line_id, p.received) for p in part.lines] == [(po6, True)]


def test_a_part_no_line_can_bring(readiness_db):
    with readiness_db.session() as session:
        found = timeline.readiness_timeline(session, AS_OF)
    dep3 = found.rows[2]
    [part] = dep3.parts
    assert (part.label, part.missing, part.lines, part.waiting, part.line_ids) == (
        "Other",
        1,
        (),
        (),
        (),
    )


def test_the_site_filter_and_the_same_figures_as_the_readiness_report(readiness_db):
    with readiness_db.session() as session:
        clarion = timeline.readiness_timeline(session, AS_OF, site="Clarion")
        pic = figures.picture(session, AS_OF)
    assert [r.ref for r in clarion.rows] == ["DEP-3"]
    assert clarion.sites == ["Clarion", "Panther Creek"]  # every site, to choose another
    report = {row["deployment_ref"]: row for row in reports.readiness(pic)}
    for row in timeline.timeline(pic).rows:
        assert report[row.ref]["ready_date"] == (row.ready_date and row.ready_date.isoformat())
        assert report[row.ref]["critical_part"] == row.critical_part
        assert report[row.ref]["days_late"] == row.days_late
