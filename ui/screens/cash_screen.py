"""Cash: the money the open orders need, month by month, against what the contracts bring in.

Cash out per month (payment milestones not yet paid, in the reporting currency) stacked by
vendor or by site, with the binding contracts' revenue drawn over it, for the next months
(18 by default), narrowed to a vendor, a site or fewer months; below it the rows behind the
chart, as ``cash --json`` gives them. Every figure is ``services.cash``'s.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from services.cash import CashChart, cash_json
from ui import format as fmt
from ui.charts import BLUE, GREEN, GREY, ORANGE, PURPLE, Chart
from ui.context import AppContext
from ui.screens.figure_screen import FigureScreen
from ui.screens.table_views import table_view
from ui.tables.model import PlainTableModel

REVENUE = "Contract revenue"
COLOURS = (BLUE, ORANGE, PURPLE, GREY, "#00838f", "#8d6e63", "#ad1457", "#9e9d24")
OTHERS = "Others"
# Stacks beyond these share one bar part, so the legend stays readable.
MOST_STACKS = 7
ALL = ""
MILLION = Decimal(1_000_000)


class CashScreen(FigureScreen):
    error_title = "Rackbook — Cash"

    def __init__(
        self, context: AppContext, parent: QWidget | None = None, as_of: dt.date | None = None
    ) -> None:
        super().__init__(context, "screen_cash", parent, as_of)
        self.figures: CashChart | None = None
        self.title = QLabel("Cash out")
        self.title.setObjectName("screenTitle")
        self.by_vendor = QRadioButton("Vendor")
        self.by_vendor.setObjectName("byVendor")
        self.by_vendor.setChecked(True)
        self.by_site = QRadioButton("Site")
        self.by_site.setObjectName("bySite")
        self.by_group = QButtonGroup(self)
        self.by_group.addButton(self.by_vendor)
        self.by_group.addButton(self.by_site)
        self.by_vendor.toggled.connect(lambda _on: self.refresh())
        self.vendor_choice = QComboBox()
        self.vendor_choice.setObjectName("cashVendor")
        self.vendor_choice.setMinimumContentsLength(16)
        self.site_choice = QComboBox()
        self.site_choice.setObjectName("cashSite")
        self.site_choice.setMinimumContentsLength(16)
        for combo, word in ((self.vendor_choice, "vendors"), (self.site_choice, "sites")):
            combo.addItem(f"All {word}", ALL)
            combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.months = QSpinBox()
        self.months.setObjectName("cashMonths")
        self.months.setRange(1, 120)
        self.months.setValue(18)
        self.months.setSuffix(" months")
        self.months.valueChanged.connect(lambda _v: self.refresh())
        head = QHBoxLayout()
        head.addWidget(QLabel("Stack by:"))
        head.addWidget(self.by_vendor)
        head.addWidget(self.by_site)
        head.addSpacing(12)
        for text, control in (
            ("&Vendor:", self.vendor_choice),
            ("S&ite:", self.site_choice),
            ("&Next:", self.months),
        ):
            label = QLabel(text)
            label.setBuddy(control)
            control.setAccessibleName(text.replace("&", "").rstrip(":"))
            head.addWidget(label)
            head.addWidget(control, 0 if control is self.months else 1)
        self.months.lineEdit().setAccessibleName("Months ahead")
        self.chart = Chart(
            "Cash out against contract revenue", dates=False, y_label="millions", legend_below=True
        )
        self.chart.setObjectName("cashChart")
        self.note = QLabel("")
        self.note.setObjectName("cashNote")
        self.note.setWordWrap(True)
        self.rows_model = PlainTableModel(
            ["Month", "Vendor", "Site", "Currency", "Amount", "In reporting currency", "Lines"],
            self,
        )
        self.rows_view = table_view(self)
        self.rows_view.setObjectName("cashRows")
        self.rows_view.setAccessibleName("Payments due, per month, vendor and site")
        self.rows_view.setModel(self.rows_model)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 4)
        layout.addWidget(self.title)
        layout.addLayout(head)
        layout.addWidget(self.chart, 3)
        layout.addWidget(self.note)
        layout.addWidget(self.rows_view, 2)

    # --- the screen protocol of the main window ------------------------------------------

    def refresh(self) -> None:
        from services import cash, lists

        by = "site" if self.by_site.isChecked() else "vendor"
        vendor = self.vendor_choice.currentData() or None
        site = self.site_choice.currentData() or None
        months, as_of = self.months.value(), self.as_of

        def work(session: Any) -> tuple[CashChart, Any]:
            found = cash.cash_chart(session, as_of, by=by, vendor=vendor, site=site, months=months)
            return found, lists.reference_names(session)

        self.read(work, lambda found: self.show_cash(*found))

    def save_state(self) -> None:
        settings = self.context.settings
        settings.setValue("cash/by", "site" if self.by_site.isChecked() else "vendor")
        settings.setValue("cash/months", self.months.value())

    def restore_state(self) -> None:
        settings = self.context.settings
        for widget in (self.by_site, self.months):
            widget.blockSignals(True)
        if str(settings.value("cash/by", "vendor")) == "site":
            self.by_site.setChecked(True)
        try:
            self.months.setValue(int(str(settings.value("cash/months", 18) or 18)))
        except (TypeError, ValueError):
            self.months.setValue(18)
        for widget in (self.by_site, self.months):
            widget.blockSignals(False)

    # --- drawing -------------------------------------------------------------------------

    @staticmethod
    def _fill(combo: QComboBox, names: list[str]) -> None:
        wanted = combo.currentData()
        combo.blockSignals(True)
        while combo.count() > 1:
            combo.removeItem(1)
        for name in names:
            combo.addItem(name, name)
        combo.setCurrentIndex(max(combo.findData(wanted), 0))
        combo.blockSignals(False)

    def show_cash(self, figures: CashChart, names: Any = None) -> None:
        self.figures = figures
        if names is not None:
            self._fill(self.vendor_choice, list(names.vendors))
            self._fill(self.site_choice, list(names.sites))
        cur = figures.currency
        self.title.setText(
            f"Cash out — next {len(figures.months)} months from {fmt.date(figures.as_of)}, in {cur}"
        )
        labels = [f"{m:%b %y}" for m in figures.months]
        chart = self.chart
        chart.clear()
        stacks = list(figures.stacks.items())
        if len(stacks) > MOST_STACKS:
            rest = stacks[MOST_STACKS - 1 :]
            summed = [
                sum((values[i] for _, values in rest), Decimal(0)) for i in range(len(labels))
            ]
            stacks = [*stacks[: MOST_STACKS - 1], (OTHERS, summed)]
        # Drawn in millions of the reporting currency (the axis reads 40, not 4e+07).
        chart.plot.setLabel("left", f"millions of {cur}")
        chart.stacked_bars(
            labels,
            [
                (name, [v / MILLION for v in values], COLOURS[i % len(COLOURS)])
                for i, (name, values) in enumerate(stacks)
            ],
        )
        chart.category_line(REVENUE, labels, [v / MILLION for v in figures.revenue], GREEN)
        chart.plot.enableAutoRange(axis="y")
        totals = figures.totals()
        short = [labels[i] for i, t in enumerate(totals) if t > figures.revenue[i]]
        chart.set_title(
            "Cash out by "
            + figures.by
            + " against contract revenue"
            + (f" — cash out above revenue in {len(short)} months" if short else "")
        )
        notes = [
            f"Total cash out {fmt.money(sum(totals, Decimal(0)), cur)}; contract revenue "
            f"{fmt.money(sum(figures.revenue, Decimal(0)), cur)} (signed and active contracts, "
            "days in their term)."
        ]
        if figures.undated:
            notes.append(
                f"Undated, not in the bars: {fmt.money(figures.undated, cur)} (no ETA nor "
                "promised date yet)."
            )
        if any(r.overdue for r in figures.cash.rows):
            notes.append(
                "The first month holds overdue milestones: past due while their event has "
                "not happened."
            )
        notes.extend(f"Not counted: {m}." for m in figures.missing)
        notes.extend(f"Not counted: {why}" for why in figures.cash.unreadable.values())
        self.note.setText(" ".join(notes))
        rows = cash_json(figures.cash)
        self.rows_model.set_rows(
            (
                r["month"] or "undated",
                r["vendor"],
                r["site"],
                r["currency"],
                fmt.money(_decimal(r["amount"])) + (" (overdue)" if r["overdue"] else ""),
                "no rate"
                if r["amount_reporting"] is None
                else fmt.money(_decimal(r["amount_reporting"])),
                ", ".join(r["lines"][:6]) + (" …" if len(r["lines"]) > 6 else ""),
            )
            for r in rows
        )
        self.rows_view.resizeColumnsToContents()


def _decimal(text: str) -> Decimal:
    return Decimal(text)
