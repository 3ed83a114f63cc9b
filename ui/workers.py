"""Database work off the UI thread (STYLE.md habit 5).

A task is a plain function of no arguments that opens its own session, does its work and
returns plain values. ``Tasks.run`` hands it to a single-worker ``QThreadPool`` (one task at a
time, so the window never competes with itself for the SQLite write lock) and posts the result
or the error back to the main thread, where the callbacks run. Widgets are only ever touched
from those callbacks. Tests make a ``Tasks(synchronous=True)`` that runs tasks on the spot.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger("rackbook.ui")

#: What a task returns, and what its ``done`` callback takes.
T = TypeVar("T")
#: A callback taking a task's result (of any type: the tasks of one queue differ).
Done = Callable[[Any], object]
#: A callback taking a task's error.
Failed = Callable[[BaseException], object]


class _Job(QRunnable):
    def __init__(self, tasks: Tasks, token: int, work: Callable[[], object]) -> None:
        super().__init__()
        self._tasks = tasks
        self._token = token
        self._work = work

    def run(self) -> None:
        try:
            result = self._work()
        except BaseException as exc:  # every failure goes back to the main thread
            self._tasks._finished.emit(self._token, None, exc)
        else:
            self._tasks._finished.emit(self._token, result, None)


class Tasks(QObject):
    """Runs database tasks one at a time in the background; callbacks run on the main thread."""

    # (token, result, error), emitted from the worker thread, delivered on the main thread
    # because this object lives there (a queued connection).
    _finished = Signal(int, object, object)
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None, *, synchronous: bool = False) -> None:
        super().__init__(parent)
        self.synchronous = synchronous
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._callbacks: dict[int, tuple[Done | None, Failed | None]] = {}
        self._next = 0
        self._finished.connect(self._deliver)

    @property
    def pending(self) -> int:
        return len(self._callbacks)

    def run(
        self,
        work: Callable[[], T],
        done: Callable[[T], object] | None = None,
        failed: Failed | None = None,
    ) -> None:
        """Run ``work`` in the background; then ``done(result)`` or ``failed(error)``."""
        if self.synchronous:
            self.run_now(work, done, failed)
            return
        self._next += 1
        self._callbacks[self._next] = (done, failed)
        if len(self._callbacks) == 1:
            self.busy_changed.emit(True)
        self._pool.start(_Job(self, self._next, work))

    def run_now(
        self,
        work: Callable[[], T],
        done: Callable[[T], object] | None = None,
        failed: Failed | None = None,
    ) -> None:
        """Run ``work`` on this thread, then ``done(result)`` or ``failed(error)`` as ``run``
        does (for work known to take less than a frame)."""
        try:
            result = work()
        except Exception as exc:
            self._fail(failed, exc)
        else:
            if done is not None:
                done(result)

    def wait(self, msecs: int = 30_000) -> bool:
        """Block until the queued tasks have run (their callbacks still need the event loop)."""
        return bool(self._pool.waitForDone(msecs))

    def forget_pending(self) -> None:
        """Wait for the queued tasks to run, then drop their callbacks: what they would show
        belongs to screens being closed (the window switching to another database)."""
        self.wait()
        if self._callbacks:
            self._callbacks.clear()
            self.busy_changed.emit(False)

    @Slot(int, object, object)
    def _deliver(self, token: int, result: object, error: BaseException | None) -> None:
        done, failed = self._callbacks.pop(token, (None, None))
        if not self._callbacks:
            self.busy_changed.emit(False)
        if error is not None:
            self._fail(failed, error)
        elif done is not None:
            done(result)

    @staticmethod
    def _fail(failed: Failed | None, error: BaseException) -> None:
        if failed is None:
            log.error("background task failed:\n%s", "".join(traceback.format_exception(error)))
            return
        failed(error)
