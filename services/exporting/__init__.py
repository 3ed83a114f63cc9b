"""Excel exports (docs/architecture.md): the contract summary, every list, import templates.

The command line (``export KIND OUT.xlsx [--as-of DATE]``) and the window call the same
functions here:

* :func:`export` writes one of :data:`EXPORT_KINDS` from a session or an open database:
  ``contracts`` is the contract summary, ``readiness`` its Readiness sheet alone, ``cash``
  the cash out per month (narrowed by :class:`CashOptions`); the plain lists are named
  after their kind (``orders``, ``vendors``…, ``alerts``), except the plain list of
  contracts, which is ``contract-list`` (the one that imports back); ``template-KIND`` is an
  import template;
* :func:`export_rows` writes exactly the rows and columns given (what a list screen shows);
* :func:`export_order` writes one purchase order as a document for its vendor;
* :func:`columns_for` gives the columns of a kind's fields, for :func:`export_rows`.

Every workbook is written by XlsxWriter in constant-memory mode through
:mod:`services.exporting.cells`, which keeps text inert (no formula injection), dates as dates
and money exact, streams rows, reports progress and honours a cancel flag. A finished export
replaces the target file in one step; a cancelled or failed one leaves it untouched.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy.orm import Session

from models.database import Database, display_name
from services.errors import UsageError
from services.exporting.cells import (
    Cancel,
    CellType,
    Column,
    ExportCancelled,
    Progress,
    WorkbookWriter,
    sheet_name,
)
from services.exporting.lists import export_list, list_columns
from services.exporting.templates import export_template, template_kinds
from services.schema import KINDS, kind

__all__ = [
    "AS_OF_KINDS",
    "EXPORT_KINDS",
    "CashOptions",
    "Column",
    "ExportCancelled",
    "ExportKind",
    "ExportResult",
    "columns_for",
    "export",
    "export_kind",
    "export_order",
    "export_rows",
]


@dataclass(frozen=True)
class ExportKind:
    """Something that can be exported: its name on the command line and its label."""

    name: str
    label: str
    group: str  # "summary", "list" or "template"


@dataclass(frozen=True)
class ExportResult:
    path: Path
    rows: int
    sheets: tuple[str, ...]
    # Anything the person should know (text cut to fit a cell); empty when all went in whole.
    warnings: tuple[str, ...] = ()


# Plain lists: the record kind behind each list export name.
LIST_EXPORTS: dict[str, str] = {
    "orders": "orders",
    "vendors": "vendors",
    "products": "products",
    "leadtimes": "leadtimes",
    "sites": "sites",
    "ppas": "ppas",
    "contract-list": "contracts",
    "customers": "customers",
    "fxrates": "fxrates",
    "site_capacity": "site_capacity",
    "deployments": "deployments",
    "deployment_parts": "deployment_parts",
}

EXPORT_KINDS: tuple[ExportKind, ...] = (
    ExportKind("contracts", "Contract summary", "summary"),
    ExportKind("readiness", "Cluster readiness", "summary"),
    ExportKind("cash", "Cash out per month", "summary"),
    *(
        ExportKind(
            name,
            "Contracts (plain list)" if name == "contract-list" else KINDS[record_kind].label,
            "list",
        )
        for name, record_kind in LIST_EXPORTS.items()
    ),
    ExportKind("alerts", "Alerts", "list"),
    *(
        ExportKind(f"template-{k}", f"Import template: {KINDS[k].label.lower()}", "template")
        for k in template_kinds()
    ),
)
EXPORT_KINDS_BY_NAME = {k.name: k for k in EXPORT_KINDS}
# The exports whose figures are computed as of a day.
AS_OF_KINDS = ("contracts", "readiness", "cash", "alerts")


@dataclass(frozen=True)
class CashOptions:
    """What ``export cash`` narrows to, as the ``cash`` command does: one vendor (name or
    alias), one site, and how many months ahead (default: the setting)."""

    vendor: str | None = None
    site: str | None = None
    months: int | None = None

    def given(self) -> bool:
        return any(v is not None for v in (self.vendor, self.site, self.months))


class _Flag(Protocol):
    def is_set(self) -> bool: ...


def export_kind(name: str) -> ExportKind:
    found = EXPORT_KINDS_BY_NAME.get(name)
    if found is None:
        raise UsageError(
            f"cannot export {name!r}; choose one of: {', '.join(k.name for k in EXPORT_KINDS)}"
        )
    return found


def _cancel_callable(cancel: Cancel | _Flag | None) -> Cancel | None:
    if cancel is None or callable(cancel):
        return cancel
    return cancel.is_set


def export(
    source: Session | Database,
    kind_name: str,
    path: Path | str,
    *,
    as_of: dt.date | None = None,
    progress: Progress | None = None,
    cancel: Cancel | _Flag | None = None,
    database_name: str | None = None,
    cash: CashOptions | None = None,
) -> ExportResult:
    """Write ``kind_name`` (one of :data:`EXPORT_KINDS`) to ``path`` (.xlsx).

    ``source`` is a session (the caller's read transaction) or an open database (a read
    session is opened for the export). ``progress(done, total)`` is called as rows are written;
    ``cancel`` (a function returning True, or a ``threading.Event``) stops the export with
    :class:`ExportCancelled` and leaves any existing file at ``path`` as it was. ``cash``
    narrows ``export cash`` (vendor, site, months); any other kind refuses it.
    """
    spec = export_kind(kind_name)
    if cash is not None and cash.given() and spec.name != "cash":
        raise UsageError("a vendor, a site or a number of months narrows export cash only")
    if cash is not None and cash.months is not None and not 1 <= cash.months <= 120:
        raise UsageError(f"months {cash.months}: give 1 to 120 months")
    if isinstance(source, Database):
        with source.session() as session:
            return export(
                session,
                kind_name,
                path,
                as_of=as_of,
                progress=progress,
                cancel=cancel,
                database_name=database_name or source.name,
                cash=cash,
            )
    session = source
    if database_name is None:
        bind = session.get_bind()
        database_name = display_name(bind.engine.url)
    day = as_of or dt.date.today()
    with WorkbookWriter(Path(path), progress=progress, cancel=_cancel_callable(cancel)) as book:
        # Every printed page says what it is, when and from which database.
        book.heading = f"exported {dt.date.today().isoformat()} — database {database_name}"
        if spec.group == "template":
            rows = export_template(session, spec.name.removeprefix("template-"), book)
        elif spec.name == "contracts":
            from services.exporting.summary import export_summary

            rows = export_summary(session, book, as_of=day, database_name=database_name)
        elif spec.name == "readiness":
            from services.exporting.readiness import export_readiness

            rows = export_readiness(session, book, as_of=day, database_name=database_name)
        elif spec.name == "cash":
            from services.exporting.cash import export_cash

            options = cash or CashOptions()
            rows = export_cash(
                session,
                book,
                as_of=day,
                database_name=database_name,
                vendor=options.vendor,
                site=options.site,
                months=options.months,
            )
        elif spec.name == "alerts":
            from services.exporting.summary import export_alert_list

            rows = export_alert_list(session, book, as_of=day, database_name=database_name)
        else:
            rows = export_list(session, LIST_EXPORTS[spec.name], book)
        sheets = tuple(ws.name for ws in book.book.worksheets())
        book.commit()
        return ExportResult(Path(path), rows, sheets, tuple(book.warnings))


def export_order(
    source: Session | Database,
    po_number: str,
    path: Path | str,
    *,
    issued_by: str | None = None,
    buyer_name: str | None = None,
) -> ExportResult:
    """Write purchase order ``po_number`` as the document its vendor acts on to ``path``
    (.xlsx), recorded as sent by ``issued_by`` (services.exporting.purchase_order); an
    unknown order number is a NotFoundError, an incomplete one a DocumentIncomplete."""
    from services.exporting.purchase_order import produce

    if isinstance(source, Database):
        with source.write() as session:
            return export_order(
                session, po_number, path, issued_by=issued_by, buyer_name=buyer_name
            )
    user = issued_by or "rackbook"
    document = produce(source, po_number.strip(), path, user=user, buyer_name=buyer_name)
    return ExportResult(Path(path), len(document.lines), (sheet_name(document.po_number),))


def columns_for(kind_name: str, field_names: Sequence[str] | None = None) -> list[Column]:
    """The columns a plain export of ``kind_name`` uses, for :func:`export_rows`."""
    return list_columns(kind(kind_name), field_names)


def export_rows(
    path: Path | str,
    columns: Sequence[Column | str | tuple[str, CellType]],
    rows: Iterable[Sequence[Any] | Mapping[str, Any]],
    *,
    sheet: str = "Export",
    title: str | None = None,
    fields: Sequence[str] | None = None,
    total_rows: int = 0,
    progress: Progress | None = None,
    cancel: Cancel | _Flag | None = None,
) -> ExportResult:
    """Write exactly these rows and columns (what a list screen shows) to ``path``.

    ``columns`` are :class:`Column` objects, or headers (text columns), or (header, type)
    pairs. ``rows`` are sequences in column order, or mappings read by ``fields`` (one field
    name per column; mappings also feed per-row currency formats).
    """
    cols = [_column(c) for c in columns]
    if fields is not None and len(fields) != len(cols):
        raise UsageError("export_rows: give one field name per column")
    with WorkbookWriter(
        Path(path), progress=progress, cancel=_cancel_callable(cancel), total_rows=total_rows
    ) as book:
        writer = book.add_sheet(sheet, cols)
        if title:
            writer.title(title, size=13)
            writer.skip()
        writer.header()
        count = 0
        get: Callable[[Any], Sequence[Any]]
        if fields is not None:
            names = list(fields)

            def get(row: Any) -> Sequence[Any]:
                return [row.get(n) for n in names]

        else:

            def get(row: Any) -> Sequence[Any]:
                return list(row)

        for row in rows:
            writer.write_row(get(row), row if isinstance(row, Mapping) else None)
            count += 1
        book.commit()
        return ExportResult(Path(path), count, (writer.name,), tuple(book.warnings))


def _column(spec: Column | str | tuple[str, CellType]) -> Column:
    if isinstance(spec, Column):
        return spec
    if isinstance(spec, str):
        return Column(spec)
    header, cell_type = spec
    return Column(header, cell_type)
