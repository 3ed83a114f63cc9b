"""Faults of the database itself, told apart from bugs and turned into messages a buyer can act
on: the server restarted or the network dropped, a reader tried to write, the SQLite file is
read-only, the disk is full, another program holds the lock.

Every such fault ends the transaction it happened in, so nothing of it was written (a write
transaction either commits as a whole or not at all). The window and the command line wrap
database work in :func:`database_problems`; each fault arrives as a :class:`DatabaseProblem`
subclass the window can tell apart (``ConnectionLost`` keeps the edit dialog open with what the
person typed, ``NotAllowed`` explains the read-only role...).

Reconnecting needs no action: PostgreSQL engines use ``pool_pre_ping`` and SQLAlchemy drops
every pooled connection of a server that went away, so the next action opens a fresh one.
"""

from __future__ import annotations

import errno
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session

from models.database import CannotOpen, Database, ReadOnlyDatabase, disk_full, sqlite_file
from models.migrate import MigrationError
from services.audit import Actor
from services.credentials import mask_text
from services.errors import ConflictError, DatabaseProblem, RackbookError

T = TypeVar("T")

NOT_SAVED = "nothing of this action was saved"


class ConnectionLost(DatabaseProblem):
    """The server went away (restart, network cut, connection ended by an administrator).
    Rackbook reconnects by itself at the next action; what the person typed is kept."""


class Unreachable(ConnectionLost):
    """No connection could be made at all (server down, wrong host or port, refused login)."""


class NotAllowed(DatabaseProblem):
    """The database refused the change: this login may only read (or the server is read-only)."""


class ReadOnlyFile(DatabaseProblem):
    """The SQLite file (or its folder) cannot be written."""


class DiskFull(DatabaseProblem):
    pass


class Locked(DatabaseProblem):
    """Another program held the SQLite write lock for longer than the busy timeout."""


class SavedMeanwhile(DatabaseProblem):
    """Another user's transaction saved the same record (or locked it) at the same moment."""


def _sqlstate(error: BaseException | None) -> str:
    return str(getattr(error, "sqlstate", "") or "")


def _first_line(error: BaseException | None) -> str:
    text = str(error or "").strip()
    return mask_text(text.splitlines()[0]) if text else (error.__class__.__name__ if error else "")


def _not_saved(reading: bool) -> str:
    """The clause a write's message ends with (nothing of it was saved); none for a read."""
    return "" if reading else f"; {NOT_SAVED}"


def explain(
    exc: BaseException, database: Database | None = None, *, reading: bool = False
) -> DatabaseProblem | None:
    """The DatabaseProblem ``exc`` stands for, or None when it is not a fault of the database
    (then it is a bug and must be reported as one). ``reading``: the work only read, so the
    message does not speak of anything not saved."""
    if isinstance(exc, DatabaseProblem):
        return exc
    if isinstance(exc, ReadOnlyDatabase):
        if "is full" in str(exc):
            return DiskFull(f"{exc}; {NOT_SAVED}. Free some space and open it again.")
        return ReadOnlyFile(f"{exc}; {NOT_SAVED}. Open a copy you may change.")
    if isinstance(exc, (CannotOpen, MigrationError)):
        return DatabaseProblem(str(exc))
    where = f" ({database.name})" if database is not None else ""
    orig: BaseException | None = exc.orig if isinstance(exc, DBAPIError) else exc
    state = _sqlstate(orig)

    saved = _not_saved(reading)
    if isinstance(orig, sqlite3.Error):
        file = sqlite_file(database.url) if database is not None else None
        if (
            file is not None
            and disk_full(file.parent)
            and (getattr(orig, "sqlite_errorname", "") or "").startswith("SQLITE_IOERR")
        ):
            # SQLite says "disk I/O error" when it cannot grow its files on a full disk.
            return _explain_sqlite(
                sqlite3.OperationalError("database or disk is full"), where, reading
            )
        return _explain_sqlite(orig, where, reading)
    if isinstance(orig, OSError):
        return _explain_os(orig, where, reading)
    invalidated = isinstance(exc, DBAPIError) and exc.connection_invalidated
    if invalidated or state.startswith(("08", "57P")):
        return ConnectionLost(
            f"The connection to the database{where} was lost ({_first_line(orig)}){saved}. "
            "Rackbook reconnects by itself: try again in a moment"
            + ("." if reading else " (what you typed is kept).")
        )
    if state == "42501":
        return NotAllowed(
            f"The database{where} refused the change ({_first_line(orig)}): your login is "
            f"not allowed to make it; {NOT_SAVED}. A reader may only look; the audit trail "
            "and ETA history can never be changed. Ask the team database's administrator for "
            "the buyer role (db grant USER buyer) if you need to change orders."
        )
    if state == "25006":
        return NotAllowed(
            f"The database{where} is read-only at the moment (a standby server, or read-only "
            f"by its administrator); {NOT_SAVED}."
        )
    if state in ("53100", "53200"):
        return DiskFull(f"The database server{where} is out of disk space or memory{saved}.")
    if state in ("40001", "40P01", "23505", "55P03"):
        return SavedMeanwhile(
            f"Another user saved the same record at the same moment{where}; {NOT_SAVED}. "
            "Try again: Rackbook will show you their version first."
        )
    if orig is not None and orig.__class__.__name__ == "OperationalError" and not state:
        # psycopg raises a bare OperationalError (no SQLSTATE) when it cannot connect at all.
        reason = _first_line(orig)
        if "password authentication failed" in reason or "no password supplied" in reason:
            advice = (
                "The server refused the login: keep the right password in this computer's "
                "keyring with `db password` (or the Settings screen)."
            )
        elif "does not exist" in reason:
            advice = (
                "The server has no such database or login: check the URL, or ask the "
                "administrator to run `db init` and `db grant`."
            )
        elif "permission denied" in reason:
            advice = "This login is not a member of the team: ask for `db grant LOGIN reader`."
        else:
            advice = "Check that the server is running and the network is up, then try again."
        return Unreachable(f"Rackbook cannot reach the database{where}: {reason}. {advice}")
    return None


def _explain_sqlite(error: sqlite3.Error, where: str, reading: bool) -> DatabaseProblem | None:
    name = getattr(error, "sqlite_errorname", "") or ""
    text = str(error).lower()
    saved = _not_saved(reading)
    if name.startswith("SQLITE_READONLY") or "readonly database" in text:
        return ReadOnlyFile(
            f"The database file{where} is read-only, or its folder cannot be written{saved}. "
            "Open a copy you may change, or ask for write access to the folder."
        )
    if name.startswith("SQLITE_FULL") or "database or disk is full" in text:
        return DiskFull(
            f"The disk holding the database{where} is full{saved}; the file is as it was. "
            "Free some space and try again."
        )
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "database is locked" in text:
        return Locked(
            f"The database file{where} is locked by another program (another Rackbook, a "
            f"backup or a sync tool){saved}. Try again when it is done."
        )
    if name.startswith("SQLITE_CANTOPEN") or "unable to open database" in text:
        return ReadOnlyFile(
            f"The database file{where} cannot be opened (missing, or its folder cannot be written)."
        )
    if name.startswith(("SQLITE_IOERR", "SQLITE_CORRUPT", "SQLITE_NOTADB")):
        return DatabaseProblem(
            f"The database file{where} could not be {'read' if reading else 'read or written'} "
            f"({_first_line(error)}){saved}. Run `db check`, and restore a backup if it fails."
        )
    return None


def _explain_os(error: OSError, where: str, reading: bool) -> DatabaseProblem | None:
    if error.errno == errno.ENOSPC:
        return DiskFull(
            f"The disk is full{where}{_not_saved(reading)}. Free some space and try again."
        )
    if error.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return ReadOnlyFile(f"{error.filename or 'The file'} cannot be written{where}.")
    return None


@contextmanager
def database_problems(database: Database | None = None, *, reading: bool = False) -> Iterator[None]:
    """Run database work; a fault of the database comes out as a DatabaseProblem (worded for
    work that only reads when ``reading``)."""
    try:
        yield
    except RackbookError:
        raise
    except (
        SQLAlchemyError,
        sqlite3.Error,
        OSError,
        CannotOpen,
        ReadOnlyDatabase,
        MigrationError,
    ) as exc:
        problem = explain(exc, database, reading=reading)
        if problem is None:
            raise
        raise problem from exc


#: Work done in a read session (it takes the session), and in a write transaction (the session
#: and who writes): what the window hands its background tasks.
ReadWork = Callable[[Session], T]
WriteWork = Callable[[Session, Actor], T]


def in_read_session(database: Database, work: ReadWork[T]) -> T:
    """``work(session)`` in a read session of ``database``, its faults told as problems."""
    with database_problems(database, reading=True), database.session() as session:
        return work(session)


def in_write_session(database: Database, actor: Actor, work: WriteWork[T]) -> T:
    """``work(session, actor)`` in one write transaction of ``database``, its faults told as
    problems (nothing of it written when it fails)."""
    with database_problems(database), database.write() as session:
        return work(session, actor)


def _caused_by_a_concurrent_write(error: BaseException) -> bool:
    """A refusal (such as an import's "added by someone else since the preview") whose
    cause was another transaction's write: the same work started again can succeed."""
    seen: BaseException | None = error.__cause__ or error.__context__
    while seen is not None:
        if isinstance(explain(seen), SavedMeanwhile):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


@dataclass
class Attempts:
    """What a retried transaction had to retry: one line per attempt that did not commit."""

    retried: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.retried)


def write_with_retry(
    database: Database,
    work: Callable[[Any], T],
    *,
    attempts: int = 3,
    retry_conflicts: bool = False,
    report: Attempts | None = None,
) -> T:
    """Run ``work(session)`` in one write transaction, again from the start when another
    user's transaction got in the way (same record saved at the same moment, deadlock, lock
    timeout; with ``retry_conflicts`` also a ConflictError, for work that re-reads what it
    writes, such as a whole import). Each retry is noted in ``report``. A lost connection is
    never retried here: the outcome of an interrupted commit is unknown to the client."""
    report = report if report is not None else Attempts()
    for attempt in range(1, attempts + 1):
        try:
            with database_problems(database), database.write() as session:
                return work(session)
        except RackbookError as exc:
            retry = (
                isinstance(exc, (SavedMeanwhile, Locked))
                or (retry_conflicts and isinstance(exc, ConflictError))
                or _caused_by_a_concurrent_write(exc)
            )
            if not retry or attempt == attempts:
                raise
            report.retried.append(f"attempt {attempt}: {exc}")
    raise AssertionError("unreachable")
