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


# --- the window: a line's milestones, and cash out against revenue per month ------------


@dataclass(frozen=True)
class LineMilestone:
    """One milestone of one order line as of a day."""

    milestone: str  # as the schedule reads it: "30% order", "70% received+30"
    event_date: dt.date | None  # when its event happens (or happened); None: no date yet
    due: dt.date | None  # None: undated; an overdue one is due on the as-of day
    amount: Decimal
    currency: str
    amount_reporting: Decimal | None  # at the order date's rate; None: no rate
    paid: bool
    overdue: bool


@dataclass(frozen=True)
class LineSchedule:
    ref: str
    schedule: str  # the text it pays by
    source: str  # "order", "vendor" or "default": whose schedule it is
    milestones: list[LineMilestone]
    problem: str | None = None  # a stored schedule that cannot be read
    counts: bool = True  # False: its status pays nothing (draft, cancelled)


def line_schedule(session: Session, line_id: int, as_of: dt.date | None = None) -> LineSchedule:
    """The milestones of one order line: what it pays, when, and whether it is paid."""
    world = load_world(session)
    line = next((line for line in world.lines if line.id == line_id), None)
    if line is None:
        raise NotFoundError(f"order line {line_id} is not in the database")
    return schedule_of_line(world, line, as_of or dt.date.today())


def schedule_of_line(world: World, line: Line, as_of: dt.date) -> LineSchedule:
    from domain.statuses import counts_for_cash

    text = schedule_of(world, line)
    source = (
        "order"
        if world.order_schedules.get(line.po_number)
        else ("vendor" if world.vendors[line.vendor_id].payment_schedule else "default")
    )
    try:
        milestones = money.parse_schedule(text)
    except ScheduleError as exc:
        return LineSchedule(line.ref, text, source, [], str(exc))
    converter = Converter(world.fx, world.settings.reporting_currency)
    transit = world.settings.transit_days
    shown = [
        LineMilestone(
            p.milestone.text(),
            money.event_date(line, p.milestone.event, transit),
            p.due,
            p.amount,
            p.currency.upper(),
            converter.convert(p.amount, p.currency, p.order_date),
            p.paid,
            p.overdue,
        )
        for p in money.payments(line, milestones, as_of, transit)
    ]
    return LineSchedule(line.ref, text, source, shown, None, counts_for_cash(line.status))


@dataclass(frozen=True)
class CashChart:
    """Cash out per month stacked by vendor or site, against contract revenue."""

    as_of: dt.date
    currency: str
    months: list[dt.date]
    by: str  # "vendor" or "site"
    # name -> cash out per month (reporting currency), in the order of ``months``
    stacks: dict[str, list[Decimal]]
    revenue: list[Decimal]  # binding contracts' revenue per month, days-weighted
    undated: Decimal  # milestones with no date yet (not in the months)
    missing: tuple[str, ...]  # amounts left out for want of an exchange rate
    cash: Cash  # the rows behind it (``cash_json`` of them is ``cash --json``)

    def totals(self) -> list[Decimal]:
        return [
            sum((s[i] for s in self.stacks.values()), Decimal(0)) for i in range(len(self.months))
        ]


def cash_chart(
    session: Session,
    as_of: dt.date | None = None,
    *,
    by: str = "vendor",
    vendor: str | None = None,
    site: str | None = None,
    months: int | None = None,
) -> CashChart:
    """Cash out not yet paid per month of the next ``months`` (the setting
    ``cash_horizon_months`` by default), stacked by vendor or site, with the revenue the
    binding contracts (of ``site``, when given) bring in each month."""
    from domain.margin import Ledger
    from domain.picture import picture

    if by not in ("vendor", "site"):
        raise ValueError(f"stack cash by vendor or site, not {by!r}")
    world = load_world(session)
    day = as_of or dt.date.today()
    cash = compute_cash(world, day, vendor=vendor, site=site, months=months)
    shown_months = money.months(day, cash.months)
    index = {m: i for i, m in enumerate(shown_months)}
    stacks: dict[str, list[Decimal]] = {}
    undated = Decimal(0)
    missing: list[str] = []
    for row in cash.rows:
        if row.amount_reporting is None:
            missing.append(
                f"{row.amount:,.2f} {row.currency} of {cash.vendor(row)} at {cash.site(row)}: "
                f"no {row.currency} rate on or before its order date"
            )
            continue
        if row.month is None:
            undated += row.amount_reporting
            continue
        name = cash.vendor(row) if by == "vendor" else cash.site(row)
        stack = stacks.setdefault(name, [Decimal(0)] * len(shown_months))
        stack[index[row.month]] += row.amount_reporting
    from services.figures import collector_paused

    with collector_paused():
        ledger = Ledger(picture(world, day))
    site_id = world.site_id(site) if site else None
    revenue = []
    for month in shown_months:
        total = Decimal(0)
        for contract in world.contracts:
            if not contract.binding or (site_id is not None and contract.site_id != site_id):
                continue
            found = ledger.weighted_month(contract, month).revenue
            if found is None:
                missing.append(
                    f"revenue of {contract.ref} in {month:%Y-%m}: no {contract.currency} rate "
                    "on or before the month's first day"
                )
                continue
            total += found
        revenue.append(total.quantize(money.CENT))
    ordered = dict(sorted(stacks.items(), key=lambda kv: (-sum(kv[1]), kv[0].casefold())))
    return CashChart(
        day,
        world.settings.reporting_currency.upper(),
        shown_months,
        by,
        {k: [v.quantize(money.CENT) for v in vs] for k, vs in ordered.items()},
        revenue,
        undated.quantize(money.CENT),
        tuple(dict.fromkeys(missing)),
        cash,
    )
