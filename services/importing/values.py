"""Cell values as vendors write them → typed record values (docs/import.md).

Every converter takes one raw cell (what python-calamine or the csv module gives: ``str``,
``float``, ``int``, ``bool``, ``date``, ``datetime``, ``timedelta`` or ``""``) and returns a
typed value or ``None`` (no value), or raises ``ValueProblem`` whose text says why, in words a
buyer reads. No other exception escapes a converter (a property test holds them to that).

Money and measures never pass through binary float arithmetic: a float cell is turned into a
Decimal through ``repr`` (the shortest text that round-trips), which is what Excel displayed.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache, partial
from typing import Any

from dateutil import parser as dateparser

from models import enums
from services.schema import Field
from services.validation import floats_fit


class ValueProblem(ValueError):
    """A cell that cannot be read as its field wants; the message is the reason."""


# Words that mean "no value yet" in a date, number or text column.
NO_VALUE_WORDS = frozenset(
    {
        "",
        "tbd",
        "tba",
        "tbc",
        "n/a",
        "na",
        "n.a.",
        "-",
        "--",
        "—",
        "–",
        "pending",
        "none",
        "null",
        "?",
        "unknown",
        "nil",
    }
)

# Excel's day zero (it counts 1900-02-29, so serials from 61 on are offset by this date).
EXCEL_EPOCH = dt.date(1899, 12, 30)
# Serial numbers of 1950-01-01 and 2199-12-31: anything outside is not a plausible date.
SERIAL_RANGE = (18264, 109574)


def is_blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and raw.strip().casefold() in NO_VALUE_WORDS)


def _float_text(value: float) -> str:
    if not math.isfinite(value):
        raise ValueProblem("is not a finite number")
    return repr(value)


# --- numbers ------------------------------------------------------------------------------

_CURRENCY_SIGNS = re.compile(
    r"[$€£¥₹]|\b(?:USD|EUR|GBP|JPY|CHF|CAD|AUD|CNY|SEK|NOK|DKK|SGD)\b", re.IGNORECASE
)
_GROUPED_POINT = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$")  # 1,234,567.89
_GROUPED_COMMA = re.compile(r"^\d{1,3}(?:\.\d{3})+(?:,\d+)?$")  # 1.234.567,89
_PLAIN = re.compile(r"^\d+(?:\.\d+)?$|^\.\d+$")
_SPACED = re.compile(r"(?<=\d)[\s\u00a0\u202f'](?=\d{3})")  # 1 234 567 and 1'234'567


def to_decimal(raw: Any, decimal_comma: bool = False) -> Decimal | None:
    """``$3,950,000.00``, ``1,152``, ``142.000,00`` (with ``decimal_comma``), ``(1,200)``."""
    if isinstance(raw, bool):
        raise ValueProblem("is yes/no, not a number")
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        return Decimal(_float_text(raw))
    if isinstance(raw, Decimal):
        if not raw.is_finite():
            raise ValueProblem("is not a finite number")
        return raw
    if not isinstance(raw, str):
        raise ValueProblem("is not a number")
    if is_blank(raw):
        return None
    return _number_text(raw, decimal_comma)


@lru_cache(maxsize=65536)
def _number_text(raw: str, decimal_comma: bool) -> Decimal:
    text = _CURRENCY_SIGNS.sub("", raw).strip()
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1].strip()
    if text.startswith(("-", "+")):
        negative, text = text[0] == "-", text[1:].strip()
    if text.endswith("-"):  # SAP writes 1,200.00-
        negative, text = True, text[:-1].strip()
    text = _SPACED.sub("", text)
    plain = _normalise_separators(text, decimal_comma)
    if plain is None:
        raise ValueProblem(
            "is not a number" if not decimal_comma else "is not a number (read with decimal commas)"
        )
    try:
        value = Decimal(plain)
    except InvalidOperation:
        raise ValueProblem("is not a number") from None
    return -value if negative else value


def _normalise_separators(text: str, decimal_comma: bool) -> str | None:
    """The number with ``.`` as decimal point and no grouping, or None when it is not one."""
    if _PLAIN.match(text):
        if decimal_comma and _GROUPED_COMMA.match(text):
            return text.replace(".", "")  # 1.234 read with decimal commas is 1234
        return text
    has_point, has_comma = "." in text, "," in text
    if has_point and has_comma:
        # Both separators: the last one is the decimal mark, whatever the option says.
        if text.rfind(",") > text.rfind("."):
            return text.replace(".", "").replace(",", ".") if _GROUPED_COMMA.match(text) else None
        return text.replace(",", "") if _GROUPED_POINT.match(text) else None
    if has_comma:
        if _GROUPED_POINT.match(text) and not decimal_comma:
            return text.replace(",", "")  # 1,152
        if re.fullmatch(r"\d*,\d+", text):
            return text.replace(",", ".")  # 1,5 can only be a decimal comma
        return None
    return None


def to_int(raw: Any, decimal_comma: bool = False) -> int | None:
    value = to_decimal(raw, decimal_comma)
    if value is None:
        return None
    if value != value.to_integral_value():
        raise ValueProblem("is not a whole number")
    if abs(value) > 2_000_000_000:
        raise ValueProblem("is too large")
    return int(value)


def to_percent(raw: Any, decimal_comma: bool = False) -> Decimal | None:
    """``5%``, ``5 %`` and ``5`` are all five per cent."""
    if isinstance(raw, str):
        text = raw.strip()
        if text.endswith("%"):
            text = text[:-1]
        raw = text
    return to_decimal(raw, decimal_comma)


# --- dates --------------------------------------------------------------------------------

_NUMERIC_DATE = re.compile(r"^(\d{1,4})([/.\-])(\d{1,2})\2(\d{1,4})$")
_DATE_TOKENS = re.compile(r"\d+|[^\W\d_]+")
_MONTH_WORDS = frozenset(
    m.casefold()
    for m in [
        "jan",
        "feb",
        "mar",
        "apr",
        "may",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "january",
        "february",
        "march",
        "april",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ]
)


def from_serial(serial: float) -> dt.date:
    if not SERIAL_RANGE[0] <= serial <= SERIAL_RANGE[1]:
        raise ValueProblem("is a number, not a date")
    return EXCEL_EPOCH + dt.timedelta(days=int(serial))


def to_date(raw: Any, dayfirst: bool = False) -> dt.date | None:
    """Date cells, Excel serials, ISO text, ``20-Apr-2027``, ``04/20/2027`` (month first unless
    ``dayfirst``; a dotted ``20.04.2027`` is always day first)."""
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, bool):
        raise ValueProblem("is yes/no, not a date")
    if isinstance(raw, int | float):
        if isinstance(raw, float) and not math.isfinite(raw):
            raise ValueProblem("is not a date")
        return from_serial(raw)
    if not isinstance(raw, str):
        raise ValueProblem("is not a date")
    if is_blank(raw):
        return None
    return _date_text(raw.strip(), dayfirst)


@lru_cache(maxsize=65536)
def _date_text(text: str, dayfirst: bool) -> dt.date:
    # ISO first: it is the common case and 100 times faster than dateutil (docs/traps.md).
    if len(text) >= 10 and text[4] == "-":
        try:
            return dt.date.fromisoformat(text[:10])
        except ValueError:
            pass
    if text.isdigit() and len(text) == 5:
        return from_serial(int(text))
    numeric = _NUMERIC_DATE.match(text)
    if numeric:
        return _numeric_date(numeric, dayfirst)
    tokens = _DATE_TOKENS.findall(text)
    words = [t for t in tokens if not t.isdigit()]
    # dateutil fills a missing day or year from today and, fuzzily, finds dates in any text
    # ("12 weeks ARO"); only a day, a month word and a year together make a date here.
    if len(tokens) != 3 or len(words) != 1 or words[0].casefold() not in _MONTH_WORDS:
        raise ValueProblem("is not a date")
    try:
        parsed = dateparser.parse(text, dayfirst=dayfirst, fuzzy=False)
    except (ValueError, OverflowError, TypeError):
        raise ValueProblem("is not a date") from None
    return parsed.date()


def _numeric_date(match: re.Match[str], dayfirst: bool) -> dt.date:
    first, sep, second, third = match.groups()
    if len(first) == 4:  # 2027/04/20
        year, month, day = int(first), int(second), int(third)
    else:
        a, b, year = int(first), int(second), int(third)
        if len(third) == 2:
            year += 2000
        elif len(third) != 4:
            raise ValueProblem("is not a date")
        day_first = dayfirst or sep == "."
        month, day = (b, a) if day_first else (a, b)
    try:
        return dt.date(year, month, day)
    except ValueError:
        order = "day first" if (dayfirst or sep == ".") else "month first"
        raise ValueProblem(f"is not a date (read {order})") from None


def numeric_date_order(raw: Any) -> str | None:
    """``"dayfirst"`` when a text date only makes sense day first (``14/11/2026``),
    ``"monthfirst"`` when only month first (``11/14/2026``), else None."""
    if not isinstance(raw, str):
        return None
    match = _NUMERIC_DATE.match(raw.strip())
    if not match or len(match.group(1)) == 4:
        return None
    a, b = int(match.group(1)), int(match.group(3))
    if a > 12 >= b:
        return "dayfirst"
    if b > 12 >= a:
        return "monthfirst"
    return None


# --- lead times, statuses, choices, yes/no, text -----------------------------------------

_LEAD_TIME = re.compile(
    r"^(\d+(?:[.,]\d+)?)(?:\s*(?:-|–|to)\s*(\d+(?:[.,]\d+)?))?\s*"
    r"(days?|d|weeks?|wks?|wk|w|months?|mos?|mths?|m)?\.?(?:\s+(?:aro|from po|after po))?$",
    re.IGNORECASE,
)
_UNIT_DAYS = {"d": 1, "w": 7, "m": 30}


def to_lead_days(raw: Any) -> int | None:
    """``16 weeks``, ``12-14 wks`` (the upper bound), ``90 days``, ``6 months`` (30 days a
    month) or a bare number of days."""
    if isinstance(raw, bool):
        raise ValueProblem("is yes/no, not a lead time")
    if isinstance(raw, int | float):
        if isinstance(raw, float) and (not math.isfinite(raw) or not raw.is_integer()):
            raise ValueProblem("is not a whole number of days")
        if not 0 <= raw <= 36500:
            raise ValueProblem("is not a lead time in days")
        return int(raw)
    if not isinstance(raw, str):
        raise ValueProblem("is not a lead time")
    if is_blank(raw):
        return None
    match = _LEAD_TIME.match(raw.strip())
    if not match:
        raise ValueProblem(
            "is not a lead time such as '16 weeks', '12-14 wks', '90 days' or '6 months'"
        )
    low, high, unit = match.groups()
    amount = Decimal((high or low).replace(",", "."))
    if len(str(int(amount))) > 5:
        raise ValueProblem("is not a lead time in days")
    per = _UNIT_DAYS[(unit or "d")[0].casefold()]
    return math.ceil(amount * per)


def word_key(text: str) -> str:
    """Case, spaces and punctuation ignored: ``In-Production`` → ``inproduction``."""
    return "".join(ch for ch in text.casefold() if ch.isalnum())


VENDOR_STATUS_WORDS: dict[str, tuple[str, ...]] = {
    "placed": ("open", "new", "placed", "submitted", "order received", "pending"),
    "confirmed": ("acknowledged", "confirmed", "accepted", "booked", "scheduled"),
    "in_production": ("in production", "in build", "manufacturing", "allocated"),
    "shipped": ("shipped", "in transit", "dispatched"),
    "partially_received": ("partially received", "partially delivered", "partial"),
    "received": ("received", "delivered", "complete", "completed", "closed"),
    "on_hold": ("on hold", "hold", "backordered", "back order"),
    "cancelled": ("cancelled", "canceled", "void", "voided"),
}
_LINE_STATUS = {word_key(s): s for s in enums.LINE_STATUSES} | {
    word_key(word): status for status, words in VENDOR_STATUS_WORDS.items() for word in words
}


def to_line_status(raw: Any) -> str | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if not isinstance(raw, str):
        raise ValueProblem("is not a status word")
    status = _LINE_STATUS.get(word_key(raw))
    if status is None:
        known = ", ".join(w for words in VENDOR_STATUS_WORDS.values() for w in words)
        raise ValueProblem(f"is not a status word Rackbook knows; known words: {known}")
    return status


def to_choice(raw: Any, choices: tuple[str, ...]) -> str | None:
    """``GPU System`` → ``gpu_system``; ``GPU hour`` → ``per_gpu_hour``."""
    if raw is None or (isinstance(raw, str) and is_blank(raw)):
        return None
    if not isinstance(raw, str):
        raise ValueProblem(f"is not one of: {', '.join(choices)}")
    key = word_key(raw)
    for choice in choices:
        if key in (word_key(choice), word_key(choice.removeprefix("per_"))):
            return choice
    raise ValueProblem(f"is not one of: {', '.join(choices)}")


_YES = frozenset({"yes", "y", "true", "x", "1", "on", "ja", "si", "oui"})
_NO = frozenset({"no", "n", "false", "0", "off", "nein"})


def to_bool(raw: Any) -> bool | None:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int | float) and raw in (0, 1):
        return bool(raw)
    if isinstance(raw, str):
        if not raw.strip():
            return None
        key = raw.strip().casefold()
        if key in _YES:
            return True
        if key in _NO:
            return False
    raise ValueProblem("is not yes or no")


def to_text(raw: Any) -> str | None:
    """Text as the vendor meant it: a SKU typed as 7060 comes back as ``7060``, not ``7060.0``."""
    if raw is None:
        return None
    if isinstance(raw, str):
        text = raw.strip()
        return text or None
    if isinstance(raw, bool):
        return "yes" if raw else "no"
    if isinstance(raw, float):
        if raw.is_integer() and abs(raw) < 1e16:
            return str(int(raw))
        return _float_text(raw)
    if isinstance(raw, int):
        return str(raw)
    if isinstance(raw, dt.datetime):
        return raw.date().isoformat() if raw.time() == dt.time() else raw.isoformat(" ")
    if isinstance(raw, dt.date):
        return raw.isoformat()
    if isinstance(raw, dt.timedelta | dt.time):
        return str(raw)
    raise ValueProblem("is not text")


def to_currency(raw: Any) -> str | None:
    text = to_text(raw)
    if text is None or is_blank(text):
        return None
    symbols = {"$": "USD", "US$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY"}
    return symbols.get(text, text.upper())


Converter = Callable[[Any], Any]


# --- choosing the converter of a field -----------------------------------------------------


@dataclass(frozen=True)
class ReadOptions:
    dayfirst: bool = False
    decimal_comma: bool = False
    # Rows hidden in the vendor's sheet are skipped (and listed) unless asked for.
    include_hidden: bool = False


def column_reader_for(
    spec_field: Field | None, name: str
) -> Callable[[list[Any]], list[Any] | None] | None:
    """A way to read a whole column at once where there is one, else None: a decimal or money
    column whose cells are all floats (a vendor's prices: 100,000 distinct values) is read by
    C-level ``map`` as ``to_decimal`` reads each, once ``validation.floats_fit`` says every
    one passes its type check. The reader gives None when it does not apply (other cells, a
    value to refuse): then the column is read cell by cell, which names each problem."""
    if spec_field is None or spec_field.type not in ("decimal", "money") or name.endswith("_pct"):
        return None
    return partial(_float_decimals, spec_field)


def _float_decimals(spec_field: Field, cells: list[Any]) -> list[Decimal] | None:
    if set(map(type, cells)) != {float}:
        return None
    # Few distinct values are read once each by the cell-by-cell path, as one object each.
    if 2 * len(set(cells)) < len(cells) or not floats_fit(spec_field, cells):
        return None
    return list(map(Decimal, map(repr, cells)))


def converter_for(
    kind_name: str, spec_field: Field | None, name: str, options: ReadOptions, dayfirst: bool
) -> Callable[[Any], Any]:
    """How a cell of field ``name`` of ``kind_name`` is read (the import's plan, and the
    audit trail's texts typed again when a change is put back)."""
    if name == "lead_time":
        return to_lead_days
    assert spec_field is not None
    if name == "status" and kind_name == "orders":
        return to_line_status
    if name == "currency":
        return to_currency
    kind_of = spec_field.type
    if kind_of == "choice":
        return lambda raw: to_choice(raw, spec_field.choices)
    if kind_of == "int":
        return lambda raw: to_int(raw, options.decimal_comma)
    if kind_of in ("decimal", "money"):
        if name.endswith("_pct"):
            return lambda raw: to_percent(raw, options.decimal_comma)
        return lambda raw: to_decimal(raw, options.decimal_comma)
    if kind_of == "date":
        return lambda raw: to_date(raw, dayfirst)
    if kind_of == "bool":
        return to_bool
    return to_text
