"""Every command of the command line, found from the parser itself (a new command is walked
too), given hostile arguments one at a time: huge, negative and empty numbers, 10,000
characters, control characters, impossible and out-of-range dates, missing files, folders
where files belong. Whatever the outcome, it is a message: never "internal error" and never
a traceback."""

from __future__ import annotations

import argparse
import io
from collections.abc import Iterator
from pathlib import Path

import pytest

import cli

HOSTILE = (
    "99999999999999999999999",
    "-1",
    "0",
    "",
    "x" * 10_000,
    "a\x1b[31mb\x07c\x7f",
    "\u202eevil\u200b",
    "2027-02-30",
    "1800-01-01",
    "9999-12-31",
    "{missing}",
    "{folder}",
)

# Commands that would wait for a person (a password typed at the terminal) are given one.
SKIP = {("db", "password")}


def _leaves(
    parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        yield prefix, parser
        return
    for name, child in subs[0].choices.items():
        yield from _leaves(child, (*prefix, name))


def _base_value(action: argparse.Action) -> str:
    if action.choices:
        return str(next(iter(action.choices)))
    return "1"


def _argument_vectors(
    command: tuple[str, ...], parser: argparse.ArgumentParser
) -> Iterator[list[str]]:
    positionals = [
        a for a in parser._actions if not a.option_strings and a.nargs != argparse.SUPPRESS
    ]
    options = [
        a
        for a in parser._actions
        if a.option_strings and a.nargs != 0 and not isinstance(a, argparse._HelpAction)
    ]
    base = [_base_value(a) for a in positionals]
    yield [*command, *base]
    for index in range(len(positionals)):
        for value in HOSTILE:
            args = list(base)
            args[index] = value
            yield [*command, *args]
    for option in options:
        for value in HOSTILE:
            yield [*command, *base, f"{option.option_strings[-1]}={value}"]


def _commands() -> list[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    return [(c, p) for c, p in _leaves(cli.build_parser()) if c not in SKIP]


def test_the_walk_covers_every_command() -> None:
    names = {c[0] for c, _ in _commands()}
    assert {"list", "import", "import-undo", "export", "db", "alerts", "attach"} <= names
    assert ("db", "backup") in {c for c, _ in _commands()}


@pytest.fixture
def world(
    demo_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[str, Path]]:
    folder = tmp_path / "a folder"
    folder.mkdir()
    # Commands given "1" or "-1" as a file write it where they run: here, not in the project.
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    yield demo_url, tmp_path


def _fill(text: str, tmp_path: Path) -> str:
    return text.replace("{missing}", str(tmp_path / "no such" / "file.xlsx")).replace(
        "{folder}", str(tmp_path / "a folder")
    )


def _check(argv: list[str]) -> None:
    out, err = io.StringIO(), io.StringIO()
    try:
        status = cli.run(argv, out=out, err=err)
    except BaseException as escaped:  # nothing may escape the command line's own handling
        pytest.fail(f"{argv!r:.300} raised {escaped!r:.300}")
    said = out.getvalue() + err.getvalue()
    shown = f"{[a[:60] for a in argv]}: {said[:600]}"
    assert "internal error" not in said, shown
    assert "Traceback" not in said, shown
    assert isinstance(status, int) and status in (0, 1, 2), shown


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_no_command_fails_inside_on_hostile_arguments(world, backend) -> None:
    db, tmp_path = world
    for command, parser in _commands():
        for argv in _argument_vectors(command, parser):
            _check(["--db", db, *(_fill(a, tmp_path) for a in argv)])


@pytest.mark.parametrize(
    "db",
    [
        "mysql://root@localhost/rackbook",
        "postgresql://nobody@127.0.0.1:1/none",
        "not a url://",
        "{folder}",
        "{missing}",
    ],
)
def test_hostile_database_locations_are_messages(db, tmp_path, monkeypatch) -> None:
    (tmp_path / "a folder").mkdir()
    monkeypatch.chdir(tmp_path)
    for command in (["list", "vendors"], ["db", "check"], ["db", "backup", "out.db"], ["alerts"]):
        _check(["--db", _fill(db, tmp_path), *command])


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_hostile_global_options_are_messages(demo_url) -> None:
    for user in ("u" * 500, "", "a\x00b", "a\x1bb"):
        _check(["--db", demo_url, "--user", user, "settings", "slip_threshold_days", "20"])


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_a_long_user_name_on_postgresql_is_a_usage_error(db_url) -> None:
    out, err = io.StringIO(), io.StringIO()
    status = cli.run(
        ["--db", db_url, "--user", "u" * 500, "settings", "slip_threshold_days", "21"],
        out=out,
        err=err,
    )
    assert status == 2
    assert "at most 120 characters" in err.getvalue()
