"""The demo data set: loaded from the spreadsheets in ``resources/demo/`` through the same
import a buyer uses (``services.importing``), so loading the demo also proves the import.

The files are what an operator turning Bitcoin-mining sites into AI data centres would keep
(``resources/demo/README.md`` says which figures come from the public record and which are
illustrative): sites and their capacity steps, vendors with their payment schedules, products,
lead-time quotes, FX rates, PPAs, customer contracts, deployments with their bills of parts,
the purchase-order book (``orders.xlsx``, with the vendors' first dates) and the vendors'
revised ship dates since (``eta_updates.xlsx``, so the ETA history shows the slips).

Every date in the files is written as of ``ANCHOR``; loaded on another day, each date moves by
the same number of days (in a copy of the file, the copy being what is imported), so the
picture is always current: some orders arrived, some are late, some slipped, a PPA's notice
deadline is near, and several contracts and clusters are short of GPUs, parts or power.

Two things are not import kinds and are read here from their files: the company letterhead
(``company.csv``, settings) and the customers (``customers.csv``, through ``services.records``).
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import tempfile
from pathlib import Path

import openpyxl
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import (
    CustomerContract,
    Deployment,
    ImportBatch,
    OrderLine,
    Ppa,
    Product,
    PurchaseOrder,
    Site,
    Vendor,
)
from services import importing, records, settings
from services.audit import Actor
from services.errors import RackbookError

FOLDER = Path(__file__).resolve().parent.parent / "resources" / "demo"
LOGO = Path(__file__).resolve().parent.parent / "resources" / "demo_logo.png"

# The day the files' dates are written as of.
ANCHOR = dt.date(2026, 12, 7)

# The files imported, in the order their records name each other, and the kind of each.
IMPORTS: tuple[tuple[str, str], ...] = (
    ("sites.csv", "sites"),
    ("site_capacity.csv", "site_capacity"),
    ("vendors.csv", "vendors"),
    ("products.csv", "products"),
    ("leadtimes.csv", "leadtimes"),
    ("fxrates.csv", "fxrates"),
    ("ppas.csv", "ppas"),
    ("contracts.csv", "contracts"),
    ("deployments.csv", "deployments"),
    ("deployment_parts.csv", "deployment_parts"),
    ("orders.xlsx", "orders"),
    ("eta_updates.xlsx", "orders"),
)

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def load(session: Session, actor: Actor, today: dt.date | None = None) -> str:
    """Load the demo data set into an empty database, in the caller's transaction; returns
    a one-line summary."""
    if session.scalar(select(func.count()).select_from(Site)):
        raise RackbookError(
            "the database already holds sites; the demo data loads into an empty database only"
        )
    shift = (today or dt.date.today()) - ANCHOR
    demo_actor = Actor(actor.user, source="demo")
    _letterhead(session, demo_actor)
    with tempfile.TemporaryDirectory(prefix="rackbook-demo-") as folder:
        for name, kind in IMPORTS:
            if kind == "contracts":
                _customers(session, demo_actor)
            _import(session, _dated(FOLDER / name, shift, Path(folder)), kind, actor.user)
    session.flush()
    return _summary(session)


def _import(session: Session, path: Path, kind: str, user: str) -> None:
    report = importing.import_file(session, path, importing.ImportRequest(kind=kind), user)
    if not report.ok:
        problems = [str(p) for sheet in report.sheets for p in sheet.plan.problems]
        raise RackbookError(
            f"the demo file {path.name} was refused; nothing was loaded: " + "; ".join(problems)
        )


def _dated(source: Path, shift: dt.timedelta, folder: Path) -> Path:
    """``source`` itself when its dates stand as written, else a copy in ``folder`` (under
    the same name) with every date moved by ``shift``."""
    if not shift:
        return source
    target = folder / source.name
    if source.suffix == ".csv":
        with source.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        moved = [[_moved_text(cell, shift) for cell in row] for row in rows]
        with target.open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle, lineterminator="\n").writerows(moved)
    else:
        workbook = openpyxl.load_workbook(source)
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if isinstance(cell.value, dt.date):
                        cell.value = cell.value + shift
        workbook.save(target)
    return target


def _moved_text(cell: str, shift: dt.timedelta) -> str:
    if not _ISO_DATE.fullmatch(cell):
        return cell
    return (dt.date.fromisoformat(cell) + shift).isoformat()


def _rows(name: str) -> list[dict[str, str]]:
    with (FOLDER / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _letterhead(session: Session, actor: Actor) -> None:
    """The operator's letterhead on its purchase orders, where the database has none yet."""
    company = settings.get_all(session)
    for row in _rows("company.csv"):
        if not company[row["setting"]]:
            settings.set_value(session, row["setting"], row["value"], actor)
    if company["company_logo"] is None and LOGO.is_file():
        logo = settings.logo_from_bytes(LOGO.name, LOGO.read_bytes())
        settings.set_value(session, "company_logo", logo, actor)


def _customers(session: Session, actor: Actor) -> None:
    """Customers are not an import kind (a contract's import names a new one by name only):
    the demo's, with their country and contact, go in before their contracts."""
    for row in _rows("customers.csv"):
        records.create(session, "customers", {k: v or None for k, v in row.items()}, actor)


def _summary(session: Session) -> str:
    def count(model: type) -> int:
        return session.scalar(select(func.count()).select_from(model)) or 0

    return (
        f"{count(Site)} sites, {count(Vendor)} vendors, {count(Product)} products, "
        f"{count(PurchaseOrder)} purchase orders with {count(OrderLine)} lines, "
        f"{count(Ppa)} PPAs, {count(CustomerContract)} customer contracts, "
        f"{count(Deployment)} deployments; imported from {len(IMPORTS)} files in "
        f"{count(ImportBatch)} import batches"
    )
