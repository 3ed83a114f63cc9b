"""Payment schedules on vendors and orders through import, export and templates; a schedule
not adding up to 100 %, naming an unknown event or a negative day count, and a PPA with
take-or-pay over 100 are refused with one message naming the record, field and value, and
nothing is written."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import load_workbook

from models.database import Database
from services import records
from services.audit import Actor
from services.errors import ValidationError
from tests.builders import D, basic_world, day
from tests.builders import run_cli as _run

BAD = (
    ("30% order; 60% shipped", "adds up to 90%"),
    ("50% delivery; 50% received", "unknown event 'delivery'"),
    ("50% order; 50% received+-10", "cannot be negative"),
    ("-10% order; 110% received", "more than 0"),
)


@pytest.mark.parametrize(("schedule", "says"), BAD)
def test_an_imported_schedule_that_cannot_be_read_writes_nothing(
    db_url: str, database: Database, tmp_path: Path, schedule: str, says: str
) -> None:
    path = tmp_path / "vendors.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["name", "payment_schedule"])
        writer.writerow(["Vertiv", "30% order; 70% received+30"])
        writer.writerow(["Eaton", schedule])
    code, out, err = _run("--db", db_url, "import", str(path), "--kind", "vendors")
    said = out + err
    assert code == 1
    problem = next(line for line in said.splitlines() if "row 3" in line)
    assert "column 'payment_schedule'" in problem and schedule in problem and says in problem
    assert "Nothing was written" in said and "Traceback" not in said
    with database.session() as session:
        assert records.list_records(session, "vendors") == []


def test_schedules_go_out_in_exports_and_templates(
    db_url: str, database: Database, tmp_path: Path
) -> None:
    with database.write() as session:
        basic_world(session)
        records.update(
            session,
            "vendors",
            records.list_records(session, "vendors")[0]["id"],
            {"payment_schedule": "20% order; 80% received+60"},
            Actor("tester"),
        )
    out = tmp_path / "vendors.xlsx"
    assert _run("--db", db_url, "export", "vendors", str(out))[0] == 0
    sheet = load_workbook(out).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(r for r in rows if "Name" in r or "name" in r)
    column = next(
        i for i, title in enumerate(header) if title and "schedule" in str(title).casefold()
    )
    assert any(r[column] == "20% order; 80% received+60" for r in rows)
    for kind in ("vendors", "orders"):
        template = tmp_path / f"{kind}-template.xlsx"
        assert _run("--db", db_url, "export", f"template-{kind}", str(template))[0] == 0
        titles = [str(c.value or "").casefold() for c in load_workbook(template).active[1]]
        assert any("schedule" in t for t in titles), (kind, titles)


def test_a_ppa_with_take_or_pay_over_100_is_refused(database: Database) -> None:
    with database.write() as session:
        basic_world(session)
    with database.write() as session, pytest.raises(ValidationError) as refused:
        records.create(
            session,
            "ppas",
            {
                "ppa_ref": "PPA-9",
                "counterparty": "Grid Co",
                "site": "Panther Creek",
                "capacity_mw": D("10"),
                "start_date": day("2027-01-01"),
                "end_date": day("2030-12-31"),
                "take_or_pay_pct": D("120"),
            },
            Actor("tester"),
        )
    problem = refused.value.problems[0]
    assert (problem.field, problem.value) == ("take_or_pay_pct", D("120"))
    assert "PPA-9" in str(refused.value)
    with database.session() as session:
        assert records.list_records(session, "ppas") == []
