"""A hand-built world for the pegging and timeline services, as of 2026-12-07 (install buffer
14 days), written through services.records.

Panther Creek (Nvidia GB300-NVL72 racks of 72 GPUs; Vertiv XDU1350 CDUs; Arista SN5600):

* PO-1/1: 2 racks, ETA 2027-01-05.        * PO-2/1: 1 rack, ETA 2027-02-10.
* PO-3/1: 1 rack, ETA 2026-11-27: 10 days overdue.
* PO-4/1: 2 CDUs, ETA 2027-02-01.         * PO-5/1: 2 CDUs, ETA 2026-11-07: 30 days overdue.
* PO-6/1: 2 switches, received 2026-10-01.
* Nvidia quotes 154 days for the rack (2026-06-01).
* C-1: 216 GPUs from 2027-02-01 (need-by 2027-01-18), 1,000 a day late, capped at 15,000. It
  takes PO-1's 144 GPUs (secured) and PO-2's 72 (late): 72 short; its last GPU comes
  2027-02-10, delivered 2027-02-24, 23 days late: 23,000 capped to 15,000. Order by
  2027-01-18 − 154 days = 2026-08-17. PO-3's 72 GPUs are overdue at the site.
* DEP-1 "Hall 1" (target 2027-03-01, power 2027-03-20): 4 XDU1350; it takes PO-4's 2 and
  waits for PO-5's (overdue): 2 missing, it cannot complete; XDU1350 is its critical part.
* DEP-2 "Hall 2" (target 2027-03-15, power 2027-03-25): 2 network: PO-6's switches
  (received 2026-10-01); its parts are complete when its power is, 2027-03-25 (power is
  critical), 10 days late; ready 2027-04-08.

Clarion: DEP-3 (target 2027-05-01): 1 "other" part, no line anywhere: it cannot complete and
waits for nothing.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update
from sqlalchemy.orm import Session

from models import CustomerContract
from tests.builders import (
    D,
    bill_of_parts,
    contract,
    day,
    lead_time,
    make,
    new_deployment,
    order_line,
    product,
    world,
)

AS_OF = day("2026-12-07")


def deployment(
    session: Session,
    ref: str,
    site: str,
    parts: tuple[tuple[str, int], ...],
    target: dt.date | None = None,
    power: dt.date | None = None,
    name: str | None = None,
) -> None:
    new_deployment(
        session,
        ref,
        site=site,
        name=name,
        target_date=target,
        power_ready_date=power,
        status="planned",
    )
    for part, quantity in parts:
        bill_of_parts(session, ref, {part: quantity})


def build(session: Session) -> None:
    world(session)
    make(session, "vendors", name="Vertiv")
    make(session, "vendors", name="Arista Networks")
    product(session, "XDU1350", vendor="Vertiv", category="cooling", list_price=D("140000"))
    product(session, "SN5600", vendor="Arista Networks", category="network", list_price=D("30000"))
    make(
        session,
        "sites",
        name="Clarion",
        country="US",
        grid_capacity_mw=D("30"),
        status="live",
    )
    order_line(session, "PO-1", quantity=2, eta=day("2027-01-05"))
    order_line(session, "PO-2", eta=day("2027-02-10"))
    order_line(session, "PO-3", eta=day("2026-11-27"))
    cdu = {"vendor": "Vertiv", "sku": "XDU1350", "quantity": 2}
    order_line(session, "PO-4", eta=day("2027-02-01"), **cdu)
    order_line(session, "PO-5", eta=day("2026-11-07"), **cdu)
    order_line(
        session,
        "PO-6",
        vendor="Arista Networks",
        sku="SN5600",
        quantity=2,
        received_qty=2,
        received_date=day("2026-10-01"),
        status="received",
    )
    lead_time(session, 154, "2026-06-01")
    contract(session, "C-1", "2027-02-01", committed_gpus=216)
    session.execute(
        update(CustomerContract)
        .where(CustomerContract.contract_ref == "C-1")
        .values(late_credit_per_day=D("1000"), late_credit_cap=D("15000"))
    )
    deployment(
        session,
        "DEP-1",
        "Panther Creek",
        (("XDU1350", 4),),
        target=day("2027-03-01"),
        power=day("2027-03-20"),
        name="Hall 1",
    )
    deployment(
        session,
        "DEP-2",
        "Panther Creek",
        (("network", 2),),
        target=day("2027-03-15"),
        power=day("2027-03-25"),
        name="Hall 2",
    )
    deployment(session, "DEP-3", "Clarion", (("other", 1),), target=day("2027-05-01"))


def line_id(session: Session, po_number: str, line: int = 1) -> int:
    from services import records

    found = records.find_record(session, "orders", {"po_number": po_number, "line": line})
    assert found is not None
    return int(found["id"])
