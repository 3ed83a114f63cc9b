"""The SQLite traps of docs/traps.md, each shown avoided; the version check on both databases."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest
from sqlalchemy import text

from models.database import masked, open_database, to_url
from services import records
from services.errors import ConflictError
from tests.builders import D, basic_world, make, panther_creek


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_sqlite_connection_settings(database) -> None:
    with database.session() as session:
        assert session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert session.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def test_orphan_rows_are_refused(database) -> None:
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError), database.write() as session:
        session.execute(
            text(
                "INSERT INTO product (vendor_id, sku, category, gpus_per_unit, currency, version,"
                " created_at, created_by, updated_at, updated_by) VALUES "
                "(4242, 'ORPHAN', 'other', 0, 'USD', 1, CURRENT_TIMESTAMP, 't',"
                " CURRENT_TIMESTAMP, 't')"
            )
        )


def test_two_instances_saving_the_same_row_conflict_instead_of_losing_one(db_url, actor) -> None:
    """Two app instances (two engines) open the same site at version 1; the first save wins,
    the second is refused with a conflict naming the record, never silently lost."""
    first, second = open_database(db_url), open_database(db_url)
    try:
        seen = panther_creek(first, actor)
        with first.write() as session:
            records.update(
                session,
                "sites",
                seen["id"],
                {"grid_capacity_mw": D("360")},
                actor,
                expected_version=seen["version"],
            )
        with (
            pytest.raises(ConflictError, match="Site Panther Creek was changed by tester"),
            second.write() as session,
        ):
            records.update(
                session,
                "sites",
                seen["id"],
                {"notes": "second user's note"},
                actor,
                expected_version=seen["version"],
            )
        with second.session() as session:
            final = records.get_record(session, "sites", seen["id"])
        assert final["grid_capacity_mw"] == D("360")
        assert final["notes"] is None
        assert final["version"] == seen["version"] + 1
    finally:
        first.dispose()
        second.dispose()


def test_overlapping_save_transactions_never_lose_an_update(db_url, actor) -> None:
    """Two buyers opened the site at version 1 and press Save at nearly the same moment.
    The first transaction is still open when the second starts. On SQLite the second waits
    for the write lock (BEGIN IMMEDIATE) and then sees version 2; on PostgreSQL it waits on
    the row lock and its UPDATE ... WHERE version = 1 matches nothing. Either way the second
    save is a conflict and the first one's change survives."""
    first, second = open_database(db_url), open_database(db_url)
    try:
        seen = panther_creek(first, actor)
        first_inside = threading.Event()
        outcome: dict[str, str] = {}

        def save_first() -> None:
            with first.write() as session:
                records.update(
                    session,
                    "sites",
                    seen["id"],
                    {"notes": "first"},
                    actor,
                    expected_version=seen["version"],
                )
                first_inside.set()
                time.sleep(0.5)
            outcome["first"] = "saved"

        def save_second() -> None:
            first_inside.wait(10)
            try:
                with second.write() as session:
                    records.update(
                        session,
                        "sites",
                        seen["id"],
                        {"notes": "second"},
                        actor,
                        expected_version=seen["version"],
                    )
                outcome["second"] = "saved"
            except ConflictError:
                outcome["second"] = "conflict"

        threads = [threading.Thread(target=save_first), threading.Thread(target=save_second)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert outcome == {"first": "saved", "second": "conflict"}
        with second.session() as session:
            assert records.get_record(session, "sites", seen["id"])["notes"] == "first"
    finally:
        first.dispose()
        second.dispose()


def test_backup_keeps_rows_still_in_the_write_ahead_log(tmp_path, actor) -> None:
    from models.migrate import sqlite_backup

    path = tmp_path / "live.db"
    database = open_database(path)
    holder = sqlite3.connect(str(path))  # keeps the WAL from being checkpointed away
    holder.execute("PRAGMA journal_mode=WAL")
    holder.execute("BEGIN")
    holder.execute("SELECT count(*) FROM site").fetchall()
    try:
        with database.write() as session:
            basic_world(session, actor)
            make(session, "sites", actor, name="Moses Lake", grid_capacity_mw=D("28"))
        assert (tmp_path / "live.db-wal").stat().st_size > 0
        copy = sqlite_backup(path, tmp_path / "copy.db")
    finally:
        holder.rollback()
        holder.close()
        database.dispose()
    check = sqlite3.connect(str(copy))
    assert check.execute("SELECT count(*) FROM site").fetchone()[0] == 2
    check.close()


def test_urls_and_paths() -> None:
    url = to_url("postgresql://buyer:s3cret@db.example:5432/rackbook")
    assert url.drivername == "postgresql+psycopg"
    assert "s3cret" not in masked(url)
    assert to_url("some/file.db").get_backend_name() == "sqlite"
