"""Purchase order documents rendered by Qt: a PDF of a demo order from the command line, the
text the page holds, and page numbers on a long order."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest

import cli
from models.database import Database
from services import orders
from services.audit import Actor
from services.exporting.purchase_order import build_document
from ui.printing import text_document, write_pdf

pytestmark = pytest.mark.gui


def _pages(pdf: Path) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))


def test_a_demo_order_renders_as_a_pdf(qtbot, demo_db: Database, tmp_path: Path) -> None:
    target = tmp_path / "PC-2026-002.pdf"
    location = demo_db.url.render_as_string(hide_password=False)
    out, err = io.StringIO(), io.StringIO()
    argv = ["--db", location, "export", "po", "PC-2026-002", str(target), "--buyer", "Anna Berg"]
    assert cli.run(argv, out, err) == 0, err.getvalue()
    assert out.getvalue().startswith(f"Wrote {target} (purchase order PC-2026-002, 2 lines")
    assert target.read_bytes().startswith(b"%PDF-") and _pages(target) == 1
    with demo_db.session() as session:
        document = build_document(session, "PC-2026-002", buyer_name="Anna Berg")
    text = text_document(document).toPlainText()
    for words in (
        "Ridgeline Compute Inc.",
        "PURCHASE ORDER",
        "Dell Technologies",
        "One Dell Way",
        "Panther Creek Campus, Receiving Yard A",
        "25% deposit, 65% on shipment, 10% net 45",  # the vendor's terms
        "25% order; 65% shipped; 10% received+45",  # its schedule
        "DAP ship-to",
        "Total USD",
        "Anna Berg",
    ):
        assert words in text, words
    assert not list(tmp_path.glob(".*.part"))


def test_a_long_order_runs_over_pages_numbered_in_the_footer(
    qtbot, demo_db: Database, tmp_path: Path
) -> None:
    actor = Actor("anna")
    with demo_db.write() as session:
        orders.new_order(
            session,
            {
                "po_number": "PC-LONG-1",
                "vendor": "Vertiv",
                "site": "Panther Creek",
                "order_date": dt.date(2026, 11, 2),
            },
            [{"sku": "XDU1350", "quantity": n + 1, "unit_price": "1250"} for n in range(70)],
            actor,
        )
        document = build_document(session, "PC-LONG-1", buyer_name="Anna Berg")
    target = tmp_path / "long.pdf"
    pages = write_pdf(document, target)
    assert pages >= 2 and _pages(target) == pages
