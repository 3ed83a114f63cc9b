"""The database chosen in Settings is used at once: the window closes the one in use and opens
the chosen one (two SQLite files, and PostgreSQL); one that cannot be opened is a message and
the window keeps its database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from models.database import open_database
from services import credentials, records
from tests.builders import basic_world
from ui.app import open_in_background
from ui.context import AppContext
from ui.database_choice import saved_location
from ui.main_window import MainWindow
from ui.workers import Tasks

pytestmark = pytest.mark.gui


@pytest.fixture
def small_file(tmp_path: Path, actor: Any) -> Path:
    """A SQLite file holding one site, one vendor and one product, and no order."""
    path = tmp_path / "small.db"
    database = open_database(path)
    with database.write() as session:
        basic_world(session, actor)
    database.dispose()
    return path


@pytest.fixture
def window(qtbot: Any, small_file: Path, tmp_path: Path) -> Any:
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    context = AppContext("tester", Tasks(synchronous=True), settings)
    window = MainWindow(context, small_file.name)
    qtbot.addWidget(window)
    window.show()
    open_in_background(window, str(small_file), demo=False)
    assert context.database is not None
    yield window
    window.close()
    if context.database is not None:
        context.database.dispose()


def choose_in_settings(window: Any, location: str) -> None:
    """Open Settings, type ``location`` as the database, press OK (as a person does)."""
    typed: dict[str, Any] = {}

    def fill() -> None:
        dialog = QApplication.activeModalWidget()
        typed["dialog"] = dialog
        dialog.next_database.setText(location)
        dialog.accept()

    QTimer.singleShot(0, fill)
    window.open_settings()
    assert "dialog" in typed, "the Settings dialog did not open"


def sites_listed(window: Any) -> set[str]:
    window.show_screen("sites")
    screen = window.current_screen()
    return {screen.model.record(r)["name"] for r in range(screen.model.rowCount())}


def test_switching_between_two_files_and_to_the_demo_database(
    qtbot: Any, window: Any, small_file: Path, demo_url: str, tmp_path: Path
) -> None:
    context = window.context
    first = context.database
    assert sites_listed(window) == {"Panther Creek"}
    for screen_id in ("dashboard", "alerts", "contracts", "orders"):
        window.show_screen(screen_id)  # built now, closed by the switch
    assert window.current_screen().model.total_rows == 0
    old_screens = dict(window.screens)
    old_poller = window.changes
    qtbot.waitUntil(lambda: old_poller.watcher is not None, timeout=5_000)

    # To the demo data: another SQLite file, or the PostgreSQL server.
    choose_in_settings(window, demo_url)
    demo = context.database
    assert demo is not first and demo is not None
    shown_name = demo.name
    assert window.windowTitle() == f"Rackbook — {shown_name}"
    assert window.database_label.text() == f"Database: {shown_name}"
    assert old_poller._closed and window.changes is not old_poller
    assert window.changes.database is demo
    assert not set(window.screens.values()) & set(old_screens.values())
    with demo.session() as session:
        lines = len(records.list_records(session, "orders"))
        sites = {s["name"] for s in records.list_records(session, "sites")}
    # Every screen shows the new database: the one on screen and those built later.
    orders = window.current_screen()
    assert orders.kind == "orders" and orders.model.total_rows == lines > 0
    assert orders.row_marks is not None and orders.row_marks.by_key
    assert sites_listed(window) == sites
    window.show_screen("dashboard")
    window.update_alert_counts()
    assert "Alerts: 0 critical" not in window.alerts_label.text()
    # Saved for the next start too (a URL without any password).
    assert saved_location(context.settings) == credentials.without_password(demo_url)

    # And back to the small file.
    choose_in_settings(window, str(small_file))
    assert context.database is not demo
    assert context.database.url.database == str(small_file)
    assert window.windowTitle() == f"Rackbook — {small_file.name}"
    assert sites_listed(window) == {"Panther Creek"}
    window.show_screen("orders")
    assert window.current_screen().model.total_rows == 0
    assert saved_location(context.settings) == str(small_file)


def test_a_database_that_cannot_be_opened_keeps_the_one_in_use(
    qtbot: Any, window: Any, small_file: Path, tmp_path: Path, monkeypatch: Any
) -> None:
    context = window.context
    in_use = context.database
    before = saved_location(context.settings)
    broken = tmp_path / "not-a-database.db"
    broken.write_bytes(b"this is a spreadsheet, not a database" * 100)
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _p, _t, text, *a: shown.append(text))

    choose_in_settings(window, str(broken))
    assert shown and "could not be opened" in shown[0] and "not-a-database.db" in shown[0]
    assert f"keeps using {small_file.name}" in shown[0]
    assert context.database is in_use
    assert window.windowTitle() == f"Rackbook — {small_file.name}"
    assert saved_location(context.settings) == before  # the next start does not fail
    assert window.changes is not None and not window.changes._closed
    assert sites_listed(window) == {"Panther Creek"}

    # A server nobody listens on: a message, without the password.
    shown.clear()
    choose_in_settings(window, "postgresql+psycopg://ana@127.0.0.1:9/team")
    assert shown and "could not be opened" in shown[0]
    assert context.database is in_use
    assert window.settings_action.isEnabled()
