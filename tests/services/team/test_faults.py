"""Faults of the database itself: a clear message, nothing half-written, and the next action
reconnects by itself (what the person typed can simply be saved again)."""

from __future__ import annotations

import contextlib
import socket
import threading
from pathlib import Path

import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.engine import make_url

import models.database
from models import Vendor
from models.database import open_database
from services import records, team
from services.errors import DatabaseProblem
from services.faults import (
    ConnectionLost,
    DiskFull,
    Locked,
    ReadOnlyFile,
    database_problems,
)
from tests.builders import D, basic_world, make, panther_creek
from tests.builders import run_cli as run
from tests.conftest import pg_server_url
from tests.services.team import workers
from tests.services.team.conftest import PG_ONLY

SQLITE_ONLY = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def _terminate(where: str) -> int:
    """End backends the way an administrator (or a server restart) does."""
    server = pg_server_url()
    assert server is not None
    engine = models.database.make_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            return len(
                conn.execute(
                    text(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE {where}")
                ).all()
            )
    finally:
        engine.dispose()


@PG_ONLY
def test_backend_terminated_mid_save_then_the_same_typed_values_save(database, actor) -> None:
    site = panther_creek(database, actor)
    typed = {"notes": "what the buyer typed", "grid_capacity_mw": D("360")}
    with (
        pytest.raises(ConnectionLost, match="reconnects by itself") as lost,
        database_problems(database),
        database.write() as session,
    ):
        pid = session.execute(text("SELECT pg_backend_pid()")).scalar_one()
        assert _terminate(f"pid = {pid}") == 1
        records.update(session, "sites", site["id"], typed, actor, expected_version=site["version"])
    assert "nothing of this action was saved" in str(lost.value)
    with database_problems(database), database.session() as session:
        assert records.get_record(session, "sites", site["id"])["notes"] is None
    # The edit dialog kept `typed`: saving it again works on a fresh connection.
    with database_problems(database), database.write() as session:
        saved = records.update(
            session, "sites", site["id"], typed, actor, expected_version=site["version"]
        )
    assert saved["notes"] == "what the buyer typed" and saved["version"] == site["version"] + 1


@PG_ONLY
def test_every_connection_dropped_like_a_restart_is_replaced_without_an_error(
    database, actor
) -> None:
    site = panther_creek(database, actor)
    # Fill the pool with several idle connections, then end them all.
    sessions = [database.session() for _ in range(3)]
    for context in sessions:
        context.__enter__().execute(text("SELECT 1"))
    for context in sessions:
        context.__exit__(None, None, None)
    assert _terminate(f"datname = '{database.url.database}'") >= 1
    with database_problems(database), database.write() as session:
        records.update(session, "sites", site["id"], {"notes": "after the restart"}, actor)
    assert team.access(database).read_only is False


class _Cable:
    """A TCP relay between Rackbook and the server, whose cable can be pulled: every
    connection through it is cut at once, the way a dropped network looks to the client."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            with self.lock:
                self.sockets += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass

    def pull(self) -> None:
        with self.lock:
            for sock in self.sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self.sockets.clear()

    def close(self) -> None:
        self.pull()
        self.listener.close()


@PG_ONLY
def test_network_dropped_mid_session_is_a_clear_message_then_reconnects(db_url, actor) -> None:
    url = make_url(db_url)
    cable = _Cable(url.host or "127.0.0.1", url.port or 5432)
    relayed = url.set(host="127.0.0.1", port=cable.port).render_as_string(False)
    database = open_database(relayed)
    try:
        site = panther_creek(database, actor)
        with (
            pytest.raises(ConnectionLost),
            database_problems(database),
            database.write() as session,
        ):
            session.execute(text("SELECT 1"))
            cable.pull()
            records.update(session, "sites", site["id"], {"notes": "typed"}, actor)
        with database_problems(database), database.write() as session:
            records.update(session, "sites", site["id"], {"notes": "typed"}, actor)
        with database.session() as session:
            assert records.get_record(session, "sites", site["id"])["notes"] == "typed"
    finally:
        database.dispose()
        cable.close()


@SQLITE_ONLY
def test_read_only_file_opens_read_only_and_refuses_writes_clearly(db_url, actor) -> None:
    read_only = f"sqlite:///file:{db_url}?mode=ro&uri=true"
    database = open_database(read_only)
    try:
        access = team.access(database, "maria")
        assert access.read_only and "read-only" in access.reason and access.login == "maria"
        with (
            pytest.raises(ReadOnlyFile, match="read-only"),
            database_problems(database),
            database.write() as session,
        ):
            make(session, "sites", name="Panther Creek")
    finally:
        database.dispose()
    status, _, err = run("--db", read_only, "settings", "default_pue", "1.4")
    assert status == 1 and "read-only" in err and err.count("\n") == 1
    writable = open_database(db_url)
    try:
        assert not team.access(writable).read_only
        with writable.session() as session:
            assert records.list_records(session, "sites") == []
    finally:
        writable.dispose()


@SQLITE_ONLY
def test_full_disk_is_a_clear_message_and_nothing_is_half_written(database, actor) -> None:
    with database.write() as session:
        basic_world(session, actor)
    with database.session() as session:
        pages = session.execute(text("PRAGMA page_count")).scalar_one()

    # SQLite's own size limit gives the very error a full disk gives (SQLITE_FULL).
    @event.listens_for(database.engine, "connect")
    def _small_disk(dbapi_connection, _record) -> None:
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages + 4}")

    with (
        pytest.raises(DiskFull, match=r"disk .* is full") as full,
        database_problems(database),
        database.write() as session,
    ):
        for number in range(40):
            make(session, "vendors", actor, name=f"Vendor {number}", notes="x" * 5000)
    assert "nothing of this action was saved" in str(full.value)
    event.remove(database.engine, "connect", _small_disk)
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Vendor)) == 1
        assert session.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"


@SQLITE_ONLY
def test_file_locked_by_another_process(db_url, actor, monkeypatch) -> None:
    monkeypatch.setattr(models.database, "BUSY_TIMEOUT_MS", 200)
    holder = workers.start("hold_write_lock", db_url)
    database = open_database(db_url)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with (
            pytest.raises(Locked, match="locked by another program"),
            database_problems(database),
            database.write() as session,
        ):
            make(session, "sites", actor, name="Panther Creek")
        status, _, err = run("--db", db_url, "settings", "default_pue", "1.4")
        assert status == 1 and "locked by another program" in err
        holder.communicate("release\n", timeout=30)
        with database_problems(database), database.write() as session:
            make(session, "sites", actor, name="Panther Creek")
        with database.session() as session:
            assert [s["name"] for s in records.list_records(session, "sites")] == ["Panther Creek"]
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()
        database.dispose()


@PG_ONLY
def test_a_read_cut_off_does_not_speak_of_anything_not_saved(database, actor) -> None:
    """A read (a list, the dashboard) that loses its connection says so, without the
    write's "nothing was saved" or "what you typed is kept"."""
    panther_creek(database, actor)
    with (
        pytest.raises(ConnectionLost, match="reconnects by itself") as lost,
        database_problems(database, reading=True),
        database.session() as session,
    ):
        pid = session.execute(text("SELECT pg_backend_pid()")).scalar_one()
        assert _terminate(f"pid = {pid}") == 1
        records.list_records(session, "sites")
    message = str(lost.value)
    assert "saved" not in message and "typed" not in message


@SQLITE_ONLY
def test_a_damaged_file_read_says_it_could_not_be_read(db_url) -> None:
    """A file whose pages were overwritten: reading it is a clear message naming the check
    to run, worded for a read."""
    database = open_database(db_url)
    database.dispose()
    path = Path(db_url)
    data = bytearray(path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    # Every page after the schema's first page made garbage (the schema itself stays
    # readable, so the failure comes from reading the tables).
    for offset in range(page_size, len(data)):
        data[offset] = 0x5A
    path.write_bytes(bytes(data))
    damaged = open_database(db_url, upgrade=False, backup=False)
    try:
        with (
            pytest.raises(DatabaseProblem) as raised,
            database_problems(damaged, reading=True),
            damaged.session() as session,
        ):
            records.list_records(session, "orders")
    finally:
        damaged.dispose()
    message = str(raised.value)
    assert "could not be read (" in message and "db check" in message, message
    assert "saved" not in message and "written" not in message
