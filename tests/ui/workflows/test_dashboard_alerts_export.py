"""The dashboard's charts against the service figures, the alerts screen's acknowledge and
snooze, and exports from the dialog opened with openpyxl, on the demo data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from services import alerts, figures, records
from services.audit import Actor
from tests.ui.helpers import select_rows, shown
from ui import format as fmt
from ui.context import AppContext
from ui.dashboard import DashboardScreen
from ui.dashboard.screen import COMMITTED, EXPECTED, GRID, PPA, REQUIRED, SHORTFALL
from ui.dialogs.export_dialog import SELECTED, SHOWN, ExportDialog
from ui.screens.alerts_screen import AlertsScreen, record_behind
from ui.screens.list_screen import ListScreen

pytestmark = pytest.mark.gui


@pytest.fixture
def dashboard(qtbot: Any, context: AppContext) -> DashboardScreen:
    screen = shown(qtbot, DashboardScreen(context), size=(1200, 800))
    assert screen.board is not None
    return screen


def test_supply_chart_is_the_site_series_with_the_shortfall_shaded(
    dashboard: DashboardScreen, context: AppContext
) -> None:
    today = dt.date.today()
    board = dashboard.board
    assert board is not None and board.supply
    with context.db.session() as session:
        short_sites = {s.name for s in figures.site_figures(session, today) if s.gpus_short}
        for series in board.supply:
            dashboard.select_site(series.site)
            expected = figures.site_supply_series(session, series.site, today, 24)
            drawn = dashboard.supply_chart.series
            assert drawn[EXPECTED].xs == [p.day for p in expected]
            assert drawn[EXPECTED].ys == [p.gpus_supply for p in expected]
            assert drawn[COMMITTED].ys == [p.gpus_committed for p in expected]
            assert drawn[SHORTFALL].ys == [
                float(max(p.gpus_committed - p.gpus_supply, 0)) for p in expected
            ]
    # The site most at risk comes first, marked, and the note names it.
    first = dashboard.site_choice.itemText(0)
    assert first.startswith("⚠ ")
    assert short_sites and all(site in dashboard.risk_note.text() for site in short_sites)
    # Each contract at risk says by when to order more (or that it is too late to).
    for contract in dashboard.board.contracts_at_risk[:4]:
        assert contract.order_by is not None
        said = (
            "too late to order by the quickest quote: expedite"
            if contract.order_by < dashboard.board.as_of
            else f"order by {fmt.date(contract.order_by)}"
        )
        assert said in dashboard.risk_note.text()


def test_tiles_power_and_lead_time_charts_and_clicks_filter_the_lists(
    qtbot: Any, dashboard: DashboardScreen, context: AppContext
) -> None:
    board = dashboard.board
    assert board is not None
    tiles = dashboard.tiles
    assert tiles["alerts"].value.text() == f"{board.tiles.alerts_by_severity['critical']} critical"
    assert tiles["delivered"].value.text().replace(",", "") == str(board.tiles.gpus_delivered)
    power = dashboard.power_chart.series
    shown_sites = power[GRID].xs
    by_name = {s.name: s for s in board.sites}
    assert power[GRID].ys == [by_name[n].grid_mw for n in shown_sites]
    assert power[REQUIRED].ys == [by_name[n].mw_required_peak for n in shown_sites]
    assert power[PPA].ys == [by_name[n].ppa_mw for n in shown_sites]

    vendor = next(v for v in board.lead_times if v.quoted and v.actual)
    dashboard.select_vendor(vendor.vendor)
    lead = dashboard.lead_chart.series
    assert lead["Quoted lead time"].ys == [days for _, days in vendor.quoted]
    assert lead["Actual lead time"].ys == [days for _, days in vendor.actual]

    asked: list[tuple[str, str, str]] = []
    dashboard.filter_requested.connect(lambda *a: asked.append(a))
    dashboard.power_chart.click_bar(shown_sites[0])
    dashboard.vendor_orders.click()
    dashboard.site_orders.click()
    assert asked == [
        ("orders", "site", shown_sites[0]),
        ("orders", "vendor", vendor.vendor),
        ("orders", "site", dashboard.site_choice.currentData()),
    ]
    # A click on the plot where a site's bars stand gives that site.
    assert dashboard.power_chart.label_at(1.1) == shown_sites[1]


def test_charts_redraw_when_the_records_change(
    qtbot: Any, dashboard: DashboardScreen, context: AppContext
) -> None:
    board = dashboard.board
    assert board is not None
    site = board.supply[0].site
    dashboard.select_site(site)
    with context.db.write() as session:
        lines = [
            r
            for r in records.list_records(session, "orders")
            if r["site"] == site and r["status"] not in ("received", "cancelled")
        ]
        for line in lines:
            records.update(session, "orders", line["id"], {"status": "cancelled"}, Actor("t"))
    drawn: list[bool] = []
    dashboard.drawn.connect(lambda: drawn.append(True))
    context.changed.emit("orders")  # what the window announces after any save or import
    assert drawn
    with context.db.session() as session:
        expected = figures.site_supply_series(session, site, dt.date.today(), 24)
    assert dashboard.supply_chart.series[EXPECTED].ys == [p.gpus_supply for p in expected]


def _accept_dialog(screen: AlertsScreen, note: str, until: dt.date | None) -> None:
    def fill() -> None:
        dialog = QApplication.activeModalWidget()
        assert dialog is screen.dialog
        dialog.note.setPlainText(note)
        dialog.until.set_value(until)
        dialog.accept()

    QTimer.singleShot(0, fill)


def test_alerts_acknowledge_snooze_and_go_to(qtbot: Any, context: AppContext) -> None:
    screen = AlertsScreen(context)
    qtbot.addWidget(screen)
    screen.show()
    counts: list[dict[str, int]] = []
    screen.counts_changed.connect(counts.append)
    screen.refresh()
    with context.db.session() as session:
        raised = alerts.visible_alerts(session)
    assert screen.model.rowCount() == len(raised) > 0
    critical = screen.counts["critical"]
    assert critical == sum(1 for a in raised if a.severity == "critical") > 0

    # Filters: only critical, then only one rule.
    severity = screen.filters["severity"]
    severity.setCurrentIndex(severity.findData("critical"))
    assert screen.model.rowCount() == critical
    screen.view.selectRow(0)
    first = screen.selected_alert()
    assert first.severity == "critical"

    # Go to: the record behind it.
    opened: list[tuple[str, str]] = []
    screen.open_record.connect(lambda *a: opened.append(a))
    screen.go_button.click()
    assert opened == [record_behind(first.rule, first.subject)]

    # Acknowledge with a note: it leaves the list, the count drops, the window is told.
    changed: list[str] = []
    context.changed.connect(changed.append)
    _accept_dialog(screen, "Vendor confirmed a recovery plan", None)
    screen.ack_button.click()
    assert "alerts" in changed
    assert counts[-1]["critical"] == critical - 1
    assert first.key not in [screen.model.alert(r).key for r in range(screen.model.rowCount())]
    with context.db.session() as session:
        ack = alerts.acknowledgements(session)[first.key]
    assert ack.note == "Vendor confirmed a recovery plan" and ack.user == "tester"

    # Snooze another one for a week.
    screen.view.selectRow(0)
    second = screen.selected_alert()
    until = dt.date.today() + dt.timedelta(days=7)
    _accept_dialog(screen, "waiting for the new ETA", until)
    screen.snooze_button.click()
    with context.db.session() as session:
        assert alerts.acknowledgements(session)[second.key].snoozed_until == until
    assert counts[-1]["critical"] == critical - 2

    # Shown again, greyed, with "show acknowledged".
    screen.show_acknowledged.setChecked(True)
    keys = [screen.model.alert(r).key for r in range(screen.model.rowCount())]
    assert first.key in keys and second.key in keys


def test_several_alerts_acknowledged_together(qtbot: Any, context: AppContext) -> None:
    screen = AlertsScreen(context)
    qtbot.addWidget(screen)
    screen.show()
    screen.refresh()
    assert screen.model.rowCount() >= 3
    select_rows(screen.view, [0, 1, 2])
    chosen = screen.selected_alerts()
    assert len(chosen) == 3
    assert screen.ack_button.text() == "Acknowledge selected…"
    seen: dict[str, str] = {}

    def fill() -> None:
        dialog = QApplication.activeModalWidget()
        assert dialog is screen.dialog
        seen["title"] = dialog.windowTitle()
        dialog.note.setPlainText("weekly review: all three with the vendor")
        dialog.accept()

    QTimer.singleShot(0, fill)
    screen.ack_button.click()
    assert seen["title"] == "Acknowledge 3 alerts"
    shown = {screen.model.alert(r).key for r in range(screen.model.rowCount())}
    with context.db.session() as session:
        acks = alerts.acknowledgements(session)
    for alert in chosen:
        assert alert.key not in shown
        assert acks[alert.key].note == "weekly review: all three with the vendor"
        assert acks[alert.key].user == "tester"
    select_rows(screen.view, [0])
    assert screen.ack_button.text() == "Acknowledge…"


def test_export_contract_summary_from_the_dialog(
    qtbot: Any, context: AppContext, tmp_path: Path
) -> None:
    dialog = ExportDialog(context)
    qtbot.addWidget(dialog)
    assert dialog.what.currentData() == "contracts"
    assert dialog.as_of.isEnabled()
    out = tmp_path / "summary.xlsx"
    dialog.path.setText(str(out))
    dialog.as_of.set_value(dt.date.today())
    dialog.export_button.click()
    assert dialog.error is None, dialog.error
    assert dialog.result is not None and not dialog.open_folder.isHidden()
    book = openpyxl.load_workbook(out)
    assert {"Contracts", "Sites", "PPAs", "Alerts"} <= set(book.sheetnames)
    sheet = book["Contracts"]
    headers = [c.value for c in next(sheet.iter_rows(max_row=5)) if c.value]
    with context.db.session() as session:
        contracts = records.list_records(session, "contracts")
    refs = {c["contract_ref"] for c in contracts}
    found = {c.value for row in sheet.iter_rows() for c in row if c.value in refs}
    assert found == refs
    assert "written to" in dialog.status.text()
    assert headers


def test_export_a_list_exactly_as_shown(qtbot: Any, context: AppContext, tmp_path: Path) -> None:
    screen = ListScreen("orders", context)
    qtbot.addWidget(screen)
    screen.refresh()
    site = screen.model.distinct("site")[0]
    screen.filters["site"].setCurrentIndex(screen.filters["site"].findData(site))
    shown_rows = screen.model.rowCount()
    assert 0 < shown_rows < screen.model.total_rows
    hidden = next(i for i in range(len(screen.model.columns)) if not screen.view.isColumnHidden(i))
    screen.view.setColumnHidden(hidden, True)
    visible = [
        screen.model.columns[i].title
        for i in range(len(screen.model.columns))
        if not screen.view.isColumnHidden(i)
    ]

    dialog = ExportDialog(context, screen)
    qtbot.addWidget(dialog)
    assert dialog.what.currentData() == SHOWN
    out = tmp_path / "orders shown.xlsx"
    dialog.path.setText(str(out))
    dialog.export_button.click()
    assert dialog.error is None, dialog.error
    sheet = openpyxl.load_workbook(out).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    header_at = next(i for i, r in enumerate(rows) if r and r[0] == visible[0])
    assert list(rows[header_at][: len(visible)]) == visible
    body = [r for r in rows[header_at + 1 :] if any(v is not None for v in r)]
    assert len(body) == shown_rows
    site_column = visible.index(next(t for t in visible if t.lower() == "site"))
    assert {r[site_column] for r in body} == {site}


def test_export_only_the_selected_rows(qtbot: Any, context: AppContext, tmp_path: Path) -> None:
    screen = ListScreen("orders", context)
    qtbot.addWidget(screen)
    screen.refresh()
    select_rows(screen.view, [4, 1, 7])
    picked = {screen.model.record(r)["po_number"] for r in (1, 4, 7)}
    dialog = ExportDialog(context, screen)
    qtbot.addWidget(dialog)
    # Several rows selected: exporting them is what the dialog offers first.
    assert dialog.what.currentData() == SELECTED
    assert "the 3 selected rows" in dialog.what.currentText()
    assert dialog.path.text().endswith(f"orders-selected-{dt.date.today().isoformat()}.xlsx")
    out = tmp_path / "picked.xlsx"
    dialog.path.setText(str(out))
    dialog.export_button.click()
    assert dialog.error is None, dialog.error
    assert dialog.result.rows == 3
    sheet = openpyxl.load_workbook(out).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    header_at = next(i for i, r in enumerate(rows) if r and r[0] == "PO number")
    body = [r for r in rows[header_at + 1 :] if r and r[0] is not None]
    assert {r[0] for r in body} == picked and len(body) == 3


def test_alert_model_passes_the_model_tester(qtmodeltester: Any, context: AppContext) -> None:
    from ui.screens.alerts_screen import AlertTableModel

    with context.db.session() as session:
        raised = alerts.visible_alerts(session, include_acknowledged=True)
    model = AlertTableModel()
    model.set_alerts(raised)
    qtmodeltester.check(model)
    model.set_filter("severity", "warning")
    model.set_search("slipped")
    qtmodeltester.check(model)
