"""Noticing changes that other users (or other Rackbook processes) committed, so the window can
refresh its lists and alerts.

* PostgreSQL: every table has a statement-level trigger (migration 0001) that sends a notice on
  the ``rackbook_changes`` channel with the table's name; notices are delivered at commit
  only, so a rolled-back change is never announced. The watcher holds one connection of its
  own that LISTENs.
* SQLite: ``PRAGMA data_version`` on a connection of the watcher's own changes whenever any
  other connection, in this process or another, commits to the file.

Either way :meth:`ChangeWatcher.poll` is cheap (no query on PostgreSQL, one pragma on
SQLite) and never blocks for long: call it every few seconds from a timer. It also reports
the window's own commits (they come from other connections); refreshing after them is
harmless because the window keeps its selection by record id.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from models.database import CHANGE_CHANNEL, Database
from services.faults import explain

CHANNEL = CHANGE_CHANNEL
NOTICE_WAIT_S = 0.01
RETRY_AFTER_S = 5.0


class ChangeWatcher:
    """Usage from the window::

    watcher = ChangeWatcher(database)      # once, after opening
    ...every 3 s (a QTimer; a worker thread if you prefer):
    if watcher.poll():                      # True: someone committed something
        refresh(watcher.tables)             # empty set: refresh everything
    if watcher.problem: show it             # connection lost; poll() reconnects by itself
    watcher.close()                         # when the database is closed
    """

    def __init__(self, database: Database) -> None:
        self.database = database
        #: Tables named by the changes seen at the last poll (PostgreSQL); empty: unknown.
        self.tables: frozenset[str] = frozenset()
        #: Why changes cannot be watched right now (connection lost), else None.
        self.problem: str | None = None
        self._sqlite: sqlite3.Connection | None = None
        self._listener: Any = None
        self._last_version: int | None = None
        #: After a lost connection, wait this long between attempts to reconnect: an attempt
        #: can take up to the connect timeout when the network is down.
        self.retry_after_s = RETRY_AFTER_S
        self._next_attempt = 0.0
        self._connect()

    # --- connection -------------------------------------------------------------------

    def _connect(self) -> bool:
        try:
            if self.database.is_sqlite:
                self._connect_sqlite()
            else:
                self._connect_postgresql()
        except (SQLAlchemyError, sqlite3.Error, OSError) as exc:
            self._lost(exc)
            return False
        self.problem = None
        return True

    def _lost(self, exc: BaseException) -> None:
        problem = explain(exc, self.database)
        self.problem = str(problem) if problem else f"changes cannot be watched: {exc}"
        self._drop()
        self._next_attempt = time.monotonic() + self.retry_after_s

    def _connect_sqlite(self) -> None:
        path = self.database.url.database or ""
        # check_same_thread off: the window may poll from a worker thread; only one thread
        # uses the watcher at a time.
        self._sqlite = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._last_version = self._data_version()

    def _data_version(self) -> int:
        assert self._sqlite is not None
        return int(self._sqlite.execute("PRAGMA data_version").fetchone()[0])

    def _connect_postgresql(self) -> None:
        # A connection of its own, taken out of the pool for good: LISTEN belongs to a session.
        pooled = self.database.engine.raw_connection()
        listener = pooled.driver_connection
        assert listener is not None
        pooled.detach()
        listener.autocommit = True
        listener.execute(f"LISTEN {CHANNEL}")
        self._listener = listener

    def _drop(self) -> None:
        for connection in (self._sqlite, self._listener):
            if connection is not None:
                # Already broken: closing it is all that was asked.
                with contextlib.suppress(Exception):
                    connection.close()
        self._sqlite = None
        self._listener = None

    # --- polling ----------------------------------------------------------------------

    def poll(self) -> bool:
        """True when changes were committed by other connections since the last poll (or
        since the watcher started). After a lost connection comes back it says True once,
        since changes made meanwhile could not be seen."""
        self.tables = frozenset()
        if self._sqlite is None and self._listener is None:
            if time.monotonic() < self._next_attempt:
                return False
            return self._connect()
        try:
            if self._sqlite is not None:
                version = self._data_version()
                changed = version != self._last_version
                self._last_version = version
                return changed
            # A short wait rather than none: with timeout=0 psycopg does not read the socket,
            # so notices (and a connection the server closed) would go unseen.
            tables = {n.payload for n in self._listener.notifies(timeout=NOTICE_WAIT_S)}
            self.tables = frozenset(tables)
            return bool(tables)
        except Exception as exc:  # the driver's own error types: psycopg or sqlite3
            self._lost(exc)
            return False

    def close(self) -> None:
        self._drop()

    def __enter__(self) -> ChangeWatcher:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
