"""Sheet ``Readiness``: each deployment (one cluster at one site) with its needed-by date,
parts complete, ready date, days late and critical part, and its bill of parts beneath it:
needed, taken, missing, complete date and the order lines serving each part (or, for a
missing part, the lines it waits for). In the contract summary, and alone as
``export readiness``.

Every figure is the picture's (``domain.allocation``: the one pegging pass per site).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from domain import supply
from domain.allocation import DeploymentReadiness, PartReadiness, Peg
from domain.picture import Picture
from domain.statuses import is_on_hold
from services import figures
from services.exporting.cells import Column, WorkbookWriter
from services.exporting.sheets import (
    RED_FILL,
    shade_positive,
    shade_words,
    titled_sheet,
    write_table,
)
from services.words import part_words, words

READINESS_COLUMNS = (
    Column("Deployment"),
    Column("Name"),
    Column("Site"),
    Column("Contract"),
    Column("Status"),
    Column("Needed by", "date"),
    Column("Parts complete", "date"),
    Column("Ready date", "date"),
    Column("Days late", "int"),
    Column("Critical part"),
    Column("Part"),
    Column("Needed", "int"),
    Column("Taken", "int"),
    Column("Missing", "int"),
    Column("Complete date", "date"),
    Column("Lines serving it", wrap=True, wrap_width=46),
)
DAYS_LATE_COL, MISSING_COL = 8, 13
# Where a deployment cannot complete: its dates are not known while a part is missing.
NOT_YET = "not yet"


def _take_text(take: Peg) -> str:
    how = "received" if take.received else "due"
    units = f"{take.units:,} unit{'' if take.units == 1 else 's'}"
    return f"{take.ref}: {units} {how} {take.date.isoformat()}"


def _waiting_text(pic: Picture, line_id: int) -> str:
    line = pic.line(line_id)
    if line is None:
        return ""
    if is_on_hold(line.status):
        why = "on hold"
    elif supply.is_overdue(line, pic.as_of):
        days = supply.overdue_days(line, pic.as_of)
        why = f"overdue {days:,} day{'' if days == 1 else 's'}"
    else:
        why = "no date yet"
    return f"{line.ref} ({why})"


def part_lines(pic: Picture, part: PartReadiness) -> str:
    """The lines a part takes, then, while it lacks units, the lines it waits for."""
    shown = [_take_text(take) for take in part.takes]
    if part.missing > 0:
        waits = [text for text in (_waiting_text(pic, i) for i in part.waiting_on) if text]
        shown.append("waits for " + ", ".join(waits) if waits else "no line supplies it")
    return "\n".join(shown)


def _deployment_row(pic: Picture, found: DeploymentReadiness, name: str | None) -> list[Any]:
    complete: Any = found.parts_complete
    ready: Any = found.ready_date
    late: Any = found.days_late
    if found.served and found.parts_complete is None:
        complete, ready = NOT_YET, NOT_YET
        late = "unknown" if found.needed_by is not None else None
    return [
        found.ref,
        name,
        pic.world.site_name(found.site_id),
        found.contract_ref,
        words(found.status) + ("" if found.served else " (not served)"),
        found.needed_by,
        complete,
        ready,
        late,
        part_words(found.critical_part) if found.critical_part else None,
    ]


def readiness_rows(pic: Picture) -> list[list[Any]]:
    """One row per deployment (by reference), its parts beneath it, then its power."""
    names = {d.ref: d.name for d in pic.world.deployments}
    rows: list[list[Any]] = []
    blank = [None] * 10
    for ref in sorted(pic.deployments):
        found = pic.deployments[ref]
        rows.append([*_deployment_row(pic, found, names.get(ref)), *[None] * 6])
        for part in found.parts:
            rows.append(
                [
                    *blank,
                    part_words(part.part),
                    part.needed,
                    part.taken,
                    part.missing,
                    part.complete_date,
                    part_lines(pic, part) or None,
                ]
            )
        if found.power_ready_date is not None:
            rows.append(
                [*blank, part_words("power_ready"), None, None, None, found.power_ready_date, None]
            )
    return rows


def readiness_sheet(book: WorkbookWriter, heading: str, pic: Picture) -> int:
    """Write sheet ``Readiness``; returns the number of deployments."""
    buffer = pic.world.settings.install_buffer_days
    sheet = titled_sheet(
        book,
        "Readiness",
        READINESS_COLUMNS,
        f"Cluster readiness {heading}",
        (
            "A cluster is as ready as its latest part: parts complete = the latest complete "
            "date of its parts and its power; ready date = parts complete + "
            f"{buffer} days' installation. Days late = parts complete − needed by.",
            "Overdue and undated units supply nothing: a part they would serve is missing "
            f"until the vendor gives a new date ({NOT_YET!r}: a part is missing).",
        ),
    )
    rows = readiness_rows(pic)
    write_table(sheet, rows)
    if not rows:
        sheet.title("No deployments are recorded yet.", bold=False)
    shade_positive(book, sheet, DAYS_LATE_COL)
    shade_positive(book, sheet, MISSING_COL)
    for col in (6, 7):
        shade_words(book, sheet, col, {NOT_YET: RED_FILL})
    return len(pic.deployments)


def export_readiness(
    session: Session, book: WorkbookWriter, *, as_of: dt.date, database_name: str
) -> int:
    """``export readiness``: the Readiness sheet of the contract summary, alone."""
    pic = figures.picture(session, as_of)
    book.total_rows = len(pic.deployments)
    return readiness_sheet(book, f"as of {as_of.isoformat()} — database {database_name}", pic)
