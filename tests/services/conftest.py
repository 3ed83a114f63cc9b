"""Fixtures of the service tests."""

from __future__ import annotations

import pytest

from models.database import Database
from tests.services.readiness_world import build


@pytest.fixture
def readiness_db(database: Database) -> Database:
    """A fresh database holding the hand-built world of tests/services/readiness_world.py."""
    with database.write() as session:
        build(session)
    return database
