"""Passwords of team databases: kept in the keyring, never shown, saved or logged."""

from __future__ import annotations

import io
import logging
import sys
import zipfile
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from sqlalchemy.engine import make_url

from models.database import open_database
from services import credentials
from services.faults import explain
from tests.builders import run_cli as run
from tests.services.team.conftest import PG_ONLY

SECRET = "s3cret-Pw"


def _with_secret(url: str) -> str:
    return make_url(url).set(password=SECRET).render_as_string(hide_password=False)


def test_keyring_keeps_the_password_and_settings_keep_the_url_without_it(memory_keyring):
    typed = f"postgresql+psycopg://alice:{SECRET}@db.example:5433/procurement"
    saved = credentials.remember(typed)
    assert saved == "postgresql+psycopg://alice@db.example:5433/procurement"
    assert memory_keyring.passwords == {("Rackbook", "alice@db.example:5433/procurement"): SECRET}
    assert make_url(credentials.url_with_password(saved)).password == SECRET
    # Another database or another login on the same server gets nothing.
    other = "postgresql+psycopg://bob@db.example:5433/procurement"
    assert credentials.url_with_password(other) == other
    credentials.forget_password(saved)
    credentials.forget_password(saved)  # forgetting twice is fine
    assert credentials.url_with_password(saved) == saved
    assert credentials.remember("/home/alice/rackbook.db") == "/home/alice/rackbook.db"


def test_without_a_keyring_the_password_is_refused_clearly_and_never_written():
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        url = "postgresql+psycopg://alice@db.example/procurement"
        with pytest.raises(credentials.KeyringUnavailable, match="no keyring"):
            credentials.store_password(url, SECRET)
        assert credentials.url_with_password(url) == url
    finally:
        keyring.set_keyring(previous)


def test_masking_of_every_form_a_url_is_shown_in():
    url = f"postgresql+psycopg://alice:{SECRET}@db.example:5432/procurement"
    assert credentials.masked(url) == "postgresql+psycopg://alice:***@db.example:5432/procurement"
    assert credentials.masked(make_url(url)) == credentials.masked(url)
    message = f"could not open {url} (and postgres://x:{SECRET}@h/db) today"
    assert SECRET not in credentials.mask_text(message)
    assert "alice:***@db.example" in credentials.mask_text(message)
    assert credentials.masked("C:/data/rackbook.db") == "C:/data/rackbook.db"
    assert SECRET not in open_database(url, upgrade=False).name


def test_log_records_are_masked(tmp_path: Path):
    log_file = tmp_path / "rackbook.log"
    logger = logging.getLogger("rackbook.test-masking")
    handler = logging.FileHandler(log_file)
    logger.addHandler(handler)
    credentials.install_log_filter(logger)
    try:
        url = f"postgresql+psycopg://alice:{SECRET}@db/procurement"
        logger.warning("opening %s", url)
        try:
            raise RuntimeError(f"cannot connect to {url}")
        except RuntimeError:
            logger.exception("failed")
    finally:
        logger.removeHandler(handler)
        handler.close()
    text = log_file.read_text()
    assert "alice:***@db" in text and "RuntimeError" in text and SECRET not in text


def _all_text_under(folder: Path) -> str:
    chunks = []
    for path in folder.rglob("*"):
        if path.is_file():
            if path.suffix == ".xlsx":
                with zipfile.ZipFile(path) as archive:
                    chunks += [
                        archive.read(n).decode("utf-8", "replace") for n in archive.namelist()
                    ]
            else:
                chunks.append(path.read_bytes().decode("utf-8", "replace"))
    return "\n".join(chunks)


@PG_ONLY
def test_a_password_in_the_url_is_never_shown_saved_logged_or_exported(
    db_url, rackbook_home, tmp_path, memory_keyring
):
    url = _with_secret(db_url)
    outputs: list[str] = []
    for argv in (
        ("demo",),
        ("list", "sites"),
        ("alerts", "--as-of", "2027-01-15"),
        ("settings", "default_pue", "1.4"),
        ("export", "contracts", str(tmp_path / "contracts.xlsx")),
        ("db", "check"),
        ("db", "upgrade"),
        ("db", "backup", str(tmp_path / "team.dump")),
    ):
        status, out, err = run("--db", url, *argv)
        assert status == 0, (argv, err)
        outputs += [out, err]
    # And when things go wrong: a database that does not exist, a refused command.
    missing = make_url(url).set(database="rackbook_no_such_db").render_as_string(False)
    for argv in (("list", "sites"), ("db", "check"), ("db", "grant", "x", "reader")):
        status, out, err = run("--db", missing, *argv)
        assert status != 0
        assert "rackbook_no_such_db" in err
        outputs += [out, err]
    shown = "\n".join(outputs)
    assert SECRET not in shown
    assert SECRET not in _all_text_under(rackbook_home)
    assert SECRET not in _all_text_under(tmp_path)
    database = open_database(url, upgrade=False)
    try:
        with database.session() as session:
            from sqlalchemy import text

            stored = session.execute(
                text(
                    "SELECT string_agg(coalesce(old_value,'') || coalesce(new_value,''), '') "
                    "FROM audit_entry"
                )
            ).scalar_one()
            settings = session.execute(text("SELECT string_agg(value, '') FROM setting")).scalar()
        assert SECRET not in (stored or "") + (settings or "")
    finally:
        database.dispose()


@PG_ONLY
def test_connection_errors_never_quote_the_password(db_url):
    unreachable = make_url(_with_secret(db_url)).set(port=1).render_as_string(False)
    database = open_database(unreachable, upgrade=False)
    try:
        with database.engine.connect():
            pass
    except Exception as exc:  # the driver's own error, as the window would catch it
        problem = explain(exc, database)
        assert problem is not None and SECRET not in str(problem)
        assert "cannot reach" in str(problem)
    else:
        pytest.fail("port 1 accepted a connection")
    finally:
        database.dispose()


@PG_ONLY
def test_db_password_keeps_it_in_the_keyring_for_later_commands(
    db_url, memory_keyring, monkeypatch
):
    monkeypatch.setattr(sys, "stdin", io.StringIO(f"{SECRET}\n"))
    status, out, err = run("--db", db_url, "db", "password")
    assert status == 0, err
    assert SECRET not in out + err
    assert list(memory_keyring.passwords.values()) == [SECRET]
    assert make_url(credentials.url_with_password(db_url)).password == SECRET
    status, _, err = run("--db", db_url, "list", "sites")  # the kept password is used
    assert status == 0, err
