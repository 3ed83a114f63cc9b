"""Small builders for hand-made test data, through the real services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from services import records
from services.audit import Actor

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
