"""Header matching (aliases, rapidfuzz, --map, hidden columns), profiles per vendor found
again from a file's headers, and the command line's summary, exit statuses and undo."""

from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl

import cli
from models.database import Database
from services import records
from services.importing import headers
from services.importing.read import Sheet
from tests.builders import day
from tests.services.importing.conftest import (
    build_world,
    eaton_schedule,
    run_import,
    supermicro_backlog,
)


def _run(db_url: str, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = cli.run(["--db", db_url, "--user", "tester", *args], out, err)
    return status, out.getvalue(), err.getvalue()


def test_aliases_fuzzy_matching_and_confidence() -> None:
    sheet = Sheet(
        "s",
        [
            ["Report"],
            [],
            ["PO Number", "Quantitiy", "Part #", "Deliver-To", "PO Date", "Lien", "Colour"],
        ],
    )
    fit = headers.best_fit(sheet, "orders", ("vendor",))
    assert fit is not None and fit.header_row == 2
    mapping = headers.match_headers(sheet, "orders", fit.header_row, {}, {"vendor": "X"})
    found = {c.header: (c.field, c.how) for c in mapping.columns}
    assert found["PO Number"] == ("po_number", "name")  # po_number written as words
    assert found["Quantitiy"][0] == "quantity" and found["Quantitiy"][1] == "fuzzy"
    assert found["Part #"] == ("sku", "alias")
    assert found["Deliver-To"] == ("site", "alias")
    assert found["Colour"] == (None, "")
    confidences = {c.header: c.confidence for c in mapping.columns if c.field}
    assert confidences["PO Number"] == 100 and 70 <= confidences["Quantitiy"] < 100
    assert mapping.missing_required == ["line"]  # "Lien" is too far from anything


def test_map_overrides_and_hidden_columns_come_last() -> None:
    sheet = Sheet(
        "s",
        [["Order", "Line", "SKU", "Qty", "Qty", "Site", "Date", "Comment"]],
        hidden_columns=frozenset({3}),
    )
    mapping = headers.match_headers(
        sheet,
        "orders",
        0,
        headers.parse_overrides(["Order=po_number", "Date=order_date", "Comment="]),
        {"vendor": "X"},
    )
    by_index = {c.index: (c.field, c.how, c.note) for c in mapping.columns}
    assert by_index[0] == ("po_number", "map", "")
    assert by_index[4][0] == "quantity"  # the visible Qty, not the hidden one
    assert by_index[3] == (None, "", "hidden column")
    assert by_index[7] == (None, "map", "ignored by your mapping")
    assert mapping.missing_required == []


def test_profile_saved_and_found_again_from_the_headers(
    db_url: str, database: Database, tmp_path: Path
) -> None:
    build_world(database)
    first = eaton_schedule(tmp_path / "eaton-june.csv")
    status, out, err = _run(
        db_url,
        "import",
        str(first),
        "--map",
        "Item=line",
        "--vendor",
        "Eaton",
        "--save-profile",
        "Eaton EU schedule",
    )
    assert status == 0, err + out
    later = [
        [
            "PC-2027-100",
            "1",
            "93PM-500",
            "Eaton",
            "3",
            "142.000,00",
            "20/12/2026",
            "Panther Creek",
            "03/06/2026",
            "Confirmed",
            "",
        ]
    ]
    second = eaton_schedule(tmp_path / "eaton-july.csv", later)

    status, out, err = _run(db_url, "import", str(second))  # no --map this time

    assert status == 0, err + out
    assert "mapping from saved profile 'Eaton EU schedule'" in out
    assert "1 updated" in out
    with database.session() as session:
        line = records.find_record(session, "orders", {"po_number": "PC-2027-100", "line": 1})
    assert line is not None and line["eta"] == day("2026-12-20")

    # Named explicitly, the profile also brings its vendor and its kind.
    third = eaton_schedule(tmp_path / "eaton-august.csv", later)
    status, out, err = _run(db_url, "import", str(third), "--profile", "Eaton EU schedule")
    assert status == 0, err + out
    assert "1 unchanged" in out and "For every row: vendor = Eaton" in out
    status, out, err = _run(db_url, "import", str(third), "--profile", "Nobody")
    assert status == 1 and "there is no import profile 'Nobody'" in err


def test_cli_summary_problems_and_exit_status(
    db_url: str, database: Database, tmp_path: Path
) -> None:
    build_world(database)
    path = supermicro_backlog(tmp_path / "smc.xlsx")

    status, out, err = _run(db_url, "import", str(path), "--vendor", "SMC", "--dry-run")
    assert status == 0, err
    assert "Sheet 'Backlog': orders (detected from the headers), headers on row 4" in out
    assert "'Cust PO' -> po_number" in out and "'Ship Date' -> eta" in out
    assert "Ignored columns: 'Internal Margin' (hidden column); 'Sales Rep'" in out
    assert "Skipped row 9: a totals row" in out
    assert "3 created, 0 updated, 0 unchanged, 0 rejected" in out
    assert "Dry run: nothing was written." in out
    with database.session() as session:
        assert records.list_records(session, "orders") == []

    status, out, err = _run(db_url, "import", str(path), "--vendor", "SMC")
    assert status == 0 and re.search(r"\(import batch \d+\)", out)

    bad = supermicro_backlog(
        tmp_path / "bad.xlsx",
        [
            [
                "PC-2027-001",
                1,
                "AS-8125GS",
                0,
                "$1.00",
                0,
                "07/01/2027",
                "Panther Creek",
                "10/01/2026",
                "Booked",
                "",
            ]
        ],
    )
    errors = tmp_path / "rejected.xlsx"
    status, out, err = _run(db_url, "import", str(bad), "--vendor", "SMC", "--errors", str(errors))
    assert status == 1
    assert "Problems (1):" in out
    assert (
        "bad.xlsx, sheet 'Backlog', row 5, column 'Qty' (value '0'): quantity must be more "
        "than 0" in out
    )
    assert "Nothing was written: 1 rows rejected" in out
    assert (
        f"1 rejected row written to {errors}: a copy of the vendor's workbook with the bad "
        "cells marked and an Error column" in out
    )
    assert openpyxl.load_workbook(errors)["Backlog"]["L5"].value.startswith("row 5:")

    status, out, err = _run(db_url, "import", str(path), "--kind", "nonsense")
    assert status == 2 and "unknown kind" in err

    status, out, err = _run(
        db_url, "import", str(path), "--vendor", "SMC", "--map", "Nope=po_number"
    )
    assert status == 2 and "the sheet has no column 'nope'" in err


def test_cli_missing_vendor_is_one_clear_message(
    db_url: str, database: Database, tmp_path: Path
) -> None:
    build_world(database)
    # The report's title names Supermicro: the message says so (the vendor is not guessed).
    path = supermicro_backlog(tmp_path / "backlog.xlsx")

    status, _out, err = _run(db_url, "import", str(path), "--kind", "orders")

    assert status == 1
    assert (
        "no column holds vendor for orders (the title 'SUPERMICRO - Customer Backlog Report' "
        "names Supermicro: if they sent it, give --vendor 'Supermicro')" in err
    )
    assert "nothing was imported" in err

    # A file that names no known vendor anywhere.
    book = openpyxl.Workbook()
    book.active.append(["PO", "Line", "SKU", "Qty", "Site", "Order date", "Status"])
    book.active.append(["PO-1", 1, "AS-8125", 2, "Moses Lake", "2026-01-05", "open"])
    book.save(tmp_path / "backlog-2.xlsx")

    status, _out, err = _run(db_url, "import", str(tmp_path / "backlog-2.xlsx"))

    assert status == 1
    assert (
        "no column holds vendor for orders (for files that name the vendor once, give "
        "--vendor NAME)" in err
    )
    with database.session() as session:
        assert records.list_records(session, "orders") == []


def test_cli_undo(db_url: str, database: Database, tmp_path: Path) -> None:
    build_world(database)
    path = supermicro_backlog(tmp_path / "smc.xlsx")
    assert _run(db_url, "import", str(path), "--vendor", "SMC")[0] == 0

    status, out, err = _run(db_url, "import-undo", "1")
    assert status == 0, err
    assert "Import batch 1 undone: 5 records removed, 0 records restored." in out
    status, out, err = _run(db_url, "import-undo", "99")
    assert status == 1 and "there is no import batch 99" in err


def test_unknown_vendor_suggests_the_closest(database: Database, tmp_path: Path) -> None:
    build_world(database)
    path = supermicro_backlog(tmp_path / "smc.xlsx")

    report = run_import(database, path, vendor="Supermicr0")

    problems = {str(p) for s in report.sheets for p in s.plan.problems}
    assert any(
        "no vendor is called 'Supermicr0'; did you mean 'Supermicro'?" in p for p in problems
    )


def test_cli_list_of_one_import_batch(db_url: str, database: Database, tmp_path: Path) -> None:
    build_world(database)
    path = supermicro_backlog(tmp_path / "smc.xlsx")
    status, out, _err = _run(db_url, "import", str(path), "--vendor", "SMC")
    assert status == 0 and "3 created, 0 updated" in out
    # A second file: one more order, and a new quantity on a line of the first.
    site_and_after = ["Panther Creek", "10/01/2026", "Booked", "J. Smith"]
    later = [
        ["PC-2027-001", 1, "AS-8125GS", 5, "$285,000.00", 0.12, "04/30/2027", *site_and_after],
        ["PC-2027-009", 1, "SYS-821GE", 2, "$310,500.50", 0.1, "05/20/2027", *site_and_after],
    ]
    status, out, err = _run(
        db_url, "import", str(supermicro_backlog(tmp_path / "smc-2.xlsx", later)), "--vendor", "SMC"
    )
    assert status == 0 and "1 created, 1 updated" in out, err
    assert "  ETAs: 1 later (up to 10 days)\n" in out

    status, out, err = _run(db_url, "list", "orders", "--batch", "2")

    assert status == 0, err
    assert out.strip().endswith("2 order lines of import batch 2 (smc-2.xlsx, sheet 'Backlog')")
    listed = {line.split()[0] + "/" + line.split()[1] for line in out.splitlines()[1:-1]}
    assert listed == {"PC-2027-001/1", "PC-2027-009/1"}
    status, out, err = _run(db_url, "list", "orders", "--batch", "1")
    assert out.strip().endswith("3 order lines of import batch 1 (smc.xlsx, sheet 'Backlog')")
    status, _out, err = _run(db_url, "list", "vendors", "--batch", "1")
    assert status == 2 and "import batch 1 holds order lines, not vendors" in err
    status, _out, err = _run(db_url, "list", "orders", "--batch", "7")
    assert status == 1 and "there is no import batch 7" in err
