"""Fixtures for the team database: a PostgreSQL database set up by ``db init`` with its roles,
login roles for buyers and readers, and a real keyring backend kept in memory.

Roles are cluster-wide and the server is shared by the whole suite (tests run in random
order), so every name carries a random part and every role made here is dropped afterwards.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from services import team
from tests.conftest import pg_server_url

PG_ONLY = pytest.mark.parametrize("backend", ["postgresql"], indirect=True)


@contextmanager
def team_database(url: str) -> Iterator[str]:
    """The PostgreSQL database at ``url`` set up as a team database (``db init``, as its
    administrator) while the block runs, its roles dissolved after."""
    team.init(url)
    try:
        yield url
    finally:
        team.dissolve(url)


@pytest.fixture
def team_url(db_url: str) -> Iterator[str]:
    """A fresh PostgreSQL database set up as a team database (as its administrator)."""
    with team_database(db_url) as url:
        yield url


def _drop_login(name: str) -> None:
    server = pg_server_url()
    assert server is not None
    engine = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(f'DROP ROLE IF EXISTS "{name}"'))
    finally:
        engine.dispose()


@pytest.fixture
def team_login_url(team_url: str) -> str:
    """The team database the ``login`` fixture makes logins for (tests/ui/team: the demo's)."""
    return team_url


@pytest.fixture
def login(team_login_url: str) -> Iterator[Callable[[str, str], str]]:
    """``login("alice", "buyer")`` -> the URL of the team database as a new login of that role
    (trust authentication on the test server: no password needed). The one login fixture of
    the suite: tests/ui/team uses it on the demo's team database."""
    made: list[str] = []

    def make(person: str, role: str) -> str:
        name = f"rbt_{uuid.uuid4().hex[:8]}_{person}"
        team.grant(team_login_url, name, role)
        made.append(name)
        return make_url(team_login_url).set(username=name).render_as_string(hide_password=False)

    try:
        yield make
    finally:
        for name in made:
            _drop_login(name)


class MemoryKeyring(KeyringBackend):
    """A keyring backend of the keyring library's own kind, keeping passwords in memory (this
    headless machine has no operating-system keyring)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.passwords.pop((service, username), None) is None:
            raise PasswordDeleteError("no such password")


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)
