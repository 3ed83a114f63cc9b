"""Plain exports of every list: one sheet, the canonical field names of docs/import.md as headers.

Headers are the names the import knows without any mapping, and values keep their type (dates
as date cells, quantities as whole numbers, money exactly), so a plain export imports back
unchanged. Enumerations are written in words (``In production``, ``per GPU-hour``), which the
import reads back as their codes. Two names differ from the record's field:

* lead times: the record holds ``lead_days``; the import's header is ``lead_time`` and reads
  a bare number as days, so the column is ``lead_time`` holding whole days;
* ``export contracts`` writes the contract *summary* (README, command line); the plain list of
  contracts, the one that imports back, is ``export contract-list``.

Records stream from one Core ``SELECT`` (the same statement ``records.list_records`` runs), in
batches, so 100,000 order lines are never all in memory at once.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services import records
from services.exporting.cells import CellType, Column, WorkbookWriter
from services.schema import Field, Kind, kind

# Record field -> column header, where the import's canonical name differs from the record's.
HEADER_FOR_FIELD = {("leadtimes", "lead_days"): "lead_time"}
STREAM_BATCH = 2000


def header_for(kind_name: str, field_name: str) -> str:
    return HEADER_FOR_FIELD.get((kind_name, field_name), field_name)


def cell_type(field: Field) -> CellType:
    if field.type == "choice":
        return "text"
    if field.type == "int":
        return "int"
    return field.type


def list_columns(spec: Kind, field_names: Sequence[str] | None = None) -> list[Column]:
    """The columns of a plain export of ``spec``: canonical headers, exact values."""
    names = field_names or spec.field_names
    has_currency = "currency" in spec.field_names
    columns = []
    for name in names:
        field = spec.field(name)
        columns.append(
            Column(
                header_for(spec.name, name),
                cell_type(field),
                currency_from="currency" if field.type == "money" and has_currency else None,
                exact=True,
                wrap=name == "notes",
                words=field.type == "choice",
            )
        )
    return columns


def count_records(session: Session, kind_name: str) -> int:
    query = records.adapter(kind_name).select().order_by(None).subquery()
    return session.scalar(select(func.count()).select_from(query)) or 0


def stream_rows(
    session: Session, kind_name: str, field_names: Sequence[str]
) -> Iterator[Sequence[Any]]:
    """The values of ``field_names`` for every record of a kind, in the order
    ``records.list_records`` gives them, fetched in batches as plain tuples."""
    adapter = records.adapter(kind_name)
    if type(adapter).finish is not records.Adapter.finish:
        # This kind completes its records from other tables (vendor aliases): small lists,
        # read whole through the one shared function.
        for record in records.list_records(session, kind_name):
            yield [record.get(name) for name in field_names]
        return
    # On the session's connection: plain Core rows skip the ORM's result machinery, which
    # costs about as much as the query itself on 100,000 order lines.
    statement = adapter.select().execution_options(yield_per=STREAM_BATCH)
    result = session.connection().execute(statement)
    keys = list(result.keys())
    pick = itemgetter(*(keys.index(name) for name in field_names))
    if len(field_names) == 1:
        for row in result:
            yield (pick(row),)
        return
    for row in result:
        yield pick(row)


def export_list(session: Session, kind_name: str, book: WorkbookWriter) -> int:
    """Write the plain list of ``kind_name`` into ``book``; returns the number of rows."""
    spec = kind(kind_name)
    book.total_rows = count_records(session, spec.name)
    names = spec.field_names
    sheet = book.add_sheet(spec.label, list_columns(spec, names))
    sheet.header()
    write_row = sheet.write_row
    for values in stream_rows(session, spec.name, names):
        write_row(values)
    sheet.flush_progress()
    first, last = sheet.first_data_row, sheet.last_data_row
    return 0 if first is None or last is None else last - first + 1
