"""Small builders for hand-made test data: kept for the files that import them from here; the
builders themselves are in tests/builders.py."""

from tests.builders import D, basic_world, day, make

__all__ = ["D", "basic_world", "day", "make"]
