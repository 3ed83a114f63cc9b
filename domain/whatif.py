"""What-if: move the supply dates of a vendor, an order or a line, and see what changes.

A slip moves the supply date of its target's open, dated units by a number of days
(negative: earlier). Received units never move; overdue and undated units stay as they are;
a moved date is never earlier than the as-of day. When several slips cover one line, the
most specific wins: a line over its order over its vendor (over a slip of everything).
Nothing here writes anything: it returns lines with moved ETAs for the rules to run again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import IntEnum

from domain.supply import Line, supply_date

MAX_SLIP_DAYS = 3650


class Scope(IntEnum):
    """How specific a slip's target is (higher wins)."""

    EVERYTHING = 0
    VENDOR = 1
    ORDER = 2
    LINE = 3


@dataclass(frozen=True, slots=True)
class Slip:
    """Move the open, dated units of a target by ``days``.

    ``scope`` with ``vendor_id`` (VENDOR), ``po_number`` (ORDER), ``po_number`` and
    ``line_no`` (LINE), or nothing (EVERYTHING); ``label`` is how the person named it."""

    scope: Scope
    days: int
    vendor_id: int | None = None
    po_number: str | None = None
    line_no: int | None = None
    label: str = ""

    def covers(self, line: Line) -> bool:
        if self.scope == Scope.EVERYTHING:
            return True
        if self.scope == Scope.VENDOR:
            return line.vendor_id == self.vendor_id
        if self.scope == Scope.ORDER:
            return line.po_number == self.po_number
        return line.po_number == self.po_number and line.line_no == self.line_no


def slip_for(line: Line, slips: Sequence[Slip]) -> Slip | None:
    """The most specific slip covering ``line`` (the last given wins a tie)."""
    best: Slip | None = None
    for slip in slips:
        if slip.covers(line) and (best is None or slip.scope >= best.scope):
            best = slip
    return best


@dataclass(frozen=True, slots=True)
class Move:
    """One line's open units moved: from its supply date to the new ETA."""

    line_id: int
    ref: str
    before: dt.date
    after: dt.date
    version: int


def moved_date(line: Line, slip: Slip, as_of: dt.date) -> dt.date | None:
    """The line's new supply date under ``slip`` (None: nothing of it moves)."""
    current = supply_date(line, as_of)
    if current is None or slip.days == 0:
        return None
    return max(current + dt.timedelta(days=slip.days), as_of)


def apply(
    lines: Iterable[Line], slips: Sequence[Slip], as_of: dt.date
) -> tuple[list[Line], list[Move]]:
    """The lines with their moved ETAs, and the moves made (lines whose date stays are the
    same objects)."""
    result: list[Line] = []
    moves: list[Move] = []
    for line in lines:
        slip = slip_for(line, slips) if slips else None
        after = moved_date(line, slip, as_of) if slip is not None else None
        before = supply_date(line, as_of)
        if after is None or before is None or after == before:
            result.append(line)
            continue
        result.append(replace(line, eta=after))
        moves.append(Move(line.id, line.ref, before, after, line.version))
    return result, moves
