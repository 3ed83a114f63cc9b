"""The readiness timeline's lanes and words: a lane per deployment and per part (bars to the
day its parts are complete, the install span, needed-by and contract markers, each line's
date), their tooltips, the legend and the dates the timeline spans. Pure drawing data: the
screen (``readiness_screen``) puts them in its chart."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from services.timeline import POWER_READY, TimelinePart, TimelineRow
from ui import format as fmt
from ui.charts import BLUE, GREEN, GREY, ORANGE, PURPLE, RED, Lane, Marker, Span

POWER_WORDS = "Power energised"
DARK = "#263238"
MUTED = "#546e7a"
RECEIVED = "#78909c"
PALE_GREEN = "#a5d6a7"
# How far back the timeline looks at most (parts received long ago sit at its left edge),
# and at least how far ahead.
LOOK_BACK = dt.timedelta(days=120)
LOOK_AHEAD = dt.timedelta(days=90)

LEGEND = (
    f'<span style="color:{GREEN}">■</span> parts arriving (on time) &nbsp; '
    f'<span style="color:{ORANGE}">■</span> late &nbsp; '
    f'<span style="color:{RED}">▨</span> cannot complete &nbsp; '
    f'<span style="color:{PALE_GREEN}">■</span> install, to the ready date &nbsp; '
    f'<span style="color:{DARK}"><b>|</b></span> needed by &nbsp; '
    f'<span style="color:{PURPLE}">◆</span> contract starts &nbsp; '
    f'<span style="color:{BLUE}">●</span> a line\'s ETA &nbsp; '
    f'<span style="color:{RECEIVED}">●</span> received &nbsp; '
    f'<span style="color:{RED}">✕</span> overdue line (its date passed) &nbsp; '
    f'<span style="color:{RED}"><b>bold red</b></span>: the critical part'
)


def _days(count: int) -> str:
    return fmt.counted(count, "day")


def _tone(row: TimelineRow) -> str:
    """The colour of a deployment's bar: on time, late, unable to complete, not served."""
    if not row.served:
        return GREY
    if not row.can_complete:
        return RED
    return ORANGE if row.days_late else GREEN


def status_words(row: TimelineRow) -> str:
    """How a deployment stands, in a few words (the note after its bar)."""
    if not row.served:
        return f"not served ({fmt.choice(row.status).lower()})"
    if not row.can_complete:
        return "cannot complete"
    if row.days_late:
        return f"{_days(row.days_late)} late"
    return "on time" if row.needed_by is not None else "no date to meet"


def line_words(part: TimelinePart) -> str:
    taken = [
        f"{line.ref} ({line.vendor}) ×{fmt.number(line.units)} "
        + ("received " if line.received else "ETA ")
        + fmt.date(line.date)
        for line in part.lines
    ]
    return "; ".join(taken)


def waiting_words(part: TimelinePart) -> str:
    found = []
    for line in part.waiting:
        if line.why == "overdue":
            when = f"overdue since {fmt.date(line.expected_date)} ({_days(line.days_overdue)})"
        else:
            when = line.why
        found.append(f"{line.ref} ({line.vendor}) ×{fmt.number(line.units)} {when}")
    return "; ".join(found)


def part_tip(row: TimelineRow, part: TimelinePart) -> str:
    text = (
        f"{part.label} for {row.ref}: {fmt.number(part.needed)} needed, "
        f"{fmt.number(part.taken)} taken"
    )
    if part.missing > 0:
        text += f", {fmt.number(part.missing)} missing: it cannot complete"
    else:
        text += f", complete {fmt.date(part.complete_date)}"
        if part.late:
            text += f", after the needed-by date {fmt.date(row.needed_by)}"
    text += "."
    if part.critical:
        text += " The part holding the cluster up."
    if part.lines:
        text += f"\nLines: {line_words(part)}."
    if part.waiting:
        text += f"\nWaiting for: {waiting_words(part)}."
    elif part.missing > 0:
        text += "\nNo order line at the site can bring it: order it."
    if part.line_ids:
        text += "\nClick to see its order lines."
    return text


def deployment_tip(row: TimelineRow, buffer_days: int) -> str:
    who = f" — {row.name}" if row.name else ""
    served = ""
    if row.contract_ref:
        served = f", for {row.contract_ref}"
        if row.customer:
            served += f" ({row.customer})"
        if row.contract_start:
            served += f", starting {fmt.date(row.contract_start)}"
    lines = [f"{row.ref}{who} at {row.site}{served}."]
    lines.append(f"Needed by {fmt.date(row.needed_by)}." if row.needed_by else "No needed-by date.")
    if row.can_complete:
        lines.append(
            f"Parts complete {fmt.date(row.parts_complete)}; ready {fmt.date(row.ready_date)} "
            f"(install buffer {_days(buffer_days)}): {status_words(row)}."
        )
    else:
        lines.append("It cannot complete: a part is missing units.")
    if row.critical_label:
        lines.append(f"Held up by: {row.critical_label}.")
    return "\n".join(lines)


def _part_lane(row: TimelineRow, part: TimelinePart, as_of: dt.date) -> Lane:
    colour = RED if part.critical and row.at_risk else (ORANGE if part.late else GREEN)
    spans = []
    markers = []
    dates = [line.date for line in part.lines]
    if dates:
        end = part.complete_date if part.can_complete else max(dates)
        spans.append(Span(min(dates), end or max(dates), colour if part.can_complete else ORANGE))
    if not part.can_complete:
        spans.append(Span(max([as_of, *dates]), None, RED))
    for line in part.lines:
        markers.append(Marker(line.date, "o", RECEIVED if line.received else BLUE, 7))
    for waiting in part.waiting:
        if waiting.expected_date is not None:
            markers.append(Marker(waiting.expected_date, "x", RED, 9))
    note = ""
    if part.missing > 0:
        note = f"{fmt.number(part.missing)} of {fmt.number(part.needed)} missing"
    label = f"{part.label} ×{fmt.number(part.needed)}"
    return Lane(
        key=("part", row.ref, part.part),
        label=label,
        spans=spans,
        markers=markers,
        note=note,
        bold=part.critical,
        color=(RED if row.at_risk else DARK) if part.critical else MUTED,
        tip=part_tip(row, part),
    )


def _power_lane(row: TimelineRow, as_of: dt.date) -> Lane:
    day = row.power_ready_date
    assert day is not None
    critical = row.critical_part == POWER_READY
    late = row.needed_by is not None and day > row.needed_by
    colour = RED if critical and row.at_risk else (ORANGE if late else GREEN)
    spans = [Span(as_of, day, colour)] if day > as_of else []
    tip = f"Power energised {fmt.date(day)} for {row.ref}."
    if critical:
        tip += " It comes after every part: power holds the cluster up."
    return Lane(
        key=("power", row.ref),
        label=POWER_WORDS,
        spans=spans,
        markers=[Marker(day, "s", colour, 8)],
        bold=critical,
        color=(RED if row.at_risk else DARK) if critical else MUTED,
        tip=tip,
    )


def lanes_of(rows: Sequence[TimelineRow], as_of: dt.date, buffer_days: int) -> list[Lane]:
    """The timeline's lanes: each deployment's row, then its parts (and its power when a
    date is set for it)."""
    lanes = []
    for row in rows:
        colour = _tone(row)
        take_dates = [line.date for part in row.parts for line in part.lines]
        start = min([as_of, *take_dates])
        spans = []
        if row.parts_complete is not None:
            spans.append(Span(start, row.parts_complete, colour))
            if row.ready_date is not None and row.ready_date > row.parts_complete:
                spans.append(Span(row.parts_complete, row.ready_date, colour, pale=True))
        elif row.served:
            # What does come, in pale; from then on it cannot complete.
            last = max([as_of, *take_dates])
            if last > start:
                spans.append(Span(start, last, RED, pale=True))
            spans.append(Span(last, None, RED))
        markers = []
        if row.needed_by is not None:
            markers.append(Marker(row.needed_by, "|", DARK, 12))
        if row.contract_start is not None:
            markers.append(Marker(row.contract_start, "d", PURPLE, 10))
        label = row.ref + (f" · {row.contract_ref}" if row.contract_ref else "")
        lanes.append(
            Lane(
                key=("deployment", row.ref),
                label=label,
                spans=spans,
                markers=markers,
                note=status_words(row),
                bold=True,
                color=RED if row.at_risk else DARK,
                tip=deployment_tip(row, buffer_days),
                header=True,
            )
        )
        for part in row.parts:
            lanes.append(_part_lane(row, part, as_of))
        if row.power_ready_date is not None:
            lanes.append(_power_lane(row, as_of))
    return lanes


def date_range(rows: Sequence[TimelineRow], as_of: dt.date) -> tuple[dt.date, dt.date]:
    """The days the timeline spans: from a little before today (at most ``LOOK_BACK``) to
    past its last date, with room for the notes after the bars."""
    dates: list[dt.date] = []
    for row in rows:
        for day in (
            row.needed_by,
            row.contract_start,
            row.parts_complete,
            row.ready_date,
            row.power_ready_date,
        ):
            if day is not None:
                dates.append(day)
        for part in row.parts:
            dates.extend(line.date for line in part.lines)
            dates.extend(w.expected_date for w in part.waiting if w.expected_date is not None)
    first = max(min([*dates, as_of - dt.timedelta(days=30)]), as_of - LOOK_BACK)
    last = max([*dates, as_of + LOOK_AHEAD])
    room = dt.timedelta(days=max(21, (last - first).days // 6))
    return first - dt.timedelta(days=7), last + room
