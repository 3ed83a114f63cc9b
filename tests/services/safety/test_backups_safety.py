"""`db backup` and the automatic backups: a clear message and no partial file when the
copy cannot be made, and never a damaged copy presented as good; `db check` on a damaged
file says what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.database import open_database
from services import maintenance, paths
from services.errors import RackbookError
from tests.builders import run_cli as run
from tests.services.safety.conftest import copy_demo, fill


def _damage(path: Path, first_page: int = 3, pages: int = 3) -> None:
    """Pages of tables overwritten with garbage (the schema page stays readable)."""
    data = bytearray(path.read_bytes())
    size = int.from_bytes(data[16:18], "big")
    for offset in range(size * first_page, min(len(data), size * (first_page + pages))):
        data[offset] = 0x5A
    path.write_bytes(bytes(data))


def test_a_backup_to_a_full_disk_leaves_no_partial_file(demo_file, tmp_path, small_disk) -> None:
    source = copy_demo(demo_file, tmp_path)
    fill(small_disk)
    status, _out, err = run("--db", str(source), "db", "backup", str(small_disk / "copy.db"))
    assert status == 1
    assert err == f"rackbook: the disk holding {small_disk} is full; no backup was written\n"
    assert sorted(p.name for p in small_disk.iterdir()) == ["filler"]


def test_a_backup_to_a_read_only_disk_says_so(demo_file, tmp_path, read_only_view) -> None:
    source = copy_demo(demo_file, tmp_path)
    _, view = read_only_view
    status, _, err = run("--db", str(source), "db", "backup", str(view / "copy.db"))
    assert status == 1
    assert "cannot be written (a read-only disk, or no permission); no backup was written" in err
    assert not any(view.iterdir())


def test_a_backup_of_a_damaged_database_is_refused(demo_file, tmp_path) -> None:
    source = copy_demo(demo_file, tmp_path)
    _damage(source)
    target = tmp_path / "out" / "copy.db"
    target.parent.mkdir()
    status, _, err = run("--db", str(source), "db", "backup", str(target))
    assert status == 1
    assert "rackbook.db" in err and "no backup was written" in err and "db check" in err
    assert "internal error" not in err
    assert not any(target.parent.iterdir())


def test_a_backup_of_a_file_that_is_no_database_is_refused(tmp_path) -> None:
    source = tmp_path / "notes.db"
    source.write_bytes(b"meeting notes " * 400)
    target = tmp_path / "copy.db"
    status, _, err = run("--db", str(source), "db", "backup", str(target))
    assert status == 1
    assert "notes.db cannot be read as a database" in err and "no backup was written" in err
    assert not target.exists()


def test_a_backup_into_a_missing_folder_or_onto_a_folder_is_refused(demo_file, tmp_path) -> None:
    source = copy_demo(demo_file, tmp_path)
    status, _, err = run("--db", str(source), "db", "backup", str(tmp_path / "nope" / "c.db"))
    assert status == 1 and "does not exist" in err
    assert not (tmp_path / "nope").exists()
    status, _, err = run("--db", str(source), "db", "backup", str(tmp_path))
    assert status == 1 and "is a folder" in err


def test_a_good_backup_says_it_was_checked(demo_file, tmp_path) -> None:
    source = copy_demo(demo_file, tmp_path)
    status, out, err = run("--db", str(source), "db", "backup", str(tmp_path / "copy.db"))
    assert status == 0, err
    assert "passed SQLite's integrity check" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["copy.db", "rackbook.db"]


def test_an_automatic_backup_of_a_damaged_file_keeps_the_good_ones(demo_file, tmp_path) -> None:
    source = copy_demo(demo_file, tmp_path)
    database = open_database(source)
    try:
        first = maintenance.automatic_backup(database, keep=1)
    finally:
        database.dispose()
    assert first is not None and first.exists()
    _damage(source)
    damaged = open_database(source, upgrade=False)
    try:
        with pytest.raises(RackbookError, match=r"is damaged|cannot be read as a database"):
            maintenance.automatic_backup(damaged, keep=1)
    finally:
        damaged.dispose()
    # The good copy is still the one kept; nothing half-written beside it.
    assert sorted(paths.backups_folder().iterdir()) == [first]


def test_db_check_on_a_damaged_file_prints_what_is_wrong(demo_file, tmp_path) -> None:
    source = copy_demo(demo_file, tmp_path)
    _damage(source)
    status, out, err = run("--db", str(source), "db", "check")
    assert status == 1
    assert "FAIL" in out
    assert "malformed" in out or "integrity check" in out, out
    assert "Run `db check`" not in out + err and "internal error" not in err


def test_db_check_on_a_file_that_is_no_database(tmp_path) -> None:
    source = tmp_path / "notes.db"
    source.write_bytes(b"meeting notes " * 400)
    status, out, _ = run("--db", str(source), "db", "check")
    assert status == 1
    assert "FAIL  notes.db cannot be read as a database: file is not a database" in out
