"""The audit trail: who changed what, when and from where. Written by the services in the same
transaction as the change itself (bulk import paths call ``write_entries`` directly)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from models import AuditEntry, EtaChange
from models.base import utcnow as utcnow_import


@dataclass(frozen=True)
class Actor:
    """Who is acting and from where: ``user`` (the window or command line), ``import``, ``demo``."""

    user: str
    source: str = "user"
    import_batch_id: int | None = None


def as_text(value: Any) -> str | None:
    """A value as the audit trail stores it: ISO dates, plain decimals, yes/no."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return plain_decimal(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def plain_decimal(value: Decimal) -> str:
    """``Decimal('3950000.0000')`` -> ``'3950000'``; ``Decimal('0.0001')`` -> ``'0.0001'``."""
    text = format(value.normalize(), "f")
    return text


@dataclass(frozen=True)
class Change:
    field: str
    old: Any
    new: Any


def diff(before: dict[str, Any], after: dict[str, Any], fields: Iterable[str]) -> list[Change]:
    changes = []
    for name in fields:
        old, new = before.get(name), after.get(name)
        if as_text(old) != as_text(new):
            changes.append(Change(name, old, new))
    return changes


def entry(
    actor: Actor,
    entity: str,
    entity_id: int | None,
    key: str,
    action: str,
    field: str | None = None,
    old: Any = None,
    new: Any = None,
    at: dt.datetime | None = None,
) -> dict[str, Any]:
    return {
        "entity": entity,
        "entity_id": entity_id,
        "entity_key": key,
        "action": action,
        "field": field,
        "old_value": as_text(old),
        "new_value": as_text(new),
        "user": actor.user,
        "at": at or utcnow_import(),
        "source": actor.source,
        "import_batch_id": actor.import_batch_id,
    }


def write_entries(session: Session, entries: Sequence[dict[str, Any]]) -> None:
    if entries:
        session.execute(insert(AuditEntry), list(entries))


def record_eta_change(
    session: Session,
    actor: Actor,
    order_line_id: int,
    old: dt.date | None,
    new: dt.date | None,
) -> None:
    session.execute(
        insert(EtaChange),
        [
            {
                "order_line_id": order_line_id,
                "old_date": old,
                "new_date": new,
                "changed_at": utcnow_import(),
                "changed_by": actor.user,
                "source": actor.source,
                "import_batch_id": actor.import_batch_id,
            }
        ],
    )


@dataclass(frozen=True)
class HistoryRow:
    at: dt.datetime
    user: str
    source: str
    action: str
    field: str | None
    old_value: str | None
    new_value: str | None


def history(session: Session, entity: str, entity_id: int) -> list[HistoryRow]:
    """A record's audit trail, newest first."""
    rows = session.execute(
        select(
            AuditEntry.at,
            AuditEntry.user,
            AuditEntry.source,
            AuditEntry.action,
            AuditEntry.field,
            AuditEntry.old_value,
            AuditEntry.new_value,
        )
        .where(AuditEntry.entity == entity, AuditEntry.entity_id == entity_id)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    )
    return [HistoryRow(*row) for row in rows]


@dataclass(frozen=True)
class EtaHistoryRow:
    changed_at: dt.datetime
    changed_by: str
    source: str
    old_date: dt.date | None
    new_date: dt.date | None


def eta_history(session: Session, order_line_id: int) -> list[EtaHistoryRow]:
    rows = session.execute(
        select(
            EtaChange.changed_at,
            EtaChange.changed_by,
            EtaChange.source,
            EtaChange.old_date,
            EtaChange.new_date,
        )
        .where(EtaChange.order_line_id == order_line_id)
        .order_by(EtaChange.changed_at, EtaChange.id)
    )
    return [EtaHistoryRow(*row) for row in rows]
