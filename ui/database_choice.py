"""The database a person chose in Settings, kept for the next start (its password in the
system keyring, never in the settings file), and the open database as a person may see it."""

from __future__ import annotations

from typing import Any


def saved_location(settings: Any) -> str | None:
    """The database chosen in Settings, as saved: a URL never carries its password there
    (services.team.open_for puts the one kept in the keyring back when opening)."""
    location = settings.value("database/location")
    return str(location) if location else None


def save_location(settings: Any, location: str | None) -> None:
    """Remember the database for the next start. A URL's password goes to the system keyring
    (services.credentials) and the URL is saved without it; with no keyring on this machine
    KeyringUnavailable is raised and nothing is saved."""
    if not location:
        settings.remove("database/location")
        return
    from services import credentials

    settings.setValue("database/location", credentials.remember(location))


def location_in_use(database: Any) -> str:
    """The open database as a person may see it: the SQLite file's path, or the URL without
    its password."""
    from services import credentials

    if database.is_sqlite:
        return str(database.url.database)
    return credentials.without_password(database.url)
