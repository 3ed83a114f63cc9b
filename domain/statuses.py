"""What each order line status counts for: one table, asked by every figure.

| status | open units supply | can be overdue, chased | open order value | cash milestones |
| --- | --- | --- | --- | --- |
| draft | no (not an order yet) | no | no | no |
| placed … partially_received | yes, at their supply date | yes | yes | yes |
| on_hold | no: undated, shown as on hold | no (listed as on hold, not late) | yes | yes, undated |
| received | no open units | no | no | yes (past ones paid) |
| cancelled | no open units | no | no | no |
"""

from __future__ import annotations

from enum import StrEnum


class LineStatus(StrEnum):
    DRAFT = "draft"
    PLACED = "placed"
    CONFIRMED = "confirmed"
    IN_PRODUCTION = "in_production"
    SHIPPED = "shipped"
    PARTIALLY_RECEIVED = "partially_received"
    RECEIVED = "received"
    ON_HOLD = "on_hold"
    CANCELLED = "cancelled"


# Placed with the vendor and on its way: open units supply at their date, can be overdue.
IN_FLIGHT = frozenset(
    {
        LineStatus.PLACED,
        LineStatus.CONFIRMED,
        LineStatus.IN_PRODUCTION,
        LineStatus.SHIPPED,
        LineStatus.PARTIALLY_RECEIVED,
    }
)
# Statuses whose lines have no open units whatever their quantities say.
NO_OPEN_UNITS = frozenset({LineStatus.DRAFT, LineStatus.RECEIVED, LineStatus.CANCELLED})
# Lines closed by the buyer: fewer units received than ordered means closed short.
CLOSED = frozenset({LineStatus.RECEIVED, LineStatus.CANCELLED})


def has_open_units(status: str) -> bool:
    """Whether a line in ``status`` can have units still to come (draft: not an order yet)."""
    return status not in NO_OPEN_UNITS


def open_units_supply(status: str) -> bool:
    """Whether open units of a line in ``status`` supply at their date (on hold: undated)."""
    return status in IN_FLIGHT


def can_be_overdue(status: str) -> bool:
    """Whether a line in ``status`` can be overdue and chased (on hold is listed as on hold)."""
    return status in IN_FLIGHT


def counts_in_open_value(status: str) -> bool:
    return status in IN_FLIGHT or status == LineStatus.ON_HOLD


def counts_for_cash(status: str) -> bool:
    return status in IN_FLIGHT or status in (LineStatus.ON_HOLD, LineStatus.RECEIVED)


def is_on_hold(status: str) -> bool:
    return status == LineStatus.ON_HOLD


def status_words(status: str) -> str:
    """A status as a buyer reads it: ``in_production`` → ``in production``."""
    return status.replace("_", " ")
