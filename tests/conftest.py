"""Shared fixtures: a fresh database per test on SQLite and, when configured, PostgreSQL.

Each backend's schema is migrated once per run into a template (a SQLite file, a PostgreSQL
template database) and copied for every test, so tests stay fast and fully isolated.
PostgreSQL tests run when RACKBOOK_TEST_PG_URL names a server (CI sets it); they skip with a
reason otherwise, and fail in CI, where a skipped database would hide a broken suite.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url

from models.database import Database, open_database
from models.migrate import sqlite_backup
from services import paths
from services.audit import Actor

PG_ENV = "RACKBOOK_TEST_PG_URL"
BACKENDS = ("sqlite", "postgresql")


def pg_server_url() -> URL | None:
    raw = os.environ.get(PG_ENV)
    if not raw:
        if os.environ.get("CI"):
            pytest.fail(f"{PG_ENV} is not set in CI: the PostgreSQL tests must run there")
        return None
    url = make_url(raw)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    # Tests need isolation, not durability across a server crash: skipping the WAL flush at
    # each commit makes the PostgreSQL half of the suite several times faster.
    return url.update_query_dict({"options": "-c synchronous_commit=off"})


def _admin_execute(server: URL, statement: str) -> None:
    engine = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(statement))
    finally:
        engine.dispose()


def create_pg_database(template: str | None = None) -> URL:
    """A new, empty (or template-copied) PostgreSQL database on the test server."""
    server = pg_server_url()
    assert server is not None
    name = f"rackbook_t_{uuid.uuid4().hex[:12]}"
    suffix = f" TEMPLATE {template}" if template else ""
    _admin_execute(server, f'CREATE DATABASE "{name}"{suffix}')
    return server.set(database=name)


def drop_pg_database(url: URL) -> None:
    server = pg_server_url()
    assert server is not None
    _admin_execute(server, f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')


@pytest.fixture(autouse=True)
def rackbook_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Every path Rackbook uses points into a temporary folder during a test."""
    home = tmp_path_factory.mktemp("home")
    paths.set_home(home)
    yield home
    paths.set_home(None)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    open_database(path).dispose()
    return path


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    if pg_server_url() is None:
        pytest.skip(f"PostgreSQL not configured: set {PG_ENV} (CI does)")
    url = create_pg_database()
    open_database(url.render_as_string(hide_password=False)).dispose()
    yield str(url.database)
    while _pg_pool:
        drop_pg_database(_pg_pool.pop())
    drop_pg_database(url)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def sqlite_demo_template(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo-template") / "demo.db"
    sqlite_backup(sqlite_template, path)
    _load_demo(str(path))
    return path


@pytest.fixture(scope="session")
def pg_demo_template(pg_template: str) -> Iterator[str]:
    url = create_pg_database(template=pg_template)
    _load_demo(url.render_as_string(hide_password=False))
    yield str(url.database)
    drop_pg_database(url)


def _load_demo(location: str) -> None:
    from services import demo

    database = open_database(location)
    with database.write() as session:
        demo.load(session, Actor("demo"))
    database.dispose()


# Empty PostgreSQL test databases are recycled: emptied with one TRUNCATE (milliseconds)
# instead of dropped and created again from the template (about a second each).
_pg_pool: list[URL] = []


def _take_empty_pg(template_name: str) -> URL:
    return _pg_pool.pop() if _pg_pool else create_pg_database(template=template_name)


def _recycle_empty_pg(url: URL) -> None:
    from models import Base
    from models.migrate import current_revision, head_revision

    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
            tables = set(
                conn.execute(
                    text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
                ).scalars()
            )
            expected = set(Base.metadata.tables) | {"alembic_version"}
            reusable = tables == expected and current_revision(conn) == head_revision()
            if reusable:
                # DELETE beats TRUNCATE on a few rows: TRUNCATE makes new files per table.
                for table in reversed(Base.metadata.sorted_tables):
                    conn.execute(table.delete())
                conn.execute(
                    text(
                        "SELECT setval(c.oid, 1, false) FROM pg_class c "
                        "WHERE c.relkind = 'S' AND c.relnamespace = 'public'::regnamespace"
                    )
                )
    finally:
        engine.dispose()
    if reusable:
        _pg_pool.append(url)
    else:
        drop_pg_database(url)


def _fresh_copy(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path, demo: bool
) -> Iterator[str]:
    if backend == "sqlite":
        template: Path = request.getfixturevalue(
            "sqlite_demo_template" if demo else "sqlite_template"
        )
        target = tmp_path / ("demo.db" if demo else "rackbook.db")
        sqlite_backup(template, target)
        yield str(target)
        return
    if demo:
        url = create_pg_database(template=request.getfixturevalue("pg_demo_template"))
        try:
            yield url.render_as_string(hide_password=False)
        finally:
            drop_pg_database(url)
        return
    url = _take_empty_pg(request.getfixturevalue("pg_template"))
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        _recycle_empty_pg(url)


@pytest.fixture
def db_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL (or SQLite path) of a fresh, migrated, empty database on the backend under test."""
    yield from _fresh_copy(backend, request, tmp_path, demo=False)


@pytest.fixture
def demo_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh copy of a database holding the demo data set (loaded once per run, as of today)."""
    yield from _fresh_copy(backend, request, tmp_path, demo=True)


@pytest.fixture
def demo_database(demo_url: str) -> Iterator[Database]:
    db = open_database(demo_url)
    yield db
    db.dispose()


@pytest.fixture
def database(db_url: str) -> Iterator[Database]:
    db = open_database(db_url)
    yield db
    db.dispose()


@pytest.fixture
def actor() -> Actor:
    return Actor("tester")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and callspec.params.get("backend") == "postgresql":
            item.add_marker(pytest.mark.pg)
