"""The file is read while the rest starts: ``read.ReadAhead`` checks, opens and parses it in
a thread of its own, and the import command starts it before SQLAlchemy and the models are
imported. What it reads, and what it refuses, is what ``read_file`` reads and refuses."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from services import importing
from services.importing.read import FileProblem, ReadAhead, read_file

ROOT = Path(__file__).resolve().parents[3]


def _orders_file(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Open Orders"
    sheet.append(["PO #", "Line", "Part No.", "Qty", "Order Date", "Ship To"])
    sheet.append(["PO-1", 1, "AS-8125GS", 4, "2027-01-04", "Panther Creek"])
    other = book.create_sheet("Notes")
    other.append(["nothing to import here"])
    book.save(path)
    return path


def test_the_sheets_read_ahead_are_the_sheets_read_file_reads(tmp_path) -> None:
    path = _orders_file(tmp_path / "orders.xlsx")
    ahead = ReadAhead(path).workbook()
    plain = read_file(path)
    assert ahead.sheet_names == plain.sheet_names
    assert ahead.sha256 == plain.sha256
    for name in plain.visible_sheets:
        assert ahead.sheet(name).rows == plain.sheet(name).rows
    # Both sheets were parsed in the thread: asking again parses nothing.
    assert set(ahead._cache) == {"Open Orders", "Notes"}


def test_one_sheet_asked_for_is_the_only_one_parsed(tmp_path) -> None:
    path = _orders_file(tmp_path / "orders.xlsx")
    workbook = ReadAhead(path, "Open Orders").workbook()
    assert set(workbook._cache) == {"Open Orders"}


def test_a_file_it_cannot_read_is_refused_when_asked_for(tmp_path) -> None:
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    ahead = ReadAhead(broken)
    with pytest.raises(FileProblem, match=r"broken\.xlsx"):
        ahead.workbook()
    with pytest.raises(FileProblem, match="no such file"):
        ReadAhead(tmp_path / "gone.xlsx").workbook()
    path = _orders_file(tmp_path / "orders.xlsx")
    with pytest.raises(FileProblem, match="there is no sheet 'Backlog'"):
        ReadAhead(path, "Backlog").workbook()


def test_an_import_given_the_read_ahead_reports_as_one_that_reads_itself(
    database, tmp_path
) -> None:
    from tests.services.importing.conftest import build_world

    build_world(database)
    path = _orders_file(tmp_path / "orders.xlsx")
    request = importing.ImportRequest(kind="orders", vendor="Supermicro")
    reports = []
    for ahead in (None, ReadAhead(path, None)):
        with database.write() as session:
            report = importing.import_file(session, path, request, "tester", ahead=ahead)
            reports.append((report.ok, [s.plan.counts for s in report.sheets], report.notes))
            session.rollback()
    assert reports[0] == reports[1]
    assert reports[0][1] == [{"create": 1, "update": 0, "unchanged": 0, "rejected": 0}]


def test_the_import_command_starts_reading_before_the_database_libraries(tmp_path) -> None:
    """``main.py import`` starts the read before SQLAlchemy or the models are imported, and
    the reading module alone imports neither."""
    path = _orders_file(tmp_path / "orders.xlsx")
    script = (
        "import sys\n"
        "import services.importing.read as read\n"
        "assert not {'sqlalchemy', 'models'} & set(sys.modules), sorted(sys.modules)\n"
        "seen = []\n"
        "start = read.ReadAhead.__init__\n"
        "def noted(self, *a, **k):\n"
        "    seen.append('sqlalchemy' in sys.modules)\n"
        "    start(self, *a, **k)\n"
        "read.ReadAhead.__init__ = noted\n"
        "import main\n"
        f"status = main.main(['--db', {str(tmp_path / 'r.db')!r}, 'import', {str(path)!r},"
        " '--kind', 'orders', '--vendor', 'Nobody'])\n"
        "assert seen == [False], seen\n"
        "print(status)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"RACKBOOK_HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr
    # The vendor is unknown: the rows are refused (status 1), after the read ahead.
    assert done.stdout.strip().splitlines()[-1] == "1", done.stdout + done.stderr


def test_the_switch_interval_is_given_back_when_the_read_ends(tmp_path) -> None:
    """The short GIL switch interval lasts while the file is read, asked for or not (an
    import that fails before it asks must not leave the window's process with it)."""
    before = sys.getswitchinterval()
    ahead = ReadAhead(_orders_file(tmp_path / "orders.xlsx"))
    ahead._done.wait(30)
    assert sys.getswitchinterval() == before
    with pytest.raises(FileProblem):
        ReadAhead(tmp_path / "gone.xlsx").workbook()
    assert sys.getswitchinterval() == before
