"""What every screen and dialog shares: the open database, the background tasks, the user,
and a signal telling screens that records of a kind changed.

Every background read and write runs inside ``services.faults.database_problems``, so a fault
of the database (connection lost, read-only role, read-only or locked file, full disk) reaches
the screens as a DatabaseProblem with a message, never as a driver's exception; a lost
connection is also announced on ``connection_problem`` for the window's banner.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

import shiboken6
from PySide6.QtCore import QObject, QSettings, Signal

from ui.workers import Failed, Tasks

if TYPE_CHECKING:
    from pathlib import Path

    from models.database import Database
    from services.audit import Actor
    from services.faults import ReadWork, WriteWork
    from services.team import Access, Opened

#: What a background task returns, and what its ``done`` callback takes.
T = TypeVar("T")
#: ``done(result)``: called with the task's result on the main thread.
Done = Callable[[T], object]


class AppContext(QObject):
    # A kind whose records were written (screens showing it, or names from it, reload).
    changed = Signal(str)
    opened = Signal()
    # A background task lost the connection (the message), or one succeeded again ("").
    connection_problem = Signal(str)
    # ``access`` was checked again and differs (a role granted or taken meanwhile).
    access_changed = Signal()

    def __init__(
        self,
        user: str,
        tasks: Tasks | None = None,
        settings: QSettings | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.user = user
        self.tasks = tasks or Tasks(self)
        self.settings = settings or QSettings()
        self.database: Database | None = None
        #: What this person may do here (services.team.access); None until opened.
        self.access: Access | None = None
        #: On a team database the audit trail names the database login, not the typed name.
        self.login_actor: Actor | None = None
        #: The rolling backup taken when the window opened a SQLite file.
        self.backup: Path | None = None

    def set_database(self, database: Database) -> None:
        self.database = database
        self.opened.emit()

    def set_opened(self, opened: Opened) -> None:
        """The database as ``services.team.open_for`` opened it for this person."""
        self.access = opened.access
        self.login_actor = opened.actor if opened.access.team else None
        self.backup = opened.backup
        self.set_database(opened.database)

    @property
    def read_only(self) -> bool:
        return self.access is not None and self.access.read_only

    @property
    def acting_user(self) -> str:
        """The name the audit trail records for this person's changes."""
        return self.login_actor.user if self.login_actor is not None else self.user

    @property
    def db(self) -> Database:
        if self.database is None:
            raise RuntimeError("no database is open yet")
        return self.database

    def actor(self) -> Actor:
        from services.audit import Actor

        return self.login_actor or Actor(self.user)

    def read(
        self,
        work: ReadWork[T],
        done: Done[T] | None = None,
        failed: Failed | None = None,
        *,
        owner: QObject | None = None,
        small: bool = False,
    ) -> None:
        """Run ``work(session)`` in a read session in the background. With ``owner`` (the
        widget the callbacks belong to), they are dropped if it has been deleted meanwhile
        (a screen closed while its read was queued).

        ``small``: a read of bounded size (a first page: a LIMIT query of a few dozen rows,
        about 2 ms on 100,000 order lines), run at once on this thread when the database is a
        local SQLite file, where it cannot wait on a server or on the network, nor behind the
        background queue (a 2 s alert evaluation may be running there); in the background on
        PostgreSQL all the same. Errors reach ``failed`` either way."""
        task = self._reading(work)
        run = self.tasks.run_now if small and self.db.is_sqlite else self.tasks.run
        run(task, self._succeeded(done, owner), self._failed(failed, owner))

    def _reading(self, work: ReadWork[T]) -> Callable[[], T]:
        """``work(session)`` in a read session of the current database, as a task."""
        database = self.db

        def task() -> T:
            from services.faults import in_read_session

            return in_read_session(database, work)

        return task

    def write(
        self,
        work: WriteWork[T],
        done: Done[T] | None = None,
        failed: Failed | None = None,
        *,
        owner: QObject | None = None,
    ) -> None:
        """Run ``work(session, actor)`` in one write transaction in the background."""
        database, actor = self.db, self.actor()

        def task() -> T:
            from services.faults import in_write_session

            return in_write_session(database, actor, work)

        self.tasks.run(task, self._succeeded(done, owner), self._failed(failed, owner))

    def recheck_access(self) -> None:
        """Ask the database again what this person may do (services.team.access)."""
        database, typed = self.db, self.user

        def work() -> Access:
            from services import team

            return team.access(database, typed)

        def done(access: Access) -> None:
            if access != self.access:
                self.access = access
                self.access_changed.emit()

        # Not knowing changes nothing: the refusal itself has been shown already.
        self.tasks.run(work, done, lambda _error: None)

    # A lost connection is told to the window (banner) as well as to the task's own handler,
    # and the next task that reaches the database clears it.
    def _succeeded(self, done: Done[T] | None, owner: QObject | None = None) -> Done[T]:
        def succeeded(result: T) -> None:
            self.connection_problem.emit("")
            if done is not None and _alive(owner):
                done(result)

        return succeeded

    def _failed(self, failed: Failed | None, owner: QObject | None = None) -> Failed:
        def task_failed(error: BaseException) -> None:
            from services.faults import ConnectionLost, NotAllowed

            if isinstance(error, ConnectionLost):
                self.connection_problem.emit(str(error))
            elif isinstance(error, NotAllowed) and self.access is not None:
                self.recheck_access()
            if not _alive(owner):
                return
            if failed is not None:
                failed(error)
            else:
                from ui.workers import Tasks

                Tasks._fail(None, error)

        return task_failed


def _alive(owner: QObject | None) -> bool:
    """Whether a task's callbacks may still run: no owner, or one not deleted yet."""
    return owner is None or shiboken6.isValid(owner)
