"""An import's new records are written while the rest of its sheet is planned
(``writer.StreamedWrite``): the tables it leaves are those the plan written at the end
(``writer.commit``) leaves, row for row; a row refused after streaming began (a rejected row, a
key the file repeats, a cancel) leaves nothing written, as before."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from models import ImportBatch, OrderLine, PurchaseOrder
from models.database import Database
from services import importing
from services.importing import ImportRequest, writer
from services.importing import plan as planning
from tests.services.importing.conftest import build_world, run_import
from tests.services.importing.test_rows_by_block import _lines as by_block_lines

HEADERS = [
    "PO",
    "Line",
    "SKU",
    "Qty",
    "Unit Price",
    "Order Date",
    "Promised",
    "ETA",
    "Site",
    "Status",
]


def _lines(count: int) -> list[list[Any]]:
    """``count`` lines, seven to an order (so that an order's lines cross the blocks' and
    the inserts' boundaries), with a status column: an order's first two lines cancelled,
    its later ones placed, so that the status its order was given when its first lines were
    written is wrong once the later ones come."""
    lines = by_block_lines(random.Random(1), count, per_order=7)
    for line in lines:
        line[0] = f"PO-{int(line[0][3:]):05d}"
        line.append("cancelled" if line[1] <= 2 else "placed")
    return lines


def _book(path: Path, rows: list[list[Any]]) -> Path:
    """A sheet "Backlog" of ``rows`` under HEADERS."""
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Backlog")
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def _watch(patch: pytest.MonkeyPatch) -> list[bool]:
    """One entry per sheet whose write ``finish`` was asked for: whether it streamed to
    the end (False: it fell back to writing the plan at the end)."""
    seen: list[bool] = []
    finish = writer.StreamedWrite.finish

    def watched(self: writer.StreamedWrite, plan: importing.Plan) -> Any:
        result = finish(self, plan)
        seen.append(result is not None)
        return result

    patch.setattr(writer.StreamedWrite, "finish", watched)
    return seen


@pytest.fixture
def streamed(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    return _watch(monkeypatch)


def _small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Blocks of 50 rows and inserts of 120: a few hundred lines stream in several parts."""
    monkeypatch.setattr(planning, "PROGRESS_EVERY", 50)
    monkeypatch.setattr(writer, "CHUNK", 120)


def _request(**given: Any) -> ImportRequest:
    return ImportRequest(**_kw(**given))


def _tables(session: Session) -> dict[str, list[tuple[Any, ...]]]:
    """What an import leaves, ids replaced by what they name (a PostgreSQL sequence's
    values are not given back by a rollback, so two runs' ids differ)."""
    batches = {
        row.id: index
        for index, row in enumerate(
            session.execute(text("SELECT id FROM import_batch ORDER BY id"))
        )
    }

    def rows(sql: str) -> list[tuple[Any, ...]]:
        found = [
            tuple(batches.get(v, v) if k.endswith("batch_id") else v for k, v in r._mapping.items())
            for r in session.execute(text(sql))
        ]
        return sorted(found, key=repr)

    stamp = "created_by, updated_by, version"
    return {
        "orders": rows(
            "SELECT po_number, vendor_id, site_id, order_date, currency, status, "
            f"payment_schedule, notes, {stamp}, created_batch_id FROM purchase_order"
        ),
        "lines": rows(
            "SELECT o.po_number, l.line_no, l.product_id, l.description, l.quantity, "
            "l.unit_price, l.requested_date, l.promised_date, l.eta, l.first_commitment, "
            "l.received_qty, l.received_date, l.status, l.notes, l.created_by, l.updated_by, "
            "l.version, l.created_batch_id "
            "FROM order_line l JOIN purchase_order o ON o.id = l.order_id"
        ),
        "eta": rows(
            "SELECT o.po_number, l.line_no, e.old_date, e.new_date, e.changed_by, e.source, "
            "e.import_batch_id FROM eta_change e JOIN order_line l ON l.id = e.order_line_id "
            "JOIN purchase_order o ON o.id = l.order_id"
        ),
        "audit": rows(
            'SELECT entity, entity_key, action, field, old_value, new_value, "user", source, '
            "import_batch_id, reason FROM audit_entry"
        ),
        "batches": rows(
            'SELECT file_name, sheet, kind, "user", created, updated, unchanged, rejected, '
            "undone_at FROM import_batch"
        ),
    }


def _both_ways(
    database: Database, monkeypatch: pytest.MonkeyPatch, path: Path, **given: Any
) -> tuple[Any, Any, list[bool]]:
    """The tables importing ``path`` leaves, streamed and written at the end (each rolled
    back after it is read), and whether each sheet's write was streamed."""
    seen: list[bool] = []
    answers = []
    for kinds in (writer.STREAMED_KINDS, frozenset()):
        with monkeypatch.context() as patch:
            watched = _watch(patch)
            patch.setattr(writer, "STREAMED_KINDS", kinds)
            with database.write() as session:
                report = importing.import_file(session, path, _request(**given), "tester")
                answers.append(
                    (report.ok, [s.plan.counts for s in report.sheets], _tables(session))
                )
                session.rollback()
            seen += watched
    return answers[0], answers[1], seen


def test_a_first_import_streamed_leaves_the_tables_the_plan_written_at_the_end_leaves(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_world(database)
    path = _book(tmp_path / "first.xlsx", _lines(12_000))
    streamed_way, at_the_end, seen = _both_ways(database, monkeypatch, path)
    assert seen == [True]  # the first way streamed (the second never tries)
    assert streamed_way == at_the_end
    ok, (counts,), tables = streamed_way
    assert ok and counts["create"] == 12_000
    # An order whose lines straddle the first hand-over (rows 6,000 and 6,001 of the sheet)
    # and was created cancelled from its first lines is open once its placed lines came.
    assert ("PO-00857", 1) in {(r[0], r[1]) for r in tables["lines"]}
    statuses = {r[0]: r[5] for r in tables["orders"]}
    assert statuses.pop("PO-01714") == "cancelled"  # the last order's two lines only
    assert set(statuses.values()) == {"open"}
    assert len(tables["orders"]) == -(-12_000 // 7)
    # Creation is recorded by the batch (DESIGN.md §5): no audit row of the import's.
    assert [r for r in tables["audit"] if r[8] is not None] == []


def test_a_re_import_streamed_adds_lines_to_stored_orders_and_updates_as_at_the_end(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _small_blocks(monkeypatch)
    build_world(database)
    lines = _lines(700)
    assert run_import(database, _book(tmp_path / "stored.xlsx", lines[:300]), **_kw()).ok
    week = [list(line) for line in lines]
    for line in week[:300:5]:
        line[3] += 1  # a changed quantity
    for line in week[1:300:7]:
        line[7] += dt.timedelta(days=9)  # a moved ETA
    week[298][9] = "received"  # a stored order's status moves with its line
    path = _book(tmp_path / "week.xlsx", week)
    streamed_way, at_the_end, seen = _both_ways(database, monkeypatch, path)
    assert seen == [True]
    assert streamed_way == at_the_end
    ok, (counts,), tables = streamed_way
    assert ok and counts["create"] == 400 and counts["update"] > 60
    assert tables["eta"] and tables["audit"]
    # PO-00042 is the list's lines 295 to 301: six stored, the seventh new, one order.
    assert len([r for r in tables["lines"] if r[0] == "PO-00042"]) == 7


def _kw(**given: Any) -> dict[str, Any]:
    return {"kind": "orders", "vendor": "Supermicro", **given}


def _nothing_written(database: Database) -> None:
    with database.session() as session:
        for model in (ImportBatch, PurchaseOrder, OrderLine):
            assert session.scalars(select(model)).first() is None, model


def test_a_key_repeated_after_streaming_began_leaves_nothing_written(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, streamed: list[bool]
) -> None:
    _small_blocks(monkeypatch)
    build_world(database)
    lines = _lines(600)
    lines.append(list(lines[10]))  # line 11's key again, long after line 11 was written
    report = run_import(database, _book(tmp_path / "twice.xlsx", lines), **_kw())
    assert not report.ok
    (sheet,) = report.sheets
    rejected = [r for r in sheet.plan.rows if r.action == "rejected"]
    # Both of the key's rows are refused (neither is taken for the other), the first of
    # them long since handed to the database.
    assert [r.row for r in rejected] == [12, 602]
    assert streamed == []  # the refused row ended the sheet before any finish
    _nothing_written(database)


def test_a_rejected_row_after_streaming_began_leaves_nothing_written(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, streamed: list[bool]
) -> None:
    _small_blocks(monkeypatch)
    build_world(database)
    lines = _lines(600)
    lines[450][3] = "n/a"  # an unreadable quantity, after several hand-overs
    report = run_import(database, _book(tmp_path / "bad.xlsx", lines), **_kw())
    assert not report.ok
    assert [(p.row, p.column, p.value) for p in report.sheets[0].plan.problems] == [
        (452, "Qty", "n/a")
    ]
    _nothing_written(database)
    # The database takes the file once it is mended, streamed.
    lines[450][3] = 3
    assert run_import(database, _book(tmp_path / "mended.xlsx", lines), **_kw()).ok
    assert streamed == [True]
    with database.session() as session:
        assert len(session.scalars(select(OrderLine)).all()) == 600


def test_skipping_invalid_rows_with_a_late_repeat_writes_what_writing_at_the_end_writes(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _small_blocks(monkeypatch)
    build_world(database)
    lines = _lines(600)
    lines[300][3] = "n/a"
    lines.append(list(lines[10]))
    path = _book(tmp_path / "skip.xlsx", lines)
    streamed_way, at_the_end, _ = _both_ways(database, monkeypatch, path, skip_invalid=True)
    assert streamed_way == at_the_end
    ok, (counts,), tables = streamed_way
    assert ok and counts["rejected"] >= 2
    assert len(tables["lines"]) == counts["create"]
    assert tables["batches"][0][4:8] == (
        counts["create"],
        counts["update"],
        counts["unchanged"],
        counts["rejected"],
    )


def test_a_cancel_after_streaming_began_leaves_nothing_written_and_the_session_usable(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _small_blocks(monkeypatch)
    build_world(database)
    path = _book(tmp_path / "long.xlsx", _lines(900))
    asked = []

    def cancel() -> bool:
        asked.append(1)
        return len(asked) > 10  # after 500 rows: four hand-overs made

    with database.write() as session:
        with pytest.raises(importing.ImportCancelled):
            importing.import_file(session, path, _request(), "tester", cancel=cancel)
        assert session.scalars(select(OrderLine)).first() is None
        # The same transaction goes on: the file imported in it after all.
        report = importing.import_file(session, path, _request(), "tester")
        assert report.ok and report.sheets[0].plan.counts["create"] == 900
    with database.session() as session:
        assert len(session.scalars(select(OrderLine)).all()) == 900
        assert len(session.scalars(select(ImportBatch)).all()) == 1


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_on_postgresql_a_first_import_draws_as_many_ids_as_it_writes(
    database: Database, tmp_path: Path, streamed: list[bool]
) -> None:
    """A sequence's values are not given back: the ids drawn ahead are never more than the
    rows the sheet has left."""
    build_world(database)
    path = _book(tmp_path / "first.xlsx", _lines(23_000))
    assert run_import(database, path, **_kw()).ok
    assert streamed == [True]
    with database.session() as session:
        last = {
            name: session.execute(text(f"SELECT last_value FROM {name}_id_seq")).scalar_one()
            for name in ("order_line", "purchase_order")
        }
        assert last == {"order_line": 23_000, "purchase_order": -(-23_000 // 7)}
        assert session.execute(text("SELECT max(id) FROM order_line")).scalar_one() == 23_000
