"""Creation by batch (DESIGN §5): a record an import creates keeps its batch's id, and its
history reads "created by import N (file, user, time)" from the batch, with no audit entry
per created record and no ETA history row for a new line's first ETA. Every kind, on SQLite
and PostgreSQL."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from models import AuditEntry, EtaChange, ImportBatch
from services import audit, lists, records
from services.audit import ENTITY_MODELS
from tests.services.importing.conftest import build_world, run_import


def _csv(path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_every_kind_is_created_by_its_batch(database, tmp_path) -> None:
    """Orders (with their purchase orders), contracts (with their customers), PPAs, lead
    times and FX rates imported: each created record names its batch, its history's oldest
    row says so, the batch lists it, and the audit trail holds nothing of the creations."""
    build_world(database)
    files = {
        "orders": _csv(
            tmp_path / "orders.csv",
            [
                "PO",
                "Line",
                "Vendor",
                "SKU",
                "Qty",
                "Site",
                "Order date",
                "Unit price",
                "Promised",
                "ETA",
                "Received",
                "Received date",
                "Status",
                "Notes",
            ],
            [
                [
                    "PO-77",
                    1,
                    "Supermicro",
                    "AS-8125GS",
                    4,
                    "Panther Creek",
                    "2026-01-05",
                    "289000.5",
                    "2026-04-01",
                    "2026-04-20",
                    0,
                    "",
                    "confirmed",
                    "rush; DAP",
                ],
                [
                    "PO-77",
                    2,
                    "SMC",
                    "SYS-821GE",
                    2,
                    "Panther Creek",
                    "2026-01-05",
                    "0.0001",
                    "",
                    "",
                    2,
                    "2026-03-01",
                    "received",
                    "",
                ],
                [
                    "PO-78",
                    1,
                    "Eaton",
                    "PDU-G4",
                    10,
                    "Moses Lake",
                    "2026-02-01",
                    "",
                    "2026-02-20",
                    "",
                    0,
                    "",
                    "placed",
                    "Zürich",
                ],
            ],
        ),
        "contracts": _csv(
            tmp_path / "contracts.csv",
            [
                "Contract",
                "Customer",
                "Site",
                "Service",
                "Start",
                "End",
                "GPUs",
                "MW",
                "Price",
                "Unit",
                "Currency",
                "SLA",
                "Auto renew",
                "Notice",
                "Status",
            ],
            [
                [
                    "C-1",
                    "Acme AI",
                    "Panther Creek",
                    "gpu_lease",
                    "2027-01-01",
                    "2029-12-31",
                    512,
                    "",
                    "2.35",
                    "per_gpu_hour",
                    "USD",
                    "99.95",
                    "yes",
                    90,
                    "signed",
                ],
                [
                    "C-2",
                    "Bolt Labs",
                    "Moses Lake",
                    "colocation",
                    "2027-03-01",
                    "2028-02-29",
                    "",
                    "12.5",
                    "140",
                    "per_kw_month",
                    "EUR",
                    "",
                    "no",
                    "",
                    "draft",
                ],
            ],
        ),
        "ppas": _csv(
            tmp_path / "ppas.csv",
            [
                "PPA ref",
                "Counterparty",
                "Site",
                "Capacity MW",
                "Price per MWh",
                "Currency",
                "Structure",
                "Start",
                "End",
                "Escalation %",
                "Renewable %",
            ],
            [
                [
                    "PPA-1",
                    "Grid Co",
                    "Rio Cuarto",
                    "150.25",
                    "41.5",
                    "USD",
                    "fixed",
                    "2026-01-01",
                    "2035-12-31",
                    "-1.5",
                    "100",
                ],
            ],
        ),
        "fxrates": _csv(
            tmp_path / "fx.csv",
            ["Currency", "Rate", "Valid from"],
            [["EUR", "1.08512345", "2026-11-01"], ["ARS", "0.00098765", "2026-11-01"]],
        ),
        "leadtimes": _csv(
            tmp_path / "leadtimes.csv",
            ["Vendor", "SKU", "Lead time (days)", "Quote date", "Valid until"],
            [["Eaton", "93PM-500", 84, "2026-10-01", "2026-12-31"]],
        ),
    }
    created_with: dict[str, list[str]] = {
        "orders": ["orders", "purchase_orders"],
        "contracts": ["contracts", "customers"],
    }
    for kind_name, path in files.items():
        report = run_import(database, path, kind=kind_name)
        assert report.ok, [p.reason for p in report.sheets[0].plan.problems]
        result = report.sheets[0].result
        assert result is not None
        with database.session() as session:
            batch = session.get(ImportBatch, result.batch_id)
            assert batch is not None
            assert batch.file_name == path.name and batch.user == "tester"
            assert batch.file_sha256 and batch.sheet is not None
            for entity in created_with.get(kind_name, [kind_name]):
                model = ENTITY_MODELS[entity]
                ids = list(session.scalars(select(model.id)))
                assert ids, entity
                batches = set(session.scalars(select(model.created_batch_id)))
                assert batches == {result.batch_id}, entity
                for record_id in ids:
                    trail = audit.history(session, entity, record_id)
                    assert [(h.action, h.source_text, h.user) for h in trail] == [
                        ("create", f"import {result.batch_id} ({path.name})", "tester")
                    ]
                    assert trail[0].new_value == (
                        f"created by import {result.batch_id} ({path.name}, tester, "
                        f"{batch.started_at:%Y-%m-%d %H:%M})"
                    )
            shown = lists.batch_records(session, result.batch_id)
            assert shown.ids == frozenset(r["id"] for r in records.list_records(session, kind_name))
            entries = session.scalar(
                select(func.count())
                .select_from(AuditEntry)
                .where(AuditEntry.import_batch_id == result.batch_id)
            )
            assert entries == 0, kind_name
    with database.session() as session:
        # No first-ETA rows: the ETA history starts with the first change, and shows the
        # ETA a line was created with from its batch.
        assert session.scalar(select(func.count()).select_from(EtaChange)) == 0
        line = records.find_record(session, "orders", {"po_number": "PO-77", "line": 1})
        assert line is not None
        etas = audit.eta_history(session, line["id"])
        assert [(e.old_date, e.new_date, e.source) for e in etas] == [(None, line["eta"], "import")]
        undated = records.find_record(session, "orders", {"po_number": "PO-77", "line": 2})
        assert undated is not None and audit.eta_history(session, undated["id"]) == []


def test_a_record_made_by_hand_keeps_its_creation_entry(database) -> None:
    build_world(database)
    with database.session() as session:
        site = records.find_record(session, "sites", {"name": "Moses Lake"})
        assert site is not None and site["id"]
        trail = audit.history(session, "sites", site["id"])
    assert [h.action for h in trail] == ["create"]
    assert (
        trail[0].import_batch_id is None
        and trail[0].new_value
        and "name=Moses Lake" in (trail[0].new_value)
    )


def test_source_text_names_the_import_a_change_came_from() -> None:
    from services.audit import source_text

    assert source_text("user", None, None) == "user"
    assert source_text("import", 4, "dell_order_status.xlsx") == "import 4 (dell_order_status.xlsx)"
    assert source_text("undo", 4, "dell.xlsx") == "undo of import 4 (dell.xlsx)"
    assert source_text("import", 5, None) == "import 5"
