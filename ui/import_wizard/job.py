"""What the import wizard has learnt so far, and the service calls each page makes.

Plain Python, no widgets: the pages fill an ``ImportJob`` and call its steps, which run in the
background (they read the file or the database). Every step is a call to
``services.importing``; the wizard makes no import decision of its own.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from services import importing
from services.errors import NotFoundError
from services.importing import VENDOR_KINDS
from services.importing.headers import best_fit, header_signature, import_fields
from services.importing.named import named_vendor
from services.importing.plan import shown

# A session is passed in by the caller's background task (the window imports no SQLAlchemy).
# Cells shown under each source column on the mapping page.
SAMPLES = 3


@dataclass
class ImportJob:
    path: str = ""
    workbook: importing.Workbook | None = None
    fits: list[importing.SheetFit] = field(default_factory=list)
    sheet_name: str = ""
    kind: str = ""
    header_row: int = 0
    signature: str = ""
    mapping: importing.Mapping | None = None
    profile: importing.Profile | None = None
    vendor: str | None = None
    dayfirst: bool = False
    decimal_comma: bool = False
    # Rows hidden in the vendor's sheet are skipped (and listed) unless this is set.
    include_hidden: bool = False
    skip_invalid: bool = False
    save_profile_as: str = ""
    plan: importing.Plan | None = None
    result: importing.BatchResult | None = None
    vendors: list[str] = field(default_factory=list)
    # The vendor the file names (a title row, a header, its name), proposed; and where.
    vendor_proposed: str | None = None
    vendor_found_in: str = ""
    # New order lines the file brings are written only when the buyer says yes.
    create_new: bool = False
    # The purchase orders of those new lines that Rackbook has never seen (found with the plan).
    unknown_orders: list[str] = field(default_factory=list)

    # --- file --------------------------------------------------------------------------

    def read(self, path: str) -> None:
        """Open the file and find which sheets hold which kind (no database needed)."""
        workbook = importing.read_file(path)
        self.path = path
        self.workbook = workbook
        try:
            self.fits = importing.choose_sheets(workbook)
        except NotFoundError:
            try:
                # A vendor file may name the vendor nowhere: detect as if it were given.
                self.fits = importing.choose_sheets(workbook, given=("vendor",))
            except NotFoundError:  # nothing recognised: the person chooses by hand
                self.fits = []
        first = self.fits[0] if self.fits else None
        self.sheet_name = first.sheet if first else workbook.visible_sheets[0]
        self.kind = first.kind if first else "orders"
        self.decimal_comma = workbook.format == "csv" and workbook.delimiter == ";"
        self.profile = None
        self.mapping = None
        self.plan = None
        self.result = None

    def hidden_rows(self) -> int:
        """How many rows below the header are hidden in the chosen sheet."""
        if self.workbook is None or not self.sheet_name:
            return 0
        sheet = self.workbook.sheet(self.sheet_name)
        header = sheet.first_row + self.header_row
        return sum(1 for row in sheet.hidden_rows if row > header)

    def detected_kind(self, sheet_name: str) -> str | None:
        return next((f.kind for f in self.fits if f.sheet == sheet_name), None)

    @property
    def takes_vendor(self) -> bool:
        return self.kind in VENDOR_KINDS

    @property
    def fields(self) -> tuple[str, ...]:
        return import_fields(self.kind)

    # --- sheet and kind → mapping --------------------------------------------------------

    def match(self, session: Any) -> None:
        """The header row and each column's field; a saved profile for these headers wins."""
        assert self.workbook is not None
        sheet = self.workbook.sheet(self.sheet_name)
        given = ("vendor",) if self.takes_vendor else ()
        fit = best_fit(sheet, self.kind, given)
        self.header_row = fit.header_row if fit is not None else 0
        self.signature = header_signature(sheet, self.header_row)
        profile = importing.find_profile(session, self.signature)
        if profile is not None and profile.kind != self.kind:
            profile = None
        self.profile = profile
        overrides = dict(profile.overrides) if profile else {}
        self.mapping = importing.match_headers(sheet, self.kind, self.header_row, overrides)
        self._propose_vendor(session, sheet)
        if profile is not None:
            self.mapping.profile = profile.name
            self.vendor = profile.vendor or self.vendor
            self.dayfirst = bool(profile.options.get("dayfirst", self.dayfirst))
            self.decimal_comma = bool(profile.options.get("decimal_comma", self.decimal_comma))
            self.save_profile_as = profile.name
        self.vendors = sorted((v["name"] for v in importing_vendors(session)), key=str.casefold)

    def _propose_vendor(self, session: Any, sheet: importing.Sheet) -> None:
        """A vendor file with no vendor column usually names its vendor once (a title row,
        a header, the file name): that vendor is proposed, for the person to confirm."""
        assert self.mapping is not None and self.workbook is not None
        if self.vendor is not None and self.vendor != self.vendor_proposed:
            return  # the person's own choice, or a saved profile's
        self.vendor = self.vendor_proposed = None
        self.vendor_found_in = ""
        if not self.takes_vendor or "vendor" in self.mapping.by_field:
            return
        vendors = importing.vendor_names(session)
        found = named_vendor(sheet, self.header_row, self.workbook.name, vendors)
        if found is not None:
            self.vendor = self.vendor_proposed = found.name
            self.vendor_found_in = found.place

    def samples(self, column: int) -> list[str]:
        """The first few filled cells under a source column, as text the way the sheet shows
        them (``12``, not the ``12.0`` a spreadsheet stores; a date without midnight)."""
        assert self.workbook is not None and self.mapping is not None
        rows = self.workbook.sheet(self.sheet_name).rows[self.header_row + 1 :]
        found = []
        for row in rows:
            value = shown(row[column]) if column < len(row) else None
            if value not in ("", None):
                found.append(str(value))
                if len(found) == SAMPLES:
                    break
        return found

    def set_field(self, column: int, field_name: str | None) -> None:
        """The person's choice for one column; a field is held by one column at a time."""
        assert self.mapping is not None
        for match in self.mapping.columns:
            if match.index == column:
                match.field = field_name
                match.confidence, match.how = 100, "map"
                match.note = "" if field_name else "ignored by your mapping"
            elif field_name and match.field == field_name:
                match.field = None
                match.confidence, match.how, match.note = 0, "", "field taken by another column"

    def missing(self) -> list[str]:
        assert self.mapping is not None
        self.apply_vendor()
        return self.mapping.missing_required

    def apply_vendor(self) -> None:
        assert self.mapping is not None
        if self.takes_vendor and self.vendor:
            self.mapping.constants["vendor"] = self.vendor
        else:
            self.mapping.constants.pop("vendor", None)

    # --- preview and commit ----------------------------------------------------------------

    def make_plan(
        self,
        session: Any,
        progress: Callable[[int, int], None] | None = None,
        cancel: Callable[[], bool] | None = None,
    ) -> importing.Plan:
        assert self.workbook is not None and self.mapping is not None
        self.apply_vendor()
        workbook = self.workbook
        self.plan = importing.plan_import(
            session,
            workbook.sheet(self.sheet_name),
            self.mapping,
            file=workbook.name,
            file_path=str(workbook.path),
            sha256=workbook.sha256,
            file_format=workbook.format,
            options=importing.ReadOptions(
                dayfirst=self.dayfirst,
                decimal_comma=self.decimal_comma,
                include_hidden=self.include_hidden,
            ),
            progress=progress,
            cancel=cancel,
        )
        self.create_new = False
        self.unknown_orders = _unknown_orders(session, self.new_orders())
        return self.plan

    def commit(
        self,
        session: Any,
        user: str,
        progress: Callable[[int, int], None] | None = None,
        cancel: Callable[[], bool] | None = None,
    ) -> importing.BatchResult:
        """Write the previewed plan (and save the profile) in the caller's transaction; new
        order lines only when the buyer said yes (``create_new``)."""
        assert self.plan is not None and self.mapping is not None
        plan = self.plan
        if self.new_orders() and not self.create_new:
            plan = dataclasses.replace(
                plan,
                rows=[r for r in plan.rows if r.action != "create"],
                skipped=[
                    *plan.skipped,
                    *((r.row, "a new order line, not created") for r in self.new_orders()),
                ],
            )
        result = importing.commit(
            session,
            plan,
            user,
            skip_invalid=self.skip_invalid,
            progress=progress,
            cancel=cancel,
        )
        if self.save_profile_as.strip():
            self.save_profile(session, user)
        return result

    def new_orders(self) -> list[importing.RowPlan]:
        """The order lines the file would create (none for other kinds)."""
        if self.plan is None or self.plan.kind != "orders":
            return []
        return [r for r in self.plan.rows if r.action == "create"]

    def new_purchase_orders(self) -> list[str]:
        """The purchase orders among them that Rackbook does not know at all."""
        return list(self.unknown_orders)

    def save_profile(self, session: Any, user: str) -> None:
        from services.records import find_vendor

        assert self.mapping is not None
        vendor_row = find_vendor(session, self.vendor) if self.vendor else None
        importing.save_profile(
            session,
            self.save_profile_as.strip(),
            self.mapping,
            self.signature,
            vendor_row.id if vendor_row is not None else None,
            {"dayfirst": self.dayfirst, "decimal_comma": self.decimal_comma},
            user,
        )


def importing_vendors(session: Any) -> list[dict[str, Any]]:
    from services import records

    return records.list_records(session, "vendors")


def _unknown_orders(session: Any, new_lines: list[importing.RowPlan]) -> list[str]:
    from services.orders import find_order

    numbers = sorted({str(r.record.get("po_number") or "") for r in new_lines} - {""})
    return [n for n in numbers if find_order(session, n) is None]
