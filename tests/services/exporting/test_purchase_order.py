"""One purchase order as the document its vendor acts on: letterhead, addresses, terms, lines
and totals, revisions when it changes, and a refusal listing what is missing; on both
databases."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

import cli
from models import PurchaseOrderRevision
from models.database import Database
from services import exporting, orders, records, settings
from services.audit import Actor
from services.errors import NotFoundError
from services.exporting.purchase_order import (
    DocumentIncomplete,
    build_document,
    default_file_name,
    describe_changes,
    document_html,
    footer_text,
    issue,
)
from tests.builders import basic_world
from tests.services.exporting.workbooks import formulas_in, load

ACTOR = Actor("jdoe")
COMPANY = {
    "company_name": "Ridgeline Compute Inc.",
    "company_address": "600 Grant Street\nPittsburgh, PA 15219\nUnited States",
    "company_tax_id": "EIN 84-2917365",
    "company_contact": "Anna Berg · procurement@ridgeline.example",
}


def _fill_in(session) -> None:
    for name, value in COMPANY.items():
        settings.set_value(session, name, value, ACTOR)
    vendor = records.find_record(session, "vendors", {"name": "Nvidia"})
    assert vendor is not None
    records.update(
        session,
        "vendors",
        vendor["id"],
        {
            "address": "2788 San Tomas Expressway\nSanta Clara, CA 95051",
            "incoterms": "DAP Panther Creek",
            "payment_terms": "Net 30",
            "contact": "orders@nvidia.example",
        },
        ACTOR,
    )
    site = records.find_record(session, "sites", {"name": "Panther Creek"})
    assert site is not None
    records.update(
        session,
        "sites",
        site["id"],
        {"ship_to_address": "Receiving Yard A\n18250 County Road N3210\nHugo, OK 74743"},
        ACTOR,
    )


def _order(session, *, fill_in: bool = True) -> str:
    basic_world(session, ACTOR)
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
                "requested_date": "2026-09-01",
                "description": '=HYPERLINK("x")',
            },
            {"sku": "GB300-NVL72", "quantity": 1, "unit_price": "100.50"},
            {"sku": "GB300-NVL72", "quantity": 5, "unit_price": "10"},
        ],
        ACTOR,
    )
    third = orders.purchase_order(session, "PO-DOC/1").lines[2]
    orders.cancel_line(session, third["id"], ACTOR)
    first = orders.purchase_order(session, "PO-DOC/1").lines[0]
    orders.receive(session, first["id"], 1, dt.date(2026, 9, 3), ACTOR)
    if fill_in:
        _fill_in(session)
    return "PO-DOC/1"


@pytest.fixture
def order(database: Database) -> str:
    with database.write() as session:
        return _order(session)


def _line(session, po_number: str, line: int) -> dict:
    found = records.find_record(session, "orders", {"po_number": po_number, "line": line})
    assert found is not None
    return found


def test_the_document_says_what_a_vendor_needs_and_nothing_internal(
    database: Database, order: str
) -> None:
    with database.session() as session:
        document = build_document(session, order, buyer_name="Anna Berg")
    assert document.revision == 1 and document.new_revision and document.changes == ()
    assert document.buyer_company.name == "Ridgeline Compute Inc."
    assert document.vendor.address == ("2788 San Tomas Expressway", "Santa Clara, CA 95051")
    assert document.ship_to.address[-1] == "Hugo, OK 74743"
    assert (document.incoterms, document.payment_terms) == ("DAP Panther Creek", "Net 30")
    # The cancelled line is left off; the received unit changes nothing the vendor reads.
    assert [(line.line, line.quantity) for line in document.lines] == [(1, 2), (2, 1)]
    assert document.totals == {"EUR": Decimal("7900100.50")}
    page = document_html(document)
    for text in (
        "Ridgeline Compute Inc.",
        "EIN 84-2917365",
        "2788 San Tomas Expressway",
        "Receiving Yard A",
        "PO-DOC/1",
        "3 Feb 2026",
        "DAP Panther Creek",
        "Net 30",
        "Payment schedule",
        "1 Sep 2026",
        "3,950,000.00",
        "7,900,100.50",
        "Total EUR",
        "Anna Berg",
        "Signature",
        "=HYPERLINK(&quot;x&quot;)",  # the vendor's text, escaped
    ):
        assert text in page, text
    for internal in ("jdoe", "tester", "Received", "Status", "in production", "cancelled"):
        assert internal not in page, internal
    assert footer_text(document, 1, 2).endswith("purchase order PO-DOC/1 · page 1 of 2")


def test_a_changed_order_sent_again_is_revision_2_with_its_changes(
    database: Database, order: str
) -> None:
    with database.write() as session:
        first = issue(session, order, buyer_name="Anna Berg", user="jdoe")
    with database.write() as session:
        again = issue(session, order, buyer_name="Anna Berg", user="jdoe")
    assert (first.revision, again.revision, again.new_revision) == (1, 1, False)
    with database.write() as session:
        line = _line(session, order, 1)
        records.update(
            session,
            "orders",
            line["id"],
            {
                "quantity": 3,
                "unit_price": Decimal("3900000"),
                "requested_date": dt.date(2026, 10, 1),
            },
            ACTOR,
        )
        orders.cancel_line(session, _line(session, order, 2)["id"], ACTOR)
    with database.write() as session:
        second = issue(session, order, buyer_name="Anna Berg", user="maria")
    assert second.revision == 2 and second.new_revision
    assert second.previous is not None and second.previous[0] == 1
    assert second.changes == (
        "Line 1: quantity 2 → 3; unit price EUR 3,950,000.00 → EUR 3,900,000.00; "
        "requested delivery 1 Sep 2026 → 1 Oct 2026",
        "Line 2 cancelled (was 1 × GB300-NVL72)",
    )
    page = document_html(second)
    assert "Revision 2" in page and "replaces revision 1" in page and "Line 2 cancelled" in page
    # Produced once more unchanged: still revision 2, still listing what changed in it.
    with database.write() as session:
        reprint = issue(session, order, buyer_name="Anna Berg", user="maria")
    assert (reprint.revision, reprint.new_revision, reprint.changes) == (2, False, second.changes)
    with database.session() as session:
        kept = session.execute(
            select(PurchaseOrderRevision.revision, PurchaseOrderRevision.sent_by).order_by(
                PurchaseOrderRevision.revision
            )
        ).all()
        snapshot = json.loads(
            session.scalar(
                select(PurchaseOrderRevision.snapshot_json).where(
                    PurchaseOrderRevision.revision == 2
                )
            )
        )
    assert [tuple(row) for row in kept] == [(1, "jdoe"), (2, "maria")]
    assert snapshot["lines"] == [
        {
            "line": 1,
            "sku": "GB300-NVL72",
            "description": '=HYPERLINK("x")',
            "quantity": 3,
            "unit_price": "3900000",
            "requested_date": "2026-10-01",
        }
    ]


def test_changes_name_added_lines_and_header_changes() -> None:
    before = {
        "lines": [{"line": 1, "sku": "A", "description": "", "quantity": 1}],
        "header": {"incoterms": "FCA San Jose", "ship_to": "Site\nOld road"},
    }
    after = {
        "lines": [
            {"line": 1, "sku": "A", "description": "", "quantity": 1},
            {"line": 2, "sku": "B", "description": "", "quantity": 4},
        ],
        "header": {"incoterms": "DAP ship-to", "ship_to": "Site\nNew road"},
    }
    assert describe_changes(before, after, "USD") == [
        "Ship to: Site, Old road → Site, New road",
        "Incoterms: FCA San Jose → DAP ship-to",
        "Line 2 added: 4 × B",
    ]


def test_an_order_without_addresses_lists_what_is_missing_and_writes_nothing(
    database: Database, db_url: str, tmp_path: Path
) -> None:
    with database.write() as session:
        po_number = _order(session, fill_in=False)
    target = tmp_path / "po.pdf"
    out, err = io.StringIO(), io.StringIO()
    status = cli.run(["--db", db_url, "export", "po", po_number, str(target)], out, err)
    assert status == 1
    message = err.getvalue()
    assert message.count("\n") == 1
    for missing in (
        "your company's name",
        "your company's address",
        "the address of vendor Nvidia",
        "the ship-to address of site Panther Creek",
    ):
        assert missing in message
    assert not target.exists()
    with database.session() as session:
        assert session.scalars(select(PurchaseOrderRevision)).all() == []
        with pytest.raises(DocumentIncomplete) as refused:
            build_document(session, po_number, buyer_name="x")
    assert len(refused.value.missing) == 4


def test_the_workbook_is_the_same_document(database: Database, order: str, tmp_path: Path) -> None:
    target = tmp_path / default_file_name(order)
    assert target.name == "purchase-order-PO-DOC-1.xlsx"
    assert default_file_name(order, ".pdf", 2) == "purchase-order-PO-DOC-1-rev2.pdf"
    result = exporting.export_order(
        database, order, target, issued_by="maria", buyer_name="Anna Berg"
    )
    assert result.rows == 2 and result.sheets == ("PO-DOC-1",)
    ws = load(target)["PO-DOC-1"]
    cells = [[c.value for c in row] for row in ws.iter_rows()]
    texts = [row[0] for row in cells if isinstance(row[0], str)]
    assert texts[0] == "Ridgeline Compute Inc."
    for expected in (
        "Purchase order PO-DOC/1",
        "Order date: 3 Feb 2026",
        "Nvidia",
        "2788 San Tomas Expressway",
        "Receiving Yard A",
        "Payment terms: Net 30",
        "Incoterms 2020: DAP Panther Creek",
        "Currency: EUR",
    ):
        assert expected in texts, expected
    at = next(i for i, row in enumerate(cells) if row[0] == "Line")
    assert cells[at] == [
        "Line",
        "SKU",
        "Description",
        "Quantity",
        "Unit price",
        "Requested delivery",
        "Amount",
    ]
    first, second = cells[at + 1 : at + 3]
    assert first[:5] == [1, "GB300-NVL72", '=HYPERLINK("x")', 2, 3950000]
    assert first[6] == 7900000
    assert ws.cell(at + 2, 3).data_type == "s"  # the description stays inert text
    assert second[6] == pytest.approx(100.5)
    total = cells[at + 3]
    assert total[0] == "Total EUR" and str(total[6]).startswith("=SUM(")
    assert formulas_in(target) == 2
    assert "EUR" in ws.cell(at + 2, 5).number_format
    flat = " ".join(str(v) for row in cells for v in row if v is not None)
    for internal in ("Status", "Received", "maria", "cancelled", "Promised", "ETA"):
        assert internal not in flat, internal


def test_the_command_line_writes_one_order(
    database: Database, db_url: str, order: str, tmp_path: Path
) -> None:
    out, err = io.StringIO(), io.StringIO()
    target = tmp_path / "po.xlsx"
    # The form of earlier versions still works.
    status = cli.run(["--db", db_url, "export", "po", str(target), "--po", order], out, err)
    assert status == 0, err.getvalue()
    assert out.getvalue() == f"Wrote {target} (purchase order {order}, 2 lines, revision 1)\n"
    out = io.StringIO()
    status = cli.run(
        ["--db", db_url, "export", "po", order, str(target), "--buyer", "Anna Berg"], out, err
    )
    assert status == 0, err.getvalue()
    assert "revision 1, unchanged since it was sent" in out.getvalue()
    assert cli.run(["--db", db_url, "export", "po", str(target)], out, err) == 2
    assert "export po PO_NUMBER OUT.pdf" in err.getvalue()
    assert cli.run(["--db", db_url, "export", "orders", str(target), "--po", order], out, err) == 2
    err = io.StringIO()
    assert (
        cli.run(["--db", db_url, "export", "po", order, str(tmp_path / "po.docx")], out, err) == 2
    )
    assert "as .pdf or .xlsx" in err.getvalue()
    status = cli.run(["--db", db_url, "export", "po", "NOPE", str(target)], out, err)
    assert status == 1 and "purchase order 'NOPE'" in err.getvalue()
    with pytest.raises(NotFoundError):
        exporting.export_order(database, "NOPE", tmp_path / "x.xlsx")
    assert not (tmp_path / "x.xlsx").exists()
