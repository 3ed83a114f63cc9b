"""Bulk inserts straight through the driver (multi-row ``INSERT`` statements on SQLite, the
COPY protocol on PostgreSQL), in the caller's transaction.

SQLAlchemy Core spends most of a 100,000-row ``insert(table)`` executemany building a
parameter dict per row and running each value through its type's bind processor; the driver's
own ``executemany`` over tuples takes under half the time (docs/traps.md: 0.9 s against 2.0 s).
``insert_columns`` keeps what Core would do (the same bind processors, so a date, a
timestamp or a ``ScaledDecimal`` is stored exactly as the ORM stores it; the columns' Python
defaults for columns not given) and drops the per-row overhead: values are given column by
column, each distinct value is processed once, and rows are assembled by ``zip``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import chain, count, islice
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Integer,
    LargeBinary,
    Select,
    SmallInteger,
    String,
    Table,
    func,
    select,
)
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.types import TypeDecorator

# Rows per multi-row INSERT on SQLite (fewer when the columns are many: see _insert_values).
ROWS_PER_STATEMENT = 200


def insert_columns(
    conn: Connection, table: Table, columns: Mapping[str, Sequence[Any] | Any], rows: int
) -> None:
    """Insert ``rows`` rows into ``table``. ``columns`` maps a column name to its values, one
    per row, or to a single value shared by every row (``Constant``). Columns not given get
    their Python default (one value for the whole statement, as for ``utcnow``), else NULL
    or the server default."""
    if rows == 0:
        return
    dialect = conn.dialect
    names: list[str] = []
    values: list[Sequence[Any]] = []
    given = dict(columns)
    for column in table.columns:
        if column.key in given or column.default is None:
            continue
        default = column.default
        if getattr(default, "is_scalar", False):
            given[column.key] = Constant(default.arg)  # type: ignore[attr-defined]
        elif getattr(default, "is_callable", False):
            given[column.key] = Constant(default.arg(None))  # type: ignore[attr-defined]
    for name, column_values in given.items():
        column = table.c[name]
        process = column.type.dialect_impl(dialect).bind_processor(dialect)
        if isinstance(column_values, Constant):
            value = column_values.value
            processed = process(value) if process is not None and value is not None else value
            values.append([processed] * rows)
        else:
            if len(column_values) != rows:
                raise ValueError(
                    f"{table.name}.{name}: {len(column_values)} values for {rows} rows"
                )
            values.append(_processed(column_values, process) if process else column_values)
        names.append(name)
    quote = dialect.identifier_preparer.quote
    target = f"{dialect.identifier_preparer.format_table(table)} ({', '.join(map(quote, names))})"
    cursor = conn.connection.cursor()
    rows_in = zip(*values, strict=True)
    copying = dialect.driver == "psycopg"
    binary = _binary_types(table, names, dialect) if copying else None
    if copying:
        sql = f"COPY {target} FROM STDIN" + (" (FORMAT BINARY)" if binary else "")
    else:
        sql = f"INSERT INTO {target} VALUES ..."
    try:
        if copying:
            # PostgreSQL's COPY protocol: one stream instead of a statement per row, in
            # the binary format when every column's type has one here (measured on 100,000
            # order lines: a seventh of the client's time of the text format, and less of
            # the server's, which parses no text).
            with cursor.copy(sql) as copy:
                if binary:
                    copy.set_types(binary)
                write_row = copy.write_row
                for row in rows_in:
                    write_row(row)
        else:
            _insert_values(cursor, conn, target, len(names), rows, rows_in)
    except dialect.loaded_dbapi.Error as exc:
        raise _as_sqlalchemy_error(conn, cursor, sql, exc) from exc
    finally:
        cursor.close()


def _binary_types(table: Table, names: list[str], dialect: Any) -> list[str] | None:
    """The PostgreSQL type of each column for a binary COPY (what the processed values are
    sent as), or None when one has no binary form here (then COPY goes as text)."""
    types = []
    for name in names:
        stored = table.c[name].type.dialect_impl(dialect)
        if isinstance(stored, TypeDecorator):
            stored = stored.impl_instance
        found = next((pg for kind, pg in _BINARY if isinstance(stored, kind)), None)
        if found is None:
            return None
        if isinstance(stored, DateTime) and stored.timezone:
            found = "timestamptz"
        types.append(found)
    return types


# SQLAlchemy type → PostgreSQL type of its binary COPY, subclasses before their bases.
_BINARY: tuple[tuple[type[Any], str], ...] = (
    (BigInteger, "int8"),
    (SmallInteger, "int2"),
    (Integer, "int4"),
    (Boolean, "bool"),
    (DateTime, "timestamp"),
    (Date, "date"),
    (String, "text"),
    (LargeBinary, "bytea"),
)


def _as_sqlalchemy_error(conn: Connection, cursor: Any, sql: str, exc: Any) -> Exception:
    """The driver's own error as SQLAlchemy would have raised it (IntegrityError for a
    unique key someone else took meanwhile, OperationalError for a lost server...)."""
    dialect = conn.dialect
    lost = dialect.is_disconnect(exc, conn.connection.dbapi_connection, cursor)
    if lost:
        conn.invalidate(exc)
    error: Exception = DBAPIError.instance(
        sql, None, exc, dialect.loaded_dbapi.Error, lost, dialect=dialect
    )
    return error


def read_columns(
    conn: Connection, statement: Select[Any], rows_per_part: int
) -> tuple[list[str], Iterator[list[list[Any]]]]:
    """The rows of a parameterless ``statement`` read through the driver, ``rows_per_part``
    at a time (a server-side cursor on PostgreSQL), each part given column by column: the
    statement's column names, and an iterator of parts.

    What SQLAlchemy would do per value, its column type's result processor (SQLite's text
    dates to dates, ``ScaledDecimal``'s integers to decimals), is done here once per distinct
    value, and equal values of a column are one object across the parts: existing records
    repeat few dates, names and statuses, so 100,000 rows take a fraction of the time and
    memory of a Core result."""
    dialect = conn.dialect
    compiled = statement.compile(dialect=dialect)
    params = compiled.construct_params()
    if params:
        raise ValueError("read_columns takes a statement without parameters")
    columns = list(statement.selected_columns)
    keys = [str(column.key) for column in columns]
    caches = [
        _Processed(column.type.dialect_impl(dialect).result_processor(dialect, None) or _itself)
        for column in columns
    ]
    return keys, _parts(conn, str(compiled), rows_per_part, caches)


_CURSOR_NUMBERS = count(1)


def _itself(value: Any) -> Any:
    return value


def _parts(
    conn: Connection, sql: str, rows_per_part: int, caches: list[_Processed]
) -> Iterator[list[list[Any]]]:
    dbapi = conn.connection.dbapi_connection
    assert dbapi is not None
    server_side = conn.dialect.driver == "psycopg"
    # A name of its own: another read may still hold its cursor open in this transaction.
    name = f"rackbook_read_columns_{next(_CURSOR_NUMBERS)}"
    cursor = dbapi.cursor(name=name) if server_side else dbapi.cursor()
    try:
        # An empty mapping rather than none: psycopg then reads the statement's ``%%`` (how
        # SQLAlchemy writes a ``%`` for it) as one ``%``, as in any other query.
        cursor.execute(sql, {})
        part = cursor.fetchmany(rows_per_part)
        while part:
            yield [
                list(map(cache.__getitem__, column))
                for cache, column in zip(caches, zip(*part, strict=True), strict=True)
            ]
            part = cursor.fetchmany(rows_per_part)
    except conn.dialect.loaded_dbapi.Error as exc:
        raise _as_sqlalchemy_error(conn, cursor, sql, exc) from exc
    finally:
        cursor.close()


def _insert_values(
    cursor: Any, conn: Connection, target: str, width: int, rows: int, rows_in: Iterator[Any]
) -> None:
    """SQLite: multi-row ``INSERT ... VALUES (...), (...)`` statements of up to
    ``ROWS_PER_STATEMENT`` rows. Each statement opens the table's and its indexes' cursors
    and checks its foreign keys' setup once for all its rows, where ``executemany`` does so
    per row: measured on 100,000 order lines and their 125,000 audit entries, the inserts
    took about two thirds of the time."""
    dbapi = conn.connection.dbapi_connection
    getlimit = getattr(dbapi, "getlimit", None)
    # The most parameters one statement may carry (32,766 since SQLite 3.32, 999 before).
    limit = getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) if getlimit is not None else 999
    per = max(1, min(ROWS_PER_STATEMENT, limit // width))
    one = f"({', '.join(['?'] * width)})"
    full, rest = divmod(rows, per)
    if full:
        sql = f"INSERT INTO {target} VALUES {', '.join([one] * per)}"
        for _ in range(full):
            cursor.execute(sql, list(chain.from_iterable(islice(rows_in, per))))
    if rest:
        sql = f"INSERT INTO {target} VALUES {', '.join([one] * rest)}"
        cursor.execute(sql, list(chain.from_iterable(rows_in)))


class Constant:
    """One value for every row of an ``insert_columns`` call."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


def _processed(column_values: Sequence[Any], process: Callable[[Any], Any]) -> list[Any]:
    """The column's values through ``process``, each distinct value once (read by C-level
    ``map`` from a dict that processes on a miss). Equal values of one column process
    alike (``Decimal("1.5")`` and ``Decimal("1.50")`` store the same scaled integer)."""
    return list(map(_Processed(process).__getitem__, column_values))


class _Processed(dict[Any, Any]):
    def __init__(self, process: Callable[[Any], Any]) -> None:
        super().__init__({None: None})
        self.process = process

    def __missing__(self, value: Any) -> Any:
        processed = self[value] = self.process(value)
        return processed


def reserve_ids(conn: Connection, table: Table, count: int) -> list[int]:
    """``count`` new primary-key values for ``table``, for rows the caller then inserts with
    ``insert_columns`` (so their ids need not be read back by natural key).

    PostgreSQL: drawn from the column's sequence, which no other writer can also get.
    SQLite: the ids after the largest one, which holds because a write transaction there
    (``Database.write``: ``BEGIN IMMEDIATE``) keeps every other writer out until it ends;
    if a caller inserts outside one and someone else took an id meanwhile, the primary
    key refuses the insert (IntegrityError) and nothing is written."""
    if count <= 0:
        return []
    (key,) = table.primary_key.columns
    dialect_name = conn.dialect.name
    if dialect_name == "postgresql":
        sequence = conn.exec_driver_sql(
            "SELECT pg_get_serial_sequence(%(table)s, %(column)s)",
            {"table": table.name, "column": key.name},
        ).scalar_one()
        found = conn.exec_driver_sql(
            "SELECT nextval(%(sequence)s) FROM generate_series(1, %(count)s)",
            {"sequence": sequence, "count": count},
        ).scalars()
        return sorted(found)
    if dialect_name == "sqlite":
        largest = conn.execute(select(func.max(key))).scalar() or 0
        return list(range(largest + 1, largest + 1 + count))
    raise NotImplementedError(f"reserving ids on {dialect_name}")


def shared_key_dicts(keys: Sequence[str], rows: Iterable[Sequence[Any]]) -> list[dict[str, Any]]:
    """One dict per row (``keys`` → the row's values) whose keys are shared between them.

    A plain dict per row keeps its own table of keys and hashes: 840 bytes for a record of
    22 fields, measured, where the values alone take 180. An instance's ``__dict__`` of one
    class keeps one table of keys for them all (CPython's key-sharing dictionaries, PEP 412)
    as long as every row sets the same keys in the same order, which is what this does; each
    is an ordinary dict to its users (``get``, ``{**record}``, item assignment). 100,000
    existing order lines take 55 MB less."""
    holder: type[Any] = type("SharedKeys", (), {})
    names = tuple(keys)
    made: list[dict[str, Any]] = []
    append = made.append
    for row in rows:
        values = holder().__dict__
        values.update(zip(names, row, strict=True))
        append(values)
    return made
