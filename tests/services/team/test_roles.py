"""Setting up a team database: db init, reader and buyer roles, the login in the audit trail."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from models.database import open_database
from services import records, team
from services.audit import Actor
from services.errors import UsageError
from services.faults import NotAllowed, Unreachable, database_problems
from tests.builders import basic_world, day, make, rack_line
from tests.builders import run_cli as run
from tests.services.team.conftest import PG_ONLY


def _order_line(session, actor: Actor) -> dict:
    basic_world(session, actor)
    return rack_line(session, "PO-1", actor=actor, promised_date=day("2027-01-15"))


def test_roles_are_named_per_database_so_teams_can_share_a_server() -> None:
    one, other = team.role_names("procurement_eu"), team.role_names("procurement_us")
    assert one == team.Roles("rackbook_procurement_eu_reader", "rackbook_procurement_eu_buyer")
    assert {one.reader, one.buyer}.isdisjoint({other.reader, other.buyer})
    long = team.role_names("x" * 63)
    assert len(long.reader) <= 63 and len(long.buyer) <= 63 and long.reader != long.buyer


@PG_ONLY
def test_init_twice_is_safe_and_creates_both_roles(team_url) -> None:
    lines = team.init(team_url)  # the second time: nothing to create, rights re-applied
    assert any("up to date" in line for line in lines)
    roles = team.role_names(str(make_url(team_url).database))
    database = open_database(team_url)
    try:
        with database.session() as session:
            found = session.execute(
                text("SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname IN (:r, :b)"),
                {"r": roles.reader, "b": roles.buyer},
            ).all()
        assert sorted(found) == sorted([(roles.reader, False), (roles.buyer, False)])
        assert team.access(database).role == "administrator"
    finally:
        database.dispose()


@PG_ONLY
def test_reader_window_is_read_only_and_a_refused_write_is_a_clear_message(login) -> None:
    reader = open_database(login("manager", "reader"), upgrade=False)
    try:
        access = team.access(reader)
        assert access.read_only and access.role == "reader" and access.team
        assert access.login in access.reason and "not change" in access.reason
        with database_problems(reader), reader.session() as session:
            assert records.list_records(session, "sites") == []  # reading is allowed
        with (
            pytest.raises(NotAllowed, match="refused the change") as refused,
            database_problems(reader),
            reader.write() as session,
        ):
            make(session, "sites", name="Panther Creek")
        assert "Traceback" not in str(refused.value)
    finally:
        reader.dispose()
    with open_database(login("auditor", "reader"), upgrade=False).session() as session:
        assert records.list_records(session, "sites") == []


@PG_ONLY
def test_reader_write_from_the_command_line_is_one_line_and_exit_1(login) -> None:
    status, _, err = run("--db", login("manager", "reader"), "demo")
    assert status == 1
    assert err.startswith("rackbook: The database") and "refused the change" in err
    assert err.count("\n") == 1 and "Traceback" not in err


@PG_ONLY
def test_buyer_writes_orders_but_cannot_rewrite_history(login) -> None:
    buyer = open_database(login("alice", "buyer"), upgrade=False)
    try:
        access = team.access(buyer)
        assert not access.read_only and access.role == "buyer"
        with buyer.write() as session:
            line = _order_line(session, Actor("alice"))
        with buyer.write() as session:
            records.update(session, "orders", line["id"], {"eta": day("2027-02-01")}, Actor("a"))
        for statement in (
            "UPDATE audit_entry SET new_value = 'forged'",
            "DELETE FROM audit_entry",
            "UPDATE eta_change SET new_date = '2027-01-15'",
            "DELETE FROM eta_change",
            "TRUNCATE audit_entry",
            "UPDATE alembic_version SET version_num = 'x'",
        ):
            with (
                pytest.raises(NotAllowed),
                database_problems(buyer),
                buyer.write() as session,
            ):
                session.execute(text(statement))
        with buyer.session() as session:
            assert len(records.get_record(session, "orders", line["id"])) > 0
            etas = session.execute(text("SELECT old_date, new_date FROM eta_change")).all()
        assert etas == [(None, day("2027-01-15")), (day("2027-01-15"), day("2027-02-01"))]
    finally:
        buyer.dispose()


@PG_ONLY
def test_audit_trail_records_the_database_login_not_a_typed_name(login) -> None:
    alice_url = login("alice", "buyer")
    alice = make_url(alice_url).username
    buyer = open_database(alice_url, upgrade=False)
    try:
        assert team.acting_user(buyer, "Someone Else") == alice
        with buyer.write() as session:
            # Even a client that sends a made-up name cannot put it in the history.
            line = _order_line(session, Actor("Someone Else"))
            records.update(
                session, "orders", line["id"], {"eta": day("2027-03-01")}, Actor("Nobody")
            )
        with buyer.session() as session:
            users = set(session.scalars(text('SELECT DISTINCT "user" FROM audit_entry')))
            changed_by = set(session.scalars(text("SELECT DISTINCT changed_by FROM eta_change")))
        assert users == {alice} and changed_by == {alice}
    finally:
        buyer.dispose()
    status, _, err = run(
        "--db", alice_url, "--user", "Typed Name", "settings", "default_pue", "1.4"
    )
    assert status == 0, err
    database = open_database(alice_url, upgrade=False)
    try:
        with database.session() as session:
            row = session.execute(
                text("SELECT \"user\" FROM audit_entry WHERE entity = 'settings'")
            ).one()
            updated_by = session.scalar(text("SELECT updated_by FROM setting"))
        assert row[0] == alice and updated_by == alice
    finally:
        database.dispose()


@PG_ONLY
def test_a_buyers_import_batch_names_the_login_and_cannot_be_rewritten(login, tmp_path) -> None:
    """Creation is recorded by batch (DESIGN §5), so the batch is history: it names the
    database login, and a buyer may finish and undo it but never rewrite its file, user or
    time, nor delete it."""
    import csv

    from services import audit, importing

    alice_url = login("alice", "buyer")
    alice = make_url(alice_url).username
    buyer = open_database(alice_url, upgrade=False)
    path = tmp_path / "sites.csv"
    with path.open("w", newline="") as handle:
        csv.writer(handle).writerows([["Name", "Country"], ["Odessa", "US"]])
    try:
        with buyer.write() as session:
            report = importing.import_file(
                session, path, importing.ImportRequest(kind="sites"), "Someone Else"
            )
        assert report.ok and report.sheets[0].result is not None
        batch_id = report.sheets[0].result.batch_id
        for statement in (
            "UPDATE import_batch SET \"user\" = 'forged'",
            "UPDATE import_batch SET file_name = 'other.csv', started_at = now()",
            "DELETE FROM import_batch",
        ):
            with pytest.raises(NotAllowed), database_problems(buyer), buyer.write() as session:
                session.execute(text(statement))
        with buyer.session() as session:
            site = records.find_record(session, "sites", {"name": "Odessa"})
            assert site is not None
            trail = audit.history(session, "sites", site["id"])
        assert [(h.action, h.user) for h in trail] == [("create", alice)]
        assert f"created by import {batch_id} (sites.csv, {alice}, " in (trail[0].new_value or "")
        with buyer.write() as session:
            undone = importing.undo_batch(session, batch_id, "Someone Else")
        assert undone.deleted == 1
    finally:
        buyer.dispose()


@PG_ONLY
def test_grant_switches_a_login_between_reader_and_buyer(team_url, login) -> None:
    url = login("bob", "reader")
    bob = str(make_url(url).username)
    status, out, err = run("--db", team_url, "db", "grant", bob, "buyer")
    assert status == 0, err
    assert f"{bob} is now a buyer" in out
    database = open_database(url, upgrade=False)
    try:
        assert not team.access(database).read_only
        team.grant(team_url, bob, "reader")
        database.dispose()
        assert team.access(database).read_only
        team.revoke(team_url, bob)
        database.dispose()
        with pytest.raises(Unreachable, match="permission denied"):
            team.access(database)
    finally:
        database.dispose()


@PG_ONLY
def test_a_login_outside_the_team_cannot_open_the_database(team_url, login) -> None:
    stranger = login("stranger", "reader")
    team.revoke(team_url, str(make_url(stranger).username))
    status, _, err = run("--db", stranger, "list", "sites")
    assert status == 1
    assert "cannot reach the database" in err and "permission denied" in err


@PG_ONLY
def test_grant_needs_init_and_init_needs_postgresql(db_url, tmp_path) -> None:
    status, _, err = run("--db", db_url, "db", "grant", "someone", "buyer")
    assert status == 1 and "run `db init` first" in err
    status, _, err = run("--db", db_url, "db", "grant", "someone", "owner")
    assert status == 2
    with pytest.raises(UsageError, match="PostgreSQL only"):
        team.init(str(tmp_path / "single.db"))


@PG_ONLY
def test_init_from_the_command_line_creates_a_missing_database(db_url) -> None:
    url = make_url(db_url)
    fresh = url.set(database=f"{url.database}_team")
    location = fresh.render_as_string(hide_password=False)
    try:
        status, out, err = run("--db", location, "db", "init")
        assert status == 0, err
        assert f"Created the database {fresh.database}" in out and "Team roles ready" in out
        status, out, err = run("--db", location, "db", "check")
        assert status == 0, out + err
    finally:
        team.drop_roles(location)
        from tests.conftest import drop_pg_database

        drop_pg_database(fresh)


@PG_ONLY
def test_dissolving_a_team_leaves_a_plain_database(db_url, actor) -> None:
    team.init(db_url)
    team.dissolve(db_url)
    assert not team.has_team_roles(db_url)
    database = open_database(db_url)
    try:
        assert team.acting_user(database, "maria") == "maria"
        with database.write() as session:
            make(session, "sites", actor, name="Panther Creek")
        with database.session() as session:
            assert session.scalar(text('SELECT "user" FROM audit_entry')) == actor.user
    finally:
        database.dispose()


@PG_ONLY
def test_a_reader_can_take_a_backup(login, tmp_path) -> None:
    status, out, err = run("--db", login("manager", "reader"), "db", "backup", str(tmp_path / "b"))
    assert status == 0, err
    assert "backed up" in out and (tmp_path / "b").stat().st_size > 0


def test_opening_for_the_window_on_a_single_user_file(tmp_path, rackbook_home) -> None:
    # A file created by this open: nothing in it to keep a copy of.
    opened = team.open_for(str(tmp_path / "mine.db"), "maria")
    try:
        assert not opened.access.read_only and opened.access.role == "single user"
        assert opened.actor == Actor("maria")
        assert opened.backup is None
        with opened.database.write() as session:
            records.create(session, "sites", {"name": "Rockdale", "status": "live"}, opened.actor)
    finally:
        opened.database.dispose()
    # Opened again, with a record in it: the rolling backup is taken.
    opened = team.open_for(str(tmp_path / "mine.db"), "maria")
    try:
        assert opened.backup is not None and opened.backup.parent.parent == rackbook_home
    finally:
        opened.database.dispose()


@PG_ONLY
def test_opening_for_the_window_as_a_reader(login, memory_keyring) -> None:
    url = make_url(login("manager", "reader"))
    from services import credentials

    credentials.store_password(url, "kept-in-the-keyring")
    opened = team.open_for(credentials.without_password(url), "Typed Name")
    try:
        assert opened.access.read_only and opened.access.role == "reader"
        assert opened.actor.user == url.username and opened.backup is None
        assert opened.database.url.password == "kept-in-the-keyring"
    finally:
        opened.database.dispose()
