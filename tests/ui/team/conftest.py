"""Fixtures for the window on a team database: the demo data set in a PostgreSQL database set
up by ``db init``, login roles made for one test (dropped after it), a real keyring backend
kept in memory, and a window opened the way ``main.py`` opens it (``open_in_background``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from sqlalchemy import create_engine, text

from tests.conftest import pg_server_url
from tests.services.team.conftest import login, memory_keyring, team_database  # noqa: F401  (fixtures)
from ui.context import AppContext
from ui.workers import Tasks

PG_ONLY = pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
SQLITE_ONLY = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
# Polls every 50 ms instead of 3 s, so a test sees others' changes at once.
FAST_POLL_MS = 50


def admin_execute(statement: str) -> list[Any]:
    """Run ``statement`` as the server's administrator (outside any test database)."""
    server = pg_server_url()
    assert server is not None
    engine = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            result = conn.execute(text(statement))
            return list(result.all()) if result.returns_rows else []
    finally:
        engine.dispose()


@pytest.fixture
def team_demo_url(demo_url: str) -> Iterator[str]:
    """The demo data set in a PostgreSQL database set up for a team (as its administrator)."""
    with team_database(demo_url) as url:
        yield url


@pytest.fixture
def team_login_url(team_demo_url: str) -> str:
    """``login`` (tests/services/team/conftest.py) makes its logins on the demo's team database."""
    return team_demo_url


@pytest.fixture
def open_window(qtbot, tmp_path: Path) -> Iterator[Callable[..., Any]]:
    """``open_window(location, user)`` -> a MainWindow opened on ``location`` by
    ``ui.app.open_in_background`` (tasks run synchronously; the change poller runs on its
    own thread, every 50 ms)."""
    from ui import changes
    from ui.app import open_in_background, quick_name
    from ui.main_window import MainWindow

    windows: list[Any] = []
    previous = changes.POLL_INTERVAL_MS
    changes.POLL_INTERVAL_MS = FAST_POLL_MS

    def make(location: str, user: str = "typed name") -> Any:
        path = tmp_path / f"window-{len(windows)}.ini"
        settings = QSettings(str(path), QSettings.Format.IniFormat)
        context = AppContext(user, Tasks(synchronous=True), settings)
        window = MainWindow(context, quick_name(location))
        qtbot.addWidget(window)
        windows.append(window)
        window.show()
        open_in_background(window, location, demo=False)
        assert context.database is not None, window.loading.text()
        # Watching starts in the background as the window opens.
        qtbot.waitUntil(lambda: window.changes.watcher is not None, timeout=5_000)
        return window

    try:
        yield make
    finally:
        changes.POLL_INTERVAL_MS = previous
        for window in windows:
            window.close()  # stops the poller and lets go of its connection
            if window.context.database is not None:
                window.context.database.dispose()
