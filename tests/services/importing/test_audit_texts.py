"""The audit entries of records an import creates are written by the database
(``audit.summary_in_sql``): their texts must be exactly those ``services.records`` writes in
Python (``as_text``: ISO dates, plain decimals, yes/no), on SQLite and PostgreSQL alike."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Integer,
    MetaData,
    String,
    Table,
    insert,
    select,
)

from models import AuditEntry
from models.base import ScaledDecimal
from models.database import Database
from services import audit, records
from services.schema import kind
from tests.services.importing.conftest import build_world, run_import

D = Decimal


def _scratch(database: Database) -> Table:
    metadata = MetaData()
    table = Table(
        "audit_text_scratch",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("money", ScaledDecimal(4)),
        Column("rate", ScaledDecimal(8)),
        Column("flag", Boolean),
        Column("day", Date),
        Column("count", Integer),
        Column("text", String(120)),
    )
    metadata.create_all(database.engine)
    return table


def _texts_in_sql(database: Database, table: Table, rows: list[dict[str, Any]]) -> list[tuple]:
    name = database.engine.dialect.name
    shown = [
        audit.text_in_sql(table.c[c], name)
        for c in ("money", "rate", "flag", "day", "count", "text")
    ]
    with database.write() as session:
        session.execute(table.delete())
        session.execute(insert(table), rows)
        return [tuple(r) for r in session.execute(select(*shown).order_by(table.c.id))]  # type: ignore[arg-type]


def _texts_in_python(rows: list[dict[str, Any]]) -> list[tuple]:
    return [
        tuple(audit.as_text(row.get(c)) for c in ("money", "rate", "flag", "day", "count", "text"))
        for row in rows
    ]


def test_each_type_reads_as_as_text_writes_it(database) -> None:
    table = _scratch(database)
    rows: list[dict[str, Any]] = [
        {
            "id": 1,
            "money": D("33546.72"),
            "rate": D("1.08500000"),
            "flag": True,
            "day": dt.date(2026, 11, 27),
            "count": 26,
            "text": "Moses Lake",
        },
        {
            "id": 2,
            "money": D("25000"),
            "rate": D("0.00000001"),
            "flag": False,
            "day": dt.date(999, 1, 2),
            "count": 0,
            "text": "Zürich; DAP",
        },
        {
            "id": 3,
            "money": D("-0.0001"),
            "rate": D("-12.5"),
            "flag": None,
            "day": None,
            "count": -7,
            "text": None,
        },
        {
            "id": 4,
            "money": D("0"),
            "rate": D("1E+2"),
            "flag": True,
            "day": dt.date(2028, 2, 29),
            "count": 2_000_000_000,
            "text": "x",
        },
        {
            "id": 5,
            "money": D("12345678901234.5678"),
            "rate": D("9999999999.99999999"),
            "flag": False,
            "day": dt.date(1, 1, 1),
            "count": None,
            "text": "a = b",
        },
        {
            "id": 6,
            "money": None,
            "rate": None,
            "flag": None,
            "day": None,
            "count": None,
            "text": "",
        },
    ]
    assert _texts_in_sql(database, table, rows) == _texts_in_python(rows)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.lists(
        st.decimals(
            min_value=D("-99999999999999.9999"),
            max_value=D("99999999999999.9999"),
            places=4,
            allow_nan=False,
            allow_infinity=False,
        ),
        min_size=1,
        max_size=40,
    )
)
def test_any_stored_decimal_reads_as_plain_decimal(database, values: list[Decimal]) -> None:
    table = _scratch(database)
    # The stored value is what is shown: -0 is stored as 0.
    rows = [{"id": n, "money": v if v else D(0)} for n, v in enumerate(values, 1)]
    found = [r[0] for r in _texts_in_sql(database, table, rows)]
    assert found == [audit.plain_decimal(v if v else D(0)) for v in values]


def _csv(path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _created_entries(database: Database, kind_name: str) -> dict[int, tuple[str, str]]:
    with database.session() as session:
        return {
            e.entity_id: (e.entity_key, e.new_value)
            for e in session.scalars(
                select(AuditEntry).where(
                    AuditEntry.entity == kind_name, AuditEntry.action == "create"
                )
            )
        }


def _as_records_writes(database: Database, kind_name: str) -> dict[int, tuple[str, str]]:
    spec = kind(kind_name)
    with database.session() as session:
        return {
            r["id"]: (spec.key_of(r), records._summary(spec, r))
            for r in records.list_records(session, kind_name)
        }


def test_created_records_carry_the_texts_records_writes(database, tmp_path) -> None:
    """Orders, contracts, PPAs, lead times and FX rates imported: each created record's audit
    entry has the key and text ``records.create`` would have written for it."""
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
    for kind_name, path in files.items():
        report = run_import(database, path, kind=kind_name)
        assert report.ok, [p.reason for p in report.sheets[0].plan.problems]
        created = _created_entries(database, kind_name)
        assert created, kind_name
        assert created == _as_records_writes(database, kind_name), kind_name


def test_source_text_names_the_import_a_change_came_from() -> None:
    from services.audit import source_text

    assert source_text("user", None, None) == "user"
    assert source_text("import", 4, "dell_order_status.xlsx") == "import 4 (dell_order_status.xlsx)"
    assert source_text("undo", 4, "dell.xlsx") == "undo of import 4 (dell.xlsx)"
    assert source_text("import", 5, None) == "import 5"
