"""``export cash``: the cash the open orders still need, per month, currency, vendor and site
(``services.cash``: each line's payment milestones, what is paid and what is due when are
``domain.money``'s rules), in the order's currency and the reporting currency; milestones
past due whose event has not happened are due on the as-of day and flagged overdue; those
without a date are listed apart. The total per month, in the reporting currency, comes
first.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from domain.money import CashRow
from services import cash as cash_service
from services.exporting.cells import Column, SheetWriter, WorkbookWriter
from services.exporting.sheets import (
    AMBER_FILL,
    MONTH_FORMAT,
    set_apart,
    shade_words,
    titled_sheet,
    write_table,
)

OVERDUE = "Overdue"
NO_RATE = "no rate"
CURRENCY_COL, AMOUNT_COL, REPORTING_COL, OVERDUE_COL = 1, 4, 5, 6


def cash_columns(currency: str) -> tuple[Column, ...]:
    return (
        Column("Month", "date", num_format=MONTH_FORMAT),
        Column("Currency"),
        Column("Vendor"),
        Column("Site"),
        Column("Amount", "money", currency_from="Currency", places=0),
        Column(f"Amount ({currency})", "money", currency=currency, places=0),
        Column("Overdue"),
        Column("Lines", wrap=True, wrap_width=40),
    )


def month_columns(currency: str) -> tuple[Column, ...]:
    return (
        Column("Month", "date", num_format=MONTH_FORMAT),
        Column(f"Cash out ({currency})", "money", currency=currency, places=0, total=True),
    )


def _row(cash: cash_service.Cash, row: CashRow) -> list[Any]:
    return [
        row.month,
        row.currency,
        cash.vendor(row),
        cash.site(row),
        row.amount,
        NO_RATE if row.amount_reporting is None else row.amount_reporting,
        OVERDUE if row.overdue else None,
        ", ".join(row.refs),
    ]


def _totals(sheet: SheetWriter, label: str, rows: list[CashRow]) -> None:
    """Amounts summed per currency (never dollars plus euros); the reporting currency's
    column in one sum."""
    currencies = sorted({r.currency for r in rows})
    reporting = sum((r.amount_reporting or Decimal(0) for r in rows), Decimal(0))
    if len(currencies) <= 1:
        only = currencies[0] if currencies else None
        sheet.totals(
            label,
            columns=[AMOUNT_COL, REPORTING_COL],
            values={
                AMOUNT_COL: sum((r.amount for r in rows), Decimal(0)),
                REPORTING_COL: reporting,
            },
            currency=only,
        )
        return
    sheet.totals(label, columns=[REPORTING_COL], values={REPORTING_COL: reporting})
    for code in currencies:
        sheet.totals(
            f"{label}, {code}",
            columns=[AMOUNT_COL],
            condition=(CURRENCY_COL, code),
            values={AMOUNT_COL: sum((r.amount for r in rows if r.currency == code), Decimal(0))},
            currency=code,
        )


def export_cash(
    session: Session,
    book: WorkbookWriter,
    *,
    as_of: dt.date,
    database_name: str,
    vendor: str | None = None,
    site: str | None = None,
    months: int | None = None,
) -> int:
    """Write the cash-out sheet; returns the number of rows (dated and undated)."""
    cash = cash_service.cash_out(session, as_of, vendor=vendor, site=site, months=months)
    currency = cash.world.settings.reporting_currency
    book.total_rows = len(cash.rows)
    heading = f"as of {as_of.isoformat()} — database {database_name}"
    narrowed = ", ".join(
        text
        for text in (
            f"vendor {vendor}" if vendor else "",
            f"site {site}" if site else "",
        )
        if text
    )
    notes = [
        f"The payment milestones not yet paid, from {as_of.isoformat()} for {cash.months} "
        "months" + (f" ({narrowed})" if narrowed else "") + ", by the order's payment "
        "schedule, else its vendor's, else the default. Overdue: due before today but its "
        "event has not happened, so due now.",
        f"Amounts in the order's currency, and in {currency} at the rate on or before the "
        f"order date ({NO_RATE!r}: no rate; never taken as 1:1).",
    ]
    for text, why in cash.unreadable.items():
        notes.append(f"Not counted: the schedule {text!r} cannot be read ({why}).")
    per_month = [
        [month, NO_RATE if total is None else total]
        for month, total in cash_service.totals_by_month(cash).items()
        if month is not None
    ]
    dated = [r for r in cash.rows if r.month is not None]
    undated = [r for r in cash.rows if r.month is None]
    sheet = titled_sheet(
        book, "Cash", set_apart(month_columns(currency)), f"Cash out {heading}", notes
    )
    # The detail below shares the columns: their widths fit both before either header.
    sheet.measure([_row(cash, r) for r in cash.rows], set_apart(cash_columns(currency)))
    write_table(sheet, per_month)
    sheet.totals(
        "Total, dated",
        values={1: sum((t for _m, t in per_month if isinstance(t, Decimal)), Decimal(0))},
    )

    sheet.table(
        set_apart(cash_columns(currency)),
        title="Per month, currency, vendor and site",
        main=True,
    )
    write_table(sheet, [_row(cash, r) for r in dated])
    shade_words(book, sheet, OVERDUE_COL, {OVERDUE: AMBER_FILL})
    _totals(sheet, "Total", dated)
    if undated:
        sheet.block("Undated: no ETA and no promised date yet, so no due date")
        write_table(sheet, [_row(cash, r) for r in undated], header=False)
        _totals(sheet, "Subtotal, undated", undated)
    return len(cash.rows)
