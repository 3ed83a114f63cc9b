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
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
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
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.types import TypeDecorator

from models.database import CHANGE_CHANNEL

# Rows per multi-row INSERT on SQLite (fewer when the columns are many: see _insert_values).
# Each statement is one hand-over of the GIL between the thread sending inserts and the one
# preparing them (InsertsBehind): fewer, larger statements keep the two from waiting on
# each other.
ROWS_PER_STATEMENT = 1500


def insert_columns(
    conn: Connection, table: Table, columns: Mapping[str, Sequence[Any] | Any], rows: int
) -> None:
    """Insert ``rows`` rows into ``table``. ``columns`` maps a column name to its values, one
    per row, or to a single value shared by every row (``Constant``). Columns not given get
    their Python default (one value for the whole statement, as for ``utcnow``), else NULL
    or the server default."""
    prepared = _prepare(conn, table, columns, rows)
    if prepared is not None:
        _send(conn, prepared)


class _Prepared:
    """One bulk insert's rows made ready for the driver (``_prepare``), to be sent."""

    __slots__ = ("given", "names", "rows", "table", "target", "values")

    def __init__(
        self,
        table: Table,
        given: dict[str, Any],
        rows: int,
        names: list[str],
        values: list[Sequence[Any]],
        target: str,
    ) -> None:
        self.table = table
        self.given = given
        self.rows = rows
        self.names = names
        self.values = values
        self.target = target


def _prepare(
    conn: Connection, table: Table, columns: Mapping[str, Sequence[Any] | Any], rows: int
) -> _Prepared | None:
    """The columns' values through their types' bind processors, defaults filled in: all
    the Python work of an insert, before the driver's."""
    if rows == 0:
        return None
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
            whole = _bound_whole(column, column_values) if process else None
            if whole is not None:
                values.append(whole)
            else:
                values.append(_processed(column_values, process) if process else column_values)
        names.append(name)
    quote = dialect.identifier_preparer.quote
    target = f"{dialect.identifier_preparer.format_table(table)} ({', '.join(map(quote, names))})"
    return _Prepared(table, given, rows, names, values, target)


def _send(conn: Connection, prepared: _Prepared) -> None:
    """The driver's part of an insert: multi-row INSERTs on SQLite, COPY on PostgreSQL."""
    dialect = conn.dialect
    table, names, rows = prepared.table, prepared.names, prepared.rows
    target = prepared.target
    cursor = conn.connection.cursor()
    rows_in = zip(*prepared.values, strict=True)
    copying = dialect.driver == "psycopg"
    binary = _binary_types(table, names, dialect) if copying else None
    if copying:
        sql = f"COPY {target} FROM STDIN" + (" (FORMAT BINARY)" if binary else "")
    else:
        sql = f"INSERT INTO {target} VALUES ..."
    try:
        if copying:
            # PostgreSQL's COPY protocol: one stream instead of a statement per row, in the
            # binary format when every column's type has one here (measured on 100,000
            # order lines: a seventh of the client's time of the text format, and less of
            # the server's, which parses no text).
            with (
                references_checked_once(conn, cursor, table, prepared.given, rows),
                cursor.copy(sql) as copy,
            ):
                if binary:
                    copy.set_types(binary)
                write_row = copy.write_row
                for row in rows_in:
                    write_row(row)
        else:
            shared = _shared_columns(prepared)
            if shared:
                sql = _insert_shared(cursor, conn, prepared, shared)
            else:
                _insert_values(cursor, conn, target, len(names), rows, rows_in)
    except dialect.loaded_dbapi.Error as exc:
        raise _as_sqlalchemy_error(conn, cursor, sql, exc) from exc
    finally:
        cursor.close()


class InsertsBehind:
    """Bulk inserts handed to one worker thread, sent in the order given, while the caller
    goes on to prepare the next. The driver's part of an insert (SQLite stepping its
    statements, PostgreSQL's COPY and the wait for the server) runs without the GIL, so the
    two overlap (measured on 100,000 order lines: see bench/bench_import.py).

    The connection is the worker's until ``wait`` returns (which ``with`` does at its end):
    the caller must not use it meanwhile. The first insert that fails is raised by ``wait``
    and the ones after it are not sent; the caller's transaction is then rolled back as
    after any failed insert."""

    # Inserts prepared ahead of the one being sent, at most (each holds its rows' values).
    AHEAD = 2
    # The GIL's switch interval while inserts are sent: the sending thread gets the GIL back
    # soon after each statement the database ran without it, instead of after the default
    # 5 ms (measured: the commit of 100,000 order lines 0.97 s without the thread, 1.15 s
    # with it at 5 ms, 0.82 s at 0.2 ms).
    SWITCH_INTERVAL = 0.0002

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rackbook-insert")
        self._pending: list[Future[None]] = []
        self._failed = False
        self._interval = sys.getswitchinterval()

    def __enter__(self) -> InsertsBehind:
        self._interval = sys.getswitchinterval()
        sys.setswitchinterval(min(self._interval, self.SWITCH_INTERVAL))
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.wait()
        finally:
            self._pool.shutdown(wait=True)
            sys.setswitchinterval(self._interval)

    def insert_columns(
        self, table: Table, columns: Mapping[str, Sequence[Any] | Any], rows: int
    ) -> None:
        """``insert_columns``, its values prepared here and sent by the worker."""
        prepared = _prepare(self.conn, table, columns, rows)
        if prepared is None:
            return
        while len(self._pending) > self.AHEAD:
            self._pending.pop(0).result()
        self._pending.append(self._pool.submit(self._send, prepared))

    def _send(self, prepared: _Prepared) -> None:
        if self._failed:
            return
        try:
            _send(self.conn, prepared)
        except BaseException:
            self._failed = True
            raise

    def wait(self) -> None:
        """Every insert handed over sent; the first failure raised."""
        pending, self._pending = self._pending, []
        failure: BaseException | None = None
        for future in pending:
            try:
                future.result()
            except BaseException as exc:  # the first is raised once all have stopped
                failure = failure or exc
        if failure is not None:
            raise failure


# From this many rows on, a COPY's foreign keys are checked once per distinct value
# (``references_checked_once``) where the server allows it.
CHECK_ONCE_FROM = 1000


@contextmanager
def references_checked_once(
    conn: Connection, cursor: Any, table: Table, given: Mapping[str, Any], rows: int
) -> Iterator[None]:
    """PostgreSQL checks a foreign key row by row, by a trigger that looks the parent row up
    and locks it (``SELECT 1 ... FOR KEY SHARE``): measured, 100,000 order lines with two
    keys took 1.15 s of the server's time where the same rows without the triggers took 0.41.
    A bulk insert repeats few parents (an import's lines name a few hundred orders and
    products), so here each distinct parent is looked up and locked once, exactly as the
    trigger would, and the rows are inserted with the row triggers off for this statement
    (``session_replication_role = replica``, which needs a superuser or, from PostgreSQL 15,
    ``GRANT SET ON PARAMETER session_replication_role``; without it the triggers check as
    usual). A parent missing is the same IntegrityError the trigger raises, and nothing is
    written. Unique, check and not-null constraints are not triggers and hold as always;
    the statement-level change notice the triggers off would skip is sent here. A table
    with a trigger of another kind (``TRIGGERS_STOOD_IN_FOR``) keeps its triggers."""
    keys = _single_column_keys(table, given) if rows >= CHECK_ONCE_FROM else None
    if (
        keys is None
        or not _may_skip_row_triggers(conn, cursor)
        or not _only_our_triggers(cursor, table)
    ):
        yield
        return
    for column, parent, parent_column in keys:
        wanted = given[column]
        values = {wanted.value} if isinstance(wanted, Constant) else set(wanted)
        values.discard(None)
        if not values:
            continue
        cursor.execute(
            f"SELECT {parent_column} FROM {parent} WHERE {parent_column} = ANY(%s) FOR KEY SHARE",
            (list(values),),
        )
        found = {row[0] for row in cursor.fetchall()}
        missing = values - found
        if missing:
            raise IntegrityError(
                f"INSERT INTO {table.name}",
                None,
                ValueError(
                    f"{table.name}.{column} names {parent} {sorted(missing)[:5]}, "
                    "which no longer exist"
                ),
            )
    cursor.execute("SELECT current_setting('session_replication_role')")
    (before,) = cursor.fetchone()
    cursor.execute("SET LOCAL session_replication_role = replica")
    yield
    cursor.execute(f"SET LOCAL session_replication_role = {before}")
    cursor.execute("SELECT pg_notify(%s, %s)", (CHANGE_CHANNEL, table.name))


def _single_column_keys(
    table: Table, given: Mapping[str, Any]
) -> list[tuple[str, str, str]] | None:
    """Each foreign key of ``table`` among the ``given`` columns as (column, parent table,
    parent column), quoted; None when one spans several columns (checked as usual)."""
    found = []
    for constraint in table.foreign_key_constraints:
        if len(constraint.elements) != 1:
            return None
        element = constraint.elements[0]
        if element.parent.key not in given:
            continue
        parent = element.column
        found.append((element.parent.key, f'"{parent.table.name}"', f'"{parent.name}"'))
    return found


# The triggers Rackbook's own writes may go without: the change notice (sent by
# ``references_checked_once`` itself) and a team database's direct-SQL audit, which leaves
# every Rackbook transaction to the services' own entries (``models.database.APP_SETTING``).
# A table with any other trigger (a team database's login stamps on the audit trail) is
# always copied with its triggers.
TRIGGERS_STOOD_IN_FOR = frozenset({"rackbook_change_notice", "rackbook_direct_sql"})


def _only_our_triggers(cursor: Any, table: Table) -> bool:
    """Whether every trigger of ``table`` apart from its foreign keys' own is one that
    ``references_checked_once`` may stand in for (asked for each insert: a team's ``db
    init`` may add triggers while a connection is open)."""
    cursor.execute(
        "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass "
        "AND NOT tgisinternal AND tgenabled <> 'D'",
        (f'"{table.name}"',),
    )
    return {row[0] for row in cursor.fetchall()} <= TRIGGERS_STOOD_IN_FOR


def _may_skip_row_triggers(conn: Connection, cursor: Any) -> bool:
    """Whether this login may set ``session_replication_role`` (asked once a connection)."""
    info = conn.connection.info
    allowed = info.get("rackbook_replica_role")
    if allowed is None:
        granted = (
            " OR has_parameter_privilege('session_replication_role', 'SET')"
            if (conn.dialect.server_version_info or (0,)) >= (15,)
            else ""
        )
        cursor.execute(f"SELECT current_setting('is_superuser') = 'on'{granted}")
        allowed = info["rackbook_replica_role"] = bool(cursor.fetchone()[0])
    return bool(allowed)


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
    per = max(1, min(ROWS_PER_STATEMENT, _parameter_limit(conn) // width))
    one = f"({', '.join(['?'] * width)})"
    full, rest = divmod(rows, per)
    if full:
        sql = f"INSERT INTO {target} VALUES {', '.join([one] * per)}"
        for _ in range(full):
            cursor.execute(sql, list(chain.from_iterable(islice(rows_in, per))))
    if rest:
        sql = f"INSERT INTO {target} VALUES {', '.join([one] * rest)}"
        cursor.execute(sql, list(chain.from_iterable(rows_in)))


def _parameter_limit(conn: Connection) -> int:
    """SQLite: the most parameters one statement may carry (32,766 since SQLite 3.32, 999
    before)."""
    getlimit = getattr(conn.connection.dbapi_connection, "getlimit", None)
    return getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) if getlimit is not None else 999


def _shared_columns(prepared: _Prepared) -> list[int]:
    """SQLite: the positions of the columns whose every row has one value (a ``Constant``,
    or None throughout: an import's batch, stamps and empty dates), when some column still
    varies; else none. ``_insert_shared`` binds those once per statement."""
    given = prepared.given
    shared = [
        i
        for i, (name, values) in enumerate(zip(prepared.names, prepared.values, strict=True))
        if isinstance(given.get(name), Constant) or values.count(None) == prepared.rows
    ]
    return shared if len(shared) < len(prepared.names) else []


def _insert_shared(cursor: Any, conn: Connection, prepared: _Prepared, shared: list[int]) -> str:
    """SQLite: ``_insert_values`` with the columns of one value for every row bound once
    per statement, ``INSERT INTO t (varying..., shared...) SELECT column1, ..., ?, ? FROM
    (VALUES (...), (...))``, rather than once per row: the driver binds every parameter
    holding the GIL, so an import's 100,000 lines, ten of their 22 columns shared, take
    fewer of the planning thread's turns (measured: the insert a third quicker alone)."""
    dialect = conn.dialect
    quote = dialect.identifier_preparer.quote
    names, values = prepared.names, prepared.values
    fixed = set(shared)
    varying = [i for i in range(len(names)) if i not in fixed]
    columns = ", ".join(quote(names[i]) for i in varying + shared)
    head = f"INSERT INTO {dialect.identifier_preparer.format_table(prepared.table)} ({columns}) "
    picked = ", ".join([f"column{n}" for n in range(1, len(varying) + 1)] + ["?"] * len(shared))
    fixed_values = [values[i][0] for i in shared]
    width = len(varying)
    per = max(1, min(ROWS_PER_STATEMENT, (_parameter_limit(conn) - len(shared)) // width))
    one = f"({', '.join(['?'] * width)})"
    rows_in = zip(*(values[i] for i in varying), strict=True)
    sql = ""
    left = prepared.rows
    while left:
        count = min(per, left)
        sql = f"{head}SELECT {picked} FROM (VALUES {', '.join([one] * count)})"
        cursor.execute(sql, fixed_values + list(chain.from_iterable(islice(rows_in, count))))
        left -= count
    return sql


def _bound_whole(column: Any, column_values: Sequence[Any]) -> list[Any] | None:
    """A column's values bound by its type's own whole-column processing, where it has one
    (``ScaledDecimal.bind_column``) and it applies; else None."""
    bind_column = getattr(column.type, "bind_column", None)
    if bind_column is None:
        return None
    bound: list[Any] | None = bind_column(column_values)
    return bound


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
        # One array rather than a row per id: 100,000 rows fetched one by one took a tenth
        # of the import's time on the client.
        found: list[int] = conn.exec_driver_sql(
            "SELECT array_agg(nextval(%(sequence)s)) FROM generate_series(1, %(count)s)",
            {"sequence": sequence, "count": count},
        ).scalar_one()
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
