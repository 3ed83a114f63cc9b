"""``--errors OUT.xlsx``: from an .xlsx/.xlsm file, a marked copy of the vendor's own workbook
(title and header rows as they were, only the rejected rows, bad cells filled and commented,
an ``Error`` column), which imports again once the marked cells are fixed; from other formats
and from very large workbooks, the rows rebuilt in a new workbook."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.table import Table

import cli
from models.database import Database
from services import importing, records
from services.errors import RackbookError
from services.importing import ImportReport
from services.importing.errors_workbook import MARKED_COPY_MAX_ROWS
from tests.services.importing.conftest import (
    SUPERMICRO_HEADER,
    build_world,
    run_import,
    supermicro_sheet,
    with_macros,
)
from tests.services.importing.test_hidden_rows_and_formulas import ODS_HEADER, write_ods

HEADER = SUPERMICRO_HEADER
HEADER_FILL = PatternFill("solid", start_color="FF1F4E79", end_color="FF1F4E79")


def _row(po: str, line: int, qty: Any = 2, site: str = "Panther Creek", rep: str = "") -> list:
    return [
        po,
        line,
        "AS-8125GS",
        qty,
        "$1,000.00",
        0.1,
        "04/20/2027",
        site,
        "10/01/2026",
        "Booked",
        rep,
    ]


def vendor_workbook(path: Path) -> Path:
    """A vendor's backlog as Excel users make them: a merged title, a styled header on row 4,
    a hidden column, a PO number merged over two lines, a hidden (cancelled) line, a formula
    nobody calculated, a vendor's comment, text that looks like a formula, a blank row, a
    totals row, column widths, a notes sheet and a name defined on it."""
    wb, ws = supermicro_sheet("Run date: 10/02/2026")
    for cell in ws[4]:
        cell.font = Font(bold=True, color="FFFFFFFF")
        cell.fill = HEADER_FILL
    ws.column_dimensions["H"].width = 24
    rows = [
        _row("PC-1", 1),  # 5: fine
        _row("", 2, qty="three", rep='=HYPERLINK("http://x","y")'),  # 6: PO merged from 5
        _row("PC-2", 1),  # 7: fine
        _row("PC-2", 2, qty="n/a"),  # 8: hidden: cancelled, not imported
        _row("PC-3", 1, site="Nowhere"),  # 9: unknown site
        _row("PC-3", 2, qty="=D7*2"),  # 10: a formula never calculated
    ]
    for row in rows:
        ws.append(row)
    ws["K6"].data_type = "s"  # the vendor's text, not a formula
    ws.merge_cells("A5:A6")
    ws.row_dimensions[8].hidden = True
    ws.row_dimensions[9].height = 30
    ws["H9"].comment = Comment("new site from Q3", "Vendor")
    ws.append([])
    ws.append(["Total", "", "", "=SUM(D5:D10)"])  # 12
    notes = wb.create_sheet("Notes")
    notes["A1"] = "Prices in USD"
    wb.defined_names["Currency"] = DefinedName("Currency", attr_text="Notes!$A$1")
    wb.save(path)
    return path


def _import(database: Database, path: Path, **more: Any) -> ImportReport:
    return run_import(database, path, kind="orders", vendor="Supermicro", **more)


def _lines(database: Database) -> dict[tuple[str, int], dict]:
    with database.session() as session:
        return {(r["po_number"], r["line"]): r for r in records.list_records(session, "orders")}


def test_marked_copy_of_the_vendor_workbook_imports_again_once_fixed(
    database: Database, tmp_path: Path
) -> None:
    build_world(database)
    path = vendor_workbook(tmp_path / "backlog.xlsx")
    report = _import(database, path, skip_invalid=True)
    plan = report.sheets[0].plan
    assert [(r.row, r.action) for r in plan.rows] == [
        (5, "create"),
        (6, "rejected"),
        (7, "create"),
        (9, "rejected"),
        (10, "rejected"),
    ]
    assert plan.skipped == [(8, "a hidden row"), (12, "a totals row")]
    out = tmp_path / "rejected.xlsx"

    written = importing.write_errors([s.plan for s in report.sheets], out)

    assert written == 3 and written.layout == "marked copy" and written.notes == []
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Backlog"]  # rows already imported are not offered again
    assert "Currency" not in wb.defined_names
    ws = wb["Backlog"]
    assert ws["A1"].value == "SUPERMICRO - Customer Backlog Report" and ws["A1"].font.b
    assert "A1:F1" in {r.coord for r in ws.merged_cells.ranges}
    assert [c.value for c in ws[4]] == [*HEADER, "Error"]
    error_head = ws["L4"]
    assert error_head.font.b and error_head.fill.start_color.rgb == HEADER_FILL.start_color.rgb
    assert ws.column_dimensions["F"].hidden and ws.column_dimensions["H"].width == 24
    assert ws.max_row == 7  # the header, then the three rejected rows, in their order
    values = [[c.value for c in row] for row in ws.iter_rows(min_row=5, max_col=11)]
    assert values[0][:4] == ["PC-1", 2, "AS-8125GS", "three"]  # the merged PO number, filled
    assert values[1][:4] == ["PC-3", 1, "AS-8125GS", 2] and values[1][7] == "Nowhere"
    assert values[2][:4] == ["PC-3", 2, "AS-8125GS", "=D7*2"]
    assert ws["D7"].data_type == "s"  # the formula shown as text, never a live formula
    assert ws["K5"].value == '=HYPERLINK("http://x","y")' and ws["K5"].data_type == "s"
    assert ws.row_dimensions[6].height == 30  # the row kept its height
    assert not any(ws.row_dimensions[r].hidden for r in range(1, 8))
    assert ws["L5"].value == "row 6: Qty is not a number"
    assert ws["L6"].value.startswith("row 9: ") and "Nowhere" in ws["L6"].value
    assert ws["L7"].value == (
        "row 10: Qty is a formula with no calculated value (open the file in Excel and save "
        "it, or type the value)"
    )
    for coordinate in ("D5", "H6", "D7"):
        assert ws[coordinate].fill.start_color.rgb == "FFF4CCCC", coordinate
    assert ws["D5"].comment.text == "Qty is not a number"
    assert "Nowhere" in ws["H6"].comment.text and "new site from Q3" in ws["H6"].comment.text
    assert ws["A5"].fill.start_color.rgb != "FFF4CCCC"  # only the bad cells are marked

    # The buyer fixes the marked cells and imports the file as it is, with the same options.
    ws["D5"] = 3
    ws["H6"] = "Panther Creek"
    ws["D7"] = 5
    wb.save(out)
    again = _import(database, out)

    assert again.ok, [str(p) for p in again.sheets[0].plan.problems]
    assert again.sheets[0].plan.counts == {"create": 3, "update": 0, "unchanged": 0, "rejected": 0}
    lines = _lines(database)
    assert set(lines) == {("PC-1", 1), ("PC-1", 2), ("PC-2", 1), ("PC-3", 1), ("PC-3", 2)}
    assert lines["PC-1", 2]["quantity"] == 3 and lines["PC-3", 2]["quantity"] == 5
    assert lines["PC-3", 1]["site"] == "Panther Creek"


def test_a_second_round_writes_the_same_error_column_again(
    database: Database, tmp_path: Path
) -> None:
    build_world(database)
    report = _import(database, vendor_workbook(tmp_path / "backlog.xlsx"), skip_invalid=True)
    first = tmp_path / "rejected.xlsx"
    importing.write_errors([s.plan for s in report.sheets], first)
    wb = openpyxl.load_workbook(first)
    wb["Backlog"]["D5"] = 3  # one of three fixed
    wb.save(first)

    again = _import(database, first, skip_invalid=True)
    second = tmp_path / "rejected again.xlsx"
    written = importing.write_errors([s.plan for s in again.sheets], second)

    assert written == 2
    ws = openpyxl.load_workbook(second)["Backlog"]
    assert [c.value for c in ws[4]] == [*HEADER, "Error"]
    assert ws["L5"].value.startswith("row 6: ") and ws["L6"].value.startswith("row 7: ")
    assert ws.max_row == 6


def test_a_macro_workbook_gives_a_copy_without_its_macros(
    database: Database, tmp_path: Path
) -> None:
    build_world(database)
    plain = vendor_workbook(tmp_path / "plain.xlsx")
    path = with_macros(plain, tmp_path / "backlog.xlsm", b"\xd0\xcf\x11\xe0 macros never run")
    report = _import(database, path, skip_invalid=True)
    assert report.format == "xlsm"
    out = tmp_path / "rejected.xlsx"

    written = importing.write_errors([s.plan for s in report.sheets], out)

    assert written == 3 and written.layout == "marked copy"
    with zipfile.ZipFile(out) as archive:
        assert "xl/vbaProject.bin" not in archive.namelist()
    assert openpyxl.load_workbook(out)["Backlog"]["L5"].value == "row 6: Qty is not a number"


def test_an_excel_table_ends_at_the_last_rejected_row(database: Database, tmp_path: Path) -> None:
    build_world(database)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Lines"
    ws.append(HEADER)
    for n in range(1, 9):
        ws.append(_row("PC-9", n, qty="x" if n in (3, 7) else 1))
    ws.add_table(Table(displayName="Backlog", ref="A1:K9"))
    ws.auto_filter.ref = None
    path = tmp_path / "table.xlsx"
    wb.save(path)
    report = _import(database, path, skip_invalid=True)
    out = tmp_path / "rejected.xlsx"

    importing.write_errors([s.plan for s in report.sheets], out)

    ws = openpyxl.load_workbook(out)["Lines"]
    assert ws.tables["Backlog"].ref == "A1:K3"
    assert [ws["B2"].value, ws["B3"].value] == [3, 7]
    assert ws["L1"].value == "Error"


def _over_the_row_limit(database: Database, tmp_path: Path) -> Path:
    """The vendor workbook with a notes sheet reaching past the marked copy's row limit."""
    build_world(database)
    path = vendor_workbook(tmp_path / "backlog.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["Notes"].cell(row=MARKED_COPY_MAX_ROWS + 5, column=1, value="end of notes")
    wb.save(path)
    return path


def test_a_workbook_over_the_row_limit_gets_the_rows_rebuilt(
    database: Database, tmp_path: Path
) -> None:
    path = _over_the_row_limit(database, tmp_path)
    report = _import(database, path, skip_invalid=True)
    out = tmp_path / "rejected.xlsx"

    written = importing.write_errors([s.plan for s in report.sheets], out)

    assert written == 3 and written.layout == "rebuilt"
    assert written.notes == [
        "rejected rows written in a new workbook, not as a marked copy of backlog.xlsx: its "
        f"sheets hold {MARKED_COPY_MAX_ROWS + 5 + 12:,} rows, and a copy is made only of "
        f"workbooks of up to {MARKED_COPY_MAX_ROWS:,} rows"
    ]
    ws = openpyxl.load_workbook(out)["Backlog"]
    assert ws["L4"].value == "Error" and written.notes[0] in ws["L4"].comment.text
    assert [ws["B5"].value, ws["B6"].value, ws["B7"].value] == [2, 1, 2]
    assert ws["D7"].value == "=D7*2" and ws["D7"].data_type == "s"


def test_the_command_line_says_how_the_rejected_rows_were_written(
    database: Database, db_url: str, tmp_path: Path
) -> None:
    """``import --errors`` says whether the vendor's workbook was copied, and why not."""
    path = _over_the_row_limit(database, tmp_path)
    out_path = tmp_path / "rejected.xlsx"
    out, err = io.StringIO(), io.StringIO()

    status = cli.run(
        [
            *("--db", db_url, "--user", "tester", "import", str(path)),
            *("--kind", "orders", "--vendor", "Supermicro", "--errors", str(out_path)),
        ],
        out,
        err,
    )

    assert status == 1, err.getvalue()
    text = out.getvalue()
    assert f"3 rejected rows written to {out_path}, each with an Error column" in text
    assert (
        "  note: rejected rows written in a new workbook, not as a marked copy of backlog.xlsx: "
        f"its sheets hold {MARKED_COPY_MAX_ROWS + 5 + 12:,} rows" in text
    )
    assert openpyxl.load_workbook(out_path)["Backlog"]["L4"].value == "Error"


def test_a_file_changed_since_it_was_read_gets_the_rows_rebuilt(
    database: Database, tmp_path: Path
) -> None:
    build_world(database)
    path = vendor_workbook(tmp_path / "backlog.xlsx")
    report = _import(database, path, skip_invalid=True)
    wb = openpyxl.load_workbook(path)
    wb["Backlog"]["D6"] = 4
    wb.save(path)

    written = importing.write_errors([s.plan for s in report.sheets], tmp_path / "out.xlsx")

    assert written.layout == "rebuilt"
    assert written.notes[0].endswith("the file has changed since it was read")


def test_an_ods_file_gets_the_rows_rebuilt_with_the_formula_shown(
    database: Database, tmp_path: Path
) -> None:
    build_world(database)
    path = write_ods(
        tmp_path / "orders.ods",
        "Orders",
        [
            (ODS_HEADER, ""),
            (["MO-1", 1, "AS-8125GS", 2, "Panther Creek", "2026-10-01"], ""),
            (["MO-1", 2, "AS-8125GS", "=D2*2", "Panther Creek", "2026-10-01"], ""),
        ],
    )
    report = _import(database, path, skip_invalid=True)
    out = tmp_path / "rejected.xlsx"

    written = importing.write_errors([s.plan for s in report.sheets], out)

    assert written == 1 and written.layout == "rebuilt" and written.notes == []
    ws = openpyxl.load_workbook(out)["Orders"]
    assert [c.value for c in ws[2]][:4] == ["MO-1", 2, "AS-8125GS", "=D2*2"]
    assert ws["D2"].data_type == "s" and ws["D2"].fill.start_color.rgb == "FFF4CCCC"
    assert ws["G1"].value == "Error" and ws["G2"].value.startswith("row 3: Qty is a formula")


def test_a_place_that_cannot_be_written_is_a_message(database: Database, tmp_path: Path) -> None:
    build_world(database)
    report = _import(database, vendor_workbook(tmp_path / "backlog.xlsx"), skip_invalid=True)

    out = tmp_path / "nowhere" / "rejected.xlsx"

    with pytest.raises(RackbookError, match=r"cannot write .*rejected\.xlsx"):
        importing.write_errors([s.plan for s in report.sheets], out)


def test_the_rejected_rows_never_overwrite_the_file_imported(
    database: Database, db_url: str, tmp_path: Path
) -> None:
    """``--errors`` naming the file being imported (by any path) is refused before anything
    is imported, and ``write_errors`` (the wizard's way) refuses it too: the vendor's file,
    with its valid rows, is left as it was."""
    build_world(database)
    path = vendor_workbook(tmp_path / "backlog.xlsx")
    before = path.read_bytes()
    same = tmp_path / "sub" / ".." / "backlog.xlsx"
    (tmp_path / "sub").mkdir()
    out, err = io.StringIO(), io.StringIO()

    status = cli.run(
        [
            *("--db", db_url, "--user", "tester", "import", str(path)),
            *("--kind", "orders", "--vendor", "Supermicro", "--skip-invalid"),
            *("--errors", str(same)),
        ],
        out,
        err,
    )

    assert status == 2
    assert err.getvalue() == (
        "rackbook: the rejected rows would be written over backlog.xlsx, the file being "
        "imported: give the errors workbook another name; nothing was imported\n"
    )
    assert path.read_bytes() == before
    assert _lines(database) == {}

    report = _import(database, path, dry_run=True)
    with pytest.raises(RackbookError, match=r"backlog\.xlsx was left as it is"):
        importing.write_errors([s.plan for s in report.sheets], path)
    assert path.read_bytes() == before
