"""Schema migrations applied from code when a database is opened.

SQLite specifics (docs/traps.md): a batch migration recreates a table, and with foreign keys
on, ``ON DELETE CASCADE`` would delete every child row of the table being copied; so foreign
keys are switched off for the migration (the pragma only works outside a transaction), the
migration runs in one transaction, and ``PRAGMA foreign_key_check`` must come back empty
before it commits.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect

if TYPE_CHECKING:  # the database opens through open_database, which migrates it
    from models.database import Database

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


class MigrationError(RuntimeError):
    """A migration could not be applied; the database is as it was before."""


def alembic_config(extra_version_locations: list[Path] | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    locations = [MIGRATIONS / "versions", *(extra_version_locations or [])]
    config.set_main_option("version_locations", " ".join(str(p) for p in locations))
    config.set_main_option("path_separator", "space")
    return config


def head_revision(config: Config | None = None) -> str:
    heads = ScriptDirectory.from_config(config or alembic_config()).get_heads()
    if len(heads) != 1:
        raise MigrationError(f"the migrations have {len(heads)} heads: {', '.join(heads)}")
    return heads[0]


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def schema_state(database: Database) -> tuple[str | None, str]:
    """(the database's revision, this program's head revision)."""
    with database.engine.connect() as connection:
        current = current_revision(connection)
        connection.rollback()
    return current, head_revision()


def sqlite_backup(source: Path, target: Path) -> Path:
    """Copy a live SQLite database with the online backup API (a file copy would miss
    committed rows still in the write-ahead log)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(str(source))
    try:
        dst = sqlite3.connect(str(target))
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    return target


def upgrade(
    database: Database,
    *,
    backup: bool = True,
    target: str = "head",
    config: Config | None = None,
) -> Path | None:
    """Bring the schema to ``target``. Returns the backup taken first, if any."""
    config = config or alembic_config()
    script = ScriptDirectory.from_config(config)
    wanted = script.get_current_head() if target == "head" else target
    with database.engine.connect() as connection:
        current = current_revision(connection)
        has_tables = bool(inspect(connection).get_table_names())
        connection.rollback()
    if current == wanted:
        return None

    backup_path: Path | None = None
    if backup and database.is_sqlite and has_tables and database.url.database:
        source = Path(database.url.database)
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        backup_path = source.with_name(f"{source.stem}.before-{wanted}-{stamp}{source.suffix}")
        sqlite_backup(source, backup_path)

    _run(database, config, lambda: command.upgrade(config, target))
    return backup_path


def downgrade(database: Database, target: str, config: Config | None = None) -> None:
    config = config or alembic_config()
    _run(database, config, lambda: command.downgrade(config, target))


def _run(database: Database, config: Config, step: object) -> None:
    assert callable(step)
    sqlite = database.is_sqlite
    with database.engine.connect() as connection:
        if sqlite:
            # Must run outside any transaction or SQLite ignores it, so it goes straight to
            # the driver: Connection.execute would begin a transaction first.
            _raw_sqlite(connection).execute("PRAGMA foreign_keys = OFF")
        try:
            config.attributes["connection"] = connection
            try:
                step()
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        connection.rollback()
                        raise MigrationError(
                            f"the migration would leave {len(broken)} rows pointing at "
                            f"missing records (first: table {broken[0][0]}); nothing was changed"
                        )
                connection.commit()
            except MigrationError:
                raise
            except Exception as exc:
                connection.rollback()
                raise MigrationError(
                    f"the database schema could not be upgraded ({exc.__class__.__name__}: "
                    f"{exc}); nothing was changed"
                ) from exc
            finally:
                config.attributes.pop("connection", None)
        finally:
            if sqlite:
                _raw_sqlite(connection).execute("PRAGMA foreign_keys = ON")


def _raw_sqlite(connection: Connection) -> sqlite3.Connection:
    raw = connection.connection.driver_connection
    assert isinstance(raw, sqlite3.Connection)
    return raw
