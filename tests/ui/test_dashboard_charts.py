"""Dashboard charts at a laptop's size: every legend in a line of its own under its plot (never
over a line), and the power chart's site labels each within its group of bars (none overlaps)."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QFontMetrics

pytestmark = pytest.mark.gui


@pytest.mark.parametrize("width", [1366, 1600])
def test_legends_are_under_the_plots_and_site_labels_never_overlap(qtbot, window, width):
    window.resize(width, 768 if width == 1366 else 1000)
    window.show_screen("dashboard")
    dashboard = window.current_screen()
    qtbot.waitUntil(lambda: bool(dashboard.power_chart.bar_ticks), timeout=5000)
    for chart in (dashboard.supply_chart, dashboard.lead_chart, dashboard.power_chart):
        assert chart.legend is None and chart.plot.legend is None
        assert chart.legend_row is not None and chart.legend_row.isVisible()
        for name, _colour, _look in chart.legend_entries:
            assert name in chart.legend_row.text()

    power = dashboard.power_chart
    axis = power.plot.getAxis("bottom")
    metrics = QFontMetrics(axis.style["tickFont"] or power.font())
    group = power.group_pixels()
    assert group > 0 and len(power.bar_ticks) == len(power.series["Grid MW"].xs)
    for tick, site in zip(power.bar_ticks, power.series["Grid MW"].xs, strict=True):
        assert metrics.horizontalAdvance(tick) <= group - 4, (tick, group)
        assert tick == site or tick.endswith("…")
    # The whole names are a hover away.
    assert all(site in power.toolTip() for site in power.series["Grid MW"].xs)
