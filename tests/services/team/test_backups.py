"""Backups: db restore checks the backup in full before it replaces anything; a SQLite database
gets a rolling automatic backup when it is opened."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from models.database import open_database
from services import maintenance, records, settings, team
from services.errors import RackbookError
from tests.builders import basic_world, note_on_site
from tests.builders import run_cli as run
from tests.services.team.conftest import PG_ONLY

SQLITE_ONLY = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def _site_notes(location: str) -> str | None:
    database = open_database(location, upgrade=False)
    try:
        with database.session() as session:
            site = records.find_record(session, "sites", {"name": "Panther Creek"})
            return None if site is None else site["notes"]
    finally:
        database.dispose()


def _world(location: str, actor) -> None:
    database = open_database(location, upgrade=False)
    try:
        with database.write() as session:
            basic_world(session, actor)
    finally:
        database.dispose()


def test_backup_then_restore_brings_the_contents_back(db_url, tmp_path, actor) -> None:
    _world(db_url, actor)
    note_on_site(db_url, "as backed up", actor)
    backup = tmp_path / ("team.dump" if "://" in db_url else "copy.db")
    status, _, err = run("--db", db_url, "db", "backup", str(backup))
    assert status == 0, err
    note_on_site(db_url, "changed after the backup", actor)
    status, out, err = run("--db", db_url, "db", "restore", str(backup))
    assert status == 0, err
    assert "restored from" in out and "previous contents were saved" in out
    assert _site_notes(db_url) == "as backed up"
    status, out, err = run("--db", db_url, "db", "check")
    assert status == 0, out + err


def _refused(db_url: str, backup: Path, reason: str) -> None:
    status, _, err = run("--db", db_url, "db", "restore", str(backup))
    assert status == 1, err
    assert reason in err and "nothing was replaced" in err
    assert err.count("\n") == 1


def test_a_damaged_backup_is_refused_and_nothing_is_replaced(db_url, tmp_path, actor) -> None:
    _world(db_url, actor)
    backup = tmp_path / ("team.dump" if "://" in db_url else "copy.db")
    assert run("--db", db_url, "db", "backup", str(backup))[0] == 0
    note_on_site(db_url, "current work", actor)
    whole = backup.read_bytes()
    truncated = tmp_path / f"truncated{backup.suffix}"
    truncated.write_bytes(whole[: len(whole) * 2 // 3])
    _refused(db_url, truncated, "")
    stranger = tmp_path / "orders.csv"
    stranger.write_text("po_number,line\nPO-1,1\n")
    _refused(db_url, stranger, "not a")
    assert _site_notes(db_url) == "current work"


@SQLITE_ONLY
def test_sqlite_backups_that_fail_a_check_are_refused(db_url, tmp_path, actor) -> None:
    _world(db_url, actor)
    note_on_site(db_url, "current work", actor)
    good = tmp_path / "good.db"
    assert run("--db", db_url, "db", "backup", str(good))[0] == 0

    garbled = tmp_path / "garbled.db"
    data = bytearray(good.read_bytes())
    page = 4096
    for offset in range(2 * page, len(data) - page, page):
        data[offset + 100 : offset + 400] = b"\xa5" * 300
    garbled.write_bytes(bytes(data))
    _refused(db_url, garbled, "")

    newer = tmp_path / "newer.db"
    maintenance.sqlite_backup(good, newer)
    with sqlite3.connect(newer) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    _refused(db_url, newer, "newer Rackbook")

    not_rackbook = tmp_path / "other.db"
    with sqlite3.connect(not_rackbook) as connection:
        connection.execute("CREATE TABLE t (x)")
    _refused(db_url, not_rackbook, "not a Rackbook database")
    assert _site_notes(db_url) == "current work"


@SQLITE_ONLY
def test_restore_reaches_a_window_that_has_the_file_open(db_url, tmp_path, actor) -> None:
    _world(db_url, actor)
    backup = tmp_path / "copy.db"
    assert run("--db", db_url, "db", "backup", str(backup))[0] == 0
    note_on_site(db_url, "changed", actor)
    window = open_database(db_url)
    try:
        with window.session() as session:
            assert records.find_record(session, "sites", {"name": "Panther Creek"})["notes"]
        maintenance.restore(db_url, backup)
        with window.session() as session:
            site = records.find_record(session, "sites", {"name": "Panther Creek"})
        assert site is not None and site["notes"] is None
    finally:
        window.dispose()


@PG_ONLY
def test_restoring_a_team_database_keeps_its_roles_working(team_url, login, tmp_path) -> None:
    buyer_url = login("alice", "buyer")
    _world(buyer_url, actor=None)
    backup = tmp_path / "team.dump"
    maintenance.backup(team_url, backup)
    note_on_site(buyer_url, "after the backup", actor=_actor())
    report = team.restore(team_url, backup)
    assert "restored from team.dump" in report
    assert _site_notes(buyer_url) is None
    note_on_site(buyer_url, "the buyer can still write", actor=_actor())
    buyer = open_database(buyer_url, upgrade=False)
    try:
        assert team.access(buyer).role == "buyer"
        with buyer.session() as session:
            stamped = session.execute(
                text("SELECT DISTINCT \"user\" FROM audit_entry WHERE action = 'update'")
            ).scalars()
            assert list(stamped) == [buyer.url.username]
    finally:
        buyer.dispose()


def _actor():
    from services.audit import Actor

    return Actor("alice")


@SQLITE_ONLY
def test_automatic_backups_on_open_keep_the_newest_n(database, actor) -> None:
    with database.write() as session:
        basic_world(session, actor)
        settings.set_value(session, "backups_to_keep", "2", actor)
    file = Path(str(database.url.database))
    made = []
    for number in range(4):
        made.append(maintenance.automatic_backup(database))
        assert maintenance.automatic_backup(database) is None  # nothing changed since
        time.sleep(0.01)
        note_on_site(str(file), f"day {number}", actor)
    kept = maintenance.automatic_backups(file)
    assert kept == made[-2:] and all(p is not None and p.exists() for p in made[-2:])
    assert not any(p.exists() for p in made[:2] if p is not None)
    newest = open_database(kept[-1], upgrade=False)
    try:
        with newest.session() as session:
            site = records.find_record(session, "sites", {"name": "Panther Creek"})
            assert site is not None and site["notes"] == "day 2"
    finally:
        newest.dispose()
    assert maintenance.automatic_backup(database, keep=0) is None


@PG_ONLY
def test_no_automatic_file_backup_of_a_server_database(database) -> None:
    assert maintenance.automatic_backup(database, keep=5) is None


def test_restore_of_a_missing_file_is_a_clear_message(db_url, tmp_path) -> None:
    with pytest.raises(RackbookError, match="there is no backup file"):
        maintenance.restore(db_url, tmp_path / "nowhere.db")


@PG_ONLY
def test_only_the_administrator_restores_a_team_database(login, tmp_path) -> None:
    buyer_url = login("alice", "buyer")
    backup = tmp_path / "team.dump"
    assert run("--db", buyer_url, "db", "backup", str(backup))[0] == 0
    status, _, err = run("--db", buyer_url, "db", "restore", str(backup))
    assert status == 1
    assert "only the administrator" in err and "nothing was replaced" in err
