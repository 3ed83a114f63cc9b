"""Plain exports of every list: one sheet, the canonical field names of DESIGN.md §5 as headers.

Headers are the names the import knows without any mapping, and values keep their type (dates
as date cells, quantities as whole numbers, money exactly), so a plain export imports back
unchanged. Two names differ from the record's field:

* lead times: the record holds ``lead_days``; the import's header is ``lead_time`` and reads
  a bare number as days, so the column is ``lead_time`` holding whole days;
* ``export contracts`` writes the contract *summary* (DESIGN.md §7); the plain list of
  contracts, the one that imports back, is ``export contract-list``.

Records stream from one Core ``SELECT`` (the same statement ``records.list_records`` runs), in
batches, so 100,000 order lines are never all in memory at once.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services import records
from services.exporting.cells import CellType, Column, SheetWriter, WorkbookWriter
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
            )
        )
    return columns


def count_records(session: Session, kind_name: str) -> int:
    query = records.adapter(kind_name).select().order_by(None).subquery()
    return session.scalar(select(func.count()).select_from(query)) or 0


def stream_records(session: Session, kind_name: str) -> Iterator[dict[str, Any]]:
    """Every record of a kind, as ``records.list_records`` gives them, fetched in batches."""
    adapter = records.adapter(kind_name)
    if type(adapter).finish is not records.Adapter.finish:
        # This kind completes its records from other tables (vendor aliases): small lists,
        # read whole through the one shared function.
        yield from records.list_records(session, kind_name)
        return
    result = session.execute(adapter.select().execution_options(yield_per=STREAM_BATCH))
    keys = list(result.keys())
    for row in result:
        yield dict(zip(keys, row, strict=True))


def write_list_sheet(
    book: WorkbookWriter,
    sheet_name: str,
    spec: Kind,
    rows: Iterator[dict[str, Any]],
    field_names: Sequence[str] | None = None,
) -> SheetWriter:
    names = list(field_names or spec.field_names)
    sheet = book.add_sheet(sheet_name, list_columns(spec, names))
    sheet.header()
    for record in rows:
        sheet.write_row([record.get(name) for name in names], record)
    return sheet


def export_list(session: Session, kind_name: str, book: WorkbookWriter) -> int:
    """Write the plain list of ``kind_name`` into ``book``; returns the number of rows."""
    spec = kind(kind_name)
    book.total_rows = count_records(session, spec.name)
    sheet = write_list_sheet(book, spec.label, spec, stream_records(session, spec.name))
    sheet.flush_progress()
    first, last = sheet.first_data_row, sheet.last_data_row
    return 0 if first is None or last is None else last - first + 1
