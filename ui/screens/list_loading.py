"""A list's rows as the loading task prepares them: records to row tuples, their marks by the
alert rules, the search text and sort keys, so the main thread only swaps lists."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from services.schema import KINDS
from ui.tables.kinds import LISTS
from ui.tables.model import Column, haystack_for, sort_keys

Record = dict[str, Any]

# Pause between showing the first rows and reading all of them (see ListScreen.refresh).
FULL_LOAD_DELAY_MS = 30

# From this many rows a loaded list is worth a garbage collection as it lands (see _loaded).
BIG_LIST = 20_000

# Fields every list row carries besides the kind's own (see services.records adapters).
_EXTRA = {"orders": ("order_id", "gpus_per_unit")}

# Lists whose footer adds up money (in the reporting currency).
_MONEY_TOTALS = frozenset({"orders"})


@dataclass
class Loaded:
    names: tuple[str, ...]
    rows: list[tuple[Any, ...]]
    marks: list[Any]
    haystack: list[str]
    complete: bool
    searched: list[str]
    keys: list[list[Any]] | None = None
    # The marks of every record of the kind (services.marks.RowMarks), when evaluated.
    row_marks: Any = None
    # Amounts to the reporting currency (services.figures.Converter), with a whole list.
    money: Any = None


def _extra_fields(kind_name: str) -> tuple[str, ...]:
    """A row's fields besides the kind's own: the adapters' and the list's extra columns'
    (with the fields naming their currencies)."""
    extra = LISTS[kind_name].extra if kind_name in LISTS else ()
    shown = tuple(c.name for c in extra) + tuple(c.currency for c in extra if c.currency)
    return (*_EXTRA.get(kind_name, ()), *shown)


def prepare(
    session: Any,
    kind_name: str,
    found: list[Record],
    searched: list[str],
    complete: bool,
    columns: list[Column] | None = None,
    evaluate_marks: bool | None = None,
    known_marks: Any = None,
) -> Loaded:
    """Records -> row tuples, their marks and search text: done in the loading task, so the
    main thread only swaps lists.

    The marks come from the alert rules, evaluated once per load (``evaluate_marks``, by
    default with a whole list). Without evaluating, rows take the ``known_marks`` (the
    marks of the load before, services.marks.RowMarks) until fresh ones arrive."""
    from services import lists

    if found:
        names = tuple(found[0])
    else:
        names = ("id", "version", *KINDS[kind_name].field_names, *_extra_fields(kind_name))
    if "attachments" not in names:  # a first page, or a detail's rows: files not counted
        names = (*names, "attachments")
    rows = [tuple(record.get(n) for n in names) for record in found]
    row_marks = None
    marks: list[Any]
    if complete if evaluate_marks is None else evaluate_marks:
        from services.marks import row_marks as evaluate

        row_marks = evaluate(session, kind_name)
        marks = row_marks.for_rows(names, rows)
    elif known_marks is not None:
        marks = known_marks.for_rows(names, rows)
    else:
        marks = [None] * len(rows)
    money = lists.converter(session) if complete and kind_name in _MONEY_TOTALS else None
    keys = sort_keys(columns, names, rows) if columns is not None else None
    return Loaded(
        names,
        rows,
        marks,
        haystack_for(names, rows, searched),
        complete,
        searched,
        keys,
        row_marks,
        money,
    )
