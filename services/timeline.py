"""The readiness timeline's rows: one per deployment, its parts beneath it, as plain values.

A cluster is as ready as its latest part. Every date here is the picture's
(``domain.allocation``): parts complete, ready date, needed-by date, the critical part, the
lines each part takes and the lines a missing part waits for. This module only names them
(site, contract, customer, vendor, words for parts) and orders the rows, so the window draws
what the command line's ``readiness`` and the alerts say.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from domain import supply
from domain.allocation import POWER_READY, DeploymentReadiness, PartReadiness
from domain.picture import Picture
from domain.statuses import is_on_hold
from services import figures
from services.words import part_words


@dataclass(frozen=True, slots=True)
class PartLine:
    """Units of one order line a part takes, at their date (received or the line's ETA)."""

    line_id: int
    ref: str  # PO/line
    vendor: str
    units: int
    date: dt.date
    received: bool


@dataclass(frozen=True, slots=True)
class WaitingLine:
    """A line a missing part waits for: its units supply nothing now."""

    line_id: int
    ref: str
    vendor: str
    units: int  # open units that supply nothing (overdue or undated)
    expected_date: dt.date | None  # its ETA, else promised date (passed, when overdue)
    why: str  # "overdue" (the date has passed), "on hold" or "undated"
    days_overdue: int


@dataclass(frozen=True, slots=True)
class TimelinePart:
    part: str  # as the bill of parts names it (a sku or a category), or power_ready
    label: str  # in words
    needed: int
    taken: int
    missing: int
    complete_date: dt.date | None  # None: it cannot complete (units missing)
    critical: bool
    late: bool  # completes after the deployment's needed-by date
    lines: tuple[PartLine, ...]
    waiting: tuple[WaitingLine, ...]

    @property
    def can_complete(self) -> bool:
        return self.missing <= 0

    @property
    def line_ids(self) -> tuple[int, ...]:
        """Every order line behind this part: those it takes and those it waits for."""
        ids = [line.line_id for line in self.lines] + [line.line_id for line in self.waiting]
        return tuple(dict.fromkeys(ids))


@dataclass(frozen=True, slots=True)
class TimelineRow:
    ref: str
    name: str | None
    site: str
    status: str
    contract_ref: str | None
    customer: str | None
    contract_start: dt.date | None
    needed_by: dt.date | None
    parts_complete: dt.date | None  # None: it cannot complete
    ready_date: dt.date | None
    days_late: int | None
    power_ready_date: dt.date | None
    critical_part: str | None
    critical_label: str | None
    served: bool  # False: cancelled, or its contract ended (nothing is pegged to it)
    parts: tuple[TimelinePart, ...]

    @property
    def can_complete(self) -> bool:
        return self.parts_complete is not None

    @property
    def at_risk(self) -> bool:
        """Late against its needed-by date, or unable to complete (served deployments only)."""
        return self.served and (self.parts_complete is None or bool(self.days_late))


@dataclass(frozen=True)
class Timeline:
    as_of: dt.date
    install_buffer_days: int
    rows: list[TimelineRow]
    sites: list[str]  # the sites with deployments, by name


def _part(
    pic: Picture, readiness: DeploymentReadiness, part: PartReadiness, critical: bool
) -> TimelinePart:
    world, as_of = pic.world, pic.as_of
    lines = []
    for take in part.takes:
        line = pic.line(take.line_id)
        vendor = world.vendor_name(line.vendor_id) if line is not None else ""
        lines.append(PartLine(take.line_id, take.ref, vendor, take.units, take.date, take.received))
    waiting = []
    if part.missing > 0:
        for line_id in part.waiting_on:
            line = pic.line(line_id)
            if line is None:
                continue
            overdue = supply.overdue_units(line, as_of)
            undated = supply.undated_units(line)
            if overdue:
                why = "overdue"
            elif is_on_hold(line.status):
                why = "on hold"
            else:
                why = "undated"
            waiting.append(
                WaitingLine(
                    line_id,
                    line.ref,
                    world.vendor_name(line.vendor_id),
                    overdue or undated,
                    line.expected_date,
                    why,
                    supply.overdue_days(line, as_of),
                )
            )
    late = readiness.part_late(part)
    return TimelinePart(
        part.part,
        part_words(part.part),
        part.needed,
        part.taken,
        part.missing,
        part.complete_date,
        critical,
        late,
        tuple(lines),
        tuple(waiting),
    )


def row(pic: Picture, readiness: DeploymentReadiness) -> TimelineRow:
    """One deployment's row of the timeline."""
    world = pic.world
    deployment = next((d for d in world.deployments if d.ref == readiness.ref), None)
    contract = pic.contracts.get(readiness.contract_ref or "")
    critical = readiness.critical_part
    return TimelineRow(
        ref=readiness.ref,
        name=deployment.name if deployment is not None else None,
        site=world.site_name(readiness.site_id),
        status=readiness.status,
        contract_ref=readiness.contract_ref,
        customer=contract.customer if contract is not None else None,
        contract_start=contract.start_date if contract is not None else None,
        needed_by=readiness.needed_by,
        parts_complete=readiness.parts_complete,
        ready_date=readiness.ready_date,
        days_late=readiness.days_late,
        power_ready_date=readiness.power_ready_date,
        critical_part=critical,
        critical_label=part_words(critical) if critical else None,
        served=readiness.served,
        parts=tuple(_part(pic, readiness, p, p.part == critical) for p in readiness.parts),
    )


def timeline(pic: Picture, site: str | None = None) -> Timeline:
    """Every deployment (of ``site`` only, when named), soonest needed first (those without a
    needed-by date last), then by reference."""
    rows = [
        row(pic, readiness)
        for readiness in pic.deployments.values()
        if site is None or pic.world.site_name(readiness.site_id) == site
    ]
    rows.sort(key=lambda r: (r.needed_by is None, r.needed_by or dt.date.max, r.ref))
    sites = sorted({pic.world.site_name(r.site_id) for r in pic.deployments.values()})
    return Timeline(pic.as_of, pic.world.settings.install_buffer_days, rows, sites)


def readiness_timeline(
    session: Session, as_of: dt.date | None = None, site: str | None = None
) -> Timeline:
    """The readiness timeline as of a day (today by default)."""
    return timeline(figures.picture(session, as_of), site)


__all__ = [
    "POWER_READY",
    "PartLine",
    "Timeline",
    "TimelinePart",
    "TimelineRow",
    "WaitingLine",
    "readiness_timeline",
    "row",
    "timeline",
]
