"""Bulk inserts sent by a worker thread (``InsertsBehind``) arrive in the order given and
fail as a plain insert fails; on PostgreSQL a large insert's foreign keys are checked once
per distinct parent (``references_checked_once``) with the same outcome as the row
triggers: every row of a known parent stored, a missing parent an IntegrityError with
nothing written, the change notice sent, the session's role as it was."""

from __future__ import annotations

import sys
import uuid

import psycopg
import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError

from models import AuditEntry, Vendor, VendorAlias
from models.bulk import CHECK_ONCE_FROM, Constant, InsertsBehind, insert_columns
from tests.builders import basic_world


def _aliases(vendor_ids: list[int], first: int = 0) -> dict[str, object]:
    keys = [f"alias-{first + n:05d}" for n in range(len(vendor_ids))]
    return {"vendor_id": vendor_ids, "alias": keys, "alias_key": keys}


def _vendor_id(session) -> int:  # type: ignore[no-untyped-def]
    found: int = session.scalars(select(Vendor.id)).one()
    return found


def test_inserts_sent_behind_arrive_in_the_order_given(database, actor) -> None:
    """Parents before children (SQLite checks each foreign key as the row goes in), and a
    table's chunks one after the other: every row stored, in order."""
    with database.write() as session:
        connection = session.connection()
        with InsertsBehind(connection) as behind:
            behind.insert_columns(
                Vendor.__table__,  # type: ignore[arg-type]
                {
                    "id": [901, 902],
                    "name": ["First", "Second"],
                    "name_key": ["first", "second"],
                    "version": Constant(1),
                    "created_by": Constant("tester"),
                    "updated_by": Constant("tester"),
                },
                2,
            )
            for chunk in range(6):
                vendor_ids = [901 + (n % 2) for n in range(500)]
                behind.insert_columns(
                    VendorAlias.__table__,  # type: ignore[arg-type]
                    _aliases(vendor_ids, first=chunk * 500),
                    500,
                )
    with database.session() as session:
        keys = session.scalars(select(VendorAlias.alias_key).order_by(VendorAlias.id)).all()
        owners = session.execute(
            select(VendorAlias.vendor_id, func.count()).group_by(VendorAlias.vendor_id)
        ).all()
    assert keys == [f"alias-{n:05d}" for n in range(3000)]
    assert sorted(tuple(o) for o in owners) == [(901, 1500), (902, 1500)]


def test_a_failed_insert_behind_is_raised_and_stops_the_rest(database, actor) -> None:
    with database.write() as session:
        basic_world(session, actor)
    interval = sys.getswitchinterval()
    with pytest.raises(IntegrityError), database.write() as session:
        vendor = _vendor_id(session)
        with InsertsBehind(session.connection()) as behind:
            behind.insert_columns(
                VendorAlias.__table__,  # type: ignore[arg-type]
                _aliases([vendor] * 10),
                10,
            )
            # The vendor's own alias NVDA is taken: this insert fails...
            behind.insert_columns(
                VendorAlias.__table__,  # type: ignore[arg-type]
                {"vendor_id": [vendor], "alias": ["NVDA"], "alias_key": ["nvda"]},
                1,
            )
            # ... and this one is never sent.
            behind.insert_columns(
                AuditEntry.__table__,  # type: ignore[arg-type]
                {
                    "entity": Constant("sites"),
                    "entity_id": [1],
                    "entity_key": ["never"],
                    "action": Constant("create"),
                    "user": Constant("tester"),
                    "source": Constant("user"),
                },
                1,
            )
    assert sys.getswitchinterval() == interval
    with database.session() as session:
        assert session.scalars(select(VendorAlias.alias_key)).all() == ["nvda"]
        assert session.scalars(select(AuditEntry.entity_key)).all().count("never") == 0


on_postgresql = pytest.mark.parametrize("backend", ["postgresql"], indirect=True)


@on_postgresql
def test_a_large_copy_checks_each_parent_once_and_stores_every_row(database, actor) -> None:
    with database.write() as session:
        basic_world(session, actor)
    raw = make_url(str(database.engine.url.render_as_string(hide_password=False)))
    listener = psycopg.connect(
        host=raw.host, port=raw.port, user=raw.username, dbname=raw.database, autocommit=True
    )
    try:
        listener.execute("LISTEN rackbook_changes")
        rows = CHECK_ONCE_FROM + 5
        with database.write() as session:
            connection = session.connection()
            vendor = _vendor_id(session)
            insert_columns(
                connection,
                VendorAlias.__table__,  # type: ignore[arg-type]
                _aliases([vendor] * rows),
                rows,
            )
            # The row triggers are off only for the COPY itself.
            role = connection.execute(text("SHOW session_replication_role")).scalar_one()
            assert role == "origin"
        notices = [n.payload for n in listener.notifies(timeout=2, stop_after=1)]
    finally:
        listener.close()
    assert notices == ["vendor_alias"]
    with database.session() as session:
        count = session.scalar(select(func.count()).select_from(VendorAlias))
    assert count == rows + 1  # and the vendor's own alias


@on_postgresql
def test_a_large_copy_naming_a_missing_parent_writes_nothing(database, actor) -> None:
    with database.write() as session:
        basic_world(session, actor)
    rows = CHECK_ONCE_FROM
    missing = r"vendor_alias\.vendor_id names \"vendor\" \[999\]"
    with pytest.raises(IntegrityError, match=missing), database.write() as session:
        vendor = _vendor_id(session)
        insert_columns(
            session.connection(),
            VendorAlias.__table__,  # type: ignore[arg-type]
            _aliases([vendor] * (rows - 1) + [999]),
            rows,
        )
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(VendorAlias)) == 1


@pytest.fixture
def plain_login(database):  # type: ignore[no-untyped-def]
    """The same database through a login that is neither a superuser nor granted the
    replication role: its COPY is checked by the row triggers, as before."""
    url = database.engine.url
    name = f"rackbook_plain_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE ROLE "{name}" LOGIN'))
        conn.execute(text(f'GRANT ALL ON ALL TABLES IN SCHEMA public TO "{name}"'))
        conn.execute(text(f'GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO "{name}"'))
    engine = create_engine(url.set(username=name))
    yield engine
    engine.dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP OWNED BY "{name}"'))
        conn.execute(text(f'DROP ROLE "{name}"'))
    admin.dispose()


@on_postgresql
def test_a_login_without_the_right_is_checked_row_by_row(database, actor, plain_login) -> None:
    with database.write() as session:
        basic_world(session, actor)
        vendor = _vendor_id(session)
    rows = CHECK_ONCE_FROM
    with plain_login.begin() as conn:
        insert_columns(
            conn,
            VendorAlias.__table__,  # type: ignore[arg-type]
            _aliases([vendor] * rows),
            rows,
        )
    refused = pytest.raises(IntegrityError, match="fk_vendor_alias_vendor_id_vendor")
    with refused, plain_login.begin() as conn:
        insert_columns(
            conn,
            VendorAlias.__table__,  # type: ignore[arg-type]
            _aliases([999] * rows, first=rows),
            rows,
        )
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(VendorAlias)) == rows + 1


@pytest.fixture
def shouting(database):  # type: ignore[no-untyped-def]
    """A row trigger of the database's own on vendor_alias (its aliases in capitals),
    removed afterwards: the test databases are emptied and used again."""
    yield
    with database.write() as session:
        session.execute(text("DROP TRIGGER IF EXISTS shout ON vendor_alias"))
        session.execute(text("DROP FUNCTION IF EXISTS shout()"))


@on_postgresql
def test_a_table_with_a_trigger_of_its_own_keeps_it(database, actor, shouting) -> None:
    """A table with a row trigger other than Rackbook's own (a team database's login stamp
    on the audit trail, say) is copied with every trigger firing, its foreign keys too."""
    with database.write() as session:
        basic_world(session, actor)
        session.execute(
            text(
                "CREATE FUNCTION shout() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                "NEW.alias := upper(NEW.alias); RETURN NEW; END $$"
            )
        )
        session.execute(
            text(
                "CREATE TRIGGER shout BEFORE INSERT ON vendor_alias "
                "FOR EACH ROW EXECUTE FUNCTION shout()"
            )
        )
    rows = CHECK_ONCE_FROM
    with database.write() as session:
        insert_columns(
            session.connection(),
            VendorAlias.__table__,  # type: ignore[arg-type]
            _aliases([_vendor_id(session)] * rows),
            rows,
        )
    refused = pytest.raises(IntegrityError, match="fk_vendor_alias_vendor_id_vendor")
    with refused, database.write() as session:
        insert_columns(
            session.connection(),
            VendorAlias.__table__,  # type: ignore[arg-type]
            _aliases([999] * rows, first=rows),
            rows,
        )
    with database.session() as session:
        aliases = session.scalars(select(VendorAlias.alias).where(VendorAlias.id > 1)).all()
    assert len(aliases) == rows and all(a == a.upper() and a.startswith("ALIAS-") for a in aliases)
