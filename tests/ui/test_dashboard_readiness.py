"""The dashboard's clusters at risk (linking to the readiness timeline) and its supply chart's
overdue band with the legend under the plot, on the demo data with four deployments."""

from __future__ import annotations

from typing import Any

import pytest

from tests.ui.deployments import add_sample_deployments, remove_demo_deployments
from tests.ui.helpers import shown
from ui.context import AppContext
from ui.dashboard import DashboardScreen
from ui.dashboard.screen import COMMITTED, EXPECTED, OVERDUE, OVERDUE_BAND, SHORTFALL

pytestmark = pytest.mark.gui


@pytest.fixture
def dashboard(qtbot: Any, context: AppContext) -> DashboardScreen:
    with context.db.write() as session:
        add_sample_deployments(session)
    screen = shown(qtbot, DashboardScreen(context), size=(1300, 800))
    assert screen.board is not None
    return screen


def test_clusters_at_risk_worst_first_with_what_holds_them_up(dashboard, qtbot):
    board = dashboard.board
    clusters = dashboard.clusters
    assert [c.ref for c in board.clusters_at_risk] == ["CL-POD-2", "PC-HALL-1", "PC-HALL-2"]
    rows = clusters.model.rows
    assert [r.cells for r in rows] == [
        ("CL-POD-2", "cannot complete", "9395XR-1500 (4 missing)"),
        ("PC-HALL-1", "cannot complete", "XDU1350 (16 missing)"),
        (
            "PC-HALL-2",
            f"{board.clusters_at_risk[2].days_late} days late",
            "Power energised",
        ),
    ]
    assert [r.tone for r in rows] == ["critical", "critical", "late"]
    assert "PC-HALL-1 at Panther Creek for C-2031" in rows[1].tip
    assert clusters.title.text() == "Clusters at risk (3)" and not clusters.empty.isVisible()
    with qtbot.waitSignal(dashboard.readiness_requested) as asked:
        clusters.view.doubleClicked.emit(clusters.model.index(1, 0))
    assert asked.args == ["PC-HALL-1"]
    with qtbot.waitSignal(dashboard.readiness_requested) as opened:
        clusters.open_button.click()
    assert opened.args == [""]  # nothing chosen: the timeline as it is
    clusters.view.setCurrentIndex(clusters.model.index(2, 0))
    with qtbot.waitSignal(dashboard.readiness_requested) as chosen:
        clusters.open_button.click()
    assert chosen.args == ["PC-HALL-2"]


def test_no_cluster_at_risk(qtbot, context):
    with context.db.write() as session:
        remove_demo_deployments(session)
    screen = DashboardScreen(context)  # the demo without deployments
    qtbot.addWidget(screen)
    screen.show()
    screen.refresh()
    assert screen.clusters.model.rowCount() == 0
    assert screen.clusters.empty.isVisible() and not screen.clusters.view.isVisible()


def test_overdue_gpus_are_their_own_band_and_the_legend_covers_no_line(dashboard):
    dashboard.select_site("Panther Creek")
    series = dashboard.site_series("Panther Creek")
    assert series is not None and any(p.gpus_overdue for p in series.points)
    chart = dashboard.supply_chart
    drawn = chart.series
    assert drawn[OVERDUE_BAND].ys == [float(p.gpus_overdue) for p in series.points]
    assert drawn[OVERDUE].ys == [p.gpus_supply + p.gpus_overdue for p in series.points]
    # The legend is a line of its own under the plot, never over it, naming the band once
    # (its dashed edge is not named apart).
    assert chart.legend is None and chart.legend_row is not None
    assert chart.legend_row.isVisible()
    names = [name for name, _colour, _look in chart.legend_entries]
    assert names == [EXPECTED, OVERDUE_BAND, COMMITTED, SHORTFALL]
    assert all(name in chart.legend_row.text() for name in names)
    assert chart.plot.legend is None


def test_the_window_opens_the_timeline_at_a_cluster_from_the_dashboard(window, context):
    with context.db.write() as session:
        add_sample_deployments(session)
    window.show_screen("dashboard")
    dashboard = window.current_screen()
    dashboard.refresh()
    dashboard.clusters.view.doubleClicked.emit(dashboard.clusters.model.index(2, 0))
    readiness = window.current_screen()
    assert readiness is window.screens["readiness"]
    assert readiness.selected == "PC-HALL-2"
    assert window.navigation.currentItem().text() == "Readiness"
