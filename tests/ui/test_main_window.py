"""The main window on the demo data: every screen, toolbar, shortcuts, remembered state."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QKeySequence

from models.database import display_name
from services import records
from tests.ui.conftest import make_context
from tests.ui.helpers import with_deployments
from ui.main_window import FIRST_SCREEN, LAST_SCREEN, NAVIGATION, RECORD_SCREENS, MainWindow
from ui.workers import Tasks

pytestmark = pytest.mark.gui

LAPTOP_WIDTH = 1366  # the narrowest screen the window is made for


def test_title_status_bar_and_every_screen(window, context):
    with_deployments(context.db)
    # The file's name on SQLite (demo.db), the database and its host on PostgreSQL.
    assert window.windowTitle() == f"Rackbook — {display_name(context.db.url)}"
    assert "@" in window.windowTitle() or window.windowTitle().endswith(".db")
    assert "tester" in window.user_label.text()
    assert window.alerts_label.text().startswith("Alerts: ")
    assert "critical" in window.alerts_label.text()
    with context.db.session() as session:
        counts = {c.kind: c.rows for c in records.counts(session)}
    for screen_id, _label in NAVIGATION:
        window.show_screen(screen_id)
        screen = window.current_screen()
        assert screen is window.screens[screen_id]
        if screen_id in RECORD_SCREENS:
            assert screen.model.total_rows == counts[screen_id], screen_id
            assert window.new_action.isEnabled()
        else:
            assert not window.new_action.isEnabled()
    for screen_id in ("dashboard", "alerts", "imports"):
        assert not window.screens[screen_id].stale  # loaded when shown
    assert window.screens["alerts"].model.rowCount() > 0


def test_standard_shortcuts(window):
    shortcuts = {
        window.new_action: "Ctrl+N",
        window.find_action: "Ctrl+F",
        window.delete_action: "Del",
        window.duplicate_action: "Ctrl+D",
        window.copy_action: "Ctrl+C",
        window.go_to_action: "Ctrl+K",
        window.import_action: "Ctrl+I",
        window.export_action: "Ctrl+E",
        window.refresh_action: "F5",
        window.quit_action: "Ctrl+Q",
    }
    for action, keys in shortcuts.items():
        assert QKeySequence(keys) in action.shortcuts(), action.text()


def test_search_shortcut_focuses_the_search_box(window, qtbot):
    window.show_screen("contracts")
    window.focus_search()
    screen = window.current_screen()
    qtbot.keyClicks(screen.search, "zzz-no-such-contract")
    assert screen.model.rowCount() == 0


def test_geometry_screen_and_columns_are_remembered(qtbot, demo_db, tmp_path):
    context = make_context(demo_db, tmp_path)
    first = MainWindow(context, "demo")
    qtbot.addWidget(first)
    first._database_opened()
    first.show_screen("contracts")
    contracts = first.current_screen()
    contracts.set_column_shown(1, False)  # customer
    contracts.view.horizontalHeader().resizeSection(0, 333)
    first.resize(701, 501)
    first.close()

    settings = QSettings(str(tmp_path / "rackbook-ui.ini"), QSettings.Format.IniFormat)
    settings.setValue(FIRST_SCREEN, LAST_SCREEN)  # the person chose: where I left off
    again = make_context(demo_db, tmp_path)
    again.settings = settings
    second = MainWindow(again, "demo")
    qtbot.addWidget(second)
    second._database_opened()
    screen = second.current_screen()
    assert screen.kind == "contracts"
    assert screen.view.horizontalHeader().isSectionHidden(1)
    assert screen.view.horizontalHeader().sectionSize(0) == 333
    assert "customer" not in screen.model.searched
    assert second.size().width() == 701


def test_the_window_opens_on_today_unless_another_screen_is_chosen(qtbot, demo_db, tmp_path):
    context = make_context(demo_db, tmp_path)
    first = MainWindow(context, "demo")
    qtbot.addWidget(first)
    first._database_opened()
    assert first.current_screen() is first.screens["today"]
    first.show_screen("contracts")
    first.close()
    again = make_context(demo_db, tmp_path)
    again.settings.setValue(FIRST_SCREEN, "alerts")
    second = MainWindow(again, "demo")
    qtbot.addWidget(second)
    second._database_opened()
    assert second.current_screen() is second.screens["alerts"]


def test_background_tasks_post_results_to_the_main_thread(qtbot, demo_db, tmp_path):
    import threading

    context = make_context(demo_db, tmp_path)
    context.tasks = Tasks(context)  # a real worker thread
    main = threading.get_ident()
    seen = {}

    def work(session):
        seen["worker"] = threading.get_ident()
        return len(records.list_records(session, "sites"))

    def done(count):
        seen["callback"] = threading.get_ident()
        seen["count"] = count

    with qtbot.waitSignal(context.tasks.busy_changed, check_params_cb=lambda busy: not busy):
        context.read(work, done)
    assert seen["worker"] != main
    assert seen["callback"] == main
    assert seen["count"] > 0
    failures = []
    with qtbot.waitSignal(context.tasks.busy_changed, check_params_cb=lambda busy: not busy):
        context.read(lambda s: 1 / 0, None, failures.append)
    assert isinstance(failures[0], ZeroDivisionError)


def test_import_opens_the_import_wizard_when_it_is_there(window):
    pytest.importorskip("ui.import_wizard.wizard")
    assert window.import_action.isEnabled()
    window.import_file()
    assert window.last_wizard.isVisible()
    window.last_wizard.reject()


def test_the_window_fits_a_laptop_screen_with_every_screen_built(window):
    """Every list's filter row squeezes to its minimums: the window, sidebar included, fits
    a 1366-pixel-wide screen (window frame left over)."""
    for screen_id, _label in NAVIGATION:
        window.show_screen(screen_id)
    assert window.minimumSizeHint().width() <= LAPTOP_WIDTH - 20
    window.resize(LAPTOP_WIDTH - 20, 740)
    assert window.width() == LAPTOP_WIDTH - 20
