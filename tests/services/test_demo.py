"""The demo data set is data (resources/demo/), loaded through the import buyers use: every
file is an import batch, its records are created by that batch, the vendors' revised dates
are ETA changes of a batch, and the files ship with the package."""

from __future__ import annotations

import datetime as dt
import fnmatch
import tomllib
from pathlib import Path

from sqlalchemy import func, select

from models import AuditEntry, EtaChange, ImportBatch, OrderLine, PurchaseOrder, Site
from models.database import Database
from services import demo, records
from tests.services.alerts.world import ACTOR

ROOT = Path(__file__).resolve().parents[2]


def test_every_demo_file_is_an_import_batch_that_created_its_records(
    demo_database: Database,
) -> None:
    with demo_database.session() as session:
        batches = session.scalars(select(ImportBatch).order_by(ImportBatch.id)).all()
        assert [(b.file_name, b.kind) for b in batches] == list(demo.IMPORTS)
        assert all(b.rejected == 0 and b.finished_at is not None for b in batches)
        by_file = {b.file_name: b for b in batches}
        assert by_file["sites.csv"].created == 13
        clusters = records.list_records(session, "deployments")
        assert by_file["deployments.csv"].created == len(clusters)
        lines = session.scalar(select(func.count()).select_from(OrderLine))
        assert by_file["orders.xlsx"].created == lines
        # The vendors' revised ship dates update lines and nothing else.
        updates = by_file["eta_updates.xlsx"]
        assert updates.created == 0 and updates.updated > 0
        moved = session.scalars(
            select(EtaChange).where(EtaChange.import_batch_id == updates.id)
        ).all()
        assert len(moved) == updates.updated
        assert all(m.old_date is not None and m.new_date != m.old_date for m in moved)
        # A record's history names the batch that created it.
        created = session.execute(
            select(Site.created_batch_id, func.count()).group_by(Site.created_batch_id)
        ).all()
        assert created == [(by_file["sites.csv"].id, 13)]
        # Creation is the batch's: no audit entry per created record (updates have theirs).
        assert not session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "create", AuditEntry.entity == "sites")
        )
        assert session.scalar(select(func.count()).select_from(PurchaseOrder)) == 63


def test_dates_move_with_the_day_the_demo_is_built(database: Database) -> None:
    day = dt.date(2025, 3, 10)
    shift = day - demo.ANCHOR
    with database.write() as session:
        summary = demo.load(session, ACTOR, today=day)
        steps = records.list_records(session, "site_capacity")
        batches = session.scalars(select(ImportBatch)).all()
    assert "13 sites" in summary and f"{len(demo.IMPORTS)} import batches" in summary
    assert len(batches) == len(demo.IMPORTS)
    # As written in the file: 2027-03-27 and 2028-06-29 as of the anchor day.
    assert sorted(s["from_date"] for s in steps) == [
        dt.date(2027, 3, 27) + shift,
        dt.date(2028, 6, 29) + shift,
    ]


def test_the_demo_files_ship_with_the_package() -> None:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        package_data = tomllib.load(handle)["tool"]["setuptools"]["package-data"]
    patterns = package_data.get("resources", []) + package_data.get("*", [])
    files = [name for name, _ in demo.IMPORTS] + ["company.csv", "customers.csv", "README.md"]
    for name in files:
        assert (demo.FOLDER / name).is_file(), name
        assert any(fnmatch.fnmatch(f"demo/{name}", p) for p in patterns), name
