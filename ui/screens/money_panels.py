"""Money in the detail tabs: a contract's margin (first month and term total), a site's
take-or-pay months, an order line's payment milestones. Each shows what the service says
(``services.margins``, ``services.cash``): no rule is worked out here.
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from services.cash import LineMilestone, LineSchedule
from services.margins import ContractMoney, SiteMoney
from ui import format as fmt
from ui.screens.table_views import table_view
from ui.tables.model import PlainTableModel

UNKNOWN = "unknown (see below)"
CENT = Decimal("0.01")


def money_or_unknown(value: Decimal | None, currency: str) -> str:
    """Money in the reporting currency, or "unknown" (a missing rate is never 1:1)."""
    return UNKNOWN if value is None else fmt.money(value.quantize(CENT), currency)


def pct_text(value: Decimal | None) -> str:
    return "—" if value is None else f"{fmt.number(value.quantize(CENT))} %"


def measure(value: Decimal) -> str:
    return fmt.number(value.quantize(Decimal("0.01")).normalize())


class _Panel(QWidget):
    def __init__(self, name: str, headers: list[str], waiting: str) -> None:
        super().__init__()
        self.setObjectName(name)
        self.title = QLabel(waiting)
        self.title.setObjectName(f"{name}Title")
        self.title.setWordWrap(True)
        self.model = PlainTableModel(headers, self)
        self.view = table_view(self)
        self.view.setObjectName(f"{name}Table")
        self.view.setModel(self.model)
        self.note = QLabel("")
        self.note.setObjectName(f"{name}Note")
        self.note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.title)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.note)
        self._waiting = waiting

    def clear(self, text: str = "") -> None:
        self.title.setText(text or self._waiting)
        self.model.set_rows([])
        self.note.setText("")

    def cell(self, row: int, column: int) -> str:
        return str(self.model.index(row, column).data() or "")


class ContractMarginPanel(_Panel):
    """Revenue, power cost, hardware cost, margin and margin % of one contract: its first
    month and its whole term, in the reporting currency."""

    ROWS = ("Revenue", "Power cost", "Hardware cost", "Margin", "Margin %")

    def __init__(self) -> None:
        super().__init__(
            "contractMargin",
            ["", "First month", "Whole term"],
            "Select a signed or active contract to see its margin.",
        )
        self.figures: ContractMoney | None = None

    def show_margin(self, figures: ContractMoney | None, ref: str) -> None:
        self.figures = figures
        if figures is None:
            self.clear(f"{ref} does not bind (draft, expired or terminated): no margin.")
            return
        cur = figures.currency
        self.title.setText(
            f"{figures.ref} at {figures.site}, in {cur}: first month {figures.first.month:%B %Y}"
            " and the whole term (a partial month counts by its days)"
        )
        rows = []
        for label, first, term in (
            ("Revenue", figures.first.revenue, figures.term.revenue),
            ("Power cost", figures.first.power_cost, figures.term.power_cost),
            ("Hardware cost", figures.first.hardware_cost, figures.term.hardware_cost),
            ("Margin", figures.first.margin, figures.term.margin),
        ):
            rows.append((label, money_or_unknown(first, cur), money_or_unknown(term, cur)))
        rows.append(
            ("Margin %", pct_text(figures.first.margin_pct), pct_text(figures.term.margin_pct))
        )
        self.model.set_rows(rows)
        self.view.resizeColumnsToContents()
        notes = [
            "Power: IT MW × site PUE × 730 h × the site's blended energy price. Hardware: "
            "the pegged lines' value spread over the depreciation months."
        ]
        if figures.uncovered_mw > 0:
            notes.append(
                f"{measure(figures.uncovered_mw)} MW at the site run beyond its PPA cover with "
                "no merchant price set: priced at the PPAs' price (set one in Settings)."
            )
        notes.extend(f"Unknown: {reason}." for reason in figures.unknown)
        self.note.setText("\n".join(notes))


class SiteTakeOrPayPanel(_Panel):
    """A site's months of the take-or-pay horizon: power required against its PPAs'
    minimum take, the idle MW paid for and unused, what they cost, and the site's margin."""

    def __init__(self) -> None:
        super().__init__(
            "siteTakeOrPay",
            ["Month", "Required MW", "Min take MW", "Idle MW", "Idle cost", "Margin"],
            "Select a site to see its take-or-pay exposure.",
        )
        self.figures: SiteMoney | None = None

    def show_site(self, figures: SiteMoney) -> None:
        self.figures = figures
        cur = figures.currency
        idle = figures.idle_months
        if not figures.ppas:
            head = f"{figures.site}: no PPA with a take-or-pay share"
        elif idle:
            total = figures.idle_cost
            head = (
                f"{figures.site}: pays for unused power in {len(idle)} of the next "
                f"{len(figures.months)} months, "
                + (f"{money_or_unknown(total, cur)} in all" if total is not None else "unknown")
            )
        else:
            head = f"{figures.site}: power required covers the PPAs' minimum take every month"
        self.title.setText(head)
        self.model.set_rows(
            (
                f"{m.month:%b %Y}",
                measure(m.required_mw),
                measure(m.min_take_mw),
                measure(m.idle_mw),
                money_or_unknown(m.idle_cost, cur),
                money_or_unknown(m.margin, cur),
            )
            for m in figures.months
        )
        self.view.resizeColumnsToContents()
        notes = [
            f"{p.ppa_ref}: {measure(p.capacity_mw)} MW × {measure(p.take_or_pay_pct)} % = "
            f"{measure(p.min_take_mw)} MW paid for whatever is used, "
            f"{fmt.date(p.start_date)} to {fmt.date(p.end_date)}"
            for p in figures.ppas
        ]
        notes.extend(figures.unknown)
        self.note.setText("\n".join(notes))


class LineMilestonesPanel(_Panel):
    """What an order line pays and when: its schedule's milestones, each with its event's
    date, the day it falls due, its amount and whether it is paid."""

    def __init__(self) -> None:
        super().__init__(
            "lineMilestones",
            ["Milestone", "Event date", "Due", "Amount", "In reporting currency", "State"],
            "Select an order line to see its payment milestones.",
        )
        self.schedule: LineSchedule | None = None

    def show_schedule(self, schedule: LineSchedule, reporting: str) -> None:
        self.schedule = schedule
        whose = {"order": "its order's", "vendor": "its vendor's", "default": "the default"}
        self.title.setText(
            f"{schedule.ref} pays by {whose[schedule.source]} schedule: {schedule.schedule}"
        )
        if schedule.problem:
            self.model.set_rows([])
            self.note.setText(f"The schedule cannot be read: {schedule.problem}")
            return
        if not schedule.counts:
            self.model.set_rows([])
            self.note.setText("A draft or cancelled line pays nothing.")
            return

        def state(m: LineMilestone) -> str:
            if m.paid:
                return "paid"
            if m.overdue:
                return "overdue (due now: its event has not happened)"
            return "undated (no date for its event yet)" if m.due is None else "to pay"

        self.model.set_rows(
            (
                m.milestone,
                fmt.date(m.event_date) or "—",
                fmt.date(m.due) or "undated",
                fmt.money(m.amount.quantize(CENT), m.currency),
                "no rate"
                if m.amount_reporting is None
                else fmt.money(m.amount_reporting.quantize(CENT), reporting),
                state(m),
            )
            for m in schedule.milestones
        )
        self.view.resizeColumnsToContents()
        self.note.setText(
            "Paid: due before today and its event happened (payments themselves are not "
            "recorded yet)."
        )
