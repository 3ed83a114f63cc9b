"""Seeing what other people commit: ``services.changes.ChangeWatcher`` polled in the background.

Every few seconds a poll runs on a thread of its own (not the window's task queue: after a
lost connection a reconnect attempt can block for the connect timeout, and the buyer's saves
must not wait behind it). The outcome comes back on the main thread as signals: ``changed``
with the names of the tables that changed (empty: refresh everything) and ``problem`` with
the watcher's message while the connection is lost ("" once it is back).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal, Slot

if TYPE_CHECKING:
    from models.database import Database

POLL_INTERVAL_MS = 3000


class _Poll(QRunnable):
    def __init__(self, poller: ChangePoller) -> None:
        super().__init__()
        self._poller = poller

    def run(self) -> None:
        poller = self._poller
        try:
            if poller.watcher is None:
                # Connecting is done here, off the window's thread: it can take up to the
                # connect timeout when the server has just gone away.
                from services.changes import ChangeWatcher

                poller.watcher = ChangeWatcher(poller.database)
                poller.watcher.retry_after_s = poller.retry_after_s
                changed = False  # watching starts now: nothing to report yet
            else:
                changed = poller.watcher.poll()
            tables, problem = poller.watcher.tables, poller.watcher.problem
        except Exception as exc:  # a bug of the watcher must not kill the window
            changed, tables, problem = False, frozenset(), f"changes cannot be watched: {exc}"
        poller._polled.emit(changed, tables, problem or "")


class ChangePoller(QObject):
    changed = Signal(object)  # frozenset of table names; empty: everything may have changed
    problem = Signal(str)  # the connection's trouble, or "" when it is back
    _polled = Signal(bool, object, str)

    def __init__(
        self, database: Database, interval_ms: int | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        from services.changes import RETRY_AFTER_S, ChangeWatcher

        self.database = database
        #: Made by the first poll, in the background.
        self.watcher: ChangeWatcher | None = None
        #: Seconds between reconnect attempts after a lost connection (the watcher's own).
        self.retry_after_s = RETRY_AFTER_S
        self.last_problem = ""
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._in_flight = False
        self._closed = False
        self._polled.connect(self._deliver)
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms or POLL_INTERVAL_MS)
        self.timer.timeout.connect(self.poll)
        self.timer.start()
        self.poll()  # start watching at once

    def poll(self) -> None:
        """Start one poll in the background unless one is still running."""
        if self._in_flight or self._closed:
            return
        self._in_flight = True
        self._pool.start(_Poll(self))

    @Slot(bool, object, str)
    def _deliver(self, changed: bool, tables: frozenset[str], problem: str) -> None:
        self._in_flight = False
        if self._closed:
            return
        if problem != self.last_problem:
            self.last_problem = problem
            self.problem.emit(problem)
        if changed:
            self.changed.emit(tables)

    def close(self) -> None:
        """Stop polling and let go of the watcher's connection (waits for a running poll)."""
        self._closed = True
        self.timer.stop()
        self._pool.waitForDone(15_000)
        if self.watcher is not None:
            self.watcher.close()
