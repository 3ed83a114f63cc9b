"""Schema migrations applied from code when a database is opened.

SQLite specifics (docs/traps.md): a batch migration recreates a table, and with foreign keys
on, ``ON DELETE CASCADE`` would delete every child row of the table being copied; so foreign
keys are switched off for the migration (the pragma only works outside a transaction), the
migration runs in one transaction, and ``PRAGMA foreign_key_check`` must come back empty
before it commits.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, inspect, text

if TYPE_CHECKING:  # the database opens through open_database, which migrates it
    from alembic.config import Config

    from models.database import Database

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"

# The newest migration's revision. A database already at it opens without reading the
# migration scripts (Alembic is imported only when a step is to run or a revision is unknown):
# the command line's start-up stays small. tests/models/test_migrations.py holds it equal to
# the scripts' head.
HEAD_REVISION = "0009"


class MigrationError(RuntimeError):
    """A migration could not be applied; the database is as it was before."""


class NewerDatabase(MigrationError):
    """The database's schema revision is unknown here: a newer Rackbook wrote it. It is
    neither migrated nor copied; nothing is written to it."""

    def __init__(self, revision: str) -> None:
        super().__init__(
            f"this database was written by a newer Rackbook (revision {revision}); "
            "install that version"
        )
        self.revision = revision


def is_known(revision: str | None, config: Config | None = None) -> bool:
    """Whether this build's migrations hold ``revision`` (None, an empty database: yes)."""
    if revision is None or revision == HEAD_REVISION:
        return True
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(config or alembic_config())
    try:
        return script.get_revision(revision) is not None
    except Exception:  # alembic raises its own error types for an unknown revision
        return False


def refuse_newer(revision: str | None, config: Config | None = None) -> None:
    """Raise NewerDatabase when ``revision`` is not one of this build's."""
    if not is_known(revision, config):
        assert revision is not None
        raise NewerDatabase(revision)


def sqlite_file_revision(path: Path) -> str | None:
    """The schema revision of the SQLite file at ``path``, read through a read-only
    connection (nothing is written, not even a journal); None when it has none."""
    wal = path.with_name(path.name + "-wal")
    # Without a write-ahead log the file holds everything: read it as immutable, which makes
    # no -wal or -shm file next to it either.
    immutable = "" if wal.exists() else "&immutable=1"
    connection = sqlite3.connect(f"{path.as_uri()}?mode=ro{immutable}", uri=True)
    try:
        tables = connection.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
        ).fetchone()
        if tables is None:
            return None
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        return str(row[0]) if row else None
    finally:
        connection.close()


def alembic_config(extra_version_locations: list[Path] | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    locations = [MIGRATIONS / "versions", *(extra_version_locations or [])]
    config.set_main_option("version_locations", " ".join(str(p) for p in locations))
    config.set_main_option("path_separator", "space")
    return config


def head_revision(config: Config | None = None) -> str:
    from alembic.script import ScriptDirectory

    heads = ScriptDirectory.from_config(config or alembic_config()).get_heads()
    if len(heads) != 1:
        raise MigrationError(f"the migrations have {len(heads)} heads: {', '.join(heads)}")
    return heads[0]


def current_revision(connection: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def stored_revision(connection: Connection) -> str | None:
    """The revision the database records, read with plain SQL (no Alembic); None when it
    has no version table or no row in it."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    row = connection.execute(text("SELECT version_num FROM alembic_version")).first()
    return str(row[0]) if row else None


def schema_state(database: Database) -> tuple[str | None, str]:
    """(the database's revision, this program's head revision)."""
    with database.engine.connect() as connection:
        current = stored_revision(connection)
        connection.rollback()
    return current, HEAD_REVISION if current == HEAD_REVISION else head_revision()


class DamagedCopy(RuntimeError):
    """A copy of a SQLite database failed its integrity check; it was not kept."""

    def __init__(self, source: Path, problems: list[str]) -> None:
        super().__init__(f"{source.name} is damaged: " + "; ".join(problems[:3]))
        self.problems = problems


def online_copy(source: Path, target: Path, *, timeout: float = 5.0, check: bool = False) -> None:
    """Write SQLite database ``source`` into ``target`` with the online backup API: under
    the target's write lock, in one go (its other connections see the old contents or the
    new, never a mix). ``timeout``: how long to wait for that lock; with ``check``, the copy
    must pass ``PRAGMA integrity_check`` (else DamagedCopy)."""
    with (
        contextlib.closing(sqlite3.connect(str(source))) as src,
        contextlib.closing(sqlite3.connect(str(target), timeout=timeout)) as dst,
    ):
        src.backup(dst)
        if check:
            problems = [str(r[0]) for r in dst.execute("PRAGMA integrity_check")]
            if problems != ["ok"]:
                raise DamagedCopy(source, problems)


def sqlite_backup(source: Path, target: Path, *, check: bool = True) -> Path:
    """Copy a live SQLite database with the online backup API (a file copy would miss
    committed rows still in the write-ahead log). The copy is written beside ``target``
    under another name and put in place only once whole and, with ``check``, once
    ``PRAGMA integrity_check`` passes on it (else DamagedCopy): a failure (full disk,
    read-only folder, damaged source) leaves no partial file behind."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    try:
        online_copy(source, partial, check=check)
        os.replace(partial, target)
    except BaseException:
        for leftover in (partial, partial.with_name(partial.name + "-journal")):
            with contextlib.suppress(OSError):
                leftover.unlink()
        raise
    return target


def upgrade(
    database: Database,
    *,
    backup: bool = True,
    target: str = "head",
    config: Config | None = None,
) -> Path | None:
    """Bring the schema to ``target``. Returns the backup taken first, if any."""
    if target == "head" and config is None:
        with database.engine.connect() as connection:
            at_head = stored_revision(connection) == HEAD_REVISION
            connection.rollback()
        if at_head:
            return None
    from alembic import command
    from alembic.script import ScriptDirectory

    config = config or alembic_config()
    script = ScriptDirectory.from_config(config)
    wanted = script.get_current_head() if target == "head" else target
    with database.engine.connect() as connection:
        current = current_revision(connection)
        has_tables = bool(inspect(connection).get_table_names())
        connection.rollback()
    # Before any copy is made or any step attempted: a newer schema is left as it is.
    refuse_newer(current, config)
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
    from alembic import command

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
