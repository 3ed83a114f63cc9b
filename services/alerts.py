"""Supply-risk alerts (DESIGN.md §4) and their acknowledgements.

Every rule reads one :class:`~services.figures.Snapshot` (loaded with a few Core SELECTs) and
returns plain :class:`Alert` values, so the rules are pure functions of the data and the
as-of day, and all ten run in one pass over 100,000 order lines.

Severity policy — *critical* where a customer commitment or a site's power is at risk,
*warning* otherwise:

* ``capacity_shortfall`` is always critical: a customer will not get the GPUs promised.
* ``power_shortfall`` and ``ppa_coverage_gap`` are always critical: the site cannot draw (or
  has not bought) the power its signed contracts need.
* ``overdue_delivery`` and ``eta_slip`` are critical when the line carries GPUs for a site
  where a signed or active contract is short of GPUs (the late line is part of that risk);
  warning otherwise.
* ``ppa_expiring`` is critical when, the day after the PPA ends, the site's remaining PPAs
  no longer cover the power its contracts then require; warning otherwise.
* ``unconfirmed_order``, ``lead_time_drift``, ``vendor_concentration`` and
  ``contract_notice_due`` are warnings: they call for a buyer's action but put no delivery
  or power promise at risk by themselves.

Each alert carries a *figure* (bigger is worse: GPUs short, days slipped, MW missing, percent
above threshold…). An acknowledged alert stays hidden until its snooze date has passed or
its figure grows beyond the figure at acknowledgement.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import AlertAck
from models.base import utcnow
from services import audit
from services.audit import Actor
from services.errors import NotFoundError, UsageError
from services.figures import (
    NOT_OPEN_STATUSES,
    ZERO,
    ContractFigures,
    LineRow,
    PowerDay,
    SiteSupply,
    Snapshot,
    actual_lead_days,
    collector_paused,
    compute_contract_figures,
    load_snapshot,
    median,
    notice_deadline,
    open_value_breakdown,
    power_required,
    ppa_cover,
    quantize,
    site_supply,
)
from services.figures import power_days as compute_power_days

CRITICAL, WARNING, INFO = "critical", "warning", "info"
SEVERITIES = (CRITICAL, WARNING, INFO)

RULES = (
    "overdue_delivery",
    "eta_slip",
    "unconfirmed_order",
    "lead_time_drift",
    "capacity_shortfall",
    "power_shortfall",
    "ppa_coverage_gap",
    "vendor_concentration",
    "ppa_expiring",
    "contract_notice_due",
)

# How many records a message names before it says "and N more".
SHOWN = 5


@dataclass(frozen=True)
class Acknowledgement:
    user: str
    note: str | None
    acknowledged_at: dt.datetime
    snoozed_until: dt.date | None
    figure: Decimal | None


@dataclass(frozen=True)
class Alert:
    key: str
    rule: str
    severity: str
    subject: str
    site: str | None
    message: str
    # The size of the problem, bigger is worse; compared with the figure at acknowledgement.
    figure: Decimal
    related: tuple[str, ...] = ()
    acknowledged: Acknowledgement | None = None
    # True when an acknowledgement hides it (only listed with include_acknowledged).
    hidden: bool = False

    def as_json(self) -> dict[str, object]:
        ack = self.acknowledged
        return {
            "key": self.key,
            "rule": self.rule,
            "severity": self.severity,
            "subject": self.subject,
            "site": self.site,
            "message": self.message,
            "figure": audit.plain_decimal(self.figure),
            "related": list(self.related),
            "acknowledged": None
            if ack is None
            else {
                "user": ack.user,
                "note": ack.note,
                "at": ack.acknowledged_at.isoformat(timespec="seconds"),
                "until": ack.snoozed_until.isoformat() if ack.snoozed_until else None,
                "figure": audit.plain_decimal(ack.figure) if ack.figure is not None else None,
            },
            "hidden": self.hidden,
        }


def alert_key(rule: str, subject: str) -> str:
    return f"{rule}:{subject}"


def _alert(
    rule: str,
    severity: str,
    subject: str,
    site: str | None,
    message: str,
    figure: Decimal | int,
    related: Iterable[str] = (),
) -> Alert:
    return Alert(
        key=alert_key(rule, subject),
        rule=rule,
        severity=severity,
        subject=subject,
        site=site,
        message=message,
        # Whole numbers are exact as they are; measures keep the 4 places an ack stores.
        figure=Decimal(figure) if isinstance(figure, int) else quantize(figure),
        related=tuple(related),
    )


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def _count(n: int, word: str) -> str:
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


def _listed(items: list[str]) -> str:
    shown = ", ".join(items[:SHOWN])
    return shown + (f" and {len(items) - SHOWN} more" if len(items) > SHOWN else "")


def _mw(value: Decimal) -> str:
    return f"{audit.plain_decimal(value)} MW"


def _pct(value: Decimal, above: Decimal | None = None) -> str:
    """A percentage to one decimal; with ``above`` (a threshold the value exceeds), as many
    more decimals as it takes not to print 80.002 % as "80 %" next to "threshold 80 %"."""
    for places in range(1, 9):
        shown = value.quantize(Decimal(1).scaleb(-places))
        if above is None or shown > above:
            break
    return f"{audit.plain_decimal(shown)}%"


@dataclass
class Context:
    """What several rules share, computed once per evaluation."""

    snapshot: Snapshot
    as_of: dt.date
    supply: dict[int, SiteSupply]
    contracts: dict[str, ContractFigures]
    power: dict[int, list[PowerDay]]
    # Per site, the signed or active contracts (not ended) short of GPUs.
    short_contracts: dict[str, list[str]]
    # Placed lines with units still to come, and how many: what the line rules look at.
    open_lines: list[tuple[LineRow, int]]


def _context(snapshot: Snapshot, as_of: dt.date) -> Context:
    supply = site_supply(snapshot)
    contracts = compute_contract_figures(snapshot, supply)
    short_contracts: dict[str, list[str]] = defaultdict(list)
    for c in sorted(contracts.values(), key=lambda c: c.ref):
        if c.shortfall > 0 and c.end_date >= as_of:
            short_contracts[c.site].append(c.ref)
    return Context(
        snapshot,
        as_of,
        supply,
        contracts,
        compute_power_days(snapshot, as_of),
        dict(short_contracts),
        [
            (line, units)
            for line in snapshot.lines
            if line.status not in NOT_OPEN_STATUSES and (units := line.open_units) > 0
        ],
    )


# --- order lines -------------------------------------------------------------------------


def _line_label(snapshot: Snapshot, line: LineRow) -> str:
    product = snapshot.products[line.product_id]
    return f"{line.ref} ({snapshot.vendors[line.vendor_id]} {product.sku})"


def _units_text(snapshot: Snapshot, line: LineRow, units: int) -> str:
    gpus = units * snapshot.products[line.product_id].gpus_per_unit
    text = "1 unit" if units == 1 else f"{units:,} units"
    return f"{text} = {gpus:,} GPUs" if gpus else text


def _line_severity(ctx: Context, line: LineRow) -> str:
    carries_gpus = ctx.snapshot.gpus_per_unit(line) > 0
    site = ctx.snapshot.site_name(line.site_id)
    return CRITICAL if carries_gpus and site in ctx.short_contracts else WARNING


def _short_note(ctx: Context, line: LineRow, severity: str) -> str:
    if severity != CRITICAL:
        return ""
    site = ctx.snapshot.site_name(line.site_id)
    return f" {site} is already short of GPUs for {_listed(ctx.short_contracts[site])}."


def rule_overdue_delivery(ctx: Context) -> list[Alert]:
    """An open line whose ETA (else promised date) is before the day. Figure: open units."""
    alerts = []
    snapshot = ctx.snapshot
    as_of = ctx.as_of
    for line, units in ctx.open_lines:
        expected = line.eta or line.promised_date
        if expected is None or expected >= as_of:
            continue
        late = (as_of - expected).days
        which = "ETA" if line.eta else "promised date"
        severity = _line_severity(ctx, line)
        vendor = snapshot.vendors[line.vendor_id]
        site = snapshot.site_name(line.site_id)
        message = (
            f"{_line_label(snapshot, line)} for {site} is {_days(late)} overdue: its {which} "
            f"{expected} has passed with {_units_text(snapshot, line, units)} of "
            f"{line.quantity:,} still open. Ask {vendor} for a new ETA."
            + _short_note(ctx, line, severity)
        )
        ref = line.ref
        alerts.append(_alert("overdue_delivery", severity, ref, site, message, units, (ref,)))
    return alerts


def rule_eta_slip(ctx: Context) -> list[Alert]:
    """An open line's ETA later than its first commitment by more than the slip threshold.
    Figure: days slipped."""
    threshold = ctx.snapshot.settings.slip_threshold_days
    alerts = []
    snapshot = ctx.snapshot
    for line, units in ctx.open_lines:
        first = line.promised_date or line.first_eta
        if line.eta is None or first is None:
            continue
        slip = (line.eta - first).days
        if slip <= threshold:
            continue
        which = "promised date" if line.promised_date else "first ETA"
        severity = _line_severity(ctx, line)
        site = snapshot.site_name(line.site_id)
        message = (
            f"{_line_label(snapshot, line)} for {site} slipped {_days(slip)}: ETA {line.eta} "
            f"against the {which} {first} (threshold {_days(threshold)}), "
            f"{_units_text(snapshot, line, units)} open." + _short_note(ctx, line, severity)
        )
        ref = line.ref
        alerts.append(_alert("eta_slip", severity, ref, site, message, slip, (ref,)))
    return alerts


def rule_unconfirmed_order(ctx: Context) -> list[Alert]:
    """An order placed more than N days ago with no promised date or ETA on any open line.
    Figure: open lines without a date."""
    limit = ctx.snapshot.settings.unconfirmed_days
    snapshot = ctx.snapshot
    orders: dict[str, list[LineRow]] = defaultdict(list)
    for line, _ in ctx.open_lines:
        orders[line.po_number].append(line)
    alerts = []
    for po_number, lines in sorted(orders.items()):
        first = lines[0]
        waited = (ctx.as_of - first.order_date).days
        if waited <= limit or any(line.expected_date for line in lines):
            continue
        vendor = snapshot.vendors[first.vendor_id]
        site = snapshot.site_name(first.site_id)
        message = (
            f"{po_number} ({vendor}, {site}) was placed {first.order_date}, {_days(waited)} ago, "
            f"and none of its {_count(len(lines), 'open line')} has a promised date or ETA "
            f"(allowed: {_days(limit)}). Ask {vendor} to confirm dates."
        )
        alerts.append(
            _alert(
                "unconfirmed_order",
                WARNING,
                po_number,
                site,
                message,
                len(lines),
                sorted(line.ref for line in lines),
            )
        )
    return alerts


def rule_lead_time_drift(ctx: Context) -> list[Alert]:
    """A vendor's newest quote for a sku more than X % above its previous quote, or the median
    actual lead time of received lines more than X % above the newest quote. Figure: percent
    above the baseline."""
    snapshot = ctx.snapshot
    pct = snapshot.settings.lead_time_drift_pct
    quotes: dict[int, list[tuple[dt.date, int]]] = defaultdict(list)
    for quote in snapshot.quotes:
        if quote.quote_date <= ctx.as_of:
            quotes[quote.product_id].append((quote.quote_date, quote.lead_days))
    actual: dict[int, list[int]] = defaultdict(list)
    for line in snapshot.lines:
        if line.product_id in quotes and line.received_qty > 0 and line.status != "cancelled":
            days = actual_lead_days(line.order_date, line.received_date)
            arrived = line.received_date is not None and line.received_date <= ctx.as_of
            if days is not None and arrived:
                actual[line.product_id].append(days)
    alerts = []
    for product_id, product_quotes in quotes.items():
        product_quotes.sort()
        newest_day, newest = product_quotes[-1]
        product = snapshot.products[product_id]
        vendor = snapshot.vendors[product.vendor_id]
        subject = f"{vendor} / {product.sku}"
        findings: list[str] = []
        drift = ZERO
        if len(product_quotes) > 1:
            previous_day, previous = product_quotes[-2]
            if previous > 0 and newest * 100 > previous * (100 + pct):
                above = Decimal(newest - previous) * 100 / previous
                drift = max(drift, above)
                findings.append(
                    f"the newest quote ({newest_day}) is {_days(newest)}, {_pct(above, pct)} above "
                    f"the previous quote of {_days(previous)} ({previous_day})"
                )
        received = actual.get(product_id, [])
        typical = median(received)
        if typical is not None and newest > 0 and typical * 100 > newest * (100 + pct):
            above = (typical - newest) * 100 / newest
            drift = max(drift, above)
            findings.append(
                f"the median actual lead time of {_count(len(received), 'received line')} is "
                f"{audit.plain_decimal(typical)} days, {_pct(above, pct)} above the newest "
                f"quote of {_days(newest)}"
            )
        if not findings:
            continue
        message = (
            f"{subject}: " + "; ".join(findings) + f" (threshold {_pct(pct)}). "
            "Plan new orders of this sku with the longer lead time."
        )
        alerts.append(_alert("lead_time_drift", WARNING, subject, None, message, drift))
    return alerts


# --- contracts and sites -----------------------------------------------------------------


def quickest_gpu_source(snapshot: Snapshot, as_of: dt.date) -> tuple[str, str, int] | None:
    """The GPU system with the shortest lead time by its vendor's newest quote (as of
    ``as_of``): (vendor, SKU, days); None when no GPU system has a quote."""
    newest: dict[int, tuple[dt.date, int]] = {}
    for quote in snapshot.quotes:
        product = snapshot.products.get(quote.product_id)
        if product is None or product.gpus_per_unit <= 0 or quote.quote_date > as_of:
            continue
        known = newest.get(quote.product_id)
        if known is None or quote.quote_date > known[0]:
            newest[quote.product_id] = (quote.quote_date, quote.lead_days)
    if not newest:
        return None
    product_id, (_day, days) = min(
        newest.items(), key=lambda item: (item[1][1], snapshot.products[item[0]].sku)
    )
    product = snapshot.products[product_id]
    return snapshot.vendors[product.vendor_id], product.sku, days


def order_by_date(need_by: dt.date, source: tuple[str, str, int] | None) -> dt.date | None:
    """The last day to order GPUs that must arrive by ``need_by``, by the quickest quoted
    lead time (``quickest_gpu_source``); None when nothing is quoted."""
    return None if source is None else need_by - dt.timedelta(days=source[2])


def _order_by(need_by: dt.date, source: tuple[str, str, int] | None, as_of: dt.date) -> str:
    """When more GPUs must be ordered to arrive by ``need_by``, by the quickest quote."""
    latest = order_by_date(need_by, source)
    if source is None or latest is None:
        return ""
    vendor, sku, days = source
    if latest >= as_of:
        return (
            f" To have more by {need_by}, order by {latest} at the latest (the quickest quoted "
            f"GPU system, {vendor} {sku}, takes {_days(days)})."
        )
    return (
        f" Even the quickest quoted GPU system ({vendor} {sku}, {_days(days)}) ordered today "
        f"arrives after {need_by}: expedite, or agree a later start with the customer."
    )


def rule_capacity_shortfall(ctx: Context) -> list[Alert]:
    """A signed or active contract (not yet ended) whose GPUs secured fall short of its
    commitment, with the day more GPUs must be ordered by (the quickest quoted lead time of
    a GPU system). Figure: GPUs short."""
    alerts = []
    source = quickest_gpu_source(ctx.snapshot, ctx.as_of)
    for figures in ctx.contracts.values():
        if figures.shortfall <= 0 or figures.end_date < ctx.as_of:
            continue
        late = figures.late_lines
        if late:
            verb = "arrives" if len(late) == 1 else "arrive"
            shown = ", ".join(str(line) for line in late[:SHOWN])
            more = f" and {len(late) - SHOWN} more" if len(late) > SHOWN else ""
            tail = f"; {_count(len(late), 'order line')} {verb} later: {shown}{more}"
        else:
            tail = "; no open order line brings more GPUs to the site: order more"
        message = (
            f"{figures.ref} at {figures.site} is {_count(figures.shortfall, 'GPU')} short on its "
            f"need-by date {figures.need_by} ({figures.gpus_secured:,} of "
            f"{figures.committed_gpus:,} committed GPUs secured for {figures.customer}, "
            f"starting {figures.start_date}){tail}." + _order_by(figures.need_by, source, ctx.as_of)
        )
        alerts.append(
            _alert(
                "capacity_shortfall",
                CRITICAL,
                figures.ref,
                figures.site,
                message,
                figures.shortfall,
                [figures.ref, *(line.ref for line in figures.late_lines)],
            )
        )
    return alerts


def _power_rule(
    ctx: Context,
    rule: str,
    excess: Callable[[PowerDay], Decimal],
    describe: Callable[[PowerDay], str],
) -> list[Alert]:
    alerts = []
    for site_id, days in ctx.power.items():
        short_days = [d for d in days if excess(d) > 0]
        if not short_days:
            continue
        worst = max(short_days, key=lambda d: (excess(d), -d.day.toordinal()))
        first = short_days[0]
        site = ctx.snapshot.site_name(site_id)
        pue = audit.plain_decimal(ctx.snapshot.pue(site_id))
        when = (
            f"from {first.day}"
            if first is worst
            else f"from {first.day} ({_mw(excess(first))} short), worst on {worst.day}"
        )
        message = (
            f"{site} {when}: {_mw(worst.required_mw)} required for "
            f"{_listed(list(worst.contracts))} (× PUE {pue}) "
            f"but {describe(worst)}: {_mw(excess(worst))} short."
        )
        related = sorted({ref for d in short_days for ref in d.contracts})
        alerts.append(_alert(rule, CRITICAL, site, site, message, excess(worst), related))
    return alerts


def rule_power_shortfall(ctx: Context) -> list[Alert]:
    """On a contract's start day, power required exceeds the site's grid capacity.
    Figure: MW beyond the grid on the worst day."""
    return _power_rule(
        ctx,
        "power_shortfall",
        lambda d: d.grid_excess_mw,
        lambda d: f"the grid connection carries {_mw(d.grid_mw or ZERO)}",
    )


def rule_ppa_coverage_gap(ctx: Context) -> list[Alert]:
    """On a contract's start day, power required exceeds the PPA cover. Figure: MW uncovered."""
    return _power_rule(
        ctx,
        "ppa_coverage_gap",
        lambda d: d.ppa_gap_mw,
        lambda d: f"PPAs running that day cover {_mw(d.ppa_mw)}",
    )


def rule_vendor_concentration(ctx: Context) -> list[Alert]:
    """One vendor holds more than X % of a category's open order value.
    Figure: the highest share, in percent."""
    snapshot = ctx.snapshot
    limit = snapshot.settings.vendor_concentration_pct
    currency = snapshot.settings.reporting_currency
    breakdown = open_value_breakdown(snapshot)
    per_category: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for (_, category), value in breakdown.by_vendor_category.items():
        per_category[category] += value
    findings: dict[int, list[tuple[Decimal, str, Decimal, Decimal]]] = defaultdict(list)
    for (vendor_id, category), value in breakdown.by_vendor_category.items():
        total = per_category[category]
        if total > 0 and value * 100 > total * limit:
            findings[vendor_id].append((value * 100 / total, category, value, total))
    alerts = []
    for vendor_id, items in findings.items():
        vendor = snapshot.vendors[vendor_id]
        items.sort(reverse=True)
        parts = [
            f"{_pct(share, limit)} of the open {category} order value "
            f"({currency} {value:,.2f} of {total:,.2f})"
            for share, category, value, total in items
        ]
        message = (
            f"{vendor} holds " + "; ".join(parts) + f" (threshold {_pct(limit)}). "
            "A slip at this vendor hits every such order: consider a second source."
        )
        alerts.append(_alert("vendor_concentration", WARNING, vendor, None, message, items[0][0]))
    return alerts


def rule_ppa_expiring(ctx: Context) -> list[Alert]:
    """A running PPA whose notice deadline falls within the horizon or has passed.
    Figure: 0 while the deadline is ahead, 1 once it has passed."""
    snapshot = ctx.snapshot
    horizon = snapshot.settings.ppa_expiry_horizon_days
    kw = snapshot.settings.default_kw_per_gpu
    alerts = []
    for ppa in snapshot.ppas:
        if not ppa.start_date <= ctx.as_of <= ppa.end_date:
            continue
        deadline = notice_deadline(ppa.end_date, ppa.notice_days)
        if deadline > ctx.as_of + dt.timedelta(days=horizon):
            continue
        site = snapshot.site_name(ppa.site_id)
        after = ppa.end_date + dt.timedelta(days=1)
        site_contracts = [c for c in snapshot.contracts if c.site_id == ppa.site_id]
        needed = power_required(site_contracts, after, snapshot.pue(ppa.site_id), kw)
        remaining = ppa_cover((p for p in snapshot.ppas if p.site_id == ppa.site_id), after)
        severity = CRITICAL if needed > remaining else WARNING
        left = (deadline - ctx.as_of).days
        if left >= 0:
            when = f"its notice deadline {deadline} is in {_days(left)}"
        else:
            when = f"its notice deadline {deadline} passed {_days(-left)} ago"
        consequence = (
            f" On {after} {site} still needs {_mw(needed)} and other PPAs cover "
            f"{_mw(remaining)}: renew or replace it."
            if severity == CRITICAL
            else " Decide whether to renew it."
        )
        message = (
            f"PPA {ppa.ref} ({ppa.counterparty}, {site}, {_mw(ppa.capacity_mw)}) ends "
            f"{ppa.end_date}; {when}.{consequence}"
        )
        alerts.append(
            _alert(
                "ppa_expiring", severity, ppa.ref, site, message, 1 if left < 0 else 0, [ppa.ref]
            )
        )
    return alerts


def rule_contract_notice_due(ctx: Context) -> list[Alert]:
    """A signed or active contract whose notice deadline falls within the horizon (from the
    day on). Figure: 0 (the deadline does not get worse; a snooze or a new end date does)."""
    horizon = ctx.snapshot.settings.contract_notice_horizon_days
    alerts = []
    for contract in ctx.snapshot.contracts:
        if not contract.binding:
            continue
        deadline = notice_deadline(contract.end_date, contract.notice_days)
        left = (deadline - ctx.as_of).days
        if not 0 <= left <= horizon:
            continue
        site = ctx.snapshot.site_name(contract.site_id)
        renewal = (
            "it renews automatically unless notice is given"
            if contract.auto_renew
            else "it ends unless renewed"
        )
        message = (
            f"{contract.ref} ({contract.customer}, {site}) ends {contract.end_date}; notice is due "
            f"by {deadline}, in {_days(left)}: {renewal}."
        )
        alerts.append(
            _alert("contract_notice_due", WARNING, contract.ref, site, message, 0, [contract.ref])
        )
    return alerts


RULE_FUNCTIONS: dict[str, Callable[[Context], list[Alert]]] = {
    "overdue_delivery": rule_overdue_delivery,
    "eta_slip": rule_eta_slip,
    "unconfirmed_order": rule_unconfirmed_order,
    "lead_time_drift": rule_lead_time_drift,
    "capacity_shortfall": rule_capacity_shortfall,
    "power_shortfall": rule_power_shortfall,
    "ppa_coverage_gap": rule_ppa_coverage_gap,
    "vendor_concentration": rule_vendor_concentration,
    "ppa_expiring": rule_ppa_expiring,
    "contract_notice_due": rule_contract_notice_due,
}


def _sort_key(alert: Alert) -> tuple[int, str, str, str]:
    return (SEVERITIES.index(alert.severity), alert.site or "\uffff", alert.rule, alert.subject)


def evaluate_snapshot(snapshot: Snapshot, as_of: dt.date) -> list[Alert]:
    """Every rule over one snapshot, sorted by severity, site, rule and subject."""
    with collector_paused():
        ctx = _context(snapshot, as_of)
        found: list[Alert] = []
        for rule in RULE_FUNCTIONS.values():
            found.extend(rule(ctx))
        return sorted(found, key=_sort_key)


def evaluate(session: Session, as_of: dt.date | None = None) -> list[Alert]:
    """Every alert as of a day (today by default), acknowledged or not."""
    return evaluate_snapshot(load_snapshot(session), as_of or dt.date.today())


# --- acknowledgements --------------------------------------------------------------------


def acknowledgements(session: Session) -> dict[str, Acknowledgement]:
    rows = session.execute(
        select(
            AlertAck.alert_key,
            AlertAck.user,
            AlertAck.note,
            AlertAck.acknowledged_at,
            AlertAck.snoozed_until,
            AlertAck.figure,
        )
    )
    return {
        key: Acknowledgement(user, note, at, until, figure)
        for key, user, note, at, until, figure in rows
    }


def is_hidden(alert: Alert, ack: Acknowledgement | None, as_of: dt.date) -> bool:
    """Hidden while acknowledged, not past its snooze date, and no worse than when acknowledged.

    A snooze date hides the alert through that day; it shows again the day after.
    """
    if ack is None:
        return False
    if ack.snoozed_until is not None and as_of > ack.snoozed_until:
        return False
    return not (ack.figure is not None and alert.figure > ack.figure)


def apply_acknowledgements(
    alerts: Iterable[Alert], acks: dict[str, Acknowledgement], as_of: dt.date
) -> list[Alert]:
    result = []
    for alert in alerts:
        ack = acks.get(alert.key)
        if ack is not None:
            alert = replace(alert, acknowledged=ack, hidden=is_hidden(alert, ack, as_of))
        result.append(alert)
    return result


def visible_alerts(
    session: Session, as_of: dt.date | None = None, include_acknowledged: bool = False
) -> list[Alert]:
    """The alerts a buyer should see as of a day; with ``include_acknowledged`` every alert,
    each with its acknowledgement and whether that hides it."""
    day = as_of or dt.date.today()
    alerts = apply_acknowledgements(evaluate(session, day), acknowledgements(session), day)
    return alerts if include_acknowledged else [a for a in alerts if not a.hidden]


def acknowledge(
    session: Session,
    key: str,
    actor: Actor,
    until: dt.date | None = None,
    note: str | None = None,
    as_of: dt.date | None = None,
) -> Alert:
    """Acknowledge the alert ``key`` (raised as of ``as_of``, today by default): it is hidden
    until ``until`` has passed, or until its figure gets worse. Acknowledging again replaces
    the earlier acknowledgement."""
    return acknowledge_many(session, [key], actor, until, note, as_of)[0]


def acknowledge_many(
    session: Session,
    keys: Sequence[str],
    actor: Actor,
    until: dt.date | None = None,
    note: str | None = None,
    as_of: dt.date | None = None,
) -> list[Alert]:
    """Acknowledge several alerts with one note and snooze date (``acknowledge`` for each,
    the alerts evaluated once), in the caller's transaction: a key that names no raised
    alert refuses them all."""
    day = as_of or dt.date.today()
    if until is not None and until < day:
        raise UsageError(f"the snooze date {until} is already past (today is {day})")
    raised = {a.key: a for a in evaluate(session, day)}
    chosen = []
    for key in keys:
        alert = raised.get(key.strip())
        if alert is None:
            from services.records import closest

            guess = closest(key, raised)
            hint = f"; did you mean {guess!r}?" if guess else ""
            raise NotFoundError(f"no alert {key!r} is raised as of {day}{hint}")
        chosen.append(alert)
    return [_acknowledge(session, alert, actor, until, note, day) for alert in chosen]


def _acknowledge(
    session: Session,
    alert: Alert,
    actor: Actor,
    until: dt.date | None,
    note: str | None,
    day: dt.date,
) -> Alert:
    row = session.scalar(select(AlertAck).where(AlertAck.alert_key == alert.key))
    creating = row is None
    if row is None:
        row = AlertAck(alert_key=alert.key, created_by=actor.user)
        session.add(row)
    row.user = actor.user
    row.note = note.strip() if note and note.strip() else None
    row.acknowledged_at = utcnow()
    row.snoozed_until = until
    row.figure = alert.figure
    row.updated_by = actor.user
    session.flush()
    summary = f"figure={audit.plain_decimal(alert.figure)}"
    if until:
        summary += f"; until={until.isoformat()}"
    if row.note:
        summary += f"; note={row.note}"
    audit.write_entries(
        session,
        [
            audit.entry(
                actor,
                "alerts",
                row.id,
                alert.key,
                "create" if creating else "update",
                "acknowledged",
                None,
                summary,
            )
        ],
    )
    ack = Acknowledgement(row.user, row.note, row.acknowledged_at, until, alert.figure)
    return replace(alert, acknowledged=ack, hidden=is_hidden(alert, ack, day))
