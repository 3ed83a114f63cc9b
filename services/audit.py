"""The audit trail: who changed what, when and from where. Written by the services in the same
transaction as the change itself (bulk import paths call ``write_entries`` directly)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Integer,
    String,
    case,
    cast,
    func,
    insert,
    literal,
    null,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from models import AuditEntry, EtaChange, ImportBatch
from models.base import ScaledDecimal
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


# --- the same texts, computed by the database -------------------------------------------------


def text_in_sql(column: ColumnElement[Any], dialect_name: str) -> ColumnElement[Any] | None:
    """``as_text`` of a column's stored value as an SQL expression (SQLite and PostgreSQL
    give the same text as Python), or None for a type it has no rule for. The import writes
    the audit entries of the records it creates with these, in one ``INSERT ... SELECT``
    rather than a text built in Python per record."""
    stored = column.type
    if isinstance(stored, ScaledDecimal):
        return _decimal_in_sql(column, stored.scale)
    if isinstance(stored, Boolean):
        return case((column.is_(None), null()), (column, literal("yes")), else_=literal("no"))
    if isinstance(stored, DateTime):
        return None
    if isinstance(stored, Date):
        # SQLite keeps dates as ISO text; PostgreSQL is asked for ISO whatever its DateStyle.
        if dialect_name == "postgresql":
            return func.to_char(column, "YYYY-MM-DD", type_=String)
        return cast(column, String)
    if isinstance(stored, Integer):
        return cast(column, String)
    if isinstance(stored, String):
        return func.nullif(column, "", type_=String)
    return None


def _decimal_in_sql(column: ColumnElement[Any], scale: int) -> ColumnElement[Any]:
    """``plain_decimal`` of a ``ScaledDecimal`` (a whole number of 10**-scale units): the
    sign, the whole part, and the fraction without its trailing zeros (``33546.72``,
    ``25000``, ``-0.0001``). The fraction is padded by adding 10**scale and dropping the
    leading 1, which both databases do alike."""
    # The stored whole number itself, not the decimal it stands for: literals compared or
    # combined with it must not be scaled by ScaledDecimal's bind processing.
    units = type_coerce(column, BigInteger)
    factor = literal(10**scale, BigInteger)
    magnitude = func.abs(units, type_=BigInteger)
    fraction = magnitude % factor
    digits = func.rtrim(
        func.substr(cast(fraction + factor, String), 2, type_=String), "0", type_=String
    )
    return case(
        (units.is_(None), null()),
        else_=(
            case((units < literal(0, BigInteger), literal("-")), else_=literal(""))
            + cast(magnitude // factor, String)
            + case((fraction == literal(0, BigInteger), literal("")), else_=literal(".") + digits)
        ),
    )


def summary_in_sql(
    fields: Sequence[tuple[str, ColumnElement[Any]]], dialect_name: str
) -> ColumnElement[Any] | None:
    """A created record's text as ``services.records._summary`` writes it (``name=value``
    for each non-empty field, joined by ``; ``), as an SQL expression; None when a field's
    type has no rule in ``text_in_sql``."""
    parts: list[ColumnElement[Any]] = []
    for name, column in fields:
        shown = text_in_sql(column, dialect_name)
        if shown is None:
            return None
        parts.append(func.coalesce(literal(f"; {name}=") + shown, literal("")))
    if not parts:
        return literal("")
    joined = parts[0]
    for part in parts[1:]:
        joined = joined + part
    return func.substr(joined, 3, type_=String)


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


def history(session: Session, entity: str, entity_id: int) -> list[HistoryRow]:
    """A record's audit trail, newest first, with the file of each change an import made."""
    rows = session.execute(
        select(
            AuditEntry.at,
            AuditEntry.user,
            AuditEntry.source,
            AuditEntry.action,
            AuditEntry.field,
            AuditEntry.old_value,
            AuditEntry.new_value,
            AuditEntry.import_batch_id,
            ImportBatch.file_name,
            AuditEntry.id,
            AuditEntry.reason,
        )
        .outerjoin(ImportBatch, ImportBatch.id == AuditEntry.import_batch_id)
        .where(AuditEntry.entity == entity, AuditEntry.entity_id == entity_id)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    )
    return [HistoryRow(**row._asdict()) for row in rows]


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
    rows = session.execute(
        select(
            EtaChange.changed_at,
            EtaChange.changed_by,
            EtaChange.source,
            EtaChange.old_date,
            EtaChange.new_date,
            EtaChange.import_batch_id,
            ImportBatch.file_name,
        )
        .outerjoin(ImportBatch, ImportBatch.id == EtaChange.import_batch_id)
        .where(EtaChange.order_line_id == order_line_id)
        .order_by(EtaChange.changed_at, EtaChange.id)
    )
    return [EtaHistoryRow(*row) for row in rows]
