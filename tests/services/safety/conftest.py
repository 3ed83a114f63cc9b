"""Disks that are full or read-only, made for real: a small tmpfs, a read-only bind mount.
Mounting needs root (CI runs the suite as root in its container); elsewhere these skip."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from models.database import open_database
from services import demo
from services.audit import Actor


def _mount(*argv: str) -> None:
    done = subprocess.run(["mount", *argv], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"cannot mount here ({done.stderr.strip() or 'not root'})")


def _umount(folder: Path) -> None:
    subprocess.run(["umount", "-l", str(folder)], capture_output=True, check=False)


def fill(folder: Path) -> None:
    """Write into ``folder`` until its disk has no byte left."""
    descriptor = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT)
    try:
        for size in (1 << 16, 4096, 512, 1):
            try:
                while os.write(descriptor, b"\0" * size):
                    pass
            except OSError:
                continue
    finally:
        os.close(descriptor)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """An empty 4 MiB disk of its own."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small disk needs root")
    folder = tmp_path / "disk"
    folder.mkdir()
    _mount("-t", "tmpfs", "-o", "size=4m", "tmpfs", str(folder))
    yield folder
    _umount(folder)


@pytest.fixture
def read_only_view(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    """(a writable folder, the same folder seen through a read-only mount)."""
    if os.geteuid() != 0:
        pytest.skip("a read-only mount needs root")
    source, view = tmp_path / "rw", tmp_path / "ro"
    source.mkdir()
    view.mkdir()
    _mount("--bind", str(source), str(view))
    _mount("-o", "remount,bind,ro", str(view))
    yield source, view
    _umount(view)


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file holding the demo data, closed (no -wal left)."""
    path = tmp_path_factory.mktemp("demo") / "rackbook.db"
    database = open_database(path)
    with database.write() as session:
        demo.load(session, Actor("tester"))
    database.dispose()
    return path


def copy_demo(demo_file: Path, folder: Path, name: str = "rackbook.db") -> Path:
    target = folder / name
    shutil.copyfile(demo_file, target)
    return target
