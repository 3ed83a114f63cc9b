"""Deployments with bills of parts on the demo data, for the readiness and pegging screens.

Four clusters, with the demo's own lines (dates relative to the day the demo was loaded):

* PC-HALL-1 (Panther Creek, for C-2031): 16 GB300 racks, the site's network gear, 24 Vertiv
  CDUs and 4 units of power gear. Only 8 CDUs are dated, the other 16 are on an overdue line,
  so it cannot complete: it waits for cooling (the CDUs, missing the largest share).
* PC-HALL-2 (Panther Creek, for C-2032): 16 racks, 24 leaf switches, 6 storage chassis; its
  power is energised 160 days after the day, later than every part: power is critical.
* CL-POD-1 (Clarion, for C-1410): CDUs, switches and switchboards all received: on time.
* CL-POD-2 (Clarion, no contract, target 40 days ahead): 4 Eaton UPS, overdue: it cannot
  complete, waiting for power.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from models import Deployment, DeploymentPart, OrderLine
from tests.builders import bill_of_parts, new_deployment

SAMPLE = (
    (
        "PC-HALL-1",
        "Panther Creek",
        "Hall 1 GB300 NVL72",
        "C-2031",
        None,
        None,
        "building",
        (("gpu_system", 16), ("network", 26), ("XDU1350", 24), ("power", 4)),
    ),
    (
        "PC-HALL-2",
        "Panther Creek",
        "Hall 2 GB300 NVL72",
        "C-2032",
        None,
        160,
        "planned",
        (("gpu_system", 16), ("7060X6", 24), ("FB-S500", 6)),
    ),
    (
        "CL-POD-1",
        "Clarion",
        "Pod 1 colocation",
        "C-1410",
        None,
        None,
        "building",
        (("MCDU-1MW", 3), ("SN5600", 8), ("PRL-SWBD", 6)),
    ),
    (
        "CL-POD-2",
        "Clarion",
        "Pod 2 inference",
        None,
        40,
        None,
        "planned",
        (("9395XR-1500", 4),),
    ),
)


def remove_demo_deployments(session: Session) -> None:
    """Take the demo's own deployments out (a test's set-up, not an audited change), so that
    a test states its clusters itself; the lines they reserved serve any consumer again."""
    session.execute(update(OrderLine).values(deployment_id=None))
    session.execute(delete(DeploymentPart))
    session.execute(delete(Deployment))
    session.flush()


def add_sample_deployments(session: Session, today: dt.date | None = None) -> list[str]:
    """Replace the demo's deployments by these four, added through the records service;
    their references."""
    remove_demo_deployments(session)
    day = today or dt.date.today()
    refs = []
    for ref, site, name, contract, target_in, power_in, status, parts in SAMPLE:
        new_deployment(
            session,
            ref,
            site=site,
            name=name,
            contract_ref=contract,
            target_date=day + dt.timedelta(days=target_in) if target_in else None,
            power_ready_date=day + dt.timedelta(days=power_in) if power_in else None,
            status=status,
        )
        for part, quantity in parts:
            bill_of_parts(session, ref, {part: quantity})
        refs.append(ref)
    return refs
