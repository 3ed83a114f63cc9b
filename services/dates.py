"""A date typed by a person, read by the import's own rule: one rule for the import, the edit
dialogs, the new-order grid and the list filters.

``read_date`` takes what the import takes (ISO ``2027-04-20``, ``20-Apr-2027``,
``04/20/2027``, ``20.04.2027``, Excel serials) through ``services.importing.values.to_date``.
A numeric date is read day first when only that makes sense (``15/06/2027``: 15 can only be a
day) or when the person's locale writes the day first; month first otherwise. An impossible
date (``2027-02-30``) is refused with a reason naming the month; no date is ever rolled over
into the next month.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from domain.dates import EARLIEST, LATEST, out_of_range
from services.importing.values import ValueProblem, numeric_date_order, to_date

# Year, month and day in ISO order (2027-02-30) or a numeric date (30/02/2027, 02/30/2027).
_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")
_NUMERIC = re.compile(r"^\s*(\d{1,2})([/.\-])(\d{1,2})\2(\d{2}|\d{4})\s*$")


__all__ = ["EARLIEST", "LATEST", "DateReading", "day_first_for", "out_of_range", "read_date"]


@dataclass(frozen=True)
class DateReading:
    """What a typed text says: a date, no date (blank), or why it is no date."""

    text: str
    value: dt.date | None
    problem: str | None = None
    # "day first" or "month first" when the text was a numeric date like 04/05/2027.
    order: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def day_first_for(text: str, locale_day_first: bool) -> bool:
    """Whether ``text`` is read day first: when only that makes sense, else as the locale
    writes dates (a dotted ``20.04.2027`` is always day first)."""
    order = numeric_date_order(text)
    if order == "dayfirst":
        return True
    if order == "monthfirst":
        return False
    match = _NUMERIC.match(text)
    if match and match.group(2) == ".":
        return True
    return locale_day_first


def _impossible(year: int, month: int, day: int) -> str | None:
    """Why year/month/day is no date (None when it is one)."""
    if not 1 <= month <= 12:
        return f"there is no month {month}"
    if not 1 <= year <= 9999:
        return f"the year {year} is out of range"
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        name = calendar.month_name[month]
        return f"{name} {year} has {last} days"
    return None


def read_date(text: str, *, locale_day_first: bool = False) -> DateReading:
    """``text`` as a date (None when blank or a no-value word such as ``TBD``), or the reason
    it is none. Never rolls an impossible day into the next month."""
    stripped = (text or "").strip()
    dayfirst = day_first_for(stripped, locale_day_first)
    numeric = _NUMERIC.match(stripped)
    order = ("day first" if dayfirst else "month first") if numeric else None
    iso = _ISO.match(stripped)
    parts: tuple[int, int, int] | None = None
    if iso:
        parts = (int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
    elif numeric:
        a, b, year = int(numeric.group(1)), int(numeric.group(3)), int(numeric.group(4))
        if len(numeric.group(4)) == 2:
            year += 2000
        month, day = (b, a) if dayfirst else (a, b)
        parts = (year, month, day)
    if parts is not None:
        reason = _impossible(*parts)
        if reason is not None:
            read = f" (read {order})" if order else ""
            return DateReading(stripped, None, f"{stripped} is not a date{read}: {reason}", order)
    try:
        value = to_date(stripped, dayfirst)
    except ValueProblem as problem:
        return DateReading(stripped, None, f"{stripped} {problem}", order)
    if value is not None:
        reason = out_of_range(value)
        if reason is not None:
            return DateReading(stripped, None, reason, order)
    return DateReading(stripped, value, None, order)
