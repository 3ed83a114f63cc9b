"""What every screen and dialog shares: the open database, the background tasks, the user,
and a signal telling screens that records of a kind changed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QSettings, Signal

from ui.workers import Tasks

if TYPE_CHECKING:
    from models.database import Database
    from services.audit import Actor


class AppContext(QObject):
    # A kind whose records were written (screens showing it, or names from it, reload).
    changed = Signal(str)
    opened = Signal()

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

    def set_database(self, database: Database) -> None:
        self.database = database
        self.opened.emit()

    @property
    def db(self) -> Database:
        if self.database is None:
            raise RuntimeError("no database is open yet")
        return self.database

    def actor(self) -> Actor:
        from services.audit import Actor

        return Actor(self.user)

    def read(self, work: Any, done: Any = None, failed: Any = None) -> None:
        """Run ``work(session)`` in a read session in the background."""
        database = self.db

        def task() -> Any:
            with database.session() as session:
                return work(session)

        self.tasks.run(task, done, failed)

    def write(self, work: Any, done: Any = None, failed: Any = None) -> None:
        """Run ``work(session, actor)`` in one write transaction in the background."""
        database, actor = self.db, self.actor()

        def task() -> Any:
            with database.write() as session:
                return work(session, actor)

        self.tasks.run(task, done, failed)
