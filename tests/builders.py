"""The test suite's builders: hand-made records written through the real services.

One site (Panther Creek: grid 350 MW, PUE 1.25), Nvidia (alias NVDA) with a 72-GPU rack
(GB300-NVL72) and, in ``world``, a one-GPU card (H200-1), so GPU edges can be tested one GPU at
a time. Everything else is added by each test with the builders below (an order line, a
contract, a PPA, an update), so a test's docstring can work out its expected answer by hand.
Plain values for the domain rules (no database) are built by ``tests/domain/builders.py``.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.orm import Session

import cli
from models.database import Database, open_database
from services import records
from services.audit import Actor
from services.errors import ValidationError

D = Decimal


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def make(session: Session, kind: str, actor: Actor | None = None, **values: Any) -> dict[str, Any]:
    return records.create(session, kind, values, actor or Actor("tester"))


def basic_world(session: Session, actor: Actor | None = None) -> None:
    """One site, one vendor with an alias, one 72-GPU rack product."""
    make(
        session,
        "sites",
        actor,
        name="Panther Creek",
        country="US",
        grid_capacity_mw=D("350"),
        pue=D("1.25"),
        status="converting",
    )
    make(session, "vendors", actor, name="Nvidia", aliases="NVDA")
    make(
        session,
        "products",
        actor,
        vendor="Nvidia",
        sku="GB300-NVL72",
        category="gpu_system",
        gpus_per_unit=72,
        kw_per_unit=D("135"),
        list_price=D("3950000.00"),
    )


ACTOR = Actor("tester")


def panther_creek(database: Database, actor: Actor | None = None) -> dict[str, Any]:
    """``basic_world`` written to ``database``, then its site read back as a record."""
    with database.write() as session:
        basic_world(session, actor)
    with database.session() as session:
        site = records.find_record(session, "sites", {"name": "Panther Creek"})
    assert site is not None
    return site


SITE = "Panther Creek"


def world(session: Session) -> None:
    basic_world(session)
    make(
        session,
        "products",
        vendor="Nvidia",
        sku="H200-1",
        category="gpu_system",
        gpus_per_unit=1,
        list_price=D("30000"),
    )


def note_on_site(location: str, note: str, actor: Actor | None = None) -> None:
    """Panther Creek's notes set to ``note`` through a connection of its own to ``location``
    (another user's, or the same user's other window)."""
    database = open_database(location, upgrade=False)
    try:
        with database.write() as session:
            site = records.find_record(session, "sites", {"name": SITE})
            assert site is not None
            records.update(session, "sites", site["id"], {"notes": note}, actor or ACTOR)
    finally:
        database.dispose()


def order_fields(po: str, line: int = 1, **values: Any) -> dict[str, Any]:
    """An order line's fields at Panther Creek: Nvidia GB300-NVL72 unless told, ordered
    2026-06-01, confirmed at 1,000 a unit (``status=None``, ``unit_price=None``: the kind's
    default)."""
    fields: dict[str, Any] = {
        "po_number": po,
        "line": line,
        "vendor": "Nvidia",
        "sku": "GB300-NVL72",
        "quantity": 1,
        "site": SITE,
        "order_date": day("2026-06-01"),
        "unit_price": D("1000"),
        "status": "confirmed",
    }
    fields.update(values)
    return fields


def order_line(
    session: Session, po: str, line: int = 1, *, actor: Actor | None = None, **values: Any
) -> dict[str, Any]:
    """The order line of ``order_fields`` written."""
    return make(session, "orders", actor, **order_fields(po, line, **values))


def rack_line(
    session: Session, po: str = "PC-1", line: int = 1, *, actor: Actor | None = None, **values: Any
) -> dict[str, Any]:
    """Four GB300 racks on order at 3,950,000 each since 2026-09-01, due 2027-01-15, placed."""
    on_order = {
        "quantity": 4,
        "order_date": day("2026-09-01"),
        "unit_price": D("3950000"),
        "eta": day("2027-01-15"),
        "status": None,
    }
    return order_line(session, po, line, actor=actor, **{**on_order, **values})


def contract_fields(ref: str, start: str, **values: Any) -> dict[str, Any]:
    """A signed one-year GPU lease's fields at Panther Creek starting ``start`` (72 GPUs at
    2.50 a GPU-hour, for Helios AI)."""
    start_date = day(start)
    fields: dict[str, Any] = {
        "contract_ref": ref,
        "customer": "Helios AI",
        "site": SITE,
        "start_date": start_date,
        "end_date": start_date + dt.timedelta(days=364),
        "price": D("2.50"),
        "price_unit": "per_gpu_hour",
        "service": "gpu_lease",
        "committed_gpus": 72,
        "status": "signed",
    }
    fields.update(values)
    return fields


def lease_fields(ref: str = "C-1", **values: Any) -> dict[str, Any]:
    """Helios AI's three-year GPU lease at Panther Creek: 576 GPUs at 2.35 a GPU-hour from
    2027-01-01 to 2029-12-31."""
    three_years = {"end_date": day("2029-12-31"), "committed_gpus": 576, "price": D("2.35")}
    return contract_fields(ref, "2027-01-01", **{**three_years, **values})


def contract(
    session: Session, ref: str, start: str, *, actor: Actor | None = None, **values: Any
) -> dict[str, Any]:
    """The contract of ``contract_fields`` written."""
    return make(session, "contracts", actor, **contract_fields(ref, start, **values))


def ppa_fields(ref: str, mw: str, start: str, end: str, **values: Any) -> dict[str, Any]:
    """A PPA's fields: ``mw`` with GridCo at Panther Creek unless told."""
    fields = {
        "ppa_ref": ref,
        "counterparty": "GridCo",
        "site": SITE,
        "capacity_mw": D(mw),
        "start_date": day(start),
        "end_date": day(end),
    }
    return {**fields, **values}


def ppa(
    session: Session,
    ref: str,
    mw: str,
    start: str,
    end: str,
    *,
    actor: Actor | None = None,
    **values: Any,
) -> None:
    """The PPA of ``ppa_fields`` written."""
    make(session, "ppas", actor, **ppa_fields(ref, mw, start, end, **values))


def lead_time(
    session: Session, days: int, quoted: str, *, actor: Actor | None = None, **values: Any
) -> None:
    """Nvidia's quote of ``days`` for a GB300-NVL72 (unless told), given on ``quoted``."""
    fields = {
        "vendor": "Nvidia",
        "sku": "GB300-NVL72",
        "lead_days": days,
        "quote_date": day(quoted),
    }
    make(session, "leadtimes", actor, **{**fields, **values})


def grid_ppa(session: Session, ref: str, *, actor: Actor | None = None, **values: Any) -> None:
    """A ten-year fixed PPA of 120 MW with OG&E at Panther Creek at 38.50 a MWh from 2026."""
    fixed = {"counterparty": "OG&E", "price_per_mwh": D("38.50"), "structure": "fixed"}
    ppa(session, ref, "120", "2026-01-01", "2036-12-31", actor=actor, **{**fixed, **values})


def fx_rate(
    session: Session, currency: str, rate: str, since: str, actor: Actor | None = None
) -> None:
    """``rate`` US dollars to one ``currency`` from ``since`` on."""
    make(session, "fxrates", actor, currency=currency, rate=D(rate), valid_from=day(since))


def update_line(session: Session, po: str, line: int, **changes: Any) -> None:
    found = records.find_record(session, "orders", {"po_number": po, "line": line})
    assert found is not None
    records.update(session, "orders", found["id"], changes, ACTOR)


def update(session: Session, kind: str, key: dict[str, Any], **changes: Any) -> None:
    found = records.find_record(session, kind, key)
    assert found is not None
    records.update(session, kind, found["id"], changes, ACTOR)


def product(
    session: Session, sku: str, actor: Actor | None = None, **values: Any
) -> dict[str, Any]:
    """A product of Nvidia unless told (no GPUs, category ``other``: the kind's defaults)."""
    return make(session, "products", actor, **{"vendor": "Nvidia", "sku": sku, **values})


def capacity_step(
    session: Session, since: str, mw: str, actor: Actor | None = None, **values: Any
) -> None:
    """A grid capacity step at Panther Creek unless told: ``mw`` from ``since`` on."""
    fields = {"site": SITE, "from_date": day(since), "grid_mw": D(mw), **values}
    make(session, "site_capacity", actor, **fields)


def new_deployment(
    session: Session, ref: str, actor: Actor | None = None, **values: Any
) -> dict[str, Any]:
    """A deployment at Panther Creek unless told."""
    return make(session, "deployments", actor, **{"deployment_ref": ref, "site": SITE, **values})


def bill_of_parts(
    session: Session, ref: str, wanted: dict[str, int], actor: Actor | None = None
) -> list[dict[str, Any]]:
    """Deployment ``ref``'s bill of parts, one record a part: ``{"cooling": 4, ...}``."""
    return [
        make(session, "deployment_parts", actor, deployment_ref=ref, part=part, quantity=quantity)
        for part, quantity in wanted.items()
    ]


def refused(
    session: Session, kind: str, actor: Actor | None = None, **values: Any
) -> ValidationError:
    """The error creating a record of ``kind`` from ``values`` raises (it must raise one)."""
    with pytest.raises(ValidationError) as caught:
        records.create(session, kind, values, actor or ACTOR)
    return caught.value


def run_cli(*argv: str) -> tuple[int, str, str]:
    """``rackbook ARGV...`` in this process: its exit status, what it printed, what it told."""
    out, err = io.StringIO(), io.StringIO()
    status = cli.run(list(argv), out=out, err=err)
    return status, out.getvalue(), err.getvalue()
