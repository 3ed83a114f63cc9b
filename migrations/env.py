"""Alembic environment. Rackbook runs migrations from code (models.migrate), handing in an open
connection through ``config.attributes["connection"]``; the ``alembic`` command line works too
(it opens ``RACKBOOK_DB`` or the ``sqlalchemy.url`` of alembic.ini)."""

from __future__ import annotations

import os

from alembic import context

from models import Base
from models.database import make_engine, to_url

config = context.config
target_metadata = Base.metadata


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    is_sqlite = connection.dialect.name == "sqlite"
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=is_sqlite,
        # With our own BEGIN (models.database), SQLite DDL is transactional: a migration
        # that fails halfway rolls back instead of leaving _alembic_tmp_* tables behind.
        transactional_ddl=True,
        compare_type=True,
        user_module_prefix="models.base.",
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = os.environ.get("RACKBOOK_DB") or config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit("set RACKBOOK_DB to the database to migrate")
    engine = make_engine(to_url(url))
    with engine.connect() as connection:
        _run(connection)
        connection.commit()
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("Rackbook migrations run online only")
run_migrations_online()
