"""The driver-level bulk insert stores every value exactly as the ORM stores it, fills the
columns' Python defaults, and raises SQLAlchemy's own errors (on SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from models import AuditEntry, CustomerContract, Site
from models.bulk import (
    ROWS_PER_STATEMENT,
    Constant,
    insert_columns,
    read_columns,
    reserve_ids,
)
from tests.builders import basic_world, contract, make


def test_values_round_trip_as_the_orm_stores_them(database, actor) -> None:
    with database.write() as session:
        basic_world(session, actor)
        contract(
            session,
            "ORM-1",
            "2027-01-01",
            actor=actor,
            customer="Acme AI",
            end_date=dt.date(2029, 12, 31),
            price=Decimal("2.3500"),
            committed_gpus=512,
            auto_renew=True,
            service=None,
        )
    with database.write() as session:
        orm = session.scalars(
            select(CustomerContract).where(CustomerContract.contract_ref == "ORM-1")
        ).one()
        table = CustomerContract.__table__
        stamp = dt.datetime(2026, 11, 26, 16, 20, 0, 123456)
        insert_columns(
            session.connection(),
            table,  # type: ignore[arg-type]
            {
                "contract_ref": ["BULK-1", "BULK-2"],
                "customer_id": Constant(orm.customer_id),
                "site_id": Constant(orm.site_id),
                "start_date": [dt.date(2027, 1, 1), dt.date(2028, 2, 29)],
                "end_date": Constant(dt.date(2029, 12, 31)),
                "price": [Decimal("2.3500"), Decimal("12345678901234.5678")],
                "price_unit": Constant("per_gpu_hour"),
                "committed_gpus": [512, None],
                "currency": Constant("USD"),
                "status": Constant("signed"),
                "auto_renew": [True, False],
                "created_at": Constant(stamp),
                "updated_at": Constant(stamp),
            },
            2,
        )
    with database.session() as session:
        rows = {
            c.contract_ref: c
            for c in session.scalars(
                select(CustomerContract).where(CustomerContract.contract_ref.like("BULK-%"))
            )
        }
        orm = session.scalars(
            select(CustomerContract).where(CustomerContract.contract_ref == "ORM-1")
        ).one()
        first, second = rows["BULK-1"], rows["BULK-2"]
        for name in ("start_date", "end_date", "price", "committed_gpus", "auto_renew", "currency"):
            assert getattr(first, name) == getattr(orm, name), name
        assert second.start_date == dt.date(2028, 2, 29)
        assert second.price == Decimal("12345678901234.5678")
        assert second.committed_gpus is None
        assert second.auto_renew is False
        assert first.created_at == stamp
        # Python defaults of columns not given: version 1, empty created_by/updated_by.
        assert first.version == 1
        assert first.created_by == ""
        # The same rows are found by the same SQL comparisons as ORM-written ones.
        found = session.scalars(
            select(CustomerContract.contract_ref)
            .where(CustomerContract.start_date == dt.date(2027, 1, 1))
            .order_by(CustomerContract.contract_ref)
        ).all()
        assert found == ["BULK-1", "ORM-1"]


def test_callable_defaults_are_filled_once(database, actor) -> None:
    before = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(seconds=5)
    with database.write() as session:
        insert_columns(
            session.connection(),
            AuditEntry.__table__,  # type: ignore[arg-type]
            {
                "entity": Constant("sites"),
                "entity_id": [1, 2, 3],
                "entity_key": ["a", "b", "c"],
                "action": Constant("create"),
                "user": Constant("tester"),
                "source": Constant("user"),
            },
            3,
        )
    with database.session() as session:
        stamps = session.scalars(select(AuditEntry.at)).all()
    assert len(stamps) == 3 and len(set(stamps)) == 1
    assert stamps[0] >= before


def test_a_taken_unique_key_raises_integrity_error_and_writes_nothing(database, actor) -> None:
    with database.write() as session:
        basic_world(session, actor)
    with pytest.raises(IntegrityError), database.write() as session:
        insert_columns(
            session.connection(),
            Site.__table__,  # type: ignore[arg-type]
            {"name": ["Fresh Site", "Panther Creek"], "status": Constant("planned")},
            2,
        )
    with database.session() as session:
        assert session.scalars(select(Site).where(Site.name == "Fresh Site")).first() is None


def test_values_must_match_the_row_count(database) -> None:
    with database.write() as session, pytest.raises(ValueError, match=r"site\.name: 1 values"):
        insert_columns(
            session.connection(),
            Site.__table__,  # type: ignore[arg-type]
            {"name": ["Only one"], "status": Constant("planned")},
            2,
        )


def test_reserved_ids_are_used_by_bulk_rows_and_never_again(database, actor) -> None:
    with database.write() as session:
        basic_world(session, actor)
        table = Site.__table__
        ids = reserve_ids(session.connection(), table, 3)  # type: ignore[arg-type]
        assert len(ids) == 3 and len(set(ids)) == 3 and ids == sorted(ids)
        insert_columns(
            session.connection(),
            table,  # type: ignore[arg-type]
            {"id": ids, "name": ["R1", "R2", "R3"], "status": Constant("planned")},
            3,
        )
        # A record saved afterwards (the sequence on PostgreSQL, the largest id on SQLite)
        # gets an id of its own.
        later = make(session, "sites", actor, name="Later", status="planned")
        assert later["id"] not in ids
    with database.session() as session:
        found = dict(session.execute(select(Site.name, Site.id).where(Site.name.like("R%"))).all())
    assert found == {"R1": ids[0], "R2": ids[1], "R3": ids[2]}


@pytest.mark.parametrize(
    "rows", [1, ROWS_PER_STATEMENT - 1, ROWS_PER_STATEMENT, ROWS_PER_STATEMENT + 1, 3 * 1000 + 7]
)
def test_rows_spanning_several_statements_are_all_stored_in_order(database, rows) -> None:
    """On SQLite the rows go in multi-row statements (ROWS_PER_STATEMENT each, the rest in a
    last one); every row arrives with its own values, whatever the count."""
    with database.write() as session:
        insert_columns(
            session.connection(),
            AuditEntry.__table__,  # type: ignore[arg-type]
            {
                "entity": Constant("sites"),
                "entity_id": list(range(1, rows + 1)),
                "entity_key": [f"site {n}" for n in range(1, rows + 1)],
                "action": Constant("create"),
                "new_value": [None if n % 3 else f"name=site {n}" for n in range(1, rows + 1)],
                "user": Constant("tester"),
                "source": Constant("user"),
            },
            rows,
        )
    with database.session() as session:
        found = session.execute(
            select(AuditEntry.entity_id, AuditEntry.entity_key, AuditEntry.new_value).order_by(
                AuditEntry.id
            )
        ).all()
    assert [tuple(r) for r in found] == [
        (n, f"site {n}", None if n % 3 else f"name=site {n}") for n in range(1, rows + 1)
    ]


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_low_parameter_limit_makes_statements_of_fewer_rows(database) -> None:
    """An SQLite built with a low limit of parameters per statement (999 before 3.32) still
    takes every row: a statement carries no more rows than the limit allows."""
    import sqlite3

    with database.write() as session:
        connection = session.connection()
        driver = connection.connection.dbapi_connection
        assert driver is not None
        driver.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 30)  # 4 rows of 7 columns
        insert_columns(
            connection,
            AuditEntry.__table__,  # type: ignore[arg-type]
            {
                "entity": Constant("sites"),
                "entity_id": list(range(10)),
                "entity_key": [str(n) for n in range(10)],
                "action": Constant("create"),
                "user": Constant("tester"),
                "source": Constant("user"),
            },
            10,
        )
        assert session.scalars(select(AuditEntry.entity_key)).all() == [str(n) for n in range(10)]


def test_read_columns_gives_what_a_core_result_gives_in_parts(database, actor) -> None:
    """Values read through the driver are converted as SQLAlchemy converts them (dates,
    timestamps, scaled decimals, booleans, NULL), in parts of the size asked for, and a
    value repeated down a column is one object."""
    with database.write() as session:
        basic_world(session, actor)
        for n in range(7):
            make(
                session,
                "contracts",
                actor,
                contract_ref=f"RC-{n}",
                customer="Acme AI",
                site="Panther Creek",
                start_date=dt.date(2027, 1, 1),
                end_date=dt.date(2029, 12, 31),
                price=Decimal("2.3500") + n,
                price_unit="per_gpu_hour",
                committed_gpus=512,
                committed_mw=None,
                auto_renew=bool(n % 2),
            )
    table = CustomerContract.__table__
    statement = select(
        table.c.contract_ref,
        table.c.start_date,
        table.c.price,
        table.c.committed_mw,
        table.c.auto_renew,
        table.c.created_at,
    ).order_by(table.c.contract_ref)
    with database.session() as session:
        expected = [tuple(r) for r in session.execute(statement)]
        keys, parts = read_columns(session.connection(), statement, 3)
        columns_by_part = list(parts)
    assert keys == [
        "contract_ref",
        "start_date",
        "price",
        "committed_mw",
        "auto_renew",
        "created_at",
    ]
    assert [len(part[0]) for part in columns_by_part] == [3, 3, 1]
    rows = [row for part in columns_by_part for row in zip(*part, strict=True)]
    assert rows == expected
    assert all(
        type(a) is type(b)
        for row, want in zip(rows, expected, strict=True)
        for a, b in zip(row, want, strict=True)
    )
    starts = [part[1] for part in columns_by_part]
    assert starts[0][0] is starts[2][0]  # one date object for the whole column


def test_read_columns_refuses_parameters_and_raises_sqlalchemy_errors(database) -> None:
    from sqlalchemy import column, table
    from sqlalchemy.exc import DBAPIError

    with database.session() as session:
        with pytest.raises(ValueError, match="without parameters"):
            read_columns(session.connection(), select(Site.id).where(Site.name == "x"), 10)
        missing = select(column("id")).select_from(table("no_such_table"))
        _, parts = read_columns(session.connection(), missing, 10)
        with pytest.raises(DBAPIError):
            list(parts)


def test_two_reads_may_be_open_at_once(database, actor) -> None:
    """Each read has a cursor of its own (a named server-side one on PostgreSQL): a second
    read started before the first is finished reads its own rows."""
    with database.write() as session:
        for name in ("Site C", "Site A", "Site B"):
            make(session, "sites", actor, name=name, status="planned")
    statement = select(Site.name).order_by(Site.name)
    with database.session() as session:
        _, first = read_columns(session.connection(), statement, 1)
        _, second = read_columns(session.connection(), statement, 1)
        started = next(first)
        whole_second = [part[0][0] for part in second]
        whole_first = [part[0][0] for part in [started, *first]]
    assert whole_first == whole_second == ["Site A", "Site B", "Site C"]


def test_read_columns_reads_a_percent_sign_as_sqlalchemy_writes_it(database) -> None:
    """SQLAlchemy writes ``%`` as ``%%`` for psycopg: the driver is asked to read it so."""
    from sqlalchemy import literal_column

    statement = select(literal_column("7 % 4").label("rest"), literal_column("'50%'").label("text"))
    with database.session() as session:
        keys, parts = read_columns(session.connection(), statement, 10)
        assert keys == ["rest", "text"]
        assert list(parts) == [[[3], ["50%"]]]


@pytest.mark.parametrize("varying", [True, False])
def test_columns_of_one_value_are_stored_on_every_row(database, varying) -> None:
    """Columns with one value for every row (a Constant, or None throughout) are bound once
    per statement on SQLite; every row still gets them, with or without a column that
    varies, and across statements."""
    rows = ROWS_PER_STATEMENT + 3
    with database.write() as session:
        insert_columns(
            session.connection(),
            AuditEntry.__table__,  # type: ignore[arg-type]
            {
                "entity": Constant("sites"),
                "entity_id": list(range(rows)) if varying else Constant(7),
                "entity_key": Constant("site"),
                "action": Constant("create"),
                "old_value": [None] * rows,
                "user": Constant("tester"),
                "source": Constant("user"),
            },
            rows,
        )
    with database.session() as session:
        found = session.execute(
            select(
                AuditEntry.entity,
                AuditEntry.entity_id,
                AuditEntry.entity_key,
                AuditEntry.old_value,
                AuditEntry.user,
            ).order_by(AuditEntry.id)
        ).all()
    assert [tuple(r) for r in found] == [
        ("sites", n if varying else 7, "site", None, "tester") for n in range(rows)
    ]
