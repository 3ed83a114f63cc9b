"""No lost writes: five writer processes, 200 saves each, on the same order lines, through
the services the window calls. What the database holds at the end (the lines, the audit
trail, the ETA history) must be exactly what the writers were told."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from models import AuditEntry, EtaChange
from models.database import open_database
from services import records
from tests.builders import basic_world, day, make, rack_line
from tests.services.team import stress

ROOT = Path(__file__).resolve().parents[3]
WRITERS, ACTIONS = 5, 200


def _line(session, actor, po: str, line: int, status: str = "placed") -> dict[str, Any]:
    return rack_line(session, po, line, actor=actor, quantity=100000, status=status)


def _run_writers(url: str, line_ids: list[int], spare_po: str) -> list[dict[str, Any]]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    ids = ",".join(str(i) for i in line_ids)
    module = [sys.executable, "-m", "tests.services.team.stress"]
    writers = [
        subprocess.Popen(
            [*module, url, str(n), str(ACTIONS), ids, spare_po],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(1, WRITERS + 1)
    ]
    told: list[dict[str, Any]] = []
    for writer in writers:
        out, err = writer.communicate(timeout=240)
        assert writer.returncode == 0, err
        told.extend(json.loads(line) for line in out.splitlines())
    return told


def test_every_reported_save_is_a_write(db_url, actor) -> None:
    database = open_database(db_url)
    with database.write() as session:
        basic_world(session, actor)
        lines = [_line(session, actor, "PO-1", 1), _line(session, actor, "PO-1", 2)]
        _line(session, actor, "PO-SPARE", 2)
        make(session, "orders", actor, **stress.spare_values("PO-SPARE"))
    line_ids = [line["id"] for line in lines]

    told = _run_writers(db_url, line_ids, "PO-SPARE")
    assert len(told) == WRITERS * ACTIONS
    saved = [t for t in told if t["outcome"] == "saved"]
    outcomes = Counter((t["action"], t["outcome"]) for t in told)
    # Every kind of action landed many times and met conflicts too (it was a real race).
    for action in ("receive", "eta", "edit", "put_back", "spare"):
        assert outcomes[(action, "saved")] > 10, outcomes
    assert sum(n for (_, outcome), n in outcomes.items() if outcome == "conflict") > 0, outcomes

    with database.session() as session:
        for line, line_id in zip(lines, line_ids, strict=True):
            final = records.get_record(session, "orders", line_id)
            ours = [t for t in saved if t.get("line") == line_id]
            mine = sorted((t for t in ours if t["wrote"]), key=lambda t: t["version"])
            # Each save that changed something reported its own new version: together
            # exactly 2..final, none twice. A save asking for what was there already (the
            # same ETA drawn twice, a put-back of the value the line has) changed nothing,
            # under the same lock and version check, and reported the version it found.
            assert [t["version"] for t in mine] == list(range(2, final["version"] + 1))
            unchanged = [t for t in ours if not t["wrote"]]
            assert len(unchanged) <= len(ours) // 10, unchanged
            assert all(1 <= t["version"] <= final["version"] for t in unchanged)
            receipts = [t["qty"] for t in mine if t["action"] == "receive"]
            assert final["received_qty"] == sum(receipts)
            etas = [t for t in mine if t["action"] == "eta"]
            if etas:
                assert final["eta"] == dt.date.fromisoformat(etas[-1]["eta"])
            notes = [t for t in mine if t["action"] in ("edit", "put_back")]
            if notes:
                assert final["notes"] == notes[-1]["notes"]

            def trail(field: str, line_id: int = line_id) -> int:
                return session.scalar(
                    select(func.count()).where(
                        AuditEntry.entity == "orders",
                        AuditEntry.entity_id == line_id,
                        AuditEntry.action == "update",
                        AuditEntry.field == field,
                    )
                )

            assert trail("received_qty") == len(receipts)
            assert trail("notes") == len(notes)
            # The ETA history: the first ETA, then one move per reported ETA save.
            history = session.scalars(
                select(EtaChange.new_date)
                .where(EtaChange.order_line_id == line_id)
                .order_by(EtaChange.id)
            ).all()
            assert history == [line["eta"]] + [dt.date.fromisoformat(t["eta"]) for t in etas]
            assert trail("eta") == len(etas)

        spare = [t for t in saved if t["action"] == "spare"]
        made = sum(1 for t in spare if t["what"] == "create")
        gone = sum(1 for t in spare if t["what"] == "delete")
        # The spare line's first create was the setup's.
        for action, count in (("create", made + 1), ("delete", gone)):
            assert (
                session.scalar(
                    select(func.count()).where(
                        AuditEntry.entity == "orders",
                        AuditEntry.entity_key == "PO-SPARE/1",
                        AuditEntry.action == action,
                    )
                )
                == count
            )
        there = records.find_record(session, "orders", {"po_number": "PO-SPARE", "line": 1})
        # It was there at the start: each reported delete and create took turns.
        assert made in (gone, gone - 1)
        assert (there is not None) == (made == gone)
    # No writer was ever told of an internal error.
    assert not any("StaleData" in t.get("message", "") for t in told)
    database.dispose()


def test_editing_a_line_another_user_deleted_is_a_conflict(db_url, actor) -> None:
    from services import orders
    from services.audit import Actor
    from services.errors import ConflictError

    first, second = open_database(db_url), open_database(db_url)
    try:
        with first.write() as session:
            basic_world(session, actor)
            line = _line(session, actor, "PO-1", 1)
            _line(session, actor, "PO-1", 2)
        with first.write() as session:
            records.delete(session, "orders", line["id"], Actor("bob"))
        for save in (
            lambda s: records.update(
                s, "orders", line["id"], {"notes": "x"}, actor, expected_version=line["version"]
            ),
            lambda s: orders.receive(s, line["id"], 1, day("2026-12-01"), actor),
            lambda s: orders.change_eta(s, line["id"], day("2027-05-01"), actor),
        ):
            try:
                with second.write() as session:
                    save(session)
            except ConflictError as exc:
                assert exc.gone
                assert str(exc) == (
                    "Order line PO-1/1 was deleted by bob since you opened it; your changes "
                    "were not saved."
                )
            else:
                raise AssertionError("a save of a deleted line was reported as saved")
    finally:
        first.dispose()
        second.dispose()
