"""Window test fixtures: the demo data set in a SQLite file (loaded once, copied per test), an
application context whose background tasks run synchronously, and a settings file per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from models.database import Database, open_database
from models.migrate import sqlite_backup
from services import demo
from services.audit import Actor
from ui.context import AppContext
from ui.main_window import MainWindow
from ui.workers import Tasks


@pytest.fixture(scope="session")
def demo_template(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    sqlite_backup(sqlite_template, path)
    database = open_database(path)
    with database.write() as session:
        demo.load(session, Actor("demo", source="demo"))
    database.dispose()
    return path


@pytest.fixture
def demo_db(demo_template: Path, tmp_path: Path) -> Iterator[Database]:
    target = tmp_path / "rackbook-demo.db"
    sqlite_backup(demo_template, target)
    database = open_database(target)
    yield database
    database.dispose()


def make_context(database: Database, tmp_path: Path, user: str = "tester") -> AppContext:
    settings = QSettings(str(tmp_path / "rackbook-ui.ini"), QSettings.Format.IniFormat)
    context = AppContext(user, Tasks(synchronous=True), settings)
    context.set_database(database)
    return context


@pytest.fixture
def context(qtbot, demo_database: Database, tmp_path: Path) -> AppContext:
    """The window's context on the demo data, on each database under test (SQLite, and
    PostgreSQL when it is configured)."""
    return make_context(demo_database, tmp_path)


@pytest.fixture
def window(qtbot, context: AppContext) -> MainWindow:
    """The main window on the context's database, shown, as after opening it."""
    window = MainWindow(context, "rackbook-demo.db")
    qtbot.addWidget(window)
    window.show()
    window._database_opened()
    return window


@pytest.fixture(autouse=True)
def clipboard_emptied(qapp):
    """The clipboard emptied after each test. Qt's offscreen platform crashes when the
    process ends with mime data set from Python still on its clipboard (the desktop
    platforms do not: measured on xcb); copying rows sets text and HTML that way."""
    yield
    qapp.clipboard().clear()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # The offscreen platform cannot pass size hints to a window manager it does not have.
    for item in items:
        if "tests/ui/" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.qt_log_ignore("propagateSizeHints"))
