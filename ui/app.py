"""Starting the window: show it first, then open the database in the background.

``run_window`` is called by main.py when no command is given. Only Qt is imported before the
window is on screen; SQLAlchemy, Alembic and the services load while the user looks at it
(docs/traps.md: importing everything before the first paint cost 1.6 s against 0.27 s).
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from ui.database_choice import saved_location

if TYPE_CHECKING:
    from services.team import Opened
    from ui.main_window import MainWindow

# Set by the start-up benchmark: quit as soon as the window has been shown.
QUIT_AFTER_SHOWN = "RACKBOOK_QUIT_AFTER_SHOWN"


def quick_name(location: str) -> str:
    """The database's name for the title bar before SQLAlchemy is loaded: the file name, or
    database@host of a URL (never the password)."""
    if "://" in location:
        parts = urlsplit(location)
        return f"{parts.path.lstrip('/') or '?'}@{parts.hostname or 'localhost'}"
    return os.path.basename(location.rstrip("/\\")) or location


def run_window(args: argparse.Namespace) -> int:
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setOrganizationName("Rackbook")
    app.setApplicationName("Rackbook")
    from ui.context import AppContext
    from ui.main_window import MainWindow
    from ui.theme import follow_desktop

    follow_desktop(app)  # light or dark, as the desktop is
    from services import paths
    from services.locations import login_name

    # The window's own settings live with the database in Rackbook's folder (services.paths):
    # RACKBOOK_HOME and the tests' temporary homes keep them apart.
    settings = QSettings(str(paths.home() / "window.ini"), QSettings.Format.IniFormat)
    user = args.user or settings.value("user/name") or login_name()
    location = args.db or (None if args.demo else saved_location(settings))
    if location is None:
        from services.locations import database_location

        location = database_location(args.db, bool(args.demo))
    context = AppContext(str(user), settings=settings)
    window = MainWindow(context, quick_name(str(location)))
    window.show()
    if os.environ.get(QUIT_AFTER_SHOWN):
        QTimer.singleShot(0, app.quit)
    else:
        QTimer.singleShot(0, lambda: open_in_background(window, str(location), bool(args.demo)))
    status = int(app.exec())
    shut_down(window)
    return status


def shut_down(window: MainWindow) -> None:
    """Destroy the window and its charts while Qt is still fully alive.

    Left to the interpreter's final garbage collection, PySide6 6.12 with pyqtgraph items
    still alive aborted the process at exit ("bool_dealloc") after the dashboard was shown.
    """
    import gc

    from PySide6.QtWidgets import QApplication

    window.close()
    window.deleteLater()
    QApplication.processEvents()
    QApplication.sendPostedEvents(None, 0)
    del window
    gc.collect()


def mask_logs() -> None:
    """From now on no log line of the window can carry a database password: the window's
    log (standard error unless configured otherwise) goes through the services' masking
    filter. Safe to call again: each handler gets one filter."""
    import logging

    from services.credentials import MaskingFilter

    root = logging.getLogger()
    if not root.handlers:
        # Without a handler Python's last-resort handler would write, unfiltered.
        logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for target in (root, *root.handlers):
        if not any(isinstance(f, MaskingFilter) for f in target.filters):
            target.addFilter(MaskingFilter())


def open_in_background(window: MainWindow, location: str, demo: bool) -> None:
    """Open the database off the UI thread the way services.team.open_for does for a person
    (kept password put back, schema migrated, rolling backup of a SQLite file, access and
    acting login found out); with --demo, fill an empty demo database with the demo data set
    first."""
    from services import credentials

    mask_logs()
    context = window.context
    typed_user = context.user

    def work() -> Opened:
        from services import team
        from services.faults import in_read_session, in_write_session

        opened = team.open_for(location, typed_user)
        if demo and not opened.access.read_only:
            from services import demo as demo_data
            from services import lists

            if in_read_session(opened.database, lists.is_empty):
                in_write_session(opened.database, opened.actor, demo_data.load)
        return opened

    def failed(error: BaseException) -> None:
        from PySide6.QtWidgets import QMessageBox

        from services.errors import RackbookError

        if not isinstance(error, RackbookError):
            import logging

            logging.getLogger("rackbook.ui").error("opening failed", exc_info=error)
        message = credentials.mask_text(
            f"The database {credentials.masked(location)} could not be opened:\n{error}"
        )
        window.loading.setText(message)
        QMessageBox.critical(window, "Rackbook", message)

    context.tasks.run(work, context.set_opened, failed)
