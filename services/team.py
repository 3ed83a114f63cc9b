"""A team on one PostgreSQL database: set-up, roles, and who is acting.

Roles. ``db init`` creates two group roles per team database, named after the database so
several teams can share one server without a reader of one team reading another's orders:

* ``rackbook_<database>_reader``: connect and SELECT only;
* ``rackbook_<database>_buyer``: SELECT, INSERT, UPDATE, DELETE, except that the audit trail
  (``audit_entry``) and the ETA history (``eta_change``) are insert-only, and the schema
  version table is read-only, so no buyer can rewrite history.

People log in with their own PostgreSQL login roles, made members of one of the two with
``db grant USER reader|buyer``. The database's CONNECT right is taken from PUBLIC, so a login
that is in neither role cannot open it at all.

Who is acting. On a team database the audit trail records the database login
(``current_user``), never a name typed in a field: a trigger installed by ``db init`` stamps
``audit_entry.user`` and ``eta_change.changed_by`` with ``current_user`` on insert, and
:func:`acting_user` gives the services the same login for ``created_by``/``updated_by``.

Access. :func:`access` tells the window whether it may offer editing at all, and why not.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, create_engine, text
from sqlalchemy.engine import URL

from models.database import (
    APP_SETTING,
    Database,
    display_name,
    is_sqlite,
    open_database,
    sqlite_file,
    to_url,
)
from services import maintenance
from services.audit import Actor
from services.errors import RackbookError, UsageError
from services.faults import database_problems

READER, BUYER = "reader", "buyer"
ROLE_KINDS = (READER, BUYER)
HISTORY_TABLES = ("audit_entry", "eta_change")
# The import batches are history too: a record an import created is recorded by its batch
# (DESIGN §5), so its file, sheet, user and time may be written once and never rewritten or
# deleted; a buyer may only finish a batch (its counts) and undo it.
BATCH_TABLE = "import_batch"
BATCH_COLUMNS_A_BUYER_UPDATES = (
    "finished_at",
    "created",
    "updated",
    "unchanged",
    "rejected",
    "undone_at",
    "undone_by",
)
# The tables whose rows name the database login, whatever name the client sent.
STAMPED_TABLES = (*HISTORY_TABLES, BATCH_TABLE)
SCHEMA_VERSION_TABLE = "alembic_version"
PG_NAME_LIMIT = 63


@dataclass(frozen=True)
class Roles:
    reader: str
    buyer: str

    def of(self, kind: str) -> str:
        return self.reader if kind == READER else self.buyer


def role_names(database_name: str) -> Roles:
    """The two group roles of the team database ``database_name``."""
    base = f"rackbook_{database_name}"
    if len(base) + len("_reader") > PG_NAME_LIMIT:
        digest = hashlib.sha1(database_name.encode()).hexdigest()[:8]
        base = f"rackbook_{database_name[:38]}_{digest}"
    return Roles(reader=f"{base}_reader", buyer=f"{base}_buyer")


@dataclass(frozen=True)
class Access:
    """What the person at the window may do here.

    ``read_only``: open the window read-only (editing actions disabled, ``reason`` in a
    banner). ``login``: who the audit trail will name. ``role``: ``single user`` (a SQLite
    file), ``administrator``, ``buyer`` or ``reader``. ``team``: a database set up by
    ``db init``.
    """

    read_only: bool
    login: str
    role: str
    reason: str = ""
    team: bool = False


def _os_login() -> str:
    from services.locations import login_name

    return login_name()


def access(database: Database, typed_user: str | None = None) -> Access:
    """May this person change this database? Asks the database itself (a PostgreSQL login's
    privileges, a SQLite file's permissions); raises a DatabaseProblem when it cannot be
    reached."""
    if database.is_sqlite:
        return _sqlite_access(database, typed_user or _os_login())
    roles = role_names(str(database.url.database))
    with database_problems(database, reading=True), database.engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT current_user,"
                " has_table_privilege('order_line', 'UPDATE')"
                "   AND has_table_privilege('audit_entry', 'INSERT'),"
                " current_setting('transaction_read_only') = 'on' OR pg_is_in_recovery(),"
                " (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)"
                "   OR pg_get_userbyid(d.datdba) = current_user,"
                " EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :buyer)"
                " FROM pg_database d WHERE d.datname = current_database()"
            ),
            {"buyer": roles.buyer},
        ).one()
        conn.rollback()
    login, can_write, server_read_only, administrator, team = row
    if server_read_only:
        return Access(
            True,
            login,
            "administrator" if administrator else (BUYER if can_write else READER),
            f"The database server of {database.name} is read-only at the moment (a standby "
            "server, or set read-only by its administrator): you can look, not change.",
            team,
        )
    if administrator:
        return Access(False, login, "administrator", "", team)
    if can_write:
        return Access(False, login, BUYER, "", team)
    return Access(
        True,
        login,
        READER,
        f"You are signed in as {login}, a reader of the team database {database.name}: you "
        "can look at everything and export it, but not change it. Ask its administrator for "
        "the buyer role to make changes.",
        team,
    )


def _sqlite_access(database: Database, login: str) -> Access:
    path = sqlite_file(database.url) or Path(database.url.database or "")
    if database.read_only_reason is not None:
        reason = database.read_only_reason
        return Access(
            True,
            login,
            "single user",
            f"{reason[0].upper()}{reason[1:]}: you can look at everything and export it, but "
            "not change it.",
        )
    read_only_uri = database.url.query.get("mode") == "ro"
    folder_writable = os.access(path.parent, os.W_OK)
    file_writable = not path.exists() or os.access(path, os.W_OK)
    if read_only_uri or not file_writable or not folder_writable:
        where = "file" if read_only_uri or not file_writable else "folder of the file"
        return Access(
            True,
            login,
            "single user",
            f"The {where} {path.name} is read-only here: you can look at everything and "
            "export it, but not change it. Open a copy, or ask for write access.",
        )
    return Access(False, login, "single user")


def acting_user(database: Database, typed_user: str | None = None) -> str:
    """The name the audit trail records: on a team database (set up by ``db init``) the
    database login (``current_user``), whatever was typed; elsewhere (a SQLite file, a
    PostgreSQL database used by one person) the typed name, else the operating system login."""
    typed = typed_user or _os_login()
    if database.is_sqlite:
        return typed
    roles = role_names(str(database.url.database))
    with database_problems(database, reading=True), database.engine.connect() as conn:
        login, team = conn.execute(
            text("SELECT current_user, EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :b)"),
            {"b": roles.buyer},
        ).one()
        conn.rollback()
    return str(login) if team else typed


def actor(database: Database, typed_user: str | None = None, source: str = "user") -> Actor:
    return Actor(acting_user(database, typed_user), source)


# --- set-up (administrator) --------------------------------------------------------------


def _postgres_only(location: str) -> URL:
    url = to_url(location)
    if is_sqlite(url):
        raise UsageError(
            "team roles exist on PostgreSQL only: a SQLite file is a single-user database "
            "(give --db postgresql+psycopg://ADMIN@HOST/DATABASE)"
        )
    if not url.database:
        raise UsageError("the URL must name the team database, as in …@HOST:5432/rackbook")
    return url


def _quote(conn: Connection, name: str) -> str:
    return conn.dialect.identifier_preparer.quote_identifier(name)


def _create_database_if_missing(url: URL) -> bool:
    """Create the team database (as the administrator) when it does not exist yet."""
    engine = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with database_problems(), engine.connect() as conn:
            exists = conn.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": url.database}
            ).first()
            if exists:
                return False
            conn.execute(text(f"CREATE DATABASE {_quote(conn, str(url.database))}"))
            return True
    finally:
        engine.dispose()


def _ensure_role(conn: Connection, name: str) -> bool:
    if conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name}).first():
        return False
    conn.execute(text(f"CREATE ROLE {_quote(conn, name)} NOLOGIN"))
    return True


def _apply_grants(conn: Connection, database_name: str, roles: Roles) -> None:
    q = _quote(conn, database_name)
    reader, buyer = _quote(conn, roles.reader), _quote(conn, roles.buyer)
    history = ", ".join(HISTORY_TABLES)
    statements = [
        # Only the team's roles (and the administrator) may connect at all.
        f"REVOKE ALL ON DATABASE {q} FROM PUBLIC",
        f"GRANT CONNECT ON DATABASE {q} TO {reader}, {buyer}",
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
        f"GRANT USAGE ON SCHEMA public TO {reader}, {buyer}",
        # Start from nothing so that running db init again gives exactly these rights.
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {reader}, {buyer}",
        f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {reader}, {buyer}",
        f"GRANT INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {buyer}",
        f"REVOKE UPDATE, DELETE ON {history} FROM {buyer}",
        f"REVOKE UPDATE, DELETE ON {BATCH_TABLE} FROM {buyer}",
        f"GRANT UPDATE ({', '.join(BATCH_COLUMNS_A_BUYER_UPDATES)}) ON {BATCH_TABLE} TO {buyer}",
        f"REVOKE INSERT, UPDATE, DELETE ON {SCHEMA_VERSION_TABLE} FROM {buyer}",
        f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {buyer}",
        # Reading a sequence's position lets any member take a backup with pg_dump.
        f"GRANT SELECT ON ALL SEQUENCES IN SCHEMA public TO {reader}, {buyer}",
        # Tables a later upgrade adds get the same rights (run db init again after an
        # upgrade all the same: it re-applies the history restrictions).
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO {reader}, {buyer}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public "
        f"GRANT INSERT, UPDATE, DELETE ON TABLES TO {buyer}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE ON SEQUENCES TO {buyer}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON SEQUENCES TO {reader}, {buyer}",
    ]
    for statement in statements:
        conn.execute(text(statement))


def _install_login_stamps(conn: Connection) -> None:
    """History rows name the database login, whatever name the client sent."""
    conn.execute(
        text(
            "CREATE OR REPLACE FUNCTION rackbook_stamp_login() RETURNS trigger "
            "LANGUAGE plpgsql AS $$ BEGIN "
            "IF TG_TABLE_NAME = 'eta_change' THEN NEW.changed_by := current_user; "
            'ELSE NEW."user" := current_user; END IF; '
            "RETURN NEW; END $$"
        )
    )
    for table in STAMPED_TABLES:
        conn.execute(text(f"DROP TRIGGER IF EXISTS rackbook_login_stamp ON {table}"))
        conn.execute(
            text(
                f"CREATE TRIGGER rackbook_login_stamp BEFORE INSERT ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION rackbook_stamp_login()"
            )
        )


# The tables whose direct writes (psql, a script) the audit trail records: table -> (the
# audit trail's kind, the column that names a row; None: the id, or PO/LINE for a line).
DIRECT_SQL_AUDITED: dict[str, tuple[str, str | None]] = {
    "site": ("sites", "name"),
    "vendor": ("vendors", "name"),
    "product": ("products", "sku"),
    "lead_time_quote": ("leadtimes", None),
    "purchase_order": ("purchase_orders", "po_number"),
    "order_line": ("orders", None),
    "ppa": ("ppas", "ppa_ref"),
    "customer": ("customers", "name"),
    "customer_contract": ("contracts", "contract_ref"),
    "fx_rate": ("fxrates", None),
    "site_capacity": ("site_capacity", None),
    "deployment": ("deployments", "deployment_ref"),
    "deployment_part": ("deployment_parts", "part"),
}
DIRECT_SQL_SOURCE = "direct SQL"
# Columns whose change alone is bookkeeping, not a change of the record.
_BOOKKEEPING = "ARRAY['id', 'version', 'created_at', 'created_by', 'updated_at', 'updated_by']"

_DIRECT_SQL_FUNCTION = f"""
CREATE OR REPLACE FUNCTION rackbook_audit_direct_sql() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    old_row jsonb := CASE WHEN TG_OP = 'INSERT' THEN '{{}}'::jsonb ELSE to_jsonb(OLD) END;
    new_row jsonb := CASE WHEN TG_OP = 'DELETE' THEN '{{}}'::jsonb ELSE to_jsonb(NEW) END;
    row_now jsonb := CASE WHEN TG_OP = 'DELETE' THEN old_row ELSE new_row END;
    row_key text;
    action text := lower(TG_OP);
    column_name text;
BEGIN
    IF coalesce(current_setting('{APP_SETTING}', true), '') = 'on' THEN
        RETURN NULL;  -- Rackbook itself: its services write their own entries
    END IF;
    IF TG_TABLE_NAME = 'order_line' THEN
        SELECT po.po_number || '/' || (row_now->>'line_no') INTO row_key
        FROM purchase_order po WHERE po.id = (row_now->>'order_id')::int;
    ELSIF TG_ARGV[1] <> '' THEN
        row_key := row_now->>TG_ARGV[1];
    END IF;
    row_key := left(coalesce(row_key, TG_TABLE_NAME || ' ' || (row_now->>'id')), 255);
    IF TG_OP = 'UPDATE' THEN
        FOR column_name IN SELECT key FROM jsonb_each(new_row) ORDER BY key LOOP
            CONTINUE WHEN column_name = ANY({_BOOKKEEPING});
            CONTINUE WHEN (old_row->column_name) IS NOT DISTINCT FROM (new_row->column_name);
            INSERT INTO audit_entry (entity, entity_id, entity_key, action, field, old_value,
                                     new_value, "user", at, source)
            VALUES (TG_ARGV[0], (row_now->>'id')::int, row_key, 'update', column_name,
                    old_row->>column_name, new_row->>column_name, session_user,
                    now() AT TIME ZONE 'utc', '{DIRECT_SQL_SOURCE}');
        END LOOP;
        IF TG_TABLE_NAME = 'order_line'
           AND (old_row->'eta') IS DISTINCT FROM (new_row->'eta') THEN
            INSERT INTO eta_change (order_line_id, old_date, new_date, changed_at, changed_by,
                                    source)
            VALUES ((row_now->>'id')::int, (old_row->>'eta')::date, (new_row->>'eta')::date,
                    now() AT TIME ZONE 'utc', session_user, '{DIRECT_SQL_SOURCE}');
        END IF;
    ELSE
        INSERT INTO audit_entry (entity, entity_id, entity_key, action, field, old_value,
                                 new_value, "user", at, source)
        VALUES (TG_ARGV[0], (row_now->>'id')::int, row_key,
                CASE WHEN action = 'insert' THEN 'create' ELSE 'delete' END, NULL,
                CASE WHEN action = 'delete' THEN old_row::text END,
                CASE WHEN action = 'insert' THEN new_row::text END, session_user,
                now() AT TIME ZONE 'utc', '{DIRECT_SQL_SOURCE}');
    END IF;
    RETURN NULL;
END $$
"""


def _install_direct_sql_audit(conn: Connection) -> None:
    """Writes that bypass Rackbook (a buyer's psql session, a script) are audited too: an
    AFTER trigger on each audited table adds audit entries (one per changed column; the
    whole row for an insert or delete) naming the database login and the source "direct
    SQL", and an ETA moved by hand goes to the ETA history. Rackbook's own transactions
    set ``rackbook.app`` (``models.database``) and are left to the services' entries. The
    triggers record; they do not forbid: a person who sets ``rackbook.app`` themselves is
    not recorded (the buyer role's rights are what keep writes in bounds)."""
    conn.execute(text(_DIRECT_SQL_FUNCTION))
    for table, (kind_name, key_column) in DIRECT_SQL_AUDITED.items():
        conn.execute(text(f"DROP TRIGGER IF EXISTS rackbook_direct_sql ON {table}"))
        conn.execute(
            text(
                f"CREATE TRIGGER rackbook_direct_sql AFTER INSERT OR UPDATE OR DELETE ON "
                f"{table} FOR EACH ROW EXECUTE FUNCTION rackbook_audit_direct_sql("
                f"'{kind_name}', '{key_column or ''}')"
            )
        )


def init(location: str) -> list[str]:
    """Create (or upgrade) a team database as its administrator: the database when missing,
    the schema, the reader and buyer roles and their rights, the login stamps. Running it
    again is safe, and is how rights are re-applied after an upgrade."""
    url = _postgres_only(location)
    lines: list[str] = []
    if _create_database_if_missing(url):
        lines.append(f"Created the database {url.database}.")
    lines.append(maintenance.upgrade(location))
    roles = role_names(str(url.database))
    database = open_database(location, upgrade=False)
    try:
        with database_problems(database), database.engine.begin() as conn:
            created = [r for r in (roles.reader, roles.buyer) if _ensure_role(conn, r)]
            _apply_grants(conn, str(url.database), roles)
            _install_login_stamps(conn)
            _install_direct_sql_audit(conn)
    finally:
        database.dispose()
    made = f" (created {', '.join(created)})" if created else ""
    lines.append(
        f"Team roles ready{made}: {roles.reader} may read; {roles.buyer} may read and write, "
        "with the audit trail and ETA history insert-only."
    )
    lines.append(
        f"Next: give each person a login with `db grant LOGIN {BUYER}` or `db grant LOGIN "
        f"{READER}`."
    )
    return lines


def _require_roles(conn: Connection, roles: Roles, database_name: str) -> None:
    found = conn.execute(
        text("SELECT count(*) FROM pg_roles WHERE rolname IN (:r, :b)"),
        {"r": roles.reader, "b": roles.buyer},
    ).scalar_one()
    if found != 2:
        raise RackbookError(
            f"{database_name} is not set up as a team database yet: run `db init` first"
        )


def _check_login_name(user: str) -> None:
    if not user or len(user) > PG_NAME_LIMIT or user.startswith("pg_"):
        raise UsageError(f"{user!r} cannot be a PostgreSQL login name")


def grant(location: str, user: str, role_kind: str) -> str:
    """Make the login ``user`` a reader or a buyer of the team database (and no longer the
    other). A login that does not exist yet is created, without a password."""
    if role_kind not in ROLE_KINDS:
        raise UsageError(f"the role is {READER!r} or {BUYER!r}, not {role_kind!r}")
    with _team_roles(location, user) as (conn, roles, url):
        created = _create_login_if_missing(conn, user)
        login = _quote(conn, user)
        other = roles.of(BUYER if role_kind == READER else READER)
        conn.execute(text(f"REVOKE {_quote(conn, other)} FROM {login}"))
        conn.execute(text(f"GRANT {_quote(conn, roles.of(role_kind))} TO {login}"))
    what = "may read and change orders" if role_kind == BUYER else "may read only"
    line = f"{user} is now a {role_kind} of {display_name(url)}: {what}."
    if created:
        line += (
            f" The login {user} was created without a password: set one with "
            f'psql -c "\\password {user}" (as the administrator).'
        )
    return line


@contextmanager
def _team_roles(location: str, user: str) -> Iterator[tuple[Connection, Roles, URL]]:
    """A transaction on team database ``location`` as its administrator, with its two
    roles (refused when they are not set up), to change what login ``user`` may do."""
    _check_login_name(user)
    url = _postgres_only(location)
    roles = role_names(str(url.database))
    database = open_database(location, upgrade=False)
    try:
        with database_problems(database), database.engine.begin() as conn:
            _require_roles(conn, roles, str(url.database))
            yield conn, roles, url
    finally:
        database.dispose()


def _create_login_if_missing(conn: Connection, user: str) -> bool:
    if conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": user}).first():
        return False
    conn.execute(text(f"CREATE ROLE {_quote(conn, user)} LOGIN"))
    return True


def revoke(location: str, user: str) -> str:
    """Take both team roles from ``user`` (the login itself stays)."""
    with _team_roles(location, user) as (conn, roles, url):
        login = _quote(conn, user)
        for role in (roles.reader, roles.buyer):
            conn.execute(text(f"REVOKE {_quote(conn, role)} FROM {login}"))
    return f"{user} may no longer open {display_name(url)}."


def drop_roles(location: str) -> None:
    """Remove the team roles of a database (when the team database itself goes away)."""
    url = _postgres_only(location)
    roles = role_names(str(url.database))
    database = open_database(location, upgrade=False)
    try:
        with database_problems(database), database.engine.begin() as conn:
            for role in (roles.reader, roles.buyer):
                if conn.execute(
                    text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": role}
                ).first():
                    conn.execute(text(f"DROP OWNED BY {_quote(conn, role)}"))
                    conn.execute(text(f"DROP ROLE {_quote(conn, role)}"))
    finally:
        database.dispose()


def has_team_roles(location: str) -> bool:
    """Whether ``db init`` set this PostgreSQL database up for a team."""
    url = to_url(location)
    if is_sqlite(url):
        return False
    roles = role_names(str(url.database))
    database = open_database(location, upgrade=False)
    try:
        with database_problems(database), database.engine.connect() as conn:
            found = conn.execute(
                text("SELECT count(*) FROM pg_roles WHERE rolname IN (:r, :b)"),
                {"r": roles.reader, "b": roles.buyer},
            ).scalar_one()
            conn.rollback()
    finally:
        database.dispose()
    return bool(found == 2)


def dissolve(location: str) -> None:
    """Turn a team database back into a plain one: the team roles dropped, history rows no
    longer stamped with the login, CONNECT given back to every login of the server."""
    url = _postgres_only(location)
    database = open_database(location, upgrade=False)
    try:
        with database_problems(database), database.engine.begin() as conn:
            for table in STAMPED_TABLES:
                conn.execute(text(f"DROP TRIGGER IF EXISTS rackbook_login_stamp ON {table}"))
            conn.execute(text("DROP FUNCTION IF EXISTS rackbook_stamp_login()"))
            for table in DIRECT_SQL_AUDITED:
                conn.execute(text(f"DROP TRIGGER IF EXISTS rackbook_direct_sql ON {table}"))
            conn.execute(text("DROP FUNCTION IF EXISTS rackbook_audit_direct_sql()"))
            conn.execute(
                text(f"GRANT CONNECT ON DATABASE {_quote(conn, str(url.database))} TO PUBLIC")
            )
    finally:
        database.dispose()
    drop_roles(location)


@dataclass
class Opened:
    """A database opened for a person at the window: what the window needs at start-up."""

    database: Database
    #: May this person edit here (else: read-only banner with ``access.reason``)?
    access: Access
    #: Whom the audit trail names for this person's changes (the login on a team database).
    actor: Actor
    #: The rolling automatic backup made on opening (SQLite), or None.
    backup: Path | None


def open_for(location: str, typed_user: str | None = None) -> Opened:
    """Open ``location`` (a SQLite path, or a URL saved without its password) the way the
    window does: the kept password put back, the schema brought up to date, a rolling backup
    of a SQLite file taken, and the person's access and acting name found out. Faults come
    out as DatabaseProblem subclasses (services.faults)."""
    from services import credentials

    url = credentials.url_with_password(location)
    file = sqlite_file(to_url(url))
    # A file this open creates holds nothing yet to keep a copy of.
    created = file is not None and not file.exists()
    with database_problems():
        database = open_database(url)
    try:
        with database_problems(database):
            # A file open read-only (read-only or full disk) changes no more: no new copy.
            unchanged = created or database.read_only_reason is not None
            backup = None if unchanged else maintenance.automatic_backup(database)
        found = access(database, typed_user)
        return Opened(database, found, actor(database, typed_user), backup)
    except BaseException:
        database.dispose()
        raise


def restore(location: str, source: Path) -> str:
    """``maintenance.restore``, and on a team database its roles and rights applied again
    (the restored schema may be older than this Rackbook's: ``init`` brings both up to
    date)."""
    report = maintenance.restore(location, source)
    if to_url(location).get_backend_name() != "sqlite" and has_team_roles(location):
        lines = init(location)
        report += " " + " ".join(lines[:2])
    return report
