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

import models
from domain.statuses import AuditAction
from models.base import utcnow as utcnow_import
from services.schema import kind

# The table of each entity the audit trail names that an import can create (they keep the
# batch that created them: ``models.base.CreatedByImport``).
ENTITY_MODELS: dict[str, Any] = {
    "sites": models.Site,
    "vendors": models.Vendor,
    "products": models.Product,
    "leadtimes": models.LeadTimeQuote,
    "orders": models.OrderLine,
    "ppas": models.Ppa,
    "contracts": models.CustomerContract,
    "fxrates": models.FxRate,
    "site_capacity": models.SiteCapacity,
    "deployments": models.Deployment,
    "deployment_parts": models.DeploymentPart,
    "purchase_orders": models.PurchaseOrder,
    "customers": models.Customer,
}


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


def from_text(kind_name: str, field_name: str, text: str | None) -> Any:
    """A value the audit trail wrote as text (``as_text``) typed again for its field of
    ``kind_name`` (a record kind, or ``purchase_orders``): the one way back, for putting a
    change back and for undoing an import."""
    if text is None:
        return None
    if kind_name == "purchase_orders":
        return dt.date.fromisoformat(text) if field_name == "order_date" else text
    field = kind(kind_name).field(field_name)
    if field.type == "date":
        return dt.date.fromisoformat(text)
    if field.type in ("decimal", "money"):
        return Decimal(text)
    if field.type == "int":
        return int(text)
    if field.type == "bool":
        return text == "yes"
    return text


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
    reason: str | None = None,
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
        "reason": reason,
    }


def write_entries(session: Session, entries: Sequence[dict[str, Any]]) -> None:
    if entries:
        session.execute(insert(models.AuditEntry), list(entries))


def record_eta_change(
    session: Session,
    actor: Actor,
    order_line_id: int,
    old: dt.date | None,
    new: dt.date | None,
) -> None:
    session.execute(
        insert(models.EtaChange),
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


def source_text(source: str, batch_id: int | None, file_name: str | None) -> str:
    """Where a change came from, as a person reads it: ``import 4 (dell_order_status.xlsx)``
    for a change an import made, ``undo of import 4 (…)`` for its undoing; else the source
    (``user``, ``demo``)."""
    if batch_id is None:
        return source
    batch = f"import {batch_id} ({file_name})" if file_name else f"import {batch_id}"
    return batch if source == "import" else f"{source} of {batch}"


@dataclass(frozen=True)
class HistoryRow:
    at: dt.datetime
    user: str
    source: str
    action: str
    field: str | None
    old_value: str | None
    new_value: str | None
    import_batch_id: int | None = None
    file_name: str | None = None
    id: int | None = None  # the audit entry's own
    # Why the person made the change, when it needs a reason (a corrected promised date).
    reason: str | None = None

    @property
    def source_text(self) -> str:
        shown = source_text(self.source, self.import_batch_id, self.file_name)
        return f"{shown}, corrected: {self.reason}" if self.reason else shown


@dataclass(frozen=True)
class CreatingBatch:
    """The import batch that created a record (``created_batch_id``): what its history says
    of the record's creation."""

    id: int
    file_name: str
    sheet: str | None
    user: str
    at: dt.datetime
    file_sha256: str = ""

    @property
    def text(self) -> str:
        """``created by import 7 (dell_ack.xlsx, anna, 2026-12-01 09:14)``."""
        return (
            f"created by import {self.id} ({self.file_name}, {self.user}, {self.at:%Y-%m-%d %H:%M})"
        )


def creating_batch(session: Session, entity: str, entity_id: int) -> CreatingBatch | None:
    """The import batch that created record ``entity_id`` of ``entity``, or None (created
    another way, or an entity imports never create)."""
    model = ENTITY_MODELS.get(entity)
    if model is None:
        return None
    row = session.execute(
        select(
            models.ImportBatch.id,
            models.ImportBatch.file_name,
            models.ImportBatch.sheet,
            models.ImportBatch.user,
            models.ImportBatch.started_at,
            models.ImportBatch.file_sha256,
        )
        .join(model, model.created_batch_id == models.ImportBatch.id)
        .where(model.id == entity_id)
    ).first()
    return None if row is None else CreatingBatch(*row)


def history(session: Session, entity: str, entity_id: int) -> list[HistoryRow]:
    """A record's audit trail, newest first, with the file of each change an import made.
    A record an import created has no audit entry for its creation (DESIGN §5: creation by
    batch): its creating batch gives the oldest row, ``created by import N (file, user,
    time)``, unless an entry of its creation is there already (written before the batch id
    was kept on the record)."""
    rows = session.execute(
        select(
            models.AuditEntry.at,
            models.AuditEntry.user,
            models.AuditEntry.source,
            models.AuditEntry.action,
            models.AuditEntry.field,
            models.AuditEntry.old_value,
            models.AuditEntry.new_value,
            models.AuditEntry.import_batch_id,
            models.ImportBatch.file_name,
            models.AuditEntry.id,
            models.AuditEntry.reason,
        )
        .outerjoin(models.ImportBatch, models.ImportBatch.id == models.AuditEntry.import_batch_id)
        .where(models.AuditEntry.entity == entity, models.AuditEntry.entity_id == entity_id)
        .order_by(models.AuditEntry.at.desc(), models.AuditEntry.id.desc())
    )
    found = [HistoryRow(**row._asdict()) for row in rows]
    batch = creating_batch(session, entity, entity_id)
    if batch is not None and not any(
        h.action == AuditAction.CREATE and h.import_batch_id == batch.id for h in found
    ):
        found.append(
            HistoryRow(
                batch.at,
                batch.user,
                "import",
                "create",
                None,
                None,
                batch.text,
                batch.id,
                batch.file_name,
            )
        )
    return found


@dataclass(frozen=True)
class EtaHistoryRow:
    changed_at: dt.datetime
    changed_by: str
    source: str
    old_date: dt.date | None
    new_date: dt.date | None
    import_batch_id: int | None = None
    file_name: str | None = None

    @property
    def source_text(self) -> str:
        return source_text(self.source, self.import_batch_id, self.file_name)


def eta_history(session: Session, order_line_id: int) -> list[EtaHistoryRow]:
    """A line's ETA moves, oldest first, starting with its first ETA. A line an import
    created has no row for its first ETA (EtaChange rows start with the first change): its
    creating batch gives that first row, the ETA it was created with being the first move's
    old date, or its ETA now when it never moved."""
    rows = session.execute(
        select(
            models.EtaChange.changed_at,
            models.EtaChange.changed_by,
            models.EtaChange.source,
            models.EtaChange.old_date,
            models.EtaChange.new_date,
            models.EtaChange.import_batch_id,
            models.ImportBatch.file_name,
        )
        .outerjoin(models.ImportBatch, models.ImportBatch.id == models.EtaChange.import_batch_id)
        .where(models.EtaChange.order_line_id == order_line_id)
        .order_by(models.EtaChange.changed_at, models.EtaChange.id)
    )
    moves = [EtaHistoryRow(*row) for row in rows]
    batch = creating_batch(session, "orders", order_line_id)
    if batch is None or (
        moves and moves[0].import_batch_id == batch.id and moves[0].old_date is None
    ):
        return moves  # created by hand, or its first ETA written as a row (older imports)
    first = (
        moves[0].old_date
        if moves
        else session.execute(
            select(models.OrderLine.eta).where(models.OrderLine.id == order_line_id)
        ).scalar()
    )
    if first is None:
        return moves
    created = EtaHistoryRow(batch.at, batch.user, "import", None, first, batch.id, batch.file_name)
    return [created, *moves]
