"""Rows → records → validation → what an import would do, row by row, before anything is written.

For each data row of the sheet the plan says: create, update (with the changed fields),
unchanged, or rejected (with every problem: the sheet's row number, the column header, the
value and the reason). Nothing is written here; ``commit`` writes a plan.

Speed matters (100,000 order lines): existing records and the names they refer to are loaded
once per kind (one query each), cell conversions are cached per column (a vendor file repeats
few distinct dates, statuses and SKUs), and the per-record rules are the one shared
``services.validation.validate``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import compress, repeat, starmap
from operator import eq, itemgetter, methodcaller, setitem
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.supply import first_commitment
from models import Customer, CustomerContract, Deployment, Product, Site, Vendor, VendorAlias
from models.bulk import read_columns, shared_key_dicts
from services import records
from services.audit import Change, as_text, diff
from services.collector import collector_paused
from services.errors import Problem, RackbookError
from services.importing import values as conv
from services.importing.headers import ColumnMatch, Mapping, normalise_header
from services.importing.read import Sheet
from services.importing.values import ReadOptions, column_reader_for, converter_for
from services.schema import PURCHASE_ORDER_FIELDS, Field, kind
from services.validation import (
    NAME_FIELDS,
    clean_text,
    lookalike,
    name_skeleton,
    type_problem,
    typed_block_validator,
    typed_validator,
    validate,
)

Record = dict[str, Any]
Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]
# Given each block of rows' plans as they are made (plan_import's sink).
Sink = Callable[[list["RowPlan"]], None]
PROGRESS_EVERY = 2000
# Existing records are read this many rows at a time (see _existing).
EXISTING_PART = 10_000
# A key cell starting with these (any case) may be a totals row; anything else is data.
TOTAL_STARTS = frozenset(
    w[:3]
    for w in (
        "total",
        "Total",
        "TOTAL",
        "grand",
        "Grand",
        "GRAND",
        "sub",
        "Sub",
        "SUB",
        "sum",
        "Sum",
        "SUM",
    )
)
TOTALS_WORDS = ("total", "totals", "grand total", "subtotal", "sub total", "sum")
UNCALCULATED = (
    "is a formula with no calculated value (open the file in Excel and save it, or type the value)"
)


class ImportCancelled(RackbookError):
    def __init__(self) -> None:
        super().__init__("the import was cancelled; nothing was written")


class RowAction(StrEnum):
    """What an import does with one row of a sheet."""

    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    REJECTED = "rejected"


@dataclass(slots=True)
class RowPlan:
    row: int  # as Excel numbers it
    index: int  # into Sheet.rows
    action: RowAction
    key: str
    record: Record
    changes: list[Change] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    existing: Record | None = None
    refs: dict[str, int | None] = field(default_factory=dict)
    # A line whose set promised date the file gave differently: what became of that date.
    promise_note: str | None = None


# What the preview says of a line whose file gives another promised date than the one kept.
PROMISE_TAKEN_AS_ETA = "promise changed → taken as an ETA change"
PROMISE_KEPT_ETA_GIVEN = "promise changed → kept; the file's own ETA is taken"


@dataclass
class Plan:
    file: str
    file_path: str
    sha256: str
    format: str
    sheet_name: str
    kind: str
    mapping: Mapping
    rows: list[RowPlan]
    skipped: list[tuple[int, str]]
    notes: list[str]
    sheet: Sheet

    def count(self, action: RowAction | str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def counts(self) -> dict[str, int]:
        result = {action.value: 0 for action in RowAction}
        for row in self.rows:
            result[row.action] += 1
        return result

    @property
    def problems(self) -> list[Problem]:
        return [p for r in self.rows for p in r.problems]

    def eta_moves(self) -> EtaMoves:
        """How the vendor's estimates move on the lines this import would update: what a
        buyer looks for first in a new order status report."""
        moves = EtaMoves()
        for row in self.rows:
            if row.action != RowAction.UPDATE:
                continue
            for change in row.changes:
                if change.field == "eta":
                    moves.add(change.old, change.new)
        return moves


@dataclass
class EtaMoves:
    """ETA changes of one import: later (and the largest slip in days), earlier, given for
    the first time, taken away."""

    later: int = 0
    earlier: int = 0
    given: int = 0
    cleared: int = 0
    most_days_later: int = 0

    def add(self, old: Any, new: Any) -> None:
        if not isinstance(old, dt.date):
            self.given += isinstance(new, dt.date)
        elif not isinstance(new, dt.date):
            self.cleared += 1
        elif new > old:
            self.later += 1
            self.most_days_later = max(self.most_days_later, (new - old).days)
        elif new < old:
            self.earlier += 1

    def __bool__(self) -> bool:
        return bool(self.later or self.earlier or self.given or self.cleared)

    @property
    def text(self) -> str:
        """``ETAs: 3 later (up to 39 days), 1 earlier, 2 given``; empty when none moved."""
        parts = []
        if self.later:
            most = self.most_days_later
            parts.append(f"{self.later:,} later (up to {most} day{'s' if most != 1 else ''})")
        if self.earlier:
            parts.append(f"{self.earlier:,} earlier")
        if self.given:
            parts.append(f"{self.given:,} given")
        if self.cleared:
            parts.append(f"{self.cleared:,} taken away")
        return f"ETAs: {', '.join(parts)}" if parts else ""


# --- references, loaded once ------------------------------------------------------------


@dataclass
class References:
    vendors: dict[str, tuple[int, str]]  # name or alias key -> (id, name)
    alias_owner: dict[str, int]  # alias key -> vendor id
    sites: dict[str, tuple[int, str]]
    products: dict[tuple[int, str], tuple[int, str]]  # (vendor id, sku key) -> (id, sku)
    customers: dict[str, tuple[int, str]]
    # ref key -> (id, ref, site id)
    contracts: dict[str, tuple[int, str, int]] = field(default_factory=dict)
    deployments: dict[str, tuple[int, str, int]] = field(default_factory=dict)

    @classmethod
    def load(cls, session: Session) -> References:
        vendors, alias_owner = _vendors_and_aliases(session)
        sites = {
            name.strip().lower(): (sid, name)
            for sid, name in session.execute(select(Site.id, Site.name))
        }
        products = {
            (vid, sku.strip().lower()): (pid, sku)
            for pid, vid, sku in session.execute(select(Product.id, Product.vendor_id, Product.sku))
        }
        customers = {
            name.strip().lower(): (cid, name)
            for cid, name in session.execute(select(Customer.id, Customer.name))
        }
        contracts = {
            ref.strip().lower(): (cid, ref, sid)
            for cid, ref, sid in session.execute(
                select(CustomerContract.id, CustomerContract.contract_ref, CustomerContract.site_id)
            )
        }
        deployments = {
            ref.strip().lower(): (did, ref, sid)
            for did, ref, sid in session.execute(
                select(Deployment.id, Deployment.deployment_ref, Deployment.site_id)
            )
        }
        return cls(vendors, alias_owner, sites, products, customers, contracts, deployments)

    def site_name(self, site_id: int) -> str:
        return next((name for sid, name in self.sites.values() if sid == site_id), "")

    def part(self, part: str) -> str | None:
        """A bill-of-parts entry as it is kept (records.part_name): a category in lower case,
        a sku as its product spells it; None when it is neither."""
        category = records.part_category(part)
        if category is not None:
            return category
        key = part.strip().lower()
        return next((sku for (_, k), (_, sku) in self.products.items() if k == key), None)

    def vendor(self, name: str) -> tuple[int, str] | None:
        return self.vendors.get(records.name_key(name))

    def site(self, name: str) -> tuple[int, str] | None:
        return self.sites.get(name.strip().lower())

    def product(self, vendor_id: int, sku: str) -> tuple[int, str] | None:
        return self.products.get((vendor_id, sku.strip().lower()))


def vendor_names(session: Session) -> dict[str, tuple[int, str]]:
    """Each vendor's name and alias (``records.name_key``) → (id, name): ``References``'
    vendors alone, for looking a vendor up without reading every site and product."""
    return _vendors_and_aliases(session)[0]


def _vendors_and_aliases(
    session: Session,
) -> tuple[dict[str, tuple[int, str]], dict[str, int]]:
    vendors = {
        key: (vid, name)
        for vid, name, key in session.execute(select(Vendor.id, Vendor.name, Vendor.name_key))
    }
    names = {vid: name for vid, name in vendors.values()}
    alias_owner = dict(session.execute(select(VendorAlias.alias_key, VendorAlias.vendor_id)).all())
    for key, vid in alias_owner.items():
        vendors.setdefault(key, (vid, names[vid]))
    return vendors, alias_owner


_MISSING = object()
# The fields that name other records, resolved once per combination (see _Checker.resolve).
_NAMED = ("vendor", "site", "sku", "customer", "contract_ref", "deployment_ref", "part")


def _named(
    table: dict[str, tuple[int, str, int]],
    record: Record,
    field_name: str,
    label: str,
    problems: list[Problem],
) -> tuple[int, str, int] | None:
    """The (id, ref, site id) of the contract or deployment ``record[field_name]`` names, its
    ref written back as the record spells it; None when blank, or unknown (a problem, with
    the closest known ref)."""
    ref = record.get(field_name)
    if not isinstance(ref, str) or not ref.strip():
        return None
    found = table.get(ref.strip().lower())
    if found is None:
        problems.append(_unknown(field_name, ref, label, [r for _, r, _ in table.values()]))
        return None
    record[field_name] = found[1]
    return found


def _unknown(field_name: str, value: str, label: str, known: list[str]) -> Problem:
    guess = records.closest(value, known)
    hint = f"; did you mean {guess!r}?" if guess else ""
    return Problem(field_name, value, f"no {label} is called {value!r}{hint}")


# --- converting cells ---------------------------------------------------------------------


class _Column:
    """One mapped column and its conversion."""

    __slots__ = (
        "convert",
        "field",
        "header",
        "index",
        "mistyped",
        "read_whole",
        "spec_field",
        "unreadable",
    )

    def __init__(
        self,
        match: ColumnMatch,
        convert: Callable[[Any], Any],
        spec_field: Field | None,
        read_whole: Callable[[list[Any]], list[Any] | None] | None = None,
    ) -> None:
        self.index = match.index
        self.field = match.field or ""
        self.header = match.header
        self.convert = convert
        self.spec_field = spec_field
        # A reader of the whole column at once, where one applies (values.column_reader_for).
        self.read_whole = read_whole
        # Rows whose cell could not be read (a ValueProblem), and rows whose converted value
        # fails its field's type check (too long, not a choice, too many decimals…): only
        # these need more than the required-field and cross-field checks.
        self.unreadable: set[int] = set()
        self.mistyped: set[int] = set()

    def convert_all(self, data: list[list[Any]], shortest: int) -> list[Any]:
        """The column's value (or ValueProblem) on every row, each distinct cell converted
        and type-checked once (a vendor file repeats few distinct dates, statuses and SKUs):
        the cells are looked up by C-level ``map`` in a dict whose ``__missing__`` converts.
        ``shortest``: the fewest cells a row of ``data`` has."""
        raws = _cells(data, self.index, shortest)
        if self.read_whole is not None:
            whole = self.read_whole(raws)
            if whole is not None:
                return whole
        # True, 1 and 1.0 are equal as dict keys, not as cells: a column that mixes them
        # is looked up by (type, cell).
        types = set(map(type, raws))
        keyed = bool in types and bool(types & {int, float})
        converted = _Converted(self.convert, self.spec_field, keyed)
        keys: list[Any] = [(raw.__class__, raw) for raw in raws] if keyed else raws
        out = list(map(converted.__getitem__, keys))
        if converted.unreadable:
            self.unreadable = {i for i, k in enumerate(keys) if k in converted.unreadable}
        if converted.mistyped:
            self.mistyped = {i for i, k in enumerate(keys) if k in converted.mistyped}
        return out


def _cells(data: list[list[Any]], j: int, shortest: int) -> list[Any]:
    """Column ``j`` of every row, ``""`` where a row is shorter; read by C-level ``map``
    when every row reaches it (``shortest``: the fewest cells a row of ``data`` has)."""
    if shortest > j:
        return list(map(itemgetter(j), data))
    return [cells[j] if j < len(cells) else "" for cells in data]


class _Converted(dict[Any, Any]):
    """Cell → converted value (or ValueProblem), converted on first sight; remembers which
    cells could not be read and which fail their field's type check."""

    def __init__(
        self, convert: Callable[[Any], Any], spec_field: Field | None, keyed: bool
    ) -> None:
        super().__init__()
        self.convert = convert
        self.spec_field = spec_field
        self.keyed = keyed
        self.unreadable: set[Any] = set()
        self.mistyped: set[Any] = set()

    def __missing__(self, key: Any) -> Any:
        raw = key[1] if self.keyed else key
        try:
            value = self.convert(raw)
        except conv.ValueProblem as problem:
            value = problem
            self.unreadable.add(key)
        else:
            if value.__class__ is str:
                # Cleaned here, once per distinct cell (records.complete trusts it).
                value = clean_text(value)
            if self.spec_field is not None and type_problem(self.spec_field, value):
                self.mistyped.add(key)
        self[key] = value
        return value


def _infer_dayfirst(
    sheet: Sheet,
    mapping: Mapping,
    start: int,
    skipped: Collection[int] = (),
    shortest: int = 0,
    notes: list[str] | None = None,
) -> dict[str, str]:
    """Date columns read day first, decided by the column's values as a whole (the rows
    imported; ``skipped``: offsets of hidden rows left out, which decide nothing).

    A value such as ``14/11/2026`` only makes sense day first, ``11/14/2026`` only month
    first, ``03/04/2027`` either way. A column is read day first when its day-first-only
    values outweigh the rest: none of them month first only, and not one odd value among
    many that read either way (a typo in a month-first column flips nothing; it is refused
    as the impossible date it is then). A column whose values leave the order open is read
    month first and said so in ``notes``, naming the first row that could be read the other
    way."""
    found: dict[str, str] = {}
    undecided: list[tuple[Any, set[str], set[str]]] = []
    spec = kind(mapping.kind)
    data = sheet.rows[start:]
    kept = [(offset, row) for offset, row in enumerate(data) if offset not in skipped]
    rows_only = [row for _, row in kept] if skipped else data
    for column in mapping.columns:
        if not column.field or column.field == "lead_time":
            continue
        if spec.field(column.field).type != "date":
            continue
        # Each distinct cell once (a column of dates repeats few).
        texts = [c for c in set(_cells(rows_only, column.index, shortest)) if isinstance(c, str)]
        day_only, month_only, either = set(), set(), set()
        for text in texts:
            order = conv.numeric_date_order(text)
            if order == "dayfirst":
                day_only.add(text)
            elif order == "monthfirst":
                month_only.add(text)
            elif _either_way(text):
                either.add(text)
        if (
            day_only
            and not month_only
            and (not either or (len(day_only) >= 2 and 4 * len(day_only) >= len(either)))
        ):
            found[column.field] = column.header
            continue
        if not month_only and (either or day_only):
            undecided.append((column, day_only, either))
    for column, day_only, either in undecided:
        if found:
            # Another date column of the same sheet shows the file writes the day first.
            found[column.field] = column.header
            continue
        if notes is None:
            continue
        if day_only:
            row = _first_row(sheet, start, kept, column.index, day_only)
            notes.append(
                f"dates in {column.header!r} read month first: most of them read either way, "
                f"and only a few, such as row {row}, make sense with the day before the month "
                "(refused as impossible dates); give --dayfirst if the file writes dates so"
            )
        else:
            row = _first_row(sheet, start, kept, column.index, either)
            notes.append(
                f"dates in {column.header!r} read month first, but nothing in the column "
                f"decides it: row {row} could be read with the day before the month too; give "
                "--dayfirst if the file writes dates so"
            )
    return found


def _either_way(text: str) -> bool:
    """A numeric date whose day and month could be swapped (``03/04/2027``; not 04/04)."""
    parts = text.strip().replace(".", "/").replace("-", "/").split("/")
    if len(parts) != 3 or not all(p.isdigit() for p in parts) or len(parts[0]) > 2:
        return False
    a, b = int(parts[0]), int(parts[1])
    return a != b and 1 <= a <= 12 and 1 <= b <= 12


def _first_row(
    sheet: Sheet, start: int, kept: list[tuple[int, list[Any]]], index: int, values: set[str]
) -> int:
    for offset, row in kept:
        if index < len(row) and row[index] in values:
            return sheet.excel_row(start + offset)
    return sheet.excel_row(start)


# --- building the plan ------------------------------------------------------------------


def _plain_key(cell: Any) -> bool:
    """A key cell that makes the row a data row at once (the fast path for most rows)."""
    if isinstance(cell, str):
        text = cell.strip()
        return bool(text) and not text[:5].casefold().startswith(("total", "grand", "sub", "sum"))
    return cell is not None and cell != ""


def _data_key(cell: Any) -> bool:
    """Whether a row's first key cell makes it a data row at once (not blank, not "Total"):
    the cheap test first (most rows), ``_plain_key`` for the rest."""
    return (
        cell.__class__ is str and cell[:1].isalnum() and cell[:3] not in TOTAL_STARTS
    ) or _plain_key(cell)


class _DataKeys(dict[Any, bool]):
    """Key cell → ``_data_key``, each distinct cell tested once."""

    def __missing__(self, cell: Any) -> bool:
        found = self[cell] = _data_key(cell)
        return found


def _is_blank_row(cells: list[Any]) -> bool:
    return all(c == "" or c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _totals_row(cells: list[Any], key_indexes: list[int]) -> bool:
    """A row whose key columns are empty or say "Total", with "Total" somewhere in it."""
    words = [normalise_header(c) for c in cells if isinstance(c, str) and c.strip()]
    if not any(w in TOTALS_WORDS or w.startswith(("total ", "grand total")) for w in words):
        return False
    for index in key_indexes:
        value = cells[index] if index < len(cells) else ""
        if isinstance(value, str):
            text = normalise_header(value)
            if text and text not in TOTALS_WORDS and not text.startswith("total"):
                return False
        elif value not in ("", None):
            return False
    return True


def plan_import(
    session: Session,
    sheet: Sheet,
    mapping: Mapping,
    *,
    file: str,
    file_path: str = "",
    sha256: str = "",
    file_format: str = "",
    options: ReadOptions | None = None,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    known: Known | None = None,
    sink: Sink | None = None,
) -> Plan:
    """What importing ``sheet`` as ``mapping.kind`` would do. Reads the database, writes nothing.
    ``known`` is the database's side read beforehand (``Known.load``, done while the sheet
    was parsed); without it, or for another kind, it is read here. ``sink`` is given the
    rows' plans a block at a time as they are made (``writer.StreamedWrite.feed``); the
    checks of the whole file come after the last block."""
    with collector_paused():
        if known is None or known.kind != mapping.kind:
            known = Known.load(session, mapping.kind)
        return _plan(
            sheet,
            mapping,
            file,
            file_path,
            sha256,
            file_format,
            options,
            progress,
            cancel,
            known,
            sink,
        )


def _plan(
    sheet: Sheet,
    mapping: Mapping,
    file: str,
    file_path: str,
    sha256: str,
    file_format: str,
    options: ReadOptions | None,
    progress: Progress | None,
    cancel: Cancel | None,
    known: Known,
    sink: Sink | None = None,
) -> Plan:
    planner = _Planner(sheet, mapping, file, options or ReadOptions(), known)
    rows, skipped = planner.rows(progress, cancel, sink)
    notes = planner.notes
    if planner.kept_commitments:
        kept = planner.kept_commitments
        notes.append(
            f"{kept} {'line' if kept == 1 else 'lines'} already had a "
            "promised date (the vendor's first commitment): it is kept, and the file's new "
            "date is taken as an ETA change (a promised date typed wrong is corrected with "
            "correct-promise)"
        )
    if not rows:
        notes.append(
            "every row below the headers was skipped: nothing to import"
            if skipped
            else "the sheet has no rows below its headers: nothing to import"
        )
    planner.checker.whole_file(rows, planner.header_of, file, planner.sheet_label)
    return Plan(
        file,
        file_path,
        sha256,
        file_format,
        sheet.name,
        mapping.kind,
        mapping,
        rows,
        skipped,
        notes,
        sheet,
    )


class _Planner:
    """One sheet's rows planned: its columns converted a column at a time, then each row
    made a record, resolved, matched to its stored record and checked."""

    def __init__(
        self, sheet: Sheet, mapping: Mapping, file: str, options: ReadOptions, known: Known
    ) -> None:
        kind_name = self.kind = mapping.kind
        spec = self.spec = kind(kind_name)
        self.sheet = sheet
        self.file = file
        self.sheet_label = sheet.name if sheet.name else None
        self.notes = list(mapping.notes)
        self.start = start = mapping.header_row + 1
        # Hidden rows are few: found here, so the row loop pays one set lookup per row.
        self.hidden = (
            set()
            if options.include_hidden
            else {row - sheet.first_row - start for row in sheet.hidden_rows}
        )
        self.data = data = sheet.rows[start:]
        # The fewest cells of a row: a column every row reaches is read by C-level map.
        self.shortest = min(map(len, data), default=0)
        self.columns = columns = self._columns(mapping, options)
        self.header_of = {c.field: c.header for c in columns}
        if kind_name == "leadtimes" and "lead_time" in self.header_of:
            self.header_of["lead_days"] = self.header_of["lead_time"]
        self.key_indexes = [c.index for c in columns if c.field in spec.key]
        self.existing = known.existing
        self.checker = _Checker(kind_name, known.refs)
        self.writable = [f.name for f in spec.writable]
        self.fields = [c.field for c in columns]
        self.renames_lead_time = "lead_time" in self.fields
        self.converted = [c.convert_all(data, self.shortest) for c in columns]
        # Rows with a cell that could not be read, found once per column rather than per cell.
        self.unreadable: set[int] = set().union(*(c.unreadable for c in columns))
        self.formulas = self._uncalculated()
        if sheet.zero_formulas:
            self.notes.extend(_zero_formula_notes(sheet, columns, start, len(data)))
        # Rows that need the full validation of a new record: a value of the wrong type in a
        # column, or a constant (--vendor) that is; every other new record gets the same
        # answer from the required-field and cross-field checks alone (validate_typed).
        self.mistyped: set[int] = set().union(*(c.mistyped for c in columns))
        constants = mapping.constants
        if any(
            type_problem(spec.field(name), value)
            for name, value in constants.items()
            if name in {f.name for f in spec.writable}
        ):
            self.mistyped = set(range(len(data)))
        self.constant_items = [
            (name, clean_text(value.strip()) if isinstance(value, str) else value)
            for name, value in constants.items()
        ]
        self.getters: dict[tuple[str, ...], Callable[[Record], Any]] = {}
        self.kept_commitments = 0
        self.key_of = _KEYS[kind_name]
        self.names = _NameLooks(kind_name, known.existing.values())
        # Looked up once rather than per row.
        self.complete_new = records.completer(kind_name, trimmed=True)
        self.complete_merged = records.completer(kind_name)
        self.check_typed = typed_validator(kind_name)
        self.check_block = typed_block_validator(kind_name)
        self.key_text = spec.key_of
        self.orders = kind_name == "orders"
        # Rows ``_new_rows`` takes a block at a time: every row but these (hidden, a cell
        # unread or mistyped), when no constant shares a column's field and no column is
        # renamed (then the per-row path alone).
        self.special = self.hidden | self.unreadable | self.mistyped
        self.whole_rows = (
            bool(self.key_indexes)
            and not self.renames_lead_time
            and not any(name in self.fields for name, _ in self.constant_items)
        )
        first_key = self.key_indexes[0] if self.key_indexes else 0
        self.key_cells = _cells(self.data, first_key, self.shortest) if self.whole_rows else []
        self.data_keys = _DataKeys()

    def _columns(self, mapping: Mapping, options: ReadOptions) -> list[_Column]:
        """The mapped columns with their converters (dates day first where the column's
        values say so, or the options)."""
        spec = self.spec
        dayfirst_columns = (
            {}
            if options.dayfirst
            else _infer_dayfirst(
                self.sheet, mapping, self.start, self.hidden, self.shortest, self.notes
            )
        )
        for header in dayfirst_columns.values():
            self.notes.append(
                f"dates in {header!r} read day first (a value there only makes sense so)"
            )
        columns = []
        for match in mapping.columns:
            if not match.field:
                continue
            spec_field = None if match.field == "lead_time" else spec.field(match.field)
            dayfirst = options.dayfirst or match.field in dayfirst_columns
            checked = spec.field("lead_days") if match.field == "lead_time" else spec_field
            convert = converter_for(self.kind, spec_field, match.field, options, dayfirst)
            whole = column_reader_for(spec_field, match.field)
            columns.append(_Column(match, convert, checked, whole))
        return columns

    def _uncalculated(self) -> dict[tuple[int, int], str]:
        """Formula cells never calculated (few): each a problem of its row, by its text."""
        sheet = self.sheet
        formulas: dict[tuple[int, int], str] = {}
        if not sheet.uncached_formulas:
            return formulas
        position_of = {c.index: p for p, c in enumerate(self.columns)}
        for (row, col), text in sheet.uncached_formulas.items():
            offset, j = row - sheet.first_row - self.start, col - sheet.first_col
            if 0 <= offset < len(self.data) and j in position_of:
                self.converted[position_of[j]][offset] = conv.ValueProblem(UNCALCULATED)
                self.unreadable.add(offset)
                formulas[offset, j] = text
        return formulas

    def rows(
        self, progress: Progress | None, cancel: Cancel | None, sink: Sink | None = None
    ) -> tuple[list[RowPlan], list[tuple[int, str]]]:
        """Every data row's plan, and the rows skipped (hidden, totals) with why. Rows go a
        block at a time: the block's plain new records together (``_new_rows``), every
        other row by ``_row``; ``sink`` is given each block's plans as they are made."""
        rows: list[RowPlan] = []
        skipped: list[tuple[int, str]] = []
        data = self.data
        total = len(data)
        hidden = self.hidden
        unreadable = self.unreadable
        key_indexes = self.key_indexes
        first_key = key_indexes[0] if key_indexes else None
        first_row = self.sheet.first_row + self.start
        plan_row = self._row
        append = rows.append
        for start in range(0, total, PROGRESS_EVERY):
            if cancel is not None and cancel():
                raise ImportCancelled()
            if progress is not None:
                progress(start, total)
            stop = min(start + PROGRESS_EVERY, total)
            block = list(zip(*(c[start:stop] for c in self.converted), strict=True))
            planned = len(rows)
            done = self._new_rows(start, block)
            for offset, row_values in enumerate(block, start):
                made = done[offset - start]
                if made is not None:
                    append(made)
                    continue
                cells = data[offset]
                if offset in hidden:
                    if not _is_blank_row(cells):
                        skipped.append((first_row + offset, "a hidden row"))
                    continue
                key_cell = (
                    cells[first_key] if first_key is not None and first_key < len(cells) else ""
                )
                if not _data_key(key_cell):
                    if _is_blank_row(cells) and offset not in unreadable:
                        continue
                    if _totals_row(cells, key_indexes):
                        skipped.append((first_row + offset, "a totals row"))
                        continue
                append(plan_row(offset, cells, row_values))
            if sink is not None:
                sink(rows[planned:])
        if progress is not None:
            progress(total, total)
        return rows, skipped

    def _new_rows(self, start: int, block: list[tuple[Any, ...]]) -> list[RowPlan | None]:
        """The plans of a block's rows (from offset ``start``) that are plain data rows: a
        data key, not hidden, no cell unread or mistyped. Each is what ``_row`` makes of it,
        its record made and its names resolved a column at a time; None for every other
        row, which ``rows`` gives to ``_row``."""
        found: list[RowPlan | None] = [None] * len(block)
        if not self.whole_rows:
            return found
        keys = self.key_cells[start : start + len(block)]
        picked = list(compress(range(len(block)), map(self.data_keys.__getitem__, keys)))
        if self.special:
            picked = [i for i in picked if start + i not in self.special]
        fields = self.fields
        incoming: list[Record] = list(
            map(dict, map(zip, repeat(fields), map(block.__getitem__, picked)))
        )
        for name, value in self.constant_items:
            list(map(setitem, incoming, repeat(name), repeat(value)))
        resolved = list(map(self.checker.resolve, incoming))
        refs: list[dict[str, int | None]] = list(map(dict, map(itemgetter(1), resolved)))
        data = self.data
        stored = list(map(self.existing.get, map(self.key_of, incoming, refs)))
        new: list[tuple[int, Record, dict[str, int | None]]] = []
        made = self._resolved_row
        no_fields: set[str] = set()  # no cell of these rows failed to be read
        for i, record, row_refs, (ref_problems, _), current in zip(
            picked, incoming, refs, resolved, stored, strict=True
        ):
            if current is None and not ref_problems:
                new.append((start + i, record, row_refs))  # as _resolved_row would
                continue
            offset = start + i
            found[i] = made(
                offset, data[offset], record, [], no_fields, ref_problems, row_refs, current
            )
        for (offset, _, _), plan_row in zip(new, self._new_plans(new), strict=True):
            found[offset - start] = plan_row
        return found

    def _cell_problems(
        self, offset: int, excel_row: int, cells: list[Any], row_values: tuple[Any, ...]
    ) -> list[Problem]:
        """The row's cells that could not be read, each a problem."""
        problems = []
        for position, value in enumerate(row_values):
            if isinstance(value, conv.ValueProblem):
                column = self.columns[position]
                raw = cells[column.index] if column.index < len(cells) else ""
                raw = self.formulas.get((offset, column.index), raw)
                problems.append(
                    Problem(
                        column.field,
                        shown(raw),
                        f"{column.header} {value}",
                        excel_row,
                        column.header,
                        self.file,
                        self.sheet_label,
                    )
                )
        return problems

    def _placed(self, problem: Problem, excel_row: int, cells: list[Any]) -> Problem:
        return _placed(
            problem, excel_row, self.header_of, cells, self.columns, self.file, self.sheet_label
        )

    def _row(self, offset: int, cells: list[Any], row_values: tuple[Any, ...]) -> RowPlan:
        """One data row's plan."""
        index = self.start + offset
        excel_row = self.sheet.first_row + index
        incoming: Record = dict(zip(self.fields, row_values, strict=True))
        problems: list[Problem] = []
        if offset in self.unreadable:
            problems = self._cell_problems(offset, excel_row, cells, row_values)
            for problem in problems:
                del incoming[problem.field]
        for name, value in self.constant_items:
            if incoming.get(name) is None:
                incoming[name] = value
        if self.renames_lead_time and "lead_time" in incoming:
            incoming["lead_days"] = incoming.pop("lead_time")
        bad_fields = {p.field for p in problems} if problems else set()
        ref_problems, shared_refs = self.checker.resolve(incoming)
        return self._resolved_row(
            offset, cells, incoming, problems, bad_fields, ref_problems, dict(shared_refs)
        )

    def _resolved_row(
        self,
        offset: int,
        cells: list[Any],
        incoming: Record,
        problems: list[Problem],
        bad_fields: set[str],
        ref_problems: list[Problem],
        row_refs: dict[str, int | None],
        stored: Any = _MISSING,
    ) -> RowPlan:
        """``_row`` once the row's record is made and its names resolved; ``stored``: its
        stored record (or None), when already looked up."""
        index = self.start + offset
        excel_row = self.sheet.first_row + index
        for problem in ref_problems:
            problems.append(self._placed(problem, excel_row, cells))
        if stored is _MISSING:
            key_value = self.key_of(incoming, row_refs)
            stored = self.existing.get(key_value) if key_value is not None else None
        current: Record | None = stored
        if current is None and not problems and offset not in self.mistyped:
            return self._new_plans([(offset, incoming, row_refs)])[0]
        # A row equal to its stored record writes nothing, so it needs no validation (the
        # record was validated when it was stored): the common case of a re-import, decided
        # first on the cells read, then on the completed record.
        if current is not None and not problems and _same(current, incoming, self.getters):
            key = self.spec.key_of(current)
            return RowPlan(
                excel_row, index, RowAction.UNCHANGED, key, current, [], [], current, row_refs
            )
        orders = self.kind == "orders"
        promise_note = None
        if current is not None:
            merged = self.complete_merged({**current, **incoming})
            if orders:
                promise_note = _take_vendor_dates(current, merged)
        else:
            # Converted cells are trimmed, clean text or None (constants are made so above).
            merged = self.complete_new(incoming)
        if orders:
            # Kept on the line once known, never overwritten (written by the import writer).
            merged["first_commitment"] = first_commitment(
                current.get("first_commitment") if current is not None else None,
                merged["promised_date"],
                merged["eta"],
            )
        unchanged = (
            not problems
            and current is not None
            and all(current.get(n) == merged[n] for n in self.writable)
        )
        if not unchanged:
            self._check(offset, excel_row, cells, merged, current, problems, bad_fields)
        plan_row = RowPlan(
            excel_row,
            index,
            RowAction.REJECTED,
            self.spec.key_of(merged),
            merged,
            [],
            problems,
            current,
            row_refs,
        )
        if unchanged:
            plan_row.action = RowAction.UNCHANGED
        elif not problems:
            if current is None:
                plan_row.action = RowAction.CREATE
            else:
                plan_row.changes = diff(current, merged, self.writable)
                plan_row.action = RowAction.UPDATE if plan_row.changes else RowAction.UNCHANGED
        if promise_note is not None and plan_row.action != RowAction.UNCHANGED:
            plan_row.promise_note = promise_note
            self.kept_commitments += 1
        return plan_row

    def _new_plans(self, rows: list[tuple[int, Record, dict[str, int | None]]]) -> list[RowPlan]:
        """The plans of new records' rows whose every cell was read and passed its type check
        (each row of a first import), given as (offset, record, refs): ``_row``'s answer for
        each, a column at a time. Completed, given its first commitment, checked by the
        required fields and the kind's rules alone (``validation.typed_block_validator``), and its
        name by its look."""
        if not rows:
            return []
        offsets = list(map(itemgetter(0), rows))
        merged = list(map(self.complete_new, map(itemgetter(1), rows)))
        if self.orders:
            dates = zip(
                repeat(None),
                map(itemgetter("promised_date"), merged),
                map(itemgetter("eta"), merged),
            )
            list(map(setitem, merged, repeat("first_commitment"), starmap(first_commitment, dates)))
        found = self.check_block(merged)
        if self.names.field is not None:
            for problems, record in zip(found, merged, strict=True):
                looks = self.names.problem(record, None)
                if looks is not None:
                    problems.append(looks)
        indexes = [self.start + offset for offset in offsets]
        first_row = self.sheet.first_row
        made = list(
            map(
                RowPlan,
                [first_row + index for index in indexes],
                indexes,
                repeat(RowAction.CREATE),
                map(self.key_text, merged),
                merged,
                map(list, repeat(())),
                found,
                repeat(None),
                map(itemgetter(2), rows),
            )
        )
        for plan_row, offset, problems in zip(made, offsets, found, strict=True):
            if problems:
                cells = self.data[offset]
                plan_row.problems = [self._placed(p, plan_row.row, cells) for p in problems]
                plan_row.action = RowAction.REJECTED
        return made

    def _check(
        self,
        offset: int,
        excel_row: int,
        cells: list[Any],
        merged: Record,
        current: Record | None,
        problems: list[Problem],
        bad_fields: set[str],
    ) -> None:
        """The record's validation (its problems added to ``problems``), and its name
        refused when it only looks like another's."""
        typed = current is None and offset not in self.mistyped and offset not in self.unreadable
        for problem in self.check_typed(merged) if typed else validate(self.kind, merged):
            if problem.field in bad_fields:
                continue  # already said: the cell could not be read
            problems.append(self._placed(problem, excel_row, cells))
        looks = self.names.problem(merged, current)
        if looks is not None:
            problems.append(self._placed(looks, excel_row, cells))


def _zero_formula_notes(sheet: Sheet, columns: list[_Column], start: int, total: int) -> list[str]:
    """A formula whose saved value is 0 reads as 0, like a 0 typed in the cell, but it may
    be a sum of nothing or a formula Excel never recalculated: the preview says where."""
    header_at = {c.index: c.header for c in columns}
    found = []
    for (row, col), formula in sorted(sheet.zero_formulas.items()):
        offset, j = row - sheet.first_row - start, col - sheet.first_col
        if 0 <= offset < total and j in header_at:
            found.append(f"row {row}, {header_at[j]!r}: {formula}")
    if not found:
        return []
    shown = "; ".join(found[:5]) + ("; …" if len(found) > 5 else "")
    cells = "cell holds" if len(found) == 1 else "cells hold"
    return [
        f"{len(found)} {cells} 0 as the saved value of a formula, not a typed 0 ({shown}): "
        "check that Excel calculated them before relying on them"
    ]


def _take_vendor_dates(current: Record, merged: Record) -> str | None:
    """A line's set promised date is the vendor's first commitment and an import never
    changes it (the slip is measured from it): a file that brings another promised date is
    reporting a new estimate, taken as an ETA move unless the file moves the ETA itself
    (domain.supply.take_vendor_dates, the rule ordinary edits follow too). ``merged`` gets
    the dates to write; returns what the preview says of the row, or None."""
    given = merged.get("promised_date")
    if records.keep_first_commitment(current, merged):
        return PROMISE_TAKEN_AS_ETA if merged.get("eta") == given else PROMISE_KEPT_ETA_GIVEN
    return None


def _same(
    current: Record, incoming: Record, getters: dict[tuple[str, ...], Callable[[Record], Any]]
) -> bool:
    """Whether every value read equals the stored one: compared by one C-level itemgetter per
    set of fields (rows share it), not field by field in Python."""
    names = tuple(incoming)
    getter = getters.get(names)
    if getter is None:
        getter = getters[names] = itemgetter(*names) if names else (lambda _: ())
    try:
        return bool(getter(current) == getter(incoming))
    except KeyError:
        return False


def _placed(
    problem: Problem,
    row: int,
    header_of: dict[str, str],
    cells: list[Any],
    columns: list[_Column],
    file: str,
    sheet: str | None,
) -> Problem:
    header = header_of.get(problem.field)
    value = problem.value
    if header is not None:
        for column in columns:
            if column.header == header and column.index < len(cells):
                if cells[column.index] != "":
                    value = shown(cells[column.index])
                break
    return Problem(problem.field, value, problem.reason, row, header, file, sheet)


def shown(raw: Any) -> Any:
    """A cell as the person sees it in the sheet: ``-2`` rather than ``-2.0``."""
    try:
        return conv.to_text(raw)
    except conv.ValueProblem:
        return raw


def _reject(row: RowPlan, problem: Problem) -> None:
    row.problems.append(problem)
    row.action = RowAction.REJECTED
    row.changes = []


# --- natural keys -----------------------------------------------------------------------


def _text_key(value: Any) -> str | None:
    return value.strip().lower() if isinstance(value, str) and value.strip() else None


Refs = dict[str, int | None]


def _key(kind_name: str, record: Record, refs: Refs) -> Any:
    """The natural key as the existing-records map holds it (None when incomplete)."""
    return _KEYS[kind_name](record, refs)


def _vendor_key(record: Record, refs: Refs) -> Any:
    name = record.get("name")
    return records.name_key(name) if isinstance(name, str) and name.strip() else None


def _product_key(record: Record, refs: Refs) -> Any:
    sku = _text_key(record.get("sku"))
    return (refs.get("vendor_id"), sku) if sku and refs.get("vendor_id") else None


def _leadtime_key(record: Record, refs: Refs) -> Any:
    product, quote = refs.get("product_id"), record.get("quote_date")
    return (product, quote) if product and isinstance(quote, dt.date) else None


def _order_key(record: Record, refs: Refs) -> Any:
    po, line = record.get("po_number"), record.get("line")
    return (po.strip(), line) if isinstance(po, str) and isinstance(line, int) else None


def _fxrate_key(record: Record, refs: Refs) -> Any:
    currency, since = record.get("currency"), record.get("valid_from")
    return (currency, since) if currency and isinstance(since, dt.date) else None


def _capacity_key(record: Record, refs: Refs) -> Any:
    site, since = refs.get("site_id"), record.get("from_date")
    return (site, since) if site and isinstance(since, dt.date) else None


def _part_key(record: Record, refs: Refs) -> Any:
    deployment, part = refs.get("deployment_id"), _text_key(record.get("part"))
    return (deployment, part) if deployment and part else None


# Per kind, its natural key (one lookup a row, not a chain of tests).
_KEYS: dict[str, Callable[[Record, Refs], Any]] = {
    "sites": lambda record, _: _text_key(record.get("name")),
    "vendors": _vendor_key,
    "products": _product_key,
    "leadtimes": _leadtime_key,
    "orders": _order_key,
    "ppas": lambda record, _: record.get("ppa_ref") or None,
    "contracts": lambda record, _: record.get("contract_ref") or None,
    "fxrates": _fxrate_key,
    "site_capacity": _capacity_key,
    "deployments": lambda record, _: _text_key(record.get("deployment_ref")),
    "deployment_parts": _part_key,
}


class _NameLooks:
    """The names of a kind's existing records by their look (``validation.name_skeleton``;
    a sku among its vendor's), so that a new or renamed record whose name only looks like an
    existing one is refused as the window refuses it, at one lookup a row."""

    def __init__(self, kind_name: str, existing: Any) -> None:
        self.kind = kind_name
        self.field = NAME_FIELDS.get(kind_name)
        self.by_look: dict[tuple[Any, str], list[str]] = {}
        if self.field is None:
            return
        for record in existing:
            for name in self._names(record):
                self.by_look.setdefault(self._key(record, name), []).append(name)

    def _names(self, record: Record) -> list[str]:
        name = record.get(self.field or "")
        found = [name] if isinstance(name, str) and name else []
        if self.kind == "vendors":
            aliases = record.get("aliases") or []
            if isinstance(aliases, str):
                aliases = [a.strip() for a in aliases.split(";")]
            found += [a for a in aliases if isinstance(a, str) and a]
        return found

    def _key(self, record: Record, name: str) -> tuple[Any, str]:
        scope = record.get("vendor") if self.kind == "products" else None
        return (scope, name_skeleton(name))

    def problem(self, record: Record, current: Record | None) -> Problem | None:
        if self.field is None:
            return None
        name = record.get(self.field)
        if not isinstance(name, str) or not name:
            return None
        if current is not None and current.get(self.field) == name:
            return None  # not renamed
        others = self.by_look.get(self._key(record, name), [])
        if current is not None:
            others = [o for o in others if o != current.get(self.field)]
        return lookalike(self.kind, name, others) if others else None


@dataclass
class Known:
    """The database's side of an import of one kind: the names references resolve to, and
    every existing record by natural key. It depends on the kind alone, so the import reads
    it while the sheet is parsed (calamine releases the GIL: the two overlap)."""

    kind: str
    refs: References
    existing: dict[Any, Record]

    @classmethod
    def load(cls, session: Session, kind_name: str) -> Known:
        refs = References.load(session)
        return cls(kind_name, refs, _existing(session, kind_name, refs))


def _existing(session: Session, kind_name: str, refs: References) -> dict[Any, Record]:
    """Every existing record of the kind by natural key: one query."""
    result: dict[Any, Record] = {}
    adapter = records.adapter(kind_name)
    # Read through the driver in parts (a server-side cursor on PostgreSQL), so the driver's
    # copy of 100,000 rows never sits beside the records made of them, each column's
    # distinct values converted and kept once (models.bulk.read_columns): a vendor's name, a
    # site, a status, a date read 100,000 times would otherwise be 100,000 objects (measured:
    # 150 MB of records for 100,000 order lines, held while the sheet is parsed). Then each
    # row a dict whose keys it shares with the others (models.bulk.shared_key_dicts: a
    # third of a plain dict's size). The listing's order is not needed: the records go into
    # a dict.
    keys, parts = read_columns(session.connection(), adapter.select().order_by(None), EXISTING_PART)
    made: list[Record] = []
    for columns in parts:
        made.extend(shared_key_dicts(keys, zip(*columns, strict=True)))
    rows = adapter.finish(session, made)
    for record in rows:
        row_refs: dict[str, int | None] = {}
        if kind_name in ("products", "leadtimes"):
            vendor = refs.vendor(record["vendor"])
            row_refs["vendor_id"] = vendor[0] if vendor else None
            if kind_name == "leadtimes" and vendor:
                product = refs.product(vendor[0], record["sku"])
                row_refs["product_id"] = product[0] if product else None
        elif kind_name == "site_capacity":
            site = refs.site(record["site"])
            row_refs["site_id"] = site[0] if site else None
        elif kind_name == "deployment_parts":
            deployment = refs.deployments.get(record["deployment_ref"].strip().lower())
            row_refs["deployment_id"] = deployment[0] if deployment else None
        key = _key(kind_name, record, row_refs)
        if key is not None:
            result[key] = record
    return result


# --- references and rules that need more than one record --------------------------------


class _Checker:
    def __init__(self, kind_name: str, refs: References) -> None:
        self.kind = kind_name
        self.refs = refs
        self._vendor_names: list[str] | None = None
        # A file names few vendors, sites and SKUs, 100,000 times over: resolve each once.
        self._memo: dict[tuple[str, Any], Any] = {}
        self._vendors: dict[str, Any] = {}
        self._sites: dict[str, Any] = {}
        self._products: dict[tuple[int, str], Any] = {}
        self._combinations: dict[Any, Any] = {}

    def _once(self, what: str, arg: Any, find: Callable[[], Any]) -> Any:
        key = (what, arg)
        found = self._memo.get(key, _MISSING)
        if found is _MISSING:
            found = self._memo[key] = find()
        return found

    def _vendor(self, name: str) -> tuple[int, str] | None:
        found = self._vendors.get(name, _MISSING)
        if found is _MISSING:
            found = self._vendors[name] = self.refs.vendor(name)
        return found  # type: ignore[no-any-return]

    def _site(self, name: str) -> tuple[int, str] | None:
        found = self._sites.get(name, _MISSING)
        if found is _MISSING:
            found = self._sites[name] = self.refs.site(name)
        return found  # type: ignore[no-any-return]

    def _product(self, vendor_id: int, sku: str) -> tuple[int, str] | None:
        key = (vendor_id, sku)
        found = self._products.get(key, _MISSING)
        if found is _MISSING:
            found = self._products[key] = self.refs.product(vendor_id, sku)
        return found  # type: ignore[no-any-return]

    def _site_names(self) -> list[str]:
        return [name for _, name in self.refs.sites.values()]

    def vendor_names(self) -> list[str]:
        if self._vendor_names is None:
            self._vendor_names = sorted({name for _, name in self.refs.vendors.values()}) + [
                k for k in self.refs.alias_owner
            ]
        return self._vendor_names

    def resolve(self, record: Record) -> tuple[list[Problem], dict[str, int | None]]:
        """Names of other records → their ids, the record's names made canonical.

        A file repeats few combinations of vendor, site, SKU and customer: each is resolved
        once and the answer reused."""
        combination: tuple[Any, ...] | None = (
            record.get("vendor"),
            record.get("site"),
            record.get("sku"),
            record.get("customer"),
            record.get("contract_ref"),
            record.get("deployment_ref"),
            record.get("part"),
        )
        try:
            known = self._combinations.get(combination)
        except TypeError:  # a cell of an unhashable kind: resolve it afresh
            known = None
            combination = None
        if known is None:
            names = {n: record.get(n) for n in _NAMED if n in record}
            problems, found = self._resolve(names)
            canonical = {n: v for n, v in names.items() if v is not None}
            known = (problems, found, canonical)
            if combination is not None:
                self._combinations[combination] = known
        problems, found, canonical = known
        for name, value in canonical.items():
            if name in record:
                record[name] = value
        # Shared between rows: the plan copies both before it changes them.
        return problems, found

    def _resolve(self, record: Record) -> tuple[list[Problem], dict[str, int | None]]:
        problems: list[Problem] = []
        found: dict[str, int | None] = {}
        kind_name = self.kind
        if kind_name in ("products", "leadtimes", "orders"):
            self._resolve_named(record, problems, found, "vendor", self._vendor, self.vendor_names)
        if kind_name in ("orders", "ppas", "contracts", "site_capacity", "deployments"):
            self._resolve_named(record, problems, found, "site", self._site, self._site_names)
        if kind_name in ("leadtimes", "orders") and found.get("vendor_id") is not None:
            self._resolve_sku(record, problems, found)
        if kind_name == "contracts":
            customer_name = record.get("customer")
            if isinstance(customer_name, str) and customer_name.strip():
                customer = self.refs.customers.get(customer_name.strip().lower())
                if customer is not None:
                    found["customer_id"], record["customer"] = customer
                else:
                    found["customer_id"] = None  # created with the contract
        if kind_name == "deployments":
            self._resolve_contract(record, problems, found)
        if kind_name in ("orders", "deployment_parts"):
            self._resolve_deployment(record, problems, found)
        if kind_name == "deployment_parts":
            part = record.get("part")
            if isinstance(part, str) and part.strip():
                kept = self.refs.part(part)
                if kept is None:
                    problems.append(
                        records.unknown_part(part, {s for _, s in self.refs.products.values()})
                    )
                else:
                    record["part"] = kept
        return problems, found

    def _resolve_named(
        self,
        record: Record,
        problems: list[Problem],
        found: dict[str, int | None],
        field_name: str,
        lookup: Callable[[str], tuple[int, str] | None],
        known: Callable[[], list[str]],
    ) -> None:
        """The vendor or site ``record[field_name]`` names: its id into ``found`` and its
        name as kept into the record, or a problem with the closest of ``known``."""
        name = record.get(field_name)
        if not isinstance(name, str) or not name.strip():
            return
        hit = lookup(name)
        if hit is None:
            problems.append(
                self._once(
                    f"no {field_name}",
                    name,
                    lambda: _unknown(field_name, name, field_name, known()),
                )
            )
        else:
            found[f"{field_name}_id"], record[field_name] = hit

    def _resolve_sku(
        self, record: Record, problems: list[Problem], found: dict[str, int | None]
    ) -> None:
        vendor_id = found["vendor_id"]
        assert vendor_id is not None
        sku = record.get("sku")
        if not isinstance(sku, str) or not sku.strip():
            return
        product = self._product(vendor_id, sku)
        if product is not None:
            found["product_id"], record["sku"] = product
            return
        label = f"{record['vendor']} product"
        products = self.refs.products.items()
        problems.append(
            self._once(
                "no sku",
                (vendor_id, sku),
                lambda: _unknown(
                    "sku", sku, label, [s for (v, _), (_, s) in products if v == vendor_id]
                ),
            )
        )

    def _resolve_contract(
        self, record: Record, problems: list[Problem], found: dict[str, int | None]
    ) -> None:
        refs = self.refs
        contract = _named(refs.contracts, record, "contract_ref", "contract", problems)
        found["contract_id"] = contract[0] if contract else None
        site_id = found.get("site_id")
        if contract is not None and site_id is not None and contract[2] != site_id:
            problems.append(
                records.contract_elsewhere(
                    contract[1], refs.site_name(contract[2]), str(record["site"])
                )
            )

    def _resolve_deployment(
        self, record: Record, problems: list[Problem], found: dict[str, int | None]
    ) -> None:
        refs = self.refs
        deployment = _named(refs.deployments, record, "deployment_ref", "deployment", problems)
        found["deployment_id"] = deployment[0] if deployment else None
        site_id = found.get("site_id")
        if (
            self.kind == "orders"
            and deployment is not None
            and site_id is not None
            and deployment[2] != site_id
        ):
            problems.append(
                records.reserved_elsewhere(
                    deployment[1], refs.site_name(deployment[2]), str(record["site"])
                )
            )

    def whole_file(
        self, rows: list[RowPlan], header_of: dict[str, str], file: str, sheet: str | None
    ) -> None:
        spec = kind(self.kind)
        key_field = spec.key[0]
        header = header_of.get(key_field)
        by_key: dict[tuple[Any, ...], RowPlan] = {}
        repeated: dict[tuple[Any, ...], list[RowPlan]] = {}
        plain = [row.record for row in rows]
        columns = [_key_column(list(map(methodcaller("get", k), plain))) for k in spec.key]
        keys = list(zip(*columns, strict=True))
        # Nearly every file gives each key once (told at C speed): then no row is looked at.
        if len(set(keys)) < len(keys):
            for row, key in zip(rows, keys, strict=True):
                if None in key:
                    continue
                first = by_key.setdefault(key, row)
                if first is not row:
                    repeated.setdefault(key, [first]).append(row)
        for same in repeated.values():
            for row in same:
                others = ", ".join(str(o.row) for o in same if o is not row)
                _reject(
                    row,
                    Problem(
                        key_field,
                        row.key,
                        f"{row.key} appears more than once in the file (also on row {others})",
                        row.row,
                        header,
                        file,
                        sheet,
                    ),
                )
        if self.kind == "orders":
            self._orders_agree(rows, header_of, file, sheet)
        if self.kind == "vendors":
            self._aliases_free(rows, header_of, file, sheet)

    def _orders_agree(
        self, rows: list[RowPlan], header_of: dict[str, str], file: str, sheet: str | None
    ) -> None:
        """The lines of one purchase order name one vendor, site, order date and currency."""
        first: dict[str, RowPlan] = {}
        # The order's fields of a line, compared at C speed first (lines nearly always agree).
        fields = itemgetter(*PURCHASE_ORDER_FIELDS)
        if _lines_agree([r.record for r in rows if r.action != RowAction.REJECTED], fields):
            return
        for row in rows:
            if row.action == RowAction.REJECTED:
                continue
            po = row.record["po_number"]
            seen = first.setdefault(po, row)
            if seen is row:
                continue
            try:
                if fields(seen.record) == fields(row.record):
                    continue
            except KeyError:
                pass  # a field the record lacks: compared one by one below
            for name in PURCHASE_ORDER_FIELDS:
                if seen.record.get(name) == row.record.get(name):
                    continue
                if _as_text(seen.record.get(name)) != _as_text(row.record.get(name)):
                    _reject(
                        row,
                        Problem(
                            name,
                            row.record.get(name),
                            f"PO {po} has {name.replace('_', ' ')} "
                            f"{_as_text(seen.record.get(name))!r} on row {seen.row}; one purchase "
                            "order has one value",
                            row.row,
                            header_of.get(name),
                            file,
                            sheet,
                        ),
                    )
                    break

    def _aliases_free(
        self, rows: list[RowPlan], header_of: dict[str, str], file: str, sheet: str | None
    ) -> None:
        """An alias names one vendor only: not another vendor's name or alias."""
        claimed: dict[str, tuple[str, RowPlan]] = {}
        for row in rows:
            if row.action == RowAction.REJECTED:
                continue
            own = records.name_key(row.record["name"])
            own_id = row.existing["id"] if row.existing else None
            for alias in records.split_aliases(row.record.get("aliases")):
                key = records.name_key(alias)
                if key == own:
                    continue
                holder = self.refs.vendors.get(key)
                reason = None
                if holder is not None and holder[0] != own_id:
                    reason = f"{alias!r} already names vendor {holder[1]!r}"
                elif key in claimed and claimed[key][0] != own:
                    reason = (
                        f"{alias!r} is also given for {claimed[key][1].record['name']!r} "
                        f"on row {claimed[key][1].row}"
                    )
                if reason:
                    _reject(
                        row,
                        Problem(
                            "aliases", alias, reason, row.row, header_of.get("aliases"), file, sheet
                        ),
                    )
                    break
                claimed[key] = (own, row)


def _lines_agree(lines: list[Record], fields: Callable[[Record], Any]) -> bool:
    """Whether every line gives the order's ``fields`` as the first line of its order does,
    told for all lines at once at C speed (False when one lacks a field: then they are
    compared one by one)."""
    try:
        heads = list(map(fields, lines))
    except KeyError:
        return False
    orders = list(map(itemgetter("po_number"), lines))
    first = dict(zip(reversed(orders), reversed(heads), strict=True))
    return all(map(eq, map(first.__getitem__, orders), heads))


def _as_text(value: Any) -> str | None:
    return as_text(value)


def _key_column(values: list[Any]) -> list[Any]:
    """``_key_part`` of every value of one key field (text by C-level ``map`` when the
    column is all text, as it nearly always is)."""
    if set(map(type, values)) == {str}:
        folded = list(map(str.casefold, map(str.strip, values)))
        return [v or None for v in folded] if "" in folded else folded
    return [_key_part(v) for v in values]


def _key_part(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip().casefold() or None
    return value
