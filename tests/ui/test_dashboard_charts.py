"""Dashboard charts at a laptop's and a desktop's size: every legend in a line of its own under
its plot (never over a line), and the bar charts' site labels as drawn (pyqtgraph's own text
rectangles) never overlapping, each the site's whole name or its short form (never a cut-off
"Pan…"), the whole name and the figures a hover away."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QImage, QPainter

from ui.charts import short_labels

pytestmark = pytest.mark.gui


def _drawn_labels(chart) -> list[tuple[object, str]]:
    """The bottom axis's tick texts as pyqtgraph lays them out: (rectangle, text)."""
    axis = chart.plot.getAxis("bottom")
    image = QImage(10, 10, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        _axis, _ticks, texts = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    return [(rect, text) for rect, _flags, text in texts]


@pytest.mark.parametrize(("width", "height"), [(1366, 768), (1600, 1000)])
def test_legends_are_under_the_plots_and_site_labels_never_overlap(qtbot, window, width, height):
    window.resize(width, height)
    window.show_screen("dashboard")
    dashboard = window.current_screen()
    qtbot.waitUntil(lambda: bool(dashboard.power_chart.bar_ticks), timeout=5000)
    qtbot.wait(50)
    assert window.width() == width
    for chart in (dashboard.supply_chart, dashboard.lead_chart, dashboard.power_chart):
        assert chart.legend is None and chart.plot.legend is None
        assert chart.legend_row is not None and chart.legend_row.isVisible()
        for name, _colour, _look in chart.legend_entries:
            assert name in chart.legend_row.text()

    for chart in (dashboard.power_chart, dashboard.margin_chart):
        sites = list(chart.series[next(iter(chart.series))].xs)
        assert len(sites) >= 4
        drawn = _drawn_labels(chart)
        texts = [text for _rect, text in drawn]
        assert texts == [tick for tick in chart.bar_ticks if tick]
        for i, (rect, text) in enumerate(drawn):
            for other, other_text in drawn[i + 1 :]:
                assert not rect.intersects(other), (text, other_text, width)
        # Whole names, or short forms when the whole ones would not fit; never cut short.
        assert set(texts) <= set(sites) or set(texts) <= set(short_labels(sites))
        assert not any("…" in text for text in texts)
        # Every site named, or at least every third one when even short forms are crowded.
        assert len(texts) * 3 >= len(sites)
        for site in sites:
            tip = chart.bar_tip(site)
            assert tip.startswith(site) and all(name in tip for name in chart.series)


def test_short_labels_are_initials_or_first_letters_and_each_its_own():
    assert short_labels(["Baie-Comeau", "Moses Lake", "Scrubgrass", "Saint-Jerome"]) == [
        "BC",
        "ML",
        "Scr",
        "SJ",
    ]
    shorts = short_labels(["Panther Creek", "Pine City", "Scranton", "Scrubgrass"])
    assert len(set(shorts)) == 4 and shorts[0] != shorts[1]


def test_hovering_a_sites_bars_names_the_site_and_its_figures(qtbot, window):
    window.resize(1366, 768)
    window.show_screen("dashboard")
    power = window.current_screen().power_chart
    qtbot.waitUntil(lambda: bool(power.bar_ticks), timeout=5000)
    view = power.plot.getViewBox()
    sites = list(power.series["Grid MW"].xs)
    for index in (0, len(sites) - 1):
        at = view.mapViewToScene(QPointF(index, 1.0))
        power.plot.scene().sigMouseMoved.emit(at)
        tip = power.plot_widget.toolTip()
        assert tip.splitlines()[0] == sites[index] and "Grid MW: " in tip
    # Off the bars (left of the first group): no tooltip of a site.
    power.plot.scene().sigMouseMoved.emit(view.mapViewToScene(QPointF(-0.55, 1.0)))
    assert power.plot_widget.toolTip() == ""
