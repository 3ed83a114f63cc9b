"""Real vendor layouts and the shared samples import as a buyer expects, on SQLite and
PostgreSQL: the right rows, the right values, the right summary."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from models.database import Database
from services import records
from tests.builders import D, day
from tests.services.importing.conftest import (
    FIXTURES,
    build_world,
    eaton_schedule,
    hpe_status,
    run_import,
    samples_folder,
    supermicro_backlog,
    with_macros,
    write_xlsb,
)


def _problems(report: object) -> list[str]:
    return [str(p) for s in report.sheets for p in s.plan.problems]  # type: ignore[attr-defined]


def _lines(database: Database) -> dict[str, dict]:
    with database.session() as session:
        return {f"{r['po_number']}/{r['line']}": r for r in records.list_records(session, "orders")}


def test_us_backlog_with_titles_merged_hidden_totals_and_text_money(
    database: Database, tmp_path: Path
) -> None:
    build_world(database)
    path = supermicro_backlog(tmp_path / "smc backlog.xlsx")

    report = run_import(database, path, kind="orders", vendor="SMC")

    assert report.ok
    plan = report.sheets[0].plan
    assert plan.counts == {"create": 3, "update": 0, "unchanged": 0, "rejected": 0}
    assert plan.mapping.header_row == 3  # below two title rows and a blank row
    by_field = {c.field: c.header for c in plan.mapping.columns if c.field}
    assert by_field["po_number"] == "Cust PO" and by_field["sku"] == "Part No."
    assert by_field["eta"] == "Ship Date" and by_field["site"] == "Ship-to"
    ignored = {c.header: c.note for c in plan.mapping.ignored}
    assert ignored["Internal Margin"] == "hidden column"
    assert "Sales Rep" in ignored
    assert plan.skipped == [(9, "a totals row")]
    lines = _lines(database)
    first = lines["PC-2027-001/1"]
    assert first["vendor"] == "Supermicro"  # named once, by its alias
    assert first["unit_price"] == D("285000.00")
    assert first["eta"] == day("2027-04-20")  # month first
    assert first["order_date"] == day("2026-10-01")
    assert first["status"] == "confirmed"  # "Booked"
    second = lines["PC-2027-001/2"]  # its PO number was merged from the row above
    assert second["unit_price"] == D("310500.50")
    assert second["eta"] == dt.date(1899, 12, 30) + dt.timedelta(days=46500)  # Excel serial
    assert second["status"] == "shipped"  # "In Transit"
    third = lines["PC-2027-002/1"]
    assert third["eta"] is None  # "TBD"
    assert third["status"] == "on_hold" and third["site"] == "Moses Lake"


def test_european_csv_day_first_decimal_commas_cp1252(database: Database, tmp_path: Path) -> None:
    build_world(database)
    path = eaton_schedule(tmp_path / "eaton.csv")

    # Kind, delimiter, encoding, decimal commas and date order are detected; "Item" (the
    # line number here, but often a part number) is the one header a buyer has to map.
    report = run_import(database, path, overrides={"item": "line"})

    assert report.ok, [str(p) for s in report.sheets for p in s.plan.problems]
    plan = report.sheets[0].plan
    assert plan.kind == "orders"
    assert plan.counts["create"] == 3
    assert any("day first" in note for note in plan.notes)
    assert plan.mapping.constants["currency"] == "EUR"  # from the header "Net Price €"
    lines = _lines(database)
    assert lines["PC-2027-100/1"]["unit_price"] == D("142000.00")
    assert lines["PC-2027-100/1"]["eta"] == day("2026-11-14")
    assert lines["PC-2027-100/1"]["order_date"] == day("2026-06-03")
    assert lines["PC-2027-100/1"]["vendor"] == "Eaton"  # "Eaton Electrical" is an alias
    assert lines["PC-2027-100/2"]["unit_price"] == D("1234.50")
    assert lines["PC-2027-100/2"]["status"] == "in_production"
    assert lines["MO-2027-007/1"]["status"] == "shipped"  # "Dispatched"
    assert lines["MO-2027-007/1"]["notes"] == "Teillieferung möglich"
    assert lines["MO-2027-007/1"]["currency"] == "EUR"


def test_enterprise_status_text_months_receipts_second_sheet(
    database: Database, tmp_path: Path
) -> None:
    build_world(database)
    path = hpe_status(tmp_path / "hpe.xlsx")

    report = run_import(database, path)

    assert report.ok, [str(p) for s in report.sheets for p in s.plan.problems]
    plan = report.sheets[0].plan
    assert plan.sheet_name == "Order Lines" and plan.kind == "orders"
    lines = _lines(database)
    rack = lines["RC-2027-050/1"]
    assert rack["vendor"] == "Hewlett Packard Enterprise"
    assert rack["promised_date"] == day("2027-04-20") and rack["eta"] == day("2027-05-04")
    assert rack["unit_price"] == D("3950000") and rack["currency"] == "USD"
    assert rack["status"] == "confirmed"
    received = lines["RC-2027-051/1"]
    assert received["received_qty"] == 4 and received["received_date"] == day("2026-12-09")
    assert received["status"] == "received"
    assert lines["RC-2027-050/2"]["unit_price"] == D("412000.25")


def test_xls_and_ods_files_read_the_same(database: Database) -> None:
    build_world(database)
    for name in ("vendor_backlog.xls", "vendor_backlog.ods"):
        report = run_import(database, FIXTURES / name, kind="orders", vendor="Supermicro")
        assert report.ok, [str(p) for s in report.sheets for p in s.plan.problems]
    lines = _lines(database)
    assert lines["PC-2027-001/1"]["eta"] == day("2027-03-15")
    assert lines["PC-2027-001/2"]["status"] == "on_hold"
    # The second file (the same rows in another format) changed nothing.
    assert report.sheets[0].plan.counts["unchanged"] == 2


def test_shared_samples_in_order_with_the_options_a_user_gives(database: Database) -> None:
    folder = samples_folder()
    steps = [
        ("reference.xlsx", {}),
        ("dell_order_status.xlsx", {"vendor": "Dell"}),
        ("vertiv_schedule_eu.csv", {"vendor": "Vertiv"}),
        ("leadtime_quotes_q3.xlsx", {}),
    ]
    for name, options in steps:
        report = run_import(database, folder / name, **options)
        assert report.ok, (name, [str(p) for s in report.sheets for p in s.plan.problems])
    with database.session() as session:
        kinds = {
            k: records.list_records(session, k)
            for k in ("sites", "vendors", "products", "orders", "leadtimes")
        }
    assert len(kinds["sites"]) == 2 and len(kinds["vendors"]) == 4 and len(kinds["products"]) == 5
    lines = {f"{r['po_number']}/{r['line']}": r for r in kinds["orders"]}
    assert len(lines) == 7
    assert lines["ML-2026-014/2"]["received_qty"] == 12
    assert lines["ML-2026-014/2"]["status"] == "received"
    assert lines["ML-2026-015/1"]["eta"] is None and lines["ML-2026-015/1"]["status"] == "placed"
    assert lines["RC-2026-003/1"]["eta"] == day("2027-01-25")  # Excel serial 46412
    assert lines["ML-2026-020/1"]["unit_price"] == D("142000.00")
    assert lines["ML-2026-020/1"]["currency"] == "EUR"
    assert lines["ML-2026-020/1"]["promised_date"] == day("2026-11-14")
    assert lines["ML-2026-020/2"]["status"] == "on_hold"
    assert lines["RC-2026-007/1"]["status"] == "placed"
    quotes = {q["sku"]: q["lead_days"] for q in kinds["leadtimes"]}
    assert quotes == {"XE9712": 112, "7060X6": 120, "FB-S500": 150, "XDU1350": 63}


def test_every_kind_detected_and_imported_from_one_workbook(
    database: Database, tmp_path: Path
) -> None:
    import openpyxl

    build_world(database)
    wb = openpyxl.Workbook()
    sheets = {
        "Sites": [
            ["Site", "Country", "Grid MW", "PUE", "Status"],
            ["Odessa", "US", 120, 1.3, "Planned"],
        ],
        "Vendors": [["Vendor", "Country", "Also known as"], ["Vertiv", "US", "Vertiv Co."]],
        "Parts": [
            ["Part No.", "Supplier", "Description", "Category", "GPUs", "kW", "List price"],
            ["XDU1350", "Vertiv", "CDU", "Cooling", 0, 3, "$142,000"],
        ],
        "Quotes": [
            ["Supplier", "Part No.", "Lead Time", "Quote Date"],
            ["Vertiv", "XDU1350", "12-14 wks", "2026-08-01"],
        ],
        "PPAs": [
            [
                "PPA",
                "Counterparty",
                "Site",
                "Capacity MW",
                "Start",
                "End",
                "Price per MWh",
                "Structure",
                "Escalation",
                "Renewable %",
                "Notice days",
            ],
            [
                "PPA-ODS-1",
                "Ercot Wind LLC",
                "Odessa",
                80,
                "2027-01-01",
                "2036-12-31",
                "$41.50",
                "Fixed",
                "2%",
                "100%",
                180,
            ],
        ],
        "Contracts": [
            [
                "Contract",
                "Customer",
                "Site",
                "Start",
                "End",
                "Price",
                "Unit",
                "Service",
                "GPUs",
                "Auto renew",
            ],
            [
                "C-77",
                "Lumen AI",
                "Odessa",
                "2027-03-01",
                "2030-02-28",
                "2.10",
                "per GPU hour",
                "GPU lease",
                1152,
                "yes",
            ],
        ],
        "FX": [["Currency", "Exchange rate", "Valid from"], ["EUR", "1.0850", "2026-01-01"]],
    }
    first = True
    for title, rows in sheets.items():
        ws = wb.active if first else wb.create_sheet(title)
        ws.title = title
        first = False
        for row in rows:
            ws.append(row)
    path = tmp_path / "everything.xlsx"
    wb.save(path)

    report = run_import(database, path)

    assert report.ok, [str(p) for s in report.sheets for p in s.plan.problems]
    assert [s.plan.kind for s in report.sheets] == [
        "sites",
        "vendors",
        "products",
        "leadtimes",
        "ppas",
        "contracts",
        "fxrates",
    ]
    with database.session() as session:
        ppa = records.list_records(session, "ppas")[0]
        contract = records.list_records(session, "contracts")[0]
        quote = records.list_records(session, "leadtimes")[0]
        customers = records.list_records(session, "customers")
        fx = records.list_records(session, "fxrates")[0]
    assert ppa["escalation_pct"] == D("2") and ppa["renewable_pct"] == D("100")
    assert ppa["price_per_mwh"] == D("41.50") and ppa["structure"] == "fixed"
    assert contract["price_unit"] == "per_gpu_hour" and contract["service"] == "gpu_lease"
    assert contract["auto_renew"] is True and contract["committed_gpus"] == 1152
    assert [c["name"] for c in customers] == ["Lumen AI"]  # created with its contract
    assert quote["lead_days"] == 98
    assert fx["rate"] == D("1.0850")


def test_macro_workbook_is_read_and_its_macros_never_run(
    database: Database, tmp_path: Path
) -> None:
    build_world(database)
    plain = supermicro_backlog(tmp_path / "plain.xlsx")
    project = b'Attribute VB_Name = "Auto_Open"' + bytes(64)
    macro = with_macros(plain, tmp_path / "backlog.xlsm", project)

    report = run_import(database, macro, kind="orders", vendor="Supermicro")

    assert report.ok and report.format == "xlsm"
    assert report.sheets[0].plan.counts["create"] == 3


def test_binary_workbook_xlsb(database: Database, tmp_path: Path) -> None:
    build_world(database)
    path = write_xlsb(
        tmp_path / "backlog.xlsb",
        "Backlog",
        [
            ["Supermicro backlog"],
            [],
            ["Cust PO", "Ln", "Part No.", "Qty", "Ship Date", "Ship-to", "Order Date", "Status"],
            ["PC-2027-001", 1, "AS-8125GS", 4, 46461, "Panther Creek", 46296, "Booked"],
            ["PC-2027-001", 2, "SYS-821GE", 2, "TBD", "Panther Creek", 46296, "Backordered"],
        ],
    )

    report = run_import(database, path, kind="orders", vendor="Supermicro")

    assert report.ok and report.format == "xlsb", _problems(report)
    lines = _lines(database)
    assert lines["PC-2027-001/1"]["eta"] == day("2027-03-15")
    assert lines["PC-2027-001/1"]["order_date"] == day("2026-10-01")
    assert lines["PC-2027-001/2"]["status"] == "on_hold"


def test_a_summary_sheet_in_a_vendor_workbook_is_not_read_as_sites(
    database: Database, tmp_path: Path
) -> None:
    import openpyxl

    build_world(database)
    path = supermicro_backlog(tmp_path / "with summary.xlsx")
    wb = openpyxl.load_workbook(path)
    summary = wb.create_sheet("Summary", 0)
    summary.append(["Site", "Status", "Total value"])
    summary.append(["Panther Creek", "Open", 1_000_000])
    wb.save(path)

    report = run_import(database, path, vendor="Supermicro")

    assert report.ok and [s.plan.kind for s in report.sheets] == ["orders"]
    assert any("sheet 'Summary' also looks like sites and was not read" in n for n in report.notes)
    with database.session() as session:
        assert len(records.list_records(session, "sites")) == 3  # the world's, none added
