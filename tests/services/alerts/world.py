"""The alert tests' questions (which alerts fire, with which figure) over the worlds of
tests/builders.py."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy.orm import Session

from services import alerts
from tests.builders import (
    ACTOR,
    SITE,
    D,
    contract,
    day,
    make,
    order_line,
    ppa,
    update,
    update_line,
    world,
)

__all__ = [
    "ACTOR",
    "SITE",
    "D",
    "contract",
    "day",
    "figure",
    "fired",
    "keys",
    "make",
    "order_line",
    "ppa",
    "update",
    "update_line",
    "world",
]


def fired(session: Session, rule: str, as_of: dt.date | str) -> list[alerts.Alert]:
    """The alerts of one rule as of a day."""
    when = day(as_of) if isinstance(as_of, str) else as_of
    return [a for a in alerts.evaluate(session, when) if a.rule == rule]


def keys(session: Session, as_of: dt.date | str) -> set[str]:
    when = day(as_of) if isinstance(as_of, str) else as_of
    return {a.key for a in alerts.evaluate(session, when)}


def figure(value: str | int) -> Decimal:
    return Decimal(value).quantize(Decimal("0.0001"))
