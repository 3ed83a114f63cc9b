"""The contract summary: figures against hand-worked values, words, types, formats, live
totals over the right rows, and the print set-up of every sheet.

The world (summary_world.py), as of 2026-12-10, install buffer 14 days, 730 hours a month,
merchant energy at 50 per MWh, EUR at 1.10:

Supply at Panther Creek (GB300-NVL72, model GB300, 72 GPUs a unit, 3,950,000 each):
  PO-1/1 2 units received 2026-12-01 (promised 2026-11-20): 144 GPUs;
  PO-1/2 3 open units, ETA 2027-03-01: 216 GPUs;
  PO-2/1 1 unit, ETA 2026-11-01: passed, so overdue (72 GPUs at risk, supply nothing);
  PO-3/1 1 unit with no date: undated (72 GPUs, supply nothing).

Binding contracts, served at the site by need-by date (start − 14 days):
  C-1 signed, Helios AI, 2027-01-01..2027-12-31, 144 GPUs at USD 2.00 per GPU-hour:
    monthly 144 × 2.00 × 730 = 210,240; term 12; TCV 2,522,880; need-by 2026-12-18;
    takes PO-1/1's 144 GPUs (2026-12-01, secured): shortfall 0; delivery = 2026-12-01 + 14
    = 2026-12-15, before its start: 0 days late, no late credit; notice 90 days before
    2027-12-31 = 2027-10-02.
  C-2 active, Kestrel Labs, 2027-02-01..2028-01-31, 216 GPUs, 0.5 MW at USD 150 per
    kW-month: monthly 0.5 × 1000 × 150 = 75,000; TCV 900,000; need-by 2027-01-18; takes
    PO-1/2's 216 GPUs dated 2027-03-01, after its need-by (late): secured 0, shortfall 216;
    delivery 2027-03-15, 42 days late; credit 1,000 a day × 42 = 42,000, capped at 30,000.
  C-4 signed, Kestrel Labs, GB300, 2027-06-01..2028-05-31, 72 GPUs at EUR 3.00 per GPU-hour:
    monthly 72 × 3 × 730 = 157,680; TCV 1,892,160; nothing dated is left: shortfall 72,
    delivery unknown; 500 a day and no cap: the late credit cannot be bounded.
Not binding: C-3 draft (=Acme AI, EUR 1,200,000 a year, 2027-03-01..2027-04-15: monthly
  100,000, term 1 month + 15/30 = 1.5, TCV 150,000); C-5 terminated (Helios AI, Quiet Hill,
  USD 10,000 a month through 2025: TCV 120,000).
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.workbook import Workbook

from domain.money import ppa_price
from domain.power import Ppa
from models import enums
from models.database import Database
from services import alerts, exporting
from services.audit import Actor
from tests.builders import D, basic_world, contract, day
from tests.services.exporting.summary_world import AS_OF, summary_world
from tests.services.exporting.workbooks import load, recalculated, soffice, table

SHEETS = (
    "Contracts",
    "Late credits",
    "Sites",
    "Pegging",
    "Readiness",
    "Margin",
    "Margin by site",
    "PPAs",
    "Alerts",
    "Vendors",
)


@pytest.fixture
def summary_path(database: Database, tmp_path: Path) -> Path:
    with database.write() as session:
        summary_world(session)
    out = tmp_path / "summary.xlsx"
    result = exporting.export(database, "contracts", out, as_of=AS_OF, database_name="ops.db")
    assert result.rows == 5
    assert result.sheets == SHEETS
    return out


@pytest.fixture
def summary(summary_path: Path) -> Workbook:
    return load(summary_path)


def _rows_by(ws, header_row: int, key: str) -> dict:
    _, rows = table(ws, header_row=header_row)
    return {r[key]: r for r in rows if r[key] is not None}


def test_binding_contracts_hold_the_hand_worked_figures(summary: Workbook) -> None:
    ws = summary["Contracts"]
    assert ws["A1"].value == "Contract summary as of 2026-12-10 — database ops.db"
    headers, _ = table(ws, header_row=5)
    assert headers == [
        "Contract", "Customer", "Site", "Service", "Status", "Start", "End", "Term (months)",
        "Committed GPUs", "GPU model", "Committed MW", "Price", "Price unit", "Currency",
        "Monthly value", "Total contract value", "GPUs secured", "Shortfall", "Delivery date",
        "Days late", "Late credit", "Notice deadline", "Alerts",
    ]  # fmt: skip
    rows = _rows_by(ws, 5, "Contract")
    # The binding ones first, by reference.
    assert [ws.cell(r, 1).value for r in (6, 7, 8)] == ["C-1", "C-2", "C-4"]
    c1, c2, c4 = rows["C-1"], rows["C-2"], rows["C-4"]
    assert (c1["Service"], c1["Status"], c1["Price unit"]) == (
        "GPU lease",
        "Signed",
        "per GPU-hour",
    )
    assert (c1["Monthly value"], c1["Total contract value"], c1["Term (months)"]) == (
        210240,
        2522880,
        12,
    )
    assert (c1["GPUs secured"], c1["Shortfall"], c1["GPU model"]) == (144, 0, "any model")
    assert (c1["Delivery date"], c1["Days late"], c1["Late credit"]) == (
        dt.datetime(2026, 12, 15),
        0,
        0,
    )
    assert c1["Notice deadline"] == dt.datetime(2027, 10, 2)
    assert c1["Alerts"] == "Critical: site PPA cover short by 1.138 MW"
    assert (c2["Service"], c2["Status"], c2["Price unit"]) == (
        "Colocation",
        "Active",
        "per kW-month",
    )
    assert (c2["Monthly value"], c2["Total contract value"]) == (75000, 900000)
    assert (c2["GPUs secured"], c2["Shortfall"], c2["Committed MW"]) == (0, 216, 0.5)
    assert (c2["Delivery date"], c2["Days late"], c2["Late credit"]) == (
        dt.datetime(2027, 3, 15),
        42,
        30000,
    )
    assert c2["Alerts"].split("\n") == [
        "Critical: 216 GPUs short on 2027-01-18",
        "Critical: site PPA cover short by 1.138 MW",
    ]
    assert (c4["Service"], c4["GPU model"], c4["Currency"]) == ("Managed training", "GB300", "EUR")
    assert (c4["Monthly value"], c4["Total contract value"], c4["Shortfall"]) == (
        157680,
        1892160,
        72,
    )
    # Unknown delivery, no cap: said in words, never a number.
    assert (c4["Delivery date"], c4["Days late"], c4["Late credit"]) == (
        "unknown",
        "unknown",
        "unbounded",
    )


def test_contracts_that_do_not_bind_are_listed_apart(summary: Workbook) -> None:
    ws = summary["Contracts"]
    assert ws["A13"].value.startswith("Not binding: draft, expired and terminated")
    assert [ws.cell(r, 1).value for r in (14, 15)] == ["C-3", "C-5"]
    rows = _rows_by(ws, 5, "Contract")
    c3, c5 = rows["C-3"], rows["C-5"]
    assert (c3["Status"], c3["Service"], c3["Price unit"]) == ("Draft", "Inference", "per year")
    assert (c3["Monthly value"], c3["Total contract value"], c3["Term (months)"]) == (
        100000,
        150000,
        1.5,
    )
    # Nothing secured, delivered or owed for a contract that does not bind.
    assert (c3["GPUs secured"], c3["Shortfall"], c3["Delivery date"], c3["Late credit"]) == (
        0,
        0,
        None,
        None,
    )
    assert c3["Customer"] == "=Acme AI"
    assert ws["B14"].data_type == "s" and ws["B14"].quotePrefix
    assert c3["Notice deadline"] == dt.datetime(2027, 4, 15)
    assert (c5["Status"], c5["Total contract value"], c5["GPU model"]) == (
        "Terminated",
        120000,
        None,
    )


def test_totals_sum_the_binding_rows_and_the_others_apart(summary: Workbook) -> None:
    ws = summary["Contracts"]
    assert ws["A9"].value == "Total, binding (signed and active)"
    assert ws["I9"].value == "=SUM(I6:I8)"
    assert ws["Q9"].value == "=SUM(Q6:Q8)" and ws["R9"].value == "=SUM(R6:R8)"
    # Money per currency: two currencies bind, so SUMIF by currency, never dollars + euros.
    assert ws["O9"].value is None
    assert (ws["A10"].value, ws["A11"].value) == (
        "Total, binding (signed and active), EUR",
        "Total, binding (signed and active), USD",
    )
    assert ws["O11"].value == '=SUMIF(N6:N8,"USD",O6:O8)'
    assert ws["P10"].value == '=SUMIF(N6:N8,"EUR",P6:P8)'
    assert ws["U11"].value == '=SUMIF(N6:N8,"USD",U6:U8)'
    assert "USD" in ws["O11"].number_format and "EUR" in ws["O10"].number_format
    # The others: their own subtotal over their own rows.
    assert ws["A16"].value == "Subtotal, not binding"
    assert ws["I16"].value == "=SUM(I14:I15)"
    assert ws["O17"].value == '=SUMIF(N14:N15,"EUR",O14:O15)'
    assert ws["O18"].value == '=SUMIF(N14:N15,"USD",O14:O15)'


def test_totals_hold_cached_values_for_viewers_that_do_not_recalculate(
    summary_path: Path,
) -> None:
    """Binding: GPUs 144 + 216 + 72 = 432; secured 144; short 216 + 72 = 288; USD monthly
    210,240 + 75,000 = 285,240; EUR 157,680; USD late credit 0 + 30,000 (C-4's cannot be
    bounded, so EUR known credits are 0). Not binding: 72 GPUs; EUR 100,000, USD 10,000."""
    ws = load_workbook(summary_path, data_only=True)["Contracts"]
    assert (ws["I9"].value, ws["Q9"].value, ws["R9"].value) == (432, 144, 288)
    assert (ws["O11"].value, ws["O10"].value) == (285240, 157680)
    assert (ws["P11"].value, ws["P10"].value) == (2522880 + 900000, 1892160)
    assert (ws["U11"].value, ws["U10"].value) == (30000, 0)
    assert (ws["I16"].value, ws["O17"].value, ws["O18"].value) == (72, 100000, 10000)


@pytest.mark.skipif(soffice() is None, reason="LibreOffice is not installed")
def test_every_formula_recalculates_to_the_figure_written(summary_path: Path) -> None:
    """LibreOffice recalculates every formula of the workbook: each live total comes out as
    the value Rackbook cached (the figures of domain/), the SUMIFS per customer included."""
    formulas = load_workbook(summary_path)
    cached = load_workbook(summary_path, data_only=True)
    again = recalculated(summary_path)
    checked = 0
    for ws in formulas.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    if cell.data_type != "f":
                        continue
                    want = cached[ws.title][cell.coordinate].value
                    got = again[ws.title][cell.coordinate].value
                    assert got == pytest.approx(want), (ws.title, cell.coordinate, cell.value)
                    checked += 1
    assert checked > 40


def test_late_credits_per_customer(summary: Workbook, summary_path: Path) -> None:
    """Helios AI: C-1 on time (0). Kestrel Labs in USD: C-2 30,000; in EUR: C-4 cannot be
    bounded. Each sum is a live SUMIFS over the binding contracts' rows."""
    ws = summary["Late credits"]
    assert ws["A1"].value == "Late credits per customer as of 2026-12-10 — database ops.db"
    header_row = next(r for r in range(1, 12) if ws.cell(r, 1).value == "Customer")
    _, rows = table(ws, header_row=header_row)
    found = [(r["Customer"], r["Currency"], r["Late"], r["Cannot be bounded"]) for r in rows[:3]]
    assert found == [
        ("Helios AI", "USD", None, None),
        ("Kestrel Labs", "EUR", "C-4 (delivery date unknown)", "C-4"),
        ("Kestrel Labs", "USD", "C-2 (42 days)", None),
    ]
    first = header_row + 1
    formula = ws.cell(first + 2, 5).value
    assert formula.startswith("=SUMIFS('Contracts'!$U$6:$U$8,'Contracts'!$B$6:$B$8,")
    assert f"A{first + 2}" in formula and formula.endswith(f"'Contracts'!$N$6:$N$8,B{first + 2})")
    values = load_workbook(summary_path, data_only=True)["Late credits"]
    assert [values.cell(first + i, 5).value for i in range(3)] == [0, 0, 30000]
    assert [ws.cell(first + 3 + i, 1).value for i in range(2)] == ["Total EUR", "Total USD"]


def test_sites_sheet(summary: Workbook) -> None:
    """As of 2026-12-10. Panther Creek: grid 350 MW in force, PUE 1.25, no PPA; no contract
    runs on the day (0 MW now), so headroom = min(350, 0) − 0 = 0. Peak on 2027-06-01 with
    C-1, C-2 and C-4 running: (144 × 1.9 kW + 0.5 MW + 72 × 1.9 kW) × 1.25 = (0.2736 + 0.5 +
    0.1368) × 1.25 = 1.138 MW. GPUs committed by the binding contracts 144 + 216 + 72 = 432;
    delivered 144 (PO-1/1); expected 216 (PO-1/2, dated); overdue 72 (PO-2/1) and undated 72
    (PO-3/1), neither delivered nor expected; spare 0; short 216 + 72 = 288.
    Quiet Hill: grid 20 MW, default PUE 1.3, PPA-Q 10 MW in force: headroom min(20, 10) − 0
    = 10; nothing committed (C-5 is terminated)."""
    ws = summary["Sites"]
    header_row = next(r for r in range(1, 12) if ws.cell(r, 1).value == "Site")
    headers, rows = table(ws, header_row=header_row)
    assert headers[7:] == [
        "Headroom MW", "GPUs committed", "GPUs delivered", "GPUs expected (dated)",
        "GPUs overdue (at risk)", "GPUs undated", "GPUs spare", "GPUs short",
    ]  # fmt: skip
    panther, quiet = rows[0], rows[1]
    assert (panther["Site"], panther["Status"]) == ("Panther Creek", "Converting")
    assert (panther["Grid MW"], panther["PUE"], panther["PPA MW"]) == (350, 1.25, 0)
    assert (panther["MW required"], panther["Peak MW required"], panther["Headroom MW"]) == (
        0,
        1.138,
        0,
    )
    assert [panther[h] for h in headers[8:]] == [432, 144, 216, 72, 72, 0, 288]
    assert (quiet["Site"], quiet["Status"], quiet["PUE"], quiet["PPA MW"]) == (
        "Quiet Hill",
        "Mining",
        1.3,
        10,
    )
    assert (quiet["Headroom MW"], quiet["GPUs committed"]) == (10, 0)
    total = header_row + 3
    assert ws.cell(total, 1).value == "Total"
    assert ws.cell(total, 12).value == f"=SUM(L{header_row + 1}:L{header_row + 2})"


def test_sites_sheet_has_a_native_gpu_chart(summary_path: Path, summary: Workbook) -> None:
    ws = summary["Sites"]
    header_row = next(r for r in range(1, 12) if ws.cell(r, 1).value == "Site")
    first, last = header_row + 1, header_row + 2
    with zipfile.ZipFile(summary_path) as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) == 1
        xml = archive.read(charts[0]).decode()
    assert "<c:barChart>" in xml
    assert f"Sites!$A${first}:$A${last}" in xml
    # Committed, delivered, expected and overdue: four series.
    assert xml.count("<c:ser>") == 4 and f"Sites!$L${first}:$L${last}" in xml


def test_pegging_sheet(summary: Workbook) -> None:
    ws = summary["Pegging"]
    header_row = next(r for r in range(1, 12) if ws.cell(r, 1).value == "Contract")
    _, rows = table(ws, header_row=header_row)
    names = ("Contract", "PO number", "Line", "Vendor", "GPUs", "Date", "Secured or late")
    found = [tuple(r[n] for n in names) for r in rows]
    assert found == [
        ("C-1", "PO-1", 1, "Nvidia", 144, dt.datetime(2026, 12, 1), "Secured"),
        ("C-2", "PO-1", 2, "Nvidia", 216, dt.datetime(2027, 3, 1), "Late"),
        ("C-2", None, None, None, 216, None, "Short: no dated supply"),
        ("C-4", None, None, None, 72, None, "Short: no dated supply"),
    ]
    assert rows[3]["GPU model"] == "GB300" and rows[0]["Need-by"] == dt.datetime(2026, 12, 18)


def test_margin_sheets(summary: Workbook) -> None:
    """In USD. C-1, January 2027: revenue 210,240; power 144 × 1.9 kW = 0.2736 MW × 1.25 ×
    730 h × 50 (merchant: no PPA at Panther Creek) = 12,483; hardware 2 racks × 3,950,000 ÷ 60
    = 131,666.67; margin 66,090.33 (31.4 %). C-4, June 2027: revenue EUR 157,680 × 1.10 =
    173,448; power 0.1368 × 1.25 × 730 × 50 = 6,241.50; nothing pegged: hardware 0.
    Quiet Hill, December 2026: PPA-Q's minimum take 10 × 75 % = 7.5 MW, nothing required: 7.5
    MW idle × 730 h × 41.20 (40.00 escalated 3 % once) = 225,570; January 2027, after the
    second anniversary: × 42.436 = 232,337.10."""
    ws = summary["Margin"]
    header_row = next(r for r in range(1, 12) if ws.cell(r, 1).value == "Contract")
    _, rows = table(ws, header_row=header_row)
    by_ref = {r["Contract"]: r for r in rows}
    c1, c4 = by_ref["C-1"], by_ref["C-4"]
    assert c1["First month"] == dt.datetime(2027, 1, 1)
    assert (c1["Revenue"], c1["Power cost"]) == (210240, 12483)
    assert c1["Hardware cost"] == pytest.approx(131666.67, abs=0.01)
    assert c1["Margin"] == pytest.approx(66090.33, abs=0.01)
    assert c1["Margin %"] == pytest.approx(0.31436, abs=0.00001)
    assert (c4["Revenue"], c4["Power cost"], c4["Hardware cost"]) == (173448, 6241.5, 0)
    assert "C-3" not in by_ref and "C-5" not in by_ref  # binding contracts only
    assert (
        ws.cell(header_row, 9).value == "Margin %"
        and "%" in ws.cell(header_row + 1, 9).number_format
    )
    total = header_row + 4
    assert ws.cell(total, 1).value == "Total, binding contracts"
    assert ws.cell(total, 13).value == f"=SUM(M{header_row + 1}:M{header_row + 3})"

    sites = summary["Margin by site"]
    header_row = next(r for r in range(1, 12) if sites.cell(r, 1).value == "Site")
    _, months = table(sites, header_row=header_row)
    quiet = [m for m in months if m["Site"] == "Quiet Hill"]
    assert len(quiet) == 12 and quiet[0]["Month"] == dt.datetime(2026, 12, 1)
    assert (quiet[0]["Minimum take MW"], quiet[0]["Idle MW"], quiet[0]["Idle cost"]) == (
        7.5,
        7.5,
        225570,
    )
    assert quiet[1]["Idle cost"] == pytest.approx(232337.10)
    assert quiet[0]["Margin"] == -225570
    january = next(m for m in months if m["Site"] == "Panther Creek" and m["Month"].month == 1)
    assert january["MW required"] == 0.342 and january["Margin"] == pytest.approx(66090.33)


def test_ppas_sheet(summary: Workbook) -> None:
    """PPA-Q ends 2027-12-31 with 180 days' notice: deadline 2027-07-04, 206 days after
    2026-12-10. It started 2025-01-01 at 40.00 per MWh escalating 3 % a year: one anniversary
    (2026-01-01) has come by 2026-12-10, so 40.00 × 1.03 = 41.20 is in force."""
    ws = summary["PPAs"]
    header_row = next(r for r in range(1, 12) if ws.cell(r, 1).value == "PPA")
    _, rows = table(ws, header_row=header_row)
    ppa = rows[0]
    assert (ppa["PPA"], ppa["Structure"]) == ("PPA-Q", "Fixed")
    assert ppa["Notice deadline"] == dt.datetime(2027, 7, 4)
    assert ppa["Days to notice deadline"] == 206
    assert (ppa["Escalation"], ppa["Renewable"], ppa["Take-or-pay"]) == (0.03, 0.5, 0.75)
    assert ws.cell(header_row + 1, 9).number_format == "0.0%"
    assert ppa["Base price per MWh"] == 40 and "USD" in ws.cell(header_row + 1, 8).number_format
    assert ppa["Current price per MWh"] == 41.2
    assert ws.cell(header_row + 2, 4).value == f"=SUM(D{header_row + 1}:D{header_row + 1})"


def test_alerts_sheet_in_words(summary: Workbook) -> None:
    """Open alerts: C-2 and C-4 short, PO-2/1 overdue (39 days), Panther Creek's PPA gap
    (critical); PO-3 unconfirmed, Quiet Hill's take-or-pay idle, Nvidia's concentration
    (warnings)."""
    ws = summary["Alerts"]
    assert ws["A2"].value == "7 open alerts"
    _, found = table(ws, header_row=4)
    assert [(a["Severity"], a["Rule"], a["Subject"]) for a in found] == [
        ("Critical", "Capacity shortfall", "C-2"),
        ("Critical", "Capacity shortfall", "C-4"),
        ("Critical", "Overdue delivery", "PO-2/1"),
        ("Critical", "PPA coverage gap", "Panther Creek"),
        ("Warning", "Unconfirmed order", "PO-3"),
        ("Warning", "Take-or-pay idle", "Quiet Hill"),
        ("Warning", "Vendor concentration", "Nvidia"),
    ]
    assert found[0]["Key"] == "capacity_shortfall:C-2"
    assert "216 GPUs short" in found[0]["Message"]


def test_vendors_sheet_per_vendor_and_per_sku(summary: Workbook) -> None:
    """Nvidia as of 2026-12-10: PO-1/1's 2 units came 2026-12-01, after their promise of
    2026-11-20; PO-2/1's unit is overdue: on time 0 ÷ (2 + 1) = 0 %. Slips: PO-1/1 11 days,
    PO-2/1 overdue 2026-11-01 → 2026-12-10 = 39 days (PO-1/2's ETA is its first commitment
    and PO-3/1 has none: not counted): median 25. Open value (3 + 1 + 1) × 3,950,000 =
    19,750,000. The lead times are the sku's: PO-1/1 ordered 2026-06-01, received
    2026-12-01: 183 days."""
    ws = summary["Vendors"]
    header_row = next(r for r in range(1, 12) if ws.cell(r, 1).value == "Vendor")
    headers, vendors = table(ws, header_row=header_row)
    assert "Median actual lead time (days)" not in headers  # never mixed across skus
    nvidia = vendors[0]
    assert (nvidia["Vendor"], nvidia["Units received"], nvidia["Units overdue"]) == (
        "Nvidia",
        2,
        1,
    )
    assert (nvidia["On time"], nvidia["Median slip (days)"]) == (0, 25)
    assert nvidia["Open order value (USD)"] == 19750000
    assert ws.cell(header_row + 1, 5).number_format == "0.0%"
    sku_header = next(r for r in range(header_row + 1, 20) if ws.cell(r, 2).value == "SKU")
    _, skus = table(ws, header_row=sku_header)
    rack = skus[0]
    assert (rack["Vendor"], rack["SKU"], rack["Units overdue"]) == ("Nvidia", "GB300-NVL72", 1)
    assert (rack["Median actual lead time (days)"], rack["Newest quoted lead time (days)"]) == (
        183,
        None,
    )


def test_every_sheet_prints_landscape_one_page_wide_with_its_title(
    summary_path: Path, summary: Workbook
) -> None:
    for ws in summary.worksheets:
        setup = ws.page_setup
        assert setup.orientation == "landscape", ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        # One page wide (1 is the file format's default, left out), as many pages tall as
        # it takes.
        assert (setup.fitToWidth or 1, setup.fitToHeight) == (1, 0), ws.title
        assert ws.print_title_rows, ws.title
        header = ws.oddHeader.left.text
        assert "as of 2026-12-10" in header and "database ops.db" in header, ws.title
        assert "Page &P of &N" in ws.oddFooter.right.text, ws.title
    contracts = summary["Contracts"]
    assert contracts.print_title_rows == "$5:$5"
    assert contracts.freeze_panes == "A6"
    # The auto-filter covers the binding contracts.
    assert contracts.auto_filter.ref == "A5:W8"
    # 23 columns do not read on letter paper: the sheet asks for 11 × 17 in.
    assert contracts.page_setup.paperSize == 3


def test_column_widths_fit_and_headers_wrap(summary: Workbook) -> None:
    ws = summary["Contracts"]
    width = {c: ws.column_dimensions[c].width for c in "BOP"}
    assert width["B"] >= len("Kestrel Labs")
    # "USD 2,522,880" whole: the money columns hold their figures.
    assert width["P"] >= len("USD 2,522,880")
    # Headers wrap (their row is taller) rather than widen a column to the whole header.
    assert ws.row_dimensions[5].height >= 30
    assert width["O"] < len("Total contract value") + 8


def test_no_code_is_written_where_words_belong(summary: Workbook) -> None:
    """Statuses, services, price units, categories and rules read as words on every sheet
    (an alert's key stays as the alerts-ack command takes it)."""
    codes = {
        code
        for group in (
            enums.CONTRACT_STATUSES,
            enums.LINE_STATUSES,
            enums.PRICE_UNITS,
            enums.PRODUCT_CATEGORIES,
            enums.SERVICES,
            enums.SITE_STATUSES,
            alerts.RULES,
            ("critical", "warning", "info", "fixed", "indexed", "hybrid"),
        )
        for code in group
    }
    for ws in summary.worksheets:
        key_col = None
        for row in ws.iter_rows():
            for cell in row:
                if cell.value == "Key":
                    key_col = cell.column
                if isinstance(cell.value, str) and cell.column != key_col:
                    assert cell.value not in codes, (ws.title, cell.coordinate, cell.value)


def test_one_currency_gets_one_money_total(database: Database, tmp_path: Path) -> None:
    with database.write() as session:
        basic_world(session)
        for ref, price in (("C-A", D("1000")), ("C-B", D("2500.50"))):
            contract(
                session,
                ref,
                "2027-01-01",
                price=price,
                price_unit="per_month",
                service=None,
                committed_gpus=None,
            )
    out = tmp_path / "summary.xlsx"
    exporting.export(database, "contracts", out, as_of=AS_OF)
    ws = load(out)["Contracts"]
    assert ws["A8"].value == "Total, binding (signed and active)"
    assert ws["O8"].value == "=SUM(O6:O7)"
    assert ws["P8"].value == "=SUM(P6:P7)"
    assert ws["A9"].value is None and ws["A10"].value is None  # no other block


def test_an_empty_database_gives_a_summary_with_headers(database: Database, tmp_path: Path) -> None:
    out = tmp_path / "summary.xlsx"
    result = exporting.export(database, "contracts", out, as_of=AS_OF)
    assert result.rows == 0
    book = load(out)
    headers, rows = table(book["Contracts"], header_row=5)
    assert headers[0] == "Contract" and rows[0]["Contract"] == "Total, binding (signed and active)"
    assert book["Readiness"].cell(7, 1).value == "No deployments are recorded yet."


def test_alert_list_export(database: Database, tmp_path: Path) -> None:
    with database.write() as session:
        summary_world(session)
    out = tmp_path / "alerts.xlsx"
    result = exporting.export(database, "alerts", out, as_of=AS_OF)
    headers, rows = table(load(out)["Alerts"])
    assert headers == ["Key", "Rule", "Severity", "Subject", "Site", "Message", "Figure"]
    assert result.rows == len(rows) == 7
    assert (rows[0]["Key"], rows[0]["Rule"], rows[0]["Severity"], rows[0]["Figure"]) == (
        "capacity_shortfall:C-2",
        "Capacity shortfall",
        "Critical",
        216,
    )


def test_export_from_the_callers_session_names_its_database(
    database: Database, tmp_path: Path
) -> None:
    out = tmp_path / "summary.xlsx"
    with database.session() as session:
        exporting.export(session, "contracts", out, as_of=AS_OF)
    title = load(out)["Contracts"]["A1"].value
    assert title == f"Contract summary as of 2026-12-10 — database {database.name}"


def test_acknowledged_alerts_stay_off_the_summary(
    database: Database, tmp_path: Path, actor: Actor
) -> None:
    with database.write() as session:
        summary_world(session)
        alerts.acknowledge(session, "vendor_concentration:Nvidia", actor, as_of=AS_OF)
    out = tmp_path / "summary.xlsx"
    exporting.export(database, "contracts", out, as_of=AS_OF)
    ws = load(out)["Alerts"]
    assert ws["A2"].value.startswith("6 open alerts; 1 acknowledged and hidden")
    _, rows = table(ws, header_row=4)
    assert "Nvidia" not in [r["Subject"] for r in rows]


def test_escalated_price_compounds_on_each_anniversary() -> None:
    """38.50 from 2024-06-09 at 2.5 %: on 2026-11-26 two anniversaries have come,
    38.50 × 1.025² = 40.4490625; the day before the first one, still 38.50 (the PPAs sheet's
    current price is this rule's)."""
    ppa = Ppa("P", 1, D("10"), day("2024-06-09"), day("2034-06-08"),
              price_per_mwh=D("38.50"), structure="fixed", escalation_pct=D("2.5"))  # fmt: skip
    assert ppa_price(ppa, day("2026-11-26")) == D("40.4490625")
    assert ppa_price(ppa, day("2025-06-08")) == D("38.50")
    assert ppa_price(ppa, day("2025-06-09")) == D("39.4625")
    indexed = Ppa("I", 1, D("10"), day("2024-06-09"), day("2034-06-08"), price_per_mwh=D("38.50"),
                  structure="indexed", escalation_pct=D("2.5"))  # fmt: skip
    assert ppa_price(indexed, day("2030-01-01")) == D("38.50")
