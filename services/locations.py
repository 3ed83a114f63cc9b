"""Who is at the keyboard and which database they mean: the login name, and the database a
command or the window opens when none is named (the window and the command line share it)."""

from __future__ import annotations

import getpass

from services import paths


def login_name() -> str:
    """The operating system's login name (``rackbook`` where there is none: some containers
    and services run without one)."""
    try:
        return getpass.getuser()
    except Exception:
        return "rackbook"


def database_location(db: str | None, demo: bool = False) -> str:
    """The database to open: ``db`` as given (a team database's password comes from the
    keyring when the URL carries none), else the demo database or the user's own."""
    if db:
        from services import credentials

        return credentials.url_with_password(str(db))
    return str(paths.demo_database() if demo else paths.default_database())
