"""Database upkeep: ``db upgrade``, ``db check``, ``db backup``, ``db restore`` and the rolling
automatic backup a SQLite database gets when the window opens it."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import func, select, text
from sqlalchemy.engine import URL, Connection
from sqlalchemy.exc import SQLAlchemyError

from models import Base
from models.database import Database, disk_full, display_name, masked, open_database, to_url
from models.migrate import (
    DamagedCopy,
    NewerDatabase,
    alembic_config,
    current_revision,
    head_revision,
    is_known,
    online_copy,
    sqlite_backup,
)
from models.migrate import upgrade as migrate_up
from services import paths
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
    """Integrity, foreign keys, and a schema that matches this program's models. A file
    too damaged to be read says what SQLite finds wrong with it."""
    result = CheckResult()
    try:
        return _check(location, result)
    except (SQLAlchemyError, sqlite3.Error) as exc:
        orig = getattr(exc, "orig", None) or exc
        url = to_url(location)
        if url.get_backend_name() != "sqlite":
            raise
        file = Path(url.database or "")
        result.fail(f"{file.name} cannot be read as a database: {str(orig).splitlines()[0]}")
        for line in _raw_integrity(file):
            result.fail(f"SQLite integrity check: {line}")
        return result


def _raw_integrity(file: Path) -> list[str]:
    """What ``PRAGMA integrity_check`` says of ``file``, read-only (a reason when even that
    cannot run)."""
    try:
        connection = sqlite3.connect(f"{file.as_uri()}?mode=ro", uri=True)
        try:
            found = [str(r[0]) for r in connection.execute("PRAGMA integrity_check")]
        finally:
            connection.close()
    except sqlite3.Error as exc:
        return [f"cannot run ({exc})"]
    return [] if found == ["ok"] else found[:10]


def _check(location: str, result: CheckResult) -> CheckResult:
    try:
        database = open_database(location, upgrade=False)
    except NewerDatabase as exc:
        result.fail(str(exc))
        return result
    try:
        with database.engine.connect() as connection:
            revision = current_revision(connection)
            head = head_revision()
            if not is_known(revision):
                result.fail(str(NewerDatabase(str(revision))))
                connection.rollback()
                return result
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
                _check_creating_batches(connection, result)
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


def checked_backup(source: Path, target: Path) -> Path:
    """``sqlite_backup`` with its failures told: a damaged or unreadable source, a full or
    read-only disk where the copy goes. Nothing is left at ``target`` when it fails."""
    if target.is_dir():
        raise RackbookError(f"{target} is a folder: give the backup's file name")
    if not target.parent.is_dir():
        raise RackbookError(f"the folder {target.parent} does not exist; no backup was written")
    try:
        return sqlite_backup(source, target)
    except DamagedCopy as exc:
        raise RackbookError(
            f"{exc}; no backup was written (a damaged copy is no backup). Run `db check`."
        ) from None
    except (sqlite3.Error, OSError) as exc:
        if disk_full(target.parent):
            why = f"the disk holding {target.parent} is full"
        elif not os.access(target.parent, os.W_OK):
            why = f"{target.parent} cannot be written (a read-only disk, or no permission)"
        elif isinstance(exc, sqlite3.DatabaseError) and not isinstance(
            exc, sqlite3.OperationalError
        ):
            why = f"{source.name} cannot be read as a database ({exc}); run `db check`"
        else:
            why = f"{source.name} could not be copied ({exc})"
        raise RackbookError(f"{why}; no backup was written") from None


def _check_creating_batches(connection: Connection, result: CheckResult) -> None:
    """Every record an import created names a batch that exists (``created_batch_id`` has
    no foreign key: see ``models.base.CreatedByImport``)."""
    batches = Base.metadata.tables["import_batch"]
    orphans: dict[str, int] = {}
    for table in Base.metadata.sorted_tables:
        if "created_batch_id" not in table.c:
            continue
        column = table.c.created_batch_id
        count = connection.execute(
            select(func.count())
            .select_from(table)
            .where(
                column.is_not(None),
                ~select(batches.c.id).where(batches.c.id == column).exists(),
            )
        ).scalar_one()
        if count:
            orphans[table.name] = count
    if orphans:
        shown = ", ".join(f"{name} {count}" for name, count in orphans.items())
        result.fail(f"records name an import batch that does not exist ({shown})")
    else:
        result.good("every record an import created names its import batch")


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
        checked_backup(source, target)
        return (
            f"{display_name(url)} backed up to {target} ({target.stat().st_size:,} bytes; "
            "the copy passed SQLite's integrity check)."
        )
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
    completed = _run_tool(
        [
            pg_dump,
            "--format=custom",
            "--file",
            str(target),
            *_pg_connection_args(url),
            url.database or "",
        ],
        _pg_environment(url),
    )
    if completed.returncode != 0:
        message = completed.stderr.strip().splitlines()[-1] if completed.stderr.strip() else ""
        raise RackbookError(f"pg_dump failed for {masked(url)}: {message}")
    return f"{display_name(url)} backed up to {target} with pg_dump (custom format)."


# --- restore ----------------------------------------------------------------------------

SQLITE_HEADER = b"SQLite format 3\x00"


def restore(location: str, source: Path) -> str:
    """Replace the database's contents with the backup ``source``, after checking the backup
    in full: nothing is replaced unless the check passes. The current contents are saved
    first (SQLite: in the backups folder; PostgreSQL: with pg_dump when it is installed)."""
    source = source.expanduser().resolve()
    if not source.is_file():
        raise RackbookError(f"there is no backup file at {source}")
    url = to_url(location)
    if url.get_backend_name() == "sqlite":
        return _restore_sqlite(url, source)
    return _restore_postgresql(location, url, source)


def _restore_sqlite(url: URL, source: Path) -> str:
    target = Path(url.database or "")
    if target.exists() and target.resolve() == source:
        raise RackbookError("the backup to restore must be another file than the database")
    with tempfile.TemporaryDirectory(prefix="rackbook-restore-") as scratch:
        # Check a private copy, then restore from that same copy: the file checked is the
        # file restored, even if the backup is being written to meanwhile.
        copy = Path(scratch) / "restore.db"
        revision = _checked_sqlite_copy(source, copy)
        saved = None
        if target.exists():
            saved = paths.backups_folder() / _backup_name(target, "before-restore")
            sqlite_backup(target, saved, check=False)  # kept as it is, damaged or not
        target.parent.mkdir(parents=True, exist_ok=True)
        # The online backup API writes into the live file under its write lock, in one go:
        # other connections see the old contents or the new, never a mix, and no file is
        # swapped under their feet.
        online_copy(copy, target, timeout=30)
    upgraded = upgrade(str(target)) if revision != head_revision() else ""
    kept = f" The previous contents were saved as {saved}." if saved else ""
    then = f" {upgraded}" if upgraded else ""
    return f"{target.name} restored from {source.name} (schema {revision}).{then}{kept}"


def _checked_sqlite_copy(source: Path, copy: Path) -> str:
    with source.open("rb") as handle:
        if handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise RackbookError(f"{source.name} is not a SQLite database; nothing was replaced")
    try:
        sqlite_backup(source, copy, check=False)  # checked in full below
        connection = sqlite3.connect(str(copy))
        try:
            integrity = [r[0] for r in connection.execute("PRAGMA integrity_check")]
            orphans = connection.execute("PRAGMA foreign_key_check").fetchall()
            tables = {r[0] for r in connection.execute("SELECT name FROM sqlite_master")}
            revision = None
            if "alembic_version" in tables:
                row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
                revision = row[0] if row else None
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        raise RackbookError(f"{source.name} is damaged ({exc}); nothing was replaced") from None
    if integrity != ["ok"]:
        raise RackbookError(
            f"{source.name} fails the integrity check ({'; '.join(integrity[:3])}); "
            "nothing was replaced"
        )
    if orphans:
        raise RackbookError(
            f"{source.name} has {len(orphans)} rows pointing at missing records; "
            "nothing was replaced"
        )
    return _known_revision(source.name, revision)


def _known_revision(name: str, revision: str | None) -> str:
    if revision is None:
        raise RackbookError(f"{name} is not a Rackbook database; nothing was replaced")
    script = ScriptDirectory.from_config(alembic_config())
    try:
        known = script.get_revision(revision) is not None
    except Exception:  # alembic raises its own error types for unknown revisions
        known = False
    if not known:
        raise RackbookError(
            f"{name} was written by a newer Rackbook (schema {revision}); update Rackbook "
            "before restoring it; nothing was replaced"
        )
    return revision


def _pg_environment(url: URL) -> dict[str, str]:
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return env


def _run_tool(
    argv: list[str], env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """A PostgreSQL client tool run to its end, its output kept (never raising on failure:
    the caller words the message)."""
    return subprocess.run(argv, capture_output=True, text=True, env=env, check=False)


def _pg_connection_args(url: URL) -> list[str]:
    return [
        "--host",
        url.host or "localhost",
        "--port",
        str(url.port or 5432),
        "--username",
        url.username or "postgres",
    ]


def _restore_postgresql(location: str, url: URL, source: Path) -> str:
    pg_restore = shutil.which("pg_restore")
    if pg_restore is None:
        raise RackbookError(
            "pg_restore is not installed here. Install the PostgreSQL client tools, or run on "
            "a machine that has them:\n  PGPASSWORD=… pg_restore --clean --if-exists "
            "--no-owner --no-privileges --single-transaction "
            f"{' '.join(_pg_connection_args(url))} --dbname {url.database} {source}"
        )
    env = _pg_environment(url)
    _require_owner(location, url)
    # The check: the archive's table of contents names a Rackbook schema, and reading the
    # whole archive (every table's data, decompressed) to nowhere succeeds.
    listing = _run_tool([pg_restore, "--list", str(source)])
    if listing.returncode != 0:
        raise RackbookError(
            f"{source.name} is not a readable pg_dump archive ({_last_line(listing.stderr)}); "
            "nothing was replaced"
        )
    if "alembic_version" not in listing.stdout:
        raise RackbookError(f"{source.name} is not a Rackbook backup; nothing was replaced")
    full_read = _run_tool([pg_restore, "--file", os.devnull, str(source)])
    if full_read.returncode != 0:
        raise RackbookError(
            f"{source.name} is damaged ({_last_line(full_read.stderr)}); nothing was replaced"
        )
    saved = ""
    if shutil.which("pg_dump"):
        before = paths.backups_folder() / (f"{url.database}-before-restore-{_stamp()}.dump")
        backup(location, before)
        saved = f" The previous contents were saved as {before}."
    completed = _run_tool(
        [
            pg_restore,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            *_pg_connection_args(url),
            "--dbname",
            url.database or "",
            str(source),
        ],
        env,
    )
    if completed.returncode != 0:
        raise RackbookError(
            f"the restore into {display_name(url)} failed and was rolled back, so nothing was "
            f"replaced: {_last_line(completed.stderr)}"
        )
    # A team database's roles and rights are re-applied by services.team.restore.
    return f"{display_name(url)} restored from {source.name}. {upgrade(location)}{saved}"


def _require_owner(location: str, url: URL) -> None:
    """Replacing every table is the administrator's job: refuse before any work."""
    database = open_database(location, upgrade=False)
    try:
        with database.engine.connect() as connection:
            may = connection.execute(
                text(
                    "SELECT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) "
                    "OR pg_get_userbyid(datdba) = current_user "
                    "FROM pg_database WHERE datname = current_database()"
                )
            ).scalar_one()
            connection.rollback()
    finally:
        database.dispose()
    if not may:
        raise RackbookError(
            f"only the administrator (owner) of {display_name(url)} can restore it; "
            "nothing was replaced"
        )


def _last_line(text_out: str) -> str:
    """The line of a tool's output that says what went wrong (pg_restore follows its error
    with the statement it was running)."""
    lines = [line for line in text_out.strip().splitlines() if line.strip()]
    errors = [line for line in lines if "error:" in line]
    return (errors or lines or ["no message"])[0 if errors else -1]


# --- rolling automatic backups ---------------------------------------------------------


def _stamp() -> str:
    return dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")


def _family(database_file: Path) -> str:
    """Backups of one database file share this prefix (two rackbook.db in different
    folders do not mix)."""
    digest = hashlib.sha1(str(database_file.resolve()).encode()).hexdigest()[:8]
    return f"{database_file.stem}-{digest}"


def _backup_name(database_file: Path, label: str) -> str:
    return f"{database_file.stem}-{label}-{_stamp()}{database_file.suffix or '.db'}"


def automatic_backups(database_file: Path) -> list[Path]:
    """The rolling automatic backups of ``database_file``, oldest first."""
    folder = paths.backups_folder()
    return sorted(folder.glob(f"{_family(database_file)}-auto-*{database_file.suffix or '.db'}"))


def automatic_backup(database: Database, keep: int | None = None) -> Path | None:
    """On open: copy a SQLite database into the backups folder and keep only the newest
    ``keep`` copies (setting ``backups_to_keep``). Returns the new copy, or None when there
    is nothing to do (PostgreSQL: the server's own backups apply; ``keep`` 0; nothing
    changed since the newest copy)."""
    if not database.is_sqlite or not database.url.database:
        return None
    source = Path(database.url.database)
    if not source.exists():
        return None
    if keep is None:
        from services import settings

        with database.session() as session:
            keep = int(settings.get(session, "backups_to_keep"))
    existing = automatic_backups(source)
    if keep <= 0:
        return None
    if existing and _unchanged_since(source, existing[-1]):
        return None
    target = paths.backups_folder() / (f"{_family(source)}-auto-{_stamp()}{source.suffix or '.db'}")
    # A damaged copy would push a good one out of the rotation: refused, the old ones kept.
    checked_backup(source, target)
    for old in automatic_backups(source)[:-keep]:
        old.unlink(missing_ok=True)
    return target


def _unchanged_since(source: Path, newest: Path) -> bool:
    taken = newest.stat().st_mtime
    wal = source.with_name(source.name + "-wal")
    changed = max(source.stat().st_mtime, wal.stat().st_mtime if wal.exists() else 0.0)
    return changed < taken
