"""Sheets ``Margin`` and ``Margin by site`` of the contract summary: each binding contract's
first month and term total (revenue, power cost, hardware cost, margin, margin %); each
site's months of the take-or-pay horizon (power required, PPA minimum take, idle MW and its
cost, margin).

The figures are ``domain.margin``'s (the same ``Ledger`` the ``margin`` command reports),
in the reporting currency.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from domain.margin import Ledger, contract_margins, horizon, site_margins
from domain.money import MonthMargin
from domain.picture import Picture
from services.exporting.cells import Column, WorkbookWriter
from services.exporting.sheets import (
    MONTH_FORMAT,
    MW_FORMAT,
    RED_FILL,
    shade,
    titled_sheet,
    write_table,
)

UNKNOWN = "unknown"


def _money(header: str, currency: str, total: bool = False) -> Column:
    return Column(header, "money", currency=currency, places=0, total=total)


def contract_columns(currency: str) -> tuple[Column, ...]:
    return (
        Column("Contract"),
        Column("Customer"),
        Column("Site"),
        Column("First month", "date", num_format=MONTH_FORMAT),
        _money("Revenue", currency),
        _money("Power cost", currency),
        _money("Hardware cost", currency),
        _money("Margin", currency),
        Column("Margin %", "percent"),
        _money("Term revenue", currency, total=True),
        _money("Term power cost", currency, total=True),
        _money("Term hardware cost", currency, total=True),
        _money("Term margin", currency, total=True),
    )


def site_columns(currency: str) -> tuple[Column, ...]:
    return (
        Column("Site"),
        Column("Month", "date", num_format=MONTH_FORMAT),
        Column("MW required", "decimal", num_format=MW_FORMAT),
        Column("Minimum take MW", "decimal", num_format=MW_FORMAT),
        Column("Idle MW", "decimal", num_format=MW_FORMAT),
        _money("Idle cost", currency, total=True),
        _money("Margin", currency, total=True),
    )


def _known(value: Decimal | None) -> Decimal | str:
    return UNKNOWN if value is None else value


def _month(found: MonthMargin) -> list[Any]:
    return [
        _known(found.revenue),
        _known(found.power_cost),
        _known(found.hardware_cost),
        _known(found.margin),
    ]


def _sum(rows: list[list[Any]], col: int) -> Decimal:
    return sum((r[col] for r in rows if isinstance(r[col], Decimal)), Decimal(0))


def margin_sheet(book: WorkbookWriter, heading: str, pic: Picture) -> int:
    """Write sheets ``Margin`` and ``Margin by site``; returns the number of contract rows."""
    ledger = Ledger(pic)
    contract_rows = _contract_rows(pic, ledger)
    months = horizon(pic.as_of, pic.world.settings.take_or_pay_horizon_months)
    months_rows = _site_rows(pic, ledger, months)
    # The notes name the exchange rates missing from both tables: made once both are read.
    _contract_sheet(book, heading, pic, ledger, contract_rows)
    _site_sheet(book, heading, pic, len(months), months_rows)
    return len(contract_rows)


def _contract_rows(pic: Picture, ledger: Ledger) -> list[list[Any]]:
    """Each binding contract's first month and term."""
    contract_rows: list[list[Any]] = []
    for found in contract_margins(ledger):
        figures = pic.contracts[found.ref]
        pct = found.first.margin_pct
        contract_rows.append(
            [
                found.ref,
                figures.customer,
                figures.site,
                found.first.month,
                *_month(found.first),
                UNKNOWN if pct is None else pct,
                *_month(found.term),
            ]
        )
    return contract_rows


def _site_rows(pic: Picture, ledger: Ledger, months: list[dt.date]) -> list[list[Any]]:
    """Each site's months of the take-or-pay horizon."""
    return [
        [
            pic.world.site_name(row.site_id),
            row.month,
            row.site.required_mw,
            row.site.min_take_mw,
            row.site.idle_mw,
            _known(row.idle_cost),
            _known(row.margin),
        ]
        for row in site_margins(ledger, months)
    ]


def _contract_sheet(
    book: WorkbookWriter,
    heading: str,
    pic: Picture,
    ledger: Ledger,
    contract_rows: list[list[Any]],
) -> None:
    """Sheet ``Margin``: the contracts, with notes on how each figure is made."""
    config = pic.world.settings
    currency = config.reporting_currency
    merchant = config.merchant_price_per_mwh
    notes = [
        f"In {currency}. Revenue: the monthly value; power cost: IT MW × PUE × 730 h × the "
        "site's energy price (PPA prices escalated, "
        + (
            f"energy beyond PPA cover at {merchant} per MWh"
            if merchant is not None
            else "no merchant price set, so energy beyond PPA cover is unknown"
        )
        + f"); hardware cost: the pegged lines' price ÷ {config.depreciation_months} months.",
        "First month: the contract's start month, or this month if later. Term: every month "
        "of the term, a part month by its days.",
    ]
    gaps = sorted(ledger.converter.missing, key=lambda m: (m.currency, m.day))
    if gaps:
        shown = ", ".join(f"{m.currency} on or before {m.day.isoformat()}" for m in gaps[:6])
        notes.append(f"Unknown where an exchange rate is missing: {shown}.")
    sheet = titled_sheet(book, "Margin", contract_columns(currency), f"Margin {heading}", notes)
    write_table(sheet, contract_rows)
    shade(book, sheet, 7, "<", 0, RED_FILL)
    sheet.totals(
        "Total, binding contracts",
        values={col: _sum(contract_rows, col) for col in range(9, 13)},
    )


def _site_sheet(
    book: WorkbookWriter, heading: str, pic: Picture, months: int, months_rows: list[list[Any]]
) -> None:
    """Sheet ``Margin by site``."""
    currency = pic.world.settings.reporting_currency
    # The site months are a long table of their own: a sheet of their own, so each printed
    # page repeats the header of the rows it shows.
    sites = titled_sheet(
        book,
        "Margin by site",
        site_columns(currency),
        f"Margin by site and month {heading}",
        (
            f"In {currency}, the next {months} months. Take-or-pay idle cost = (PPA "
            "minimum take − MW required) × 730 h × the site's energy price; margin = its "
            "binding contracts' margins that month − idle cost.",
        ),
    )
    write_table(sites, months_rows)
    shade(book, sites, 4, ">", 0, RED_FILL)
    sites.totals(
        "Total",
        values={5: _sum(months_rows, 5), 6: _sum(months_rows, 6)},
    )
