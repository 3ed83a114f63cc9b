"""How values look on screen and how typed text becomes values again, in the user's locale.

Money stays Decimal: it is formatted by Python's exact decimal formatting and only the
separators are taken from the locale (QLocale's number formatting goes through double).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from PySide6.QtCore import QDate, QLocale

from services.words import words


def locale() -> QLocale:
    return QLocale()


@lru_cache(maxsize=1)
def _separators() -> tuple[str, str]:
    # Asked for every number painted: the locale's separators are read once (the window
    # does not change its locale while it runs; dates are cached the same way below).
    loc = locale()
    return loc.groupSeparator(), loc.decimalPoint()


def _localise(text: str) -> str:
    """Swap Python's ``,`` grouping and ``.`` decimal point for the locale's."""
    group, point = _separators()
    if group == "," and point == ".":
        return text
    return text.replace(",", "\x00").replace(".", point).replace("\x00", group)


def money(value: Decimal | None, currency: str | None = None) -> str:
    if value is None:
        return ""
    text = _localise(format(value, ",.2f"))
    return f"{text} {currency}" if currency else text


def money_entry(value: Decimal | None) -> str:
    """Money as an editor shows it: grouped, at least two decimals, never a digit dropped
    (``3,920,000.00``; a price of ``2.355`` stays so)."""
    if value is None:
        return ""
    exponent = value.normalize().as_tuple().exponent
    places = max(2, -exponent) if isinstance(exponent, int) else 2
    return _localise(format(value, f",.{places}f"))


_UNITS = ((Decimal(10) ** 9, "bn"), (Decimal(10) ** 6, "M"), (Decimal(10) ** 3, "k"))


def compact_money(value: Decimal | None, currency: str | None = None) -> str:
    """Money where room is short (a dashboard tile): ``285.9 M USD``; the exact amount is
    ``money``'s, shown beside it in a tooltip."""
    if value is None:
        return ""
    for size, unit in _UNITS:
        if abs(value) >= size:
            scaled = (value / size).quantize(Decimal("0.1"))
            text = f"{_localise(format(scaled, ',f'))} {unit}"
            return f"{text} {currency}" if currency else text
    return money(value, currency)


def number(value: Decimal | int | None) -> str:
    if value is None:
        return ""
    if isinstance(value, int):
        return _localise(format(value, ","))
    plain = value.normalize()
    if plain == plain.to_integral_value():
        return _localise(format(plain.quantize(Decimal(1)), ","))
    return _localise(format(plain, ",f"))


def counted(count: int, word: str) -> str:
    """``1 line``, ``3 lines``, ``1,200 rows``: a number of things, in the locale's digits."""
    return f"{number(count)} {word}{'' if count == 1 else 's'}"


def plain_number(value: Decimal | int | None) -> str:
    """A number as an editor shows it: no grouping, the locale's decimal point."""
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    text = format(value.normalize(), "f")
    return text.replace(".", _separators()[1])


def date(value: dt.date | None) -> str:
    if value is None:
        return ""
    return _date_text(value)


@lru_cache(maxsize=8192)
def _date_text(value: dt.date) -> str:
    # A list repeats few distinct dates; formatting each once keeps painting cheap.
    return locale().toString(QDate(value.year, value.month, value.day), date_format())


@lru_cache(maxsize=1)
def date_format() -> str:
    """The locale's short date with a four-digit year (a typed ``26`` is ambiguous); ISO
    where the system has no real locale (C/POSIX would show "3 08 2025")."""
    if locale().language() == QLocale.Language.C:
        return "yyyy-MM-dd"
    short = locale().dateFormat(QLocale.FormatType.ShortFormat)
    return short if "yyyy" in short else short.replace("yy", "yyyy")


def day_first() -> bool:
    """Whether the person's locale writes the day before the month (20/04/2027)."""
    return date_format().lower().lstrip("'").startswith("d")


def when(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    return f"{date(value.date())} {value:%H:%M}"


def lower_words(text: str) -> str:
    """A title in running text: ``Order lines`` → ``order lines``, but ``PPAs`` and ``FX
    rates`` keep their capitals (an abbreviation is never lowercased)."""
    return " ".join(
        word if sum(c.isupper() for c in word) > 1 else word.lower() for word in text.split(" ")
    )


def choice(value: str | None) -> str:
    """An enumeration value as words, as the exports write it: ``in_production`` ->
    ``In production``, ``per_gpu_hour`` -> ``per GPU-hour`` (``services.words``)."""
    return words(value)


def display(kind: str, value: Any, currency: str | None = None) -> str:
    """Any record value as text, by its field type."""
    if value is None:
        return ""
    if kind == "money":
        return money(value, currency)
    if kind in ("int", "decimal"):
        return number(value)
    if kind == "date":
        return date(value)
    if kind == "bool":
        return "yes" if value else "no"
    if kind == "choice":
        return choice(value)
    return str(value)


class NotANumber(ValueError):
    pass


def parse_decimal(text: str) -> Decimal | None:
    """Typed text as a Decimal (locale separators, spaces and a leading currency sign allowed)."""
    loc = locale()
    cleaned = text.strip().replace(" ", "").replace("\u00a0", "").lstrip("$€£")
    if not cleaned:
        return None
    cleaned = cleaned.replace(loc.groupSeparator(), "").replace(loc.decimalPoint(), ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise NotANumber(text) from None
    if not value.is_finite():
        raise NotANumber(text)
    return value


def parse_int(text: str) -> int | None:
    value = parse_decimal(text)
    if value is None:
        return None
    if value != value.to_integral_value():
        raise NotANumber(text)
    return int(value)
