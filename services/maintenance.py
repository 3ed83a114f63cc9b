"""Database upkeep for ``db upgrade``, ``db check`` and ``db backup``."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from models import Base
from models.database import Database, display_name, masked, open_database, to_url
from models.migrate import current_revision, head_revision, sqlite_backup
from models.migrate import upgrade as migrate_up
from services.errors import RackbookError


def upgrade(location: str) -> str:
    database = open_database(location, upgrade=False)
    try:
        before = _revision(database)
        backup = migrate_up(database)
        after = _revision(database)
    finally:
        database.dispose()
    if before == after:
        return f"{database.name} is up to date (schema {after})."
    saved = f"; the previous version was saved as {backup}" if backup else ""
    return f"{database.name} upgraded from schema {before or 'empty'} to {after}{saved}."


def _revision(database: Database) -> str | None:
    with database.engine.connect() as connection:
        revision = current_revision(connection)
        connection.rollback()
    return revision


@dataclass
class CheckResult:
    ok: bool = True
    lines: list[str] = field(default_factory=list)

    def fail(self, line: str) -> None:
        self.ok = False
        self.lines.append(f"FAIL  {line}")

    def good(self, line: str) -> None:
        self.lines.append(f"ok    {line}")


def check(location: str) -> CheckResult:
    """Integrity, foreign keys, and a schema that matches this program's models."""
    database = open_database(location, upgrade=False)
    result = CheckResult()
    try:
        with database.engine.connect() as connection:
            revision = current_revision(connection)
            head = head_revision()
            if revision == head:
                result.good(f"schema is at the current version ({head})")
            else:
                result.fail(
                    f"schema is at {revision or 'nothing'}, this program needs {head}: "
                    "run `db upgrade`"
                )
            if database.is_sqlite:
                integrity = [r[0] for r in connection.exec_driver_sql("PRAGMA integrity_check")]
                if integrity == ["ok"]:
                    result.good("SQLite integrity check")
                else:
                    result.fail("SQLite integrity check: " + "; ".join(integrity[:5]))
                orphans = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if orphans:
                    tables = sorted({row[0] for row in orphans})
                    result.fail(
                        f"{len(orphans)} rows point at missing records "
                        f"(tables: {', '.join(tables)})"
                    )
                else:
                    result.good("every reference points at an existing record")
            else:
                connection.execute(text("SELECT 1"))
                result.good("PostgreSQL enforces every reference (foreign keys are constraints)")
            if revision == head:
                context = MigrationContext.configure(connection)
                differences = compare_metadata(context, Base.metadata)
                if differences:
                    result.fail(f"the tables differ from the models: {differences[:3]}")
                else:
                    result.good("tables match the models")
            connection.rollback()
    finally:
        database.dispose()
    return result


def backup(location: str, target: Path) -> str:
    """A consistent copy of the database: SQLite's online backup API, or pg_dump."""
    url = to_url(location)
    target = target.expanduser().resolve()
    if url.get_backend_name() == "sqlite":
        source = Path(url.database or "")
        if not source.exists():
            raise RackbookError(f"there is no database at {source}")
        if target == source:
            raise RackbookError("the backup must go to another file than the database itself")
        sqlite_backup(source, target)
        return f"{display_name(url)} backed up to {target} ({target.stat().st_size:,} bytes)."
    pg_dump = shutil.which("pg_dump")
    command = (
        f"PGPASSWORD=… pg_dump --format=custom --file {target} "
        f"--host {url.host or 'localhost'} --port {url.port or 5432} "
        f"--username {url.username or 'postgres'} {url.database}"
    )
    if pg_dump is None:
        raise RackbookError(
            "pg_dump is not installed here. Install the PostgreSQL client tools and run:\n"
            f"  {command}"
        )
    env = None
    if url.password:
        import os

        env = {**os.environ, "PGPASSWORD": url.password}
    completed = subprocess.run(
        [
            pg_dump,
            "--format=custom",
            "--file",
            str(target),
            "--host",
            url.host or "localhost",
            "--port",
            str(url.port or 5432),
            "--username",
            url.username or "postgres",
            url.database or "",
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if completed.returncode != 0:
        message = completed.stderr.strip().splitlines()[-1] if completed.stderr.strip() else ""
        raise RackbookError(f"pg_dump failed for {masked(url)}: {message}")
    return f"{display_name(url)} backed up to {target} with pg_dump (custom format)."
