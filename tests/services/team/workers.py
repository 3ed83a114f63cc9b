"""Other Rackbook processes for the team tests, run as ``python -m tests.services.team.workers``.

Each prints one line per step and flushes, so the test can follow it (and kill it mid-way).
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from models.database import open_database
from services import records
from services.audit import Actor


def edit_site(location: str, name: str, note: str) -> None:
    """Another user's window saving a site's notes."""
    database = open_database(location, upgrade=False)
    with database.session() as session:
        site = records.find_record(session, "sites", {"name": name})
    assert site is not None
    with database.write() as session:
        records.update(session, "sites", site["id"], {"notes": note}, Actor("other"))
    print("committed", flush=True)
    database.dispose()


def hold_write_lock(path: str) -> None:
    """Another program holding a SQLite file's write lock (a sync tool, a second app) until
    a line arrives on its standard input."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("BEGIN IMMEDIATE")
    print("locked", flush=True)
    sys.stdin.readline()
    connection.execute("ROLLBACK")
    connection.close()


def start(command: str, *arguments: str) -> subprocess.Popen[str]:
    """One of these workers started in its own process, from the repository, its standard
    input and output piped to the test (``start("hold_write_lock", path)``)."""
    return subprocess.Popen(
        [sys.executable, "-m", "tests.services.team.workers", command, *arguments],
        cwd=Path(__file__).resolve().parents[3],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def keep_editing(location: str, line_id: str, pause: str) -> None:
    """A buyer saving one order line again and again; each save pauses inside its
    transaction (after the write, before the commit), so a kill lands mid-transaction."""
    database = open_database(location, upgrade=False)
    actor = Actor("writer")
    step = 0
    while True:
        step += 1
        with database.write() as session:
            records.update(session, "orders", int(line_id), {"notes": f"edit {step}"}, actor)
            print(f"inside {step}", flush=True)
            time.sleep(float(pause))
        print(f"committed {step}", flush=True)


@contextmanager
def write_lock_held(path: str) -> Iterator[Callable[[], None]]:
    """Another program holding the SQLite file's write lock (``hold_write_lock``) while the
    block runs; the block may let it go sooner by calling what it is given."""
    holder = start("hold_write_lock", path)

    def release() -> None:
        if holder.poll() is None:
            holder.communicate("release\n", timeout=30)

    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        yield release
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()


if __name__ == "__main__":
    command, *arguments = sys.argv[1:]
    {"edit_site": edit_site, "hold_write_lock": hold_write_lock, "keep_editing": keep_editing}[
        command
    ](*arguments)
