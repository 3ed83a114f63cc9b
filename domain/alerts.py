"""Supply-risk alert rules: when each fires, how severe it is, and what it tells the buyer.

Every rule reads one :class:`~domain.picture.Picture` (the figures as of a day) and returns
plain :class:`Alert` values. Severity — *critical* where a customer commitment or a site's
power is at risk, *warning* otherwise:

* ``capacity_shortfall``, ``power_shortfall`` and ``ppa_coverage_gap``: always critical.
* ``deployment_late``: critical when it serves a signed or active contract.
* ``overdue_delivery`` and ``eta_slip``: critical when the line carries GPUs for a site where
  a binding contract is short of GPUs, or serves a contract or deployment that is at risk.
* ``ppa_expiring``: critical when the site's other PPAs will not cover its load after it.
* ``take_or_pay_idle``, ``unconfirmed_order``, ``lead_time_drift``, ``vendor_concentration``
  and ``contract_notice_due``: warnings.

Each alert carries a *figure* (bigger is worse: GPUs short, days slipped, MW missing…); an
acknowledged alert stays hidden until its snooze date passes or its figure grows.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal

from domain import scorecard, supply
from domain.allocation import POWER_READY
from domain.contracts import notice_deadline
from domain.margin import Ledger, idle_by_site
from domain.money import months as horizon_months
from domain.picture import ContractFigures, Picture, QuickestSource, open_value_breakdown
from domain.power import PowerDay, power_required, ppa_cover
from domain.statuses import Rule, Severity, can_be_overdue
from domain.supply import Line
from domain.world import by_site

ZERO = Decimal(0)
MEASURE = Decimal("0.0001")
# How many records a message names before it says "and N more".
SHOWN = 5


CRITICAL, WARNING, INFO = Severity.CRITICAL, Severity.WARNING, Severity.INFO
SEVERITIES = (CRITICAL, WARNING, INFO)


RULES = tuple(rule.value for rule in Rule)


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


def alert_key(rule: str, subject: str) -> str:
    return f"{rule}:{subject}"


def _quantize(value: Decimal) -> Decimal:
    return value.quantize(MEASURE, rounding=ROUND_HALF_EVEN)


def make_alert(
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
        severity=str(severity),
        subject=subject,
        site=site,
        message=message,
        figure=Decimal(figure) if isinstance(figure, int) else _quantize(figure),
        related=tuple(related),
    )


# --- wording -----------------------------------------------------------------------------


def plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


def days_text(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def counted(n: int, word: str, plural: str | None = None) -> str:
    return f"{n:,} {word}" if n == 1 else f"{n:,} {plural or word + 's'}"


def listed(items: list[str]) -> str:
    shown = ", ".join(items[:SHOWN])
    return shown + (f" and {len(items) - SHOWN} more" if len(items) > SHOWN else "")


def mw_text(value: Decimal) -> str:
    return f"{plain(value.quantize(MEASURE))} MW"


def money_text(currency: str, value: Decimal) -> str:
    return f"{currency} {value.quantize(Decimal('0.01')):,.2f}"


def pct_text(value: Decimal, above: Decimal | None = None) -> str:
    """A percentage to one decimal; with ``above`` (a threshold the value exceeds), as many
    more decimals as it takes not to print 80.002 % as "80 %" next to "threshold 80 %"."""
    shown = value
    for places in range(1, 9):
        shown = value.quantize(Decimal(1).scaleb(-places))
        if above is None or shown > above:
            break
    return f"{plain(shown)}%"


# --- what several rules share ------------------------------------------------------------


@dataclass
class Context:
    pic: Picture
    # Per site name, the binding contracts (not ended) short of GPUs.
    short_contracts: dict[str, list[str]] = field(default_factory=dict)
    # Contracts and deployments at risk (short, late or unable to complete).
    at_risk: set[str] = field(default_factory=set)
    ledger: Ledger | None = None
    # Lines with units still to come, and how many: what the line rules look at.
    open_lines: list[tuple[Line, int]] = field(default_factory=list)
    # Per site, GPU lines whose open units supply nothing now: (line, overdue GPUs, undated
    # GPUs), by PO and line.
    idle_gpu_lines: dict[int, list[tuple[Line, int, int]]] = field(default_factory=dict)

    @property
    def as_of(self) -> dt.date:
        return self.pic.as_of

    def money_ledger(self) -> Ledger:
        if self.ledger is None:
            self.ledger = Ledger(self.pic)
        return self.ledger


def context(pic: Picture) -> Context:
    short: dict[str, list[str]] = defaultdict(list)
    at_risk: set[str] = set()
    for figures in sorted(pic.contracts.values(), key=lambda c: c.ref):
        if not figures.binding or figures.end_date < pic.as_of:
            continue
        if figures.shortfall > 0:
            short[figures.site].append(figures.ref)
            at_risk.add(figures.ref)
        if figures.days_late or (figures.delivery_date is None and figures.committed_gpus):
            at_risk.add(figures.ref)
    for readiness in pic.deployments.values():
        if readiness.served and readiness.late_or_incomplete:
            at_risk.add(readiness.ref)
    open_lines = [(line, line.open_units) for line in pic.world.lines if line.open_units > 0]
    idle: dict[int, list[tuple[Line, int, int]]] = defaultdict(list)
    products = pic.world.products
    for line, _units in open_lines:
        per = products[line.product_id].gpus_per_unit
        if per <= 0:
            continue
        overdue, undated = supply.overdue_units(line, pic.as_of), supply.undated_units(line)
        if overdue or undated:
            idle[line.site_id].append((line, overdue * per, undated * per))
    for found in idle.values():
        found.sort(key=lambda item: (item[0].po_number, item[0].line_no))
    return Context(pic, dict(short), at_risk, None, open_lines, dict(idle))


def line_label(pic: Picture, line: Line) -> str:
    product = pic.world.products[line.product_id]
    return f"{line.ref} ({pic.world.vendor_name(line.vendor_id)} {product.sku})"


def units_text(pic: Picture, line: Line, units: int) -> str:
    gpus = units * pic.world.gpus_per_unit(line)
    text = counted(units, "unit")
    return f"{text} = {gpus:,} GPUs" if gpus else text


def _line_severity(ctx: Context, line: Line) -> Severity:
    site = ctx.pic.world.site_name(line.site_id)
    carries_gpus = ctx.pic.world.gpus_per_unit(line) > 0
    if carries_gpus and site in ctx.short_contracts:
        return CRITICAL
    served = ctx.pic.served_by_line.get(line.id, ())
    return CRITICAL if any(ref in ctx.at_risk for ref in served) else WARNING


def _risk_note(ctx: Context, line: Line, severity: Severity) -> str:
    if severity != CRITICAL:
        return ""
    site = ctx.pic.world.site_name(line.site_id)
    if ctx.pic.world.gpus_per_unit(line) > 0 and site in ctx.short_contracts:
        return f" {site} is already short of GPUs for {listed(ctx.short_contracts[site])}."
    served = [ref for ref in ctx.pic.served_by_line.get(line.id, ()) if ref in ctx.at_risk]
    return f" It serves {listed(served)}, already at risk."


# --- order lines -------------------------------------------------------------------------


def rule_overdue_delivery(ctx: Context) -> list[Alert]:
    """An open, placed line whose ETA (else promised date) is before the day (a line on
    hold is not late). Figure: open units."""
    pic = ctx.pic
    alerts = []
    for line, units in ctx.open_lines:
        if not supply.is_overdue(line, ctx.as_of):
            continue
        expected = line.expected_date
        assert expected is not None
        late = (ctx.as_of - expected).days
        which = "ETA" if line.eta else "promised date"
        severity = _line_severity(ctx, line)
        vendor = pic.world.vendor_name(line.vendor_id)
        site = pic.world.site_name(line.site_id)
        message = (
            f"{line_label(pic, line)} for {site} is {days_text(late)} overdue: its {which} "
            f"{expected} has passed with {units_text(pic, line, units)} of "
            f"{line.quantity:,} still open. Ask {vendor} for a new ETA."
            + _risk_note(ctx, line, severity)
        )
        alerts.append(
            make_alert(Rule.OVERDUE_DELIVERY, severity, line.ref, site, message, units, (line.ref,))
        )
    return alerts


def rule_eta_slip(ctx: Context) -> list[Alert]:
    """An open, placed line that is not overdue and slips (``supply.slip_days``) by more
    than the slip threshold. Figure: days slipped."""
    threshold = ctx.pic.world.settings.slip_threshold_days
    pic = ctx.pic
    alerts = []
    for line, units in ctx.open_lines:
        if not can_be_overdue(line.status) or supply.is_overdue(line, ctx.as_of):
            continue
        slip = supply.slip_days(line, ctx.as_of)
        if slip is None or slip <= threshold:
            continue
        now = f"ETA {line.eta}" if line.eta is not None else f"promised date {line.promised_date}"
        first = (
            "promised date"
            if line.promised_date is not None and line.promised_date == line.first_commitment
            else "first ETA"
        )
        severity = _line_severity(ctx, line)
        site = pic.world.site_name(line.site_id)
        message = (
            f"{line_label(pic, line)} for {site} slipped {days_text(slip)}: {now} against the "
            f"{first} {line.first_commitment} (threshold {days_text(threshold)}), "
            f"{units_text(pic, line, units)} open." + _risk_note(ctx, line, severity)
        )
        alerts.append(
            make_alert(Rule.ETA_SLIP, severity, line.ref, site, message, slip, (line.ref,))
        )
    return alerts


def rule_unconfirmed_order(ctx: Context) -> list[Alert]:
    """An order placed more than N days before the day with open lines, none of which has a
    promised date or ETA. Figure: open lines without a date."""
    pic = ctx.pic
    limit = pic.world.settings.unconfirmed_days
    orders: dict[str, list[Line]] = defaultdict(list)
    for line, _ in ctx.open_lines:
        orders[line.po_number].append(line)
    alerts = []
    for po_number, lines in sorted(orders.items()):
        first = lines[0]
        waited = (ctx.as_of - first.order_date).days
        if waited <= limit or any(line.expected_date for line in lines):
            continue
        vendor = pic.world.vendor_name(first.vendor_id)
        site = pic.world.site_name(first.site_id)
        which = (
            "its open line has no promised date or ETA"
            if len(lines) == 1
            else f"none of its {counted(len(lines), 'open line')} has a promised date or ETA"
        )
        message = (
            f"{po_number} ({vendor}, {site}) was placed {first.order_date}, "
            f"{days_text(waited)} ago, and {which} (allowed: {days_text(limit)}). "
            f"Ask {vendor} to confirm dates."
        )
        alerts.append(
            make_alert(
                Rule.UNCONFIRMED_ORDER,
                WARNING,
                po_number,
                site,
                message,
                len(lines),
                sorted({line.ref for line in lines}),
            )
        )
    return alerts


def rule_lead_time_drift(ctx: Context) -> list[Alert]:
    """A vendor's newest quote for a sku more than X % above its previous quote, or the
    median actual lead time of received lines of that sku more than X % above the newest
    quote. Figure: percent above the baseline."""
    pic = ctx.pic
    world = pic.world
    pct = world.settings.lead_time_drift_pct
    quotes: dict[int, list[tuple[dt.date, int]]] = defaultdict(list)
    for quote in world.quotes:
        if quote.quote_date <= ctx.as_of:
            quotes[quote.product_id].append((quote.quote_date, quote.lead_days))
    actual: dict[int, list[int]] = defaultdict(list)
    for line in world.lines:
        if line.product_id not in quotes:
            continue
        days = supply.actual_lead_days(line)
        if days is not None and line.received_date is not None and line.received_date <= ctx.as_of:
            actual[line.product_id].append(days)
    alerts = []
    for product_id, product_quotes in sorted(quotes.items()):
        product_quotes.sort()
        newest_day, newest = product_quotes[-1]
        product = world.products[product_id]
        subject = f"{world.vendor_name(product.vendor_id)} / {product.sku}"
        findings: list[str] = []
        drift = ZERO
        if len(product_quotes) > 1:
            previous_day, previous = product_quotes[-2]
            if previous > 0 and newest * 100 > previous * (100 + pct):
                above = Decimal(newest - previous) * 100 / previous
                drift = max(drift, above)
                findings.append(
                    f"the newest quote ({newest_day}) is {days_text(newest)}, "
                    f"{pct_text(above, pct)} above the previous quote of {days_text(previous)} "
                    f"({previous_day})"
                )
        received = actual.get(product_id, [])
        typical = scorecard.median(received)
        if typical is not None and newest > 0 and typical * 100 > newest * (100 + pct):
            above = (typical - newest) * 100 / newest
            drift = max(drift, above)
            findings.append(
                f"the median actual lead time of {counted(len(received), 'received line')} is "
                f"{plain(typical)} days, {pct_text(above, pct)} above the newest quote of "
                f"{days_text(newest)}"
            )
        if not findings:
            continue
        message = (
            f"{subject}: " + "; ".join(findings) + f" (threshold {pct_text(pct)}). "
            "Plan new orders of this sku with the longer lead time."
        )
        alerts.append(make_alert(Rule.LEAD_TIME_DRIFT, WARNING, subject, None, message, drift))
    return alerts


# --- contracts, deployments and sites ----------------------------------------------------


def order_by_text(figures: ContractFigures, as_of: dt.date) -> str:
    """When more GPUs of the contract's model must be ordered to arrive by its need-by date."""
    source: QuickestSource | None = figures.quickest
    model = f"{figures.gpu_model} " if figures.gpu_model else ""
    if source is None or figures.order_by is None:
        return f" No {model}GPU product has a lead-time quote to order by."
    if figures.order_by >= as_of:
        return (
            f" To have more by {figures.need_by}, order by {figures.order_by} at the latest "
            f"(the quickest quoted {model}GPU product, {source.vendor} {source.sku}, takes "
            f"{days_text(source.lead_days)})."
        )
    return (
        f" The order-by day {figures.order_by} has passed: even the quickest quoted {model}GPU "
        f"product ({source.vendor} {source.sku}, {days_text(source.lead_days)}) ordered today "
        f"arrives after {figures.need_by}; expedite, or agree a later start with the customer."
    )


def _idle_of_model(
    ctx: Context, site_id: int, model: str | None
) -> tuple[list[tuple[Line, int]], list[tuple[Line, int]]]:
    """(overdue, undated) GPU lines of ``model`` at a site, with their GPUs."""
    from domain.gpus import serves

    products = ctx.pic.world.products
    overdue: list[tuple[Line, int]] = []
    undated: list[tuple[Line, int]] = []
    for line, late_gpus, undated_gpus in ctx.idle_gpu_lines.get(site_id, ()):
        if not serves(model, products[line.product_id].gpu_model):
            continue
        if late_gpus:
            overdue.append((line, late_gpus))
        if undated_gpus:
            undated.append((line, undated_gpus))
    return overdue, undated


def _gpus_text(gpus: int) -> str:
    return counted(gpus, "GPU")


def rule_capacity_shortfall(ctx: Context) -> list[Alert]:
    """A binding contract, not yet ended, whose GPUs secured fall short of its commitment;
    the message names the late lines it takes, the overdue and undated GPUs at its site and
    the order-by date of its own GPU model. Figure: GPUs short."""
    pic = ctx.pic
    alerts = []
    cache: dict[tuple[int, str], tuple[list[tuple[Line, int]], list[tuple[Line, int]]]] = {}
    for figures in pic.contracts.values():
        if not figures.binding or figures.shortfall <= 0 or figures.end_date < ctx.as_of:
            continue
        key = (figures.site_id, figures.gpu_model or "")
        if key not in cache:
            cache[key] = _idle_of_model(ctx, figures.site_id, figures.gpu_model)
        overdue, undated = cache[key]
        model = f"{figures.gpu_model} " if figures.gpu_model else ""
        message = (
            f"{figures.ref} at {figures.site} is {_gpus_text(figures.shortfall)} short on its "
            f"need-by date {figures.need_by} ({figures.gpus_secured:,} of "
            f"{figures.committed_gpus:,} committed {model}GPUs secured for {figures.customer}, "
            f"starting {figures.start_date})"
        )
        late = [p for p in figures.pegs if not p.secured]
        tails = []
        if late:
            verb = "arrives" if len(late) == 1 else "arrive"
            tails.append(
                f"{counted(len(late), 'order line')} it takes {verb} later: "
                + listed([f"{p.ref} ({_gpus_text(p.gpus)}, ETA {p.date})" for p in late])
            )
        if overdue:
            gpus = sum(g for _, g in overdue)
            tails.append(
                f"{_gpus_text(gpus)} overdue at the site count for nothing until their vendors "
                "give new dates: "
                + listed(
                    [
                        f"{line.ref} ({_gpus_text(g)}, due {line.expected_date})"
                        for line, g in overdue
                    ]
                )
            )
        if undated:
            tails.append(
                "undated: "
                + listed([f"{line.ref} ({_gpus_text(g)}, no date yet)" for line, g in undated])
            )
        if not (late or overdue or undated):
            tails.append("no open order line brings more GPUs to the site: order more")
        message += "; " + "; ".join(tails) + "." + order_by_text(figures, ctx.as_of)
        related = [
            figures.ref,
            *(p.ref for p in late),
            *(line.ref for line, _ in overdue),
            *(line.ref for line, _ in undated),
        ]
        alerts.append(
            make_alert(
                Rule.CAPACITY_SHORTFALL,
                CRITICAL,
                figures.ref,
                figures.site,
                message,
                figures.shortfall,
                dict.fromkeys(related),
            )
        )
    return alerts


def rule_deployment_late(ctx: Context) -> list[Alert]:
    """A deployment whose parts complete after its needed-by date, or cannot complete;
    critical when it serves a signed or active contract. Figure: days late; for one that
    cannot complete, 100,000 + the units missing of its critical part (worse than any
    delay, and worse again as more goes missing)."""
    pic = ctx.pic
    world = pic.world
    lines = {line.id: line for line in world.lines}
    contracts = {c.ref: c for c in world.contracts}
    alerts = []
    for readiness in sorted(pic.deployments.values(), key=lambda d: d.ref):
        if not readiness.served or not readiness.late_or_incomplete:
            continue
        site = world.site_name(readiness.site_id)
        contract = contracts.get(readiness.contract_ref or "")
        severity = CRITICAL if contract is not None and contract.binding else WARNING
        serves_text = f" for {contract.ref} ({contract.customer})" if contract else ""
        critical = readiness.critical_part
        related = [readiness.ref]
        if readiness.parts_complete is None:
            part = readiness.part(critical or "")
            missing = part.missing if part else 0
            waits = [lines[i].ref for i in part.waiting_on] if part else []
            related += waits
            held = (
                f"its {critical} part is {counted(missing, 'unit')} short of "
                f"{part.needed if part else 0:,}"
            )
            waiting = (
                f"; it waits for {listed(waits)} (overdue or undated: no date counts until the "
                "vendor gives a new one)"
                if waits
                else "; no open order line brings them: order more"
            )
            message = (
                f"Deployment {readiness.ref} at {site}{serves_text} cannot complete: {held}"
                f"{waiting}."
                + (f" Needed by {readiness.needed_by}." if readiness.needed_by else "")
            )
            figure = 100000 + missing
        else:
            late = readiness.days_late or 0
            if critical == POWER_READY:
                held = f"power is energised only on {readiness.power_ready_date}"
            else:
                part = readiness.part(critical or "")
                takes = (
                    sorted(part.takes, key=lambda t: (t.date, t.ref), reverse=True) if part else []
                )
                latest = [t for t in takes if t.date == readiness.parts_complete]
                related += [t.ref for t in latest]
                held = f"its {critical} part completes only on {readiness.parts_complete}" + (
                    f" ({listed(sorted({t.ref for t in latest}))})" if latest else ""
                )
            message = (
                f"Deployment {readiness.ref} at {site}{serves_text} is {days_text(late)} late: "
                f"{held}, against its needed-by date {readiness.needed_by}; ready "
                f"{readiness.ready_date}."
            )
            figure = late
        alerts.append(
            make_alert(
                Rule.DEPLOYMENT_LATE,
                severity,
                readiness.ref,
                site,
                message,
                figure,
                dict.fromkeys(related),
            )
        )
    return alerts


def rule_take_or_pay_idle(ctx: Context) -> list[Alert]:
    """In any month of the horizon from the day on, a site's PPA minimum take exceeds its
    power required. Figure: the idle money over the horizon (reporting currency)."""
    pic = ctx.pic
    world = pic.world
    months = horizon_months(ctx.as_of, world.settings.take_or_pay_horizon_months)
    currency = world.settings.reporting_currency
    alerts = []
    for site_id, idle in idle_by_site(ctx.money_ledger(), months).items():
        site = world.site_name(site_id)
        costs = [m.idle_cost for m in idle]
        known = sum((c for c in costs if c is not None), ZERO)
        worst = max(idle, key=lambda m: (m.idle_mw, -m.month.toordinal()))
        span = (
            f"{idle[0].month:%Y-%m}"
            if len(idle) == 1
            else (
                f"{counted(len(idle), 'month')} from {idle[0].month:%Y-%m} "
                f"to {idle[-1].month:%Y-%m}"
            )
        )
        money = (
            f"{money_text(currency, known)} paid for unused power"
            if all(c is not None for c in costs)
            else f"{money_text(currency, known)} priced (some months have no energy price)"
        )
        message = (
            f"{site}: PPA minimum take exceeds the power its contracts require in {span}; "
            f"up to {mw_text(worst.idle_mw)} idle ({worst.month:%Y-%m}: "
            f"{mw_text(worst.min_take_mw)} minimum take against "
            f"{mw_text(worst.required_mw)} required), {money}. "
            "Bring contracts forward or resell the energy."
        )
        alerts.append(
            make_alert(Rule.TAKE_OR_PAY_IDLE, WARNING, site, site, message, known.quantize(MEASURE))
        )
    return alerts


def _power_rule(
    ctx: Context,
    rule: Rule,
    excess: Callable[[PowerDay], Decimal],
    describe: Callable[[PowerDay], str],
) -> list[Alert]:
    alerts = []
    pic = ctx.pic
    for site_id, days in sorted(pic.power.items()):
        short_days = [d for d in days if excess(d) > 0]
        if not short_days:
            continue
        worst = max(short_days, key=lambda d: (excess(d), -d.day.toordinal()))
        first = short_days[0]
        site = pic.world.site_name(site_id)
        pue = plain(pic.world.pue(site_id))
        when = (
            f"from {first.day}"
            if first is worst
            else f"from {first.day} ({mw_text(excess(first))} short), worst on {worst.day}"
        )
        message = (
            f"{site} {when}: {mw_text(worst.required_mw)} required for "
            f"{listed(list(worst.contracts))} (× PUE {pue}) "
            f"but {describe(worst)}: {mw_text(excess(worst))} short."
        )
        related = sorted({ref for d in short_days for ref in d.contracts})
        alerts.append(make_alert(rule, CRITICAL, site, site, message, excess(worst), related))
    return alerts


def rule_power_shortfall(ctx: Context) -> list[Alert]:
    """On the start day of a contract at a site, power required exceeds the grid capacity in
    force that day. Figure: MW beyond the grid on the worst day."""
    return _power_rule(
        ctx,
        Rule.POWER_SHORTFALL,
        lambda d: d.grid_excess_mw,
        lambda d: f"the grid interconnect in force that day carries {mw_text(d.grid_mw or ZERO)}",
    )


def rule_ppa_coverage_gap(ctx: Context) -> list[Alert]:
    """On the start day of a contract at a site, power required exceeds the PPA cover.
    Figure: MW uncovered."""
    return _power_rule(
        ctx,
        Rule.PPA_COVERAGE_GAP,
        lambda d: d.ppa_gap_mw,
        lambda d: f"PPAs running that day cover {mw_text(d.ppa_mw)}",
    )


def rule_vendor_concentration(ctx: Context) -> list[Alert]:
    """One vendor holds more than X % of a category's open order value. Figure: the highest
    share, in percent."""
    world = ctx.pic.world
    limit = world.settings.vendor_concentration_pct
    currency = world.settings.reporting_currency
    breakdown = open_value_breakdown(world)
    per_category: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for (_, category), value in breakdown.by_vendor_category.items():
        per_category[category] += value
    findings: dict[int, list[tuple[Decimal, str, Decimal, Decimal]]] = defaultdict(list)
    for (vendor_id, category), value in breakdown.by_vendor_category.items():
        total = per_category[category]
        if total > 0 and value * 100 > total * limit:
            findings[vendor_id].append((value * 100 / total, category, value, total))
    alerts = []
    for vendor_id, items in sorted(findings.items()):
        vendor = world.vendor_name(vendor_id)
        items.sort(reverse=True)
        parts = [
            f"{pct_text(share, limit)} of the open {category.replace('_', ' ')} order value "
            f"({currency} {value:,.2f} of {total:,.2f})"
            for share, category, value, total in items
        ]
        message = (
            f"{vendor} holds " + "; ".join(parts) + f" (threshold {pct_text(limit)}). "
            "A slip at this vendor hits every such order: consider a second source."
        )
        alerts.append(
            make_alert(Rule.VENDOR_CONCENTRATION, WARNING, vendor, None, message, items[0][0])
        )
    return alerts


def rule_ppa_expiring(ctx: Context) -> list[Alert]:
    """A running PPA whose notice deadline falls within the horizon or has passed. Figure:
    0 while the deadline is ahead, 1 once it has passed."""
    world = ctx.pic.world
    horizon = world.settings.ppa_expiry_horizon_days
    kw = world.settings.default_kw_per_gpu
    contracts_by_site = by_site(world.contracts)
    ppas_by_site = by_site(world.ppas)
    alerts = []
    for ppa in sorted(world.ppas, key=lambda p: p.ref):
        if not ppa.start_date <= ctx.as_of <= ppa.end_date:
            continue
        deadline = notice_deadline(ppa.end_date, ppa.notice_days)
        if deadline > ctx.as_of + dt.timedelta(days=horizon):
            continue
        site = world.site_name(ppa.site_id)
        after = ppa.end_date + dt.timedelta(days=1)
        needed = power_required(
            contracts_by_site.get(ppa.site_id, []), after, world.pue(ppa.site_id), kw
        )
        remaining = ppa_cover(ppas_by_site.get(ppa.site_id, []), after)
        severity = CRITICAL if needed > remaining else WARNING
        left = (deadline - ctx.as_of).days
        if left >= 0:
            when = f"its notice deadline {deadline} is in {days_text(left)}"
        else:
            when = f"its notice deadline {deadline} passed {days_text(-left)} ago"
        consequence = (
            f" On {after} {site} still needs {mw_text(needed)} and other PPAs cover "
            f"{mw_text(remaining)}: renew or replace it."
            if severity == CRITICAL
            else " Decide whether to renew it."
        )
        message = (
            f"PPA {ppa.ref} ({ppa.counterparty}, {site}, {mw_text(ppa.capacity_mw)}) ends "
            f"{ppa.end_date}; {when}.{consequence}"
        )
        alerts.append(
            make_alert(
                Rule.PPA_EXPIRING,
                severity,
                ppa.ref,
                site,
                message,
                1 if left < 0 else 0,
                [ppa.ref],
            )
        )
    return alerts


def rule_contract_notice_due(ctx: Context) -> list[Alert]:
    """A signed or active contract whose notice deadline falls within the horizon (from the
    day on). Figure: 0."""
    world = ctx.pic.world
    horizon = world.settings.contract_notice_horizon_days
    alerts = []
    for contract in sorted(world.contracts, key=lambda c: c.ref):
        if not contract.binding:
            continue
        deadline = notice_deadline(contract.end_date, contract.notice_days)
        left = (deadline - ctx.as_of).days
        if not 0 <= left <= horizon:
            continue
        site = world.site_name(contract.site_id)
        renewal = (
            "it renews automatically unless notice is given"
            if contract.auto_renew
            else "it ends unless renewed"
        )
        message = (
            f"{contract.ref} ({contract.customer}, {site}) ends {contract.end_date}; notice is "
            f"due by {deadline}, in {days_text(left)}: {renewal}."
        )
        alerts.append(
            make_alert(
                Rule.CONTRACT_NOTICE_DUE, WARNING, contract.ref, site, message, 0, [contract.ref]
            )
        )
    return alerts


RULE_FUNCTIONS: dict[str, Callable[[Context], list[Alert]]] = {
    Rule.OVERDUE_DELIVERY: rule_overdue_delivery,
    Rule.ETA_SLIP: rule_eta_slip,
    Rule.UNCONFIRMED_ORDER: rule_unconfirmed_order,
    Rule.LEAD_TIME_DRIFT: rule_lead_time_drift,
    Rule.CAPACITY_SHORTFALL: rule_capacity_shortfall,
    Rule.DEPLOYMENT_LATE: rule_deployment_late,
    Rule.TAKE_OR_PAY_IDLE: rule_take_or_pay_idle,
    Rule.POWER_SHORTFALL: rule_power_shortfall,
    Rule.PPA_COVERAGE_GAP: rule_ppa_coverage_gap,
    Rule.VENDOR_CONCENTRATION: rule_vendor_concentration,
    Rule.PPA_EXPIRING: rule_ppa_expiring,
    Rule.CONTRACT_NOTICE_DUE: rule_contract_notice_due,
}


def sort_key(alert: Alert) -> tuple[int, str, str, str]:
    return (
        [s.value for s in SEVERITIES].index(alert.severity),
        alert.site or "\uffff",
        alert.rule,
        alert.subject,
    )


def evaluate(pic: Picture) -> list[Alert]:
    """Every rule over one picture, sorted by severity, site, rule and subject."""
    ctx = context(pic)
    found: list[Alert] = []
    for rule in RULE_FUNCTIONS.values():
        found.extend(rule(ctx))
    return sorted(found, key=sort_key)
