"""The contract summary management asks for (``export contracts``), and the alert list.

Every figure comes from one picture (``services.figures.picture``: ``domain/`` computes it
once from one snapshot of the records), the alerts over that picture, the scorecard and
``domain.margin``, so the workbook says exactly what the window and the figure commands say;
nothing here decides a rule. Per-row figures are written as values (the workbook reads right
in any viewer, recalculating or not); totals are live ``SUM`` formulas (``SUMIF`` per
currency where contracts are priced in several currencies, since adding dollars to euros
means nothing), their values cached for viewers that do not recalculate. Codes are written
in words (``services.words``).

Sheets:

* ``Contracts``: the binding contracts (signed, active) and their totals, then the others
  (draft, expired, terminated) with their own subtotal, never added into the binding total;
  GPU model, GPUs secured, shortfall, delivery date, days late and late credit;
* ``Late credits``: per customer, the late credit of its binding contracts (live ``SUMIFS``
  over the Contracts sheet), and those that cannot be bounded;
* ``Sites``: on the as-of day, grid MW in force, PPA MW, MW required, peak, headroom, and the
  site's GPUs committed, delivered, expected, overdue (at risk), undated, spare and short;
* ``Pegging``: which order lines serve which contract, secured or late, and what is short;
* ``Readiness``: each deployment and its parts (``services.exporting.readiness``);
* ``Margin`` and ``Margin by site``: per contract, and per site and month
  (``services.exporting.margin``);
* ``PPAs``, ``Alerts`` (the open alerts) and ``Vendors`` (the scorecard per vendor, then per
  vendor and sku).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from domain.contracts import LateCredit, notice_deadline, split_binding, sum_late_credits
from domain.money import ppa_price
from domain.picture import ContractFigures, Picture, SiteFigures
from services import alerts as alert_rules
from services import figures, records, scorecard
from services.alerts import Alert
from services.exporting.cells import Column, Formula, SheetWriter, WorkbookWriter
from services.exporting.margin import margin_sheet
from services.exporting.readiness import readiness_sheet
from services.exporting.sheets import (
    AMBER_FILL,
    MW_FORMAT,
    RED_FILL,
    TERM_FORMAT,
    set_apart,
    shade,
    shade_positive,
    shade_words,
    titled_sheet,
    write_notes,
    write_table,
)
from services.words import gpu_model_words, words

UNKNOWN = "unknown"
UNBOUNDED = "unbounded"
BINDING_TOTAL = "Total, binding (signed and active)"
OTHERS_LABEL = (
    "Not binding: draft, expired and terminated contracts (their own subtotal, never in the "
    "total above)"
)
OTHERS_TOTAL = "Subtotal, not binding"

CONTRACT_COLUMNS = (
    Column("Contract"),
    Column("Customer", wrap=True, wrap_width=16, indent=0),
    Column("Site", wrap=True, wrap_width=11, indent=0),
    Column("Service", wrap=True, wrap_width=10, indent=0),
    Column("Status"),
    Column("Start", "date"),
    Column("End", "date"),
    Column("Term (months)", "decimal", num_format=TERM_FORMAT),
    Column("Committed GPUs", "int", total=True),
    Column("GPU model"),
    Column("Committed MW", "decimal", total=True, num_format=MW_FORMAT),
    Column("Price", "money", currency_from="currency"),
    Column("Price unit"),
    Column("Currency"),
    Column("Monthly value", "money", currency_from="currency", places=0),
    Column("Total contract value", "money", currency_from="currency", places=0),
    Column("GPUs secured", "int", total=True),
    Column("Shortfall", "int", total=True),
    Column("Delivery date", "date"),
    Column("Days late", "int"),
    Column(
        "Late credit",
        "money",
        currency_from="currency",
        places=0,
        comment="Late credit per day × days late, at most the cap; with an unknown delivery "
        "date the cap, or 'unbounded' without one",
    ),
    Column("Notice deadline", "date"),
    Column("Alerts", wrap=True, wrap_width=26),
)
CUSTOMER_COL, CURRENCY_COL = 1, 13
COUNT_COLS = (8, 10, 16, 17)
MONTHLY_COL, TCV_COL, SHORTFALL_COL, DAYS_LATE_COL, LATE_CREDIT_COL = 14, 15, 17, 19, 20
MONEY_COLS = (MONTHLY_COL, TCV_COL, LATE_CREDIT_COL)

SITE_COLUMNS = (
    Column("Site"),
    Column("Status"),
    Column(
        "Grid MW",
        "decimal",
        total=True,
        num_format=MW_FORMAT,
        comment="The interconnect in force on the as-of day (the site's capacity steps)",
    ),
    Column("PUE", "decimal", num_format="0.00"),
    Column(
        "PPA MW",
        "decimal",
        total=True,
        num_format=MW_FORMAT,
        comment="PPAs in force on the as-of day",
    ),
    Column(
        "MW required",
        "decimal",
        total=True,
        num_format=MW_FORMAT,
        comment="Committed MW of the contracts running on the as-of day × PUE",
    ),
    Column(
        "Peak MW required",
        "decimal",
        total=True,
        num_format=MW_FORMAT,
        comment="The most required on any contract start day from the as-of day on",
    ),
    Column(
        "Headroom MW",
        "decimal",
        total=True,
        num_format=MW_FORMAT,
        comment="The smaller of grid MW and PPA MW, minus MW required, on the as-of day",
    ),
    Column("GPUs committed", "int", total=True),
    Column("GPUs delivered", "int", total=True),
    Column("GPUs expected (dated)", "int", total=True),
    Column("GPUs overdue (at risk)", "int", total=True),
    Column("GPUs undated", "int", total=True),
    Column("GPUs spare", "int", total=True),
    Column("GPUs short", "int", total=True),
)
HEADROOM_COL, OVERDUE_COL, SHORT_COL = 7, 11, 14

PEGGING_COLUMNS = (
    Column("Contract"),
    Column("Customer"),
    Column("Site"),
    Column("GPU model"),
    Column("Need-by", "date"),
    Column("PO number"),
    Column("Line", "int"),
    Column("Vendor"),
    Column("SKU"),
    Column("GPUs", "int"),
    Column("Date", "date"),
    Column("Secured or late"),
)
SECURED, LATE, SHORT = "Secured", "Late", "Short: no dated supply"

PPA_COLUMNS = (
    Column("PPA"),
    Column("Counterparty"),
    Column("Site"),
    Column("Capacity MW", "decimal", total=True, num_format=MW_FORMAT),
    Column("Start", "date"),
    Column("End", "date"),
    Column("Structure"),
    Column("Base price per MWh", "money", currency_from="currency"),
    Column("Escalation", "percent"),
    Column("Current price per MWh", "money", currency_from="currency"),
    Column("Currency"),
    Column("Renewable", "percent"),
    Column("Take-or-pay", "percent"),
    Column("Notice days", "int"),
    Column("Notice deadline", "date"),
    Column("Days to notice deadline", "int"),
)
DAYS_TO_DEADLINE_COL = 15

ALERT_COLUMNS = (
    Column("Severity"),
    Column("Rule"),
    Column("Subject"),
    Column("Site"),
    Column("Message", wrap=True, wrap_width=80),
    Column("Key"),
)
SEVERITY_FILLS = {"Critical": RED_FILL, "Warning": AMBER_FILL}


def export_summary(
    session: Session, book: WorkbookWriter, *, as_of: dt.date, database_name: str
) -> int:
    """Write the contract summary into ``book``; returns the number of contract rows."""
    pic = figures.picture(session, as_of)
    every_alert = alert_rules.apply_acknowledgements(
        alert_rules.evaluate_picture(pic),
        alert_rules.acknowledgements(session),
        as_of,
    )
    open_alerts = [a for a in every_alert if not a.hidden]
    card = scorecard.compute_scorecard(pic.world, as_of)
    ppas = records.list_records(session, "ppas")
    book.total_rows = len(pic.contracts) + len(pic.sites) + len(ppas) + len(open_alerts)

    heading = f"as of {as_of.isoformat()} — database {database_name}"
    book.heading = heading
    ranges = _contracts_sheet(book, heading, pic, open_alerts)
    _late_credits_sheet(book, heading, pic, ranges)
    _sites_sheet(book, heading, list(pic.sites.values()))
    _pegging_sheet(book, heading, pic)
    readiness_sheet(book, heading, pic)
    margin_sheet(book, heading, pic)
    _ppas_sheet(book, heading, ppas, pic)
    _alerts_sheet(book, heading, open_alerts, hidden=len(every_alert) - len(open_alerts))
    _vendors_sheet(book, heading, card)
    return len(pic.contracts)


# --- Contracts ---------------------------------------------------------------------------


def alerts_by_contract(open_alerts: Sequence[Alert], pic: Picture) -> dict[str, list[str]]:
    """Each contract's open alerts in a few words (the Alerts sheet has the full messages);
    a deployment's alert goes with the contract it is built for."""
    contracts = pic.contracts
    said: dict[str, list[str]] = defaultdict(list)
    for alert in open_alerts:
        refs = {alert.subject, *alert.related} & contracts.keys()
        deployment = pic.deployments.get(alert.subject)
        if deployment is not None and deployment.contract_ref in contracts:
            refs.add(deployment.contract_ref)
        for ref in sorted(refs):
            said[ref].append(alert_words(alert, contracts[ref]))
    return said


def alert_words(alert: Alert, contract: ContractFigures) -> str:
    figure = alert.figure
    if alert.rule == "capacity_shortfall":
        gpus = int(figure)
        text = f"{gpus:,} GPU{'' if gpus == 1 else 's'} short on {contract.need_by.isoformat()}"
    elif alert.rule == "power_shortfall":
        text = f"site grid short by {_mw(figure)}"
    elif alert.rule == "ppa_coverage_gap":
        text = f"site PPA cover short by {_mw(figure)}"
    elif alert.rule == "contract_notice_due":
        text = f"notice due by {contract.notice_deadline.isoformat()}"
    elif alert.rule == "deployment_late":
        text = f"cluster {alert.subject} late"
    else:
        text = words(alert.rule)
    return f"{words(alert.severity)}: {text}"


def _mw(value: Decimal) -> str:
    return f"{value.normalize():f} MW"


def late_credit_cell(credit: LateCredit | None) -> Decimal | str | None:
    """A contract's late credit as its cell shows it: the amount, ``unbounded`` where no
    amount can be named, nothing for a contract that does not bind."""
    if credit is None:
        return None
    return UNBOUNDED if credit.unbounded else credit.amount


def contract_row(c: ContractFigures, alerts_said: Sequence[str]) -> list[Any]:
    delivery: Any = c.delivery_date
    days_late: Any = c.days_late
    if c.binding and c.delivery_date is None:
        delivery = days_late = UNKNOWN
    elif not c.binding:
        delivery = days_late = None
    return [
        c.ref,
        c.customer,
        c.site,
        words(c.service),
        words(c.status),
        c.start_date,
        c.end_date,
        c.term_months,
        c.committed_gpus,
        gpu_model_words(c.gpu_model) if c.committed_gpus else None,
        c.committed_mw,
        c.price,
        words(c.price_unit),
        c.currency,
        c.monthly_value,
        c.tcv,
        c.gpus_secured,
        c.shortfall,
        delivery,
        days_late,
        late_credit_cell(c.late_credit),
        c.notice_deadline,
        "\n".join(alerts_said) or None,
    ]


@dataclass(frozen=True)
class ContractRanges:
    """Where the binding contracts' customers, currencies and late credits are, for the
    formulas of other sheets; None when no contract binds."""

    customers: str | None
    currencies: str | None
    late_credits: str | None


def _contract_totals(sheet: SheetWriter, label: str, rows: Sequence[ContractFigures]) -> None:
    counts: dict[int, Any] = {
        8: sum(c.committed_gpus for c in rows),
        10: sum((c.committed_mw or Decimal(0) for c in rows), Decimal(0)),
        16: sum(c.gpus_secured for c in rows),
        17: sum(c.shortfall for c in rows),
    }
    money: dict[str, dict[int, Decimal]] = defaultdict(
        lambda: {col: Decimal(0) for col in MONEY_COLS}
    )
    for c in rows:
        money[c.currency][MONTHLY_COL] += c.monthly_value
        money[c.currency][TCV_COL] += c.tcv
        credit = late_credit_cell(c.late_credit)
        if isinstance(credit, Decimal):
            money[c.currency][LATE_CREDIT_COL] += credit
    currencies = sorted(money)
    if len(currencies) <= 1:
        only = currencies[0] if currencies else None
        sheet.totals(
            label,
            columns=[*COUNT_COLS, *MONEY_COLS],
            values={**counts, **(money[only] if only else {})},
            currency=only,
        )
        return
    sheet.totals(label, columns=COUNT_COLS, values=counts)
    for code in currencies:
        sheet.totals(
            f"{label}, {code}",
            columns=MONEY_COLS,
            condition=(CURRENCY_COL, code),
            values=money[code],
            currency=code,
        )


def _contracts_sheet(
    book: WorkbookWriter, heading: str, pic: Picture, open_alerts: Sequence[Alert]
) -> ContractRanges:
    buffer = pic.world.settings.install_buffer_days
    binding, others = split_binding(pic.contracts.values())
    said = alerts_by_contract(open_alerts, pic)
    sheet = titled_sheet(
        book,
        "Contracts",
        CONTRACT_COLUMNS,
        f"Contract summary {heading}",
        (
            "Totals count the binding contracts (signed and active); draft, expired and "
            "terminated ones are listed below them with their own subtotal.",
            "GPUs secured: GPUs of the contract's model dated on or before its need-by date "
            f"(start − {buffer} days); overdue and undated GPUs are never counted. Money in "
            "each contract's currency.",
        ),
    )
    rows = [contract_row(c, said.get(c.ref, ())) for c in binding]
    other_rows = [contract_row(c, said.get(c.ref, ())) for c in others]
    sheet.measure(rows + other_rows)
    write_table(sheet, rows, [{"currency": c.currency} for c in binding])
    ranges = ContractRanges(
        sheet.range_of(CUSTOMER_COL),
        sheet.range_of(CURRENCY_COL),
        sheet.range_of(LATE_CREDIT_COL),
    )
    _shade_contracts(book, sheet)
    _contract_totals(sheet, BINDING_TOTAL, binding)
    if others:
        sheet.block(OTHERS_LABEL)
        write_table(sheet, other_rows, [{"currency": c.currency} for c in others], header=False)
        _shade_contracts(book, sheet)
        _contract_totals(sheet, OTHERS_TOTAL, others)
    return ranges


def _shade_contracts(book: WorkbookWriter, sheet: SheetWriter) -> None:
    shade_positive(book, sheet, SHORTFALL_COL)
    shade_positive(book, sheet, DAYS_LATE_COL)
    shade_words(book, sheet, DAYS_LATE_COL, {UNKNOWN: RED_FILL})
    shade_words(book, sheet, LATE_CREDIT_COL, {UNBOUNDED: RED_FILL})


# --- Late credits ------------------------------------------------------------------------

LATE_CREDIT_COLUMNS = (
    Column("Customer"),
    Column("Currency"),
    Column("Binding contracts", "int", total=True),
    Column("Late", wrap=True, wrap_width=40),
    Column("Late credit", "money", currency_from="Currency", places=0),
    Column("Cannot be bounded", wrap=True, wrap_width=40),
)


def _criterion(cell: str) -> str:
    """A SUMIFS criterion matching the text of ``cell`` exactly: a leading ``=`` makes it
    equality whatever the text starts with; wildcards are escaped."""
    escaped = cell
    for char in ("~", "*", "?"):
        escaped = f'SUBSTITUTE({escaped},"{char}","~{char}")'
    return f'"="&{escaped}'


def _late_text(c: ContractFigures) -> str:
    if c.days_late is None:
        return f"{c.ref} (delivery date unknown)"
    return f"{c.ref} ({c.days_late:,} day{'' if c.days_late == 1 else 's'})"


def _late_credits_sheet(
    book: WorkbookWriter, heading: str, pic: Picture, ranges: ContractRanges
) -> None:
    sheet = titled_sheet(
        book,
        "Late credits",
        LATE_CREDIT_COLUMNS,
        f"Late credits per customer {heading}",
        (
            "What the operator owes its customers for late delivery: per day late, at most "
            "each contract's cap, in the contract's currency (binding contracts only).",
            "A credit cannot be bounded while a contract's delivery date is unknown and it "
            "sets no cap.",
        ),
    )
    groups: dict[tuple[str, str], list[ContractFigures]] = defaultdict(list)
    for c in pic.contracts.values():
        if c.binding:
            groups[(c.customer, c.currency)].append(c)
    rows: list[list[Any]] = []
    for (customer, currency), found in sorted(
        groups.items(), key=lambda item: (item[0][0].casefold(), item[0][1])
    ):
        total = sum_late_credits(
            (c.ref, c.currency, c.late_credit) for c in found if c.late_credit is not None
        )
        late = [_late_text(c) for c in found if c.days_late != 0]
        rows.append(
            [
                customer,
                currency,
                len(found),
                ", ".join(late) or None,
                total.by_currency.get(currency, Decimal(0)),
                ", ".join(total.unbounded) or None,
            ]
        )
    sheet.measure(rows)
    write_notes(sheet)
    sheet.header()
    for row in rows:
        if ranges.late_credits and ranges.customers and ranges.currencies:
            # Live: the binding contracts' late credits of this customer in this currency.
            number = sheet.row + 1
            row[4] = Formula(
                f"=SUMIFS({ranges.late_credits},{ranges.customers},"
                f"{_criterion(f'A{number}')},{ranges.currencies},B{number})",
                row[4],
            )
        sheet.write_row(row)
    currencies = sorted({currency for _customer, currency in groups})
    codes: list[str | None] = [*currencies] or [None]
    for code in codes:
        mine = [r for r in rows if code is None or r[1] == code]
        sheet.totals(
            "Total" if len(currencies) <= 1 else f"Total {code}",
            columns=[2, 4],
            condition=None if len(currencies) <= 1 or code is None else (1, code),
            values={
                2: sum(r[2] for r in mine),
                4: sum((_cached(r[4]) for r in mine), Decimal(0)),
            },
            currency=code,
        )


def _cached(value: Any) -> Decimal:
    return Decimal(value.cached) if isinstance(value, Formula) else Decimal(value)


# --- Sites -------------------------------------------------------------------------------


def site_row(s: SiteFigures) -> list[Any]:
    return [
        s.name,
        words(s.status),
        "not set" if s.grid_mw is None else s.grid_mw,
        s.pue,
        s.ppa_mw,
        s.mw_required,
        s.mw_required_peak,
        s.headroom_mw,
        s.gpus_committed,
        s.gpus_delivered,
        s.gpus_expected,
        s.gpus_overdue,
        s.gpus_undated,
        s.gpus_spare,
        s.gpus_short,
    ]


def _sites_sheet(book: WorkbookWriter, heading: str, sites: Sequence[SiteFigures]) -> None:
    sheet = titled_sheet(
        book,
        "Sites",
        SITE_COLUMNS,
        f"Sites {heading}",
        (
            "On the as-of day: grid MW in force (the site's capacity steps), PPAs in force, "
            "MW required by the contracts running × PUE; headroom = the smaller of grid and "
            "PPA MW − MW required.",
            "GPUs delivered: received by the as-of day; expected: open units dated on or "
            "after it. Overdue GPUs (their date has passed) are at risk, never counted as "
            "delivered or expected; undated: no date yet or on hold; spare: received or dated "
            "GPUs no contract or deployment takes.",
        ),
    )
    rows = [site_row(s) for s in sites]
    write_table(sheet, rows)
    shade(book, sheet, HEADROOM_COL, "<", 0, RED_FILL)
    shade(book, sheet, OVERDUE_COL, ">", 0, AMBER_FILL)
    shade_positive(book, sheet, SHORT_COL)
    sums: dict[int, Any] = defaultdict(lambda: Decimal(0))
    for row in rows:
        for col in range(2, len(row)):
            if col != 3 and not isinstance(row[col], str):
                sums[col] += row[col]
    sheet.totals("Total", values=dict(sums))
    _gpu_chart(book, sheet)


def _gpu_chart(book: WorkbookWriter, sheet: SheetWriter) -> None:
    """A native Excel column chart under the table: GPUs committed, delivered, expected and
    overdue per site."""
    first, last, header = sheet.first_data_row, sheet.last_data_row, sheet.header_row
    if first is None or last is None or header is None:
        return
    chart = book.book.add_chart({"type": "column"})
    for col in (8, 9, 10, 11):
        chart.add_series(
            {
                "name": [sheet.name, header, col],
                "categories": [sheet.name, first, 0, last, 0],
                "values": [sheet.name, first, col, last, col],
            }
        )
    chart.set_title({"name": "GPUs per site"})
    chart.set_y_axis({"name": "GPUs", "num_format": "#,##0"})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 960, "height": 360})
    sheet.ws.insert_chart(sheet.row + 1, 0, chart)


# --- Pegging -----------------------------------------------------------------------------


def pegging_rows(pic: Picture) -> list[list[Any]]:
    """Each binding contract's lines (which GPUs serve it, secured or late), then what it is
    still short of."""
    world = pic.world
    rows: list[list[Any]] = []
    for c in pic.contracts.values():
        if not c.binding:
            continue
        head = [c.ref, c.customer, c.site, gpu_model_words(c.gpu_model), c.need_by]
        for peg in c.pegs:
            line = pic.line(peg.line_id)
            vendor = world.vendor_name(line.vendor_id) if line else None
            sku = world.products[line.product_id].sku if line else None
            rows.append(
                [
                    *head,
                    peg.po_number,
                    peg.line_no,
                    vendor,
                    sku,
                    peg.gpus,
                    peg.date,
                    SECURED if peg.secured else LATE,
                ]
            )
        if c.shortfall > 0:
            rows.append([*head, None, None, None, None, c.shortfall, None, SHORT])
    return rows


def _pegging_sheet(book: WorkbookWriter, heading: str, pic: Picture) -> None:
    sheet = titled_sheet(
        book,
        "Pegging",
        PEGGING_COLUMNS,
        f"Pegging: the order lines serving each contract {heading}",
        (
            "At each site binding contracts take GPUs of their model in order of need-by "
            "date, earliest-dated first; secured: dated on or before the contract's need-by "
            "date; late: dated after it. Overdue and undated GPUs serve no contract.",
        ),
    )
    write_table(sheet, pegging_rows(pic))
    shade_words(book, sheet, 11, {LATE: AMBER_FILL, SHORT: RED_FILL})


# --- PPAs --------------------------------------------------------------------------------


def _ppas_sheet(
    book: WorkbookWriter, heading: str, ppas: Sequence[dict[str, Any]], pic: Picture
) -> None:
    as_of = pic.as_of
    sheet = titled_sheet(
        book,
        "PPAs",
        PPA_COLUMNS,
        f"Power purchase agreements {heading}",
        (
            "Current price: the base price escalated on every anniversary of the start date "
            f"up to {as_of.isoformat()} (an indexed PPA's price as entered).",
        ),
    )
    priced = {p.ref: p for p in pic.world.ppas}
    rows = []
    for p in ppas:
        deadline = notice_deadline(p["end_date"], p["notice_days"])
        found = priced.get(p["ppa_ref"])
        rows.append(
            [
                p["ppa_ref"],
                p["counterparty"],
                p["site"],
                p["capacity_mw"],
                p["start_date"],
                p["end_date"],
                words(p["structure"]),
                p["price_per_mwh"],
                p["escalation_pct"],
                ppa_price(found, as_of) if found else None,
                p["currency"],
                p["renewable_pct"],
                p["take_or_pay_pct"],
                p["notice_days"],
                deadline,
                (deadline - as_of).days,
            ]
        )
    write_table(sheet, rows, ppas)
    shade(book, sheet, DAYS_TO_DEADLINE_COL, "<", 0, RED_FILL)
    sheet.totals("Total", values={3: sum((p["capacity_mw"] for p in ppas), Decimal(0))})


# --- Alerts ------------------------------------------------------------------------------


def alert_row(a: Alert) -> list[Any]:
    return [words(a.severity), words(a.rule), a.subject, a.site, a.message, a.key]


def _alerts_sheet(
    book: WorkbookWriter, heading: str, open_alerts: Sequence[Alert], hidden: int
) -> None:
    note = f"{len(open_alerts)} open alerts"
    if hidden:
        note += f"; {hidden} acknowledged and hidden (rackbook alerts --all lists them)"
    sheet = titled_sheet(
        book, "Alerts", ALERT_COLUMNS, f"Open supply-risk alerts {heading}", (note,)
    )
    write_table(sheet, [alert_row(a) for a in open_alerts])
    shade_words(book, sheet, 0, SEVERITY_FILLS)


def export_alert_list(
    session: Session, book: WorkbookWriter, *, as_of: dt.date, database_name: str
) -> int:
    """The open alerts as a plain list (the fields of ``alerts --json``, in words)."""
    found = alert_rules.visible_alerts(session, as_of)
    book.total_rows = len(found)
    book.heading = f"as of {as_of.isoformat()} — database {database_name}"
    columns = [
        Column("Key"),
        Column("Rule"),
        Column("Severity"),
        Column("Subject"),
        Column("Site"),
        Column("Message", wrap=True, wrap_width=80),
        Column("Figure", "decimal"),
    ]
    sheet = book.add_sheet("Alerts", columns)
    rows = [
        [a.key, words(a.rule), words(a.severity), a.subject, a.site, a.message, a.figure]
        for a in found
    ]
    write_table(sheet, rows)
    shade_words(book, sheet, 2, SEVERITY_FILLS)
    return len(found)


# --- Vendors -----------------------------------------------------------------------------


def _share_pct(share: Decimal | None) -> Decimal | None:
    return None if share is None else share * 100


# What the scorecard measures of a vendor, and of a vendor's sku.
_DELIVERY_COLUMNS = (
    Column("Units received", "int", total=True),
    Column("Units on time", "int", total=True),
    Column("Units overdue", "int", total=True),
    Column("On time", "percent"),
    Column("Median slip (days)", "decimal"),
)


def _open_value_column(currency: str) -> Column:
    return Column(f"Open order value ({currency})", "money", currency=currency, total=True)


def vendor_columns(currency: str) -> tuple[Column, ...]:
    return (Column("Vendor"), *_DELIVERY_COLUMNS, _open_value_column(currency))


def sku_columns(currency: str) -> tuple[Column, ...]:
    return (
        Column("Vendor"),
        Column("SKU"),
        *_DELIVERY_COLUMNS,
        Column("Newest quoted lead time (days)", "int"),
        Column("Median actual lead time (days)", "decimal"),
        _open_value_column(currency),
    )


def _vendors_sheet(book: WorkbookWriter, heading: str, card: scorecard.Scorecard) -> None:
    currency = card.reporting_currency
    sheet = titled_sheet(
        book,
        "Vendors",
        vendor_columns(currency),
        f"Vendor scorecard {heading}",
        (
            "On time: units received by their line's first commitment ÷ (units received + "
            "units overdue now): an overdue line makes its vendor late today. Slip: receipt, "
            "today if overdue, else the current date − first commitment.",
            "Lead times are per SKU only (the table below), never mixed across SKUs.",
        ),
    )
    vendor_rows = [
        [
            s.vendor,
            s.units_received,
            s.units_on_time,
            s.units_overdue,
            _share_pct(s.on_time_share),
            s.median_slip_days,
            s.open_value,
        ]
        for s in card.vendors
    ]
    sku_rows = [
        [
            s.vendor,
            s.sku,
            s.units_received,
            s.units_on_time,
            s.units_overdue,
            _share_pct(s.on_time_share),
            s.median_slip_days,
            s.newest_lead_days,
            s.median_actual_lead_days,
            s.open_value,
        ]
        for s in card.skus
    ]
    sheet.measure(sku_rows, sku_columns(currency))
    write_table(sheet, vendor_rows)
    shade_positive(book, sheet, 3)
    sheet.totals("Total", values=_column_sums(vendor_rows, (1, 2, 3, 6)))
    sheet.table(set_apart(sku_columns(currency)), title="Per vendor and SKU", main=True)
    write_table(sheet, sku_rows)
    shade_positive(book, sheet, 4)
    sheet.totals("Total", values=_column_sums(sku_rows, (2, 3, 4, 9)))


def _column_sums(rows: Sequence[Sequence[Any]], cols: Sequence[int]) -> dict[int, Any]:
    return {col: sum((r[col] for r in rows), Decimal(0)) for col in cols}
