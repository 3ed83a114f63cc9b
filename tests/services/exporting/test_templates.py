"""Import templates: the kind's header row, drop-downs, instructions, and they import back."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.database import Database
from services import exporting, importing
from services.exporting.lists import header_for
from services.exporting.templates import template_fields
from services.importing.values import to_line_status
from services.schema import IMPORT_KINDS, kind
from tests.builders import D, basic_world, day, make
from tests.services.exporting.workbooks import load, table


@pytest.fixture
def known(database: Database) -> Database:
    with database.write() as session:
        basic_world(session)  # site Panther Creek, vendor Nvidia (alias NVDA)
        make(session, "vendors", name="Vertiv")
        make(session, "sites", name="Moses Lake", grid_capacity_mw=D("28"))
    return database


def _validations(ws: object) -> dict[str, object]:
    """Data validations by the column letter they cover."""
    found = {}
    for dv in ws.data_validations.dataValidation:  # type: ignore[attr-defined]
        first = str(dv.sqref).split(":")[0]
        found["".join(ch for ch in first if ch.isalpha())] = dv
    return found


def test_every_template_has_the_kind_header_row_and_instructions(
    known: Database, tmp_path: Path, subtests: pytest.Subtests
) -> None:
    for kind_name in IMPORT_KINDS:
        with subtests.test(kind=kind_name):
            _check_template(known, tmp_path, kind_name)


def _check_template(known: Database, tmp_path: Path, kind_name: str) -> None:
    spec = kind(kind_name)
    out = tmp_path / f"template-{kind_name}.xlsx"
    result = exporting.export(known, f"template-{kind_name}", out)
    assert result.rows == 0
    book = load(out)
    assert book.sheetnames == [spec.label, "Lists", "Instructions"]
    assert book["Lists"].sheet_state == "hidden"
    headers, rows = table(book[spec.label])
    assert headers == [header_for(kind_name, n) for n in template_fields(spec)]
    assert rows == []
    ws = book[spec.label]
    for col, name in enumerate(template_fields(spec), start=1):
        cell = ws.cell(1, col)
        # Required columns are highlighted and say so in their note.
        assert cell.comment is not None
        assert cell.comment.text.startswith("Required.") == spec.field(name).required
    _, fields = table(book["Instructions"], header_row=7)
    assert [f["Column"] for f in fields] == headers
    assert all(f["What it holds"] for f in fields)


def test_drop_downs_for_enumerations_vendors_and_sites(known: Database, tmp_path: Path) -> None:
    out = tmp_path / "template-orders.xlsx"
    exporting.export(known, "template-orders", out)
    book = load(out)
    ws = book["Order lines"]
    headers = [c.value for c in ws[1]]
    letter = {h: ws.cell(1, i + 1).column_letter for i, h in enumerate(headers)}
    checks = _validations(ws)
    lists = book["Lists"]

    def listed(formula: str) -> list[str]:
        cells = formula.split("!")[1].replace("$", "")
        return [c.value for row in lists[cells] for c in row]

    vendor = checks[letter["vendor"]]
    assert vendor.type == "list" and listed(vendor.formula1) == ["Nvidia", "Vertiv"]
    site = checks[letter["site"]]
    assert listed(site.formula1) == ["Moses Lake", "Panther Creek"]
    status = checks[letter["status"]]
    # In words, as a buyer writes them; the import reads each back as its status.
    offered = listed(status.formula1)
    assert offered[:4] == ["Draft", "Placed", "Confirmed", "In production"]
    codes = kind("orders").field("status").choices
    assert [to_line_status(word) for word in offered] == list(codes)
    assert checks[letter["category"]].type == "list"
    assert checks[letter["order_date"]].type == "date"
    # Dates typed into the template show as dates.
    date_style = ws.column_dimensions[letter["order_date"]].number_format
    assert date_style == "yyyy-mm-dd"
    assert checks[letter["quantity"]].type == "whole"
    assert str(vendor.sqref) == f"{letter['vendor']}2:{letter['vendor']}10001"


DROP_DOWNS = {
    "contracts": ("status", "service", "price_unit", "auto_renew", "site"),
    "products": ("category", "vendor"),
    "ppas": ("structure", "site"),
    "sites": ("status",),
    "leadtimes": ("vendor",),
}


def test_enumerations_of_each_kind_are_drop_downs(known: Database, tmp_path: Path) -> None:
    for kind_name, fields in DROP_DOWNS.items():
        spec = kind(kind_name)
        out = tmp_path / f"template-{kind_name}.xlsx"
        exporting.export(known, f"template-{kind_name}", out)
        ws = load(out)[spec.label]
        checks = _validations(ws)
        for name in fields:
            col = spec.field_names.index(name) + 1
            assert checks[ws.cell(1, col).column_letter].type == "list", (kind_name, name)


def test_a_filled_in_template_imports(known: Database, tmp_path: Path) -> None:
    """The template is what the import reads: rows typed under its header import as they are."""
    import openpyxl

    out = tmp_path / "template-orders.xlsx"
    exporting.export(known, "template-orders", out)
    book = openpyxl.load_workbook(out)
    ws = book["Order lines"]
    headers = [c.value for c in ws[1]]
    row = {
        "po_number": "PO-77",
        "line": 1,
        "vendor": "NVDA",
        "sku": "GB300-NVL72",
        "quantity": 2,
        "site": "Panther Creek",
        "order_date": day("2026-09-01"),
        "unit_price": 3950000,
        "status": "in transit",
    }
    for col, header in enumerate(headers, start=1):
        if header in row:
            ws.cell(2, col, row[header])
    filled = tmp_path / "filled.xlsx"
    book.save(filled)
    with known.write() as session:
        report = importing.import_file(
            session, filled, importing.ImportRequest(kind="orders"), "tester"
        )
        assert report.ok
        assert report.sheets[0].plan.counts["create"] == 1


def test_unknown_template_kind_is_a_usage_error(known: Database, tmp_path: Path) -> None:
    from services.errors import UsageError

    with pytest.raises(UsageError, match="template-orders"):
        exporting.export(known, "template-customers", tmp_path / "t.xlsx")
