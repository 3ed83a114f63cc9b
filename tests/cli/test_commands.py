"""The command line as automation uses it: exit statuses, JSON, one-line messages."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from services import records
from tests.builders import run_cli as run

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def demo_db(demo_url: str) -> str:
    return demo_url


def test_demo_command_loads_the_data_set(db_url) -> None:
    status, out, err = run("--db", db_url, "demo")
    assert status == 0, err
    assert "13 sites" in out and "63 purchase orders" in out and "13 customer contracts" in out


def test_demo_lists_12_sites_of_341_mw_and_a_campus_of_350_mw_potential(demo_db) -> None:
    status, out, _ = run("--db", demo_db, "list", "sites", "--json")
    assert status == 0
    sites = json.loads(out)
    assert len(sites) == 13
    energised = {s["name"]: Decimal(s["grid_capacity_mw"]) for s in sites}
    campus = energised.pop("Panther Creek")
    assert sum(energised.values()) == Decimal("341")
    assert campus == Decimal("20")  # energised today; the 350 MW is potential, in steps
    assert set(sites[0]) == set(records.kind("sites").field_names)
    status, out, _ = run("--db", demo_db, "list", "site_capacity", "--json")
    assert status == 0
    steps = [s for s in json.loads(out) if s["site"] == "Panther Creek"]
    assert max(Decimal(s["grid_mw"]) for s in steps) == Decimal("350")


@pytest.mark.parametrize(
    "kind",
    ["vendors", "products", "leadtimes", "orders", "ppas", "customers", "contracts", "fxrates"],
)
def test_every_kind_lists_demo_rows(demo_db, kind) -> None:
    status, out, _ = run("--db", demo_db, "list", kind, "--json")
    assert status == 0
    rows = json.loads(out)
    assert rows
    assert list(rows[0]) == list(records.kind(kind).field_names)
    if kind == "leadtimes":
        assert all(isinstance(r["lead_days"], int) for r in rows)
    if kind == "orders":
        assert all(isinstance(r["unit_price"], str) for r in rows)
        assert {r["status"] for r in rows} >= {"received", "partially_received", "placed"}


def test_list_as_a_table(demo_db) -> None:
    status, out, _ = run("--db", demo_db, "list", "ppas")
    assert status == 0
    assert out.splitlines()[0].startswith("PPA ref")
    assert out.rstrip().endswith("13 ppas")


def test_db_check_passes_on_the_demo(demo_db) -> None:
    status, out, _ = run("--db", demo_db, "db", "check")
    assert status == 0, out
    assert "FAIL" not in out


def test_db_upgrade_reports_up_to_date(demo_db) -> None:
    status, out, _ = run("--db", demo_db, "db", "upgrade")
    assert status == 0
    assert "up to date" in out


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_db_backup_is_a_full_copy(demo_db, tmp_path) -> None:
    target = tmp_path / "copy.db"
    status, out, _ = run("--db", demo_db, "db", "backup", str(target))
    assert status == 0, out
    status, out, _ = run("--db", str(target), "list", "orders", "--json")
    assert len(json.loads(out)) == len(
        json.loads(run("--db", demo_db, "list", "orders", "--json")[1])
    )


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_db_backup_on_postgresql_uses_pg_dump_or_says_how(demo_db, tmp_path) -> None:
    import shutil

    target = tmp_path / "team.dump"
    status, _, err = run("--db", demo_db, "db", "backup", str(target))
    if shutil.which("pg_dump"):
        assert status == 0, err
        assert target.stat().st_size > 0
    else:
        assert status == 1
        assert "pg_dump --format=custom" in err


def test_demo_refuses_a_database_that_holds_data(demo_db) -> None:
    status, _, err = run("--db", demo_db, "demo")
    assert status == 1
    assert err.count("\n") == 1 and "empty database only" in err


@pytest.mark.parametrize(
    "argv",
    [
        ["list", "gizmos"],
        ["list"],
        ["frobnicate"],
        ["alerts", "--as-of", "someday"],
        ["db"],
        ["settings", "colour", "blue"],
    ],
)
def test_usage_errors_exit_2_with_one_line(db_url, argv) -> None:
    status, _, err = run("--db", db_url, *argv)
    assert status == 2
    assert err.count("\n") == 1, err
    assert "Traceback" not in err


def test_settings_command(db_url) -> None:
    status, out, _ = run("--db", db_url, "settings", "slip_threshold_days", "21")
    assert status == 0 and "= 21" in out
    status, out, _ = run("--db", db_url, "settings")
    assert "slip_threshold_days" in out and " 21 " in out
    status, _, err = run("--db", db_url, "settings", "default_pue", "0.2")
    assert status == 1 and "at least 1" in err


def test_user_is_recorded(db_url) -> None:
    status, _, _ = run("--db", db_url, "--user", "maria", "settings", "unconfirmed_days", "7")
    assert status == 0
    from sqlalchemy import select

    from models import AuditEntry
    from models.database import open_database

    database = open_database(db_url)

    with database.session() as session:
        users = set(session.scalars(select(AuditEntry.user)))
    database.dispose()
    assert users == {"maria"}


def test_an_unusable_database_is_one_clear_line(tmp_path) -> None:
    folder = tmp_path / "not-a-db.db"
    folder.write_text("this is not a database")
    status, _, err = run("--db", str(folder), "list", "sites")
    assert status == 1
    assert err.startswith("rackbook:") and err.count("\n") == 1 and "Traceback" not in err


def _python(tmp_path, *argv: str) -> subprocess.CompletedProcess[str]:
    """``python ARGV...`` from the repository in a bare environment (no display, own home)."""
    return subprocess.run(
        [sys.executable, *argv],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"RACKBOOK_HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin"},
    )


def test_headless_commands_never_import_qt(tmp_path) -> None:
    """Automation runs without a display: the command line must not load Qt."""
    script = (
        "import sys, cli\n"
        f"status = cli.run(['--db', {str(tmp_path / 'h.db')!r}, 'demo'])\n"
        f"status |= cli.run(['--db', {str(tmp_path / 'h.db')!r}, 'list', 'orders', '--json'])\n"
        f"status |= cli.run(['--db', {str(tmp_path / 'h.db')!r}, 'db', 'check'])\n"
        "import services, pkgutil, importlib\n"
        "for m in pkgutil.walk_packages(services.__path__, 'services.'):\n"
        "    importlib.import_module(m.name)\n"
        "assert not [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6', 'ui'))]\n"
        "sys.exit(status)\n"
    )
    completed = _python(tmp_path, "-c", script)
    assert completed.returncode == 0, completed.stderr


def test_main_entry_point_runs_a_command(tmp_path) -> None:
    completed = _python(
        tmp_path, "main.py", "--db", str(tmp_path / "m.db"), "list", "sites", "--json"
    )
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout) == []


def test_output_piped_into_a_reader_that_stops_early_ends_quietly(tmp_path) -> None:
    """``rackbook list orders --json | head -c 40``: the reader closes the pipe, the command
    stops without a word on stderr and with status 0."""
    env = {"RACKBOOK_HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin"}
    db = str(tmp_path / "p.db")
    subprocess.run(
        [sys.executable, "main.py", "--db", db, "demo"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    command = subprocess.Popen(
        [sys.executable, "main.py", "--db", db, "list", "orders", "--json"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert command.stdout is not None and command.stderr is not None
    assert command.stdout.read(40).startswith(b"[")
    command.stdout.close()
    errors = command.stderr.read()
    assert command.wait(timeout=120) == 0
    assert errors == b""


def test_a_command_process_ends_at_once_with_all_its_output_and_its_status(tmp_path) -> None:
    """``python main.py COMMAND`` ends its process as soon as the command is done
    (main.leave): everything it printed is out, in order, and its exit status is the
    command's."""
    db = str(tmp_path / "m.db")
    made = _python(tmp_path, "main.py", "--db", db, "demo")
    assert made.returncode == 0, made.stderr
    listed = _python(tmp_path, "main.py", "--db", db, "list", "orders", "--json")
    assert listed.returncode == 0, listed.stderr
    status, out, _ = run("--db", db, "list", "orders", "--json")
    assert status == 0 and json.loads(listed.stdout) == json.loads(out) != []
    missing = _python(tmp_path, "main.py", "--db", str(tmp_path / "no" / "x.db"), "list", "sites")
    assert missing.returncode == 1
    assert missing.stderr.startswith("rackbook: there is no database") and missing.stdout == ""
