"""The commit rules of docs/import.md: all or nothing, --skip-invalid, --dry-run, updates by natural
key with the audit trail and ETA history, the same file twice, the rejected-rows workbook,
and undo (refused when a later change touched the batch's rows)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from models import AuditEntry, EtaChange, ImportBatch, OrderLine, PurchaseOrder
from models.database import Database
from services import audit, importing, records
from services.audit import Actor
from services.errors import ConflictError, RackbookError
from services.importing import ImportRequest
from tests.builders import day
from tests.services.importing.conftest import build_world, run_import, supermicro_backlog

GOOD = [
    [
        "PC-1",
        1,
        "AS-8125GS",
        4,
        "$285,000.00",
        0,
        "04/20/2027",
        "Panther Creek",
        "10/01/2026",
        "Booked",
        "",
    ],
    [
        "PC-1",
        2,
        "SYS-821GE",
        2,
        "$310,000.00",
        0,
        "05/20/2027",
        "Panther Creek",
        "10/01/2026",
        "Booked",
        "",
    ],
]


def _counts(database: Database) -> dict[str, int]:
    with database.session() as session:
        return {
            name: session.scalar(select(func.count()).select_from(model)) or 0
            for name, model in (
                ("lines", OrderLine),
                ("orders", PurchaseOrder),
                ("audit", AuditEntry),
                ("eta", EtaChange),
            )
        }


def _line(database: Database, po: str, line: int) -> dict:
    with database.session() as session:
        found = records.find_record(session, "orders", {"po_number": po, "line": line})
    assert found is not None
    return found


def _problems(report: importing.ImportReport) -> list[str]:
    return [str(p) for s in report.sheets for p in s.plan.problems]


def test_one_bad_row_writes_nothing_and_every_problem_is_named(
    database: Database, tmp_path: Path
) -> None:
    build_world(database)
    before = _counts(database)
    rows = [
        *GOOD,
        [
            "PC-1",
            3,
            "AS-8125GS",
            -2,
            "$1.00",
            0,
            "someday",
            "Panther Crek",
            "10/01/2026",
            "Booked",
            "",
        ],
        ["PC-2", 1, "XE9999", 1.5, "abc", 0, "", "Moses Lake", "10/01/2026", "Lost", ""],
        ["PC-1", 1, "AS-8125GS", 4, "$285,000.00", 0, "", "Panther Creek", "10/01/2026", "", ""],
    ]
    path = supermicro_backlog(tmp_path / "bad.xlsx", rows)

    report = run_import(database, path, kind="orders", vendor="Supermicro")

    assert not report.ok
    assert _counts(database) == before  # all or nothing
    problems = _problems(report)
    text = "\n".join(problems)
    # Sheet row numbers as Excel shows them (header on row 4, data from row 5).
    assert (
        "bad.xlsx, sheet 'Backlog', row 7, column 'Qty' (value '-2'): quantity must be more" in text
    )
    assert "row 7, column 'Ship Date' (value 'someday'): Ship Date is not a date" in text
    assert (
        "row 7, column 'Ship-to' (value 'Panther Crek'): no site is called 'Panther Crek'; "
        "did you mean 'Panther Creek'?" in text
    )
    assert "row 8, column 'Part No.' (value 'XE9999'): no Supermicro product is called" in text
    assert "row 8, column 'Qty' (value '1.5'): Qty is not a whole number" in text
    assert "row 8, column 'Unit Price' (value 'abc'): Unit Price is not a number" in text
    assert "row 8, column 'Status' (value 'Lost'): Status is not a status word" in text
    assert "known words: open, new, placed" in text
    assert (
        "row 5, column 'Cust PO' (value 'PC-1/1'): PC-1/1 appears more than once in the "
        "file (also on row 9)" in text
    )
    assert "row 9" in text
    counts = report.sheets[0].plan.counts
    assert counts["rejected"] == 4 and counts["create"] == 1


def test_skip_invalid_writes_the_valid_rows_and_dry_run_nothing(
    database: Database, tmp_path: Path
) -> None:
    build_world(database)
    rows = [
        *GOOD,
        ["PC-1", 3, "AS-8125GS", 0, "$1.00", 0, "", "Panther Creek", "10/01/2026", "", ""],
    ]
    path = supermicro_backlog(tmp_path / "some bad.xlsx", rows)

    dry = run_import(
        database, path, kind="orders", vendor="Supermicro", skip_invalid=True, dry_run=True
    )
    assert dry.sheets[0].plan.counts == {"create": 2, "update": 0, "unchanged": 0, "rejected": 1}
    assert _counts(database)["lines"] == 0

    report = run_import(database, path, kind="orders", vendor="Supermicro", skip_invalid=True)

    assert report.ok and report.rejected == 1
    assert _counts(database)["lines"] == 2
    assert _line(database, "PC-1", 1)["status"] == "confirmed"


def test_update_by_key_audits_each_changed_field_and_keeps_eta_history(
    database: Database, tmp_path: Path
) -> None:
    build_world(database)
    first = supermicro_backlog(tmp_path / "week1.xlsx", GOOD)
    result = run_import(database, first, kind="orders", vendor="Supermicro")
    first_batch = result.sheets[0].result
    assert first_batch is not None
    line_id = _line(database, "PC-1", 1)["id"]
    version = _line(database, "PC-1", 1)["version"]
    moved = [list(GOOD[0]), list(GOOD[1])]
    moved[0][6] = "06/30/2027"  # the vendor slips the ETA
    moved[0][9] = "In Production"
    second = supermicro_backlog(tmp_path / "week2.xlsx", moved)

    report = run_import(database, second, kind="orders", vendor="Supermicro")

    plan = report.sheets[0].plan
    assert plan.counts == {"create": 0, "update": 1, "unchanged": 1, "rejected": 0}
    changed = {c.field: (c.old, c.new) for c in plan.rows[0].changes}
    assert changed == {
        "eta": (day("2027-04-20"), day("2027-06-30")),
        "status": ("confirmed", "in_production"),
    }
    line = _line(database, "PC-1", 1)
    assert line["eta"] == day("2027-06-30") and line["version"] == version + 1
    batch = report.sheets[0].result
    assert batch is not None
    with database.session() as session:
        trail = audit.history(session, "orders", line_id)
        etas = audit.eta_history(session, line_id)
        entries = {
            (e.field, e.old_value, e.new_value, e.source)
            for e in session.scalars(
                select(AuditEntry).where(AuditEntry.import_batch_id == batch.batch_id)
            )
        }
        updated_by = session.get(OrderLine, line_id).updated_by  # type: ignore[union-attr]
    assert entries == {
        ("eta", "2027-04-20", "2027-06-30", "import"),
        ("status", "confirmed", "in_production", "import"),
    }
    assert [t.action for t in trail][-1] == "create"
    # The first commitment survives: the ETA history starts at the first ETA.
    assert [(e.old_date, e.new_date) for e in etas] == [
        (None, day("2027-04-20")),
        (day("2027-04-20"), day("2027-06-30")),
    ]
    assert updated_by == "tester"


def test_the_same_file_twice_changes_nothing(database: Database, tmp_path: Path) -> None:
    build_world(database)
    path = supermicro_backlog(tmp_path / "same.xlsx")
    run_import(database, path, kind="orders", vendor="Supermicro")
    before = _counts(database)
    versions = {r["id"]: r["version"] for r in _all(database)}

    report = run_import(database, path, kind="orders", vendor="Supermicro")

    assert report.sheets[0].plan.counts["unchanged"] == 3
    assert _counts(database) == before
    assert {r["id"]: r["version"] for r in _all(database)} == versions


def _all(database: Database) -> list[dict]:
    with database.session() as session:
        return records.list_records(session, "orders")


def test_errors_workbook_marks_bad_cells_and_imports_again_once_fixed(
    database: Database, tmp_path: Path
) -> None:
    build_world(database)
    rows = [
        *GOOD,
        [
            "PC-1",
            3,
            "AS-8125GS",
            "three",
            "1.000.00",
            0,
            "",
            "Panther Creek",
            "10/01/2026",
            "Booked",
            "",
        ],
    ]
    path = supermicro_backlog(tmp_path / "vendor.xlsx", rows)
    report = run_import(database, path, kind="orders", vendor="Supermicro", skip_invalid=True)
    out = tmp_path / "rejected.xlsx"

    written = importing.write_errors([s.plan for s in report.sheets], out)

    assert written == 1
    wb = openpyxl.load_workbook(out)
    ws = wb["Backlog"]
    assert ws["A1"].value == "SUPERMICRO - Customer Backlog Report"  # the vendor's own title
    header = [c.value for c in ws[4]]
    assert header[:4] == ["Cust PO", "Ln", "Part No.", "Qty"] and header[-1] == "Error"
    bad_row = [c.value for c in ws[5]]
    assert bad_row[:4] == ["PC-1", 3, "AS-8125GS", "three"]
    assert bad_row[-1] == ("row 7: Qty is not a number; Unit Price is not a number")
    assert ws["D5"].fill.start_color.rgb.endswith("F4CCCC") and ws["D5"].comment is not None
    assert ws["E5"].comment.text == "Unit Price is not a number"
    # The buyer fixes the quantity and the price and imports the file as it is.
    ws["D5"] = 3
    ws["E5"] = "$1,000.00"
    wb.save(out)
    again = run_import(database, out, kind="orders", vendor="Supermicro")
    assert again.ok, _problems(again)
    assert again.sheets[0].plan.counts["create"] == 1
    assert _line(database, "PC-1", 3)["quantity"] == 3


def test_undo_reverts_creates_and_updates(database: Database, tmp_path: Path) -> None:
    build_world(database)
    before = _counts(database)
    first = run_import(
        database, supermicro_backlog(tmp_path / "a.xlsx", GOOD), kind="orders", vendor="Supermicro"
    )
    moved = [list(GOOD[0])]
    moved[0][6] = "07/31/2027"
    moved[0][3] = 5
    second = run_import(
        database, supermicro_backlog(tmp_path / "b.xlsx", moved), kind="orders", vendor="Supermicro"
    )
    batch_two = second.sheets[0].result
    batch_one = first.sheets[0].result
    assert batch_one is not None and batch_two is not None

    with database.write() as session:
        undone = importing.undo_batch(session, batch_two.batch_id, "tester")
    assert undone.restored == 1
    line = _line(database, "PC-1", 1)
    assert line["eta"] == day("2027-04-20") and line["quantity"] == 4
    with database.session() as session:
        etas = audit.eta_history(session, line["id"])
        changes = audit.history(session, "orders", line["id"])
    assert etas[-1].new_date == day("2027-04-20") and etas[-1].source == "undo"
    # Each change names the file it came from, as the window shows it.
    assert [e.source_text for e in etas] == [
        f"import {batch_one.batch_id} (a.xlsx)",
        f"import {batch_two.batch_id} (b.xlsx)",
        f"undo of import {batch_two.batch_id} (b.xlsx)",
    ]
    assert {h.source_text for h in changes} == {
        f"import {batch_one.batch_id} (a.xlsx)",
        f"import {batch_two.batch_id} (b.xlsx)",
        f"undo of import {batch_two.batch_id} (b.xlsx)",
    }

    with database.write() as session:
        importing.undo_batch(session, batch_one.batch_id, "tester")
    after = _counts(database)
    assert after["lines"] == before["lines"] and after["orders"] == before["orders"]
    with database.session() as session:
        batch = session.get(ImportBatch, batch_one.batch_id)
        assert batch is not None and batch.undone_by == "tester"
    with pytest.raises(RackbookError, match="already undone"), database.write() as session:
        importing.undo_batch(session, batch_one.batch_id, "tester")


def test_undo_refused_naming_the_later_change(database: Database, tmp_path: Path) -> None:
    build_world(database)
    report = run_import(
        database, supermicro_backlog(tmp_path / "a.xlsx", GOOD), kind="orders", vendor="Supermicro"
    )
    batch = report.sheets[0].result
    assert batch is not None
    line = _line(database, "PC-1", 2)
    with database.write() as session:
        records.update(session, "orders", line["id"], {"notes": "expedite"}, Actor("alice"))
    before = _counts(database)

    with pytest.raises(RackbookError) as refused, database.write() as session:
        importing.undo_batch(session, batch.batch_id, "tester")

    message = str(refused.value)
    assert "cannot be undone" in message and "PC-1/2" in message and "alice" in message
    assert "(notes)" in message
    assert _counts(database) == before


def test_commit_of_a_stale_preview_is_a_conflict(database: Database, tmp_path: Path) -> None:
    build_world(database)
    run_import(
        database, supermicro_backlog(tmp_path / "a.xlsx", GOOD), kind="orders", vendor="Supermicro"
    )
    moved = [list(GOOD[0])]
    moved[0][3] = 9
    path = supermicro_backlog(tmp_path / "b.xlsx", moved)
    workbook = importing.read_file(path)
    sheet = workbook.sheet("Backlog")
    with database.session() as session:  # the wizard's preview
        fit = importing.choose_sheets(workbook, "orders", given=("vendor",))[0]
        mapping = importing.match_headers(
            sheet, "orders", fit.header_row, {}, {"vendor": "Supermicro"}
        )
        plan = importing.plan_import(session, sheet, mapping, file=path.name)
    assert plan.counts["update"] == 1
    line = _line(database, "PC-1", 1)
    with database.write() as session:  # someone saves the line in between
        records.update(session, "orders", line["id"], {"notes": "mine"}, Actor("bob"))

    with pytest.raises(ConflictError), database.write() as session:
        importing.commit(session, plan, "tester")

    assert _line(database, "PC-1", 1)["quantity"] == 4


def test_progress_and_cancel(database: Database, tmp_path: Path) -> None:
    build_world(database)
    rows = [
        ["PC-9", n, "AS-8125GS", 1, "$1.00", 0, "", "Panther Creek", "10/01/2026", "", ""]
        for n in range(1, 4500)
    ]
    path = supermicro_backlog(tmp_path / "big.xlsx", rows)
    seen: list[tuple[int, int]] = []
    report = None
    with database.write() as session:
        report = importing.import_file(
            session,
            path,
            ImportRequest(kind="orders", vendor="Supermicro"),
            "tester",
            progress=lambda done, total: seen.append((done, total)),
        )
    assert report.ok and seen[0] == (0, 4499) and seen[-1] == (4499, 4499)
    assert len(seen) >= 3
    calls = []

    def cancel() -> bool:
        calls.append(1)
        return len(calls) > 1

    with pytest.raises(importing.ImportCancelled), database.write() as session:
        importing.import_file(
            session,
            supermicro_backlog(tmp_path / "c.xlsx", [[*r[:1], r[1], *r[2:]] for r in rows]),
            ImportRequest(kind="orders", vendor="Supermicro", overrides={"qty": "quantity"}),
            "tester",
            cancel=cancel,
        )


def test_errors_workbook_never_turns_vendor_text_into_formulas(
    database: Database, tmp_path: Path
) -> None:
    build_world(database)
    path = tmp_path / "eaton.csv"
    path.write_text(
        "Order No.;Pos.;Article No.;Quantity;Site;Order Date;Remarks\n"
        'PC-5;1;93PM-500;-1;Panther Creek;01/06/2026;=HYPERLINK("http://x","y")\n',
        encoding="utf-8",
    )
    report = run_import(database, path, vendor="Eaton")
    out = tmp_path / "rejected.xlsx"

    importing.write_errors([s.plan for s in report.sheets], out)

    ws = openpyxl.load_workbook(out).active
    assert ws["G2"].value == '=HYPERLINK("http://x","y")' and ws["G2"].data_type == "s"
    assert ws["H2"].value == "row 2: Quantity: quantity must be more than 0"


def test_undo_of_every_kind_in_reverse_order_leaves_nothing(
    database: Database, tmp_path: Path
) -> None:
    wb = openpyxl.Workbook()
    sheets = {
        "Sites": [["Site", "Status"], ["Odessa", "planned"]],
        "Vendors": [["Vendor", "Aliases"], ["Vertiv", "Vertiv Co.; Liebert"]],
        "Products": [["SKU", "Vendor", "Category"], ["XDU1350", "Liebert", "cooling"]],
        "Quotes": [
            ["Vendor", "SKU", "Lead time", "Quote date"],
            ["Vertiv", "XDU1350", "16 weeks", "2026-08-01"],
        ],
        "PPAs": [
            ["PPA", "Counterparty", "Site", "MW", "Start", "End"],
            ["P-1", "Wind LLC", "Odessa", 50, "2027-01-01", "2030-12-31"],
        ],
        "Contracts": [
            ["Contract", "Customer", "Site", "Start", "End", "Price", "Price unit"],
            ["C-1", "Lumen AI", "Odessa", "2027-03-01", "2029-02-28", "90000", "per month"],
        ],
        "FX": [["Currency", "Rate", "Valid from"], ["EUR", "1.08", "2026-01-01"]],
    }
    for index, (title, rows) in enumerate(sheets.items()):
        ws = wb.active if index == 0 else wb.create_sheet(title)
        ws.title = title
        for row in rows:
            ws.append(row)
    path = tmp_path / "all.xlsx"
    wb.save(path)
    report = run_import(database, path)
    assert report.ok, _problems(report)
    batches = [s.result.batch_id for s in report.sheets if s.result]
    assert len(batches) == 7
    with database.session() as session:
        assert records.find_vendor(session, "Liebert") is not None  # found by alias

    # The oldest batch cannot go first: its site now carries a PPA and a contract.
    with pytest.raises(RackbookError, match="cannot be undone"), database.write() as session:
        importing.undo_batch(session, batches[0], "tester")
    for batch_id in reversed(batches):
        with database.write() as session:
            importing.undo_batch(session, batch_id, "tester")

    with database.session() as session:
        for kind_name in (
            "sites",
            "vendors",
            "products",
            "leadtimes",
            "ppas",
            "contracts",
            "customers",
            "fxrates",
        ):
            assert records.list_records(session, kind_name) == [], kind_name
        assert records.find_vendor(session, "Liebert") is None


def test_vendor_update_rewrites_aliases_and_undo_restores_them(
    database: Database, tmp_path: Path
) -> None:
    def vendors_file(name: str, aliases: str) -> Path:
        wb = openpyxl.Workbook()
        wb.active.append(["Vendor", "Aliases", "Country"])
        wb.active.append([name, aliases, "US"])
        target = tmp_path / f"{aliases or 'none'}.xlsx"
        wb.save(target)
        return target

    run_import(database, vendors_file("Dell Technologies", "Dell; Dell Inc."), kind="vendors")
    report = run_import(database, vendors_file("dell technologies", "Dell EMC"), kind="vendors")
    assert report.ok
    changes = {c.field for c in report.sheets[0].plan.rows[0].changes}
    assert changes == {"name", "aliases"}
    with database.session() as session:
        assert records.find_vendor(session, "Dell EMC") is not None
        assert records.find_vendor(session, "Dell Inc.") is None
    batch = report.sheets[0].result
    assert batch is not None

    with database.write() as session:
        importing.undo_batch(session, batch.batch_id, "tester")

    with database.session() as session:
        vendor = records.find_vendor(session, "Dell Inc.")
        assert vendor is not None and vendor.name == "Dell Technologies"
        assert records.find_vendor(session, "Dell EMC") is None


def test_first_commitment_is_never_overwritten_a_new_confirmed_date_is_the_eta(
    database: Database, tmp_path: Path
) -> None:
    build_world(database)
    header = "PO No.;Pos.;Article;Qty;Site;Order date;Confirmed delivery\n"
    week1 = tmp_path / "week1.csv"
    week1.write_text(header + "PC-7;1;93PM-500;2;Panther Creek;03.06.2026;14.11.2026\n")
    week2 = tmp_path / "week2.csv"
    week2.write_text(header + "PC-7;1;93PM-500;2;Panther Creek;03.06.2026;02.02.2027\n")
    assert run_import(database, week1, vendor="Eaton").ok

    report = run_import(database, week2, vendor="Eaton")

    assert report.ok
    plan = report.sheets[0].plan
    assert any("first commitment" in note for note in plan.notes)
    line = _line(database, "PC-7", 1)
    assert line["promised_date"] == day("2026-11-14")  # the first commitment stays
    assert line["eta"] == day("2027-02-02")  # the slip is the current estimate
    with database.session() as session:
        etas = audit.eta_history(session, line["id"])
    assert [(e.old_date, e.new_date) for e in etas] == [(None, day("2027-02-02"))]
    again = run_import(database, week2, vendor="Eaton")
    assert again.sheets[0].plan.counts["unchanged"] == 1
    assert not any("first commitment" in note for note in again.sheets[0].plan.notes)


def test_undo_keeps_an_order_that_later_lines_belong_to(database: Database, tmp_path: Path) -> None:
    build_world(database)
    first = run_import(
        database,
        supermicro_backlog(tmp_path / "a.xlsx", GOOD[:1]),
        kind="orders",
        vendor="Supermicro",
    )
    run_import(
        database,
        supermicro_backlog(tmp_path / "b.xlsx", GOOD[1:]),
        kind="orders",
        vendor="Supermicro",
    )
    batch = first.sheets[0].result
    assert batch is not None

    with database.write() as session:
        importing.undo_batch(session, batch.batch_id, "tester")

    remaining = {f"{r['po_number']}/{r['line']}" for r in _all(database)}
    assert remaining == {"PC-1/2"}  # the later line and its order survive


def test_batch_records_are_what_the_batch_created_or_changed(
    database: Database, tmp_path: Path
) -> None:
    from services import lists
    from services.errors import NotFoundError

    build_world(database)
    first = run_import(
        database, supermicro_backlog(tmp_path / "a.xlsx", GOOD), kind="orders", vendor="Supermicro"
    )
    moved = [list(GOOD[0])]
    moved[0][3] = 5
    second = run_import(
        database, supermicro_backlog(tmp_path / "b.xlsx", moved), kind="orders", vendor="Supermicro"
    )
    batch_one, batch_two = first.sheets[0].result, second.sheets[0].result
    assert batch_one is not None and batch_two is not None

    with database.session() as session:
        one = lists.batch_records(session, batch_one.batch_id)
        two = lists.batch_records(session, batch_two.batch_id)
        lines = {
            f"{r['po_number']}/{r['line']}": r["id"]
            for r in records.list_records(session, "orders")
        }
    # Every line of the first file was created by it; the second changed one of them (and
    # its other rows were unchanged: not its records).
    assert one.kind == "orders" and len(one.ids) == batch_one.created == len(GOOD)
    assert one.ids <= set(lines.values())
    assert two.ids == {lines["PC-1/1"]}
    assert two.description == f"import batch {batch_two.batch_id} (b.xlsx, sheet 'Backlog')"
    with pytest.raises(NotFoundError, match="no import batch 999"), database.session() as session:
        lists.batch_records(session, 999)


def test_eta_moves_of_an_import_are_counted_for_the_buyer(
    database: Database, tmp_path: Path
) -> None:
    build_world(database)

    def ship_dates(name: str, first: str, second: str) -> Path:
        rows = [list(GOOD[0]), list(GOOD[1])]
        rows[0][6], rows[1][6] = first, second
        return supermicro_backlog(tmp_path / name, rows)

    def import_moves(path: Path, dry_run: bool = False) -> str:
        report = run_import(database, path, kind="orders", vendor="Supermicro", dry_run=dry_run)
        assert report.ok
        return report.sheets[0].plan.eta_moves().text

    # New lines: their first ETAs are not moves.
    assert import_moves(ship_dates("a.xlsx", "04/20/2027", "05/20/2027")) == ""
    # The next report: one ship date 11 days later, the other 10 days earlier.
    text = import_moves(ship_dates("b.xlsx", "05/01/2027", "05/10/2027"))
    assert text == "ETAs: 1 later (up to 11 days), 1 earlier"
    # Then (a preview only) one slips 30 days, the other comes 1 day earlier.
    moved = ship_dates("c.xlsx", "05/31/2027", "05/09/2027")
    assert import_moves(moved, dry_run=True) == "ETAs: 1 later (up to 30 days), 1 earlier"


def test_eta_moves_text() -> None:
    from services.importing.plan import EtaMoves

    moves = EtaMoves()
    assert not moves and moves.text == ""
    moves.add(day("2027-01-01"), day("2027-01-02"))
    moves.add(day("2027-01-01"), day("2027-03-02"))
    moves.add(day("2027-01-01"), None)
    moves.add(None, day("2027-01-01"))
    moves.add(None, None)
    assert moves.text == "ETAs: 2 later (up to 60 days), 1 given, 1 taken away"
    single = EtaMoves()
    single.add(day("2027-01-01"), day("2027-01-02"))
    assert single.text == "ETAs: 1 later (up to 1 day)"
