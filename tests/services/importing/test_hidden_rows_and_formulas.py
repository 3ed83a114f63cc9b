"""Vendor files as they really are: rows hidden in the sheet are skipped and listed (unless
asked for), and a formula cell Excel never calculated refuses its row instead of importing
nothing. Files are written with openpyxl (which never calculates a formula), with their sheet
XML edited where a test needs what only Excel writes (cached values, shared formulas), and
.ods files are written part by part."""

from __future__ import annotations

import datetime as dt
import re
import struct
import zipfile
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import openpyxl
import pytest

from models.database import Database
from services import records
from services.importing import read_file
from services.importing.read import scan_xlsx_rows
from tests.builders import run_cli
from tests.services.importing.conftest import (
    FIXTURES,
    build_world,
    run_import,
    supermicro_backlog,
    write_xlsb,
)

UNCALCULATED = (
    "is a formula with no calculated value (open the file in Excel and save it, or type the value)"
)


def _row(po: str, line: int, qty: Any = 2, sku: str = "AS-8125GS") -> list[Any]:
    return [
        po,
        line,
        sku,
        qty,
        "$1,000.00",
        0,
        "04/20/2027",
        "Panther Creek",
        "10/01/2026",
        "Booked",
        "",
    ]


def _backlog(tmp_path: Path, rows: list[list[Any]], hidden: tuple[int, ...] = ()) -> Path:
    """The US backlog layout (header on row 4, data from row 5) with ``hidden`` sheet rows."""
    path = supermicro_backlog(tmp_path / "backlog.xlsx", rows)
    wb = openpyxl.load_workbook(path)
    for row in hidden:
        wb["Backlog"].row_dimensions[row].hidden = True
    wb.save(path)
    return path


def _lines(database: Database) -> set[tuple[str, int]]:
    with database.session() as session:
        return {(r["po_number"], r["line"]) for r in records.list_records(session, "orders")}


def _rewrite_sheet(path: Path, change: Any) -> Path:
    """The workbook with its first sheet's XML passed through ``change``."""
    member = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(path) as zin:
        parts = {i.filename: zin.read(i.filename) for i in zin.infolist()}
    parts[member] = change(parts[member])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in parts.items():
            zout.writestr(name, data)
    return path


def _run(db_url: str, *args: str) -> tuple[int, str, str]:
    return run_cli("--db", db_url, "--user", "tester", *args)


# --- hidden rows ---------------------------------------------------------------------------


def test_hidden_rows_are_skipped_and_listed(database: Database, tmp_path: Path) -> None:
    build_world(database)
    rows = [_row("PC-1", 1), _row("PC-1", 2), _row("PC-1", 3), _row("PC-1", 4)]
    path = _backlog(tmp_path, rows, hidden=(6, 8))

    report = run_import(database, path, kind="orders", vendor="Supermicro")

    assert report.ok
    plan = report.sheets[0].plan
    assert plan.skipped == [(6, "a hidden row"), (8, "a hidden row")]
    assert plan.counts["create"] == 2
    assert _lines(database) == {("PC-1", 1), ("PC-1", 3)}


def test_hidden_rows_of_a_sheet_whose_rows_carry_no_number(
    database: Database, tmp_path: Path
) -> None:
    """Some writers leave out a row's ``r=`` (each row is then the one after the row
    before): the hidden ones are still found, counted from the sheet's first row."""
    build_world(database)
    rows = [_row("PC-1", 1), _row("PC-1", 2), _row("PC-1", 3), _row("PC-1", 4)]
    path = _backlog(tmp_path, rows, hidden=(6, 8))
    path = _rewrite_sheet(path, lambda xml: re.sub(rb'(<row[^>]*?) r="\d+"', rb"\1", xml))
    with zipfile.ZipFile(path) as archive:
        assert b'<row r="' not in archive.read("xl/worksheets/sheet1.xml")

    report = run_import(database, path, kind="orders", vendor="Supermicro")

    assert report.ok
    assert report.sheets[0].plan.skipped == [(6, "a hidden row"), (8, "a hidden row")]
    assert _lines(database) == {("PC-1", 1), ("PC-1", 3)}


def test_rows_without_numbers_counted_across_read_blocks(tmp_path: Path) -> None:
    """Counting goes on from block to block, and a row that does give its number (after a
    gap of empty rows) sets the count."""
    rows = [
        f"<row{' hidden=' + chr(34) + '1' + chr(34) if r % 4 == 0 else ''}>"
        f'<c t="inlineStr"><is><t>{"x" * 40} {r}</t></is></c></row>'
        for r in range(1, 40_001)
    ]
    rows.append('<row r="50000" hidden="1"><c t="inlineStr"><is><t>late</t></is></c></row>')
    rows.append('<row hidden="true"><c t="inlineStr"><is><t>next</t></is></c></row>')
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
        'openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        + "".join(rows)
        + '</sheetData><rowBreaks count="0"/></worksheet>'
    ).encode()
    assert len(xml) > 2 << 20  # more than one block of the scan
    path = tmp_path / "unnumbered.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", xml)

    marks = scan_xlsx_rows(path, "xl/worksheets/sheet1.xml")

    assert marks.hidden_rows == set(range(4, 40_001, 4)) | {50_000, 50_001}


def test_hidden_rows_are_imported_when_asked_for(database: Database, tmp_path: Path) -> None:
    build_world(database)
    rows = [_row("PC-1", 1), _row("PC-1", 2), _row("PC-1", 3)]
    path = _backlog(tmp_path, rows, hidden=(6,))

    report = run_import(database, path, kind="orders", vendor="Supermicro", include_hidden=True)

    assert report.ok and report.sheets[0].plan.skipped == []
    assert _lines(database) == {("PC-1", 1), ("PC-1", 2), ("PC-1", 3)}


def test_a_hidden_bad_row_rejects_nothing_and_a_hidden_blank_row_is_not_listed(
    database: Database, tmp_path: Path
) -> None:
    build_world(database)
    rows = [_row("PC-1", 1), _row("PC-1", 2, qty="cancelled"), [""] * 11, _row("PC-1", 3)]
    path = _backlog(tmp_path, rows, hidden=(6, 7))

    report = run_import(database, path, kind="orders", vendor="Supermicro")

    assert report.ok, [str(p) for p in report.sheets[0].plan.problems]
    assert report.sheets[0].plan.skipped == [(6, "a hidden row")]
    assert _lines(database) == {("PC-1", 1), ("PC-1", 3)}


def test_a_hidden_row_decides_nothing_about_how_dates_are_read(
    database: Database, tmp_path: Path
) -> None:
    """Only a hidden row's ship date is day first (20/04/2027): the rows imported are read
    month first as they say. Imported too, that one date among dates that read either way
    flips nothing (issue 22): the column stays month first, the note names the row."""
    build_world(database)
    rows = [_row("PC-1", 1), _row("PC-1", 2), _row("PC-1", 3)]
    rows[0][6] = "04/05/2027"
    rows[1][6] = "20/04/2027"
    rows[2][6] = "03/06/2027"
    path = _backlog(tmp_path, rows, hidden=(6,))

    report = run_import(database, path, kind="orders", vendor="Supermicro", dry_run=True)

    plan = report.sheets[0].plan
    assert plan.skipped == [(6, "a hidden row")]
    assert not any("day first" in note for note in plan.notes)
    first = next(r for r in plan.rows if r.row == 5)
    assert first.record["eta"] == dt.date(2027, 4, 5)

    report = run_import(
        database, path, kind="orders", vendor="Supermicro", include_hidden=True, dry_run=True
    )

    plan = report.sheets[0].plan
    assert not any("read day first" in note for note in plan.notes)
    assert any("such as row 6" in note for note in plan.notes), plan.notes
    first = next(r for r in plan.rows if r.row == 5)
    assert first.record["eta"] == dt.date(2027, 4, 5)


def test_command_line_lists_hidden_rows_and_include_hidden_imports_them(
    db_url: str, database: Database, tmp_path: Path
) -> None:
    build_world(database)
    path = _backlog(tmp_path, [_row("PC-1", 1), _row("PC-1", 2)], hidden=(6,))

    status, out, err = _run(db_url, "import", str(path), "--vendor", "SMC", "--dry-run")
    assert status == 0, err
    assert "Skipped row 6: a hidden row" in out
    assert "1 created, 0 updated, 0 unchanged, 0 rejected" in out

    status, out, err = _run(db_url, "import", str(path), "--vendor", "SMC", "--include-hidden")
    assert status == 0, err
    assert "Skipped row" not in out
    assert "2 created, 0 updated, 0 unchanged, 0 rejected" in out


def test_hidden_rows_in_the_xml_as_other_writers_put_them(tmp_path: Path) -> None:
    """``hidden="true"``, a namespace prefix, hidden columns and cell text that mentions
    hidden="1" (only a row's own attribute counts), and rows cut between read blocks."""
    rows = "".join(
        f'<x:row r="{r}"{" hidden=" + chr(34) + "true" + chr(34) if r % 3 == 0 else ""}>'
        f'<x:c r="A{r}" t="inlineStr"><x:is><x:t>say hidden="1" {r}</x:t></x:is></x:c>'
        "</x:row>"
        for r in range(1, 60_001)
    )
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?><x:worksheet xmlns:x="http://schemas.'
        'openxmlformats.org/spreadsheetml/2006/main"><x:cols><x:col min="2" max="2" '
        f'hidden="1"/></x:cols><x:sheetData>{rows}</x:sheetData></x:worksheet>'
    ).encode()
    path = tmp_path / "prefixed.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", xml)
    assert len(xml) > 5 << 20  # more than one block of the scan

    marks = scan_xlsx_rows(path, "xl/worksheets/sheet1.xml", b"x:")

    assert marks.hidden_rows == set(range(3, 60_001, 3))
    assert marks.uncached_formulas == {}


def _ods_cell(value: Any) -> str:
    if value is None:
        return "<table:table-cell/>"
    if isinstance(value, int | float):
        return (
            f'<table:table-cell office:value-type="float" office:value="{value}">'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    if value.startswith("="):  # a formula saved without its value
        return f'<table:table-cell table:formula="of:{escape(value)}"/>'
    return (
        f'<table:table-cell office:value-type="string"><text:p>{escape(value)}</text:p>'
        "</table:table-cell>"
    )


def write_ods(path: Path, sheet: str, rows: list[tuple[list[Any], str]]) -> Path:
    """An .ods file of one table; each row comes with the attributes of its table-row."""
    body = "".join(
        f"<table:table-row{attrs}>{''.join(_ods_cell(v) for v in cells)}</table:table-row>"
        for cells, attrs in rows
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis'
        ':names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:'
        'xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'office:version="1.2"><office:body><office:spreadsheet><table:table table:name="Notes">'
        '<table:table-row table:visibility="collapse"><table:table-cell office:value-type="'
        'string"><text:p>x</text:p></table:table-cell></table:table-row></table:table>'
        f'<table:table table:name="{sheet}">{body}</table:table></office:spreadsheet>'
        "</office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:'
        'names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry '
        'manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.'
        'spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type'
        '="text/xml"/></manifest:manifest>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet"
        )
        archive.writestr("META-INF/manifest.xml", manifest)
        archive.writestr("content.xml", content)
    return path


ODS_HEADER = ["PO Number", "Line", "SKU", "Qty", "Site", "Order Date"]


def _ods_row(po: str, line: int, qty: Any = 2) -> list[Any]:
    return [po, line, "AS-8125GS", qty, "Panther Creek", "2026-10-01"]


def test_ods_hidden_and_filtered_rows_counted_with_repeats(
    database: Database, tmp_path: Path
) -> None:
    build_world(database)
    path = write_ods(
        tmp_path / "orders.ods",
        "Orders",
        [
            ([], ' table:number-rows-repeated="2"'),  # rows 1-2 blank
            (ODS_HEADER, ""),  # row 3
            (_ods_row("MO-1", 1), ""),  # row 4
            (_ods_row("MO-1", 2), ' table:visibility="collapse" table:number-rows-repeated="2"'),
            (_ods_row("MO-1", 3), ""),  # row 7
            (_ods_row("MO-1", 4), ' table:visibility="filter"'),  # row 8
            (_ods_row("MO-1", 5, qty="=D7*2"), ""),  # row 9: a formula without its value
            ([], ' table:number-rows-repeated="1048000" table:visibility="collapse"'),
        ],
    )
    sheet = read_file(path).sheet("Orders")
    assert sorted(sheet.hidden_rows) == [5, 6, 8]
    assert sheet.uncached_formulas == {(9, 3): "=D7*2"}

    report = run_import(
        database, path, kind="orders", vendor="Supermicro", skip_invalid=True, dry_run=True
    )

    plan = report.sheets[0].plan
    assert plan.skipped == [(5, "a hidden row"), (6, "a hidden row"), (8, "a hidden row")]
    assert [(r.row, r.action) for r in plan.rows] == [(4, "create"), (7, "create"), (9, "rejected")]
    problem = plan.rows[-1].problems[0]
    assert (problem.row, problem.column, problem.value) == (9, "Qty", "=D7*2")
    assert problem.reason == f"Qty {UNCALCULATED}"


def test_xlsb_hidden_rows_from_the_row_headers(database: Database, tmp_path: Path) -> None:
    build_world(database)
    path = write_xlsb(
        tmp_path / "orders.xlsb",
        "Orders",
        [ODS_HEADER] + [_ods_row("XB-1", n) for n in (1, 2, 3, 4)],
    )

    def hide(data: bytes, row: int) -> bytes:
        """Row ``row`` (1-based) hidden: fDyZero, bit 4 of the row header's 12th byte."""
        plain = b"\x00\x11" + struct.pack("<I", row - 1) + bytes(13)
        assert data.count(plain) == 1
        flagged = bytearray(plain)
        flagged[2 + 11] = 0x10
        return data.replace(plain, bytes(flagged))

    member = "xl/worksheets/sheet1.bin"
    with zipfile.ZipFile(path) as zin:
        parts = {i.filename: zin.read(i.filename) for i in zin.infolist()}
    parts[member] = hide(hide(parts[member], 3), 5)
    with zipfile.ZipFile(path, "w") as zout:
        for name, data in parts.items():
            zout.writestr(name, data)

    report = run_import(database, path, kind="orders", vendor="Supermicro")

    assert report.ok and report.format == "xlsb"
    assert report.sheets[0].plan.skipped == [(3, "a hidden row"), (5, "a hidden row")]
    assert _lines(database) == {("XB-1", 1), ("XB-1", 3)}


def test_xls_hidden_rows_from_the_row_records(database: Database, tmp_path: Path) -> None:
    """The Excel 97-2003 fixture (made in a spreadsheet program) with its row 5 hidden: the
    fDyZero bit (0x20) of that ROW record's flags set, in place inside the OLE file."""
    build_world(database)
    data = bytearray((FIXTURES / "vendor_backlog.xls").read_bytes())
    row_record = data.find(b"\x08\x02\x10\x00" + struct.pack("<H", 4))  # ROW, 0-based row 4
    data[row_record + 4 + 12] |= 0x20
    path = tmp_path / "backlog.xls"
    path.write_bytes(bytes(data))
    assert read_file(FIXTURES / "vendor_backlog.xls").sheet("Backlog").hidden_rows == frozenset()

    report = run_import(database, path, kind="orders", vendor="Supermicro")

    assert report.ok and report.format == "xls"
    assert report.sheets[0].plan.skipped == [(5, "a hidden row")]
    assert _lines(database) == {("PC-2027-001", 1)}


def _compound_file(stream_name: str, stream: bytes) -> bytes:
    """An OLE compound file (MS-CFB version 3) holding one stream in plain 512-byte sectors:
    the header, one FAT sector, one directory sector, then the stream's sectors."""
    end, free, no_entry = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFF
    count = -(-len(stream) // 512)
    fat = [0xFFFFFFFD, end] + [n + 1 for n in range(2, count + 1)] + [end]
    fat += [free] * (128 - len(fat))

    def entry(name: str, kind: int, child: int, start: int, size: int) -> bytes:
        raw = (name + "\0").encode("utf-16-le") if name else b""
        return (
            raw.ljust(64, b"\0")
            + struct.pack("<HBB", len(raw), kind, 1)
            + struct.pack("<III", no_entry, no_entry, child)
            + bytes(16 + 4 + 16)
            + struct.pack("<IQ", start, size)
        )

    directory = (
        entry("Root Entry", 5, 1, end, 0)
        + entry(stream_name, 2, no_entry, 2, len(stream))
        + entry("", 0, no_entry, 0, 0) * 2
    )
    header = (
        bytes.fromhex("d0cf11e0a1b11ae1")
        + bytes(16)
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + bytes(6)
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
        + struct.pack("<I", 0)
        + struct.pack("<I", free) * 108
    )
    assert len(header) == 512 and count <= 126
    return header + struct.pack("<128I", *fat) + directory + stream.ljust(count * 512, b"\0")


def test_xls_hidden_rows_in_a_workbook_stream_of_plain_sectors(
    database: Database, tmp_path: Path
) -> None:
    """A workbook stream over the 4,096-byte mini-stream cut-off sits in plain sectors."""
    from services.importing.read import _ole_stream

    build_world(database)
    stream = bytearray(_ole_stream((FIXTURES / "vendor_backlog.xls").read_bytes(), ("Workbook",)))
    row_record = stream.find(b"\x08\x02\x10\x00" + struct.pack("<H", 3))  # ROW, 0-based row 3
    stream[row_record + 4 + 12] |= 0x20
    path = tmp_path / "backlog.xls"
    path.write_bytes(_compound_file("Workbook", bytes(stream).ljust(9000, b"\0")))

    report = run_import(database, path, kind="orders", vendor="Supermicro")

    assert report.ok and report.format == "xls", [str(p) for p in report.sheets[0].plan.problems]
    assert report.sheets[0].plan.skipped == [(4, "a hidden row")]
    assert _lines(database) == {("PC-2027-001", 2)}


# --- formulas without a calculated value ----------------------------------------------------


def test_a_formula_never_calculated_rejects_its_row_with_the_formula_named(
    database: Database, tmp_path: Path
) -> None:
    build_world(database)
    rows = [_row("PC-1", 1), _row("PC-1", 2, qty="=D5*2"), _row("PC-1", 3)]
    rows[2][10] = "=A7&B7"  # an unmapped column: nobody asked for it, nothing to say
    path = _backlog(tmp_path, rows)

    report = run_import(database, path, kind="orders", vendor="Supermicro")

    assert not report.ok
    plan = report.sheets[0].plan
    assert [(r.row, r.action) for r in plan.rows] == [
        (5, "create"),
        (6, "rejected"),
        (7, "create"),
    ]
    [problem] = plan.rows[1].problems
    assert str(problem) == (
        f"backlog.xlsx, sheet 'Backlog', row 6, column 'Qty' (value '=D5*2'): Qty {UNCALCULATED}"
    )
    assert _lines(database) == set()  # all or nothing


def test_rows_of_formulas_only_and_totals_formulas(database: Database, tmp_path: Path) -> None:
    """A row made only of uncalculated formulas is refused, not taken for a blank row; a
    totals row summing with a formula is still a totals row."""
    build_world(database)
    rows = [_row("PC-1", 1), ["=A5", "=B5+1", "=C5", "=D5"] + [""] * 7]
    path = supermicro_backlog(tmp_path / "backlog.xlsx", rows)
    wb = openpyxl.load_workbook(path)
    wb["Backlog"].append(["Total", "", "", "=SUM(D5:D6)"])
    wb.save(path)

    report = run_import(database, path, kind="orders", vendor="Supermicro", skip_invalid=True)

    plan = report.sheets[0].plan
    assert plan.skipped == [(7, "a totals row")]
    assert [(r.row, r.action) for r in plan.rows] == [(5, "create"), (6, "rejected")]
    assert {(p.column, p.value) for p in plan.rows[1].problems} >= {
        ("Cust PO", "=A5"),
        ("Ln", "=B5+1"),
        ("Part No.", "=C5"),
        ("Qty", "=D5"),
    }
    assert _lines(database) == {("PC-1", 1)}


def test_calculated_formulas_are_read_and_shared_formulas_are_named(
    database: Database, tmp_path: Path
) -> None:
    """As Excel writes them: a cached value is imported; an empty text result (``t="str"``)
    is a value; a shared formula's cells are named by their own formula."""
    build_world(database)
    rows = [_row("PC-1", n, qty="=1+1") for n in (1, 2, 3, 4)]
    rows[1][10] = '=IF(A6="","",A6)'
    path = _backlog(tmp_path, rows)

    def excel_like(xml: bytes) -> bytes:
        text = xml.decode()
        # Row 5: calculated, 3; row 6's notes: an empty text result; rows 7-8 share a formula.
        text = text.replace('<c r="D5"><f>1+1</f><v /></c>', '<c r="D5"><f>1+1</f><v>3</v></c>')
        text = re.sub(
            r'<c r="K6"><f>(.*?)</f><v ?/></c>', r'<c r="K6" t="str"><f>\1</f><v></v></c>', text
        )
        text = text.replace(
            '<c r="D7"><f>1+1</f><v /></c>',
            '<c r="D7"><f t="shared" ref="D7:D8" si="0">B7*2</f></c>',
        )
        text = text.replace('<c r="D8"><f>1+1</f><v /></c>', '<c r="D8"><f t="shared" si="0"/></c>')
        return text.encode()

    _rewrite_sheet(path, excel_like)
    sheet = read_file(path).sheet("Backlog")
    assert sheet.uncached_formulas == {(6, 3): "=1+1", (7, 3): "=B7*2", (8, 3): "=B8*2"}

    report = run_import(database, path, kind="orders", vendor="Supermicro", skip_invalid=True)

    plan = report.sheets[0].plan
    assert [(r.row, r.action) for r in plan.rows] == [
        (5, "create"),
        (6, "rejected"),
        (7, "rejected"),
        (8, "rejected"),
    ]
    assert [p.value for r in plan.rows[1:] for p in r.problems] == ["=1+1", "=B7*2", "=B8*2"]
    with database.session() as session:
        line = records.find_record(session, "orders", {"po_number": "PC-1", "line": 1})
    assert line is not None and line["quantity"] == 3


@pytest.mark.parametrize("hidden", [(), (6,)])
def test_the_benchmark_shape_has_nothing_to_mark(tmp_path: Path, hidden: tuple[int, ...]) -> None:
    path = _backlog(tmp_path, [_row("PC-1", n) for n in range(1, 200)], hidden)
    sheet = read_file(path).sheet("Backlog")
    assert sheet.hidden_rows == frozenset(hidden) and sheet.uncached_formulas == {}


def test_a_sheet_with_nothing_below_its_headers_says_so(
    database: Database, db_url: str, tmp_path: Path
) -> None:
    """Headers and no rows (an empty template), or only hidden rows: the summary says there
    was nothing to import rather than a bare row of zeros."""
    build_world(database)
    empty = _backlog(tmp_path, [])
    status, out, err = _run(db_url, "import", str(empty), "--vendor", "Supermicro")
    assert status == 0, err
    assert "  note: the sheet has no rows below its headers: nothing to import\n" in out

    hidden = supermicro_backlog(tmp_path / "hidden.xlsx", [_row("PC-9", 1)])
    wb = openpyxl.load_workbook(hidden)
    wb["Backlog"].row_dimensions[5].hidden = True
    wb.save(hidden)
    report = run_import(database, hidden, kind="orders", vendor="Supermicro", dry_run=True)
    plan = report.sheets[0].plan
    assert plan.skipped == [(5, "a hidden row")]
    assert "every row below the headers was skipped: nothing to import" in plan.notes


def test_zero_height_rows_and_rows_numbered_by_their_cells_are_hidden(
    database: Database, tmp_path: Path
) -> None:
    """A row of height 0 is hidden as Excel shows it; a hidden row whose tag carries no
    ``r=`` in a sheet whose other rows do is found by its first cell's reference."""
    build_world(database)
    path = _backlog(tmp_path, [_row("PC-1", n) for n in range(1, 5)])

    def change(xml: bytes) -> bytes:
        xml = re.sub(rb'<row r="6"([^>]*)>', rb'<row r="6" ht="0" customHeight="1"\1>', xml)
        return re.sub(rb'<row r="7"([^>]*)>', rb'<row hidden="1"\1>', xml)

    _rewrite_sheet(path, change)
    marks = scan_xlsx_rows(path, "xl/worksheets/sheet1.xml")
    assert marks.hidden_rows == {6, 7}

    report = run_import(database, path, kind="orders", vendor="Supermicro")

    assert report.ok
    assert report.sheets[0].plan.skipped == [(6, "a hidden row"), (7, "a hidden row")]
    assert _lines(database) == {("PC-1", 1), ("PC-1", 4)}


def test_a_formula_whose_saved_value_is_0_is_told_apart_from_a_typed_0(
    database: Database, tmp_path: Path
) -> None:
    build_world(database)
    rows = [_row("PC-1", 1), _row("PC-1", 2), _row("PC-1", 3)]
    rows[1][4] = "=D6-D6"  # Unit Price: a formula, saved by a script with the value 0
    path = _backlog(tmp_path, rows)
    _rewrite_sheet(
        path,
        lambda xml: re.sub(
            rb"(<c r=\"E6\"[^>]*>)<f>(.*?)</f>(<v\s*/>|<v></v>)?", rb"\1<f>\2</f><v>0</v>", xml
        ),
    )
    marks = scan_xlsx_rows(path, "xl/worksheets/sheet1.xml")
    assert marks.zero_formulas == {(6, 4): "=D6-D6"} and marks.uncached_formulas == {}

    report = run_import(database, path, kind="orders", vendor="Supermicro", dry_run=True)

    plan = report.sheets[0].plan
    assert [r.action for r in plan.rows] == ["create", "create", "create"]
    assert [n for n in plan.notes if "saved value of a formula" in n] == [
        "1 cell holds 0 as the saved value of a formula, not a typed 0 (row 6, 'Unit Price': "
        "=D6-D6): check that Excel calculated them before relying on them"
    ]
    # The typed 0s of rows 5 and 7 say nothing.
    assert all("row 5" not in n and "row 7" not in n for n in plan.notes if "formula" in n)
