"""Cash out: the payment milestones of the open and received order lines, month by month.

Each line pays by its order's payment schedule, else its vendor's, else the setting
``default_payment_schedule``; the milestones, what is paid and what is due when are
``domain.money``'s rules.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from domain import money
from domain.money import CashRow, Converter, Milestone, Payment, ScheduleError
from domain.supply import Line
from domain.world import World
from services.errors import NotFoundError
from services.figures import load_world
from services.reports import iso
from services.reports import money as money_text


@dataclass
class Cash:
    as_of: dt.date
    months: int
    rows: list[CashRow]
    world: World
    # Schedules that could not be read (stored before they were checked): text -> why.
    unreadable: dict[str, str] = field(default_factory=dict)

    def vendor(self, row: CashRow) -> str:
        return self.world.vendor_name(row.vendor_id)

    def site(self, row: CashRow) -> str:
        return self.world.site_name(row.site_id)


def schedule_of(world: World, line: Line) -> str:
    """The schedule a line pays by: its order's, else its vendor's, else the default."""
    return (
        world.order_schedules.get(line.po_number)
        or world.vendors[line.vendor_id].payment_schedule
        or world.settings.default_payment_schedule
    )


def line_payments(
    world: World, line: Line, as_of: dt.date, parsed: dict[str, tuple[Milestone, ...]]
) -> list[Payment]:
    text = schedule_of(world, line)
    if text not in parsed:
        parsed[text] = money.parse_schedule(text)
    return money.payments(line, parsed[text], as_of, world.settings.transit_days)


def _vendor_ids(world: World, name: str) -> set[int]:
    wanted = " ".join(name.split()).casefold()
    found = {
        v.id
        for v in world.vendors.values()
        if v.name.casefold() == wanted or wanted in (a.casefold() for a in v.aliases)
    }
    if not found:
        from services.records import closest

        names = [v.name for v in world.vendors.values()]
        guess = closest(name, names)
        hint = f"; did you mean {guess!r}?" if guess else ""
        raise NotFoundError(f"no vendor is called {name!r}{hint}")
    return found


def cash_out(
    session: Session,
    as_of: dt.date | None = None,
    *,
    vendor: str | None = None,
    site: str | None = None,
    months: int | None = None,
) -> Cash:
    """Cash out not yet paid, from the as-of day on, for ``months`` months (the setting
    ``cash_horizon_months`` by default), optionally of one vendor (name or alias) or site."""
    world = load_world(session)
    return compute_cash(world, as_of or dt.date.today(), vendor=vendor, site=site, months=months)


def compute_cash(
    world: World,
    as_of: dt.date,
    *,
    vendor: str | None = None,
    site: str | None = None,
    months: int | None = None,
) -> Cash:
    horizon = months or world.settings.cash_horizon_months
    vendor_ids = _vendor_ids(world, vendor) if vendor else None
    site_id = None
    if site:
        site_id = world.site_id(site)
        if site_id is None:
            from services.records import closest

            guess = closest(site, [s.name for s in world.sites.values()])
            hint = f"; did you mean {guess!r}?" if guess else ""
            raise NotFoundError(f"no site is called {site!r}{hint}")
    parsed: dict[str, tuple[Milestone, ...]] = {}
    unreadable: dict[str, str] = {}
    found: list[Payment] = []
    for line in world.lines:
        if vendor_ids is not None and line.vendor_id not in vendor_ids:
            continue
        if site_id is not None and line.site_id != site_id:
            continue
        try:
            found.extend(line_payments(world, line, as_of, parsed))
        except ScheduleError as exc:
            unreadable[schedule_of(world, line)] = str(exc)
    converter = Converter(world.fx, world.settings.reporting_currency)
    rows = money.cash_rows(found, as_of, horizon, converter)
    rows.sort(
        key=lambda r: (
            r.month is None,
            r.month or dt.date.max,
            r.currency,
            world.vendor_name(r.vendor_id).casefold(),
            world.site_name(r.site_id).casefold(),
        )
    )
    return Cash(as_of, horizon, rows, world, unreadable)


def cash_json(cash: Cash) -> list[dict[str, Any]]:
    return [
        {
            "month": None if row.month is None else f"{row.month:%Y-%m}",
            "currency": row.currency,
            "vendor": cash.vendor(row),
            "site": cash.site(row),
            "amount": money_text(row.amount),
            "amount_reporting": money_text(row.amount_reporting),
            "overdue": row.overdue,
            "lines": list(row.refs),
        }
        for row in cash.rows
    ]


def totals_by_month(cash: Cash) -> dict[dt.date | None, Decimal | None]:
    """Cash out per month in the reporting currency (None where a rate is missing)."""
    totals: dict[dt.date | None, Decimal | None] = {}
    for row in cash.rows:
        known = totals.get(row.month, Decimal(0))
        totals[row.month] = (
            None if known is None or row.amount_reporting is None else known + row.amount_reporting
        )
    return totals


__all__ = ["Cash", "cash_json", "cash_out", "compute_cash", "iso", "totals_by_month"]
