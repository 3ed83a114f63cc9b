"""The window on a team database (issue 8), against the real PostgreSQL server and real SQLite
files: a reader's read-only window, the acting login, others' changes seen while working, a
connection killed during a save, a read-only or locked SQLite file, passwords in the keyring.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import keyring
from keyring.backends import fail
from PySide6.QtWidgets import QDialog, QLabel, QMessageBox
from sqlalchemy import event
from sqlalchemy.engine import make_url

import models.database
from models.database import open_database
from services import audit, records
from services.faults import NotAllowed, ReadOnlyFile
from tests.builders import make
from tests.services.team import workers
from tests.ui.team.conftest import PG_ONLY, SQLITE_ONLY, admin_execute
from ui.dialogs.record_dialog import RecordDialog
from ui.dialogs.settings_dialog import SettingsDialog

ROOT = Path(__file__).resolve().parents[3]
SCREENSHOT = ROOT / "docs" / "screenshots" / "read-only.png"


def sites_screen(window: Any) -> Any:
    window.show_screen("sites")
    screen = window.screens["sites"]
    assert screen.complete and screen.model.total_rows > 1
    return screen


def edit_dialog(screen: Any, qtbot: Any, row: int = 0) -> RecordDialog:
    """The edit dialog of the site on ``row``, open (not modal) as the screen opens it."""
    screen.select_id(screen.model.record(row)["id"])
    dialog = RecordDialog("sites", screen.store(), None, screen.selected_record(), screen)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def type_into(dialog: RecordDialog, notes: str, capacity: str) -> None:
    dialog.editors["notes"].widget.setPlainText(notes)
    dialog.editors["grid_capacity_mw"].widget.setText(capacity)


def typed(dialog: RecordDialog) -> tuple[str, str]:
    return (
        dialog.editors["notes"].widget.toPlainText(),
        dialog.editors["grid_capacity_mw"].widget.text(),
    )


def stored_site(location: str, site_id: int) -> dict[str, Any]:
    database = open_database(location, upgrade=False)
    try:
        with database.session() as session:
            return records.get_record(session, "sites", site_id)
    finally:
        database.dispose()


def stored_order_line(location: str, line_id: int) -> dict[str, Any]:
    database = open_database(location, upgrade=False)
    try:
        with database.session() as session:
            return records.get_record(session, "orders", line_id)
    finally:
        database.dispose()


# --- PostgreSQL: roles, logins and others' changes ---------------------------------------


@PG_ONLY
def test_a_readers_window_is_read_only_with_a_banner_and_a_refused_write_is_a_message(
    qtbot, login, open_window, monkeypatch
) -> None:
    reader = login("rita", "reader")
    window = open_window(reader, "typed name")
    context = window.context
    name = make_url(reader).username
    assert context.read_only and context.access.role == "reader"
    assert window.read_only_banner.isVisible()
    assert f"signed in as {name}, a reader" in window.read_only_banner.text()
    assert window.user_label.text() == f"Signed in as {name} (reader)"

    screen = sites_screen(window)
    for action in (window.new_action, window.edit_action, window.delete_action):
        assert not action.isEnabled()
    assert not window.import_action.isEnabled() and window.export_action.isEnabled()
    opened: list[RecordDialog] = []
    monkeypatch.setattr(RecordDialog, "exec", lambda d: opened.append(d) or 0)
    screen.edit_record()  # a double-click, or the row's menu
    screen.new_record()
    assert opened == []
    window.show_screen("orders")
    orders = window.screens["orders"]
    orders.select_id(orders.model.record(0)["id"])
    orders.load_details()
    assert orders.target_line() is not None
    assert not any(
        b.isEnabled() for b in (orders.receive_button, orders.eta_button, orders.cancel_button)
    )
    window.show_screen("alerts")
    alerts_screen = window.screens["alerts"]
    assert not alerts_screen.ack_button.isEnabled() and not alerts_screen.snooze_button.isEnabled()
    settings = SettingsDialog(context, window)
    qtbot.addWidget(settings)
    assert all(editor.isReadOnly() for editor in settings.editors.values())

    # Whatever gets through (a dialog opened before the role was taken away...), the
    # database refuses it and the person reads why, in the dialog, which stays open.
    window.show_screen("sites")
    dialog = edit_dialog(screen, qtbot)
    type_into(dialog, "a reader's note", "360")
    dialog.accept()
    assert dialog.isVisible() and dialog.saved is None
    assert "not allowed" in dialog.message.text() and "Traceback" not in dialog.message.text()
    assert typed(dialog) == ("a reader's note", "360")
    refused: list[BaseException] = []
    context.write(lambda s, a: make(s, "sites", a, name="Nope"), refused.append, refused.append)
    assert isinstance(refused[0], NotAllowed)
    dialog.close()

    if os.environ.get("RACKBOOK_SCREENSHOTS"):
        from PySide6.QtWidgets import QApplication

        from ui.resources import style_sheet

        QApplication.instance().setStyleSheet(style_sheet())
        window.show_screen("orders")
        open_line = next(
            r for r in range(orders.model.rowCount()) if orders.model.record(r)["received_qty"] == 0
        )
        orders.select_id(orders.model.record(open_line)["id"])
        orders.load_details()
        window.resize(1280, 760)
        qtbot.wait(50)
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        assert window.grab().save(str(SCREENSHOT))
        QApplication.instance().setStyleSheet("")


@PG_ONLY
def test_a_buyers_changes_are_recorded_under_the_database_login(qtbot, login, open_window) -> None:
    buyer = login("bo", "buyer")
    window = open_window(buyer, "somebody else")
    name = make_url(buyer).username
    assert not window.context.read_only and not window.read_only_banner.isVisible()
    assert window.user_label.text() == f"Signed in as {name} (buyer)"
    assert window.context.actor().user == name
    screen = sites_screen(window)
    assert window.new_action.isEnabled() and window.edit_action.isEnabled()
    dialog = edit_dialog(screen, qtbot)
    type_into(dialog, "checked with the utility", "361")
    dialog.accept()
    assert dialog.saved is not None and not dialog.isVisible()
    with window.context.db.session() as session:
        history = audit.history(session, "sites", dialog.saved["id"])
    assert history and history[0].user == name and history[0].field is not None


@PG_ONLY
def test_a_role_taken_away_mid_session_turns_the_window_read_only_at_the_refused_save(
    qtbot, login, open_window, team_demo_url
) -> None:
    from services import team

    buyer = login("bo", "buyer")
    window = open_window(buyer)
    screen = sites_screen(window)
    dialog = edit_dialog(screen, qtbot)
    type_into(dialog, "typed as a buyer", "350")
    team.grant(team_demo_url, make_url(buyer).username, "reader")  # the administrator
    dialog.accept()
    assert dialog.isVisible() and "not allowed" in dialog.message.text()
    assert typed(dialog) == ("typed as a buyer", "350")
    assert window.context.read_only and window.read_only_banner.isVisible()
    assert not window.new_action.isEnabled() and "(reader)" in window.user_label.text()
    # And back: with the role given again, checking access again opens editing again.
    team.grant(team_demo_url, make_url(buyer).username, "buyer")
    window.context.recheck_access()
    assert not window.read_only_banner.isVisible() and window.new_action.isEnabled()


@PG_ONLY
def test_anothers_commit_refreshes_the_list_keeping_selection_and_open_dialog(
    qtbot, login, open_window, team_demo_url
) -> None:
    window = open_window(login("bo", "buyer"))
    screen = sites_screen(window)
    rows = screen.model.total_rows
    dialog = edit_dialog(screen, qtbot, row=2)
    chosen = screen.selected_id()
    type_into(dialog, "half-typed", "12")
    window.show_screen("dashboard")
    window.show_screen("sites")
    qtbot.wait(150)  # the window's own reads and polls settle
    other = open_database(team_demo_url, upgrade=False)
    try:
        with (
            qtbot.waitSignal(window.changes.changed, timeout=5_000),
            other.write() as session,
        ):
            make(session, "sites", name="Other buyer's site", country="US")
    finally:
        other.dispose()
    qtbot.waitUntil(lambda: screen.model.total_rows == rows + 1, timeout=5_000)
    assert screen.selected_id() == chosen
    assert window.screens["dashboard"].stale  # read again when shown
    assert dialog.isVisible() and typed(dialog) == ("half-typed", "12")


@PG_ONLY
def test_an_acknowledgement_by_another_refreshes_the_alerts_not_the_order_list(
    qtbot, login, open_window, team_demo_url
) -> None:
    from services import alerts
    from services.audit import Actor

    window = open_window(login("bo", "buyer"))
    window.show_screen("alerts")
    key = window.screens["alerts"].selected_alert().key
    window.show_screen("orders")
    orders = window.screens["orders"]
    qtbot.wait(150)
    loads = orders._generation
    other = open_database(team_demo_url, upgrade=False)
    try:
        with (
            qtbot.waitSignal(window.changes.changed, timeout=5_000) as seen,
            other.write() as session,
        ):
            alerts.acknowledge(session, key, Actor("someone else"), note="on it")
        assert "alert_ack" in seen.args[0]
        assert window.screens["alerts"].stale and orders._generation == loads
        with (
            qtbot.waitSignal(window.changes.changed, timeout=5_000),
            other.write() as session,
        ):
            make(session, "sites", name="Another site", country="US")
        assert orders._generation > loads  # a record changed: the list reads again
    finally:
        other.dispose()


def _save_cut_at_first_update(dialog: Any, engine: Any, cut: Callable[[Any], None]) -> bool:
    """``dialog`` saved with ``cut(connection)`` run as the save's first UPDATE goes out;
    whether it ran."""
    done: list[bool] = []

    def at_update(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("UPDATE") and not done:
            done.append(True)
            cut(conn)

    event.listen(engine, "before_cursor_execute", at_update)
    try:
        dialog.accept()
    finally:
        event.remove(engine, "before_cursor_execute", at_update)
    return bool(done)


@PG_ONLY
def test_connection_killed_during_save_keeps_what_was_typed_and_saving_again_works(
    qtbot, login, open_window
) -> None:
    buyer = login("bo", "buyer")
    window = open_window(buyer)
    engine = window.context.db.engine
    screen = sites_screen(window)
    dialog = edit_dialog(screen, qtbot, row=1)
    site = dict(screen.selected_record())
    type_into(dialog, "typed before the cut", "377")

    def kill(conn: Any) -> None:
        pid = conn.connection.dbapi_connection.info.backend_pid
        admin_execute(f"SELECT pg_terminate_backend({pid})")

    killed = _save_cut_at_first_update(dialog, engine, kill)
    assert killed
    assert dialog.isVisible() and dialog.saved is None
    assert "connection to the database" in dialog.message.text()
    assert "nothing of this action was saved" in dialog.message.text()
    assert typed(dialog) == ("typed before the cut", "377")
    assert window.connection_banner.isVisible()
    assert stored_site(buyer, site["id"])["notes"] == site["notes"]

    dialog.accept()  # the next save reconnects by itself
    assert dialog.saved is not None and not dialog.isVisible()
    saved = stored_site(buyer, site["id"])
    assert (saved["notes"], saved["grid_capacity_mw"]) == ("typed before the cut", Decimal(377))
    assert not window.connection_banner.isVisible()


@PG_ONLY
def test_receiving_goods_when_the_connection_drops_reopens_the_dialog_with_what_was_typed(
    qtbot, login, open_window, monkeypatch
) -> None:
    from ui.dialogs.order_dialogs import ReceiveDialog

    buyer = login("bo", "buyer")
    window = open_window(buyer)
    window.show_screen("orders")
    orders = window.screens["orders"]
    row = next(
        r for r in range(orders.model.rowCount()) if orders.model.record(r)["status"] == "confirmed"
    )
    line = dict(orders.model.record(row))
    orders.select_id(line["id"])
    orders.load_details()
    day = max(line["order_date"], dt.date.today())
    shown: list[tuple[int, dt.date, str]] = []

    def buyer_at_the_dialog(dialog: ReceiveDialog) -> QDialog.DialogCode:
        if not shown:
            dialog.quantity.setValue(1)
            dialog.received_on.set_value(day)
        quantity, received_on = dialog.values()
        shown.append((quantity, received_on, dialog.message.text()))
        return QDialog.DialogCode.Accepted

    engine = window.context.db.engine
    killed: list[int] = []

    def kill_first_update(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("UPDATE") and not killed:
            killed.append(conn.connection.dbapi_connection.info.backend_pid)
            admin_execute(f"SELECT pg_terminate_backend({killed[0]})")

    monkeypatch.setattr(ReceiveDialog, "exec", buyer_at_the_dialog)
    event.listen(engine, "before_cursor_execute", kill_first_update)
    try:
        orders.receive_goods()
    finally:
        event.remove(engine, "before_cursor_execute", kill_first_update)
    # The dialog came back with the quantity and day typed and why it was not saved; the
    # buyer pressed Receive again and it went through.
    assert [s[:2] for s in shown] == [(1, day), (1, day)]
    assert shown[0][2] == "" and "connection to the database" in shown[1][2]
    assert stored_order_line(buyer, line["id"])["received_qty"] == (line["received_qty"] or 0) + 1


@PG_ONLY
def test_a_server_restart_shows_in_the_banner_and_the_window_reconnects(
    qtbot, login, open_window, team_demo_url
) -> None:
    window = open_window(login("bo", "buyer"))
    window.changes.watcher.retry_after_s = 0.2
    sites_screen(window)
    database = make_url(team_demo_url).database
    # Every connection to the database ended, as a restart does (the watcher's too).
    with qtbot.waitSignal(window.changes.problem, timeout=5_000) as lost:
        admin_execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = '{database}' AND pid <> pg_backend_pid()"
        )
    assert "the database" in lost.args[0] and "try again" in lost.args[0]
    assert window.connection_banner.isVisible()
    assert "reconnecting" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: not window.connection_banner.isVisible(), timeout=5_000)
    assert "again" in window.statusBar().currentMessage()
    window.refresh()  # and work goes on
    assert window.screens["sites"].model.total_rows > 1


@PG_ONLY
def test_the_network_dropping_mid_save_is_a_message_then_the_window_carries_on(
    qtbot, login, open_window
) -> None:
    from tests.services.team.test_faults import _Cable

    url = make_url(login("bo", "buyer"))
    cable = _Cable(url.host or "127.0.0.1", url.port or 5432)
    through_cable = url.set(host="127.0.0.1", port=cable.port).render_as_string(False)
    try:
        window = open_window(through_cable)
        window.changes.watcher.retry_after_s = 0.2
        engine = window.context.db.engine
        screen = sites_screen(window)
        dialog = edit_dialog(screen, qtbot, row=3)
        site = dict(screen.selected_record())
        type_into(dialog, "typed on a flaky network", "333")
        # Every connection cut at once, the watcher's too.
        pulled = _save_cut_at_first_update(dialog, engine, lambda _conn: cable.pull())
        assert pulled and dialog.isVisible() and dialog.saved is None
        assert "nothing of this action was saved" in dialog.message.text()
        assert typed(dialog) == ("typed on a flaky network", "333")
        assert window.connection_banner.isVisible()
        dialog.accept()  # the network is back: saving again works
        assert dialog.saved is not None
        assert stored_site(through_cable, site["id"])["notes"] == "typed on a flaky network"
        # The watcher finds its connection cut, reconnects, and the banner goes.
        qtbot.waitUntil(lambda: not window.connection_banner.isVisible(), timeout=5_000)
    finally:
        cable.close()


# --- SQLite files ------------------------------------------------------------------------


@SQLITE_ONLY
def test_a_read_only_file_opens_read_only_and_a_write_is_refused_with_a_message(
    qtbot, demo_url, open_window
) -> None:
    window = open_window(f"sqlite:///file:{demo_url}?mode=ro&uri=true")
    assert window.context.read_only
    assert window.read_only_banner.isVisible()
    assert f"{Path(demo_url).name} is read-only" in window.read_only_banner.text()
    screen = sites_screen(window)
    assert not window.new_action.isEnabled()
    dialog = edit_dialog(screen, qtbot)
    type_into(dialog, "on a read-only file", "300")
    dialog.accept()
    assert dialog.isVisible() and "read-only" in dialog.message.text()
    refused: list[BaseException] = []
    window.context.write(lambda s, a: make(s, "sites", a, name="X"), None, refused.append)
    assert isinstance(refused[0], ReadOnlyFile)
    assert not window.changes.last_problem  # others' changes are watched all the same


@SQLITE_ONLY
def test_a_locked_file_is_a_message_nothing_is_half_written_and_the_dialog_keeps_its_values(
    qtbot, demo_url, open_window, monkeypatch
) -> None:
    monkeypatch.setattr(models.database, "BUSY_TIMEOUT_MS", 200)
    window = open_window(demo_url)
    assert window.context.backup is not None and Path(window.context.backup).exists()
    assert Path(window.context.backup).name in window.database_label.toolTip()
    screen = sites_screen(window)
    dialog = edit_dialog(screen, qtbot)
    site = dict(screen.selected_record())
    type_into(dialog, "typed while locked", "299")
    holder = workers.start("hold_write_lock", demo_url)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        dialog.accept()
        assert dialog.isVisible() and "locked by another program" in dialog.message.text()
        assert typed(dialog) == ("typed while locked", "299")
        assert stored_site(demo_url, site["id"])["notes"] == site["notes"]
        holder.communicate("release\n", timeout=30)
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()
    dialog.accept()
    assert dialog.saved is not None
    assert stored_site(demo_url, site["id"])["notes"] == "typed while locked"


@SQLITE_ONLY
def test_a_full_disk_is_a_message_the_dialog_keeps_its_values_and_nothing_is_written(
    qtbot, demo_url, open_window
) -> None:
    window = open_window(demo_url)
    engine = window.context.db.engine
    screen = sites_screen(window)
    dialog = edit_dialog(screen, qtbot)
    site = dict(screen.selected_record())
    with engine.connect() as conn:
        pages = conn.exec_driver_sql("PRAGMA page_count").scalar_one()

    # SQLite's own size limit gives the very error a full disk gives (SQLITE_FULL).
    def small_disk(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

    event.listen(engine, "connect", small_disk)
    engine.dispose()  # new connections, each with the limit
    long_note = "site survey " * 800
    type_into(dialog, long_note, "301")
    try:
        dialog.accept()
    finally:
        event.remove(engine, "connect", small_disk)
        engine.dispose()
    assert dialog.isVisible() and "is full" in dialog.message.text()
    assert "nothing of this action was saved" in dialog.message.text()
    assert typed(dialog) == (long_note, "301")
    assert stored_site(demo_url, site["id"])["notes"] == site["notes"]
    dialog.accept()  # space freed: saving again works
    assert stored_site(demo_url, site["id"])["notes"] == long_note.strip()


# --- passwords -----------------------------------------------------------------------------


@PG_ONLY
def test_a_typed_password_goes_to_the_keyring_and_is_never_shown_or_saved(
    qtbot, login, open_window, memory_keyring, monkeypatch
) -> None:
    from ui.database_choice import saved_location

    buyer = make_url(login("bo", "buyer"))
    typed_url = buyer.set(password="s3cret-pw").render_as_string(hide_password=False)
    window = open_window(buyer.render_as_string(hide_password=False))
    settings = SettingsDialog(window.context, window)
    qtbot.addWidget(settings)
    settings.next_database.setText(typed_url)
    settings.accept()
    assert settings.result() == settings.DialogCode.Accepted
    window.context.settings.sync()
    saved = saved_location(window.context.settings)
    assert saved == buyer.render_as_string(hide_password=False)
    assert "s3cret-pw" not in Path(window.context.settings.fileName()).read_text()
    assert list(memory_keyring.passwords.values()) == ["s3cret-pw"]

    # The next start opens the saved URL with the kept password put back (trust
    # authentication on the test server accepts it), and shows it nowhere.
    again = open_window(saved)
    assert again.context.db.url.password == "s3cret-pw"
    dialog = SettingsDialog(again.context, again)
    qtbot.addWidget(dialog)
    in_use = dialog.findChild(QLabel, "databaseInUse")
    shown = [again.windowTitle(), again.database_label.text(), again.user_label.text()]
    shown += [in_use.text(), dialog.next_database.text()]
    assert not any("s3cret" in text for text in shown)

    # No keyring on this machine: the dialog says so and nothing is saved.
    keyring.set_keyring(fail.Keyring())
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *a: warnings.append(text))
    dialog.next_database.setText(buyer.set(password="other-pw").render_as_string(False))
    dialog.accept()
    assert warnings and "no keyring" in warnings[0] and "other-pw" not in warnings[0]
    assert dialog.result() != dialog.DialogCode.Accepted
    again.context.settings.sync()
    assert saved_location(again.context.settings) is None  # nothing of it was saved


def test_the_windows_log_never_carries_a_password(tmp_path) -> None:
    import logging

    from ui.app import mask_logs

    log_file = tmp_path / "window.log"
    handler = logging.FileHandler(log_file)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        mask_logs()
        mask_logs()  # again: still one filter per handler
        assert len(handler.filters) == 1
        try:
            raise RuntimeError("cannot open postgresql+psycopg://ana:s3cret@db.example/team")
        except RuntimeError as exc:
            logging.getLogger("rackbook.ui").error(
                "background task failed for %s", "postgresql://ana:s3cret@db/team", exc_info=exc
            )
    finally:
        root.removeHandler(handler)
        handler.close()
    text = log_file.read_text()
    assert "background task failed" in text and "cannot open" in text
    assert "s3cret" not in text and "ana:***@" in text


def test_a_database_that_cannot_be_opened_is_a_message_without_the_password(
    qtbot, tmp_path, monkeypatch
) -> None:
    from PySide6.QtCore import QSettings

    from ui.app import open_in_background
    from ui.context import AppContext
    from ui.main_window import MainWindow
    from ui.workers import Tasks

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _p, _t, text, *a: shown.append(text))
    settings = QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat)
    context = AppContext("ana", Tasks(synchronous=True), settings)
    window = MainWindow(context, "team")
    qtbot.addWidget(window)
    # Nothing listens on port 9 of this machine.
    open_in_background(window, "postgresql+psycopg://ana:s3cret@127.0.0.1:9/team", demo=False)
    assert context.database is None
    assert shown and "could not be opened" in shown[0] and "cannot reach" in shown[0]
    assert "s3cret" not in shown[0] and "s3cret" not in window.loading.text()


def test_error_messages_never_show_a_password(qtbot, monkeypatch) -> None:
    from services.errors import RackbookError
    from ui.widgets import show_error

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *a: shown.append(text))
    monkeypatch.setattr(QMessageBox, "critical", lambda _p, _t, text, *a: shown.append(text))
    url = "postgresql+psycopg://ana:s3cret@db.example/team"
    show_error(None, RackbookError(f"cannot use {url}"))
    show_error(None, ValueError(f"bad {url}"))
    assert len(shown) == 2 and not any("s3cret" in text for text in shown)
    assert all("ana:***@db.example" in text for text in shown)
