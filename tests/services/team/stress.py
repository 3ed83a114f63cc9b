"""A writer process for the no-lost-writes test, run as
``python -m tests.services.team.stress URL WRITER ACTIONS LINE_IDS SPARE_PO``.

It does ``ACTIONS`` saves through the services the window calls (receive, move ETA, edit
notes, put back the latest notes change, delete and re-create a spare line), on the same
lines as the other writers, half of them with the version it read (as the window saves) and
half without. Each outcome it was told is printed as one JSON line: what it asked, whether
it was saved or a conflict, and the version the save reported.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sys
from typing import Any

from sqlalchemy import select

from models import AuditEntry
from models.database import open_database
from services import orders, records
from services.audit import Actor
from services.errors import ConflictError, NotFoundError, ValidationError

SPARE_LINE = 1


def spare_values(po: str) -> dict[str, Any]:
    return {
        "po_number": po,
        "line": SPARE_LINE,
        "vendor": "Nvidia",
        "sku": "GB300-NVL72",
        "quantity": 2,
        "site": "Panther Creek",
        "order_date": dt.date(2026, 9, 1),
        "status": "draft",
    }


def run(url: str, writer: str, actions: int, line_ids: list[int], spare_po: str) -> None:
    database = open_database(url, upgrade=False, backup=False)
    actor = Actor(f"writer{writer}")
    chance = random.Random(int(writer))
    kinds = ["receive", "eta", "edit", "put_back", "spare"]
    for step in range(actions):
        action = kinds[step % len(kinds)]
        told: dict[str, Any] = {"writer": writer, "step": step, "action": action}
        with_version = chance.random() < 0.5
        try:
            if action == "spare":
                told.update(_spare(database, actor, spare_po, with_version))
            else:
                line_id = chance.choice(line_ids)
                told["line"] = line_id
                with database.session() as session:
                    seen = records.get_record(session, "orders", line_id)
                    latest = session.scalar(
                        select(AuditEntry.id)
                        .where(
                            AuditEntry.entity == "orders",
                            AuditEntry.entity_id == line_id,
                            AuditEntry.field == "notes",
                        )
                        .order_by(AuditEntry.id.desc())
                        .limit(1)
                    )
                version = seen["version"] if with_version else None
                with database.write() as session:
                    # The version as this transaction holds the row locked: a save that
                    # reports that same version changed nothing (it asked for what was
                    # there already) and wrote nothing; every other save wrote once.
                    locked = records.lock(session, "orders", line_id)
                    held = None if locked is None else locked.version
                    if action == "receive":
                        told["qty"] = chance.randint(1, 3)
                        saved = orders.receive(
                            session,
                            line_id,
                            told["qty"],
                            dt.date(2026, 12, 1),
                            actor,
                            expected_version=version,
                        )
                    elif action == "eta":
                        eta = dt.date(2027, 1, 1) + dt.timedelta(days=chance.randint(0, 3000))
                        told["eta"] = eta.isoformat()
                        saved = orders.change_eta(
                            session, line_id, eta, actor, expected_version=version
                        )
                    elif action == "edit":
                        told["notes"] = f"w{writer} s{step}"
                        saved = records.update(
                            session,
                            "orders",
                            line_id,
                            {"notes": told["notes"]},
                            actor,
                            expected_version=version,
                        )
                    else:
                        if latest is None:
                            told["outcome"] = "skipped"
                            print(json.dumps(told), flush=True)
                            continue
                        saved = records.put_back(session, "orders", line_id, latest, actor)
                        told["notes"] = saved["notes"]
                told["version"] = saved["version"]
                told["outcome"] = "saved"
                told["wrote"] = saved["version"] != held
        except ConflictError as exc:
            told["outcome"] = "conflict"
            told["message"] = str(exc)
        except (ValidationError, NotFoundError) as exc:
            told["outcome"] = "refused"
            told["message"] = str(exc)
        print(json.dumps(told), flush=True)
    database.dispose()


def _spare(database: Any, actor: Actor, po: str, with_version: bool) -> dict[str, Any]:
    """Delete the spare line when it is there (with the version seen, or not), else make it."""
    with database.session() as session:
        found = records.find_record(session, "orders", {"po_number": po, "line": SPARE_LINE})
    with database.write() as session:
        if found is None:
            if records.find_record(session, "orders", {"po_number": po, "line": SPARE_LINE}):
                raise ConflictError("Order line", f"{po}/{SPARE_LINE}")
            made = records.create(session, "orders", spare_values(po), actor)
            return {"what": "create", "id": made["id"], "outcome": "saved"}
        version = found["version"] if with_version else None
        records.delete(session, "orders", found["id"], actor, expected_version=version)
        return {"what": "delete", "id": found["id"], "outcome": "saved"}


if __name__ == "__main__":
    url, writer, actions, ids, spare_po = sys.argv[1:]
    run(url, writer, int(actions), [int(i) for i in ids.split(",")], spare_po)
