"""``export readiness`` and the summary's Readiness sheet: each deployment, its parts beneath
it, the lines serving each part, and what a missing part waits for.

As of 2026-12-10 at Panther Creek (install buffer 14 days):

* DEP-1 "Hall A" builds C-1 (signed, start 2027-02-01: need-by 2027-01-18) from 2 racks
  (GB300-NVL72) and 1 unit of cooling. PO-1/1 brings 2 racks on 2027-01-10: the racks are
  complete then. The only cooling line, PO-2/1 (a CDU due 2026-11-01), is 39 days overdue,
  so it supplies nothing: cooling is missing 1 of 1, the hall cannot complete (parts complete
  and ready date not yet, days late unknown) and cooling is its critical part.
* DEP-2 "Hall B" has no contract, a target of 2027-03-01 and power energised on 2027-04-01;
  it needs 1 rack, which PO-3/1 brings on 2027-02-01 (DEP-1, needed earlier, took PO-1/1's).
  Parts complete = the later of 2027-02-01 and the power, 2027-04-01; ready 2027-04-15; 31
  days late; the power is the critical part.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl.workbook import Workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import CustomerContract, Deployment, DeploymentPart, Site
from models.database import Database
from services import exporting
from tests.builders import basic_world, contract, day, make, order_line, product
from tests.services.exporting.workbooks import load, table

AS_OF = day("2026-12-10")


def readiness_world(session: Session) -> None:
    basic_world(session)
    make(session, "vendors", name="Vertiv")
    product(session, "CDU-1", vendor="Vertiv", category="cooling", gpus_per_unit=0)
    for po, sku, vendor, quantity, eta in (
        ("PO-1", "GB300-NVL72", "Nvidia", 2, "2027-01-10"),
        ("PO-2", "CDU-1", "Vertiv", 1, "2026-11-01"),
        ("PO-3", "GB300-NVL72", "Nvidia", 1, "2027-02-01"),
    ):
        order_line(session, po, vendor=vendor, sku=sku, quantity=quantity, eta=day(eta))
    contract(session, "C-1", "2027-02-01", committed_gpus=144, service=None)  # fmt: skip
    site_id = session.scalar(select(Site.id))
    contract_id = session.scalar(select(CustomerContract.id))
    hall_a = Deployment(deployment_ref="DEP-1", site_id=site_id, name="Hall A",
                        contract_id=contract_id, status="building")  # fmt: skip
    hall_b = Deployment(deployment_ref="DEP-2", site_id=site_id, name="Hall B",
                        status="planned", target_date=day("2027-03-01"),
                        power_ready_date=day("2027-04-01"))  # fmt: skip
    session.add_all([hall_a, hall_b])
    session.flush()
    session.add_all(
        [
            DeploymentPart(deployment_id=hall_a.id, part="GB300-NVL72", quantity=2),
            DeploymentPart(deployment_id=hall_a.id, part="cooling", quantity=1),
            DeploymentPart(deployment_id=hall_b.id, part="GB300-NVL72", quantity=1),
        ]
    )


def _check_readiness(book: Workbook) -> None:
    ws = book["Readiness"]
    assert ws["A1"].value == "Cluster readiness as of 2026-12-10 — database ops.db"
    header_row = next(r for r in range(1, 12) if ws.cell(r, 1).value == "Deployment")
    headers, rows = table(ws, header_row=header_row)
    assert headers == [
        "Deployment", "Name", "Site", "Contract", "Status", "Needed by", "Parts complete",
        "Ready date", "Days late", "Critical part", "Part", "Needed", "Taken", "Missing",
        "Complete date", "Lines serving it",
    ]  # fmt: skip
    hall_a, racks_a, cooling, hall_b, racks_b, power = rows[:6]
    assert [hall_a[h] for h in headers[:10]] == [
        "DEP-1", "Hall A", "Panther Creek", "C-1", "Building", dt.datetime(2027, 1, 18),
        "not yet", "not yet", "unknown", "Cooling",
    ]  # fmt: skip
    assert hall_a["Part"] is None
    assert (racks_a["Deployment"], racks_a["Part"], racks_a["Needed"], racks_a["Taken"]) == (
        None,
        "GB300-NVL72",
        2,
        2,
    )
    assert (racks_a["Missing"], racks_a["Complete date"]) == (0, dt.datetime(2027, 1, 10))
    assert racks_a["Lines serving it"] == "PO-1/1: 2 units due 2027-01-10"
    assert (cooling["Part"], cooling["Needed"], cooling["Taken"], cooling["Missing"]) == (
        "Cooling",
        1,
        0,
        1,
    )
    assert cooling["Complete date"] is None
    assert cooling["Lines serving it"] == "waits for PO-2/1 (overdue 39 days)"
    assert [hall_b[h] for h in headers[:10]] == [
        "DEP-2", "Hall B", "Panther Creek", None, "Planned", dt.datetime(2027, 3, 1),
        dt.datetime(2027, 4, 1), dt.datetime(2027, 4, 15), 31, "Power energised",
    ]  # fmt: skip
    assert racks_b["Lines serving it"] == "PO-3/1: 1 unit due 2027-02-01"
    assert (power["Part"], power["Complete date"]) == ("Power energised", dt.datetime(2027, 4, 1))
    # The print set-up of every exported sheet.
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows
    assert "database ops.db" in ws.oddHeader.left.text


def test_export_readiness_alone(database: Database, tmp_path: Path) -> None:
    with database.write() as session:
        readiness_world(session)
    out = tmp_path / "readiness.xlsx"
    result = exporting.export(database, "readiness", out, as_of=AS_OF, database_name="ops.db")
    assert (result.rows, result.sheets) == (2, ("Readiness",))
    _check_readiness(load(out))


def test_the_summary_holds_the_same_readiness_sheet(database: Database, tmp_path: Path) -> None:
    """And the contract built by DEP-1 is delivered when its deployments are ready: not yet
    known, so its delivery date is unknown, although its 144 GPUs (PO-1/1, 2027-01-10) are
    secured."""
    with database.write() as session:
        readiness_world(session)
    out = tmp_path / "summary.xlsx"
    exporting.export(database, "contracts", out, as_of=AS_OF, database_name="ops.db")
    book = load(out)
    _check_readiness(book)
    _, rows = table(book["Contracts"], header_row=5)
    c1 = rows[0]
    assert (c1["Contract"], c1["GPUs secured"], c1["Delivery date"]) == ("C-1", 144, "unknown")
    assert "Critical: cluster DEP-1 late" in c1["Alerts"]
