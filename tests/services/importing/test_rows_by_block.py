"""The planner takes a block's plain data rows together (``_Planner._new_rows``: their
records made and names resolved a column at a time) and every other row one by one; either
way a row gets the same plan. Files mixing new lines, stored lines (unchanged and changed),
hidden rows, totals and blank rows, unreadable and mistyped cells, unknown names and repeated
keys are planned both ways and compared row by row."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from models.database import Database
from services import importing
from services.importing import plan as planning
from tests.services.importing.conftest import build_world, run_import

HEADERS = ["PO", "Line", "SKU", "Qty", "Unit Price", "Order Date", "Promised", "ETA", "Site"]
SKUS = ["AS-8125GS", "SYS-821GE"]
SITES = ["Panther Creek", "Moses Lake", "Rio Cuarto"]


def _lines(rng: random.Random, count: int, per_order: int = 3) -> list[list[Any]]:
    lines = []
    for n in range(count):
        po, line = divmod(n, per_order)
        ordered = dt.datetime(2027, 1, 4) + dt.timedelta(days=po % 20)
        promised = ordered + dt.timedelta(days=rng.randrange(30, 90))
        lines.append(
            [
                f"PO-{po:04d}",
                line + 1,
                rng.choice(SKUS),
                rng.randrange(1, 12),
                round(rng.uniform(1000, 9000), 2),
                ordered,
                promised if rng.random() < 0.8 else None,
                promised + dt.timedelta(days=rng.randrange(-5, 20)),
                SITES[po % len(SITES)],
            ]
        )
    return lines


def _spoiled(rng: random.Random, lines: list[list[Any]]) -> list[list[Any]]:
    """The lines with a vendor's mistakes among them: unreadable and refused cells, unknown
    names, a repeated key, changed quantities and dates."""
    out = [list(line) for line in lines]
    for line in out:
        roll = rng.random()
        if roll < 0.04:
            line[3] = "n/a"  # unreadable quantity
        elif roll < 0.07:
            line[4] = -5  # a price below 0
        elif roll < 0.10:
            line[8] = "Panther Crek"  # an unknown site
        elif roll < 0.12:
            line[2] = "NO-SUCH-SKU"
        elif roll < 0.14:
            line[6] = line[5] - dt.timedelta(days=3)  # promised before ordered
        elif roll < 0.30:
            line[3] = line[3] + 1  # a changed quantity
        elif roll < 0.40:
            line[7] = line[7] + dt.timedelta(days=7)  # a moved ETA
        elif roll < 0.42:
            line[1] = 99.5  # a line number that is no whole number
    out.append(list(out[5]))  # a key given twice
    return out


def _workbook(path: Path, rows: list[list[Any]], rng: random.Random | None = None) -> Path:
    """A sheet "Backlog" of ``rows`` under HEADERS; with ``rng``, blank, totals and hidden
    rows among them."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Backlog"
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
        if rng is not None and rng.random() < 0.03:
            sheet.append([])  # a blank row
        if rng is not None and rng.random() < 0.02:
            sheet.append(["Total", None, None, 42])
    if rng is not None:
        for number in rng.sample(range(3, sheet.max_row), 4):
            sheet.row_dimensions[number].hidden = True
    book.save(path)
    return path


def _plan(database: Database, path: Path) -> importing.Plan:
    workbook = importing.read_file(path)
    sheet = workbook.sheet("Backlog")
    with database.session() as session:
        fit = importing.choose_sheets(workbook, "orders", given=("vendor",))[0]
        mapping = importing.match_headers(
            sheet, "orders", fit.header_row, {}, {"vendor": "Supermicro"}
        )
        return importing.plan_import(session, sheet, mapping, file=path.name)


def _shape(plan: importing.Plan) -> list[Any]:
    return [
        (
            r.row,
            r.index,
            r.action,
            r.key,
            r.record,
            [(c.field, c.old, c.new) for c in r.changes],
            [(p.field, p.value, p.reason, p.row, p.column) for p in r.problems],
            r.existing,
            r.refs,
            r.promise_note,
        )
        for r in plan.rows
    ] + [plan.skipped, plan.notes]


@pytest.mark.parametrize("seed", range(4))
def test_a_block_at_a_time_plans_every_row_as_one_at_a_time(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    build_world(database)
    rng = random.Random(seed)
    lines = _lines(rng, 150)
    stored = _workbook(tmp_path / "stored.xlsx", lines[:60], random.Random(99))
    report = run_import(database, stored, kind="orders", vendor="Supermicro", skip_invalid=True)
    assert report.ok
    path = _workbook(tmp_path / "week.xlsx", _spoiled(rng, lines), rng)
    # Blocks of a few rows, so that hidden, totals and mistaken rows fall on their edges.
    monkeypatch.setattr(planning, "PROGRESS_EVERY", 7)
    taken: list[int] = []
    new_rows = planning._Planner._new_rows

    def counted(self: Any, start: int, block: list[Any]) -> list[Any]:
        found = new_rows(self, start, block)
        taken.append(sum(r is not None for r in found))
        return found

    monkeypatch.setattr(planning._Planner, "_new_rows", counted)
    by_block = _plan(database, path)
    assert sum(taken) > 100  # most rows went a block at a time
    monkeypatch.setattr(
        planning._Planner, "_new_rows", lambda self, start, block: [None] * len(block)
    )
    one_by_one = _plan(database, path)
    assert _shape(by_block) == _shape(one_by_one)
    counts = by_block.counts
    assert all(counts[a] for a in ("create", "update", "unchanged", "rejected")), counts
    assert by_block.skipped


def test_the_lines_of_one_order_must_agree_on_its_header(
    database: Database, tmp_path: Path
) -> None:
    """One purchase order has one site, vendor, order date and currency: a line that gives
    another is refused, naming the line that came first; the lines that agree are kept."""
    build_world(database)
    rng = random.Random(5)
    lines = _lines(rng, 9)  # PO-0000, PO-0001, PO-0002, three lines each
    lines[4][8] = "Panther Creek" if lines[4][8] != "Panther Creek" else "Moses Lake"
    plan = _plan(database, _workbook(tmp_path / "split.xlsx", lines))
    rejected = [r for r in plan.rows if r.action == "rejected"]
    assert [r.row for r in rejected] == [6]
    (problem,) = rejected[0].problems
    assert problem.field == "site" and problem.column == "Site"
    assert problem.reason == (
        f"PO PO-0001 has site {lines[3][8]!r} on row 5; one purchase order has one value"
    )
    assert plan.counts["create"] == 8
