"""The contract summary management asks for (``export contracts``, DESIGN.md §6), and the
alert list.

Every figure comes from :mod:`services.figures`, :mod:`services.alerts` and
:mod:`services.scorecard` — computed once from one snapshot of the records — so the workbook
says exactly what the window and ``rackbook alerts`` say. Per-row figures are written as
values (the workbook reads right in any viewer, recalculating or not); totals rows are live
``SUM`` formulas (``SUMIF`` per currency where contracts are priced in several currencies,
since adding dollars to euros means nothing), with their values cached for viewers that do not
recalculate.

Sheets: ``Contracts`` (one row per customer contract, its value, GPUs secured by the
allocation rule, shortfall, notice deadline and open alerts in words), ``Sites`` (grid and PPA
MW, MW required × PUE, headroom, GPUs committed, delivered and expected in the next 6 months),
``PPAs`` (notice deadlines and the escalated price in force), ``Alerts`` (the open alerts),
``Vendors`` (the scorecard).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from domain.contracts import notice_deadline
from domain.money import ppa_price
from domain.picture import ContractFigures, SiteFigures
from domain.power import Ppa
from domain.world import World
from services import alerts as alert_rules
from services import figures, records, scorecard
from services.alerts import Alert
from services.exporting.cells import Column, SheetWriter, WorkbookWriter

TITLE_SIZE = 14
MW_FORMAT = "#,##0.00"
RED_FILL = "#F4CCCC"
AMBER_FILL = "#FCE5CD"

CONTRACT_COLUMNS = (
    Column("Contract"),
    Column("Customer"),
    Column("Site"),
    Column("Service"),
    Column("Status"),
    Column("Start", "date"),
    Column("End", "date"),
    Column("Term (months)", "decimal", num_format="0.0#"),
    Column("Committed GPUs", "int", total=True),
    Column("Committed MW", "decimal", total=True, num_format=MW_FORMAT),
    Column("Price", "money", currency_from="currency"),
    Column("Price unit"),
    Column("Currency"),
    Column("Monthly value", "money", currency_from="currency"),
    Column("Total contract value", "money", currency_from="currency"),
    Column("GPUs secured", "int", total=True),
    Column("Shortfall", "int", total=True),
    Column("Notice deadline", "date"),
    Column("Alerts", wrap=True, wrap_width=45),
)
MONTHLY_COL, TCV_COL, CURRENCY_COL = 13, 14, 12
SHORTFALL_COL = 16

SITE_COLUMNS = (
    Column("Site"),
    Column("Status"),
    Column("Grid MW", "decimal", total=True, num_format=MW_FORMAT),
    Column("PUE", "decimal", num_format="0.00"),
    Column(
        "PPA MW",
        "decimal",
        total=True,
        num_format=MW_FORMAT,
        comment="PPAs running on the as-of day",
    ),
    Column(
        "MW required",
        "decimal",
        total=True,
        num_format=MW_FORMAT,
        comment="Committed MW of contracts running on the as-of day × PUE",
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
        comment="Grid MW − peak MW required",
    ),
    Column("GPUs committed", "int", total=True),
    Column("GPUs delivered", "int", total=True),
    Column("GPUs expected (6 months)", "int", total=True),
    Column("GPUs short", "int", total=True),
)
HEADROOM_COL = 7

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
    Column("Message", wrap=True, wrap_width=90),
    Column("Key"),
)

VENDOR_COLUMNS = (
    Column("Vendor"),
    Column("Units received", "int", total=True),
    Column("Units on time", "int", total=True),
    Column("Units overdue", "int", total=True),
    Column("On time", "percent"),
    Column("Median slip (days)", "decimal"),
    Column("Open order value", "money"),
)


def export_summary(
    session: Session, book: WorkbookWriter, *, as_of: dt.date, database_name: str
) -> int:
    """Write the contract summary into ``book``; returns the number of contract rows."""
    pic = figures.picture(session, as_of)
    snapshot = pic.world
    contracts = pic.contracts
    sites = list(pic.sites.values())
    every_alert = alert_rules.apply_acknowledgements(
        alert_rules.evaluate_picture(pic),
        alert_rules.acknowledgements(session),
        as_of,
    )
    open_alerts = [a for a in every_alert if not a.hidden]
    scores = scorecard.compute_scorecard(snapshot, as_of).vendors
    ppas = records.list_records(session, "ppas")
    book.total_rows = len(contracts) + len(sites) + len(ppas) + len(open_alerts) + len(scores)

    heading = f"as of {as_of.isoformat()} — database {database_name}"
    _contracts_sheet(book, heading, contracts, open_alerts, snapshot)
    _sites_sheet(book, heading, sites)
    _ppas_sheet(book, heading, ppas, as_of)
    _alerts_sheet(book, heading, open_alerts, hidden=len(every_alert) - len(open_alerts))
    _vendors_sheet(book, heading, scores, snapshot.settings.reporting_currency)
    return len(contracts)


# --- Contracts ---------------------------------------------------------------------------


def alerts_by_contract(
    open_alerts: Sequence[Alert], contracts: dict[str, ContractFigures]
) -> dict[str, list[str]]:
    """Each contract's open alerts in a few words (the Alerts sheet has the full messages)."""
    words: dict[str, list[str]] = defaultdict(list)
    for alert in open_alerts:
        refs = {alert.subject, *alert.related} & contracts.keys()
        for ref in sorted(refs):
            words[ref].append(alert_words(alert, contracts[ref]))
    return words


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
    else:
        text = alert.rule.replace("_", " ")
    return f"{alert.severity}: {text}"


def _mw(value: Decimal) -> str:
    return f"{value.normalize():f} MW"


def _sheet(book: WorkbookWriter, name: str, columns: Sequence[Column], title: str) -> SheetWriter:
    sheet = book.add_sheet(name, columns)
    sheet.title(title, size=TITLE_SIZE)
    return sheet


def _contracts_sheet(
    book: WorkbookWriter,
    heading: str,
    contracts: dict[str, ContractFigures],
    open_alerts: Sequence[Alert],
    snapshot: World,
) -> None:
    sheet = _sheet(book, "Contracts", CONTRACT_COLUMNS, f"Contract summary {heading}")
    buffer = snapshot.settings.install_buffer_days
    sheet.title(
        f"GPUs secured: each site's GPU supply as of each contract's need-by date (start − "
        f"{buffer} days), served in order of start date. Values are in each contract's currency.",
        bold=False,
    )
    sheet.skip()
    sheet.header()
    words = alerts_by_contract(open_alerts, contracts)
    by_currency: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    sums: dict[int, Any] = defaultdict(lambda: Decimal(0))
    for c in contracts.values():
        sheet.write_row(
            (
                c.ref,
                c.customer,
                c.site,
                c.service,
                c.status,
                c.start_date,
                c.end_date,
                c.term_months,
                c.committed_gpus,
                c.committed_mw,
                c.price,
                c.price_unit,
                c.currency,
                c.monthly_value,
                c.tcv,
                c.gpus_secured,
                c.shortfall,
                c.notice_deadline,
                "\n".join(words.get(c.ref, [])) or None,
            ),
            {"currency": c.currency},
        )
        by_currency[c.currency][0] += c.monthly_value
        by_currency[c.currency][1] += c.tcv
        sums[8] += c.committed_gpus
        sums[9] += c.committed_mw or 0
        sums[15] += c.gpus_secured
        sums[16] += c.shortfall
    _shade_positive(book, sheet, SHORTFALL_COL)
    currencies = sorted(by_currency)
    if len(currencies) <= 1:
        only = currencies[0] if currencies else None
        money = {MONTHLY_COL: by_currency[only][0], TCV_COL: by_currency[only][1]} if only else {}
        sheet.totals(
            "Total",
            columns=[8, 9, 15, 16, MONTHLY_COL, TCV_COL],
            values={**sums, **money},
            currency=only,
        )
        return
    sheet.totals("Total", columns=[8, 9, 15, 16], values=dict(sums))
    for code in currencies:
        monthly, tcv = by_currency[code]
        sheet.totals(
            f"Total {code}",
            columns=[MONTHLY_COL, TCV_COL],
            condition=(CURRENCY_COL, code),
            values={MONTHLY_COL: monthly, TCV_COL: tcv},
            currency=code,
        )


def _shade_positive(book: WorkbookWriter, sheet: SheetWriter, col: int) -> None:
    first, last = sheet.first_data_row, sheet.last_data_row
    if first is None or last is None:
        return
    sheet.ws.conditional_format(
        first,
        col,
        last,
        col,
        {"type": "cell", "criteria": ">", "value": 0, "format": _fill(book, RED_FILL)},
    )


def _fill(book: WorkbookWriter, color: str) -> Any:
    # Conditional formats need their own (differential) format objects.
    return book.book.add_format({"bg_color": color})


# --- Sites -------------------------------------------------------------------------------


def _sites_sheet(book: WorkbookWriter, heading: str, sites: Sequence[SiteFigures]) -> None:
    sheet = _sheet(book, "Sites", SITE_COLUMNS, f"Sites {heading}")
    sheet.skip()
    sheet.header()
    sums: dict[int, Any] = defaultdict(lambda: Decimal(0))
    for s in sites:
        values = (
            s.name,
            s.status,
            s.grid_mw,
            s.pue,
            s.ppa_mw,
            s.mw_required,
            s.mw_required_peak,
            s.headroom_mw,
            s.gpus_committed,
            s.gpus_delivered,
            s.gpus_expected,
            s.gpus_short,
        )
        sheet.write_row(values)
        for col in range(2, len(values)):
            if col != 3 and values[col] is not None:
                sums[col] += values[col]
    first, last = sheet.first_data_row, sheet.last_data_row
    if first is not None and last is not None:
        sheet.ws.conditional_format(
            first,
            HEADROOM_COL,
            last,
            HEADROOM_COL,
            {"type": "cell", "criteria": "<", "value": 0, "format": _fill(book, RED_FILL)},
        )
    _shade_positive(book, sheet, 11)
    sheet.totals("Total", values=dict(sums))
    _gpu_chart(book, sheet)


def _gpu_chart(book: WorkbookWriter, sheet: SheetWriter) -> None:
    """A native Excel column chart under the table: GPUs committed, delivered and expected."""
    first, last, header = sheet.first_data_row, sheet.last_data_row, sheet.header_row
    if first is None or last is None or header is None:
        return
    chart = book.book.add_chart({"type": "column"})
    for col in (8, 9, 10):
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


# --- PPAs --------------------------------------------------------------------------------


def _ppas_sheet(
    book: WorkbookWriter, heading: str, ppas: Sequence[dict[str, Any]], as_of: dt.date
) -> None:
    sheet = _sheet(book, "PPAs", PPA_COLUMNS, f"Power purchase agreements {heading}")
    sheet.title(
        "Current price: the base price escalated on every anniversary of the start date "
        f"up to {as_of.isoformat()}.",
        bold=False,
    )
    sheet.skip()
    sheet.header()
    capacity = Decimal(0)
    for p in ppas:
        deadline = notice_deadline(p["end_date"], p["notice_days"])
        current = ppa_price(
            Ppa(
                p["ppa_ref"],
                0,
                p["capacity_mw"],
                p["start_date"],
                p["end_date"],
                price_per_mwh=p["price_per_mwh"],
                structure=p["structure"],
                escalation_pct=p["escalation_pct"],
            ),
            as_of,
        )
        sheet.write_row(
            (
                p["ppa_ref"],
                p["counterparty"],
                p["site"],
                p["capacity_mw"],
                p["start_date"],
                p["end_date"],
                p["structure"],
                p["price_per_mwh"],
                p["escalation_pct"],
                current,
                p["currency"],
                p["renewable_pct"],
                p["take_or_pay_pct"],
                p["notice_days"],
                deadline,
                (deadline - as_of).days,
            ),
            p,
        )
        capacity += p["capacity_mw"]
    first, last = sheet.first_data_row, sheet.last_data_row
    if first is not None and last is not None:
        sheet.ws.conditional_format(
            first,
            DAYS_TO_DEADLINE_COL,
            last,
            DAYS_TO_DEADLINE_COL,
            {"type": "cell", "criteria": "<", "value": 0, "format": _fill(book, RED_FILL)},
        )
    sheet.totals("Total", values={3: capacity})


# --- Alerts ------------------------------------------------------------------------------


def _alerts_sheet(
    book: WorkbookWriter, heading: str, open_alerts: Sequence[Alert], hidden: int
) -> None:
    sheet = _sheet(book, "Alerts", ALERT_COLUMNS, f"Open supply-risk alerts {heading}")
    note = f"{len(open_alerts)} open alerts"
    if hidden:
        note += f"; {hidden} acknowledged and hidden (rackbook alerts --all lists them)"
    sheet.title(note, bold=False)
    sheet.skip()
    sheet.header()
    for a in open_alerts:
        sheet.write_row((a.severity, a.rule, a.subject, a.site, a.message, a.key))
    _shade_severity(book, sheet, 0)


def _shade_severity(book: WorkbookWriter, sheet: SheetWriter, col: int) -> None:
    first, last = sheet.first_data_row, sheet.last_data_row
    if first is None or last is None:
        return
    for word, color in (("critical", RED_FILL), ("warning", AMBER_FILL)):
        sheet.ws.conditional_format(
            first,
            col,
            last,
            col,
            {
                "type": "cell",
                "criteria": "==",
                "value": f'"{word}"',
                "format": _fill(book, color),
            },
        )


def export_alert_list(session: Session, book: WorkbookWriter, *, as_of: dt.date) -> int:
    """The open alerts as a plain list (the fields of ``alerts --json``)."""
    found = alert_rules.visible_alerts(session, as_of)
    book.total_rows = len(found)
    columns = [
        Column("key"),
        Column("rule"),
        Column("severity"),
        Column("subject"),
        Column("site"),
        Column("message", wrap=True, wrap_width=90),
        Column("figure", "decimal"),
    ]
    sheet = book.add_sheet("Alerts", columns)
    sheet.header()
    for a in found:
        sheet.write_row((a.key, a.rule, a.severity, a.subject, a.site, a.message, a.figure))
    _shade_severity(book, sheet, 2)
    return len(found)


# --- Vendors -----------------------------------------------------------------------------


def _vendors_sheet(
    book: WorkbookWriter,
    heading: str,
    scores: Sequence[scorecard.VendorScore],
    reporting_currency: str,
) -> None:
    columns = [
        c if c.type != "money" else Column(c.header, "money", currency=reporting_currency)
        for c in VENDOR_COLUMNS
    ]
    columns[6] = Column(
        f"Open order value ({reporting_currency})",
        "money",
        currency=reporting_currency,
        total=True,
    )
    sheet = _sheet(book, "Vendors", columns, f"Vendor scorecard {heading}")
    sheet.title(
        "On time: units received by their line's first commitment ÷ (units received + units "
        "overdue now). Slip: receipt, today if overdue, else the current date − first "
        "commitment.",
        bold=False,
    )
    sheet.skip()
    sheet.header()
    sums: dict[int, Any] = defaultdict(lambda: Decimal(0))
    for s in scores:
        sheet.write_row(
            (
                s.vendor,
                s.units_received,
                s.units_on_time,
                s.units_overdue,
                s.on_time_pct,
                s.median_slip_days,
                s.open_value,
            )
        )
        sums[1] += s.units_received
        sums[2] += s.units_on_time
        sums[3] += s.units_overdue
        sums[6] += s.open_value
    sheet.totals("Total", values=dict(sums))
