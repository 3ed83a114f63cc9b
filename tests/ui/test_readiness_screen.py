"""The Readiness screen on the demo data with four deployments (tests/ui/deployments.py):
one row per deployment and its parts beneath, the critical part standing out, what cannot
complete drawn as such, the site filter, selecting a deployment, and a part's order lines."""

from __future__ import annotations

import datetime as dt

import pytest

from services import timeline
from tests.builders import bill_of_parts
from tests.ui.deployments import add_sample_deployments, remove_demo_deployments
from ui.charts import Lane
from ui.screens.readiness_screen import POWER_WORDS, ReadinessScreen

pytestmark = pytest.mark.gui


@pytest.fixture
def deployments(context):
    with context.db.write() as session:
        add_sample_deployments(session)
    with context.db.session() as session:
        return timeline.readiness_timeline(session)


@pytest.fixture
def screen(qtbot, context, deployments):
    screen = ReadinessScreen(context)
    qtbot.addWidget(screen)
    screen.restore_state()
    screen.resize(1400, 900)
    screen.show()
    screen.refresh()
    return screen


def _lanes(screen: ReadinessScreen, ref: str) -> list[Lane]:
    return [lane for lane in screen.chart.lanes if lane.key[1] == ref]


def test_one_row_per_deployment_its_parts_beneath(screen, deployments):
    headers = [lane for lane in screen.chart.lanes if lane.header]
    assert [lane.key for lane in headers] == [("deployment", r.ref) for r in deployments.rows]
    assert [r.ref for r in deployments.rows] == ["CL-POD-2", "PC-HALL-1", "CL-POD-1", "PC-HALL-2"]
    hall1 = _lanes(screen, "PC-HALL-1")
    assert [lane.label for lane in hall1] == [
        "PC-HALL-1 · C-2031",
        "XDU1350 ×24",
        "GPU system ×16",
        "Network ×26",
        "Power ×4",
    ]
    assert screen.summary.text() == "4 deployments: 3 at risk (2 cannot complete)"
    assert not screen.empty.isVisible() and screen.legend.isVisible()


def test_what_cannot_complete_runs_off_the_edge_and_the_critical_part_stands_out(
    screen, deployments
):
    row = next(r for r in deployments.rows if r.ref == "PC-HALL-1")
    header, cdus, racks, _network, power = _lanes(screen, "PC-HALL-1")
    # It cannot complete: its bar has no end, drawn hatched to the right edge.
    assert row.parts_complete is None
    assert header.spans[-1].end is None and header.note == "cannot complete"
    assert [m.day for m in header.markers if m.symbol == "|"] == [row.needed_by]
    assert [m.day for m in header.markers if m.symbol == "d"] == [row.contract_start]
    # Its CDUs are all missing (overdue lines): the critical part, in bold, each overdue
    # line marked where its date passed.
    assert cdus.bold and cdus.note == "16 of 24 missing" and cdus.spans[-1].end is None
    waiting = next(p for p in row.parts if p.part == "XDU1350").waiting
    assert waiting and [m.day for m in cdus.markers if m.symbol == "x"] == [
        w.expected_date for w in waiting
    ]
    # Its power gear came (the site's received UPS line): complete, not critical.
    assert not power.bold and power.note == "" and power.spans[-1].end is not None
    # The racks all come, the last after the needed-by date: late, with each line's date.
    part = next(p for p in row.parts if p.part == "gpu_system")
    assert part.late and not racks.bold
    assert racks.spans[0].end == part.complete_date
    assert sorted(m.day for m in racks.markers) == sorted(line.date for line in part.lines)


def test_a_late_cluster_ends_at_its_ready_date_and_power_can_hold_it_up(screen, deployments):
    row = next(r for r in deployments.rows if r.ref == "PC-HALL-2")
    lanes = _lanes(screen, "PC-HALL-2")
    header = lanes[0]
    parts_span, install_span = header.spans
    assert parts_span.end == row.parts_complete == row.power_ready_date
    assert (install_span.start, install_span.end, install_span.pale) == (
        row.parts_complete,
        row.ready_date,
        True,
    )
    assert header.note == f"{row.days_late} days late" and row.days_late > 0
    assert lanes[-1].label == POWER_WORDS and lanes[-1].bold  # power comes last
    assert not any(lane.bold for lane in lanes[1:-1])
    on_time = _lanes(screen, "CL-POD-1")[0]
    assert on_time.note == "on time" and on_time.spans[0].end is not None


def test_site_filter_and_clusters_at_risk_only(screen, qtbot):
    screen.site_choice.setCurrentIndex(screen.site_choice.findData("Clarion"))
    assert [lane.key[1] for lane in screen.chart.lanes if lane.header] == ["CL-POD-2", "CL-POD-1"]
    assert screen.summary.text().startswith("2 deployments at Clarion")
    screen.at_risk_only.setChecked(True)
    assert [lane.key[1] for lane in screen.chart.lanes if lane.header] == ["CL-POD-2"]
    # Remembered for the next time.
    screen.save_state()
    again = ReadinessScreen(screen.context)
    qtbot.addWidget(again)
    again.restore_state()
    again.refresh()
    assert again.site_choice.currentData() == "Clarion" and again.at_risk_only.isChecked()


def test_selecting_a_deployment_widens_the_filters_and_lists_its_parts(screen, deployments):
    screen.site_choice.setCurrentIndex(screen.site_choice.findData("Clarion"))
    screen.at_risk_only.setChecked(True)
    assert screen.select_deployment("PC-HALL-2")  # late: at risk, at another site
    assert screen.site_choice.currentData() == "Panther Creek"
    assert screen.at_risk_only.isChecked()
    first, last = screen.chart.highlighted
    assert {lane.key[1] for lane in screen.chart.lanes[first : last + 1]} == {"PC-HALL-2"}
    model = screen.parts_model
    row = next(r for r in deployments.rows if r.ref == "PC-HALL-2")
    assert [model.text(i, 0) for i in range(model.rowCount())] == [
        *(p.label for p in row.parts),
        POWER_WORDS,
    ]
    assert model.rows[-1].tone == "critical"
    assert "PC-HALL-2 — Hall 2 GB300 NVL72 at Panther Creek, for C-2032" in screen.detail.text()
    assert not screen.select_deployment("NO-SUCH")
    assert screen.select_deployment("CL-POD-1")  # on time: not at risk
    assert screen.site_choice.currentData() == "Clarion"
    assert not screen.at_risk_only.isChecked()


def test_a_deployment_asked_for_before_the_timeline_is_read(qtbot, context, deployments):
    screen = ReadinessScreen(context)
    qtbot.addWidget(screen)
    assert not screen.select_deployment("CL-POD-1")
    screen.refresh()
    assert screen.selected == "CL-POD-1"


def test_clicking_a_part_asks_for_its_order_lines(screen, qtbot, deployments):
    row = next(r for r in deployments.rows if r.ref == "PC-HALL-1")
    part = next(p for p in row.parts if p.part == "XDU1350")
    index = screen.chart.lanes.index(_lanes(screen, "PC-HALL-1")[1])
    with qtbot.waitSignal(screen.lines_requested) as asked:
        screen.chart.click_lane(index)
    ids, what = asked.args
    assert ids == list(part.line_ids) and ids  # the overdue lines it waits for
    assert what == "XDU1350 for deployment PC-HALL-1"
    assert screen.selected == "PC-HALL-1"
    # The same from the table of parts, by keyboard.
    with qtbot.waitSignal(screen.lines_requested) as again:
        screen.parts_view.activated.emit(screen.parts_model.index(0, 0))
    assert again.args[0] == ids


def test_a_part_no_line_serves_says_so(screen, context, qtbot, deployments):
    with context.db.write() as session:
        bill_of_parts(session, "CL-POD-2", {"other": 2})
    screen.refresh()
    screen.select_deployment("CL-POD-2")
    with qtbot.assertNotEmitted(screen.lines_requested):
        screen.open_part_lines("CL-POD-2", "other")
    assert "No order line at Clarion serves Other" in screen.detail.text()


def test_the_parts_model_passes_the_model_tester(screen, qtmodeltester):
    screen.select_deployment("PC-HALL-1")
    qtmodeltester.check(screen.parts_model)
    screen._show_parts(None)
    qtmodeltester.check(screen.parts_model)


def test_no_deployments_yet(qtbot, context):
    with context.db.write() as session:
        remove_demo_deployments(session)
    screen = ReadinessScreen(context)
    qtbot.addWidget(screen)
    screen.show()
    screen.refresh()
    assert screen.chart.lanes == [] and screen.empty.isVisible()
    assert not screen.legend.isVisible() and not screen.parts_view.isVisible()
    assert screen.empty.text().startswith("No deployments yet")


def test_the_window_opens_a_parts_lines_in_the_orders(window, context, deployments):
    window.show_readiness("PC-HALL-1")
    screen = window.current_screen()
    assert screen is window.screens["readiness"] and screen.selected == "PC-HALL-1"
    row = next(r for r in deployments.rows if r.ref == "PC-HALL-1")
    part = next(p for p in row.parts if p.part == "gpu_system")
    screen.open_part_lines("PC-HALL-1", "gpu_system")
    orders = window.current_screen()
    assert orders is window.screens["orders"]
    shown = {orders.model.record(r)["id"] for r in range(orders.model.rowCount())}
    assert shown == set(part.line_ids)
    assert orders.only_bar.isVisible()
    assert "GPU system for deployment PC-HALL-1" in orders.only_label.text()
    assert orders.selected_id() == part.line_ids[0]


def test_the_timeline_follows_changes(screen, context):
    before = screen.timeline
    assert before is not None and before.as_of == dt.date.today()
    context.changed.emit("orders")
    assert screen.timeline is not before  # read again while on screen


def test_a_mouse_click_on_a_lane_selects_it(screen, qtbot):
    from PySide6.QtCore import QPointF, Qt

    chart = screen.chart
    index = chart.lanes.index(_lanes(screen, "PC-HALL-2")[0])
    view = chart.plot.getViewBox()
    first, last = chart.x_range
    middle = (_seconds(first) + _seconds(last)) / 2
    point = chart.plot_widget.mapFromScene(view.mapViewToScene(QPointF(middle, index)))
    assert (
        chart.lane_at(view.mapSceneToView(chart.plot_widget.mapToScene(point)).y())
        is (chart.lanes[index])
    )
    qtbot.mouseClick(chart.plot_widget.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert screen.selected == "PC-HALL-2"
    chart._scene_hovered(chart.plot_widget.mapToScene(point))
    assert chart.plot_widget.toolTip().startswith("PC-HALL-2 — Hall 2 GB300 NVL72")


def _seconds(day: dt.date) -> float:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp()


def test_a_deployments_row_menu_shows_it_on_the_timeline(window, context, deployments):
    from PySide6.QtWidgets import QMenu

    window.show_screen("deployments")
    listed = window.current_screen()
    row = next(
        r
        for r in range(listed.model.rowCount())
        if listed.model.record(r)["deployment_ref"] == "CL-POD-1"
    )
    listed.select_id(listed.model.record(row)["id"])
    menu = QMenu()
    listed._row_actions(menu)
    [action] = [a for a in menu.actions() if a.text() == "Show on the readiness timeline"]
    action.trigger()
    assert window.current_screen() is window.screens["readiness"]
    assert window.screens["readiness"].selected == "CL-POD-1"
