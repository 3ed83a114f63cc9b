"""Starting the window: show it first, then open the database in the background.

``run_window`` is called by main.py when no command is given. Only Qt is imported before the
window is on screen; SQLAlchemy, Alembic and the services load while the user looks at it
(DESIGN.md §8: importing everything before the first paint cost 1.6 s against 0.27 s).
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any
from urllib.parse import urlsplit

# Set by the start-up benchmark: quit as soon as the window has been shown.
QUIT_AFTER_SHOWN = "RACKBOOK_QUIT_AFTER_SHOWN"
KEYRING_SERVICE = "Rackbook database"


def quick_name(location: str) -> str:
    """The database's name for the title bar before SQLAlchemy is loaded: the file name, or
    database@host of a URL (never the password)."""
    if "://" in location:
        parts = urlsplit(location)
        return f"{parts.path.lstrip('/') or '?'}@{parts.hostname or 'localhost'}"
    return os.path.basename(location.rstrip("/\\")) or location


def saved_location(settings: Any) -> str | None:
    """The database chosen in Settings (password from the system keyring, never the file)."""
    location = settings.value("database/location")
    if not location:
        return None
    location = str(location)
    if "://" in location:
        parts = urlsplit(location)
        if parts.username and not parts.password:
            password = _keyring_get(location)
            if password:
                user_host = f"{parts.username}:{password}@{parts.netloc.split('@', 1)[1]}"
                location = location.replace(parts.netloc, user_host, 1)
    return location


def save_location(settings: Any, location: str | None) -> None:
    """Remember the database for the next start; a URL's password goes to the keyring."""
    if not location:
        settings.remove("database/location")
        return
    if "://" in location:
        parts = urlsplit(location)
        if parts.password:
            bare_netloc = f"{parts.username}@{parts.netloc.split('@', 1)[1]}"
            location = location.replace(parts.netloc, bare_netloc, 1)
            _keyring_set(location, parts.password)
    settings.setValue("database/location", location)


def _keyring_get(key: str) -> str | None:
    try:
        import keyring

        return keyring.get_password(KEYRING_SERVICE, key)
    except Exception:  # no keyring backend on this machine: ask nothing, store nothing
        return None


def _keyring_set(key: str, password: str) -> None:
    try:
        import keyring

        keyring.set_password(KEYRING_SERVICE, key, password)
    except Exception:
        pass


def login_name() -> str:
    import getpass

    try:
        return getpass.getuser()
    except Exception:
        return "rackbook"


def run_window(args: argparse.Namespace) -> int:
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setOrganizationName("Rackbook")
    app.setApplicationName("Rackbook")
    from ui.context import AppContext
    from ui.main_window import MainWindow
    from ui.resources import style_sheet

    app.setStyleSheet(style_sheet())
    from services import paths

    # The window's own settings live with the database in Rackbook's folder (services.paths):
    # RACKBOOK_HOME and the tests' temporary homes keep them apart.
    settings = QSettings(str(paths.home() / "window.ini"), QSettings.Format.IniFormat)
    user = args.user or settings.value("user/name") or login_name()
    location = args.db or (None if args.demo else saved_location(settings))
    if location is None:
        import cli

        location = cli.database_location(args)
    context = AppContext(str(user), settings=settings)
    window = MainWindow(context, quick_name(str(location)))
    window.show()
    if os.environ.get(QUIT_AFTER_SHOWN):
        QTimer.singleShot(0, app.quit)
    else:
        QTimer.singleShot(0, lambda: open_in_background(window, str(location), bool(args.demo)))
    return int(app.exec())


def open_in_background(window: Any, location: str, demo: bool) -> None:
    """Open (and migrate) the database off the UI thread; with --demo, fill an empty demo
    database with the demo data set first."""
    context = window.context
    actor = context.actor()

    def work() -> Any:
        from models.database import open_database

        database = open_database(location)
        if demo:
            from services import lists

            with database.session() as session:
                empty = lists.is_empty(session)
            if empty:
                from services import demo as demo_data

                with database.write() as session:
                    demo_data.load(session, actor)
        return database

    def failed(error: BaseException) -> None:
        from PySide6.QtWidgets import QMessageBox

        window.loading.setText(f"The database could not be opened:\n{error}")
        QMessageBox.critical(window, "Rackbook", f"The database could not be opened:\n{error}")

    context.tasks.run(work, context.set_database, failed)
