"""Concurrent work on one database: two buyers on one line, two imports of overlapping files,
an import while a buyer edits a line, a writer killed in the middle of a transaction."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from models.database import open_database
from services import importing, maintenance, records
from services.audit import Actor
from services.errors import ConflictError
from services.faults import Attempts, write_with_retry
from tests.builders import basic_world, day, rack_line

ROOT = Path(__file__).resolve().parents[3]
HEADERS = ["po_number", "line", "vendor", "sku", "quantity", "site", "order_date", "eta"]


def _line(session, actor: Actor, po: str = "PO-1", line: int = 1) -> dict[str, Any]:
    return rack_line(session, po, line, actor=actor)


def _orders_file(path: Path, rows: list[tuple[str, int, str]]) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        for po, line, eta in rows:
            writer.writerow(
                [po, line, "Nvidia", "GB300-NVL72", 2, "Panther Creek", "2026-09-01", eta]
            )
    return path


def test_two_buyers_saving_one_line_the_second_gets_both_versions(db_url, actor) -> None:
    first, second = open_database(db_url), open_database(db_url)
    try:
        with first.write() as session:
            basic_world(session, actor)
            line = _line(session, actor)
        with first.write() as session:
            records.update(
                session,
                "orders",
                line["id"],
                {"eta": day("2027-02-01")},
                Actor("alice"),
                expected_version=line["version"],
            )
        with pytest.raises(ConflictError) as conflict, second.write() as session:
            records.update(
                session,
                "orders",
                line["id"],
                {"eta": day("2027-03-01"), "notes": "bob's note"},
                Actor("bob"),
                expected_version=line["version"],
            )
        assert conflict.value.mine["eta"] == day("2027-03-01")
        assert conflict.value.mine["notes"] == "bob's note"
        assert conflict.value.theirs["eta"] == day("2027-02-01")
        assert conflict.value.theirs["version"] == line["version"] + 1
    finally:
        first.dispose()
        second.dispose()


def test_overlapping_saves_the_waiting_one_gets_both_versions(db_url, actor) -> None:
    """The second save starts while the first is still open; on PostgreSQL its UPDATE waits
    for the row and then matches nothing: its conflict still carries the committed version."""
    first, second = open_database(db_url), open_database(db_url)
    try:
        with first.write() as session:
            basic_world(session, actor)
            line = _line(session, actor)
        inside, outcome = threading.Event(), {}

        def save(database, eta, who, wait) -> None:
            try:
                with database.write() as session:
                    if wait:
                        inside.wait(10)
                    records.update(
                        session,
                        "orders",
                        line["id"],
                        {"eta": eta},
                        Actor(who),
                        expected_version=line["version"],
                    )
                    if not wait:
                        inside.set()
                        threading.Event().wait(0.4)
                outcome[who] = "saved"
            except ConflictError as exc:
                outcome[who] = exc

        threads = [
            threading.Thread(target=save, args=(first, day("2027-02-01"), "alice", False)),
            threading.Thread(target=save, args=(second, day("2027-03-01"), "bob", True)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert outcome["alice"] == "saved"
        conflict = outcome["bob"]
        assert isinstance(conflict, ConflictError)
        assert conflict.mine["eta"] == day("2027-03-01")
        assert conflict.theirs["eta"] == day("2027-02-01")
    finally:
        first.dispose()
        second.dispose()


def _rendezvous(count: int, seconds: float):
    """Each caller waits until ``count`` callers arrived, or ``seconds`` passed (on SQLite
    the second import cannot start its transaction until the first commits)."""
    lock = threading.Lock()
    seen = [0]
    everyone = threading.Event()

    def wait() -> None:
        with lock:
            seen[0] += 1
            if seen[0] >= count:
                everyone.set()
        everyone.wait(seconds)

    return wait


def test_two_imports_of_overlapping_files_at_once(db_url, actor, tmp_path) -> None:
    database = open_database(db_url)
    with database.write() as session:
        basic_world(session, actor)
    files = {
        "alice": _orders_file(
            tmp_path / "alice.csv",
            [("PO-A", n, "2027-02-01") for n in range(1, 21)]
            + [("PO-X", n, "2027-03-01") for n in range(1, 11)],
        ),
        "bob": _orders_file(
            tmp_path / "bob.csv",
            [("PO-B", n, "2027-02-15") for n in range(1, 21)]
            + [("PO-X", n, "2027-04-01") for n in range(1, 11)],
        ),
    }
    # Both imports meet once each has read the database and planned its rows, before either
    # writes: on PostgreSQL both then plan to create PO-X, and the second to insert it has to
    # start again. On SQLite the second cannot begin its transaction until the first has
    # committed, so the first waits only a moment for it.
    both_planned = _rendezvous(2, 1.0 if database.is_sqlite else 60.0)
    reports: dict[str, Any] = {}
    attempts = {who: Attempts() for who in files}

    def run_import(who: str) -> None:
        importer = open_database(db_url, upgrade=False)
        met = [False]

        def planned(done: int, total: int) -> None:
            # The plan's last progress call (every row planned) comes before any write.
            if done == total and not met[0]:
                met[0] = True
                both_planned()

        def work(session):
            report = importing.import_file(
                session, files[who], importing.ImportRequest(kind="orders"), who, progress=planned
            )
            assert report.ok
            return report

        try:
            reports[who] = write_with_retry(
                importer, work, retry_conflicts=True, report=attempts[who]
            )
        except Exception as exc:  # reported below, with the other import's outcome
            reports[who] = exc
        finally:
            importer.dispose()

    threads = [threading.Thread(target=run_import, args=(who,)) for who in files]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    try:
        assert all(isinstance(r, importing.ImportReport) for r in reports.values()), reports
        counts = {who: reports[who].sheets[0].plan.counts for who in files}
        assert sorted(c["create"] for c in counts.values()) == [20, 30]
        assert sorted(c["update"] for c in counts.values()) == [0, 10]
        if not database.is_sqlite:
            # Both were inside at once: one of them had to start again, and says so.
            assert sum(a.count for a in attempts.values()) >= 1
            retried = [r for a in attempts.values() for r in a.retried]
            assert all("nothing" in r and "was" in r for r in retried), retried
        last = "alice" if counts["alice"]["update"] == 10 else "bob"
        with database.session() as session:
            lines = records.list_records(session, "orders")
            keys = [(r["po_number"], r["line"]) for r in lines]
            assert len(keys) == len(set(keys)) == 50
            x_eta = {r["eta"] for r in lines if r["po_number"] == "PO-X"}
            assert x_eta == {day("2027-03-01") if last == "alice" else day("2027-04-01")}
            creates = session.execute(
                text(
                    "SELECT entity_key, count(*) FROM audit_entry WHERE entity = 'orders'"
                    " AND action = 'create' GROUP BY entity_key HAVING count(*) > 1"
                )
            ).all()
            assert creates == []
            for line in (r for r in lines if r["po_number"] == "PO-X"):
                chain = [(e.old_date, e.new_date) for e in records_eta_history(session, line["id"])]
                first = day("2027-04-01") if last == "alice" else day("2027-03-01")
                assert chain == [(None, first), (first, line["eta"])]
        assert maintenance.check(db_url).ok
    finally:
        database.dispose()


def records_eta_history(session, line_id: int):
    from services import audit

    return audit.eta_history(session, line_id)


def test_a_buyer_edit_during_an_import_of_that_line_is_never_silently_lost(
    db_url, actor, tmp_path
) -> None:
    """The import has read the line (its preview) when the buyer saves it. On PostgreSQL the
    buyer's save commits and the import's write then finds a newer version: the import
    reports the conflict and writes nothing. On SQLite the import holds the write lock from
    its first read, so the buyer's save waits, then finds the import's version: the buyer
    gets the conflict. Either way one of them is told, and both values are never mixed."""
    database = open_database(db_url)
    with database.write() as session:
        basic_world(session, actor)
        line = _line(session, actor)
        _line(session, actor, line=2)
    vendor_file = _orders_file(
        tmp_path / "ack.csv", [("PO-1", 1, "2027-05-01"), ("PO-1", 2, "2027-05-01")]
    )
    planned, edited = threading.Event(), threading.Event()
    outcome: dict[str, Any] = {}

    def paused_import() -> None:
        importer = open_database(db_url, upgrade=False)

        def after_planning(done: int, total: int) -> None:
            if done == total:
                planned.set()
                edited.wait(1.5)

        try:
            with importer.write() as session:
                report = importing.import_file(
                    session,
                    vendor_file,
                    importing.ImportRequest(kind="orders"),
                    "import",
                    progress=after_planning,
                )
                assert report.ok
            outcome["import"] = "saved"
        except ConflictError as exc:
            outcome["import"] = exc
        finally:
            importer.dispose()

    thread = threading.Thread(target=paused_import)
    thread.start()
    assert planned.wait(30)
    buyer = open_database(db_url, upgrade=False)
    try:
        with buyer.write() as session:
            records.update(
                session,
                "orders",
                line["id"],
                {"eta": day("2027-06-01"), "notes": "vendor called"},
                Actor("alice"),
                expected_version=line["version"],
            )
        outcome["edit"] = "saved"
    except ConflictError as exc:
        outcome["edit"] = exc
    finally:
        buyer.dispose()
    edited.set()
    thread.join(60)
    try:
        conflicts = [who for who, result in outcome.items() if isinstance(result, ConflictError)]
        assert len(conflicts) == 1, outcome
        with database.session() as session:
            current = records.get_record(session, "orders", line["id"])
            other = records.find_record(session, "orders", {"po_number": "PO-1", "line": 2})
        if conflicts == ["import"]:
            assert current["eta"] == day("2027-06-01") and current["notes"] == "vendor called"
            assert other is not None and other["eta"] == day("2027-01-15")  # all or nothing
        else:
            assert database.is_sqlite
            assert current["eta"] == day("2027-05-01") and current["notes"] is None
            assert outcome["edit"].theirs["eta"] == day("2027-05-01")
            assert outcome["edit"].mine["notes"] == "vendor called"
    finally:
        database.dispose()


def test_an_import_after_the_buyer_opened_the_line_makes_the_buyers_save_a_conflict(
    db_url, actor, tmp_path
) -> None:
    database = open_database(db_url)
    try:
        with database.write() as session:
            basic_world(session, actor)
            line = _line(session, actor)
        opened = line["version"]  # the buyer's edit dialog shows this version
        with database.write() as session:
            importing.import_file(
                session,
                _orders_file(tmp_path / "ack.csv", [("PO-1", 1, "2027-05-01")]),
                importing.ImportRequest(kind="orders"),
                "import",
            )
        with pytest.raises(ConflictError) as conflict, database.write() as session:
            records.update(
                session,
                "orders",
                line["id"],
                {"eta": day("2027-06-01")},
                Actor("alice"),
                expected_version=opened,
            )
        assert conflict.value.theirs["eta"] == day("2027-05-01")
        with database.session() as session:
            assert records.get_record(session, "orders", line["id"])["eta"] == day("2027-05-01")
    finally:
        database.dispose()


def test_a_writer_killed_mid_transaction_loses_nothing_committed(db_url, actor) -> None:
    database = open_database(db_url)
    with database.write() as session:
        basic_world(session, actor)
        line = _line(session, actor)
    writer = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.services.team.workers",
            "keep_editing",
            db_url,
            str(line["id"]),
            "0.02",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    committed = 0
    try:
        assert writer.stdout is not None
        for output in writer.stdout:
            word, number = output.split()
            if word == "committed":
                committed = int(number)
            elif committed >= 8:
                # Inside transaction `number`: it has written but not committed.
                os.kill(writer.pid, signal.SIGKILL)
                break
        writer.wait(30)
    finally:
        if writer.poll() is None:
            writer.kill()
            writer.wait()
    assert writer.returncode == -signal.SIGKILL
    try:
        with database.session() as session:
            current = records.get_record(session, "orders", line["id"])
            updates = session.execute(
                text(
                    "SELECT new_value FROM audit_entry WHERE entity = 'orders' AND "
                    "action = 'update' AND entity_id = :id ORDER BY id"
                ),
                {"id": line["id"]},
            ).scalars()
            notes = list(updates)
        assert current["notes"] == f"edit {committed}"
        assert notes == [f"edit {n}" for n in range(1, committed + 1)]
        assert current["version"] == line["version"] + committed
    finally:
        database.dispose()
    assert maintenance.check(db_url).ok
