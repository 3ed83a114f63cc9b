"""Direct writes on a team database (issue 22): a buyer connecting with a plain PostgreSQL
client (psycopg, as psql would) and writing order lines leaves entries in the audit trail
with the login as user and the source "direct SQL"; Rackbook's own saves are audited once,
by the services."""

from __future__ import annotations

import psycopg
from sqlalchemy import select
from sqlalchemy.engine import make_url

from models import AuditEntry, EtaChange
from models.database import open_database
from services import records
from services.audit import Actor
from tests.builders import basic_world, day, rack_line
from tests.services.team.conftest import PG_ONLY


def _raw(url: str) -> psycopg.Connection:
    """A raw client connection, as psql makes: no Rackbook code in between."""
    u = make_url(url)
    return psycopg.connect(
        host=u.host, port=u.port or 5432, user=u.username, dbname=u.database, autocommit=True
    )


@PG_ONLY
def test_direct_sql_writes_are_audited_with_the_login(team_url, login, actor) -> None:
    database = open_database(team_url)
    with database.write() as session:
        basic_world(session, actor)
        line = rack_line(session, actor=actor)
    with database.session() as session:
        before = session.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1))
    buyer_url = login("bob", "buyer")
    buyer = make_url(buyer_url).username
    with _raw(buyer_url) as conn:
        conn.execute(
            "UPDATE order_line SET quantity = 6, eta = '2027-04-01', notes = 'by hand' "
            "WHERE id = %s",
            (line["id"],),
        )
        conn.execute("DELETE FROM site_capacity")  # nothing to delete: nothing audited
        conn.execute(
            "INSERT INTO customer (name, version, created_at, updated_at, created_by, "
            "updated_by) VALUES ('Hand Made', 1, now(), now(), '', '')"
        )
    # The app's own save afterwards is audited by the services alone, once.
    with database.write() as session:
        records.update(session, "orders", line["id"], {"notes": "by the app"}, Actor("maria"))
    with database.session() as session:
        entries = session.execute(
            select(
                AuditEntry.entity,
                AuditEntry.entity_key,
                AuditEntry.field,
                AuditEntry.old_value,
                AuditEntry.new_value,
                AuditEntry.user,
                AuditEntry.action,
                AuditEntry.source,
            )
            .where(AuditEntry.id > before)
            .order_by(AuditEntry.id)
        ).all()
        moves = session.execute(
            select(EtaChange.new_date, EtaChange.changed_by, EtaChange.source)
            .where(EtaChange.order_line_id == line["id"])
            .order_by(EtaChange.id)
        ).all()
    direct = [e for e in entries if e.source == "direct SQL"]
    assert {(e.entity, e.entity_key, e.field, e.old_value, e.new_value) for e in direct} == {
        ("orders", "PC-1/1", "quantity", "4", "6"),
        ("orders", "PC-1/1", "eta", "2027-01-15", "2027-04-01"),
        ("orders", "PC-1/1", "notes", None, "by hand"),
        ("customers", "Hand Made", None, None, direct[-1].new_value),
    }
    assert {e.user for e in direct} == {buyer}
    assert [e.action for e in direct if e.entity == "customers"] == ["create"]
    app = [e for e in entries if e.source != "direct SQL"]
    assert [(e.field, e.new_value) for e in app] == [("notes", "by the app")]
    assert tuple(moves[-1]) == (
        day("2027-04-01"),
        buyer,
        "direct SQL",
    )
    database.dispose()
