"""Safe cell writing and ``export_rows``: inert text, control characters, long text, progress."""

from __future__ import annotations

import datetime as dt
import io
import tempfile
import threading
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl.utils.escape import unescape
from python_calamine import CalamineWorkbook

import cli
from models.database import Database
from services import exporting
from services.errors import RackbookError, UsageError
from services.exporting import Column
from services.exporting.cells import MAX_CELL_CHARS
from tests.services.exporting.workbooks import HOSTILE, formulas_in, load, table
from tests.services.exporting.world import hostile_world

TRICKY = (*HOSTILE, "\tTabbed vendor", "\rCarriage return", "bell\x07and\x1funit separator")


def test_formula_like_and_control_character_text_survives_exactly(tmp_path: Path) -> None:
    out = tmp_path / "rows.xlsx"
    exporting.export_rows(out, ["Text"], [[text] for text in TRICKY])

    ws = load(out)["Export"]
    cells = [ws.cell(row, 1) for row in range(2, 2 + len(TRICKY))]
    for cell, text in zip(cells, TRICKY, strict=True):
        assert cell.data_type == "s"
        # openpyxl leaves the standard _xHHHH_ escapes of control characters in place.
        assert unescape(cell.value) == text
        assert cell.quotePrefix == text.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert formulas_in(out) == 0
    # The import's reader (python-calamine) reads every text back exactly.
    rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("Export").to_python()
    assert [r[0] for r in rows[1:]] == list(TRICKY)


def test_text_longer_than_a_cell_holds_is_cut_and_reported(tmp_path: Path) -> None:
    out = tmp_path / "long.xlsx"
    long_text = "x" * 40_000

    result = exporting.export_rows(out, ["Notes"], [[long_text], ["short"]])

    value = load(out)["Export"]["A2"].value
    assert len(value) == MAX_CELL_CHARS
    assert value.startswith("x" * 1000) and value.endswith("[cut: 40,000 characters in all]")
    assert result.warnings == (
        "sheet 'Export', cell A2: text longer than 32,767 characters was cut",
    )


def test_export_rows_writes_the_given_columns_with_types_and_formats(tmp_path: Path) -> None:
    out = tmp_path / "screen.xlsx"
    columns = [
        Column("PO"),
        Column("ETA", "date"),
        Column("Units", "int"),
        Column("Unit price", "money", currency_from="currency"),
        Column("Share", "percent"),
        Column("Firm", "bool"),
    ]
    rows = [
        {"po": "=PO-1", "eta": dt.date(2027, 1, 31), "units": 3, "price": Decimal("10.5"),
         "share": Decimal("12.5"), "firm": True, "currency": "EUR"},
        {"po": "PO-2", "eta": None, "units": 1, "price": None, "share": None, "firm": False,
         "currency": "USD"},
    ]  # fmt: skip

    result = exporting.export_rows(
        out,
        columns,
        rows,
        fields=["po", "eta", "units", "price", "share", "firm"],
        sheet="Late lines",
        title="Late lines as of 2027-02-01",
    )

    assert (result.rows, result.sheets) == (2, ("Late lines",))
    ws = load(out)["Late lines"]
    assert ws["A1"].value == "Late lines as of 2027-02-01"
    headers, body = table(ws, header_row=3)
    assert headers == ["PO", "ETA", "Units", "Unit price", "Share", "Firm"]
    assert body[0] == {
        "PO": "=PO-1",
        "ETA": dt.datetime(2027, 1, 31),
        "Units": 3,
        "Unit price": 10.5,
        "Share": 0.125,
        "Firm": True,
    }
    assert body[1]["ETA"] is None and body[1]["Firm"] is False
    assert ws["B4"].number_format == "yyyy-mm-dd"
    assert "EUR" in ws["D4"].number_format
    assert ws["E4"].number_format == "0.0%"
    assert ws.freeze_panes == "A4"


def test_export_rows_takes_plain_sequences(tmp_path: Path) -> None:
    out = tmp_path / "plain.xlsx"
    exporting.export_rows(out, ["Vendor", ("Open value", "money")], [["Dell", Decimal("1.25")]])
    _, body = table(load(out)["Export"])
    assert body == [{"Vendor": "Dell", "Open value": 1.25}]


def test_progress_every_thousand_rows_and_a_cancel_event(tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    out = tmp_path / "many.xlsx"
    exporting.export_rows(
        out, ["n"], ([str(i)] for i in range(2500)), total_rows=2500,
        progress=lambda done, total: seen.append((done, total)),
    )  # fmt: skip
    assert seen == [(1000, 2500), (2000, 2500), (2500, 2500), (2500, 2500)]

    stop = threading.Event()

    def rows():  # type: ignore[no-untyped-def]
        for i in range(5000):
            if i == 1500:
                stop.set()  # the person presses Cancel while rows are being written
            yield [str(i)]

    before = out.read_bytes()
    scratch = set(Path(tempfile.gettempdir()).glob("rackbook-export-*"))
    with pytest.raises(exporting.ExportCancelled, match="cancelled; nothing was written"):
        exporting.export_rows(out, ["n"], rows(), cancel=stop)
    assert out.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["many.xlsx"]
    # The rows streamed so far are gone too.
    assert set(Path(tempfile.gettempdir()).glob("rackbook-export-*")) == scratch


def test_the_target_must_be_an_xlsx_in_an_existing_folder(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"\.xlsx"):
        exporting.export_rows(tmp_path / "out.csv", ["a"], [])
    with pytest.raises(RackbookError, match="does not exist"):
        exporting.export_rows(tmp_path / "missing" / "out.xlsx", ["a"], [])


def test_export_kinds_have_labels() -> None:
    names = [k.name for k in exporting.EXPORT_KINDS]
    assert names[0] == "contracts"
    assert {"orders", "contract-list", "alerts", "template-orders"} <= set(names)
    assert all(k.label for k in exporting.EXPORT_KINDS)
    with pytest.raises(UsageError, match="choose one of"):
        exporting.export_kind("invoices")


def test_command_line_export(database: Database, db_url: str, tmp_path: Path) -> None:
    with database.write() as session:
        hostile_world(session)
    out, err = io.StringIO(), io.StringIO()
    target = tmp_path / "summary.xlsx"

    status = cli.run(
        ["--db", db_url, "export", "contracts", str(target), "--as-of", "2026-12-01"], out, err
    )

    assert status == 0, err.getvalue()
    assert out.getvalue().startswith(
        f"Wrote {target} (1 rows; sheets: Contracts, Late credits, Sites, Pegging, Readiness, "
        "Margin, Margin by site, PPAs, Alerts, Vendors)"
    )
    assert load(target)["Contracts"]["A1"].value.startswith("Contract summary as of 2026-12-01")
    assert cli.run(["--db", db_url, "export", "invoices", str(target)], out, err) == 2
    assert "cannot export 'invoices'" in err.getvalue()
    assert cli.run(["--db", db_url, "export", "orders", str(tmp_path / "o.txt")], out, err) == 2


def test_a_screen_title_becomes_a_valid_sheet_name(tmp_path: Path) -> None:
    out = tmp_path / "screen.xlsx"
    result = exporting.export_rows(
        out, ["a"], [["x"]], sheet="Orders / late: [PO] of vendor 'Dell'"
    )
    assert result.sheets == ("Orders - late- -PO- of vendor",)
    assert load(out).sheetnames == list(result.sheets)
