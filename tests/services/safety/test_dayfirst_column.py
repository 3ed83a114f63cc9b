"""Day-first reading of a text date column, decided by the column's values as a whole."""

from __future__ import annotations

import csv
import datetime as dt

import pytest

from services import importing
from tests.builders import basic_world


def _fx(tmp_path, dates: list[str]):
    path = tmp_path / "fx.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Currency", "Rate", "Valid from"])
        for n, day in enumerate(dates):
            writer.writerow([f"X{chr(65 + n // 26)}{chr(65 + n % 26)}", "1.1", day])
    return path


def _plan(database, path):
    with database.write() as session:
        report = importing.import_file(
            session, path, importing.ImportRequest(kind="fxrates"), "tester"
        )
        session.rollback()
    return report.sheets[0].plan


pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def test_one_impossible_date_does_not_flip_a_column(database, actor, tmp_path) -> None:
    with database.write() as session:
        basic_world(session, actor)
    dates = [f"0{m}/0{d}/2027" for m in range(1, 8) for d in range(1, 3) if m != d]
    dates.insert(5, "13/02/2027")  # a typo in a month-first column
    plan = _plan(database, _fx(tmp_path, dates))
    read = {r.record["currency"]: r.record["valid_from"] for r in plan.rows if r.record}
    assert read["XAA"] == dt.date(2027, 1, 2)  # 01/02/2027 month first
    problems = [str(p) for p in plan.problems]
    assert any("row 7" in p and "13/02/2027" in p for p in problems), problems
    assert any("such as row 7" in note for note in plan.notes), plan.notes


def test_a_column_of_day_first_dates_is_read_day_first(database, tmp_path) -> None:
    dates = ["13/02/2027", "03/04/2027", "25/12/2027", "05/06/2027", "30/01/2028"]
    plan = _plan(database, _fx(tmp_path, dates))
    assert not plan.problems, [str(p) for p in plan.problems]
    read = {r.record["currency"]: r.record["valid_from"] for r in plan.rows}
    assert read["XAB"] == dt.date(2027, 4, 3)
    assert any("read day first" in note for note in plan.notes)


def test_an_ambiguous_column_is_reported_naming_the_row(database, tmp_path) -> None:
    plan = _plan(database, _fx(tmp_path, ["2027-01-05", "03/04/2027", "05/06/2027"]))
    assert any("nothing in the column decides it: row 3" in n for n in plan.notes), plan.notes
    read = {r.record["currency"]: r.record["valid_from"] for r in plan.rows}
    assert read["XAB"] == dt.date(2027, 3, 4)
