"""Opening a database that cannot be used as it is: written by a newer Rackbook, on a
read-only or a full disk, or named by a mistyped path."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from models.database import open_database
from services import paths, team
from services.errors import DatabaseProblem
from tests.builders import run_cli as run
from tests.services.safety.conftest import copy_demo, fill

NEWER = "this database was written by a newer Rackbook (revision 0099_future); install that version"


def _from_a_newer_rackbook(path: Path) -> None:
    connection = sqlite3.connect(path)
    connection.execute("UPDATE alembic_version SET version_num = '0099_future'")
    connection.commit()
    connection.close()


def _files(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


@pytest.mark.parametrize(
    "command", [["list", "vendors"], ["db", "upgrade"], ["alerts"], ["settings"], ["allocation"]]
)
def test_a_database_from_a_newer_rackbook_is_refused_in_one_line(
    demo_file, tmp_path, command
) -> None:
    path = copy_demo(demo_file, tmp_path)
    _from_a_newer_rackbook(path)
    before = path.read_bytes()
    status, _out, err = run("--db", str(path), *command)
    assert status == 1
    assert err == f"rackbook: {NEWER}\n"
    assert "Alembic" not in err and "Can't locate" not in err
    # No copy made, no migration attempted, nothing written to the file or beside it.
    assert _files(tmp_path) == {"rackbook.db"}
    assert not any(paths.backups_folder().iterdir())
    assert path.read_bytes() == before


def test_db_check_names_the_newer_rackbook(demo_file, tmp_path) -> None:
    path = copy_demo(demo_file, tmp_path)
    _from_a_newer_rackbook(path)
    status, out, _ = run("--db", str(path), "db", "check")
    assert status == 1
    assert out == f"FAIL  {NEWER}\n"
    assert _files(tmp_path) == {"rackbook.db"}


def test_the_window_refuses_a_newer_database_with_the_same_line(demo_file, tmp_path) -> None:
    path = copy_demo(demo_file, tmp_path)
    _from_a_newer_rackbook(path)
    with pytest.raises(DatabaseProblem) as refused:
        team.open_for(str(path), "tester")
    assert str(refused.value) == NEWER
    assert _files(tmp_path) == {"rackbook.db"}


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_a_newer_team_database_is_refused_before_any_step(database) -> None:
    from sqlalchemy import text

    with database.write() as session:
        session.execute(text("UPDATE alembic_version SET version_num = '0099_future'"))
    url = database.url.render_as_string(hide_password=False)
    status, _, err = run("--db", url, "list", "vendors")
    assert (status, err) == (1, f"rackbook: {NEWER}\n")
    with database.session() as session:
        kept = session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    assert kept == "0099_future"


# --- read-only and full disks -------------------------------------------------------------


def test_a_read_only_mount_is_read_and_a_write_says_why_not(demo_file, read_only_view) -> None:
    source, view = read_only_view
    copy_demo(demo_file, source)
    path = view / "rackbook.db"
    status, out, err = run("--db", str(path), "list", "vendors")
    assert status == 0, err
    assert out.endswith("10 vendors\n")
    status, _, err = run("--db", str(path), "settings", "slip_threshold_days", "20")
    assert status == 1
    assert "read-only disk" in err and "nothing of this action was saved" in err
    assert "restore a backup" not in err and "internal error" not in err
    opened = team.open_for(str(path), "tester")
    try:
        assert opened.access.read_only and "read-only" in opened.access.reason
        assert opened.backup is None
    finally:
        opened.database.dispose()


def test_a_full_disk_is_read_and_a_write_says_the_disk_is_full(demo_file, small_disk) -> None:
    path = copy_demo(demo_file, small_disk)
    fill(small_disk)
    status, out, err = run("--db", str(path), "list", "vendors")
    assert status == 0, err
    assert out.endswith("10 vendors\n")
    status, out, err = run("--db", str(path), "alerts")
    assert status == 0, err
    status, _, err = run("--db", str(path), "settings", "slip_threshold_days", "20")
    assert status == 1
    assert "disk holding rackbook.db is full" in err
    assert "disk I/O error" not in err and "restore a backup" not in err
    # Space freed: the same file is written again as usual.
    for filler in small_disk.glob("filler*"):
        filler.unlink()
    status, out, err = run("--db", str(path), "settings", "slip_threshold_days", "20")
    assert status == 0, err


def test_a_disk_filling_up_mid_write_says_full_not_damaged(demo_file, small_disk) -> None:
    """The disk fills while the database is open for writing: SQLite's "disk I/O error"
    is told as the full disk it is."""
    path = copy_demo(demo_file, small_disk)
    database = open_database(path)
    try:
        fill(small_disk)
        from services import settings
        from services.audit import Actor
        from services.faults import database_problems

        with (
            pytest.raises(DatabaseProblem) as refused,
            database_problems(database),
            database.write() as session,
        ):
            for n in range(2000):
                settings.set_value(session, "slip_threshold_days", str(10 + n % 20), Actor("t"))
                session.flush()
    finally:
        database.dispose()
    assert "full" in str(refused.value), refused.value
    assert "restore a backup" not in str(refused.value)


# --- a mistyped path ------------------------------------------------------------------------


def test_a_mistyped_path_makes_no_folders_and_no_database(tmp_path) -> None:
    typo = tmp_path / "Dropbx" / "team" / "rackbook.db"
    status, _, err = run("--db", str(typo), "list", "vendors")
    assert status == 1
    assert f"the folder {typo.parent} does not exist" in err
    assert not (tmp_path / "Dropbx").exists()
    with pytest.raises(DatabaseProblem, match="does not exist"):
        team.open_for(str(typo), "tester")
    assert not (tmp_path / "Dropbx").exists()


def test_a_new_file_in_an_existing_folder_is_still_made(tmp_path) -> None:
    status, _out, err = run("--db", str(tmp_path / "new.db"), "list", "vendors")
    assert status == 0, err
    assert (tmp_path / "new.db").exists()


def test_a_folder_given_as_the_database_is_refused(tmp_path) -> None:
    status, _, err = run("--db", str(tmp_path), "list", "vendors")
    assert status == 1
    assert "is a folder, not a database file" in err
