"""The one validation per kind: the rules of docs/import.md that apply to a single record.

The import, the command line and the edit dialogs all call ``validate`` so a rule holds
everywhere. Each function takes a complete record (canonical names, typed values) and returns
the problems found; an empty list means the record may be written.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from itertools import repeat
from math import isfinite
from operator import itemgetter, ne
from typing import Any

from confusable_homoglyphs.confusables import confusables_data as _CONFUSABLES

from domain import dates
from domain.money import ScheduleError, parse_schedule
from domain.statuses import LineStatus
from services.errors import Problem
from services.schema import Field, Kind, kind

Record = dict[str, Any]
_CURRENCY = re.compile(r"^[A-Z]{3}$")
TEXT_LIMITS = {
    "notes": 10_000,
    "description": 255,
    "contact": 255,
    "aliases": 2_000,
    "address": 1_000,
    "ship_to_address": 1_000,
}
DEFAULT_TEXT_LIMIT = 120


# Per scale: the smallest step a stored value keeps, and the first value too large for the
# 18 digits of the scaled BIGINT it is stored as (models.base.ScaledDecimal).
_QUANTUM = {scale: Decimal(1).scaleb(-scale) for scale in range(0, 10)}
_LARGEST = {scale: Decimal(10) ** (18 - scale) for scale in range(0, 10)}


def _type_problem(field: Field, value: Any) -> str | None:
    if field.type in ("text", "choice"):
        if not isinstance(value, str):
            return "must be text"
        limit = TEXT_LIMITS.get(field.name, DEFAULT_TEXT_LIMIT)
        if len(value) > limit:
            return f"is {len(value)} characters long; at most {limit} fit"
        if field.type == "choice" and value not in field.choices:
            return f"is not one of: {', '.join(field.choices)}"
    elif field.type == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            return "must be a whole number"
    elif field.type in ("decimal", "money"):
        if isinstance(value, bool) or not isinstance(value, Decimal | int):
            return "must be a number"
        if isinstance(value, Decimal):
            if not value.is_finite():
                return "must be a finite number"
            # Places that would be lost when stored (trailing zeros are not: 1.50000 is 1.5).
            try:
                exact = value.quantize(_QUANTUM[field.scale]) == value
            except InvalidOperation:  # more digits than a decimal holds: too large, below
                exact = True
            if not exact:
                return f"has more than {field.scale} decimal places"
            if abs(value) >= _LARGEST[field.scale]:
                return "is too large"
    elif field.type == "date":
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            return "must be a date"
        if dates.out_of_range(value) is not None:
            return f"must fall between {dates.EARLIEST} and {dates.LATEST}"
    elif field.type == "bool" and not isinstance(value, bool):
        return "must be yes or no"
    return None


def check_fields(spec: Kind, record: Record) -> list[Problem]:
    """Required fields present and every value of its field's type."""
    problems: list[Problem] = []
    for field in spec.writable:
        value = record.get(field.name)
        if value is None or value == "":
            if field.required:
                problems.append(Problem(field.name, value, "is required"))
            continue
        reason = _type_problem(field, value)
        if reason:
            problems.append(Problem(field.name, value, f"{field.title} {reason}"))
    return problems


def _at_least(
    record: Record, name: str, minimum: Decimal | int, strict: bool = False
) -> str | None:
    value = record.get(name)
    if value is None or isinstance(value, bool) or not isinstance(value, int | Decimal):
        return None
    if strict and value <= minimum:
        return f"must be more than {minimum}"
    if not strict and value < minimum:
        return f"must not be below {minimum}"
    return None


def _percent(record: Record, problems: list[Problem], *names: str) -> None:
    for name in names:
        value = record.get(name)
        if (
            isinstance(value, Decimal | int)
            and not isinstance(value, bool)
            and not (0 <= value <= 100)
        ):
            problems.append(Problem(name, value, "must be a percentage between 0 and 100"))


def _non_negative(record: Record, problems: list[Problem], *names: str) -> None:
    # _at_least(record, name, 0) for each name, without a call per name (an import checks
    # 100,000 records): a whole number or decimal below 0 (never a bool or text).
    for name in names:
        value: Any = record.get(name)
        if value.__class__ in _NUMBERS and value < 0:
            problems.append(Problem(name, value, "must not be below 0"))


_NUMBERS: frozenset[type[Any]] = frozenset((int, Decimal))


def _currency(record: Record, problems: list[Problem]) -> None:
    value = record.get("currency")
    if not isinstance(value, str) or not value or value in _CODES_SEEN:
        return
    if _CURRENCY.match(value):
        _CODES_SEEN.add(value)  # an import checks the same few codes 100,000 times
    else:
        problems.append(
            Problem("currency", value, "must be a three-letter ISO code such as USD or EUR")
        )


_CODES_SEEN: set[str] = set()


def _dates_in_order(
    record: Record, problems: list[Problem], first: str, later: str, strict: bool, why: str
) -> None:
    a, b = record.get(first), record.get(later)
    if isinstance(a, dt.date) and isinstance(b, dt.date) and (b <= a if strict else b < a):
        problems.append(Problem(later, b.isoformat(), why.format(a=a.isoformat())))


def _sites(r: Record, p: list[Problem]) -> None:
    _non_negative(r, p, "grid_capacity_mw")
    pue = r.get("pue")
    if isinstance(pue, Decimal) and not (Decimal(1) <= pue <= Decimal(3)):
        p.append(Problem("pue", pue, "PUE must be between 1.0 and 3.0"))


@lru_cache(maxsize=256)
def schedule_problem(text: str) -> str | None:
    """Why a payment schedule cannot be read (domain.money.parse_schedule), or None. An
    import checks the same few schedules on 100,000 lines: each text is read once."""
    try:
        parse_schedule(text)
    except ScheduleError as exc:
        return str(exc)
    return None


# The eleven rules of Incoterms 2020; a vendor's Incoterms name one, then usually a place.
INCOTERMS = ("EXW", "FCA", "CPT", "CIP", "DAP", "DPU", "DDP", "FAS", "FOB", "CFR", "CIF")


def _vendors(r: Record, p: list[Problem]) -> None:
    terms = r.get("incoterms")
    if isinstance(terms, str) and terms.strip():
        rule = terms.split()[0].rstrip(",").upper()
        if rule not in INCOTERMS:
            p.append(
                Problem(
                    "incoterms",
                    terms,
                    f"Incoterms must start with one of {', '.join(INCOTERMS)} "
                    "(then the place, as in DAP Panther Creek, PA)",
                )
            )
    _payment_schedule(r, p)


def _payment_schedule(record: Record, problems: list[Problem]) -> None:
    text = record.get("payment_schedule")
    if isinstance(text, str) and text.strip():
        reason = schedule_problem(text)
        if reason:
            problems.append(Problem("payment_schedule", text, f"Payment schedule: {reason}"))


def _products(r: Record, p: list[Problem]) -> None:
    _non_negative(r, p, "gpus_per_unit", "kw_per_unit", "list_price")
    model = r.get("gpu_model")
    gpus = r.get("gpus_per_unit")
    if model and isinstance(gpus, int) and gpus == 0:
        p.append(
            Problem(
                "gpu_model",
                model,
                f"a GPU model ({model}) is for products with GPUs; this one has 0 GPUs per "
                "unit (give its GPUs per unit, or leave the GPU model blank)",
            )
        )
    _currency(r, p)


def _leadtimes(r: Record, p: list[Problem]) -> None:
    days = r.get("lead_days")
    if isinstance(days, int) and not 0 < days <= 3650:
        p.append(Problem("lead_days", days, "a lead time must be between 1 day and 10 years"))
    _dates_in_order(r, p, "quote_date", "valid_until", False, "is before the quote date {a}")


def _orders(r: Record, p: list[Problem]) -> None:
    # A rule added here must also make _orders_sieve hold back the lines it may refuse.
    quantity = r.get("quantity")
    line = r.get("line")
    if isinstance(line, int) and line < 1:
        p.append(Problem("line", line, "line numbers start at 1"))
    if isinstance(quantity, int) and quantity <= 0:
        p.append(Problem("quantity", quantity, "quantity must be more than 0"))
    _non_negative(r, p, "unit_price", "received_qty")
    received = r.get("received_qty") or 0
    if received and isinstance(received, int):  # most lines have received nothing yet
        if isinstance(quantity, int) and received > quantity > 0:
            p.append(
                Problem("received_qty", received, f"more units received than ordered ({quantity})")
            )
        if received > 0 and not r.get("received_date"):
            p.append(Problem("received_date", None, "received units need the date they arrived"))
    status = r.get("status")
    if (
        status == LineStatus.RECEIVED
        and isinstance(received, int)
        and isinstance(quantity, int)
        and received < quantity
    ):
        p.append(
            Problem("status", status, f"only {received} of {quantity} units have been received")
        )
    if r.get("promised_date") is not None:
        _dates_in_order(
            r,
            p,
            "order_date",
            "promised_date",
            False,
            "the promised date is before the order date {a}",
        )
    if r.get("received_date") is not None:
        _dates_in_order(
            r,
            p,
            "order_date",
            "received_date",
            False,
            "goods cannot arrive before the order date {a}",
        )
    _currency(r, p)
    if r.get("payment_schedule"):  # most lines take their vendor's
        _payment_schedule(r, p)


def _ppas(r: Record, p: list[Problem]) -> None:
    reason = _at_least(r, "capacity_mw", 0, strict=True)
    if reason:
        p.append(Problem("capacity_mw", r["capacity_mw"], reason))
    _non_negative(r, p, "price_per_mwh", "notice_days")
    _percent(r, p, "renewable_pct", "take_or_pay_pct")
    esc = r.get("escalation_pct")
    if isinstance(esc, Decimal | int) and not -50 <= esc <= 100:
        p.append(Problem("escalation_pct", esc, "escalation must be between -50 % and 100 %"))
    _dates_in_order(
        r, p, "start_date", "end_date", True, "the end date must be after the start {a}"
    )
    _currency(r, p)


def _customers(r: Record, p: list[Problem]) -> None:
    return None


def _contracts(r: Record, p: list[Problem]) -> None:
    _non_negative(r, p, "price", "committed_gpus", "committed_mw", "notice_days")
    _percent(r, p, "sla_uptime_pct")
    _dates_in_order(
        r, p, "start_date", "end_date", True, "the end date must be after the start {a}"
    )
    unit = r.get("price_unit")
    if unit == "per_gpu_hour" and not r.get("committed_gpus"):
        p.append(Problem("committed_gpus", None, "a price per GPU-hour needs committed GPUs"))
    if unit == "per_kw_month" and not r.get("committed_mw"):
        p.append(Problem("committed_mw", None, "a price per kW-month needs committed MW"))
    for name in ("late_credit_per_day", "late_credit_cap"):
        value: Any = r.get(name)
        if value.__class__ in _NUMBERS and value < 0:
            p.append(Problem(name, value, "a late credit cannot be negative"))
    credits = [n for n in ("late_credit_per_day", "late_credit_cap") if r.get(n) is not None]
    if credits and not r.get("currency"):
        p.append(
            Problem(
                "currency",
                None,
                "a late credit is money the operator owes: give the contract's currency",
            )
        )
    _currency(r, p)


def _site_capacity(r: Record, p: list[Problem]) -> None:
    grid: Any = r.get("grid_mw")
    if grid.__class__ in _NUMBERS and grid < 0:
        p.append(Problem("grid_mw", grid, "a grid capacity cannot be negative"))


def _deployments(r: Record, p: list[Problem]) -> None:
    return None


def _deployment_parts(r: Record, p: list[Problem]) -> None:
    quantity = r.get("quantity")
    if isinstance(quantity, int) and not isinstance(quantity, bool) and quantity <= 0:
        p.append(Problem("quantity", quantity, "quantity must be more than 0"))


def _fxrates(r: Record, p: list[Problem]) -> None:
    reason = _at_least(r, "rate", 0, strict=True)
    if reason:
        p.append(Problem("rate", r["rate"], reason))
    _currency(r, p)


RULES: dict[str, Callable[[Record, list[Problem]], None]] = {
    "sites": _sites,
    "vendors": _vendors,
    "products": _products,
    "leadtimes": _leadtimes,
    "orders": _orders,
    "ppas": _ppas,
    "customers": _customers,
    "contracts": _contracts,
    "fxrates": _fxrates,
    "site_capacity": _site_capacity,
    "deployments": _deployments,
    "deployment_parts": _deployment_parts,
}


def validate(kind_name: str, record: Record) -> list[Problem]:
    """Every problem with ``record`` as a ``kind_name`` record; empty when it may be written."""
    spec = kind(kind_name)
    problems = check_fields(spec, record)
    if not problems:
        RULES[kind_name](record, problems)
        return problems
    bad_fields = {p.field for p in problems}
    # Cross-field rules only look at fields that passed the type checks.
    clean = {k: v for k, v in record.items() if k not in bad_fields}
    RULES[kind_name](clean, problems)
    return problems


def validate_typed(kind_name: str, record: Record) -> list[Problem]:
    """``validate`` for a complete record (``records.complete``) whose every non-empty value
    is already known to pass its field's type check (``type_problem``): the import checks
    each distinct cell value once per column, so per row only the required fields and the
    cross-field rules remain. Gives the same problems as ``validate`` for such a record."""
    return typed_validator(kind_name)(record)


def typed_validator(kind_name: str) -> Callable[[Record], list[Problem]]:
    """``validate_typed`` for one kind, its required fields and rules looked up once (an
    import calls it for 100,000 records)."""
    found = _TYPED.get(kind_name)
    if found is not None:
        return found
    names, values = _required(kind_name)
    rule = RULES[kind_name]

    def check(record: Record) -> list[Problem]:
        given = values(record)
        problems = (
            [
                Problem(name, record.get(name), "is required")
                for name in names
                if record.get(name) is None or record.get(name) == ""
            ]
            if None in given or "" in given
            else []
        )
        rule(record, problems)
        return problems

    _TYPED[kind_name] = check
    return check


_TYPED: dict[str, Callable[[Record], list[Problem]]] = {}


def typed_block_validator(kind_name: str) -> Callable[[list[Record]], list[list[Problem]]]:
    """``typed_validator`` for many records at once: each record's problems, in order (a
    list of its own each). Where the kind has a sieve (``_SIEVES``), the records it lets
    through are the ones the required-field check and the kind's rule would find nothing
    in, so only the others are checked one by one: a first import of 100,000 order lines
    checks a handful instead of calling the rule 100,000 times."""
    check = typed_validator(kind_name)
    sieve = _SIEVES.get(kind_name)
    _, required = _required(kind_name)

    def check_block(records: list[Record]) -> list[list[Problem]]:
        if sieve is None:
            return list(map(check, records))
        return [
            [] if passes else check(r)
            for passes, r in zip(sieve(records, required), records, strict=True)
        ]

    return check_block


# The fields ``_orders`` looks at, and what makes a line need it (``_orders_sieve``).
_ORDER_SIEVED = (
    "line",
    "quantity",
    "unit_price",
    "received_qty",
    "received_date",
    "status",
    "promised_date",
    "order_date",
    "currency",
    "payment_schedule",
)


def _orders_sieve(
    records: list[Record], required: Callable[[Record], tuple[Any, ...]]
) -> list[bool]:
    """For each order line, True when neither the required-field check nor ``_orders``
    can find a problem in it: whole line number and quantity of at least 1, prices not
    below 0, nothing received, a promised date not before the order date, a currency code
    already seen valid, no schedule of its own. Any doubt (another type, a receipt, a
    schedule) says False, and the line is checked in full: this only ever says less than
    the rule (tests/services/test_validation_block.py holds it to the rule). ``required``:
    the kind's required values of a record (``_required``)."""
    fields = itemgetter(*_ORDER_SIEVED)
    seen = _CODES_SEEN
    received_status = LineStatus.RECEIVED
    date = dt.date
    numbers = _NUMBERS
    passes: list[bool] = []
    append = passes.append
    try:
        rows = zip(map(fields, records), map(required, records), strict=True)
        for (line, qty, price, recv, rdate, status, prom, odate, cur, pay), values in rows:
            append(
                not (
                    None in values
                    or "" in values
                    or (line is not None and not (line.__class__ is int and line >= 1))
                    or (qty is not None and not (qty.__class__ is int and qty > 0))
                    or (price.__class__ in numbers and price < 0)
                    or recv
                    or rdate is not None
                    or status == received_status
                    or (
                        prom is not None
                        and odate is not None
                        and not (
                            prom.__class__ is date and odate.__class__ is date and prom >= odate
                        )
                    )
                    or (cur is not None and (cur.__class__ is not str or cur not in seen))
                    or pay
                )
            )
    except (KeyError, TypeError):  # a record without every field: each checked in full
        return [False] * len(records)
    return passes


# Kinds whose new records' checks go a block at a time (``typed_block_validator``).
_SIEVES: dict[str, Callable[[list[Record], Callable[[Record], tuple[Any, ...]]], list[bool]]] = {
    "orders": _orders_sieve,
}


def floats_fit(field: Field, cells: Sequence[float]) -> bool:
    """Whether every float of ``cells``, read as the decimal it shows (``Decimal(repr(x))``,
    as ``values.to_decimal`` reads it), passes ``type_problem`` for the decimal or money
    ``field``: a finite number, no more places than the field's scale, below its largest.
    Checked by whole column at C speed (a price column holds 100,000 distinct values), with
    the same answer as the value-by-value check (tests/services/test_validation_floats.py)."""
    if not all(map(isfinite, cells)):
        return False
    # A float keeps within ``scale`` places exactly when rounding it there gives it back:
    # its shortest decimal form (repr) has no more places.
    if any(map(ne, map(round, cells, repeat(field.scale)), cells)):
        return False
    # Far below the largest, where a float and the decimal it shows cannot fall on either
    # side of it (nearer, the value-by-value check decides).
    return not cells or max(map(abs, cells)) < _LARGEST[field.scale] / 2


def type_problem(field: Field, value: Any) -> str | None:
    """Why ``value`` is not a valid ``field`` value (its type, length, choices, scale), or
    None; empty values are the required check's business."""
    if value is None or value == "":
        return None
    return _type_problem(field, value)


_REQUIRED: dict[str, tuple[tuple[str, ...], Callable[[Record], tuple[Any, ...]]]] = {}


def _required(kind_name: str) -> tuple[tuple[str, ...], Callable[[Record], tuple[Any, ...]]]:
    """The kind's required fields, and a C-level getter of their values as a tuple (from a
    complete record, which holds every field)."""
    found = _REQUIRED.get(kind_name)
    if found is None:
        names = tuple(f.name for f in kind(kind_name).writable if f.required)
        getter = itemgetter(*names) if len(names) > 1 else lambda r: (r[names[0]],)
        found = _REQUIRED[kind_name] = (names, getter)
    return found


# --- text as typed: control characters, invisible characters, look-alike names ----------

# The fields that name a record: a new name differing from an existing one only by look-alike
# characters is refused (``lookalike``).
NAME_FIELDS: dict[str, str] = {
    "vendors": "name",
    "sites": "name",
    "customers": "name",
    "products": "sku",
}

# Line breaks and tabs are kept in text (an address, notes); every other control character
# (escape sequences, NUL, bells) and every invisible format character (zero-width spaces and
# joiners, bidirectional controls, the byte-order mark) is dropped.
_KEPT_CONTROLS = frozenset("\n\t")


def _dropped(char: str) -> bool:
    return unicodedata.category(char) in ("Cc", "Cf") and char not in _KEPT_CONTROLS


def clean_text(value: str) -> str:
    """``value`` NFC-normalised, with control and invisible format characters removed (a
    carriage return before a line break goes too)."""
    if value.isascii() and value.isprintable():
        return value  # the common case, at C speed
    value = unicodedata.normalize("NFC", value.replace("\r\n", "\n"))
    return "".join(c for c in value if not _dropped(c))


def name_skeleton(name: str) -> str:
    """What a name looks like, for comparing names by eye: compatibility forms folded
    (fullwidth Ａ is A), invisible characters gone, every character that Unicode's confusables
    list says looks like a Latin one taken as that one (Cyrillic а is a), case and spacing
    ignored."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    shown: list[str] = []
    for char in folded:
        if _dropped(char):
            continue
        if not char.isascii():
            # Its small form, else its capital, may look like a Latin letter (small в looks
            # like nothing Latin, capital В like B).
            for form in (char, char.upper()):
                latin = [a["c"] for a in _CONFUSABLES.get(form, ()) if a["c"].isascii()]
                if latin:
                    char = latin[0].casefold()
                    break
        shown.append(char)
    return " ".join("".join(shown).split())


def lookalike(kind_name: str, name: str, existing: Iterable[str]) -> Problem | None:
    """The problem with naming a new or renamed record ``name`` when one of ``existing``
    looks the same but is spelt with other characters (None: no such name)."""
    field_name = NAME_FIELDS[kind_name]
    mine = name_skeleton(name)
    plain = " ".join(name.split()).casefold()
    for other in existing:
        if " ".join(other.split()).casefold() == plain:
            continue  # the same name: the kind's own "already exists" check says so
        if name_skeleton(other) == mine:
            return Problem(
                field_name,
                name,
                f"{name!r} looks the same as the existing {kind(kind_name).singular.lower()} "
                f"{other!r} but is spelt with other characters (look-alike letters from "
                "another alphabet, fullwidth or invisible characters); use the existing one, "
                "or type the name in plain letters",
            )
    return None


def printable(text: str) -> str:
    """``text`` safe to print on a terminal: control and invisible characters shown as
    escapes (``\\x1b``, ``\\u202e``), never sent raw."""
    if text.isprintable() or not any(_dropped(c) for c in text):
        return text
    return "".join(
        c if not _dropped(c) else c.encode("unicode_escape").decode("ascii") for c in text
    )
