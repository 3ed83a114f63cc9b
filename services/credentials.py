"""PostgreSQL passwords live in the operating system's keyring, nowhere else.

A team database URL is kept and shown without its password (settings files, logs, exports,
window titles, error messages); the password is stored under the account
``user@host:port/database`` of the service ``Rackbook`` with the ``keyring`` library and put
back into the URL only at the moment an engine is created.

The window's Settings screen calls :func:`remember` with what the person typed and saves the
URL it returns; the command line and the window call :func:`url_with_password` before opening.
Anything shown to a person goes through :func:`masked` (a location) or :func:`mask_text`
(free text such as an error message that may quote a URL).
"""

from __future__ import annotations

import contextlib
import logging
import re
from typing import Any

import keyring
from keyring.errors import KeyringError, PasswordDeleteError
from sqlalchemy.engine import URL

from models.database import is_sqlite, to_url
from services.errors import RackbookError

SERVICE = "Rackbook"
HIDDEN = "***"

# scheme://user:password@ — the password is whatever lies between the first ':' after the
# user name and the last '@' before the host.
_URL_PASSWORD = re.compile(r"(?P<head>[A-Za-z][A-Za-z0-9+.\-]*://[^:/@\s]*:)(?P<pw>[^@\s]+)@")


class KeyringUnavailable(RackbookError):
    """No keyring can keep the password on this machine."""


def account(location: str | URL) -> str:
    """The keyring account a team database's password is kept under."""
    url = location if isinstance(location, URL) else to_url(location)
    return f"{url.username or ''}@{url.host or 'localhost'}:{url.port or 5432}/{url.database or ''}"


def _url(location: str | URL) -> URL:
    return location if isinstance(location, URL) else to_url(location)


def store_password(location: str | URL, password: str) -> None:
    """Keep ``password`` for the team database at ``location`` in the keyring."""
    url = _url(location)
    if is_sqlite(url):
        raise RackbookError("a SQLite file has no password to keep")
    try:
        keyring.set_password(SERVICE, account(url), password)
    except KeyringError as exc:
        raise KeyringUnavailable(
            "the password cannot be kept: this machine has no keyring "
            f"({exc.__class__.__name__}). Give it when asked each time instead; it is never "
            "written to a settings file."
        ) from None


def password_for(location: str | URL) -> str | None:
    """The kept password, or None (none kept, or no keyring on this machine)."""
    url = _url(location)
    if is_sqlite(url):
        return None
    try:
        return keyring.get_password(SERVICE, account(url))
    except KeyringError:
        return None


def forget_password(location: str | URL) -> None:
    url = _url(location)
    # Nothing kept (or no keyring): forgetting it is done already.
    with contextlib.suppress(PasswordDeleteError, KeyringError):
        keyring.delete_password(SERVICE, account(url))


def without_password(location: str | URL) -> str:
    """``location`` as it may be saved in a settings file: the URL with no password at all."""
    if isinstance(location, str) and "://" not in location:
        return location
    url = _url(location)
    # URL.set(password=None) means "leave it as it is": build the URL again without it.
    bare = URL.create(
        url.drivername, url.username, None, url.host, url.port, url.database, url.query
    )
    return bare.render_as_string(hide_password=False)


def remember(location: str) -> str:
    """What the person typed in Settings (or ``--db``), made safe to save: a password in the
    URL goes to the keyring and the URL comes back without it."""
    if "://" not in location:
        return location
    url = to_url(location)
    if url.password:
        store_password(url, str(url.password))
    return without_password(url)


def url_with_password(location: str) -> str:
    """The URL to open: the kept password put back when the URL carries none. Only for
    ``create_engine``; never show or log what this returns."""
    if "://" not in location:
        return location
    url = to_url(location)
    if is_sqlite(url) or url.password:
        return location
    password = password_for(url)
    if password is None:
        return location
    return url.set(password=password).render_as_string(hide_password=False)


def masked(location: str | URL) -> str:
    """A database location as shown to a person: a URL's password replaced by ***."""
    if isinstance(location, URL):
        return location.render_as_string(hide_password=True)
    if "://" not in location:
        return location
    return mask_text(location)


def mask_text(text: str) -> str:
    """``text`` with the password of every URL in it replaced by ***."""
    return _URL_PASSWORD.sub(lambda m: f"{m.group('head')}{HIDDEN}@", text)


class MaskingFilter(logging.Filter):
    """Masks URL passwords in log records before any handler writes them."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = mask_text(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and record.exc_text is None and record.exc_info[1] is not None:
            formatted = logging.Formatter().formatException(record.exc_info)
            record.exc_text = mask_text(formatted)
        elif record.exc_text:
            record.exc_text = mask_text(record.exc_text)
        return True


def install_log_filter(logger: logging.Logger | None = None) -> MaskingFilter:
    """Mask passwords in everything ``logger`` (default: the root logger's handlers) writes."""
    target: Any = logger or logging.getLogger()
    masking = MaskingFilter()
    target.addFilter(masking)
    for handler in getattr(target, "handlers", []):
        handler.addFilter(masking)
    return masking
