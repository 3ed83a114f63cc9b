"""Plain list exports: canonical headers, typed cells, every value back as it was, no formulas."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from models.database import Database
from services import exporting, records
from services.exporting.lists import header_for
from services.schema import kind
from tests.services.exporting.workbooks import HOSTILE, formulas_in, load, record_value, table
from tests.services.exporting.world import hostile_world

LISTS = [k.name for k in exporting.EXPORT_KINDS if k.group == "list" and k.name != "alerts"]


@pytest.fixture
def world(database: Database) -> Database:
    with database.write() as session:
        hostile_world(session)
    return database


def test_every_list_reads_back_as_the_records(
    world: Database, tmp_path: Path, subtests: pytest.Subtests
) -> None:
    for export_name in LISTS:
        with subtests.test(export=export_name):
            _check_list(world, tmp_path, export_name)


def _check_list(world: Database, tmp_path: Path, export_name: str) -> None:
    record_kind = exporting.LIST_EXPORTS[export_name]
    spec = kind(record_kind)
    out = tmp_path / f"{export_name}.xlsx"

    result = exporting.export(world, export_name, out)

    with world.session() as session:
        expected = records.list_records(session, record_kind)
    assert expected, "the world has records of every kind"
    assert result.rows == len(expected)
    assert result.sheets == (spec.label,)
    ws = load(out)[spec.label]
    headers, rows = table(ws)
    assert headers == [header_for(record_kind, name) for name in spec.field_names]
    assert len(rows) == len(expected)
    for row, record in zip(rows, expected, strict=True):
        for name in spec.field_names:
            value = row[header_for(record_kind, name)]
            assert record_value(spec.field(name), value) == record[name], (name, value)
    # Text never became a formula, whatever it starts with.
    assert formulas_in(out) == 0
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:{ws.cell(1, len(headers)).column_letter}{len(rows) + 1}"


def test_cells_are_typed_and_formatted(world: Database, tmp_path: Path) -> None:
    out = tmp_path / "orders.xlsx"
    exporting.export(world, "orders", out)
    ws = load(out)["Order lines"]
    headers, _ = table(ws)
    lines = {
        ws.cell(row, 1).value: {h: ws.cell(row, i + 1) for i, h in enumerate(headers)}
        for row in (2, 3)
    }
    first = lines["=PO-1"]
    assert first["order_date"].value == dt.datetime(2026, 5, 4)
    assert first["order_date"].number_format == "yyyy-mm-dd"
    assert first["quantity"].value == 4 and first["quantity"].data_type == "n"
    # 3,950,000.1234 is held exactly by a double: a number with the order's currency format.
    assert first["unit_price"].value == 3950000.1234
    assert first["unit_price"].data_type == "n"
    assert "USD" in first["unit_price"].number_format
    assert lines["+PO-2"]["unit_price"].value == 0.0001


def test_money_a_double_cannot_hold_is_written_as_its_exact_digits(
    world: Database, tmp_path: Path
) -> None:
    out = tmp_path / "products.xlsx"
    exporting.export(world, "products", out)
    _, rows = table(load(out)["Products"])
    plus = next(r for r in rows if r["vendor"] == "+Plus Power")
    assert plus["list_price"] == "12345678901234.5678"
    assert Decimal(plus["list_price"]) == Decimal("12345678901234.5678")


def test_formula_like_text_is_inert_and_exact(world: Database, tmp_path: Path) -> None:
    checks = {
        "vendors": ("Vendors", {"+Plus Power", "-Minus Power; @AtPower", "@ops"}),
        "orders": (
            "Order lines",
            {"=PO-1", "+PO-2", "+rack", "@call vendor", "-PDU-1", "=Site Two"},
        ),
        "contract-list": ("Contracts", {"-C-7", "=Acme AI"}),
        "ppas": ("PPAs", {"-PPA-1", "@Grid Co"}),
    }
    for export_name, (sheet, texts) in checks.items():
        out = tmp_path / f"{export_name}.xlsx"
        exporting.export(world, export_name, out)
        ws = load(out)[sheet]
        found = {}
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str):
                    found[cell.value] = cell
        for text in texts:
            cell = found[text]  # the text, exactly: no apostrophe added, nothing dropped
            assert cell.data_type == "s"
            assert cell.quotePrefix, f"{text!r} must keep its quote prefix"
        assert formulas_in(out) == 0
    out = tmp_path / "vendors.xlsx"
    exporting.export(world, "vendors", out)
    _, rows = table(load(out)["Vendors"])
    plus = next(r for r in rows if r["name"] == "+Plus Power")
    assert plus["notes"] == HOSTILE[0] + "\nsecond line"


def test_progress_is_reported_and_the_export_can_be_cancelled(
    world: Database, tmp_path: Path
) -> None:
    seen: list[tuple[int, int]] = []
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "orders.xlsx"
    exporting.export(world, "orders", out, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (2, 2)

    before = out.read_bytes()
    with pytest.raises(exporting.ExportCancelled):
        exporting.export(world, "orders", out, cancel=lambda: True)
    # The workbook already there is untouched and no partial file is left behind.
    assert out.read_bytes() == before
    assert sorted(p.name for p in folder.iterdir()) == ["orders.xlsx"]


def test_an_empty_list_still_has_its_header(database: Database, tmp_path: Path) -> None:
    out = tmp_path / "fx.xlsx"
    result = exporting.export(database, "fxrates", out)
    assert result.rows == 0
    headers, rows = table(load(out)["FX rates"])
    assert headers == ["currency", "rate", "valid_from"]
    assert rows == []
