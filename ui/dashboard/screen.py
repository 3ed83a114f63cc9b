"""The dashboard screen.

One background read (``services.dashboard.dashboard``) brings every figure; the screen only
draws. Clicking a site or a vendor asks the window to filter the lists by it
(``filter_requested(screen, field, value)``); any change to the records marks the screen stale
and it redraws the next time it is shown (at once when it is on screen).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from html import escape

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from domain.statuses import Severity
from services.dashboard import (
    Dashboard,
    SiteSupplySeries,
    SiteTakeOrPay,
    VendorLeadTimes,
    sites_at_risk,
)
from ui import format as fmt
from ui.charts import BLUE, GREEN, GREY, ORANGE, PURPLE, RED, Chart
from ui.context import AppContext
from ui.dashboard.clusters import ClustersAtRisk
from ui.dashboard.tiles import Tile
from ui.screens.figure_screen import FigureScreen
from ui.widgets import screen_title

EXPECTED = "GPUs secured or dated (received + ETAs still ahead)"
OVERDUE = "+ GPUs overdue (at risk, not secured)"
OVERDUE_BAND = "GPUs overdue (at risk, not secured)"
COMMITTED = "GPUs committed to contracts"
SHORTFALL = "Shortfall"
QUOTED = "Quoted lead time"
ACTUAL = "Actual lead time"
GRID = "Grid MW"
REQUIRED = "MW required (peak, committed × PUE)"
PPA = "PPA MW"
MIN_TAKE = "PPA minimum take MW (take-or-pay)"
MARGIN = "Margin this month"
IDLE_COST = "Take-or-pay idle cost"
NO_SUPPLY = "GPU supply against commitments: no site has GPUs yet"
NO_LEAD_TIMES = "Lead times: no quotes or receipts yet"
_ONE_DECIMAL = Decimal("0.1")
CENT = Decimal("0.01")
MILLION = Decimal(1_000_000)
ZERO = Decimal(0)


class DashboardScreen(FigureScreen):
    error_title = "Rackbook — Dashboard"

    # (screen id, field, value): show that list filtered on that value.
    filter_requested = Signal(str, str, str)
    # The alerts screen was asked for (the alerts tile clicked).
    alerts_requested = Signal()
    # A new dashboard has been drawn.
    drawn = Signal()
    # The readiness timeline was asked for, at one deployment ("": as it is).
    readiness_requested = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        # As of today (``as_of`` None): the dashboard is the state of things now.
        super().__init__(context, "screen_dashboard", parent, None)
        self.board: Dashboard | None = None
        self.title = screen_title("Dashboard")
        self.risk_note = QLabel("")
        self.risk_note.setObjectName("riskNote")
        self.risk_note.setWordWrap(True)
        tile_row = self._make_tiles()
        grid = QGridLayout()
        grid.addLayout(self._make_supply(), 0, 0, 1, 3)
        grid.addLayout(self._make_lead_times(), 1, 0)
        self.power_chart, self.power_head, power_box = self._make_bar_chart(
            "Power per site: grid, required, PPA",
            "powerChart",
            "MW",
            "orders",
            "Click a site's bars to see its orders.",
        )
        self.margin_chart, self.margin_head, margin_box = self._make_bar_chart(
            "Margin per site, this month",
            "marginChart",
            "money",
            "contracts",
            "Click a site's bars to see its contracts.",
        )
        grid.addLayout(power_box, 1, 1)
        grid.addLayout(margin_box, 1, 2)
        grid.setColumnStretch(0, 2)
        grid.setColumnStretch(1, 3)
        grid.setColumnStretch(2, 3)
        grid.setRowStretch(0, 3)
        grid.setRowStretch(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 4)
        layout.addWidget(self.title)
        layout.addLayout(tile_row)
        layout.addWidget(self.risk_note)
        layout.addLayout(grid, 1)

    # --- building ------------------------------------------------------------------------

    def _make_tiles(self) -> QHBoxLayout:
        self.tiles = {
            "delivered": Tile("GPUs delivered"),
            "on_order": Tile("GPUs on order"),
            "committed": Tile("GPUs committed"),
            "open_value": Tile("Open order value"),
            "revenue": Tile("Monthly contracted revenue"),
            "power": Tile("MW committed × PUE"),
            "alerts": Tile("Open alerts"),
        }
        self.tiles["alerts"].clicked.connect(self.alerts_requested)
        self.tiles["alerts"].setToolTip("Click to open the alerts")
        row = QHBoxLayout()
        row.setSpacing(6)
        for tile in self.tiles.values():
            row.addWidget(tile, 1)
        return row

    def _make_supply(self) -> QHBoxLayout:
        """The site's supply chart with its choice and buttons, the clusters at risk beside."""
        self.site_choice = QComboBox()
        self.site_choice.setObjectName("siteChoice")
        self.site_choice.setAccessibleName("Site")
        self.site_choice.setMinimumContentsLength(22)
        self.site_choice.currentIndexChanged.connect(lambda _i: self.draw_supply())
        self.site_orders = QPushButton("Show orders of this site")
        self.site_orders.clicked.connect(self._site_orders)
        self.what_if_button = QPushButton("What &if…")
        self.what_if_button.setObjectName("whatIfButton")
        self.what_if_button.setAccessibleName("What if a vendor slips")
        self.what_if_button.setToolTip(
            "What a vendor's, an order's or a line's slip changes: contracts, late credits, "
            "deployments, alerts and this chart (nothing is written)"
        )
        self.what_if_button.clicked.connect(self.what_if)
        self.supply_chart = Chart(
            "GPU supply against commitments, next 24 months", y_label="GPUs", legend_below=True
        )
        self.supply_chart.setObjectName("supplyChart")
        self.supply_chart.clicked.connect(lambda _name: self._site_orders())
        head = QHBoxLayout()
        head.addWidget(QLabel("Site:"))
        head.addWidget(self.site_choice, 1)
        head.addWidget(self.site_orders)
        head.addWidget(self.what_if_button)
        box = QVBoxLayout()
        box.addLayout(head)
        box.addWidget(self.supply_chart, 1)
        self.clusters = ClustersAtRisk()
        self.clusters.readiness_requested.connect(self.readiness_requested)
        row = QHBoxLayout()
        row.addLayout(box, 5)
        row.addWidget(self.clusters, 2)
        return row

    def _make_lead_times(self) -> QVBoxLayout:
        self.vendor_choice = QComboBox()
        self.vendor_choice.setObjectName("vendorChoice")
        self.vendor_choice.setAccessibleName("Vendor and SKU")
        # No "Vendor:" before it: on a laptop the choice needs the room for its name and SKU.
        self.vendor_choice.setToolTip("The vendor and SKU whose lead times the chart shows")
        self.vendor_choice.setMinimumContentsLength(18)
        self.vendor_choice.currentIndexChanged.connect(lambda _i: self.draw_lead_times())
        self.vendor_orders = QPushButton("Its orders")
        self.vendor_orders.setToolTip("Show the orders of this vendor")
        self.vendor_orders.setAccessibleName("Show the orders of this vendor")
        self.vendor_orders.clicked.connect(self._vendor_orders)
        self.lead_chart = Chart("Lead times: quoted against actual", y_label="days")
        self.lead_chart.setObjectName("leadTimeChart")
        self.lead_chart.clicked.connect(lambda _name: self._vendor_orders())
        head = QHBoxLayout()
        head.addWidget(self.vendor_choice, 1)
        head.addWidget(self.vendor_orders)
        box = QVBoxLayout()
        box.addLayout(head)
        box.addWidget(self.lead_chart, 1)
        return box

    def _make_bar_chart(
        self, title: str, name: str, y_label: str, screen_id: str, head: str
    ) -> tuple[Chart, QLabel, QVBoxLayout]:
        """A chart of bars per site, clicking one shows ``screen_id``'s list of that site;
        the line ``head`` over it."""
        chart = Chart(title, dates=False, y_label=y_label, legend_below=True)
        chart.setObjectName(name)
        chart.clicked.connect(lambda site: self.filter_requested.emit(screen_id, "site", site))
        label = QLabel(head)
        label.setWordWrap(True)
        label.setObjectName("tileDetail")
        box = QVBoxLayout()
        box.addWidget(label)
        box.addWidget(chart, 1)
        return chart, label, box

    # --- the screen protocol of the main window ------------------------------------------

    def refresh(self) -> None:
        from services import dashboard

        self.read_figures(dashboard.dashboard, self.show_dashboard)

    def save_state(self) -> None:
        settings = self.context.settings
        settings.setValue("dashboard/site", self.site_choice.currentData() or "")
        settings.setValue("dashboard/vendor", self.vendor_choice.currentData() or "")

    def restore_state(self) -> None:
        self._wanted_site = str(self.context.settings.value("dashboard/site", "") or "")
        self._wanted_vendor = str(self.context.settings.value("dashboard/vendor", "") or "")

    _wanted_site = ""
    _wanted_vendor = ""

    # --- drawing -------------------------------------------------------------------------

    def show_dashboard(self, board: Dashboard) -> None:
        self.board = board
        self.title.setText(f"Dashboard — as of {fmt.date(board.as_of)}")
        self._show_tiles(board)
        at_risk = sites_at_risk(board)
        self.risk_note.setText(self._risk_text(board, at_risk))
        short = {s.name: s.gpus_short for s in board.sites}
        self._fill_choice(
            self.site_choice,
            [
                (s.site, self._site_label(s, short.get(s.site, 0), s.site in at_risk))
                for s in self._sites_in_order(board, at_risk)
            ],
            self.site_choice.currentData() or self._wanted_site,
        )
        self._fill_choice(
            self.vendor_choice,
            [(v.vendor, v.vendor) for v in board.lead_times],
            self.vendor_choice.currentData() or self._wanted_vendor,
        )
        self.draw_supply()
        self.draw_lead_times()
        self.draw_power()
        self.draw_margins()
        self.clusters.show_clusters(board.clusters_at_risk)
        self.drawn.emit()

    @staticmethod
    def _risk_text(board: Dashboard, at_risk: list[str]) -> str:
        if not at_risk and not board.contracts_at_risk:
            return "Expected GPUs cover every commitment over the next 24 months."
        parts = []
        if board.contracts_at_risk:
            shown = board.contracts_at_risk[:4]
            parts.append(
                "<b>Contracts at risk:</b> "
                + "; ".join(
                    f"{escape(c.ref)} ({escape(c.customer)}, {escape(c.site)}) "
                    f"{fmt.number(c.shortfall)} GPUs short "
                    f"by {fmt.date(c.need_by)}" + _order_by(c.order_by, board.as_of)
                    for c in shown
                )
                + (
                    f"; and {len(board.contracts_at_risk) - len(shown)} more"
                    if len(board.contracts_at_risk) > len(shown)
                    else ""
                )
                + "."
            )
        if at_risk:
            parts.append(
                "Supply runs behind commitments at "
                + ", ".join(at_risk)
                + ": the red area on the chart is the gap."
            )
        return " ".join(parts)

    @staticmethod
    def _site_label(series: SiteSupplySeries, contract_short: int, at_risk: bool) -> str:
        if contract_short > 0:
            return f"⚠ {series.site} ({fmt.number(contract_short)} GPUs short for contracts)"
        if at_risk:
            return f"⚠ {series.site} (up to {fmt.number(series.worst_shortfall)} GPUs behind)"
        return series.site

    @staticmethod
    def _sites_in_order(board: Dashboard, at_risk: list[str]) -> list[SiteSupplySeries]:
        rank = {name: i for i, name in enumerate(at_risk)}
        return sorted(board.supply, key=lambda s: (rank.get(s.site, len(rank)), s.site))

    @staticmethod
    def _fill_choice(combo: QComboBox, items: list[tuple[str, str]], wanted: str) -> None:
        combo.blockSignals(True)
        combo.clear()
        for value, text in items:
            combo.addItem(text, value)
        index = combo.findData(wanted) if wanted else -1
        combo.setCurrentIndex(index if index >= 0 else (0 if items else -1))
        combo.blockSignals(False)

    def _show_tiles(self, board: Dashboard) -> None:
        t = board.tiles
        cur = t.reporting_currency
        self.tiles["delivered"].show_figure(fmt.number(t.gpus_delivered), "received so far")
        self.tiles["on_order"].show_figure(
            fmt.number(t.gpus_on_order),
            f"dated, on their way; {fmt.number(t.gpus_overdue)} overdue"
            if t.gpus_overdue
            else "dated, on their way",
            "warn" if t.gpus_overdue else "",
            f"{fmt.number(t.gpus_overdue)} GPUs overdue (their dates passed: at risk, never "
            f"secured); {fmt.number(t.gpus_undated)} undated or on hold",
        )
        short = sum(s.gpus_short for s in board.sites)
        self.tiles["committed"].show_figure(
            fmt.number(t.gpus_committed),
            f"signed and active; {fmt.number(short)} short"
            if short
            else "signed and active; all secured",
            "bad" if short else "good",
        )
        missing = "; ".join(t.missing_rates)
        self.tiles["open_value"].show_figure(
            fmt.compact_money(t.open_order_value, cur),
            "rates missing: see tooltip" if missing else "not cancelled, not received",
            "warn" if missing else "",
            missing,
            exact=fmt.money(t.open_order_value, cur),
        )
        self.tiles["revenue"].show_figure(
            fmt.compact_money(t.monthly_revenue, cur),
            "signed and active contracts",
            exact=fmt.money(t.monthly_revenue, cur),
        )
        # Totals hide a site over its grid: the colour follows the sites, not the sum.
        over_grid = [s.name for s in board.sites if s.headroom_mw is not None and s.headroom_mw < 0]
        detail = f"grid {fmt.number(t.grid_mw)} MW · PPA {fmt.number(t.ppa_mw)} MW"
        if over_grid:
            detail += f"; over the grid at {len(over_grid)} site" + (
                "s" if len(over_grid) > 1 else ""
            )
        self.tiles["power"].show_figure(
            f"{fmt.number(t.mw_required_peak.quantize(_ONE_DECIMAL))} MW",
            detail,
            "bad" if over_grid else ("warn" if t.mw_required_peak > t.ppa_mw else "good"),
            f"IT load committed {fmt.number(t.mw_committed_it.quantize(_ONE_DECIMAL))} MW, "
            "× each site's PUE at its peak day"
            + (f"; over the grid at {', '.join(over_grid)}" if over_grid else ""),
        )
        counts = t.alerts_by_severity
        tone = "warn" if counts.get(Severity.WARNING) else "good"
        self.tiles["alerts"].show_figure(
            f"{counts.get(Severity.CRITICAL, 0)} critical",
            f"{counts.get(Severity.WARNING, 0)} warning · {counts.get(Severity.INFO, 0)} info",
            "bad" if counts.get(Severity.CRITICAL) else tone,
            "Click to open the alerts",
        )

    def what_if(self) -> object:
        """The What if… panel, showing this site's chart once it has a result."""
        from ui.whatif_panel import open_whatif

        return open_whatif(self.context, self, site=self.site_choice.currentData() or "")

    def site_series(self, site: str) -> SiteSupplySeries | None:
        if self.board is None:
            return None
        return next((s for s in self.board.supply if s.site == site), None)

    def vendor_series(self, vendor: str) -> VendorLeadTimes | None:
        if self.board is None:
            return None
        return next((v for v in self.board.lead_times if v.vendor == vendor), None)

    def draw_supply(self) -> None:
        chart = self.supply_chart
        series = self.site_series(self.site_choice.currentData() or "")
        if not _chosen(chart, series, self.site_orders, NO_SUPPLY) or series is None:
            return
        days = [p.day for p in series.points]
        chart.set_title(f"{series.site}: GPU supply against commitments, next 24 months")
        supply = [p.gpus_supply for p in series.points]
        chart.step_line(EXPECTED, days, supply, BLUE)
        if any(p.gpus_overdue for p in series.points):
            # Their own band over what is secured: they would fill it if they came.
            chart.step_line(
                OVERDUE,
                days,
                [p.gpus_supply + p.gpus_overdue for p in series.points],
                PURPLE,
                width=1.5,
                dashed=True,
                in_legend=False,
            )
            chart.shade_gap(OVERDUE_BAND, EXPECTED, OVERDUE, PURPLE)
        chart.step_line(COMMITTED, days, [p.gpus_committed for p in series.points], ORANGE)
        chart.shade_gap(SHORTFALL, EXPECTED, COMMITTED, RED)
        chart.fit()

    def draw_lead_times(self) -> None:
        chart = self.lead_chart
        vendor = self.vendor_series(self.vendor_choice.currentData() or "")
        if not _chosen(chart, vendor, self.vendor_orders, NO_LEAD_TIMES) or vendor is None:
            return
        # The vendor and SKU are in the choice over the chart.
        chart.set_title("Lead times: quoted against actual")
        if vendor.quoted:
            chart.line(QUOTED, [d for d, _ in vendor.quoted], [n for _, n in vendor.quoted], PURPLE)
        if vendor.actual:
            chart.points(
                ACTUAL, [d for d, _ in vendor.actual], [n for _, n in vendor.actual], GREEN
            )
        chart.fit()

    def draw_power(self) -> None:
        chart = self.power_chart
        chart.clear()
        if self.board is None:
            return
        sites = [s for s in self.board.sites if s.grid_mw or s.mw_required_peak or s.ppa_mw]
        labels = [s.name for s in sites]
        take = {t.site: t for t in self.board.take_or_pay}
        groups: list[tuple[str, Sequence[Decimal | None], str]] = [
            (GRID, [s.grid_mw for s in sites], GREY),
            (REQUIRED, [s.mw_required_peak for s in sites], ORANGE),
            (PPA, [s.ppa_mw for s in sites], GREEN),
        ]
        if take:
            groups.append(
                (
                    MIN_TAKE,
                    [take[s.name].min_take_mw if s.name in take else ZERO for s in sites],
                    RED,
                )
            )
        chart.bars(labels, groups)
        short = [s.name for s in sites if s.headroom_mw is not None and s.headroom_mw < 0]
        idle = [t for t in self.board.take_or_pay if t.idle_mw > 0]
        cur = self.board.tiles.reporting_currency
        title = "Power per site: grid, required, PPA"
        if short:
            title += f" — over the grid at {', '.join(short)}"
        head = "Click a site's bars to see its orders."
        idle.sort(key=lambda t: -(t.idle_cost or 0))
        if idle:
            head = f"Idle take-or-pay this month at {_sites(len(idle))}, most at " + ", ".join(
                f"{t.site} {fmt.number(t.idle_mw.quantize(_ONE_DECIMAL))} MW"
                + (f" ({fmt.compact_money(t.idle_cost, cur)}/month)" if t.idle_cost else "")
                for t in idle[:2]
            )
            head += " (a site's bars tell its own)."
        self.power_head.setText(head)
        chart.set_title(title)
        chart.bar_notes = {t.site: _take_or_pay(t, cur) for t in self.board.take_or_pay}
        chart.setToolTip("\n".join(f"{site}: {note}" for site, note in chart.bar_notes.items()))

    def draw_margins(self) -> None:
        chart = self.margin_chart
        chart.clear()
        if self.board is None:
            return
        rows = self.board.margins
        cur = self.board.tiles.reporting_currency
        # In millions of the reporting currency: the axis reads 1.5, not 1.5e+06.
        chart.plot.setLabel("left", f"millions of {cur}")
        chart.bars(
            [r.site for r in rows],
            [
                (MARGIN, [None if r.margin is None else r.margin / MILLION for r in rows], BLUE),
                (
                    IDLE_COST,
                    [None if r.idle_cost is None else r.idle_cost / MILLION for r in rows],
                    RED,
                ),
            ],
        )
        chart.zero_line()
        unknown = [r.site for r in rows if r.margin is None]
        losing = [r.site for r in rows if r.margin is not None and r.margin < 0]
        chart.set_title(f"Margin per site, {self.board.as_of:%b %Y}, after idle take-or-pay")
        self.margin_head.setText(
            (
                f"Losing money at {_sites(len(losing))}"
                + (f", {', '.join(losing[:3])}…" if len(losing) > 3 else f": {', '.join(losing)}")
                + ". "
                if losing
                else ""
            )
            + (f"Unknown at {', '.join(unknown)} (an exchange rate missing). " if unknown else "")
            + "Click a site's bars to see its contracts."
        )
        chart.setToolTip(
            "\n".join(
                f"{r.site}: margin "
                + ("unknown" if r.margin is None else fmt.money(r.margin.quantize(CENT), cur))
                + (
                    f", idle take-or-pay {fmt.money(r.idle_cost.quantize(CENT), cur)}"
                    if r.idle_cost
                    else ""
                )
                for r in rows
            )
        )

    # --- filtering the lists -------------------------------------------------------------

    def _site_orders(self) -> None:
        site = self.site_choice.currentData()
        if site:
            self.filter_requested.emit("orders", "site", site)

    def _vendor_orders(self) -> None:
        vendor = self.vendor_choice.currentData()
        if vendor:
            self.filter_requested.emit("orders", "vendor", vendor)

    def select_site(self, site: str) -> None:
        self.site_choice.setCurrentIndex(max(self.site_choice.findData(site), 0))

    def select_vendor(self, vendor: str) -> None:
        self.vendor_choice.setCurrentIndex(max(self.vendor_choice.findData(vendor), 0))


def _order_by(day: dt.date | None, today: dt.date) -> str:
    """When more GPUs must be ordered (the quickest quoted lead time), as the risk note says."""
    if day is None:
        return ""
    if day < today:
        return " (too late to order by the quickest quote: expedite)"
    return f" (order by {fmt.date(day)})"


def _sites(count: int) -> str:
    return f"{count} site" + ("" if count == 1 else "s")


def _take_or_pay(site: SiteTakeOrPay, currency: str) -> str:
    """A site's take-or-pay this month, as the power chart's tooltip says it."""
    return (
        f"minimum take {fmt.number(site.min_take_mw.quantize(_ONE_DECIMAL))} MW, "
        f"idle {fmt.number(site.idle_mw.quantize(_ONE_DECIMAL))} MW this month"
        + (f", {fmt.money(site.idle_cost.quantize(CENT), currency)}" if site.idle_cost else "")
        + f"; idle in {site.idle_months} months ahead"
    )


def _chosen(chart: Chart, series: object, button: QPushButton, empty_title: str) -> bool:
    """Clear ``chart`` for the ``series`` chosen over it, ``button`` (its orders) usable only
    with one; when there is none (False), the title says why."""
    chart.clear()
    button.setEnabled(series is not None)
    if series is None:
        chart.set_title(empty_title)
    return series is not None
