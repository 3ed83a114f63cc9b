"""Every date field bounded, 1990-01-01 to 2100-12-31 (domain/dates.py), for the import, the
dialogs' typed dates and the command line; exports never write a date Excel would misread."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pytest
from sqlalchemy import text

import cli
from domain.dates import EARLIEST, LATEST, out_of_range
from services import exporting, importing
from services.dates import read_date
from services.errors import ValidationError
from tests.builders import basic_world, make


def test_the_bound_is_one_place() -> None:
    assert (dt.date(1990, 1, 1), dt.date(2100, 12, 31)) == (EARLIEST, LATEST)
    assert out_of_range(EARLIEST) is None and out_of_range(LATEST) is None
    assert "between 1990-01-01 and 2100-12-31" in (out_of_range(dt.date(1989, 12, 31)) or "")
    assert out_of_range(dt.date(2101, 1, 1)) is not None


@pytest.mark.parametrize("typed", ["1899-12-31", "12/31/1850", "2101-01-01", "31.12.9999"])
def test_a_typed_date_out_of_range_is_refused_with_the_bound(typed) -> None:
    reading = read_date(typed)
    assert reading.value is None
    assert reading.problem is not None and "between 1990-01-01 and 2100-12-31" in reading.problem


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_record_with_a_date_out_of_range_is_not_saved(database, actor) -> None:
    with database.write() as session:
        basic_world(session, actor)
    bounds = "must fall between 1990-01-01 and 2100-12-31"
    with pytest.raises(ValidationError, match=bounds), database.write() as session:
        make(
            session,
            "contracts",
            actor,
            contract_id="C-OLD",
            customer="Acme",
            site="Panther Creek",
            start_date=dt.date(1850, 1, 1),
            end_date=dt.date(2030, 1, 1),
        )


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_an_import_row_with_a_date_out_of_range_is_refused_by_row(database, actor, tmp_path):
    path2 = tmp_path / "fx.csv"
    with path2.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Currency", "Rate", "Valid from"])
        writer.writerow(["EUR", "1.1", "2027-01-01"])
        writer.writerow(["GBP", "1.3", "1899-06-01"])
    with database.write() as session:
        report = importing.import_file(
            session, path2, importing.ImportRequest(kind="fxrates"), "tester"
        )
        session.rollback()
    assert not report.ok
    problems = [str(p) for s in report.sheets for p in s.plan.problems]
    assert any("row 3" in p and "1990-01-01" in p for p in problems), problems


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_an_old_date_already_stored_is_exported_as_text_not_a_wrong_serial(
    demo_database, tmp_path
) -> None:
    """A database written before the bound may hold 1899-06-01: Excel's serial for it would
    show 1899-05-31 (its 1900 leap-day bug), so it is written as the date's text."""
    with demo_database.write() as session:
        line_id = session.execute(text("SELECT min(id) FROM order_line")).scalar()
        session.execute(
            text("UPDATE order_line SET eta = '1899-06-01' WHERE id = :id"), {"id": line_id}
        )
    out = tmp_path / "orders.xlsx"
    exporting.export(demo_database, "orders", out)
    book = openpyxl.load_workbook(out, read_only=True)
    values = [c for row in book.worksheets[0].iter_rows(values_only=True) for c in row]
    assert "1899-06-01" in values
    assert dt.datetime(1899, 5, 31) not in values and dt.datetime(1899, 6, 1) not in values


@pytest.mark.parametrize("as_of", ["1989-12-31", "2101-01-01", "0001-01-01"])
def test_as_of_out_of_range_is_a_usage_error(as_of, tmp_path) -> None:
    err = io.StringIO()
    status = cli.run(["--db", str(tmp_path / "x.db"), "alerts", "--as-of", as_of], err=err)
    assert status == 2
    assert "between 1990-01-01 and 2100-12-31" in err.getvalue()
