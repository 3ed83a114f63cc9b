"""The database behind the window: switching to another one (in the background, as at
start-up), and following what other people commit to the one in use."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from ui.window.screens import NO_LIST_TABLES

if TYPE_CHECKING:
    from services.team import Opened
    from ui.changes import ChangePoller
    from ui.main_window import MainWindow


class DatabaseWatch:
    """The database in use: opening another, and other people's changes to this one."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.changes: ChangePoller | None = None  # the ChangePoller, once the database is open
        self._watcher_problem = ""
        context = window.context
        context.connection_problem.connect(self.task_connection)

    # --- switching databases -------------------------------------------------------------

    def switch_database(self, location: str | None, saved_before: object = None) -> None:
        """Open ``location`` (None: the default database file) as at start-up, in the
        background, and use it from then on. If it cannot be opened the window keeps the
        database in use, says why in a dialog, and the next start keeps ``saved_before``."""
        from services import credentials, paths
        from ui.database_choice import saved_location

        window, context = self.window, self.window.context
        chosen = saved_location(context.settings) if location else None
        target = chosen or location or str(paths.default_database())
        typed_user = context.user
        window.status.say(f"Opening {credentials.masked(target)}…")
        window.settings_action.setEnabled(False)

        def work() -> Opened:
            from services import team

            return team.open_for(target, typed_user)

        def failed(error: BaseException) -> None:
            from PySide6.QtWidgets import QMessageBox

            from ui.database_choice import save_location

            window.settings_action.setEnabled(True)
            window.statusBar().clearMessage()
            # The next start opens what it opened before, not the database that failed.
            save_location(context.settings, str(saved_before) if saved_before else None)
            in_use = context.database
            keeping = f"\n\nRackbook keeps using {in_use.name}." if in_use is not None else ""
            message = credentials.mask_text(
                f"The database {credentials.masked(target)} could not be opened:\n{error}" + keeping
            )
            QMessageBox.critical(window, "Rackbook", message)

        context.tasks.run(work, self.use_database, failed)

    def use_database(self, opened: Opened) -> None:
        """Close the database in use (change watcher stopped, background tasks finished and
        their results dropped, every screen closed) and show ``opened`` in its place: title,
        status bar and screens."""
        window, context = self.window, self.window.context
        old = context.database
        self.stop()
        self._watcher_problem = ""
        window.status.show_connection("")
        context.tasks.forget_pending()
        window.close_screens()
        window.history.clear()  # nothing of the other database can be undone here
        context.set_opened(opened)  # -> window._database_opened: title, status bar, screen
        if old is not None and old is not opened.database:
            old.dispose()
        if context.backup is None:  # else the database label names the backup just taken
            window.status.say(f"Now using {opened.database.name}.", 10_000)

    # --- other people's changes and the connection ---------------------------------------

    def watch(self) -> None:
        from ui.changes import ChangePoller

        self.stop()
        self.changes = ChangePoller(self.window.context.db, parent=self.window)
        self.changes.changed.connect(self.others_changed)
        self.changes.problem.connect(self.watcher_connection)

    def stop(self) -> None:
        if self.changes is not None:
            self.changes.close()
            self.changes = None

    def others_changed(self, tables: Iterable[str] | None = None) -> None:
        """Someone committed: the screens that show what changed read again when shown, the
        one on screen now at once (keeping its selection by record id); an open dialog is
        left as it is. ``tables``: the tables changed (PostgreSQL), empty when unknown."""
        window = self.window
        changed = frozenset(tables or ())
        if changed and changed <= NO_LIST_TABLES:
            # An acknowledgement or an import's bookkeeping: no list of records changed, and
            # reloading 100,000 order lines for it would hold the task queue for a second.
            window.mark_stale({"alerts", "dashboard", "imports"})
        else:
            window.mark_stale(window.screens)
        window.refresh_if_stale()

    def watcher_connection(self, problem: str) -> None:
        self._watcher_problem = problem
        self.window.status.show_connection(problem)

    def task_connection(self, problem: str) -> None:
        # A task that reached the database clears a lost connection only when the watcher
        # is not still reporting one.
        if problem or not self._watcher_problem:
            self.window.status.show_connection(problem)
