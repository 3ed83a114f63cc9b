"""Seeing others' changes: the watcher notices commits made by another process (and only
commits), on PostgreSQL (LISTEN/NOTIFY) and SQLite (PRAGMA data_version)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import text

from services import records
from services.changes import ChangeWatcher
from tests.builders import basic_world, note_on_site
from tests.services.team.conftest import PG_ONLY
from tests.services.team.test_faults import _terminate

ROOT = Path(__file__).resolve().parents[3]


def _other_user_edits(location: str, note: str) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.services.team.workers",
            "edit_site",
            location,
            "Panther Creek",
            note,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "committed"


def _poll_until(watcher: ChangeWatcher, seconds: float = 5.0) -> bool:
    """Notices are delivered asynchronously: poll the way the window's timer does."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if watcher.poll():
            return True
        time.sleep(0.05)
    return False


def test_a_commit_by_another_process_is_noticed_once(db_url, database, actor) -> None:
    with database.write() as session:
        basic_world(session, actor)
    with ChangeWatcher(database) as watcher:
        assert watcher.poll() is False  # nothing since it started
        _other_user_edits(db_url, "changed by a colleague")
        assert _poll_until(watcher)
        if not database.is_sqlite:
            assert {"site", "audit_entry"} <= watcher.tables
        assert watcher.poll() is False  # reported once
        assert watcher.problem is None
        with database.session() as session:
            site = records.find_record(session, "sites", {"name": "Panther Creek"})
        assert site is not None and site["notes"] == "changed by a colleague"


def test_a_rolled_back_change_is_not_announced(database, actor) -> None:
    with database.write() as session:
        basic_world(session, actor)
    with ChangeWatcher(database) as watcher:
        session_context = database.session()
        session = session_context.__enter__()
        session.execute(text("UPDATE site SET notes = 'never committed'"))
        session_context.__exit__(None, None, None)  # a read session rolls back
        time.sleep(0.2)
        assert watcher.poll() is False


def test_many_commits_between_two_polls_are_one_refresh(db_url, database, actor) -> None:
    with database.write() as session:
        basic_world(session, actor)
    with ChangeWatcher(database) as watcher:
        for number in range(3):
            note_on_site(db_url, f"note {number}", actor)
        assert _poll_until(watcher)
        time.sleep(0.2)
        assert watcher.poll() is False


@PG_ONLY
def test_watcher_survives_a_lost_connection_and_says_to_refresh(db_url, database, actor) -> None:
    with database.write() as session:
        basic_world(session, actor)
    with ChangeWatcher(database) as watcher:
        watcher.retry_after_s = 0.5
        _terminate(f"datname = '{database.url.database}' AND query LIKE 'LISTEN%'")
        deadline = time.monotonic() + 5
        while watcher.problem is None and time.monotonic() < deadline:
            assert watcher.poll() is False
            time.sleep(0.05)
        assert watcher.problem is not None and "database" in watcher.problem
        note_on_site(db_url, "while the watcher was away", actor)
        assert watcher.poll() is False  # no new attempt before retry_after_s
        time.sleep(0.6)
        # Reconnected: it cannot know what it missed, so it asks for one refresh.
        assert watcher.poll() is True and watcher.problem is None
        assert watcher.poll() is False
        note_on_site(db_url, "after it came back", actor)
        assert _poll_until(watcher)


@PG_ONLY
def test_every_table_announces_its_changes(database) -> None:
    """A table added by a later migration without its notice trigger would go unseen."""
    from models import Base

    with database.session() as session:
        announced = set(
            session.scalars(
                text(
                    "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                    "WHERE t.tgname = 'rackbook_change_notice'"
                )
            )
        )
    assert announced == set(Base.metadata.tables)
