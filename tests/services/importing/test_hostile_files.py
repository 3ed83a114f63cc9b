"""Hostile, broken and mislabelled files: a clear message and exit status 1 from the command
line, never a traceback, never a partial write; entity and zip bombs refused fast and small."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from models.database import Database
from services import records
from services.importing import FileProblem, read_file
from tests.builders import run_cli
from tests.services.importing.conftest import FIXTURES, build_world, supermicro_backlog

ROOT = Path(__file__).resolve().parents[3]


def _run(db_url: str, *args: str) -> tuple[int, str, str]:
    return run_cli("--db", db_url, "--user", "tester", *args)


def _xlsx(tmp_path: Path) -> Path:
    return supermicro_backlog(tmp_path / "good.xlsx")


def _rewrite_member(source: Path, target: Path, member: str, data: bytes) -> Path:
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info, data if info.filename == member else zin.read(info.filename))
    return target


BILLION_LAUGHS = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>"""


def test_defusedxml_is_installed() -> None:
    import defusedxml  # noqa: F401
    from defusedxml import ElementTree
    from defusedxml.common import EntitiesForbidden

    with pytest.raises(EntitiesForbidden):
        ElementTree.fromstring(BILLION_LAUGHS)


def test_entity_expansion_is_refused_fast_and_in_little_memory(tmp_path: Path) -> None:
    bomb = _rewrite_member(
        _xlsx(tmp_path), tmp_path / "laughs.xlsx", "xl/worksheets/sheet1.xml", BILLION_LAUGHS
    )
    # A separate process, so its peak memory is measured alone.
    script = (
        "import resource, sys, time\n"
        "from services.importing import read_file, FileProblem\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "started = time.process_time()\n"
        "try:\n"
        f"    read_file({str(bomb)!r}).sheet('Backlog')\n"
        "    print('READ')\n"
        "except FileProblem as problem:\n"
        "    print('REFUSED', problem)\n"
        "print(time.process_time() - started)\n"
        "print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    verdict, seconds, grown_mb = done.stdout.strip().splitlines()
    assert verdict.startswith("REFUSED") and "entities" in verdict
    assert float(seconds) < 1.0, seconds  # processor time: other work on the machine aside
    assert int(grown_mb) < 50  # MB the attempt added to the interpreter and its imports


def test_zip_bomb_refused_before_parsing(tmp_path: Path) -> None:
    # 400 MB of sheet XML that compresses to well under 1 MB: the archive says so up front.
    bomb = tmp_path / "bomb.xlsx"
    source = _xlsx(tmp_path)
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                with zout.open(info.filename, "w") as part:
                    part.write(b'<?xml version="1.0"?><worksheet><sheetData>')
                    block = b"<row><c><v>0</v></c></row>" * 40_000
                    for _ in range(400):
                        part.write(block)
                    part.write(b"</sheetData></worksheet>")
            else:
                zout.writestr(info, zin.read(info.filename))
    assert bomb.stat().st_size < 5_000_000
    with pytest.raises(FileProblem, match="zip bomb"):
        read_file(bomb)


def test_row_limit_checked_from_the_declared_dimension(tmp_path: Path) -> None:
    source = _xlsx(tmp_path)
    with zipfile.ZipFile(source) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    huge = re.sub(rb'<dimension ref="A1:K9"\s*/>', b'<dimension ref="A1:K2000000"/>', sheet)
    assert huge != sheet
    target = _rewrite_member(source, tmp_path / "huge.xlsx", "xl/worksheets/sheet1.xml", huge)
    with pytest.raises(FileProblem, match="2,000,000 rows"):
        read_file(target)


def _broken_files(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    good = _xlsx(tmp_path)
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    truncated = tmp_path / "truncated.xlsx"
    truncated.write_bytes(good.read_bytes()[:1500])
    html = tmp_path / "report.xls"
    html.write_text("<html><body><table><tr><td>PO</td></tr></table></body></html>")
    binary = tmp_path / "photo.xlsx"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200))
    docx = tmp_path / "letter.xlsx"
    with zipfile.ZipFile(docx, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    no_fit = tmp_path / "notes.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["Hello", "World"])
    wb.active.append(["this is", "not a vendor file"])
    wb.save(no_fit)
    return {
        "empty": (empty, "the file is empty"),
        "truncated": (truncated, "damaged or incomplete"),
        "password": (FIXTURES / "password_protected.xlsx", "protected by a password"),
        "html": (html, "web page or XML"),
        "binary": (binary, "not a spreadsheet or CSV"),
        "docx": (docx, "Word document"),
        "no sheet fits": (no_fit, "no sheet holds"),
        "missing": (tmp_path / "nowhere.xlsx", "no such file"),
    }


@pytest.mark.parametrize(
    "case",
    ["empty", "truncated", "password", "html", "binary", "docx", "no sheet fits", "missing"],
)
def test_broken_files_get_one_clear_message_and_exit_1(
    case: str, db_url: str, database: Database, tmp_path: Path
) -> None:
    build_world(database)
    path, expected = _broken_files(tmp_path)[case]

    status, out, err = _run(db_url, "import", str(path), "--vendor", "Supermicro")

    assert status == 1
    assert expected in err
    assert "Traceback" not in err + out and "internal error" not in err
    assert err.count("\n") == 1
    with database.session() as session:
        assert records.list_records(session, "orders") == []


def test_content_read_by_what_it_is_not_its_name(database: Database, tmp_path: Path) -> None:
    build_world(database)
    csv_named_xlsx = tmp_path / "schedule.xlsx"
    csv_named_xlsx.write_text(
        "PO #,Line,Part No.,Qty,Ship To,Order Date\nPC-1,1,AS-8125GS,2,Panther Creek,2026-10-01\n"
    )
    xls_named_xlsx = tmp_path / "old.xlsx"
    shutil.copy(FIXTURES / "vendor_backlog.xls", xls_named_xlsx)

    first = read_file(csv_named_xlsx)
    second = read_file(xls_named_xlsx)

    assert first.format == "csv" and "named .xlsx but holds CSV text" in first.notes[0]
    assert second.format == "xls"
    assert second.sheet("Backlog").rows[2][0] == "Cust PO"


def test_killing_the_process_mid_import_leaves_the_database_as_it_was(
    db_url: str, database: Database, tmp_path: Path
) -> None:
    """The child writes every row of a 3,000-line import inside its transaction, says so,
    and is killed before it commits: nothing of it may remain."""
    build_world(database)
    rows = [
        [
            "PC-K",
            n,
            "AS-8125GS",
            1,
            "$1.00",
            0,
            "04/20/2027",
            "Panther Creek",
            "10/01/2026",
            "Booked",
            "",
        ]
        for n in range(1, 3001)
    ]
    path = supermicro_backlog(tmp_path / "big.xlsx", rows)
    script = (
        "import sys, time\n"
        "from models.database import open_database\n"
        "from services import importing\n"
        f"database = open_database({db_url!r})\n"
        "with database.write() as session:\n"
        f"    report = importing.import_file(session, {str(path)!r}, importing.ImportRequest("
        "kind='orders', vendor='Supermicro'), 'killer')\n"
        "    assert report.ok\n"
        "    print('WRITTEN', flush=True)\n"
        "    time.sleep(60)\n"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", script],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        line = child.stdout.readline()
        assert line.strip() == "WRITTEN", child.stderr.read() if child.stderr else ""
        child.kill()
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()

    with database.session() as session:
        assert records.list_records(session, "orders") == []
    # And the database is usable: the same import goes through afterwards.
    status, out, err = _run(
        db_url, "import", str(path), "--kind", "orders", "--vendor", "Supermicro"
    )
    assert status == 0, err
    assert "3000 created" in out


def test_size_and_row_limits_refuse_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from services.importing import read

    csv_file = tmp_path / "long.csv"
    csv_file.write_text("PO #,Line,Qty\n" + "".join(f"P{n},1,1\n" for n in range(50)))
    monkeypatch.setattr(read, "MAX_FILE_BYTES", 100)
    with pytest.raises(FileProblem, match="files over 0 MB are refused"):
        read_file(csv_file)
    monkeypatch.setattr(read, "MAX_FILE_BYTES", 10_000)
    monkeypatch.setattr(read, "MAX_ROWS", 20)
    with pytest.raises(FileProblem, match="more than 20 rows"):
        read_file(csv_file).sheet("long")
