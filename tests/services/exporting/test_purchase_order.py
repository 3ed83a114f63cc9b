"""One purchase order as a document for its vendor: header, lines, totals, on both databases."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

import cli
from models.database import Database
from services import exporting, orders
from services.audit import Actor
from services.errors import NotFoundError
from services.exporting.purchase_order import default_file_name
from tests.helpers import basic_world
from tests.services.exporting.workbooks import formulas_in, load


@pytest.fixture
def order(database: Database) -> str:
    actor = Actor("tester")
    with database.write() as session:
        basic_world(session, actor)
        orders.new_order(
            session,
            {
                "po_number": "PO-DOC/1",
                "vendor": "Nvidia",
                "site": "Panther Creek",
                "order_date": "2026-02-03",
                "currency": "EUR",
            },
            [
                {
                    "sku": "GB300-NVL72",
                    "quantity": 2,
                    "unit_price": "3,950,000.00",
                    "promised_date": "2026-09-01",
                    "description": '=HYPERLINK("x")',
                },
                {"sku": "GB300-NVL72", "quantity": 1, "unit_price": "100.50"},
                {"sku": "GB300-NVL72", "quantity": 5, "unit_price": "10"},
            ],
            actor,
        )
        third = orders.purchase_order(session, "PO-DOC/1").lines[2]
        orders.cancel_line(session, third["id"], actor)
    return "PO-DOC/1"


def test_the_order_document_has_its_header_lines_and_totals(
    database: Database, order: str, tmp_path: Path
) -> None:
    target = tmp_path / default_file_name(order)
    assert target.name == "purchase-order-PO-DOC-1.xlsx"
    result = exporting.export_order(database, order, target, issued_by="maria")
    assert result.rows == 3 and result.sheets == ("PO-DOC-1",)
    ws = load(target)["PO-DOC-1"]
    cells = [[c.value for c in row] for row in ws.iter_rows()]
    assert cells[0][0] == "Purchase order PO-DOC/1"
    header_lines = [row[0] for row in cells[1:8] if row[0]]
    assert "Vendor: Nvidia" in header_lines and "Ship to: Panther Creek" in header_lines
    assert "Currency: EUR" in header_lines
    assert any(text.startswith("Issued: ") and "by maria" in text for text in header_lines)
    at = next(i for i, row in enumerate(cells) if row[0] == "Line")
    assert cells[at][:6] == ["Line", "SKU", "Description", "Quantity", "Unit price", "Line total"]
    first, second, third = cells[at + 1 : at + 4]
    assert first[:6] == [1, "GB300-NVL72", '=HYPERLINK("x")', 2, 3950000, 7900000]
    assert ws.cell(at + 2, 3).data_type == "s"  # the description stays inert text
    assert second[5] == pytest.approx(100.5)
    # The cancelled line stays on the document at nothing.
    assert (third[3], third[5], third[10]) == (0, 0, "cancelled")
    total = cells[at + 4]
    assert total[0] == "Total"
    assert str(total[3]).startswith("=SUM(") and str(total[5]).startswith("=SUM(")
    assert formulas_in(target) == 2
    assert "EUR" in ws.cell(at + 2, 5).number_format


def test_the_command_line_writes_one_order(
    database: Database, db_url: str, order: str, tmp_path: Path
) -> None:
    out, err = io.StringIO(), io.StringIO()
    target = tmp_path / "po.xlsx"
    status = cli.run(["--db", db_url, "export", "po", str(target), "--po", order], out, err)
    assert status == 0, err.getvalue()
    assert out.getvalue() == f"Wrote {target} (purchase order {order}, 3 lines)\n"
    assert cli.run(["--db", db_url, "export", "po", str(target)], out, err) == 2
    assert "export po OUT.xlsx --po PO_NUMBER" in err.getvalue()
    assert cli.run(["--db", db_url, "export", "orders", str(target), "--po", order], out, err) == 2
    status = cli.run(["--db", db_url, "export", "po", str(target), "--po", "NOPE"], out, err)
    assert status == 1 and "purchase order 'NOPE'" in err.getvalue()
    with pytest.raises(NotFoundError):
        exporting.export_order(database, "NOPE", tmp_path / "x.xlsx")
    assert not (tmp_path / "x.xlsx").exists()
