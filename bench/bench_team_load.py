"""Load test of a team database: 5 writer processes making 1,000 edits each to overlapping
order lines, on PostgreSQL and on SQLite in WAL mode (issue 8). Not a timed test: it checks
that nothing is lost under load, and prints figures.

Each edit is what a buyer does: open a line (read its version), think a moment, save new
notes and a new ETA with ``expected_version``. An edit either lands or is reported as a
conflict (someone saved the line in between) or refused (the database was busy). Afterwards
the final rows, the audit trail and the ETA history must reconcile exactly with what the
writers reported, and ``db check`` must pass.

    python bench/bench_team_load.py                       # both databases
    python bench/bench_team_load.py --backend sqlite
    python bench/bench_team_load.py --pg postgresql+psycopg://postgres@127.0.0.1:5432/postgres
    python bench/bench_team_load.py --writers 5 --edits 1000 --lines 20
    python bench/bench_team_load.py --mix receive-eta     # goods received and ETA moves

The ``receive-eta`` mix (issue 22) has each save receive one unit (``orders.receive``) or
move the ETA a day on (``orders.change_eta``), as the window's Receive and Move ETA do: the
units received, the versions and the ETA history must add up to exactly what was reported.

The PostgreSQL server URL names a database to connect to for creating (and at the end
dropping) a scratch database. The baseline is one writer alone making the same number of
edits per writer, measured in the same run: the ratio says how much the team's total
throughput gains (or loses) over one person.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import itertools
import multiprocessing
import random
import shutil
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from models.database import open_database
from services import audit, importing, maintenance, orders, records
from services.audit import Actor
from services.errors import ConflictError, DatabaseProblem
from services.faults import database_problems

ETAS = [dt.date(2027, 1, 1) + dt.timedelta(days=7 * n) for n in range(12)]


@dataclass
class WriterReport:
    writer: str
    # (line id, notes written, eta written, version after the save)
    landed: list[tuple[int, str, dt.date, int]] = field(default_factory=list)
    conflicts: int = 0
    refused: list[str] = field(default_factory=list)
    seconds: float = 0.0


@dataclass
class Edit:
    """One save a writer is about to make: its number, the line as the writer read it (its
    version is the one expected) and the writer's random chooser."""

    number: int
    line_id: int
    seen: dict[str, Any]
    chooser: random.Random


# What goes into ``WriterReport.landed`` for one save.
Landed = tuple[int, str, dt.date, int]
SaveOne = Callable[[Session, Edit, Actor], Landed]


def run_writer(
    location: str,
    writer: str,
    line_ids: list[int],
    edits: int,
    seed: int,
    start: Any,
    save_one: SaveOne,
) -> dict[str, Any]:
    """One buyer's process: ``edits`` saves on randomly chosen lines shared with the others, each
    one opening the line (reading its version), a moment's look, then ``save_one`` with that
    version. Returns the ``WriterReport`` as plain data across the process boundary."""
    chooser = random.Random(seed)
    database = open_database(location, upgrade=False)
    actor = Actor(writer)
    report = WriterReport(writer)
    with database.session() as session:  # connected and warm before the clock starts
        records.get_record(session, "orders", line_ids[0])
    start.wait()  # every writer starts at once, after the processes have started up
    started = time.perf_counter()
    try:
        for number in range(1, edits + 1):
            line_id = chooser.choice(line_ids)
            try:
                with database_problems(database), database.session() as session:
                    seen = records.get_record(session, "orders", line_id)
                # The buyer looks at the line for a moment before saving.
                time.sleep(chooser.random() * 0.002)
                with database_problems(database), database.write() as session:
                    landed = save_one(session, Edit(number, line_id, seen, chooser), actor)
                report.landed.append(landed)
            except ConflictError:
                report.conflicts += 1
            except DatabaseProblem as problem:
                report.refused.append(str(problem))
    finally:
        report.seconds = time.perf_counter() - started
        database.dispose()
    return asdict(report)


def save_receive_or_eta(session: Session, edit: Edit, actor: Actor) -> Landed:
    """Odd edits receive one unit, even ones move the ETA a day on."""
    version = edit.seen["version"]
    if edit.number % 2:
        saved = orders.receive(
            session, edit.line_id, 1, dt.date(2026, 12, 1), actor, expected_version=version
        )
        what = "receive"
    else:
        eta = edit.seen["eta"] + dt.timedelta(days=1)
        saved = orders.change_eta(session, edit.line_id, eta, actor, expected_version=version)
        what = eta.isoformat()
    return (edit.line_id, what, ETAS[0], saved["version"])


def save_notes_and_eta(session: Session, edit: Edit, actor: Actor) -> Landed:
    """New notes naming the writer and edit, and an ETA chosen at random."""
    notes = f"{actor.user} edit {edit.number}"
    eta = edit.chooser.choice(ETAS)
    saved = records.update(
        session,
        "orders",
        edit.line_id,
        {"notes": notes, "eta": eta},
        actor,
        expected_version=edit.seen["version"],
    )
    return (edit.line_id, notes, eta, saved["version"])


def write_mix(
    location: str, writer: str, line_ids: list[int], edits: int, seed: int, start: Any
) -> dict[str, Any]:
    """One buyer's process receiving goods and moving ETAs on lines shared with the others:
    ``landed`` holds (line id, "receive" or the ETA's ISO date, "", version after the save)."""
    return run_writer(location, writer, line_ids, edits, seed, start, save_receive_or_eta)


def reconcile_mix(location: str, line_ids: list[int], reports: list[WriterReport]) -> list[str]:
    """Every difference between the receipts and ETA moves reported and the database."""
    return reconcile_lines(location, line_ids, reports, _mix_problems)


def _mix_problems(session: Session, row: dict[str, Any], saves: list[Landed]) -> list[str]:
    problems = []
    line_id = row["id"]
    receipts = sum(1 for _, what, _, _ in saves if what == "receive")
    if row["received_qty"] != receipts:
        problems.append(
            f"line {line_id}: {row['received_qty']} received, writers report {receipts}"
        )
    moves = [dt.date.fromisoformat(w) for _, w, _, _ in saves if w != "receive"]
    history = [h.new_date for h in audit.eta_history(session, line_id)]
    if history != [ETAS[0], *moves]:
        problems.append(
            f"line {line_id}: ETA history {len(history)} moves, writers report {len(moves) + 1}"
        )
    return problems


def reconcile_lines(
    location: str,
    line_ids: list[int],
    reports: list[WriterReport],
    line_problems: Callable[[Session, dict[str, Any], list[Landed]], list[str]],
) -> list[str]:
    """Every difference between what the writers say landed and what the database holds: each
    line's saves, in version order, must have made versions 2, 3, ... up to the row's, then
    ``line_problems(session, row, saves)`` says what else is wrong with the line; last,
    ``db check``."""
    problems: list[str] = []
    landed: dict[int, list[Landed]] = defaultdict(list)
    for report in reports:
        for save in report.landed:
            landed[save[0]].append(save)
    database = open_database(location, upgrade=False)
    try:
        with database.session() as session:
            for line_id in line_ids:
                saves = sorted(landed[line_id], key=lambda save: save[3])
                row = records.get_record(session, "orders", line_id)
                versions = [save[3] for save in saves]
                if versions != list(range(2, 2 + len(saves))):
                    problems.append(f"line {line_id}: versions landed {versions[:10]}…")
                if row["version"] != 1 + len(saves):
                    problems.append(f"line {line_id}: version {row['version']}, saves {len(saves)}")
                problems += line_problems(session, row, saves)
    finally:
        database.dispose()
    return problems + database_check(location)


def database_check(location: str) -> list[str]:
    """What ``rackbook db check`` finds wrong with the database after the writers."""
    check = maintenance.check(location)
    return [] if check.ok else [line for line in check.lines if line.startswith("FAIL")]


def write_edits(
    location: str, writer: str, line_ids: list[int], edits: int, seed: int, start: Any
) -> dict[str, Any]:
    """One buyer's process: ``edits`` saves of notes and ETA on randomly chosen lines."""
    return run_writer(location, writer, line_ids, edits, seed, start, save_notes_and_eta)


def _line_fields(number: int, quantity: int = 4) -> dict[str, Any]:
    return {
        "po_number": f"PO-{number // 5 + 1:03}",
        "line": number % 5 + 1,
        "vendor": "Nvidia",
        "sku": "GB300-NVL72",
        "quantity": quantity,
        "site": "Panther Creek",
        "order_date": dt.date(2026, 9, 1),
        "unit_price": Decimal("3950000"),
        "eta": ETAS[0],
    }


def prepare(location: str, lines: int, quantity: int = 4) -> list[int]:
    database = open_database(location)
    actor = Actor("setup")
    ids = []
    try:
        with database.write() as session:
            records.create(
                session, "sites", {"name": "Panther Creek", "grid_capacity_mw": Decimal(350)}, actor
            )
            records.create(session, "vendors", {"name": "Nvidia"}, actor)
            records.create(
                session,
                "products",
                {"vendor": "Nvidia", "sku": "GB300-NVL72", "gpus_per_unit": 72},
                actor,
            )
            # Half the lines by hand, half by an import (created by its batch, DESIGN §5:
            # their ETA history starts from the batch): both must reconcile alike.
            by_hand = lines - lines // 2
            for number in range(by_hand):
                line = records.create(session, "orders", _line_fields(number, quantity), actor)
                ids.append(line["id"])
        if lines > by_hand:
            file = Path(tempfile.mkdtemp(prefix="rackbook-load-")) / "lines.csv"
            fields = [_line_fields(number, quantity) for number in range(by_hand, lines)]
            with file.open("w", newline="") as handle:
                out = csv.DictWriter(handle, list(fields[0]))
                out.writeheader()
                out.writerows(fields)
            with database.write() as session:
                report = importing.import_file(
                    session, file, importing.ImportRequest(kind="orders"), actor.user
                )
                if not report.ok:
                    raise SystemExit(f"the load test's import was refused: {report.sheets}")
                ids += [
                    row.existing["id"] if row.existing else row.refs["id"]
                    for row in report.sheets[0].plan.rows
                ]
            shutil.rmtree(file.parent, ignore_errors=True)
    finally:
        database.dispose()
    return ids


def reconcile(location: str, line_ids: list[int], reports: list[WriterReport]) -> list[str]:
    """Every difference between the notes and ETAs the writers say they saved and the
    database: the final row, the audit trail of notes, the ETA history."""
    return reconcile_lines(location, line_ids, reports, _edit_problems)


def _edit_problems(session: Session, row: dict[str, Any], saves: list[Landed]) -> list[str]:
    problems = []
    line_id = row["id"]
    if saves and (row["notes"], row["eta"]) != saves[-1][1:3]:
        problems.append(f"line {line_id}: final row is not the last save")
    trail = list(
        session.execute(
            text(
                "SELECT new_value FROM audit_entry WHERE entity = 'orders' AND "
                "action = 'update' AND field = 'notes' AND entity_id = :id "
                "ORDER BY id"
            ),
            {"id": line_id},
        ).scalars()
    )
    if trail != [notes for _, notes, _, _ in saves]:
        problems.append(
            f"line {line_id}: audit trail has {len(trail)} notes changes, "
            f"writers report {len(saves)}"
        )
    history = audit.eta_history(session, line_id)
    chain_ok = all(a.new_date == b.old_date for a, b in itertools.pairwise(history))
    # The creation is one move (none -> first ETA), then every save that changed it.
    etas = [ETAS[0], *(eta for _, _, eta, _ in saves)]
    expected_moves = 1 + sum(1 for a, b in itertools.pairwise(etas) if a != b)
    if not chain_ok or len(history) != expected_moves:
        problems.append(
            f"line {line_id}: ETA history {len(history)} moves, expected "
            f"{expected_moves}, chain {'ok' if chain_ok else 'broken'}"
        )
    if history and history[-1].new_date != row["eta"]:
        problems.append(f"line {line_id}: ETA history does not end at the ETA")
    return problems


def run_writers(
    location: str, line_ids: list[int], writers: int, edits: int, mix: str = "edit"
) -> list[Any]:
    work = write_mix if mix == "receive-eta" else write_edits
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager, context.Pool(writers) as pool:
        start = manager.Barrier(writers)
        jobs = [
            pool.apply_async(work, (location, f"writer{n}", line_ids, edits, 1000 + n, start))
            for n in range(1, writers + 1)
        ]
        return [WriterReport(**job.get(timeout=3600)) for job in jobs]


def scratch_database(backend: str, pg_server: str, folder: Path) -> tuple[str, Any]:
    if backend == "sqlite":
        return str(folder / f"load-{uuid.uuid4().hex[:6]}.db"), None
    server = make_url(pg_server)
    name = f"rackbook_load_{uuid.uuid4().hex[:8]}"
    engine = create_engine(server, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()

    return server.set(database=name).render_as_string(hide_password=False), drop


def measured_run(
    backend: str, args: argparse.Namespace, folder: Path, writers: int
) -> tuple[list[WriterReport], float, list[str]]:
    """Fresh data, ``writers`` processes, reconciliation: (reports, wall seconds, problems)."""
    location, drop = scratch_database(backend, args.pg, folder)
    try:
        mixed = args.mix == "receive-eta"
        line_ids = prepare(location, args.lines, 1_000_000 if mixed else 4)
        reports = run_writers(location, line_ids, writers, args.edits, args.mix)
        # Writers start together (a barrier): the longest one is the team's time.
        wall = max(r.seconds for r in reports)
        check = reconcile_mix if mixed else reconcile
        return reports, wall, check(location, line_ids, reports)
    finally:
        if drop:
            drop()


def bench(backend: str, args: argparse.Namespace, folder: Path) -> bool:
    _, alone_wall, alone_problems = measured_run(backend, args, folder, 1)
    reports, wall, problems = measured_run(backend, args, folder, args.writers)
    landed = sum(len(r.landed) for r in reports)
    conflicts = sum(r.conflicts for r in reports)
    refused = sum(len(r.refused) for r in reports)
    total = args.writers * args.edits
    print(
        f"\n{backend} ({args.mix}): {args.writers} writers x {args.edits} edits on "
        f"{args.lines} lines"
    )
    print(
        f"  landed {landed}, conflicts {conflicts}, refused {refused} "
        f"(sum {landed + conflicts + refused} of {total})"
    )
    if refused:
        print(f"  first refusal: {next(r.refused[0] for r in reports if r.refused)}")
    alone_rate = args.edits / alone_wall
    team_rate = total / wall
    print(f"  one writer alone: {args.edits} edits in {alone_wall:.1f} s ({alone_rate:.0f}/s)")
    print(f"  team: {total} edits in {wall:.1f} s ({team_rate:.0f}/s)")
    print(f"  ratio team/alone (edits per second): {team_rate / alone_rate:.2f}")
    mismatches = problems + alone_problems
    for problem in mismatches[:20]:
        print(f"  MISMATCH {problem}")
    ok = landed + conflicts + refused == total and not mismatches
    print(
        "  reconciliation (rows, audit trail, ETA history) and db check: "
        + ("PASS" if ok else "FAIL")
    )
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--writers", type=int, default=5)
    parser.add_argument("--edits", type=int, default=1000)
    parser.add_argument("--lines", type=int, default=20)
    parser.add_argument(
        "--mix",
        choices=("edit", "receive-eta", "both"),
        default="both",
        help="edits of notes and ETA, goods received and ETA moves, or one run of each",
    )
    args = parser.parse_args()
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    with tempfile.TemporaryDirectory(prefix="rackbook-load-") as folder:
        mixes = ("edit", "receive-eta") if args.mix == "both" else (args.mix,)
        results = [
            bench(b, argparse.Namespace(**{**vars(args), "mix": m}), Path(folder))
            for b in backends
            for m in mixes
        ]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
