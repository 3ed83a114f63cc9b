"""A small chart widget over pyqtgraph: the one place that knows pyqtgraph.

QtCharts is deprecated since Qt 6.10, so charts are drawn with pyqtgraph; screens talk to
``Chart`` only (step lines, lines, points, shaded gaps, grouped bars, clicks by name), so the
library behind it can change without touching them. Every series drawn is also kept as plain
values in ``Chart.series`` (name -> (xs, ys)), which is what tests compare with the figures.

Values arrive as dates, ints and Decimals; they become floats only here, for drawing.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from html import escape
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPointF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget

from ui.theme import readable_on

Number = int | float | Decimal

# Colours a buyer can tell apart (also in grey print): supply, commitments, gaps, neutral.
BLUE = "#1f6fb2"
ORANGE = "#e07b00"
RED = "#c62828"
GREEN = "#2e7d32"
GREY = "#7a7a7a"
PURPLE = "#6a4c93"

pg.setConfigOptions(antialias=True, background="w", foreground="#333333")

# The least room between two bar labels, in pixels.
LABEL_GAP = 8


def dress_plot(plot_widget: Any) -> tuple[QColor, QColor]:
    """A plot in the window's scheme: its ground the palette's base, its axes, their labels
    and ticks in the palette's text (a dark plot on a dark desktop). Returns (ground, ink)."""
    palette = QApplication.palette()
    ground = palette.color(QPalette.ColorRole.Base)
    ink = palette.color(QPalette.ColorRole.Text)
    plot_widget.setBackground(ground)
    item = plot_widget.getPlotItem()
    for name in ("left", "bottom", "top"):
        axis = item.getAxis(name)
        axis.setPen(ink)
        axis.setTextPen(ink)
    return ground, ink


def short_labels(labels: Sequence[str]) -> list[str]:
    """Short forms of bar labels, each its own: the initials of a name of several words
    ("Baie-Comeau" BC, "Moses Lake" ML), the first letters of a one-word name ("Scr"), longer
    where two would be the same."""

    def short(label: str, length: int) -> str:
        words = [w for w in re.split(r"[\s\-/]+", label) if w]
        if len(words) > 1:
            return "".join(w[: max(length - 2, 1)] for w in words)
        return label[: length + 1]

    chosen = [short(label, 2) for label in labels]
    for length in range(3, 12):
        counts = Counter(chosen)
        if all(counts[c] == 1 for c in chosen):
            break
        chosen = [
            short(lab, length) if counts[c] > 1 else c
            for lab, c in zip(labels, chosen, strict=True)
        ]
    return chosen


def _x(value: dt.date | Number) -> float:
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC).timestamp()
    return float(value)


def _stairs(xs: Sequence[float], ys: Sequence[float]) -> tuple[list[float], list[float]]:
    """A value holds from its x until the next x: the corners of that staircase."""
    sx: list[float] = []
    sy: list[float] = []
    for i, (x, y) in enumerate(zip(xs, ys, strict=True)):
        if i:
            sx.append(x)
            sy.append(sy[-1])
        sx.append(x)
        sy.append(y)
    return sx, sy


@dataclass
class Series:
    name: str
    xs: list[Any]  # as given (dates, numbers or bar labels)
    ys: list[Any]
    items: list[Any] = field(default_factory=list, repr=False)


class _Plotted(QWidget):
    """A widget around a pyqtgraph plot (``plot_widget``, ``plot``) with a title, in the
    window's scheme and following it when the desktop turns light or dark."""

    plot_widget: Any
    plot: Any

    def _dress(self, title: str) -> None:
        self.ground, self.ink = dress_plot(self.plot_widget)
        self.set_title(title)

    def set_title(self, title: str) -> None:
        self._title = title
        self.plot.setTitle(title, size="10pt", color=self.ink.name())

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and hasattr(self, "_title"):
            self._dress(self._title)
            self._dressed()

    def _dressed(self) -> None:
        """What the chart redoes in the new colours (nothing: pyqtgraph repaints)."""


class Chart(_Plotted):
    """One plot with a title, a legend and named series. ``clicked(name)`` tells which bar
    label or series the person clicked."""

    clicked = Signal(str)

    def __init__(
        self,
        title: str = "",
        *,
        dates: bool = True,
        y_label: str = "",
        legend_below: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        axis = {"bottom": pg.DateAxisItem(orientation="bottom")} if dates else {}
        self.plot_widget = pg.PlotWidget(axisItems=axis)
        self.plot_widget.setMinimumHeight(180)
        self.plot = self.plot_widget.getPlotItem()
        self._dress(title)
        self.plot.showGrid(x=True, y=True, alpha=0.2)
        self.plot.setMenuEnabled(False)
        self.plot.getViewBox().setMouseEnabled(x=False, y=False)
        if y_label:
            self.plot.setLabel("left", y_label)
        # Over the plot (pyqtgraph's legend), or in a line of its own under it, where it can
        # never cover a line: ``legend_entries`` keeps what it says, in order.
        self.legend: Any = None
        self.legend_row: QLabel | None = None
        self.legend_entries: list[tuple[str, str, str]] = []  # (name, colour, look)
        if legend_below:
            self.legend_row = QLabel()
            self.legend_row.setObjectName("chartLegend")
            self.legend_row.setWordWrap(True)
            self.legend_row.setTextFormat(Qt.TextFormat.RichText)
        else:
            self.legend = self.plot.addLegend(offset=(8, 8), labelTextSize="8pt")
        self.series: dict[str, Series] = {}
        self._bar_labels: list[str] = []
        # The bar labels as drawn: each cut to the width of its group, so none overlaps.
        self.bar_ticks: list[str] = []
        self.plot.getViewBox().sigResized.connect(lambda *_a: self._label_bars())
        # A bar label -> a sentence its bars' tooltip adds to their figures.
        self.bar_notes: dict[str, str] = {}
        self.plot.scene().sigMouseClicked.connect(self._scene_clicked)
        self.plot.scene().sigMouseMoved.connect(self._scene_hovered)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot_widget)
        if self.legend_row is not None:
            layout.addWidget(self.legend_row)

    # --- content -------------------------------------------------------------------------

    def clear(self) -> None:
        self.plot.clear()
        if self.legend is not None:
            self.legend.clear()
        self.legend_entries = []
        self._show_legend_row()
        self.series.clear()
        self._bar_labels = []
        self.bar_ticks = []
        self.bar_notes = {}
        bottom = self.plot.getAxis("bottom")
        if not isinstance(bottom, pg.DateAxisItem):
            bottom.setTicks(None)

    def _pen(self, color: str, width: float = 2, dashed: bool = False) -> Any:
        style = Qt.PenStyle.DashLine if dashed else Qt.PenStyle.SolidLine
        return pg.mkPen(QColor(color), width=width, style=style)

    def _entry(self, name: str, color: str, look: str) -> None:
        """Name a series in the legend under the chart (the one over it names its own)."""
        self.legend_entries.append((name, color, look))
        self._show_legend_row()

    def _show_legend_row(self) -> None:
        if self.legend_row is None:
            return
        signs = {"line": "━━", "dashed": "╍╍", "area": "■", "points": "▲", "bar": "■"}
        self.legend_row.setText(
            "&nbsp;&nbsp;&nbsp; ".join(
                f'<span style="color:{color}">{signs.get(look, "■")}</span>&nbsp;{escape(name)}'
                for name, color, look in self.legend_entries
            )
        )

    def _plot(
        self,
        name: str,
        xs: list[float] | list[int],
        ys: Sequence[Number],
        color: str,
        pen: Any,
        symbol: str | None,
        size: int = 6,
    ) -> Any:
        """A line (``pen``) or points (``pen`` None) of ``symbol`` in ``color``, named in
        pyqtgraph's legend when the chart has one."""
        return self.plot.plot(
            xs,
            [float(y) for y in ys],
            pen=pen,
            symbol=symbol,
            symbolSize=size,
            symbolBrush=QColor(color),
            symbolPen=None,
            name=name if self.legend is not None else None,
        )

    def _clickable(self, item: Any, name: str) -> None:
        item.setCurveClickable(True, width=8)
        item.sigClicked.connect(lambda *_a: self.clicked.emit(name))

    def step_line(
        self,
        name: str,
        xs: Sequence[dt.date | Number],
        ys: Sequence[Number],
        color: str,
        *,
        width: float = 2.5,
        dashed: bool = False,
        in_legend: bool = True,
    ) -> None:
        """A cumulative figure: each value holds until the next point. ``in_legend`` False:
        an edge the legend need not name (a shaded band names it)."""
        sx, sy = _stairs([_x(x) for x in xs], [float(y) for y in ys])
        shown = in_legend and self.legend is not None
        item = self.plot.plot(
            sx, sy, pen=self._pen(color, width, dashed), name=name if shown else None
        )
        if in_legend:
            self._entry(name, color, "dashed" if dashed else "line")
        self._clickable(item, name)
        self.series[name] = Series(name, list(xs), list(ys), [item])

    def line(
        self,
        name: str,
        xs: Sequence[dt.date | Number],
        ys: Sequence[Number],
        color: str,
        *,
        dashed: bool = False,
        symbol: str | None = "o",
    ) -> None:
        item = self._plot(name, [_x(x) for x in xs], ys, color, self._pen(color, 2, dashed), symbol)
        self._entry(name, color, "dashed" if dashed else "line")
        self._clickable(item, name)
        self.series[name] = Series(name, list(xs), list(ys), [item])

    def points(
        self, name: str, xs: Sequence[dt.date | Number], ys: Sequence[Number], color: str
    ) -> None:
        item = self._plot(name, [_x(x) for x in xs], ys, color, None, "t", size=8)
        self._entry(name, color, "points")
        item.sigPointsClicked.connect(lambda *_a: self.clicked.emit(name))
        self.series[name] = Series(name, list(xs), list(ys), [item])

    def shade_gap(self, name: str, lower: str, upper: str, color: str) -> None:
        """Shade where step series ``upper`` runs above step series ``lower`` (a shortfall)."""
        low, high = self.series[lower], self.series[upper]
        xs = [_x(x) for x in low.xs]
        low_y = [float(y) for y in low.ys]
        top_y = [max(float(h), lo) for h, lo in zip(high.ys, low_y, strict=True)]
        # Invisible edges: the fill needs drawn curves (pen=None leaves their paths empty).
        clear = pg.mkPen(QColor(0, 0, 0, 0))
        bottom = pg.PlotDataItem(*_stairs(xs, low_y), pen=clear)
        top = pg.PlotDataItem(*_stairs(xs, top_y), pen=clear)
        fill_colour = QColor(color)
        fill_colour.setAlpha(90)
        fill = pg.FillBetweenItem(bottom, top, brush=pg.mkBrush(fill_colour))
        for item in (bottom, top, fill):
            self.plot.addItem(item)
        gaps = [h - lo for h, lo in zip(top_y, low_y, strict=True)]
        self.series[name] = Series(name, list(low.xs), gaps, [bottom, top, fill])
        # A legend entry for the shading, so a reader knows what the red area means.
        if self.legend is not None:
            sample = pg.BarGraphItem(x=[0], height=[0], width=0, brush=fill_colour)
            self.legend.addItem(sample, name)
        self._entry(name, color, "area")

    def bars(
        self,
        labels: Sequence[str],
        groups: Sequence[tuple[str, Sequence[Number | None], str]],
    ) -> None:
        """Grouped bars: one group per label, one bar per (name, values, colour) in it.
        Clicking a bar emits its label."""
        self._bar_labels = list(labels)
        count = max(len(groups), 1)
        width = 0.8 / count
        for g, (name, values, color) in enumerate(groups):
            xs = [i - 0.4 + width * (g + 0.5) for i in range(len(labels))]
            heights = [float(v) if v is not None else 0.0 for v in values]
            item = pg.BarGraphItem(
                x=xs, height=heights, width=width * 0.9, brush=pg.mkBrush(QColor(color)), pen=None
            )
            self.plot.addItem(item)
            if self.legend is not None:
                self.legend.addItem(item, name)
            self._entry(name, color, "bar")
            self.series[name] = Series(name, list(labels), list(values), [item])
        self.plot.setXRange(-0.6, len(labels) - 0.4, padding=0)
        self._label_bars()

    def group_pixels(self) -> float:
        """How wide one group of bars is on screen, in pixels."""
        if not self._bar_labels:
            return 0.0
        width = float(self.plot.getViewBox().width())
        return width / (len(self._bar_labels) + 0.2)

    def _label_bars(self) -> None:
        """Name each group of bars under it, never two names overlapping: the whole names
        when each fits its group, else their short forms, else every n-th short form. The
        whole name, and the group's figures, are the tooltip of its bars."""
        if not self._bar_labels:
            return
        axis = self.plot.getAxis("bottom")
        metrics = QFontMetrics(axis.style["tickFont"] or self.font())
        room = self.group_pixels() - LABEL_GAP
        labels = self._bar_labels
        if max(metrics.horizontalAdvance(label) for label in labels) > room:
            labels = short_labels(labels)
        widest = max(metrics.horizontalAdvance(label) for label in labels)
        every = max(math.ceil((widest + LABEL_GAP) / max(self.group_pixels(), 1.0)), 1)
        self.bar_ticks = [label if i % every == 0 else "" for i, label in enumerate(labels)]
        axis.setTicks([[(i, tick) for i, tick in enumerate(self.bar_ticks) if tick]])

    def bar_tip(self, label: str) -> str:
        """What hovering over ``label``'s bars says: the whole name, each series' figure there
        and the note given for it."""
        index = self._bar_labels.index(label)
        lines = [label]
        for series in self.series.values():
            if series.xs == self._bar_labels and index < len(series.ys):
                value = series.ys[index]
                shown = "—" if value is None else f"{float(value):,.1f}"
                lines.append(f"{series.name}: {shown}")
        note = self.bar_notes.get(label, "")
        return "\n".join([*lines, note] if note else lines)

    def stacked_bars(
        self,
        labels: Sequence[str],
        stacks: Sequence[tuple[str, Sequence[Number], str]],
    ) -> None:
        """One bar per label made of stacked parts, one per (name, values, colour), the first
        at the bottom. Clicking a bar emits its label."""
        self._bar_labels = list(labels)
        base = [0.0] * len(labels)
        for name, values, color in stacks:
            heights = [float(v) for v in values]
            item = pg.BarGraphItem(
                x=list(range(len(labels))),
                y0=list(base),
                height=heights,
                width=0.7,
                brush=pg.mkBrush(QColor(color)),
                pen=None,
            )
            self.plot.addItem(item)
            if self.legend is not None:
                self.legend.addItem(item, name)
            self._entry(name, color, "bar")
            self.series[name] = Series(name, list(labels), list(values), [item])
            base = [b + h for b, h in zip(base, heights, strict=True)]
        axis = self.plot.getAxis("bottom")
        axis.setTicks([[(i, label) for i, label in enumerate(labels)]])
        self.plot.setXRange(-0.6, len(labels) - 0.4, padding=0)

    def category_line(
        self, name: str, labels: Sequence[str], ys: Sequence[Number], color: str
    ) -> None:
        """A line over bar labels (one point per label), e.g. revenue over cash bars."""
        item = self._plot(name, list(range(len(labels))), ys, color, self._pen(color, 2.5), "o")
        self._entry(name, color, "line")
        self.series[name] = Series(name, list(labels), list(ys), [item])

    def fit(self) -> None:
        """Show exactly the x range of the series (shading items would stretch it to 0)."""
        xs = [_x(x) for series in self.series.values() for x in series.xs if not isinstance(x, str)]
        if xs:
            low, high = min(xs), max(xs)
            pad = (high - low) * 0.02 or 86400.0
            self.plot.setXRange(low - pad, high + pad, padding=0)
        self.plot.enableAutoRange(axis="y")

    def zero_line(self) -> None:
        self.plot.addItem(pg.InfiniteLine(pos=0, angle=0, pen=self._pen(GREY, 1)))

    def label_at(self, x: float) -> str | None:
        """The bar label at plot position ``x`` (None outside every group)."""
        index = round(x)
        if 0 <= index < len(self._bar_labels) and abs(x - index) <= 0.45:
            return self._bar_labels[index]
        return None

    def _label_under(self, scene_pos: Any) -> str | None:
        view = self.plot.getViewBox()
        if not self._bar_labels or not view.sceneBoundingRect().contains(scene_pos):
            return None
        return self.label_at(view.mapSceneToView(scene_pos).x())

    def _scene_clicked(self, event: Any) -> None:
        label = self._label_under(event.scenePos())
        if label is not None:
            self.clicked.emit(label)

    def _scene_hovered(self, scene_pos: Any) -> None:
        label = self._label_under(scene_pos)
        self.plot_widget.setToolTip(self.bar_tip(label) if label is not None else "")

    def click_bar(self, label: str) -> None:
        """What a click on ``label``'s bars does (for keyboard users and tests)."""
        if label in self._bar_labels:
            self.clicked.emit(label)


# --- the readiness timeline ------------------------------------------------------------------

# A bar that never ends (what cannot complete) reaches the chart's right edge, hatched.
HATCHED = Qt.BrushStyle.BDiagPattern
DAY_SECONDS = 86400.0


@dataclass
class Span:
    """A bar of a timeline lane from ``start`` to ``end``; ``end`` None: it never ends (what
    cannot complete), drawn hatched to the chart's right edge."""

    start: dt.date
    end: dt.date | None
    color: str
    pale: bool = False  # a lighter bar (the install span after the parts)


@dataclass
class Marker:
    day: dt.date
    symbol: str  # pyqtgraph's: "|" a date to meet, "d" a start, "o" a line's date, "x" overdue
    color: str
    size: int = 9


@dataclass
class Lane:
    """One row of a timeline: its label (bold and coloured when it stands out), its bars, its
    markers, a note after its bars and what hovering over it says."""

    key: Any
    label: str
    spans: list[Span] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)
    note: str = ""
    bold: bool = False
    color: str = ""
    tip: str = ""
    header: bool = False  # a group's own row (thicker bar, a rule above it)


class _LaneAxis(pg.AxisItem):  # type: ignore[misc]
    """The lanes' labels on the left axis, each in its own weight and colour (by lane, so two
    lanes of the same name may look different)."""

    def __init__(self) -> None:
        super().__init__(orientation="left")
        self.looks: list[tuple[bool, str]] = []
        self.ground = QColor("#ffffff")  # the plot's, for a lane's colour to read on

    def _lane_of(self, rect: Any) -> int:
        view = self.linkedView()
        if view is None:
            return -1
        value: float = view.mapSceneToView(self.mapToScene(rect.center())).y()
        return round(value)

    def drawPicture(self, p: Any, axisSpec: Any, tickSpecs: Any, textSpecs: Any) -> None:
        p.setRenderHint(p.RenderHint.Antialiasing, False)
        p.setRenderHint(p.RenderHint.TextAntialiasing, True)
        pen, p1, p2 = axisSpec
        p.setPen(pen)
        p.drawLine(p1, p2)
        plain = QFont(self.style["tickFont"] or p.font())
        bold = QFont(plain)
        bold.setBold(True)
        for rect, flags, text in textSpecs:
            index = self._lane_of(rect)
            is_bold, colour = self.looks[index] if 0 <= index < len(self.looks) else (False, "")
            p.setFont(bold if is_bold else plain)
            shown = readable_on(QColor(colour), self.ground) if colour else None
            p.setPen(pg.mkPen(shown) if shown is not None else self.textPen())
            # A bold label is wider than the rectangle measured for it: grow it leftwards.
            p.drawText(rect.adjusted(-80, 0, 0, 0), int(flags), text)


# Lanes' worth of room over the first lane, where the "today" label stands clear of notes.
TODAY_BAND = 0.8


@dataclass
class _Drawing:
    """What a timeline's lanes add up to: one bar item, a scatter item per marker look, the
    rules between groups."""

    x0: list[float] = field(default_factory=list)
    x1: list[float] = field(default_factory=list)
    ys: list[float] = field(default_factory=list)
    heights: list[float] = field(default_factory=list)
    brushes: list[Any] = field(default_factory=list)
    pens: list[Any] = field(default_factory=list)
    marks: dict[tuple[str, str, int], tuple[list[float], list[float]]] = field(default_factory=dict)
    rules: list[float] = field(default_factory=list)

    def add_spans(self, lane: Lane, y: int, left: float, right: float) -> float | None:
        """Lane ``y``'s bars, cut to ``left``..``right``; where the last one ends (None: no bar)."""
        height = 0.64 if lane.header else 0.42
        end_x = None
        for span in lane.spans:
            start = max(_x(span.start), left)
            end = right if span.end is None else min(_x(span.end), right)
            if end < start:
                continue
            colour = QColor(span.color)
            if span.pale:
                colour.setAlpha(90)
            style = HATCHED if span.end is None else Qt.BrushStyle.SolidPattern
            self.x0.append(start)
            self.x1.append(max(end, start + DAY_SECONDS / 2))  # a same-day bar still shows
            self.ys.append(float(y))
            self.heights.append(height)
            self.brushes.append(QBrush(colour, style))
            self.pens.append(pg.mkPen(QColor(span.color), width=1))
            end_x = end if end_x is None else max(end_x, end)
        return end_x

    def add_markers(self, lane: Lane, y: int, left: float, right: float, ground: QColor) -> None:
        """Lane ``y``'s markers, each at least 3:1 on ``ground`` (a dark one on a dark plot
        is lightened)."""
        for marker in lane.markers:
            size = marker.size + (6 if lane.header and marker.symbol == "|" else 0)
            colour = readable_on(QColor(marker.color), ground, 3.0).name()
            xs, at = self.marks.setdefault((marker.symbol, colour, size), ([], []))
            xs.append(min(max(_x(marker.day), left), right))
            at.append(float(y))

    def items(self, left: float, right: float) -> list[Any]:
        """The pyqtgraph items: the bars, the markers (one item per look), the rules."""
        found: list[Any] = []
        if self.x0:
            found.append(
                pg.BarGraphItem(
                    x0=self.x0,
                    x1=self.x1,
                    y=self.ys,
                    height=self.heights,
                    brushes=self.brushes,
                    pens=self.pens,
                )
            )
        for (symbol, colour_name, size), (xs, at) in self.marks.items():
            colour = QColor(colour_name)
            found.append(
                pg.ScatterPlotItem(
                    x=xs,
                    y=at,
                    symbol=symbol,
                    size=size,
                    brush=pg.mkBrush(colour),
                    pen=pg.mkPen(colour, width=2 if symbol in "|x" else 1),
                )
            )
        if self.rules:
            found.append(
                pg.PlotCurveItem(
                    x=[v for _ in self.rules for v in (left, right)],
                    y=[r for r in self.rules for _ in (0, 1)],
                    connect="pairs",
                    pen=pg.mkPen(QColor("#b0bec5"), width=1),
                )
            )
        return found


def _today_line(today: dt.date, ground: QColor) -> Any:
    """A dashed line down the timeline at today, its label in the band over the lanes."""
    grey = readable_on(QColor(GREY), ground)
    return pg.InfiniteLine(
        pos=_x(today),
        angle=90,
        pen=pg.mkPen(QColor(GREY), width=1, style=Qt.PenStyle.DashLine),
        label="today",
        labelOpts={"position": 0.01, "color": grey, "anchors": [(0, 0), (0, 0)]},
    )


class TimelineChart(_Plotted):
    """Lanes of bars along dates, one under the other (the readiness timeline). Clicking a
    lane emits its key; every lane drawn is kept in ``lanes`` as plain values for tests.

    However many lanes, the bars are one item and the markers a few (one per look), so 2,000
    lanes draw as fast as twenty."""

    lane_clicked = Signal(object)

    LANE_PIXELS = 22

    def __init__(self, title: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.axis = _LaneAxis()
        self.plot_widget = pg.PlotWidget(
            axisItems={
                "bottom": pg.DateAxisItem(orientation="bottom"),
                "top": pg.DateAxisItem(orientation="top"),
                "left": self.axis,
            }
        )
        self.plot = self.plot_widget.getPlotItem()
        # What was drawn last, drawn again in the new colours when the scheme changes.
        self._drawn: tuple[Any, ...] | None = None
        self._dress(title)
        self.axis.ground = self.ground
        self.plot.showAxis("top")
        self.plot.showGrid(x=True, y=False, alpha=0.2)
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.plot.getViewBox().setMouseEnabled(x=False, y=False)
        self.plot.invertY(True)
        self.lanes: list[Lane] = []
        self.x_range: tuple[dt.date, dt.date] | None = None
        self.highlighted: tuple[int, int] | None = None
        self._highlight: Any = None
        self.plot.scene().sigMouseClicked.connect(self._scene_clicked)
        self.plot.scene().sigMouseMoved.connect(self._scene_hovered)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot_widget)

    def _dressed(self) -> None:
        self.axis.ground = self.ground
        if self._drawn is not None:
            highlighted = self.highlighted
            self.draw(*self._drawn)
            if highlighted is not None:
                self.highlight(*highlighted)

    def draw(self, lanes: Sequence[Lane], today: dt.date, first: dt.date, last: dt.date) -> None:
        """Draw ``lanes`` top to bottom over the dates ``first``..``last``, today marked."""
        self._drawn = (lanes, today, first, last)
        self.plot.clear()
        self._highlight = None
        self.highlighted = None
        self.lanes = list(lanes)
        self.x_range = (first, last)
        left, right = _x(first), _x(last)
        bold_font = QFont(self.font())
        bold_font.setBold(True)
        drawing = _Drawing()
        self.axis.looks = []
        for y, lane in enumerate(self.lanes):
            self.axis.looks.append((lane.bold, lane.color))
            if lane.header and y:
                drawing.rules.append(y - 0.5)
            end_x = drawing.add_spans(lane, y, left, right)
            drawing.add_markers(lane, y, left, right, self.ground)
            if lane.note:
                self.plot.addItem(self._note(lane, y, end_x or _x(today), right, bold_font))
        for item in drawing.items(left, right):
            self.plot.addItem(item)
        self.plot.addItem(_today_line(today, self.ground))
        self._set_ranges(left, right, bold_font)

    def _note(self, lane: Lane, y: int, end_x: float, right: float, bold_font: QFont) -> Any:
        """The note after a lane's bars (on a white ground over a bar that runs off the edge)."""
        colour = readable_on(QColor(lane.color) if lane.color else self.ink, self.ground)
        if any(span.end is None for span in lane.spans):
            veil = QColor(self.ground)
            veil.setAlpha(225)
            ground = pg.mkBrush(veil)
            text = pg.TextItem(lane.note, color=colour, anchor=(1, 0.5), fill=ground)
            note_x = right
        else:
            ends = [end_x] + [_x(m.day) for m in lane.markers]
            text = pg.TextItem(lane.note, color=colour, anchor=(0, 0.5))
            note_x = min(max(ends), right) + DAY_SECONDS * 3
        if lane.bold:
            text.setFont(bold_font)
        text.setPos(note_x, y)
        return text

    def _set_ranges(self, left: float, right: float, bold_font: QFont) -> None:
        """The lanes' labels on the left axis, as wide as the widest; the dates across; a
        band over the first lane for the "today" label."""
        plain, bold = QFontMetrics(self.font()), QFontMetrics(bold_font)
        widest = max(
            ((bold if lane.bold else plain).horizontalAdvance(lane.label) for lane in self.lanes),
            default=0,
        )
        self.axis.setTicks([[(y, lane.label) for y, lane in enumerate(self.lanes)]])
        self.axis.setWidth(widest + 24)
        count = max(len(self.lanes), 1)
        self.plot.setYRange(-0.6 - TODAY_BAND, count - 0.4, padding=0)
        self.plot.setXRange(left, right, padding=0)
        self.plot_widget.setMinimumHeight(int((count + TODAY_BAND) * self.LANE_PIXELS) + 90)

    def highlight(self, first: int, last: int) -> None:
        """A light band behind lanes ``first``..``last`` (a selected group)."""
        if self._highlight is not None:
            self.plot.removeItem(self._highlight)
            self._highlight = None
        self.highlighted = None
        if not (0 <= first <= last < len(self.lanes)):
            return
        band = pg.LinearRegionItem(
            values=(first - 0.5, last + 0.5),
            orientation="horizontal",
            movable=False,
            brush=pg.mkBrush(QColor(31, 111, 178, 28)),
            pen=pg.mkPen(QColor(31, 111, 178, 90)),
        )
        band.setZValue(-20)
        self.plot.addItem(band, ignoreBounds=True)
        self._highlight = band
        self.highlighted = (first, last)

    def lane_y(self, index: int) -> int:
        """Where lane ``index`` is, in pixels from this widget's top."""
        view = self.plot.getViewBox()
        scene = view.mapViewToScene(QPointF(0, index))
        return int(self.plot_widget.mapTo(self, self.plot_widget.mapFromScene(scene)).y())

    def lane_at(self, y: float) -> Lane | None:
        index = round(y)
        if 0 <= index < len(self.lanes) and abs(y - index) <= 0.5:
            return self.lanes[index]
        return None

    def click_lane(self, index: int) -> None:
        """What a click on lane ``index`` does (for keyboard users and tests)."""
        if 0 <= index < len(self.lanes):
            self.lane_clicked.emit(self.lanes[index].key)

    def _lane_under(self, scene_pos: Any) -> Lane | None:
        view = self.plot.getViewBox()
        if not view.sceneBoundingRect().contains(scene_pos):
            return None
        return self.lane_at(view.mapSceneToView(scene_pos).y())

    def _scene_clicked(self, event: Any) -> None:
        lane = self._lane_under(event.scenePos())
        if lane is not None:
            self.lane_clicked.emit(lane.key)

    def _scene_hovered(self, scene_pos: Any) -> None:
        lane = self._lane_under(scene_pos)
        self.plot_widget.setToolTip(lane.tip if lane is not None else "")
