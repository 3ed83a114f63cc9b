"""Export then import back, through the real import: every kind comes back unchanged."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from models.database import Database, open_database
from models.migrate import sqlite_backup
from services import exporting, importing, records
from services.schema import IMPORT_KINDS, WRITE_ORDER
from tests.conftest import create_pg_database, drop_pg_database
from tests.services.exporting.world import hostile_world

# The plain list export of each importable kind (``export contracts`` is the summary).
EXPORT_OF = {kind: ("contract-list" if kind == "contracts" else kind) for kind in IMPORT_KINDS}


@pytest.fixture
def world(database: Database) -> Database:
    with database.write() as session:
        hostile_world(session)
    return database


@pytest.fixture
def empty_database(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[Database]:
    """A second fresh database on the same backend, to import the exports into."""
    if backend == "sqlite":
        target = tmp_path / "second.db"
        sqlite_backup(request.getfixturevalue("sqlite_template"), target)
        db = open_database(target)
        yield db
        db.dispose()
        return
    url = create_pg_database(template=request.getfixturevalue("pg_template"))
    db = open_database(url.render_as_string(hide_password=False))
    try:
        yield db
    finally:
        db.dispose()
        drop_pg_database(url)


def _import(database: Database, path: Path, kind: str) -> importing.ImportReport:
    with database.write() as session:
        report = importing.import_file(session, path, importing.ImportRequest(kind=kind), "tester")
        assert report.ok, [str(p) for s in report.sheets for p in s.plan.problems]
    return report


def _comparable(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # Row ids, versions and the order's id are the database's own, not the record's.
    return [{k: v for k, v in r.items() if k not in ("id", "version", "order_id")} for r in rows]


def test_importing_an_export_into_its_own_database_changes_nothing(
    world: Database, tmp_path: Path, subtests: pytest.Subtests
) -> None:
    for kind in IMPORT_KINDS:
        with subtests.test(kind=kind):
            _check_reimport(world, tmp_path, kind)


def _check_reimport(world: Database, tmp_path: Path, kind: str) -> None:
    out = tmp_path / f"{kind}.xlsx"
    exporting.export(world, EXPORT_OF[kind], out)
    with world.session() as session:
        before = records.list_records(session, kind)

    report = _import(world, out, kind)

    (sheet,) = report.sheets
    assert sheet.plan.counts == {"create": 0, "update": 0, "unchanged": len(before), "rejected": 0}
    with world.session() as session:
        assert records.list_records(session, kind) == before


def test_every_kind_exported_and_imported_into_an_empty_database_comes_back_equal(
    world: Database, empty_database: Database, tmp_path: Path
) -> None:
    for kind in WRITE_ORDER:  # in dependency order: sites and vendors before orders
        out = tmp_path / f"{kind}.xlsx"
        exporting.export(world, EXPORT_OF[kind], out)
        report = _import(empty_database, out, kind)
        assert report.sheets[0].plan.count("create") > 0
    for kind in IMPORT_KINDS:
        with world.session() as session:
            original = _comparable(records.list_records(session, kind))
        with empty_database.session() as session:
            imported = _comparable(records.list_records(session, kind))
        assert imported == original, kind
