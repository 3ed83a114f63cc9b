"""Vendor files as vendors really send them, written with openpyxl and csv, and a small world of
sites, vendors and products for them to refer to."""

from __future__ import annotations

import csv
import datetime as dt
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.styles import Font

from models.database import Database
from services import importing
from services.importing import ImportReport, ImportRequest
from tests.builders import D, make, product

SAMPLES = Path("/work/shared/samples")
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "import"


# The header row of Supermicro's backlog report (its own words; "Internal Margin" is hidden).
SUPERMICRO_HEADER = [
    "Cust PO",
    "Ln",
    "Part No.",
    "Qty",
    "Unit Price",
    "Internal Margin",
    "Ship Date",
    "Ship-to",
    "PO Date",
    "Status",
    "Sales Rep",
]


def samples_folder() -> Path:
    """The shared samples: beside the repository in CI (a copy of shared/), else /work."""
    here = Path(__file__).resolve()
    for base in (here.parents[4] / "shared" / "samples", SAMPLES):
        if base.is_dir():
            return base
    pytest.skip("the shared vendor samples are not available")


def build_world(database: Database) -> None:
    """Sites, vendors (with the aliases their files use) and products of the layouts below."""
    with database.write() as session:
        for name in ("Panther Creek", "Moses Lake", "Rio Cuarto"):
            make(
                session,
                "sites",
                name=name,
                country="US",
                status="converting",
                grid_capacity_mw=D("100"),
            )
        make(session, "vendors", name="Supermicro", aliases="SMC; Super Micro Computer")
        make(session, "vendors", name="Eaton", aliases="Eaton Electrical")
        make(session, "vendors", name="Hewlett Packard Enterprise", aliases="HPE")
        for vendor, sku, category, gpus in (
            ("Supermicro", "AS-8125GS", "gpu_server", 8),
            ("Supermicro", "SYS-821GE", "gpu_server", 8),
            ("Eaton", "93PM-500", "power", 0),
            ("Eaton", "PDU-G4", "power", 0),
            ("Hewlett Packard Enterprise", "CRAY-XD670", "gpu_server", 8),
            ("Hewlett Packard Enterprise", "GB300-RACK", "gpu_system", 72),
        ):
            product(
                session,
                sku,
                vendor=vendor,
                category=category,
                gpus_per_unit=gpus,
                list_price=D("1000"),
            )


def run_import(database: Database, path: Path, **request: Any) -> ImportReport:
    """Import as the command line does: committed when the report is ok, else rolled back."""
    dry_run = request.pop("dry_run", False)
    with database.write() as session:
        report = importing.import_file(session, path, ImportRequest(**request), "tester")
        if dry_run or not report.ok:
            session.rollback()
    return report


# --- layout A: a US server vendor's backlog report (xlsx) -----------------------------------


def with_macros(plain: Path, path: Path, project: bytes) -> Path:
    """``plain`` (an .xlsx) copied to ``path`` (an .xlsm) with a VBA project of ``project``'s
    bytes added: never executed or even parsed, only its presence noted."""
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w") as target:
        for info in source.infolist():
            target.writestr(info, source.read(info.filename))
        target.writestr("xl/vbaProject.bin", project)
    return path


def supermicro_sheet(run_line: str) -> tuple[openpyxl.Workbook, Any]:
    """A workbook whose "Backlog" sheet starts as Supermicro's report does: its bold title
    merged over A1:F1, ``run_line`` below, a blank row, then its header on row 4 with the
    internal column (F) hidden."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Backlog"
    ws["A1"] = "SUPERMICRO - Customer Backlog Report"
    ws["A1"].font = Font(bold=True, size=14)
    ws.merge_cells("A1:F1")
    ws["A2"] = run_line
    ws.append([])
    ws.append(SUPERMICRO_HEADER)
    ws.column_dimensions["F"].hidden = True
    return wb, ws


def supermicro_backlog(path: Path, rows: list[list[Any]] | None = None) -> Path:
    """Title rows (one merged), a blank row, its own header words, a hidden internal column,
    an extra column, month-first text dates and Excel serials, ``$1,234.50`` text money,
    status words of its own, a PO number merged over its lines, a blank row and a totals row."""
    wb, ws = supermicro_sheet("Customer: Rackbook Data Centres    Run date: 10/02/2026")
    data = (
        rows
        if rows is not None
        else [
            [
                "PC-2027-001",
                1,
                "AS-8125GS",
                4,
                "$285,000.00",
                0.12,
                "04/20/2027",
                "Panther Creek",
                "10/01/2026",
                "Booked",
                "J. Smith",
            ],
            [
                "",
                2,
                "SYS-821GE",
                2,
                "$310,500.50",
                0.1,
                46500,
                "Panther Creek",
                "10/01/2026",
                "In Transit",
                "J. Smith",
            ],
            [
                "PC-2027-002",
                1,
                "AS-8125GS",
                8,
                "$285,000.00",
                0.12,
                "TBD",
                "Moses Lake",
                "10/15/2026",
                "Backordered",
                "A. Jones",
            ],
        ]
    )
    for row in data:
        ws.append(row)
    if rows is None:
        ws.merge_cells("A5:A6")  # the PO number spans its two lines
        ws.append([])  # a blank row before the totals
        ws.append(["Total", "", "", "=SUM(D5:D7)", "", "", "", "", "", "", ""])
    wb.save(path)
    return path


# --- layout B: a European power vendor's schedule (CSV, Windows-1252) -------------------------


def eaton_schedule(path: Path, rows: list[list[str]] | None = None) -> Path:
    """Semicolons, Windows-1252 text (``€``), day-first dates with slashes, decimal commas,
    its own status words, and the vendor named on every row."""
    header = [
        "Order No.",
        "Item",
        "Article No.",
        "Supplier",
        "Quantity",
        "Net Price €",
        "Delivery Date",
        "Site",
        "Order Date",
        "State",
        "Remarks",
    ]
    data = (
        rows
        if rows is not None
        else [
            [
                "PC-2027-100",
                "1",
                "93PM-500",
                "Eaton Electrical",
                "3",
                "142.000,00",
                "14/11/2026",
                "Panther Creek",
                "03/06/2026",
                "Confirmed",
                "Lieferung frei Haus",
            ],
            [
                "PC-2027-100",
                "2",
                "PDU-G4",
                "Eaton",
                "40",
                "1.234,50",
                "02/02/2027",
                "Panther Creek",
                "03/06/2026",
                "In Production",
                "",
            ],
            [
                "MO-2027-007",
                "1",
                "PDU-G4",
                "Eaton",
                "12",
                "1.234,50",
                "",
                "Moses Lake",
                "21/07/2026",
                "Dispatched",
                "Teillieferung möglich",
            ],
        ]
    )
    with path.open("w", encoding="cp1252", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(header)
        writer.writerows(data)
    return path


# --- layout C: an enterprise vendor's order status (xlsx, typed cells) -------------------------


def hpe_status(path: Path, rows: list[list[Any]] | None = None) -> Path:
    """A notes sheet first, the vendor as an alias on every row, text-month dates and date
    cells, money as number cells with the currency in the header, receipts."""
    wb = openpyxl.Workbook()
    notes = wb.active
    notes.title = "Notes"
    notes["A1"] = "Generated by HPE Order Status Portal"
    ws = wb.create_sheet("Order Lines")
    ws.append(
        [
            "Purchase Order Number",
            "Line Number",
            "Supplier",
            "Product Number",
            "Ordered Quantity",
            "Unit Net Price (USD)",
            "Promised Delivery",
            "Revised ETA",
            "Deliver To",
            "PO Date",
            "Line Status",
            "Qty Received",
            "Date Received",
        ]
    )
    data = (
        rows
        if rows is not None
        else [
            [
                "RC-2027-050",
                1,
                "HPE",
                "GB300-RACK",
                2,
                3950000,
                "20-Apr-2027",
                dt.date(2027, 5, 4),
                "Rio Cuarto",
                dt.date(2026, 9, 1),
                "Accepted",
                None,
                None,
            ],
            [
                "RC-2027-050",
                2,
                "HPE",
                "CRAY-XD670",
                16,
                412000.25,
                "01-Mar-2027",
                None,
                "Rio Cuarto",
                dt.date(2026, 9, 1),
                "Manufacturing",
                0,
                None,
            ],
            [
                "RC-2027-051",
                1,
                "hpe",
                "CRAY-XD670",
                4,
                412000.25,
                "15-Dec-2026",
                dt.date(2026, 12, 10),
                "Rio Cuarto",
                dt.date(2026, 9, 20),
                "Delivered",
                4,
                "2026-12-09",
            ],
        ]
    )
    for row in data:
        ws.append(row)
    wb.save(path)
    return path


VendorFile = Callable[..., Path]


# --- a binary workbook (.xlsb), written record by record ---------------------------------------
# No library writes .xlsb, so the test writes the few records of MS-XLSB a reader needs: the
# sheet list of the workbook part, and the sheet part's dimension, rows and cells (text inline,
# numbers as doubles; dates as Excel serial numbers, as in a vendor file without date styles).


def _record(kind: int, data: bytes = b"") -> bytes:
    if kind < 0x80:
        head = bytes([kind])
    else:
        head = bytes([(kind & 0x7F) | 0x80, kind >> 7])
    size, length = len(data), bytearray()
    while True:
        byte = size & 0x7F
        size >>= 7
        length.append(byte | (0x80 if size else 0))
        if not size:
            break
    return head + bytes(length) + data


def _wide(text: str) -> bytes:
    return struct.pack("<I", len(text)) + text.encode("utf-16-le")


def write_xlsb(path: Path, sheet_name: str, rows: list[list[Any]]) -> Path:
    workbook = (
        _record(0x9C, struct.pack("<II", 0, 1) + _wide("rId1") + _wide(sheet_name))  # sheet
        + _record(0x90)  # end of the sheet list
        + _record(0x9D)  # calculation properties: the workbook part goes on after the list
    )
    width = max(len(r) for r in rows)
    sheet = _record(0x81) + _record(0x94, struct.pack("<IIII", 0, len(rows) - 1, 0, width - 1))
    sheet += _record(0x91)  # sheet data begins
    for r, row in enumerate(rows):
        sheet += _record(0x00, struct.pack("<I", r) + bytes(13))  # row header
        for c, value in enumerate(row):
            if isinstance(value, str):
                sheet += _record(0x06, struct.pack("<II", c, 0) + _wide(value))
            elif value is not None:
                sheet += _record(0x05, struct.pack("<IId", c, 0, float(value)))
    sheet += _record(0x92)  # sheet data ends
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/worksheet" Target="worksheets/sheet1.bin"/></Relationships>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.bin", workbook)
        archive.writestr("xl/_rels/workbook.bin.rels", rels)
        archive.writestr("xl/worksheets/sheet1.bin", sheet)
    return path
