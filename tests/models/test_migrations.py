"""Migrations: one head, upgrade of an empty and a populated database, models match the
migrations, up/down round trip, and a migration that fails halfway changes nothing."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import func, inspect, select

from models import Base, OrderLine, PurchaseOrder
from models.database import open_database
from models.migrate import (
    HEAD_REVISION,
    MigrationError,
    alembic_config,
    downgrade,
    head_revision,
    upgrade,
)
from services import demo
from services.audit import Actor


def test_single_head() -> None:
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    assert len(heads) == 1
    assert head_revision() == heads[0]
    # A database at this revision opens without reading the scripts: a new migration must
    # move the constant with it.
    assert heads[0] == HEAD_REVISION, "set models.migrate.HEAD_REVISION to the new head"


def test_a_database_at_the_head_opens_without_alembic(tmp_path) -> None:
    """The command line's start-up: opening a current database imports no Alembic (nor the
    Mako and Pygments it brings); an older one is still migrated (the other tests)."""
    import subprocess
    import sys

    path = tmp_path / "current.db"
    open_database(path).dispose()
    probe = (
        "import sys; from models.database import open_database; "
        f"open_database({str(path)!r}).dispose(); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('alembic', 'mako')))"
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=root, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


def _empty_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    if backend == "sqlite":
        return str(tmp_path / "empty.db")
    from tests.conftest import create_pg_database, drop_pg_database, pg_server_url

    if pg_server_url() is None:
        pytest.skip("PostgreSQL not configured: set RACKBOOK_TEST_PG_URL (CI does)")
    url = create_pg_database()
    request.addfinalizer(lambda: drop_pg_database(url))
    return url.render_as_string(hide_password=False)


def test_upgrade_empty_database_matches_models(backend, tmp_path, request) -> None:
    database = open_database(_empty_url(backend, tmp_path, request))
    try:
        with database.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
            tables = set(inspect(connection).get_table_names())
        assert differences == []
        assert set(Base.metadata.tables) <= tables
    finally:
        database.dispose()


def test_downgrade_to_base_and_up_again(backend, tmp_path, request) -> None:
    database = open_database(_empty_url(backend, tmp_path, request))
    try:
        downgrade(database, "base")
        with database.engine.connect() as connection:
            assert set(inspect(connection).get_table_names()) <= {"alembic_version"}
        upgrade(database)
        with database.engine.connect() as connection:
            assert set(Base.metadata.tables) <= set(inspect(connection).get_table_names())
    finally:
        database.dispose()


def _write_migration(folder: Path, body: str) -> None:
    """A migration on top of Rackbook's head, kept outside the real versions folder."""
    folder.mkdir(exist_ok=True)
    steps = textwrap.indent(textwrap.dedent(body).strip(), "    ")
    source = "\n".join(
        [
            "import sqlalchemy as sa",
            "from alembic import op",
            "",
            'revision = "9001"',
            f"down_revision = {head_revision()!r}",
            "branch_labels = None",
            "depends_on = None",
            "",
            "",
            "def upgrade():",
            steps,
            "",
            "",
            "def downgrade():",
            '    mode = "always" if op.get_bind().dialect.name == "sqlite" else "auto"',
            '    with op.batch_alter_table("purchase_order", recreate=mode) as batch:',
            '        batch.drop_column("buyer")',
            "",
        ]
    )
    (folder / "9001_test_step.py").write_text(source)


BATCH_ALTER_PARENT = """
# SQLite copies the whole table (the dangerous case); PostgreSQL alters it in place.
mode = "always" if op.get_bind().dialect.name == "sqlite" else "auto"
with op.batch_alter_table("purchase_order", recreate=mode) as batch:
    batch.add_column(sa.Column("buyer", sa.String(60), nullable=True))
"""


def _counts(database) -> tuple[int, int]:
    with database.session() as session:
        orders = session.scalar(select(func.count()).select_from(PurchaseOrder)) or 0
        lines = session.scalar(select(func.count()).select_from(OrderLine)) or 0
    return orders, lines


@pytest.fixture
def populated(database):
    with database.write() as session:
        demo.load(session, Actor("tester"))
    return database


def test_upgrade_of_populated_database_keeps_every_row(populated, tmp_path) -> None:
    """A batch migration that recreates purchase_order (the parent of order_line, whose
    foreign key cascades on delete) must keep every order line (docs/traps.md)."""
    before = _counts(populated)
    assert before[1] > 50
    extra = tmp_path / "versions"
    _write_migration(extra, BATCH_ALTER_PARENT)
    config = alembic_config([extra])
    backup = upgrade(populated, config=config)
    assert _counts(populated) == before
    with populated.engine.connect() as connection:
        columns = {c["name"] for c in inspect(connection).get_columns("purchase_order")}
    assert "buyer" in columns
    if populated.is_sqlite:
        # The older schema was saved before the upgrade, with all its rows.
        assert backup is not None and backup.exists()
        copy = open_database(backup, upgrade=False)
        assert _counts(copy) == before
        copy.dispose()
    downgrade(populated, head_revision(), config=config)
    assert _counts(populated) == before


def test_failed_migration_changes_nothing_and_can_be_retried(populated, tmp_path) -> None:
    before = _counts(populated)
    extra = tmp_path / "versions"
    _write_migration(
        extra,
        BATCH_ALTER_PARENT
        + """
op.create_table("half_done", sa.Column("id", sa.Integer, primary_key=True))
raise RuntimeError("power cut halfway")
""",
    )
    config = alembic_config([extra])
    with pytest.raises(MigrationError, match="nothing was changed"):
        upgrade(populated, config=config)
    with populated.engine.connect() as connection:
        tables = set(inspect(connection).get_table_names())
        columns = {c["name"] for c in inspect(connection).get_columns("purchase_order")}
        from models.migrate import current_revision

        assert current_revision(connection) == head_revision()
    assert "half_done" not in tables
    assert not any(t.startswith("_alembic_tmp") for t in tables)
    assert "buyer" not in columns
    assert _counts(populated) == before

    # Fixed, the same migration goes through.
    _write_migration(extra, BATCH_ALTER_PARENT)
    upgrade(populated, config=config)
    assert _counts(populated) == before


def _rows(database, table: str) -> list[tuple]:
    with database.engine.connect() as connection:
        found = connection.execute(
            select(Base.metadata.tables[table]).order_by(Base.metadata.tables[table].c.id)
        )
        return [tuple(row) for row in found]


def _creating_batches(database) -> dict[str, list[tuple[int, int | None]]]:
    with database.engine.connect() as connection:
        return {
            table.name: [
                tuple(row)
                for row in connection.execute(
                    select(table.c.id, table.c.created_batch_id).order_by(table.c.id)
                )
            ]
            for table in Base.metadata.sorted_tables
            if "created_batch_id" in table.c
        }


def test_0007_keeps_the_audit_trail_and_finds_each_records_batch(database, tmp_path) -> None:
    """Records an import created before 0007 have a creation entry and no batch id; after
    the upgrade every audit entry is as it was, each such record names its batch, its
    history shows its creation once, and the batch can still be undone."""
    from services import audit, importing
    from tests.services.importing.conftest import build_world, run_import, supermicro_backlog

    build_world(database)
    report = run_import(
        database, supermicro_backlog(tmp_path / "a.xlsx"), kind="orders", vendor="Supermicro"
    )
    batch = report.sheets[0].result
    assert batch is not None and batch.created == 3
    made = _creating_batches(database)
    assert {b for _, b in made["order_line"]} == {batch.batch_id}
    # Down to 0006: the creations become audit entries, as the older version wrote them.
    downgrade(database, "0006")
    older_trail = _rows(database, "audit_entry")
    assert sum(1 for row in older_trail if row[4] == "create" and row[10] == "import") == 3 + 2

    upgrade(database)

    assert _rows(database, "audit_entry") == older_trail
    assert _creating_batches(database) == made
    with database.session() as session:
        line_id = made["order_line"][0][0]
        trail = audit.history(session, "orders", line_id)
        site_trail = audit.history(session, "sites", made["site"][0][0])
    assert [(h.action, h.import_batch_id) for h in trail] == [("create", batch.batch_id)]
    assert [(h.action, h.import_batch_id) for h in site_trail] == [("create", None)]
    with database.write() as session:
        undone = importing.undo_batch(session, batch.batch_id, "tester")
    assert undone.deleted == 3 + 2  # the lines and their two purchase orders
    assert _counts(database) == (0, 0)


def test_the_deployment_index_holds_reserved_lines_only_and_serves_look_ups(
    backend, tmp_path, request
) -> None:
    """Migration 0008: a line's deployment index leaves out the lines reserved for none (a
    first import writes no entry for them), and a look-up by deployment still uses it."""
    from sqlalchemy import text

    database = open_database(_empty_url(backend, tmp_path, request))
    try:
        with database.engine.connect() as connection:
            if backend == "sqlite":
                made = connection.scalar(
                    text("SELECT sql FROM sqlite_master WHERE name = 'ix_order_line_deployment_id'")
                )
                plan = connection.execute(
                    text("EXPLAIN QUERY PLAN SELECT id FROM order_line WHERE deployment_id = 5")
                ).all()
                used = " ".join(str(step[-1]) for step in plan)
            else:
                made = connection.scalar(
                    text(
                        "SELECT indexdef FROM pg_indexes "
                        "WHERE indexname = 'ix_order_line_deployment_id'"
                    )
                )
                connection.execute(text("SET enable_seqscan = off"))
                plan = connection.execute(
                    text("EXPLAIN SELECT id FROM order_line WHERE deployment_id = 5")
                ).all()
                used = " ".join(str(step[0]) for step in plan)
        assert "WHERE" in made and "deployment_id IS NOT NULL" in made
        assert "ix_order_line_deployment_id" in used
    finally:
        database.dispose()


@pytest.mark.pg
def test_attached_bytes_are_stored_uncompressed_on_postgresql(tmp_path, request) -> None:
    """Migration 0009: PostgreSQL stores an attached file's bytes as they are (the files are
    compressed already; compressing them again cost a 7 MB workbook's import 0.1 s), and the
    downgrade gives the column its default storage back."""
    from sqlalchemy import text

    storage = text(
        "SELECT attstorage FROM pg_attribute "
        "WHERE attrelid = 'attachment_blob'::regclass AND attname = 'data'"
    )
    database = open_database(_empty_url("postgresql", tmp_path, request))
    try:
        with database.engine.connect() as connection:
            assert connection.scalar(storage) == "e"  # EXTERNAL: out of line, uncompressed
        downgrade(database, "0008")
        with database.engine.connect() as connection:
            assert connection.scalar(storage) == "x"  # EXTENDED, the default
        upgrade(database, backup=False)
        with database.engine.connect() as connection:
            assert connection.scalar(storage) == "e"
    finally:
        database.dispose()
