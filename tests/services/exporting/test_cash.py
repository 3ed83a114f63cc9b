"""``export cash``: payments not yet made, per month, currency, vendor and site, overdue
flagged, undated apart, in the order's currency and the reporting currency.

As of 2026-12-10 (EUR at 1.10 from 2026-01-01; the default schedule 100 % net 30 = received
+ 30 days):

* PO-1/1, Nvidia at Panther Creek, 2 racks × USD 1,000,000 = 2,000,000, ETA 2027-02-10,
  Nvidia's schedule "30% order; 70% received+30": the 30 % at order (2026-06-01) is paid;
  70 % = 1,400,000 falls due 2027-02-10 + 30 = 2027-03-12: March 2027.
* PO-2/1, Vertiv at Panther Creek, 1 CDU × EUR 100,000, ETA 2026-11-01, not received, on the
  default schedule: due 2026-12-01, before the day, while its event has not happened: due
  now (December 2026), overdue; USD 110,000 at the order date's rate.
* PO-3/1, Nvidia at Quiet Hill, 1 rack × USD 500,000 with no date: 30 % at order paid;
  70 % = 350,000 has no date: undated, apart.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import update
from sqlalchemy.orm import Session

import cli
from models import Vendor
from models.database import Database
from services import exporting
from services.errors import NotFoundError, UsageError
from tests.builders import D, basic_world, day, fx_rate, make, order_line, product
from tests.services.exporting.workbooks import load, table

AS_OF = day("2026-12-10")


def cash_world(session: Session) -> None:
    basic_world(session)
    make(session, "sites", name="Quiet Hill", grid_capacity_mw=D("20"), status="mining")
    make(session, "vendors", name="Vertiv")
    product(session, "CDU-1", vendor="Vertiv", category="cooling", gpus_per_unit=0)
    fx_rate(session, "EUR", "1.10", "2026-01-01")
    for po, vendor, sku, site, price, currency, eta in (
        ("PO-1", "Nvidia", "GB300-NVL72", "Panther Creek", "1000000", "USD", "2027-02-10"),
        ("PO-2", "Vertiv", "CDU-1", "Panther Creek", "100000", "EUR", "2026-11-01"),
        ("PO-3", "Nvidia", "GB300-NVL72", "Quiet Hill", "500000", "USD", None),
    ):
        order_line(
            session,
            po,
            vendor=vendor,
            sku=sku,
            quantity=2 if po == "PO-1" else 1,
            site=site,
            unit_price=D(price),
            currency=currency,
            eta=day(eta) if eta else None,
        )
    session.execute(
        update(Vendor)
        .where(Vendor.name == "Nvidia")
        .values(payment_schedule="30% order; 70% received+30")
    )


@pytest.fixture
def world(database: Database) -> Database:
    with database.write() as session:
        cash_world(session)
    return database


def test_cash_per_month_currency_vendor_and_site(world: Database, tmp_path: Path) -> None:
    out = tmp_path / "cash.xlsx"
    result = exporting.export(world, "cash", out, as_of=AS_OF, database_name="ops.db")
    assert (result.rows, result.sheets) == (3, ("Cash",))
    ws = load(out)["Cash"]
    assert ws["A1"].value == "Cash out as of 2026-12-10 — database ops.db"
    # First the total per month in the reporting currency.
    month_header = next(r for r in range(1, 12) if ws.cell(r, 1).value == "Month")
    _, months = table(ws, header_row=month_header)
    assert [(m["Month"], m["Cash out (USD)"]) for m in months[:3]] == [
        (dt.datetime(2026, 12, 1), 110000),
        (dt.datetime(2027, 3, 1), 1400000),
        ("Total, dated", f"=SUM(B{month_header + 1}:B{month_header + 2})"),
    ]
    # Then every month, currency, vendor and site.
    detail = next(r for r in range(month_header + 1, 30) if ws.cell(r, 2).value == "Currency")
    headers, rows = table(ws, header_row=detail)
    assert headers == [
        "Month", "Currency", "Vendor", "Site", "Amount", "Amount (USD)", "Overdue", "Lines",
    ]  # fmt: skip
    pick = ("Month", "Currency", "Vendor", "Site", "Amount", "Amount (USD)", "Overdue", "Lines")
    found = [tuple(r[h] for h in pick) for r in rows if r["Currency"]]
    assert found == [
        (dt.datetime(2026, 12, 1), "EUR", "Vertiv", "Panther Creek", 100000, 110000, "Overdue",
         "PO-2/1"),
        (dt.datetime(2027, 3, 1), "USD", "Nvidia", "Panther Creek", 1400000, 1400000, None,
         "PO-1/1"),
        (None, "USD", "Nvidia", "Quiet Hill", 350000, 350000, None, "PO-3/1"),
    ]  # fmt: skip
    assert "EUR" in ws.cell(detail + 1, 5).number_format
    assert "USD" in ws.cell(detail + 1, 6).number_format
    labels = [ws.cell(r, 1).value for r in range(detail, ws.max_row + 1)]
    assert "Undated: no ETA and no promised date yet, so no due date" in labels
    # Amounts summed per currency; the reporting currency's column at once.
    total = labels.index("Total") + detail
    assert ws.cell(total, 6).value == f"=SUM(F{detail + 1}:F{detail + 2})"
    assert ws.cell(total + 1, 1).value == "Total, EUR"
    assert (
        ws.cell(total + 1, 5).value
        == f'=SUMIF(B{detail + 1}:B{detail + 2},"EUR",E{detail + 1}:E{detail + 2})'
    )
    values = load_workbook(out, data_only=True)["Cash"]
    assert values.cell(total, 6).value == 1510000
    # The detail's header is the one every printed page repeats.
    assert ws.print_title_rows == f"${detail}:${detail}"


def test_cash_narrowed_to_a_vendor_a_site_or_months(world: Database, tmp_path: Path) -> None:
    out = tmp_path / "cash.xlsx"

    def lines(**narrow: object) -> list[str]:
        options = exporting.CashOptions(**narrow)  # type: ignore[arg-type]
        exporting.export(world, "cash", out, as_of=AS_OF, cash=options)
        ws = load(out)["Cash"]
        return sorted(str(c.value) for c in ws["H"] if isinstance(c.value, str) and "/" in c.value)

    assert lines(vendor="NVDA") == ["PO-1/1", "PO-3/1"]  # by an alias
    assert lines(site="Quiet Hill") == ["PO-3/1"]
    # Two months from December: March is beyond them; undated ones are always listed.
    assert lines(months=2) == ["PO-2/1", "PO-3/1"]
    with pytest.raises(NotFoundError, match="no vendor is called 'Nobody'"):
        lines(vendor="Nobody")
    with pytest.raises(UsageError, match="narrows export cash only"):
        exporting.export(world, "orders", out, cash=exporting.CashOptions(vendor="Nvidia"))
    with pytest.raises(UsageError, match="give 1 to 120 months"):
        lines(months=0)


def test_command_line_export_cash_and_readiness(
    world: Database, db_url: str, tmp_path: Path
) -> None:
    out, err = io.StringIO(), io.StringIO()
    target = tmp_path / "cash.xlsx"
    argv = ["--db", db_url, "export", "cash", str(target), "--as-of", "2026-12-10"]
    assert cli.run([*argv, "--vendor", "Vertiv", "--months", "3"], out, err) == 0, err.getvalue()
    assert out.getvalue() == f"Wrote {target} (1 rows; sheets: Cash)\n"
    assert cli.run([*argv, "--vendor", "Nobody"], out, err) == 1
    assert "no vendor is called 'Nobody'" in err.getvalue()
    orders = ["--db", db_url, "export", "orders", str(tmp_path / "o.xlsx"), "--site", "Quiet Hill"]
    assert cli.run(orders, out, err) == 2
    assert "narrows export cash only" in err.getvalue()
    readiness = tmp_path / "readiness.xlsx"
    assert cli.run(["--db", db_url, "export", "readiness", str(readiness)], out, err) == 0
    assert load(readiness).sheetnames == ["Readiness"]
