"""Declarative base, naming convention, exact decimal storage and the version/audit mixin."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from itertools import repeat
from operator import methodcaller, mul
from typing import Any, ClassVar

from sqlalchemy import BigInteger, DateTime, Dialect, Integer, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


_TO_INTEGRAL = methodcaller("to_integral_value", rounding=ROUND_HALF_EVEN)


class ScaledDecimal(TypeDecorator[Decimal]):
    """A Decimal stored as a whole number of 10**-scale units in a BIGINT column.

    SQLite has no decimal type: a plain ``Numeric`` is stored as REAL there and
    12345678901234.5678 comes back as ...5684. Scaled integers are exact on SQLite and
    PostgreSQL alike, and still sum and compare in SQL (``func.sum`` keeps this type, so
    the result comes back as a Decimal). Values with more places than ``scale`` are
    rounded half-even; validation in the services rejects them before that matters.
    """

    impl = BigInteger
    cache_ok = True

    def __init__(self, scale: int = 4) -> None:
        super().__init__()
        self.scale = scale
        self._factor = Decimal(10) ** scale
        self._quantum = Decimal(1).scaleb(-scale)

    def process_bind_param(self, value: Any, dialect: Dialect) -> int | None:
        if value is None:
            return None
        if isinstance(value, float):
            raise TypeError("money and measures must be Decimal, never float")
        try:
            exact = Decimal(value)
        except (InvalidOperation, TypeError) as exc:
            raise TypeError(f"not a decimal number: {value!r}") from exc
        return int((exact * self._factor).to_integral_value(rounding=ROUND_HALF_EVEN))

    def bind_column(self, values: Sequence[Any]) -> list[int] | None:
        """``process_bind_param`` of every value at C speed, when each is a Decimal (a bulk
        insert's column of prices: ``models.bulk``); None when another value is among them
        (then each is processed on its own)."""
        if set(map(type, values)) != {Decimal}:
            return None
        rounded = map(_TO_INTEGRAL, map(mul, values, repeat(self._factor)))
        return list(map(int, rounded))

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return (Decimal(int(value)) / self._factor).quantize(self._quantum)

    @property
    def python_type(self) -> type[Decimal]:
        return Decimal

    def __repr__(self) -> str:
        return f"ScaledDecimal({self.scale})"


def Money() -> ScaledDecimal:
    """Money: four decimal places (unit prices of cheap parts, FX-converted sums)."""
    return ScaledDecimal(4)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)

    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dt.datetime: DateTime(),
        str: String(255),
    }


class Versioned:
    """Mutable rows: an optimistic-locking version number and who created/changed them.

    ``version_id_col`` makes every UPDATE say ``WHERE version = :seen``: when another user
    saved the row first, the update matches no row and SQLAlchemy raises StaleDataError,
    which the services turn into a ConflictError naming the record.
    """

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(120), default="")
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by: Mapped[str] = mapped_column(String(120), default="")

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.version}


class CreatedByImport:
    """Records an import can create: the id of the import batch that created the row
    (DESIGN §5, creation by batch). The batch keeps the file, its sha256, the sheet, the user
    and the time, so a record's history reads "created by import 7 (dell_ack.xlsx, anna,
    2026-12-01 09:14)" without one audit entry per created record; empty for a record
    created any other way (its creation is in the audit trail).

    No foreign key and no index, on purpose: the value is written once, with the row, and
    import batches are never deleted (a team's buyers may not: ``services.team``), while a
    foreign key would make PostgreSQL run one trigger per imported row (measured: a quarter
    of a second per 100,000 lines). ``db check`` verifies that every value names a batch;
    a batch's own records are found by a scan of the table, which is what listing or
    undoing 100,000 of them needs anyway."""

    created_batch_id: Mapped[int | None] = mapped_column(Integer)
