"""From a path or URL to a ready engine: SQLite pragmas, transactions, migrations on open.

SQLite needs care (docs/traps.md):

* pysqlite's own transaction handling issues ``BEGIN`` lazily and not before DDL, so two app
  instances could both read and then both write. We take transactions over: the driver runs
  in autocommit mode and SQLAlchemy's ``begin`` event emits ``BEGIN`` itself, and
  ``BEGIN IMMEDIATE`` for write sessions, so a writer holds the write lock from its first read
  and WAL's ``SQLITE_BUSY_SNAPSHOT`` cannot happen.
* foreign keys are off by default: every connection turns them on.
* WAL journal and a busy timeout let a reader and a writer work at once.
"""

from __future__ import annotations

import errno
import os
import shutil
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
SUPPORTED = ("sqlite", "postgresql")
# Less free space than this where a SQLite file lives counts as a full disk: SQLite could
# not even create the 32 KiB shared-memory index of its write-ahead log.
FULL_DISK_BYTES = 64 * 1024


class CannotOpen(RuntimeError):
    """The database cannot be opened as asked (the message says why); nothing was written."""


class ReadOnlyDatabase(RuntimeError):
    """A change was asked of a database opened read-only (read-only disk or file, full disk);
    the message says why it cannot be written."""


def to_url(db: str | Path) -> URL:
    """A SQLAlchemy URL for ``db``: a URL as given, anything else is a SQLite file path."""
    text = str(db)
    if "://" in text:
        try:
            url = make_url(text)
        except Exception:  # sqlalchemy's ArgumentError, a ValueError for a bad port...
            raise CannotOpen(
                "the database URL cannot be read: give a SQLite file path or "
                "postgresql://LOGIN@HOST/DATABASE"
            ) from None
        if url.drivername in ("postgresql", "postgres"):
            url = url.set(drivername="postgresql+psycopg")
        if url.get_backend_name() not in SUPPORTED:
            raise CannotOpen(
                f"Rackbook cannot use a {url.get_backend_name()} database: give a SQLite file "
                "path or postgresql://LOGIN@HOST/DATABASE"
            )
        return url
    return URL.create("sqlite+pysqlite", database=str(Path(text).expanduser().resolve()))


# The PostgreSQL setting every Rackbook transaction sets (see services.team's direct-SQL
# audit).
APP_SETTING = "rackbook.app"
# The PostgreSQL channel of the change notices (migration 0001's trigger function sends the
# table's name on it; services.changes listens; models.bulk sends it for a copy it makes
# without the triggers).
CHANGE_CHANNEL = "rackbook_changes"


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


def _install_sqlite_hooks(engine: Engine, exclusive_reader: bool = False) -> None:
    read_only = engine.url.query.get("mode") == "ro"

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        # Let SQLAlchemy's begin event decide when transactions start (see module docstring).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        if exclusive_reader:
            # A full disk has no room for the write-ahead log's shared-memory index: in
            # exclusive locking mode SQLite keeps that index in memory, and query_only
            # refuses every write.
            cursor.execute("PRAGMA locking_mode = EXCLUSIVE")
            cursor.execute("PRAGMA query_only = 1")
        elif not read_only and engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        if conn.get_execution_options().get(WRITE_OPTION):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")


def make_engine(url: URL, *, exclusive_reader: bool = False, **kwargs: Any) -> Engine:
    if is_sqlite(url):
        # One connection per session: SQLite connections are cheap, and NullPool keeps a
        # file from being held open by an idle pool (backups, restores, tests deleting it).
        engine = create_engine(url, poolclass=NullPool, **kwargs)
        _install_sqlite_hooks(engine, exclusive_reader)
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
    #: Why this database was opened read-only (a read-only disk, a full disk), else None.
    read_only_reason: str | None = None

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
        if self.read_only_reason is not None:
            raise ReadOnlyDatabase(self.read_only_reason)
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

    A SQLite file whose schema is older than this program's is backed up first; one a newer
    Rackbook wrote is refused (read through a read-only connection, nothing copied). A SQLite
    file on a read-only or full disk is opened read-only (``read_only_reason``). A file is
    created only in a folder that exists: a mistyped path makes no new folders.
    """
    from models import migrate

    url = to_url(db)
    file = sqlite_file(url)
    if file is not None and not file.exists() and not file.parent.is_dir():
        raise CannotOpen(
            f"there is no database at {file}: the folder {file.parent} does not exist "
            "(check the path; a new database is made only in a folder that exists)"
        )
    if file is not None and file.is_dir():
        raise CannotOpen(f"{file} is a folder, not a database file")
    if file is not None and file.exists():
        try:
            revision = migrate.sqlite_file_revision(file)
        except sqlite3.Error:
            revision = None  # damaged or unreadable: opening it says so properly
        migrate.refuse_newer(revision)
        database = _open_sqlite_file(url, file)
    else:
        database = Database(url, make_engine(url))
    if upgrade:
        if database.read_only_reason is not None:
            current, head = migrate.schema_state(database)
            if current != head:
                database.dispose()
                raise CannotOpen(
                    f"{database.read_only_reason}, and its schema ({current or 'none'}) needs "
                    f"an upgrade to {head} first: open it where it can be written"
                )
        else:
            try:
                migrate.upgrade(database, backup=backup)
            except BaseException:
                database.dispose()
                raise
    return database


def _open_sqlite_file(url: URL, file: Path) -> Database:
    """An existing SQLite file: read-write when it can be written, else read-only with the
    reason kept (the reading works, each write says why it cannot)."""
    folder = file.parent
    if not os.access(file, os.W_OK) or not os.access(folder, os.W_OK):
        reason = (
            f"{file.name} is on a read-only disk, or the file or its folder cannot be "
            "written: it is open read-only"
        )
        query = {"mode": "ro", "uri": "true"}
        wal = file.with_name(file.name + "-wal")
        shm = file.with_name(file.name + "-shm")
        if not os.access(folder, os.W_OK) and not shm.exists():
            if wal.exists() and wal.stat().st_size > 0:
                raise CannotOpen(
                    f"{file.name} has changes in its write-ahead log ({wal.name}) that cannot "
                    "be read from a read-only folder: open it where the folder can be written"
                )
            query["immutable"] = "1"  # no index can be made; nothing else writes here
        ro_url = URL.create("sqlite+pysqlite", database=f"file:{file}", query=query)
        return Database(ro_url, make_engine(ro_url), reason)
    database = Database(url, make_engine(url))
    try:
        with database.engine.connect() as connection:
            connection.exec_driver_sql("SELECT count(*) FROM sqlite_master").all()
            connection.rollback()
    except Exception:
        if not disk_full(folder):
            return database  # a damaged file: the first read says what is wrong
        database.dispose()
        _drop_broken_index(file)
        reason = f"the disk holding {file.name} is full: it is open read-only"
        return Database(url, make_engine(url, exclusive_reader=True), reason)
    return database


def disk_full(folder: Path) -> bool:
    """Whether the disk holding ``folder`` has (next to) no free space left."""
    try:
        return shutil.disk_usage(folder).free < FULL_DISK_BYTES
    except OSError as exc:
        return exc.errno == errno.ENOSPC


def _drop_broken_index(file: Path) -> None:
    """A shared-memory index SQLite could not finish making on a full disk (shorter than its
    32 KiB header block) would keep an exclusive reader out: it holds nothing, remove it."""
    shm = file.with_name(file.name + "-shm")
    try:
        if shm.exists() and shm.stat().st_size < 32 * 1024:
            shm.unlink()
    except OSError:
        pass
