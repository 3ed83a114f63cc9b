"""Readiness: the timeline of every deployment (cluster), its parts beneath it.

A cluster is as ready as its latest part. Each deployment's row has a bar to the day its parts
are complete (hatched to the edge when a part cannot complete), the install span after it to
the ready date, its needed-by marker and its contract's start; beneath it, each part with the
dates of the lines it takes, and the overdue lines a missing part waits for. The critical part
stands out. Clicking a part shows its order lines; clicking a deployment shows its parts in the
table under the timeline.

One background read (``services.timeline.readiness_timeline``) brings every row; the screen
only draws what it says, the site filter and "at risk only" pick among its rows.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from services.timeline import POWER_READY, Timeline, TimelineRow
from ui import format as fmt
from ui.charts import TimelineChart
from ui.context import AppContext
from ui.screens.common import vertical_split
from ui.screens.figure_screen import FigureScreen
from ui.screens.readiness_lanes import (
    LEGEND,
    POWER_WORDS,
    date_range,
    deployment_tip,
    lanes_of,
    line_words,
    part_tip,
    waiting_words,
)
from ui.screens.table_views import table_view
from ui.tables.rows import Row, RowsModel
from ui.widgets import screen_title


class ReadinessScreen(FigureScreen):
    error_title = "Rackbook — Readiness"

    # (order line ids, what they are): show those lines in the Orders screen.
    lines_requested = Signal(object, str)
    # A new timeline has been drawn.
    drawn = Signal()

    ALL_SITES = "All sites"

    def __init__(
        self, context: AppContext, parent: QWidget | None = None, as_of: dt.date | None = None
    ) -> None:
        super().__init__(context, "screen_readiness", parent, as_of)
        self.timeline: Timeline | None = None
        self.rows: list[TimelineRow] = []  # the rows shown (site filter, at risk only)
        self.selected: str | None = None
        self._wanted: str | None = None
        self._wanted_site = ""

        head = self._build_head()
        top = self._build_timeline()
        self.bottom = self._build_parts()
        self.splitter = vertical_split(top, self.bottom)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 4)
        layout.addLayout(head)
        layout.addWidget(self.splitter, 1)

    def _build_head(self) -> QHBoxLayout:
        """The title, the site chosen, "Only clusters at risk" and the summary."""
        self.title = screen_title("Readiness")
        self.site_choice = QComboBox()
        self.site_choice.setObjectName("readinessSite")
        self.site_choice.setAccessibleName("Site")
        self.site_choice.setMinimumContentsLength(14)
        self.site_choice.setToolTip("Show the deployments of one site")
        self.site_choice.addItem(self.ALL_SITES, "")
        self.site_choice.currentIndexChanged.connect(lambda _i: self.draw())
        self.at_risk_only = QCheckBox("Only clusters at risk")
        self.at_risk_only.setObjectName("atRiskOnly")
        self.at_risk_only.setToolTip("Only the deployments late or unable to complete")
        self.at_risk_only.toggled.connect(lambda _on: self.draw())
        self.summary = QLabel("")
        self.summary.setObjectName("readinessSummary")
        head = QHBoxLayout()
        head.addWidget(self.title)
        head.addSpacing(12)
        head.addWidget(QLabel("Site:"))
        head.addWidget(self.site_choice)
        head.addWidget(self.at_risk_only)
        head.addSpacing(12)
        head.addWidget(self.summary, 1)
        return head

    def _build_timeline(self) -> QWidget:
        """The legend over the timeline (scrolled), or the sentence saying why it is empty."""
        self.legend = QLabel(LEGEND)
        self.legend.setObjectName("readinessLegend")
        self.legend.setWordWrap(True)
        self.legend.setTextFormat(Qt.TextFormat.RichText)

        self.chart = TimelineChart()
        self.chart.setObjectName("readinessTimeline")
        self.chart.lane_clicked.connect(self._lane_clicked)
        self.empty = QLabel("")
        self.empty.setObjectName("readinessEmpty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.hide()
        self.scroll_area = QScrollArea()
        self.scroll_area.setObjectName("readinessScroll")
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setWidget(self.chart)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.legend)
        top_layout.addWidget(self.empty, 1)
        top_layout.addWidget(self.scroll_area, 1)
        return top

    def _build_parts(self) -> QWidget:
        """The selected deployment's sentence over the table of its parts."""
        self.detail = QLabel("Click a deployment to see its parts; click a part to see its lines.")
        self.detail.setObjectName("readinessDetail")
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.parts_model = RowsModel(
            [
                "Part",
                "Needed",
                "Taken",
                "Missing",
                "Complete",
                "Waits for",
                "Lines and their dates",
            ],
            numeric=(1, 2, 3),
            tips=(
                "A product sku, or a category (any product of it); power when it is energised",
                "Units the bill of parts asks for",
                "Units of received or dated lines it takes (never overdue or undated ones)",
                "Units it still lacks: while any are missing it cannot complete",
                "The date of the last unit it takes",
                "Lines at the site that would bring missing units but supply nothing now: "
                "overdue (their date passed), on hold or undated",
                "The order lines it takes, with their ETAs or the day they were received",
            ),
            parent=self,
        )
        self.parts_view = table_view()
        self.parts_view.setObjectName("readinessParts")
        self.parts_view.setAccessibleName("Parts of the selected cluster")
        self.parts_view.setModel(self.parts_model)
        self.parts_view.doubleClicked.connect(self._part_chosen)
        self.parts_view.activated.connect(self._part_chosen)
        self.parts_view.setToolTip("Double-click a part to see its order lines")
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addWidget(self.detail)
        bottom_layout.addWidget(self.parts_view, 1)
        return bottom

    # --- the screen protocol of the main window ------------------------------------------

    def refresh(self) -> None:
        from services import timeline

        self.read_figures(timeline.readiness_timeline, self.show_timeline)

    def save_state(self) -> None:
        settings = self.context.settings
        settings.setValue("readiness/site", self.site_choice.currentData() or "")
        settings.setValue("readiness/at_risk_only", self.at_risk_only.isChecked())

    def restore_state(self) -> None:
        settings = self.context.settings
        self._wanted_site = str(settings.value("readiness/site", "") or "")
        at_risk = settings.value("readiness/at_risk_only", False)
        self.at_risk_only.blockSignals(True)
        self.at_risk_only.setChecked(at_risk in (True, "true", "1", 1))
        self.at_risk_only.blockSignals(False)

    # --- drawing -------------------------------------------------------------------------

    def show_timeline(self, found: Timeline) -> None:
        self.timeline = found
        self.title.setText(f"Readiness — as of {fmt.date(found.as_of)}")
        wanted = self.site_choice.currentData() or self._wanted_site
        self.site_choice.blockSignals(True)
        self.site_choice.clear()
        self.site_choice.addItem(self.ALL_SITES, "")
        for site in found.sites:
            self.site_choice.addItem(site, site)
        index = self.site_choice.findData(wanted) if wanted else 0
        self.site_choice.setCurrentIndex(max(index, 0))
        self.site_choice.blockSignals(False)
        self.draw()

    def draw(self) -> None:
        found = self.timeline
        if found is None:
            return
        site = self.site_choice.currentData() or ""
        risky = self.at_risk_only.isChecked()
        self.rows = [
            row
            for row in found.rows
            if (not site or row.site == site) and (not risky or row.at_risk)
        ]
        shown = found.rows if not site else [r for r in found.rows if r.site == site]
        at_risk = sum(1 for r in shown if r.at_risk)
        cannot = sum(1 for r in shown if r.served and not r.can_complete)
        where = f" at {site}" if site else ""
        self.summary.setText(
            f"{fmt.counted(len(shown), 'deployment')}{where}: "
            f"{fmt.number(at_risk)} at risk ({fmt.number(cannot)} cannot complete)"
            if shown
            else ""
        )
        # The legend and the parts table are for a timeline: not over an empty screen.
        self.legend.setVisible(bool(self.rows))
        self.bottom.setVisible(bool(self.rows))
        if not self.rows:
            self.chart.draw([], found.as_of, found.as_of - dt.timedelta(days=30), found.as_of)
            self.scroll_area.hide()
            self.empty.show()
            self.empty.setText(
                "No deployment is late or unable to complete" + where + "."
                if risky and shown
                else "No deployments"
                + where
                + " yet: a deployment lists the parts of one cluster (racks, network, "
                "cooling, power) and its needed-by date."
            )
        else:
            self.empty.hide()
            self.scroll_area.show()
            first, last = date_range(self.rows, found.as_of)
            self.chart.draw(
                lanes_of(self.rows, found.as_of, found.install_buffer_days),
                found.as_of,
                first,
                last,
            )
        wanted = self._wanted or self.selected
        self._wanted = None
        if wanted and any(r.ref == wanted for r in self.rows):
            self._select(wanted, scroll=True)
        else:
            self.selected = None
            self._show_parts(None)
        self.drawn.emit()

    # --- choosing ------------------------------------------------------------------------

    def select_deployment(self, ref: str) -> bool:
        """Show deployment ``ref``: the filters widened to it if they hid it, its lanes
        highlighted and scrolled to, its parts in the table. False when it is not there
        (it is selected once the timeline has been read, if it is there then)."""
        if self.timeline is None:
            self._wanted = ref
            return False
        row = next((r for r in self.timeline.rows if r.ref == ref), None)
        if row is None:
            return False
        if not any(r.ref == ref for r in self.rows):
            # Widen the filters that hide it, then draw once.
            for widget in (self.site_choice, self.at_risk_only):
                widget.blockSignals(True)
            current = self.site_choice.currentData() or ""
            if current and current != row.site:
                self.site_choice.setCurrentIndex(max(self.site_choice.findData(row.site), 0))
            if self.at_risk_only.isChecked() and not row.at_risk:
                self.at_risk_only.setChecked(False)
            for widget in (self.site_choice, self.at_risk_only):
                widget.blockSignals(False)
            self._wanted = ref
            self.draw()
            return self.selected == ref
        self._select(ref, scroll=True)
        return True

    def _select(self, ref: str, scroll: bool = False) -> None:
        self.selected = ref
        indexes = [
            i
            for i, lane in enumerate(self.chart.lanes)
            if isinstance(lane.key, tuple) and lane.key[1] == ref
        ]
        if indexes:
            self.chart.highlight(min(indexes), max(indexes))
            if scroll:
                first = indexes[0]
                QTimer.singleShot(0, self, lambda: self._scroll_to(first))
        row = next((r for r in self.rows if r.ref == ref), None)
        self._show_parts(row)

    def _scroll_to(self, lane: int) -> None:
        y = self.chart.lane_y(lane)
        self.scroll_area.ensureVisible(0, y, 0, self.scroll_area.viewport().height() // 3)

    def _show_parts(self, row: TimelineRow | None) -> None:
        if row is None:
            self.detail.setText(
                "Click a deployment to see its parts; click a part to see its lines."
            )
            self.parts_model.set_rows([])
            return
        buffer_days = self.timeline.install_buffer_days if self.timeline else 0
        self.detail.setText(deployment_tip(row, buffer_days).replace("\n", " "))
        rows = [
            Row(
                (
                    part.label,
                    fmt.number(part.needed),
                    fmt.number(part.taken),
                    fmt.number(part.missing) if part.missing > 0 else "",
                    fmt.date(part.complete_date) if part.can_complete else "cannot complete",
                    waiting_words(part),
                    line_words(part),
                ),
                key=("part", row.ref, part.part),
                tone="critical" if part.critical else ("late" if part.late else ""),
                tip=part_tip(row, part),
            )
            for part in row.parts
        ]
        if row.power_ready_date is not None:
            critical = row.critical_part == POWER_READY
            rows.append(
                Row(
                    (POWER_WORDS, "", "", "", fmt.date(row.power_ready_date), "", ""),
                    key=("power", row.ref),
                    tone="critical" if critical else "",
                    tip=f"Power energised {fmt.date(row.power_ready_date)}",
                )
            )
        self.parts_model.set_rows(rows)
        self.parts_view.resizeColumnsToContents()
        header = self.parts_view.horizontalHeader()
        for column in range(self.parts_model.columnCount() - 1):
            # A long list of lines is in the row's tooltip: no column pushes the others off.
            header.resizeSection(column, min(header.sectionSize(column), 360))

    def _lane_clicked(self, key: Any) -> None:
        if not isinstance(key, tuple):
            return
        if key[1] != self.selected:
            self._select(key[1])
        if key[0] == "part":
            self.open_part_lines(key[1], key[2])

    def _part_chosen(self, index: QModelIndex) -> None:
        key = self.parts_model.key(index.row())
        if isinstance(key, tuple) and key[0] == "part":
            self.open_part_lines(key[1], key[2])

    def open_part_lines(self, ref: str, part_name: str) -> None:
        """Ask for the order lines behind one part of deployment ``ref``: those it takes
        and those it waits for."""
        row = next((r for r in self.rows if r.ref == ref), None)
        part = next((p for p in row.parts if p.part == part_name), None) if row else None
        if row is None or part is None:
            return
        if not part.line_ids:
            self.detail.setText(
                f"No order line at {row.site} serves {part.label} for {ref}: it needs ordering."
            )
            return
        self.lines_requested.emit(list(part.line_ids), f"{part.label} for deployment {ref}")
