"""From a path or URL to a ready engine: SQLite pragmas, transactions, migrations on open.

SQLite needs care (DESIGN.md §8):

* pysqlite's own transaction handling issues ``BEGIN`` lazily and not before DDL, so two app
  instances could both read and then both write. We take transactions over: the driver runs
  in autocommit mode and SQLAlchemy's ``begin`` event emits ``BEGIN`` itself, and
  ``BEGIN IMMEDIATE`` for write sessions, so a writer holds the write lock from its first read
  and WAL's ``SQLITE_BUSY_SNAPSHOT`` cannot happen.
* foreign keys are off by default: every connection turns them on.
* WAL journal and a busy timeout let a reader and a writer work at once.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

BUSY_TIMEOUT_MS = 10_000
PG_CONNECT_ARGS: dict[str, Any] = {
    "connect_timeout": 10,
    "keepalives": 1,
    "keepalives_idle": 30,
    "keepalives_interval": 10,
    "keepalives_count": 3,
}
WRITE_OPTION = "rackbook_write"


def to_url(db: str | Path) -> URL:
    """A SQLAlchemy URL for ``db``: a URL as given, anything else is a SQLite file path."""
    text = str(db)
    if "://" in text:
        url = make_url(text)
        if url.drivername in ("postgresql", "postgres"):
            url = url.set(drivername="postgresql+psycopg")
        return url
    return URL.create("sqlite+pysqlite", database=str(Path(text).expanduser().resolve()))


# The PostgreSQL setting every Rackbook transaction sets (see services.team's direct-SQL
# audit).
APP_SETTING = "rackbook.app"


def is_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite"


def sqlite_file(url: URL) -> Path | None:
    """The file of a SQLite URL (also of a ``file:…?mode=ro&uri=true`` URI), else None."""
    if not is_sqlite(url) or url.database in (None, "", ":memory:"):
        return None
    database = str(url.database)
    if url.query.get("uri") == "true" and database.startswith("file:"):
        database = database.removeprefix("file:")
    return Path(database)


def display_name(url: URL) -> str:
    """What to show a person: the file name, or the database and host; never a password."""
    if is_sqlite(url):
        return Path(url.database or "memory").name
    return f"{url.database}@{url.host or 'localhost'}"


def masked(url: URL) -> str:
    return url.render_as_string(hide_password=True)


def _install_sqlite_hooks(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        # Let SQLAlchemy's begin event decide when transactions start (see module docstring).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        if conn.get_execution_options().get(WRITE_OPTION):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")


def make_engine(url: URL, **kwargs: Any) -> Engine:
    if is_sqlite(url):
        # One connection per session: SQLite connections are cheap, and NullPool keeps a
        # file from being held open by an idle pool (backups, restores, tests deleting it).
        engine = create_engine(url, poolclass=NullPool, **kwargs)
        _install_sqlite_hooks(engine)
        return engine
    # pool_pre_ping: a connection the server dropped (restart, pg_terminate_backend, network
    # cut) is replaced at the next checkout instead of failing the next action. A connect
    # timeout and TCP keepalives turn a silently dead network into an error within about a
    # minute rather than a window frozen until the operating system gives up.
    connect_args = {**PG_CONNECT_ARGS, **kwargs.pop("connect_args", {})}
    engine = create_engine(url, pool_pre_ping=True, connect_args=connect_args, **kwargs)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Rackbook's own transactions say so (for this transaction only): the direct-SQL
        # audit triggers of a team database (services.team) leave its writes to the
        # services, which audit them with their own entries.
        conn.exec_driver_sql(f"SELECT set_config('{APP_SETTING}', 'on', true)")

    return engine


@dataclass
class Database:
    """An open Rackbook database: the engine, and sessions for reading and for writing."""

    url: URL
    engine: Engine

    def __post_init__(self) -> None:
        self._reader = sessionmaker(self.engine, expire_on_commit=False)
        self._writer = sessionmaker(
            self.engine.execution_options(**{WRITE_OPTION: True}), expire_on_commit=False
        )

    @property
    def name(self) -> str:
        return display_name(self.url)

    @property
    def is_sqlite(self) -> bool:
        return is_sqlite(self.url)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session for reading; it is rolled back when the block ends."""
        session = self._reader()
        try:
            yield session
        finally:
            session.rollback()
            session.close()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction: committed when the block ends, rolled back on any error."""
        session = self._writer()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()


def open_database(db: str | Path, *, upgrade: bool = True, backup: bool = True) -> Database:
    """Open ``db`` (a SQLite path or a SQLAlchemy URL), bringing its schema up to date.

    A SQLite file whose schema is older than this program's is backed up first.
    """
    from models import migrate

    url = to_url(db)
    file = sqlite_file(url)
    if file is not None:
        file.parent.mkdir(parents=True, exist_ok=True)
    database = Database(url, make_engine(url))
    if upgrade:
        migrate.upgrade(database, backup=backup)
    return database
