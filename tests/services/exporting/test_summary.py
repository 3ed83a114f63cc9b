"""The contract summary: figures against hand-worked values, types, formats, live totals."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest
from openpyxl.workbook import Workbook

from models.database import Database
from services import alerts, exporting
from services.audit import Actor
from tests.helpers import D, basic_world, day, make
from tests.services.exporting.summary_world import AS_OF, summary_world
from tests.services.exporting.workbooks import load, table


@pytest.fixture
def summary(database: Database, tmp_path: Path) -> Workbook:
    with database.write() as session:
        summary_world(session)
    out = tmp_path / "summary.xlsx"
    result = exporting.export(database, "contracts", out, as_of=AS_OF, database_name="ops.db")
    assert result.rows == 3
    assert result.sheets == ("Contracts", "Sites", "PPAs", "Alerts", "Vendors")
    return load(out)


def test_contract_rows_hold_the_hand_worked_figures(summary: Workbook) -> None:
    """Hand-worked (as of 2026-12-10, install buffer 14 days, 730 hours a month):

    Supply at Panther Creek (GB300-NVL72, 72 GPUs a unit): PO-1/1 received 2 units = 144 GPUs
    on 2026-12-01; PO-1/2 3 open units = 216 GPUs at its ETA 2027-03-01.

    C-1 signed, 2027-01-01..2027-12-31, 144 GPUs at 2.00 per GPU-hour:
      monthly = 144 × 2.00 × 730 = 210,240.00; term = 12 months; TCV = 2,522,880.00;
      need-by 2026-12-18: supply 144, nothing served before it -> secured 144, shortfall 0;
      notice deadline = 2027-12-31 − 90 days = 2027-10-02.
    C-2 active, 2027-02-01..2028-01-31, 216 GPUs, 0.5 MW at 150 per kW-month:
      monthly = 0.5 × 1000 × 150 = 75,000.00; term 12 months; TCV = 900,000.00;
      need-by 2027-01-18: supply 144 − 144 already serving C-1 = 0 -> secured 0, shortfall 216;
      notice deadline = 2028-01-31 − 60 days = 2027-12-02.
    C-3 draft (binds nothing), EUR 1,200,000 per year, 2027-03-01..2027-04-15:
      monthly = 1,200,000 / 12 = 100,000.00; term = 1 month + 15/30 = 1.5; TCV = 150,000.00;
      secured 0, shortfall 0; no notice days -> deadline = end date 2027-04-15.
    Power at Panther Creek on 2027-02-01 (C-1 and C-2 running): C-1 has no MW, so
      144 × 1.9 kW = 0.2736 MW; (0.2736 + 0.5) × PUE 1.25 = 0.967 MW, with no PPA there:
      a PPA-cover gap of 0.967 MW, named on both C-1 and C-2.
    """
    ws = summary["Contracts"]
    assert ws["A1"].value == "Contract summary as of 2026-12-10 — database ops.db"
    headers, rows = table(ws, header_row=4)
    assert headers == [
        "Contract", "Customer", "Site", "Service", "Status", "Start", "End", "Term (months)",
        "Committed GPUs", "Committed MW", "Price", "Price unit", "Currency", "Monthly value",
        "Total contract value", "GPUs secured", "Shortfall", "Notice deadline", "Alerts",
    ]  # fmt: skip
    by_ref = {r["Contract"]: r for r in rows[:3]}
    c1, c2, c3 = by_ref["C-1"], by_ref["C-2"], by_ref["C-3"]
    assert (c1["Monthly value"], c1["Total contract value"]) == (210240, 2522880)
    assert (c1["Term (months)"], c1["GPUs secured"], c1["Shortfall"]) == (12, 144, 0)
    assert c1["Notice deadline"] == dt.datetime(2027, 10, 2)
    assert c1["Alerts"] == "critical: site PPA cover short by 0.967 MW"
    assert (c2["Monthly value"], c2["Total contract value"]) == (75000, 900000)
    assert (c2["GPUs secured"], c2["Shortfall"], c2["Committed MW"]) == (0, 216, 0.5)
    assert c2["Notice deadline"] == dt.datetime(2027, 12, 2)
    assert c2["Alerts"].split("\n") == [
        "critical: 216 GPUs short on 2027-01-18",
        "critical: site PPA cover short by 0.967 MW",
    ]
    assert (c3["Monthly value"], c3["Total contract value"], c3["Term (months)"]) == (
        100000,
        150000,
        1.5,
    )
    assert (c3["GPUs secured"], c3["Shortfall"], c3["Alerts"]) == (0, 0, None)
    assert c3["Customer"] == "=Acme AI"
    assert c3["Notice deadline"] == dt.datetime(2027, 4, 15)


def test_contract_cells_are_typed_formatted_and_totalled_live(summary: Workbook) -> None:
    ws = summary["Contracts"]
    assert ws.freeze_panes == "A5"
    assert ws.auto_filter.ref == "A4:S7"
    c1 = ws[5]
    assert c1[5].number_format == "yyyy-mm-dd" and c1[17].number_format == "yyyy-mm-dd"
    assert "USD" in c1[13].number_format and "USD" in c1[14].number_format
    assert "EUR" in ws["N7"].number_format  # C-3 is priced in euros
    assert ws["I5"].data_type == "n" and ws["N5"].data_type == "n"
    # The formula-like customer is inert text.
    assert ws["B7"].data_type == "s" and ws["B7"].quotePrefix
    # Totals: counts over every contract; money per currency, never dollars plus euros.
    assert ws["A8"].value == "Total"
    assert ws["I8"].value == "=SUM(I5:I7)"
    assert ws["P8"].value == "=SUM(P5:P7)"
    assert ws["Q8"].value == "=SUM(Q5:Q7)"
    assert ws["N8"].value is None
    assert (ws["A9"].value, ws["A10"].value) == ("Total EUR", "Total USD")
    assert ws["N10"].value == '=SUMIF(M5:M7,"USD",N5:N7)'
    assert ws["O10"].value == '=SUMIF(M5:M7,"USD",O5:O7)'
    assert ws["N9"].value == '=SUMIF(M5:M7,"EUR",N5:N7)'
    assert "USD" in ws["N10"].number_format
    # Widths fit the content: the longest customer and the header words.
    assert ws.column_dimensions["B"].width >= len("Kestrel Labs")
    assert ws.column_dimensions["O"].width >= len("Total contract value")


def test_totals_hold_cached_values_for_viewers_that_do_not_recalculate(
    database: Database, tmp_path: Path
) -> None:
    with database.write() as session:
        summary_world(session)
    out = tmp_path / "summary.xlsx"
    exporting.export(database, "contracts", out, as_of=AS_OF)
    from openpyxl import load_workbook

    cached = load_workbook(out, data_only=True)["Contracts"]
    assert cached["I8"].value == 144 + 216 + 72
    assert cached["N10"].value == 210240 + 75000
    assert cached["O9"].value == 150000


def test_sites_sheet(summary: Workbook) -> None:
    """Panther Creek as of 2026-12-10: grid 350 MW, PUE 1.25, no PPA; no contract runs on the
    day (0 MW now), peak 0.967 MW on 2027-02-01 (see above), headroom 350 − 0.967 = 349.033;
    GPUs committed by C-1 and C-2 (binding, not ended) 144 + 216 = 360; delivered 144
    (2026-12-01); expected within 6 months 216 (2027-03-01); short 216.
    Quiet Hill: grid 20 MW, no PUE (default 1.3), PPA-Q 10 MW running; nothing committed."""
    ws = summary["Sites"]
    headers, rows = table(ws, header_row=3)
    panther, quiet = rows[0], rows[1]
    assert panther["Site"] == "Panther Creek"
    assert (panther["Grid MW"], panther["PUE"], panther["PPA MW"]) == (350, 1.25, 0)
    assert (panther["MW required"], panther["Peak MW required"]) == (0, 0.967)
    assert panther["Headroom MW"] == 349.033
    assert [panther[h] for h in headers[8:]] == [360, 144, 216, 216]
    assert (quiet["Site"], quiet["PUE"], quiet["PPA MW"], quiet["Headroom MW"]) == (
        "Quiet Hill",
        1.3,
        10,
        20,
    )
    assert ws["A6"].value == "Total"
    assert ws["I6"].value == "=SUM(I4:I5)"
    assert ws["C6"].value == "=SUM(C4:C5)"


def test_sites_sheet_has_a_native_gpu_chart(database: Database, tmp_path: Path) -> None:
    with database.write() as session:
        summary_world(session)
    out = tmp_path / "summary.xlsx"
    exporting.export(database, "contracts", out, as_of=AS_OF)
    with zipfile.ZipFile(out) as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) == 1
        xml = archive.read(charts[0]).decode()
    assert "<c:barChart>" in xml
    assert "Sites!$I$4:$I$5" in xml and "Sites!$A$4:$A$5" in xml


def test_ppas_sheet(summary: Workbook) -> None:
    """PPA-Q ends 2027-12-31 with 180 days' notice: deadline 2027-07-04, 206 days after
    2026-12-10. It started 2025-01-01 at 40.00 per MWh escalating 3 % a year: one anniversary
    (2026-01-01) has come by 2026-12-10, so 40.00 × 1.03 = 41.20 is in force. Escalation,
    renewable and take-or-pay shares are percentages."""
    ws = summary["PPAs"]
    _, rows = table(ws, header_row=4)
    ppa = rows[0]
    assert ppa["PPA"] == "PPA-Q"
    assert ppa["Notice deadline"] == dt.datetime(2027, 7, 4)
    assert ppa["Days to notice deadline"] == 206
    assert (ppa["Escalation"], ppa["Renewable"], ppa["Take-or-pay"]) == (0.03, 0.5, 0.75)
    assert ws["I5"].number_format == "0.0%"
    assert ppa["Base price per MWh"] == 40 and "USD" in ws["H5"].number_format
    assert ppa["Current price per MWh"] == 41.2 and "USD" in ws["J5"].number_format
    assert ws["D6"].value == "=SUM(D5:D5)"


def test_alerts_and_vendors_sheets(summary: Workbook) -> None:
    """Open alerts: C-2's capacity shortfall and Panther Creek's PPA gap (critical), Nvidia
    holding 100 % of the open gpu_system value (warning). Nvidia's scorecard: PO-1/1's 2 units
    arrived 2026-12-01 after their promised 2026-11-20 (0 % on time, slip 11 days); PO-1/2's
    slip is 0 (its first ETA is its ETA): median slip 5.5; actual lead time 2026-06-01 to
    2026-12-01 = 183 days; open value 3 × 3,950,000 = 11,850,000."""
    _, alerts = table(summary["Alerts"], header_row=4)
    assert [(a["Severity"], a["Rule"], a["Subject"]) for a in alerts] == [
        ("critical", "capacity_shortfall", "C-2"),
        ("critical", "ppa_coverage_gap", "Panther Creek"),
        ("warning", "vendor_concentration", "Nvidia"),
    ]
    assert "216 GPUs short" in alerts[0]["Message"]
    ws = summary["Vendors"]
    _, vendors = table(ws, header_row=4)
    nvidia = vendors[0]
    assert nvidia["Vendor"] == "Nvidia"
    assert (nvidia["Units received"], nvidia["Units on time"], nvidia["On time"]) == (2, 0, 0)
    assert ws["D5"].number_format == "0.0%"
    assert (nvidia["Median slip (days)"], nvidia["Median actual lead time (days)"]) == (5.5, 183)
    assert nvidia["Open order value (USD)"] == 11850000
    assert ws["I6"].value == "=SUM(I5:I5)"


def test_one_currency_gets_one_money_total(database: Database, tmp_path: Path) -> None:
    with database.write() as session:
        basic_world(session)
        for ref, price in (("C-A", D("1000")), ("C-B", D("2500.50"))):
            make(session, "contracts", contract_ref=ref, customer="Helios AI",
                 site="Panther Creek", start_date=day("2027-01-01"),
                 end_date=day("2027-12-31"), price=price, price_unit="per_month")  # fmt: skip
    out = tmp_path / "summary.xlsx"
    exporting.export(database, "contracts", out, as_of=AS_OF)
    ws = load(out)["Contracts"]
    assert ws["A7"].value == "Total"
    assert ws["N7"].value == "=SUM(N5:N6)"
    assert ws["O7"].value == "=SUM(O5:O6)"
    assert ws["A8"].value is None


def test_an_empty_database_gives_a_summary_with_headers(database: Database, tmp_path: Path) -> None:
    out = tmp_path / "summary.xlsx"
    result = exporting.export(database, "contracts", out, as_of=AS_OF)
    assert result.rows == 0
    headers, rows = table(load(out)["Contracts"], header_row=4)
    assert headers[0] == "Contract" and rows[0]["Contract"] == "Total"


def test_alert_list_export(database: Database, tmp_path: Path) -> None:
    with database.write() as session:
        summary_world(session)
    out = tmp_path / "alerts.xlsx"
    result = exporting.export(database, "alerts", out, as_of=AS_OF)
    headers, rows = table(load(out)["Alerts"])
    assert headers == ["key", "rule", "severity", "subject", "site", "message", "figure"]
    assert result.rows == len(rows) == 3
    assert rows[0]["key"] == "capacity_shortfall:C-2" and rows[0]["figure"] == 216


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
    assert ws["A2"].value.startswith("2 open alerts; 1 acknowledged and hidden")
    _, rows = table(ws, header_row=4)
    assert [r["Subject"] for r in rows] == ["C-2", "Panther Creek"]


def test_escalated_price_compounds_on_each_anniversary() -> None:
    """38.50 from 2024-06-09 at 2.5 %: on 2026-11-26 two anniversaries have come,
    38.50 × 1.025² = 40.449063 -> 40.4491; the day before the first one, still 38.50."""
    from services.figures import escalated_price

    start = day("2024-06-09")
    assert escalated_price(D("38.50"), D("2.5"), start, day("2026-11-26")) == D("40.4491")
    assert escalated_price(D("38.50"), D("2.5"), start, day("2025-06-08")) == D("38.50")
    assert escalated_price(D("38.50"), D("2.5"), start, day("2025-06-09")) == D("39.4625")
    assert escalated_price(D("38.50"), None, start, day("2030-01-01")) == D("38.50")
    assert escalated_price(None, D("2.5"), start, day("2030-01-01")) is None
