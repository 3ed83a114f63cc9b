"""An import run whole (the command line's, the tests'): every sheet a request names
read, matched, planned and written in the caller's transaction (``import_file``), and the
commit and undo of one batch with the files they keep. The window's wizard drives the same
steps one page at a time (``services.importing``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from services.collector import collector_paused
from services.errors import RackbookError, UsageError
from services.importing import writer
from services.importing.headers import (
    Mapping,
    Profile,
    choose_sheets,
    find_profile,
    header_signature,
    match_headers,
    parse_overrides,
    save_profile,
)
from services.importing.named import NamedVendor, named_vendor
from services.importing.plan import Known, Plan, plan_import, vendor_names
from services.importing.read import ReadAhead, Sheet, Workbook
from services.importing.values import ReadOptions
from services.importing.writer import BatchResult, UndoResult
from services.schema import IMPORT_KINDS

VENDOR_KINDS = ("products", "leadtimes", "orders")


@dataclass
class ImportRequest:
    """What the person asked for (the command line's options, the wizard's choices)."""

    kind: str | None = None
    sheet: str | None = None
    vendor: str | None = None
    overrides: dict[str, str] = field(default_factory=dict)
    dayfirst: bool = False
    # None: decimal commas presumed in a semicolon-separated CSV only.
    decimal_comma: bool | None = None
    skip_invalid: bool = False
    # Rows hidden in the vendor's sheet are skipped (and listed) unless this is set.
    include_hidden: bool = False
    profile: str | None = None
    save_profile: str | None = None

    @classmethod
    def from_map_options(cls, maps: list[str], **kw: Any) -> ImportRequest:
        return cls(overrides=parse_overrides(maps), **kw)


@dataclass
class SheetReport:
    plan: Plan
    result: BatchResult | None = None


@dataclass
class ImportReport:
    file: str
    format: str
    notes: list[str]
    sheets: list[SheetReport]
    # Sheets not imported because an earlier sheet was rejected (all or nothing).
    not_reached: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.not_reached and all(s.result is not None for s in self.sheets)

    @property
    def rejected(self) -> int:
        return sum(s.plan.count("rejected") for s in self.sheets)


def import_file(
    session: Session,
    path: str | Path,
    request: ImportRequest,
    user: str,
    *,
    progress: Callable[[int, int], None] | None = None,
    cancel: Callable[[], bool] | None = None,
    ahead: ReadAhead | None = None,
) -> ImportReport:
    """Plan and write every sheet the request names (or every sheet that fits), in the
    session's transaction. The caller commits when ``report.ok`` (and not a dry run), and
    rolls back otherwise: in all-or-nothing mode a rejected row leaves ``report.ok`` false.
    ``ahead``: the file, already being read (``read.ReadAhead`` of ``path`` and the
    request's sheet).

    The cyclic garbage collector stays paused from the read to the last write (the steps
    pause it each on their own; between them it would walk the sheet's cells and the plan's
    rows again: measured, a third of a second of a 100,000-line import)."""
    with collector_paused():
        return _import_file(session, path, request, user, progress, cancel, ahead)


def _import_file(
    session: Session,
    path: str | Path,
    request: ImportRequest,
    user: str,
    progress: Callable[[int, int], None] | None,
    cancel: Callable[[], bool] | None,
    ahead: ReadAhead | None,
) -> ImportReport:
    if request.kind is not None and request.kind not in IMPORT_KINDS:
        raise UsageError(f"unknown kind {request.kind!r}; choose one of: {', '.join(IMPORT_KINDS)}")
    # The file is checked and parsed in a thread of its own while this one reads, for a kind
    # already known, what the database holds (``Known``): calamine parses without the GIL,
    # so on a re-import of 100,000 lines the existing records cost no time.
    ahead = ahead or ReadAhead(path, request.sheet)
    named = find_profile(session, "", request.profile) if request.profile else None
    kind_name = request.kind or (named.kind if named else None)
    vendor = request.vendor or (named.vendor if named else None)
    given = ("vendor",) if vendor else ()
    known = Known.load(session, kind_name) if kind_name is not None else None
    workbook = ahead.workbook()
    fits = choose_sheets(workbook, kind_name, request.sheet, given, request.overrides)
    report = ImportReport(workbook.name, workbook.format, list(workbook.notes), [])
    for position, fit in enumerate(fits):
        sheet = workbook.sheet(fit.sheet)
        signature = header_signature(sheet, fit.header_row)
        profile = named
        if profile is None and not request.overrides:
            profile = find_profile(session, signature)
            if profile is not None and profile.kind != fit.kind:
                profile = None
        overrides = {**(profile.overrides if profile else {}), **request.overrides}
        sheet_vendor = vendor or (profile.vendor if profile else None)
        constants: dict[str, Any] = {}
        if sheet_vendor and fit.kind in VENDOR_KINDS:
            constants["vendor"] = sheet_vendor
        mapping = match_headers(sheet, fit.kind, fit.header_row, overrides, constants)
        if profile is not None:
            mapping.profile = profile.name
            mapping.notes.insert(0, f"mapping from saved profile {profile.name!r}")
        if mapping.missing_required:
            in_file = None
            if "vendor" in mapping.missing_required:
                vendors = vendor_names(session)
                in_file = named_vendor(sheet, fit.header_row, workbook.name, vendors)
            raise MissingColumns(workbook.name, fit.sheet, mapping, in_file)
        options = _read_options(request, workbook, profile)
        if options.decimal_comma and workbook.format == "csv" and request.decimal_comma is None:
            mapping.notes.append("numbers read with decimal commas (a semicolon-separated file)")
        sheet_report = _write_sheet(
            session,
            workbook,
            sheet,
            mapping,
            options,
            request,
            user,
            progress,
            cancel,
            # Read before the first sheet was parsed; later sheets see the earlier ones' writes.
            known if position == 0 else None,
        )
        report.sheets.append(sheet_report)
        if sheet_report.result is None:  # rows rejected, all or nothing: nothing written
            report.not_reached = [f.sheet for f in fits[position + 1 :]]
            break
        if request.save_profile:
            _save(session, request, mapping, signature, sheet_vendor, options, user)
    return report


def _write_sheet(
    session: Session,
    workbook: Workbook,
    sheet: Sheet,
    mapping: Mapping,
    options: ReadOptions,
    request: ImportRequest,
    user: str,
    progress: Callable[[int, int], None] | None,
    cancel: Callable[[], bool] | None,
    known: Known | None,
) -> SheetReport:
    """One sheet planned and, unless it has rejected rows and they are not skipped (then its
    report has no result), written. New records are written while the rest of the sheet is
    planned (both in the session's transaction, all or nothing as ever: writer.StreamedWrite);
    a sheet that cannot stream is written once its plan is whole (``commit``)."""
    stream = (
        writer.StreamedWrite(
            session,
            Plan(
                workbook.name,
                str(workbook.path),
                workbook.sha256,
                workbook.format,
                sheet.name,
                mapping.kind,
                mapping,
                [],
                [],
                [],
                sheet,
            ),
            user,
            skip_invalid=request.skip_invalid,
        )
        if mapping.kind in writer.STREAMED_KINDS
        else None
    )
    try:
        plan = plan_import(
            session,
            sheet,
            mapping,
            file=workbook.name,
            file_path=str(workbook.path),
            sha256=workbook.sha256,
            file_format=workbook.format,
            options=options,
            progress=progress,
            cancel=cancel,
            known=known,
            sink=stream.feed if stream is not None else None,
        )
        sheet_report = SheetReport(plan)
        if plan.count("rejected") and not request.skip_invalid:
            return sheet_report
        streamed = stream.finish(plan) if stream is not None else None
    finally:
        if stream is not None:
            stream.close()
    if streamed is not None:
        _attach(session, streamed, plan, user)
        sheet_report.result = streamed
    else:
        sheet_report.result = commit(
            session,
            plan,
            user,
            skip_invalid=request.skip_invalid,
            progress=progress,
            cancel=cancel,
        )
    return sheet_report


def commit(
    session: Session,
    plan: Plan,
    user: str,
    *,
    skip_invalid: bool = False,
    progress: Callable[[int, int], None] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> BatchResult:
    """``writer.commit``, then the file the plan read attached to its batch (when it is
    still the same file), so a record's history can open the file that changed it."""
    result = writer.commit(
        session, plan, user, skip_invalid=skip_invalid, progress=progress, cancel=cancel
    )
    _attach(session, result, plan, user)
    return result


def _attach(session: Session, result: BatchResult, plan: Plan, user: str) -> None:
    from services.attachments import attach_import_file

    attach_import_file(session, result.batch_id, plan.file_path, plan.sha256, user)


def undo_batch(session: Session, batch_id: int, user: str) -> UndoResult:
    """``writer.undo_batch``; the files of the records it removed go with them."""
    result = writer.undo_batch(session, batch_id, user)
    from models import ImportBatch
    from services.attachment_store import forget_deleted

    batch = session.get(ImportBatch, batch_id)
    if batch is not None:
        forget_deleted(session, batch.kind)
    return result


class MissingColumns(RackbookError):
    """No column holds a required field: one message, instead of one per row."""

    def __init__(
        self, file: str, sheet: str, mapping: Mapping, named: NamedVendor | None = None
    ) -> None:
        found = ", ".join(f"{c.header!r} as {c.field}" for c in mapping.columns if c.field)
        others = ", ".join(repr(c.header) for c in mapping.ignored)
        missing = ", ".join(mapping.missing_required)
        hint = ""
        if named is not None:
            hint = (
                f" ({named.place} names {named.name}: if they sent it, "
                f"give --vendor {named.name!r})"
            )
        elif "vendor" in mapping.missing_required:
            hint = " (for files that name the vendor once, give --vendor NAME)"
        super().__init__(
            f"{file}, sheet {sheet!r}: no column holds {missing} for {mapping.kind}{hint}. "
            f"Matched: {found or 'nothing'}. Other columns: {others or 'none'}. "
            'Map a column with --map "Header=field"; nothing was imported.'
        )
        self.mapping = mapping


def _read_options(
    request: ImportRequest, workbook: Workbook, profile: Profile | None
) -> ReadOptions:
    saved = profile.options if profile else {}
    dayfirst = request.dayfirst or bool(saved.get("dayfirst"))
    if request.decimal_comma is not None:
        decimal_comma = request.decimal_comma
    elif "decimal_comma" in saved:
        decimal_comma = bool(saved["decimal_comma"])
    else:
        decimal_comma = workbook.format == "csv" and workbook.delimiter == ";"
    return ReadOptions(
        dayfirst=dayfirst, decimal_comma=decimal_comma, include_hidden=request.include_hidden
    )


def _save(
    session: Session,
    request: ImportRequest,
    mapping: Mapping,
    signature: str,
    vendor: str | None,
    options: ReadOptions,
    user: str,
) -> None:
    from services.records import find_vendor

    assert request.save_profile is not None
    vendor_row = find_vendor(session, vendor) if vendor else None
    save_profile(
        session,
        request.save_profile,
        mapping,
        signature,
        vendor_row.id if vendor_row else None,
        {"dayfirst": options.dayfirst, "decimal_comma": options.decimal_comma},
        user,
    )
