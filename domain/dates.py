"""The range every date Rackbook keeps must fall in: one bound, asked by the import, the
dialogs, the command line and the exports (DESIGN.md §3's dates are procurement dates: an
order, a delivery, a contract term; none before 1990 or after 2100)."""

from __future__ import annotations

import datetime as dt

EARLIEST = dt.date(1990, 1, 1)
LATEST = dt.date(2100, 12, 31)


def out_of_range(value: dt.date) -> str | None:
    """Why ``value`` is refused as a date of Rackbook's (None when it is in range)."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if value < EARLIEST or value > LATEST:
        return (
            f"{value.isoformat()} is out of range: dates must fall between "
            f"{EARLIEST.isoformat()} and {LATEST.isoformat()}"
        )
    return None
