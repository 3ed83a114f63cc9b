"""Importing the new fields and kinds: site capacity steps, deployments and their bills of
parts, GPU models, late credits, payment schedules and an order line's deployment; each bad
value refused with the file, row, column and value named and nothing written; a field's own
name never guessed to be another field; a changed promise taken as an ETA change."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import openpyxl
from sqlalchemy import func, select

import cli
from models import EtaChange
from models.database import Database
from services import records
from services.importing import headers
from services.importing.read import Sheet
from tests.builders import D, basic_world, day, make, new_deployment, product

CONTRACT = dict(
    customer="Helios AI",
    start_date=day("2027-01-01"),
    end_date=day("2029-12-31"),
    committed_gpus=72,
    price=D("2.35"),
    price_unit="per_gpu_hour",
)
ORDER_HEADER = ["PO", "Line", "Vendor", "SKU", "Qty", "Site", "Order date", "Promised date"]
CONTRACT_HEADER = ["Contract", "Customer", "Site", "Start", "End", "Price", "Price unit", "GPUs"]


def _line(po: str, site: str, promised: Any, *more: Any) -> list[Any]:
    """A row under ORDER_HEADER (two GB300 racks ordered on 2026-09-01), then ``more``."""
    return [po, 1, "Nvidia", "GB300-NVL72", 2, site, day("2026-09-01"), promised, *more]


def _contract(ref: str) -> list[Any]:
    """A row under CONTRACT_HEADER: a two-year GPU lease at Panther Creek."""
    start, end = day("2027-01-01"), day("2028-12-31")
    return [ref, "Helios AI", "Panther Creek", start, end, 2.4, "per GPU-hour", 72]


def _world(database: Database) -> None:
    with database.write() as session:
        basic_world(session)
        make(session, "sites", name="Moses Lake", country="US", status="converting")
        make(session, "contracts", contract_ref="C-1", site="Panther Creek", **CONTRACT)
        make(session, "contracts", contract_ref="C-ML", site="Moses Lake", **CONTRACT)
        product(session, "CDU-1350", category="cooling", gpus_per_unit=0)


def _book(path: Path, rows: list[list[Any]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def _import(database: Database, path: Path, kind: str, *more: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    args = ["--db", str(database.url), "--user", "anna", "import", str(path), "--kind", kind]
    status = cli.run([*args, *more], out, err)
    return status, out.getvalue(), err.getvalue()


def _count(database: Database, kind: str) -> int:
    with database.session() as session:
        return len(records.list_records(session, kind))


def test_a_header_that_is_a_fields_name_is_never_guessed_to_be_another_field() -> None:
    def matched(kind: str, header: list[str]) -> dict[str, str | None]:
        mapping = headers.match_headers(Sheet("s", [header]), kind, 0, {}, {})
        return {c.header: c.field for c in mapping.columns}

    # A product's GPU model, with and without a GPUs-per-unit column beside it.
    assert matched("products", ["SKU", "Vendor", "gpu_model", "GPUs per unit"]) == {
        "SKU": "sku",
        "Vendor": "vendor",
        "gpu_model": "gpu_model",
        "GPUs per unit": "gpus_per_unit",
    }
    assert matched("products", ["SKU", "Vendor", "GPU model"])["GPU model"] == "gpu_model"
    # gpu_model is no field of order lines: ignored there, not taken for something close.
    # So is first_commitment, which Rackbook keeps itself.
    found = matched(
        "orders", [*ORDER_HEADER, "gpu_model", "first_commitment", "Deployment", "Milestones"]
    )
    assert found["gpu_model"] is None
    assert found["first_commitment"] is None
    assert (found["Deployment"], found["Milestones"]) == ("deployment_ref", "payment_schedule")
    # A typo is still guessed (it is nobody's name).
    assert matched("products", ["SKU", "Vendor", "GPU modle"])["GPU modle"] == "gpu_model"
    mapping = headers.match_headers(Sheet("s", [[*ORDER_HEADER, "first_commitment"]]), "orders", 0)
    (ignored,) = mapping.ignored
    assert ignored.note == "kept by Rackbook, never read from a file"


def test_the_new_kinds_and_fields_are_imported_by_their_vendors_words(
    database: Database, tmp_path: Path
) -> None:
    _world(database)
    steps = _book(
        tmp_path / "steps.xlsx",
        [
            ["Site", "Energisation date", "Interconnect MW", "Notes"],
            ["Panther Creek", day("2027-06-01"), 350, "new substation"],
        ],
    )
    assert _import(database, steps, "site_capacity")[0] == 0
    halls = _book(
        tmp_path / "halls.xlsx",
        [
            ["Cluster", "Site", "Customer contract", "Needed by", "Power on", "Status"],
            ["PC-H1", "panther creek", "c-1", day("2027-02-01"), day("2026-12-15"), "Building"],
            ["ML-H1", "Moses Lake", None, None, None, None],
        ],
    )
    status, out, err = _import(database, halls, "deployments")
    assert (status, err) == (0, ""), out
    parts = _book(
        tmp_path / "parts.xlsx",
        [
            ["Cluster", "Part number", "Qty"],
            ["PC-H1", "gb300-nvl72", 8],
            ["PC-H1", "Cooling", 4],
            ["PC-H1", "GPU system", 1],
            ["ML-H1", "cdu-1350", 2],
        ],
    )
    status, out, err = _import(database, parts, "deployment_parts")
    assert (status, err) == (0, ""), out
    with database.session() as session:
        (step,) = records.list_records(session, "site_capacity")
        deployments = {d["deployment_ref"]: d for d in records.list_records(session, "deployments")}
        listed = [
            (p["deployment_ref"], p["part"], p["quantity"])
            for p in records.list_records(session, "deployment_parts")
        ]
    assert (step["site"], step["from_date"], step["grid_mw"]) == (
        "Panther Creek",
        day("2027-06-01"),
        D("350"),
    )
    hall = deployments["PC-H1"]
    assert (hall["site"], hall["contract_ref"], hall["status"]) == (
        "Panther Creek",
        "C-1",
        "building",
    )
    assert (hall["target_date"], hall["power_ready_date"]) == (day("2027-02-01"), day("2026-12-15"))
    assert deployments["ML-H1"]["status"] == "planned"
    # Skus as their product spells them; categories by their code, whether written as
    # code or as words.
    assert listed == [
        ("ML-H1", "CDU-1350", 2),
        ("PC-H1", "cooling", 4),
        ("PC-H1", "GB300-NVL72", 8),
        ("PC-H1", "gpu_system", 1),
    ]

    lines = _book(
        tmp_path / "po.xlsx",
        [
            [*ORDER_HEADER, "Reserved for", "Payment milestones"],
            [
                "PC-1",
                1,
                "Nvidia",
                "GB300-NVL72",
                2,
                "Panther Creek",
                day("2026-09-01"),
                day("2026-12-01"),
                "pc-h1",
                "30% order; 70% received+30",
            ],
        ],
    )
    status, out, err = _import(database, lines, "orders")
    assert (status, err) == (0, ""), out
    with database.session() as session:
        (line,) = records.list_records(session, "orders")
    assert (line["deployment_ref"], line["payment_schedule"]) == (
        "PC-H1",
        "30% order; 70% received+30",
    )
    assert line["first_commitment"] == day("2026-12-01")
    # The same files again change nothing.
    for path, kind in (
        (steps, "site_capacity"),
        (halls, "deployments"),
        (parts, "deployment_parts"),
        (lines, "orders"),
    ):
        status, out, _err = _import(database, path, kind)
        assert status == 0 and " 0 created, 0 updated" in out, (kind, out)


def _refused(database: Database, path: Path, kind: str) -> list[str]:
    """The problems of an import refused as a whole (exit status 1, nothing written)."""
    before = _count(database, kind)
    status, out, err = _import(database, path, kind)
    assert status == 1, out + err
    assert "Traceback" not in out + err
    assert "Nothing was written" in out
    assert _count(database, kind) == before
    return [line.strip() for line in out.splitlines() if line.strip().startswith("- ")]


def test_bad_capacity_steps_deployments_and_parts_are_refused_by_row_column_and_value(
    database: Database, tmp_path: Path
) -> None:
    _world(database)
    with database.write() as session:
        new_deployment(session, "PC-H1")
    steps = _book(
        tmp_path / "steps.xlsx",
        [
            ["Site", "From", "Grid MW"],
            ["Panther Creek", day("2027-06-01"), -5],
            ["Moses Lake", day("2027-07-01"), 100],
            ["moses lake", day("2027-07-01"), 120],
        ],
    )
    problems = _refused(database, steps, "site_capacity")
    assert problems[0] == (
        "- steps.xlsx, sheet 'Sheet', row 2, column 'Grid MW' (value '-5'): a grid capacity "
        "cannot be negative"
    )
    assert (
        "row 3" in problems[1]
        and "appears more than once in the file (also on row 4)" in (problems[1])
    )
    halls = _book(
        tmp_path / "halls.xlsx",
        [
            ["Deployment", "Site", "Contract", "Status"],
            ["PC-H2", "Panther Creek", "C-ML", "planned"],
            ["PC-H3", "Panther Creek", "C-9", "planned"],
            ["PC-H4", "Panther Creek", None, "half built"],
        ],
    )
    problems = _refused(database, halls, "deployments")
    assert problems[0] == (
        "- halls.xlsx, sheet 'Sheet', row 2, column 'Contract' (value 'C-ML'): contract C-ML is "
        "at Moses Lake, not at Panther Creek: a deployment is built at its contract's site"
    )
    assert "row 3, column 'Contract' (value 'C-9'): no contract is called 'C-9'" in problems[1]
    assert "row 4, column 'Status' (value 'half built')" in problems[2]
    parts = _book(
        tmp_path / "parts.xlsx",
        [
            ["Deployment", "Part", "Qty"],
            ["PC-H1", "flux capacitor", 1],
            ["PC-H1", "network", 0],
            ["PC-H1", "storage", -2],
            ["PC-H9", "power", 2],
        ],
    )
    problems = _refused(database, parts, "deployment_parts")
    assert problems[0].startswith(
        "- parts.xlsx, sheet 'Sheet', row 2, column 'Part' (value 'flux capacitor'): 'flux "
        "capacitor' is neither the sku of a product nor a category (cooling, gpu_server, "
    )
    assert "row 3, column 'Qty' (value '0'): quantity must be more than 0" in problems[1]
    assert "row 4, column 'Qty' (value '-2'): quantity must be more than 0" in problems[2]
    assert (
        "row 5, column 'Deployment' (value 'PC-H9'): no deployment is called 'PC-H9'"
        in (problems[3])
    )


def test_bad_new_fields_are_refused_by_row_column_and_value(
    database: Database, tmp_path: Path
) -> None:
    _world(database)
    with database.write() as session:
        new_deployment(session, "PC-H1")
    lines = _book(
        tmp_path / "po.xlsx",
        [
            [*ORDER_HEADER, "Deployment", "Payment schedule"],
            _line("PC-1", "Panther Creek", None, "PC-H1", "30% order; 60% shipped"),
            _line("ML-1", "Moses Lake", None, "PC-H1", None),
            _line("PC-2", "Panther Creek", None, "PC-H7", "50% delivery; 50% order"),
        ],
    )
    problems = _refused(database, lines, "orders")
    assert problems[0] == (
        "- po.xlsx, sheet 'Sheet', row 2, column 'Payment schedule' (value '30% order; 60% "
        "shipped'): Payment schedule: payment schedule '30% order; 60% shipped' adds up to 90%, "
        "not 100%"
    )
    assert problems[1] == (
        "- po.xlsx, sheet 'Sheet', row 3, column 'Deployment' (value 'PC-H1'): deployment PC-H1 "
        "is at Panther Creek, this line's order is at Moses Lake: a line serves a deployment at "
        "its own site"
    )
    assert (
        "row 4, column 'Deployment' (value 'PC-H7'): no deployment is called 'PC-H7'"
        in (problems[2])
    )
    assert "row 4, column 'Payment schedule' (value '50% delivery; 50% order')" in problems[3]
    assert "delivery" in problems[3]

    products = _book(
        tmp_path / "products.xlsx",
        [
            ["Vendor", "SKU", "Category", "GPUs per unit", "GPU model"],
            ["Nvidia", "PDU-48", "power", 0, "GB300"],
        ],
    )
    (problem,) = _refused(database, products, "products")
    assert "row 2, column 'GPU model' (value 'GB300'): a GPU model (GB300) is for products " in (
        problem
    )
    contracts = _book(
        tmp_path / "contracts.xlsx",
        [
            [*CONTRACT_HEADER, "Currency", "Late credit per day", "Late credit cap"],
            [*_contract("C-2"), None, 25000, None],
            [*_contract("C-3"), "USD", -100, None],
        ],
    )
    problems = _refused(database, contracts, "contracts")
    assert "row 2, column 'Currency'" in problems[0]
    assert "a late credit is money the operator owes: give the contract's currency" in (problems[0])
    assert problems[1].endswith(
        "row 3, column 'Late credit per day' (value '-100'): a late credit cannot be negative"
    )
    ppas = _book(
        tmp_path / "ppas.xlsx",
        [
            ["PPA", "Counterparty", "Site", "Capacity MW", "Start", "End", "Take or pay %"],
            ["PPA-1", "Grid Co", "Panther Creek", 100, day("2026-01-01"), day("2035-12-31"), 120],
        ],
    )
    (problem,) = _refused(database, ppas, "ppas")
    assert "row 2" in problem and "(value '120')" in problem and "between 0 and 100" in problem


def test_a_changed_promise_in_a_file_is_taken_as_an_eta_change(
    database: Database, tmp_path: Path
) -> None:
    _world(database)
    first = _book(
        tmp_path / "ack.xlsx",
        [ORDER_HEADER, _line("PC-1", "Panther Creek", day("2026-12-01"))],
    )
    assert _import(database, first, "orders")[0] == 0
    later = _book(
        tmp_path / "ack-2.xlsx",
        [ORDER_HEADER, _line("PC-1", "Panther Creek", day("2027-01-15"))],
    )
    status, out, _err = _import(database, later, "orders", "--dry-run")
    assert status == 0
    assert (
        "row 2 PC-1/1: eta (none) -> 2027-01-15 (promise changed → taken as an ETA change)" in out
    )
    assert "1 line already had a promised date (the vendor's first commitment): it is kept" in out
    status, out, _err = _import(database, later, "orders")
    assert status == 0
    with database.session() as session:
        (line,) = records.list_records(session, "orders")
        moves = session.scalar(select(func.count()).select_from(EtaChange))
    assert (line["promised_date"], line["eta"], line["first_commitment"]) == (
        day("2026-12-01"),
        day("2027-01-15"),
        day("2026-12-01"),
    )
    assert moves == 1


def test_a_workbook_of_deployments_parts_and_reserved_lines_is_imported_and_undone(
    database: Database, tmp_path: Path
) -> None:
    _world(database)
    book = openpyxl.Workbook()
    sheets = {
        # Out of order on purpose: the lines name the deployments, the parts too.
        "Orders": [[*ORDER_HEADER, "Deployment"], _line("PC-1", "Panther Creek", None, "H1")],
        "Parts": [["Deployment", "Part", "Qty"], ["H1", "cooling", 4], ["H2", "GB300-NVL72", 2]],
        "Deployments": [
            ["Deployment", "Site", "Contract"],
            ["H1", "Panther Creek", "C-1"],
            ["H2", "Panther Creek", None],
        ],
    }
    for position, (title, rows) in enumerate(sheets.items()):
        sheet = book.active if position == 0 else book.create_sheet()
        assert sheet is not None
        sheet.title = title
        for row in rows:
            sheet.append(row)
    path = tmp_path / "plan.xlsx"
    book.save(path)
    out, err = io.StringIO(), io.StringIO()
    assert cli.run(["--db", str(database.url), "import", str(path)], out, err) == 0, out.getvalue()
    batches = [int(n) for n in re.findall(r"import batch (\d+)", out.getvalue())]
    assert len(batches) == 3
    assert out.getvalue().index("'Deployments'") < out.getvalue().index("'Parts'")
    assert out.getvalue().index("'Parts'") < out.getvalue().index("'Orders'")
    moved = _book(
        tmp_path / "moved.xlsx",
        [[*ORDER_HEADER, "Deployment"], _line("PC-1", "Panther Creek", None, "H2")],
    )
    status, text, _err = _import(database, moved, "orders")
    assert status == 0
    (moved_batch,) = [int(n) for n in re.findall(r"import batch (\d+)", text)]
    with database.session() as session:
        assert records.list_records(session, "orders")[0]["deployment_ref"] == "H2"

    def undo(batch: int) -> None:
        out, err = io.StringIO(), io.StringIO()
        status = cli.run(["--db", str(database.url), "import-undo", str(batch)], out, err)
        assert status == 0, err.getvalue()

    undo(moved_batch)
    with database.session() as session:
        assert records.list_records(session, "orders")[0]["deployment_ref"] == "H1"
    for batch in reversed(batches):
        undo(batch)
    for kind in ("orders", "deployment_parts", "deployments"):
        assert _count(database, kind) == 0, kind
