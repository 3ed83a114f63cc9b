"""Reading exported workbooks back with openpyxl, and hostile text to export."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import tempfile
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils.escape import unescape
from openpyxl.worksheet.worksheet import Worksheet

from services.importing.values import to_choice
from services.schema import Field

# Text a spreadsheet would take for a formula (or a CSV-injection payload).
HOSTILE = (
    '=HYPERLINK("http://evil.example","click")',
    "+1+2",
    "-2+3",
    "@SUM(1,1)",
    "=cmd|' /C calc'!A0",
)


def load(path: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(path)


def table(ws: Worksheet, header_row: int = 1) -> tuple[list[str], list[dict[str, Any]]]:
    """The header names and the data rows (as dicts) under ``header_row``."""
    rows = list(ws.iter_rows(min_row=header_row, values_only=True))
    headers = [str(h) for h in rows[0] if h is not None]
    body = [dict(zip(headers, row, strict=False)) for row in rows[1:]]
    return headers, body


def record_value(field: Field, value: Any) -> Any:
    """A cell value read by openpyxl, as the record field holds it."""
    if value is None:
        return None
    if field.type == "date":
        assert isinstance(value, dt.datetime), (field.name, value)
        return value.date()
    if field.type in ("decimal", "money"):
        # A number the double held exactly, or the exact digits written as text.
        return Decimal(value) if isinstance(value, str) else Decimal(repr(value))
    if field.type == "int":
        assert isinstance(value, int), (field.name, value)
        return value
    if field.type == "bool":
        assert isinstance(value, bool), (field.name, value)
        return value
    assert isinstance(value, str), (field.name, value)
    if field.type == "choice":
        # Enumerations are written in words; the import reads them back as their codes.
        return to_choice(value, field.choices)
    return unescape(value)


def formulas_in(path: Path, sheet_index: int = 1) -> int:
    """How many formula elements a sheet's XML holds (text must never become one)."""
    with zipfile.ZipFile(path) as archive:
        xml = archive.read(f"xl/worksheets/sheet{sheet_index}.xml").decode()
    return xml.count("<f>") + xml.count("<f ")


def soffice() -> str | None:
    """The LibreOffice program, when installed (renders and recalculates workbooks)."""
    return shutil.which("soffice") or shutil.which("libreoffice")


# A LibreOffice profile setting: recalculate every formula of an Excel file on load (its
# default keeps the values cached in the file).
RECALCULATE_ON_LOAD = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def recalculated(path: Path) -> openpyxl.Workbook:
    """``path`` opened by LibreOffice, every formula recalculated, saved and read back (the
    values it computed, not the ones the export cached)."""
    program = soffice()
    assert program is not None
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        profile = work / "profile"
        (profile / "user").mkdir(parents=True)
        (profile / "user" / "registrymodifications.xcu").write_text(RECALCULATE_ON_LOAD)
        out = work / "out"
        subprocess.run(
            [
                program,
                f"-env:UserInstallation={profile.as_uri()}",
                "--headless",
                "--convert-to",
                "xlsx",
                "--outdir",
                str(out),
                str(path),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
        return openpyxl.load_workbook(out / path.name, data_only=True)
