"""Marked rows are the alerts of the same records (colour, icon and the alert's sentence in the
tooltip); the orders footer adds up open order value in the reporting currency."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QIcon

from services import alerts, records
from tests.builders import D, basic_world, day, fx_rate, order_line
from tests.ui.conftest import make_context
from ui.screens.list_screen import ListScreen
from ui.screens.orders_screen import OrdersScreen
from ui.tables.model import MARK_ROLE

pytestmark = pytest.mark.gui


def _marked_rows(screen):
    model = screen.model
    found = {}
    for row in range(model.rowCount()):
        mark = model.data(model.index(row, 0), MARK_ROLE)
        if mark is not None:
            found[row] = mark
    return found


def test_orders_marks_match_the_alerts_with_colour_icon_and_reason(qtbot, context):
    screen = OrdersScreen(context)
    qtbot.addWidget(screen)
    screen.refresh()
    with context.db.session() as session:
        raised = alerts.evaluate(session, dt.date.today())
    by_line = {}
    for alert in raised:
        if alert.rule in ("overdue_delivery", "eta_slip"):
            by_line.setdefault(alert.subject, []).append(alert)
        elif alert.rule in ("unconfirmed_order", "capacity_shortfall"):
            for ref in alert.related:
                if ref != alert.subject:
                    by_line.setdefault(ref, []).append(alert)
    model = screen.model
    marked = _marked_rows(screen)
    refs = {f"{model.record(r)['po_number']}/{model.record(r)['line']}": r for r in marked}
    assert set(refs) == set(by_line) and refs
    for ref, row in refs.items():
        first = model.index(row, 0)
        later = model.index(row, 3)
        level = marked[row].level
        expected_level = (
            "overdue" if any(a.rule == "overdue_delivery" for a in by_line[ref]) else "at_risk"
        )
        assert level == expected_level, ref
        # Colour on every cell, an icon in the first, the alerts' sentences in the tooltip.
        assert isinstance(model.data(later, Qt.ItemDataRole.BackgroundRole), QBrush)
        assert isinstance(model.data(first, Qt.ItemDataRole.DecorationRole), QIcon)
        assert model.data(later, Qt.ItemDataRole.DecorationRole) is None
        tip = model.data(later, Qt.ItemDataRole.ToolTipRole)
        assert tip.startswith("Overdue: " if level == "overdue" else "At risk: ")
        flat = " ".join(tip.split())
        for alert in by_line[ref]:
            assert " ".join(alert.message.split()) in flat
    unmarked = next(r for r in range(model.rowCount()) if r not in marked)
    assert model.data(model.index(unmarked, 0), Qt.ItemDataRole.BackgroundRole) is None
    screen.update_footer()
    overdue = sum(1 for m in marked.values() if m.level == "overdue")
    assert f"{overdue} overdue" in screen.footer.text()


def test_contract_and_ppa_marks_match_the_alerts(qtbot, context):
    with context.db.session() as session:
        raised = alerts.evaluate(session, dt.date.today())
    for kind, key, rules in (
        ("contracts", "contract_ref", ("capacity_shortfall", "contract_notice_due")),
        ("ppas", "ppa_ref", ("ppa_expiring",)),
    ):
        screen = ListScreen(kind, context)
        qtbot.addWidget(screen)
        screen.refresh()
        expected = {a.subject for a in raised if a.rule in rules}
        if kind == "contracts":
            expected |= {
                ref
                for a in raised
                if a.rule in ("power_shortfall", "ppa_coverage_gap")
                for ref in a.related
            }
        marked = {screen.model.record(r)[key] for r in _marked_rows(screen)}
        assert marked == expected and marked, kind


def test_the_lines_of_the_selected_order_carry_the_list_marks(qtbot, context):
    screen = OrdersScreen(context)
    qtbot.addWidget(screen)
    screen.refresh()
    row, mark = next(iter(_marked_rows(screen).items()))
    record = screen.model.record(row)
    screen.select_id(record["id"])
    screen.load_details()
    lines = screen.lines_model
    at = lines.row_of_id(record["id"])
    assert at >= 0
    assert lines.data(lines.index(at, 0), MARK_ROLE) == mark


def test_footer_open_order_value_is_converted_and_says_what_has_no_rate(
    qtbot, database, tmp_path, actor
):
    with database.write() as session:
        basic_world(session, actor)
        for po, currency, price in (("PO-US", "USD", "100"), ("PO-EU", "EUR", "1000")):
            order_line(
                session,
                po,
                actor=actor,
                quantity=2,
                order_date=day("2026-02-01"),
                currency=currency,
                unit_price=D(price),
                promised_date=day("2030-01-01"),
                status=None,
            )
        fx_rate(session, "EUR", "1.10", "2026-01-01", actor)
    context = make_context(database, tmp_path)
    screen = OrdersScreen(context)
    qtbot.addWidget(screen)
    screen.refresh()
    screen.update_footer()
    # 2 × 100 USD + 2 × 1,000 EUR at 1.10 = 2,400 USD.
    assert "Open order value: 2,400.00 USD" in screen.footer.text()
    assert "exchange rate" not in screen.footer.text()
    assert "GPUs on order: 288" in screen.footer.text()

    # Without a EUR rate the EUR order is left out, and the footer says so.
    with database.write() as session:
        rate = next(r for r in records.list_records(session, "fxrates"))
        records.delete(session, "fxrates", rate["id"], actor)
    screen.refresh()
    screen.update_footer()
    assert (
        "Open order value: 200.00 USD (no EUR exchange rate: 2,000.00 EUR not counted)"
        in screen.footer.text()
    )
    # Filtering narrows the total to the rows shown.
    screen.search.setText("PO-EU")
    screen.update_footer()
    assert "Open order value: 0.00 USD (no EUR exchange rate" in screen.footer.text()


def test_a_moved_eta_marks_its_line_at_once(qtbot, context, monkeypatch):
    from PySide6.QtWidgets import QDialog

    from ui.dialogs.order_dialogs import EtaDialog

    screen = OrdersScreen(context)
    qtbot.addWidget(screen)
    screen.refresh()
    model = screen.model
    marked = _marked_rows(screen)
    row = next(
        r
        for r in range(model.rowCount())
        if r not in marked
        and model.record(r)["status"] in ("placed", "confirmed", "in_production")
        and model.record(r)["promised_date"] is not None
    )
    line = model.record(row)
    screen.select_id(line["id"])
    screen.load_details()

    def fill(dialog):
        dialog.eta.set_value(line["promised_date"] + dt.timedelta(days=120))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(EtaDialog, "exec", fill)
    screen.change_eta()
    mark = model.data(model.index(model.row_of_id(line["id"]), 0), MARK_ROLE)
    assert mark is not None and mark.level == "at_risk"
    assert "slipped 120 days" in mark.reason


def test_with_a_worker_thread_the_list_comes_first_and_its_marks_follow(
    qtbot, qtmodeltester, demo_db, tmp_path
):
    from ui.workers import Tasks

    context = make_context(demo_db, tmp_path)
    context.tasks = Tasks(context)
    screen = OrdersScreen(context)
    qtbot.addWidget(screen)
    screen.resize(1000, 700)
    screen.show()
    with qtbot.waitSignal(screen.model.dataChanged, timeout=20_000):
        screen.refresh()  # first page, the whole list, then the marks (a dataChanged)
    assert screen.complete and screen.row_marks is not None
    assert _marked_rows(screen)
    qtmodeltester.check(screen.model)
    context.tasks.wait()
    qtbot.waitUntil(lambda: context.tasks.pending == 0)
