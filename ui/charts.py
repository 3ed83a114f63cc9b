"""A small chart widget over pyqtgraph: the one place that knows pyqtgraph.

QtCharts is deprecated since Qt 6.10, so charts are drawn with pyqtgraph; screens talk to
``Chart`` only (step lines, lines, points, shaded gaps, grouped bars, clicks by name), so the
library behind it can change without touching them. Every series drawn is also kept as plain
values in ``Chart.series`` (name -> (xs, ys)), which is what tests compare with the figures.

Values arrive as dates, ints and Decimals; they become floats only here, for drawing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QVBoxLayout, QWidget

Number = int | float | Decimal

# Colours a buyer can tell apart (also in grey print): supply, commitments, gaps, neutral.
BLUE = "#1f6fb2"
ORANGE = "#e07b00"
RED = "#c62828"
GREEN = "#2e7d32"
GREY = "#7a7a7a"
PURPLE = "#6a4c93"

pg.setConfigOptions(antialias=True, background="w", foreground="#333333")


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


class Chart(QWidget):
    """One plot with a title, a legend and named series. ``clicked(name)`` tells which bar
    label or series the person clicked."""

    clicked = Signal(str)

    def __init__(
        self,
        title: str = "",
        *,
        dates: bool = True,
        y_label: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        axis = {"bottom": pg.DateAxisItem(orientation="bottom")} if dates else {}
        self.plot_widget = pg.PlotWidget(axisItems=axis)
        self.plot_widget.setMinimumHeight(180)
        self.plot = self.plot_widget.getPlotItem()
        self.plot.setTitle(title, size="10pt")
        self.plot.showGrid(x=True, y=True, alpha=0.2)
        self.plot.setMenuEnabled(False)
        self.plot.getViewBox().setMouseEnabled(x=False, y=False)
        if y_label:
            self.plot.setLabel("left", y_label)
        self.legend = self.plot.addLegend(offset=(8, 8), labelTextSize="8pt")
        self.series: dict[str, Series] = {}
        self._bar_labels: list[str] = []
        self.plot.scene().sigMouseClicked.connect(self._scene_clicked)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot_widget)

    # --- content -------------------------------------------------------------------------

    def clear(self) -> None:
        self.plot.clear()
        self.legend.clear()
        self.series.clear()
        self._bar_labels = []
        bottom = self.plot.getAxis("bottom")
        if not isinstance(bottom, pg.DateAxisItem):
            bottom.setTicks(None)

    def set_title(self, title: str) -> None:
        self.plot.setTitle(title, size="10pt")

    def _pen(self, color: str, width: float = 2, dashed: bool = False) -> Any:
        style = Qt.PenStyle.DashLine if dashed else Qt.PenStyle.SolidLine
        return pg.mkPen(QColor(color), width=width, style=style)

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
    ) -> None:
        """A cumulative figure: each value holds until the next point."""
        sx, sy = _stairs([_x(x) for x in xs], [float(y) for y in ys])
        item = self.plot.plot(sx, sy, pen=self._pen(color, width, dashed), name=name)
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
        item = self.plot.plot(
            [_x(x) for x in xs],
            [float(y) for y in ys],
            pen=self._pen(color, 2, dashed),
            symbol=symbol,
            symbolSize=6,
            symbolBrush=QColor(color),
            symbolPen=None,
            name=name,
        )
        self._clickable(item, name)
        self.series[name] = Series(name, list(xs), list(ys), [item])

    def points(
        self, name: str, xs: Sequence[dt.date | Number], ys: Sequence[Number], color: str
    ) -> None:
        item = self.plot.plot(
            [_x(x) for x in xs],
            [float(y) for y in ys],
            pen=None,
            symbol="t",
            symbolSize=8,
            symbolBrush=QColor(color),
            symbolPen=None,
            name=name,
        )
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
        self.legend.addItem(pg.BarGraphItem(x=[0], height=[0], width=0, brush=fill_colour), name)

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
            self.legend.addItem(item, name)
            self.series[name] = Series(name, list(labels), list(values), [item])
        axis = self.plot.getAxis("bottom")
        axis.setTicks([[(i, _short(label)) for i, label in enumerate(labels)]])
        self.plot.setXRange(-0.6, len(labels) - 0.4, padding=0)

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

    def _scene_clicked(self, event: Any) -> None:
        if not self._bar_labels:
            return
        view = self.plot.getViewBox()
        if not view.sceneBoundingRect().contains(event.scenePos()):
            return
        label = self.label_at(view.mapSceneToView(event.scenePos()).x())
        if label is not None:
            self.clicked.emit(label)

    def click_bar(self, label: str) -> None:
        """What a click on ``label``'s bars does (for keyboard users and tests)."""
        if label in self._bar_labels:
            self.clicked.emit(label)


def _short(label: str, limit: int = 8) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
