"""The What if… panel on the hand-built readiness world (tests/services/readiness_world.py,
as of 2026-12-07): a slip that moves PO-1's racks past C-1's need-by date, what the panel
shows against what ``services.whatif`` says, scenarios saved and applied as ETA changes (and
undone), refused after a concurrent change, bad input, and a stale result discarded."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import select

from models import AuditEntry
from models.database import Database
from services import orders, records, whatif
from services.audit import Actor
from tests.services import readiness_world
from tests.services.readiness_world import AS_OF, line_id
from tests.ui.conftest import make_context
from tests.ui.helpers import answer_yes
from ui.context import AppContext
from ui.undo import history_of
from ui.whatif_panel import ARROW, MOVED, TODAY, WhatIfPanel
from ui.workers import Tasks

pytestmark = pytest.mark.gui
# What the offscreen platform cannot do (raise a window, grab the keyboard for a completer's
# list, pass size hints on); a desktop does them.
OFFSCREEN = pytest.mark.qt_log_ignore(
    "propagateSizeHints", "does not support raise", "grabbing the keyboard"
)


@pytest.fixture
def world_db(database: Database) -> Iterator[Database]:
    with database.write() as session:
        readiness_world.build(session)
    yield database


@pytest.fixture
def ctx(qtbot, world_db: Database, tmp_path: Path) -> AppContext:
    return make_context(world_db, tmp_path)


@pytest.fixture
def panel(qtbot, ctx: AppContext) -> WhatIfPanel:
    panel = WhatIfPanel(ctx, as_of=AS_OF)
    qtbot.addWidget(panel)
    panel.show()
    return panel


def _cells(table) -> list[list[str]]:
    return [
        [table.item(r, c).text() for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]


def _d(text: str) -> str:
    from ui import format as fmt

    return fmt.date(dt.date.fromisoformat(text))


def _slip(panel: WhatIfPanel, *slips: tuple[str, int]) -> None:
    assert panel.set_slips(list(slips))
    panel.recompute()


def test_a_slip_past_the_need_by_date_shows_the_contract_going_short(panel, ctx):
    # PO-1's two racks (144 GPUs, ETA 2027-01-05) slip 40 days to 2027-02-14, after C-1's
    # need-by 2027-01-18: C-1 secures nothing of them, all 216 GPUs short; its last GPU comes
    # 2027-02-14 (PO-2's 2027-02-10 before), delivered 2027-02-28: 27 days late (23 before),
    # the late credit capped at 15,000 either way.
    _slip(panel, ("PO-1", 40))
    rows = _cells(panel.contracts)
    assert rows[0][0] == "C-1"
    assert rows[0][2:6] == [
        "144 → 0",
        "72 → 216",
        f"{_d('2027-02-24')} → {_d('2027-02-28')}",
        "23 → 27",
    ]
    assert rows[0][6] == "15,000.00 USD"
    assert panel.summary.text().startswith("What if PO-1 +40 days")
    assert "1 order line move" in panel.summary.text()
    # The chart draws the moved supply beside today's.
    series = panel.chart.series
    assert TODAY in series and MOVED in series
    assert series[TODAY].ys != series[MOVED].ys


def test_the_panel_agrees_with_the_service_on_every_figure(panel, ctx):
    _slip(panel, ("Nvidia", 30), ("PO-4", -20))
    with ctx.db.session() as session:
        outcome = whatif.run(
            session, [whatif.SlipRequest("Nvidia", 30), whatif.SlipRequest("PO-4", -20)], AS_OF
        )
        beside = whatif.supply_beside(outcome)
    assert panel.outcome.as_json() == outcome.as_json()
    rows = _cells(panel.contracts)
    assert [r[0] for r in rows] == [c["contract_ref"] for c in outcome.contracts]
    for row, c in zip(rows, outcome.contracts, strict=True):
        was, now = c["before"], c["after"]
        for cell, key in ((row[2], "secured_gpus"), (row[3], "shortfall")):
            expected = (
                f"{was[key]:,}" if was[key] == now[key] else f"{was[key]:,}{ARROW}{now[key]:,}"
            )
            assert cell == expected
        assert row[5] == (
            str(was["days_late"])
            if was["days_late"] == now["days_late"]
            else f"{was['days_late']}{ARROW}{now['days_late']}"
        )
        for state, text in ((was, row[6].split(ARROW)[0]), (now, row[6].split(ARROW)[-1])):
            assert text.split()[0].replace(",", "") == f"{state['late_credit']}"
    deployments = _cells(panel.deployments)
    assert [r[0] for r in deployments] == [d["deployment_ref"] for d in outcome.deployments]
    alerts = _cells(panel.alerts)
    assert [r[2] for r in alerts] == [
        a["message"] for a in outcome.alerts_new + outcome.alerts_gone
    ]
    # The chart's series are the service's, site by site.
    for index, site in enumerate(beside):
        panel.site_choice.setCurrentIndex(index)
        assert panel.chart.series[TODAY].ys == [p.gpus_supply for p in site.today]
        assert panel.chart.series[MOVED].ys == [p.gpus_supply for p in site.moved]


def test_save_and_apply_writes_the_moved_etas_audited_as_what_if(panel, ctx, monkeypatch):
    asked = answer_yes(monkeypatch)
    _slip(panel, ("PO-1/1", 20))
    assert not panel.apply_button.isEnabled()  # not saved yet
    panel.save_scenario("Nvidia late")
    assert panel.scenario_choice.findText("Nvidia late") >= 0
    assert panel.apply_button.isEnabled()
    panel.ask_apply()
    assert "1 order line" in asked[0]
    with ctx.db.session() as session:
        line = records.get_record(session, "orders", line_id(session, "PO-1"))
        assert line["eta"] == dt.date(2027, 1, 25)
        sources = session.scalars(
            select(AuditEntry.source).where(
                AuditEntry.entity_key == "PO-1/1", AuditEntry.field == "eta"
            )
        ).all()
    assert "what-if" in sources
    assert "applied: 1 ETA moved" in panel.last_message
    # The slips are the records' dates now: nothing left to slip, the panel says what it did.
    assert panel.slips == [] and panel.outcome is None
    assert panel.summary.text().startswith("Scenario 'Nvidia late' applied")
    # Undone through the window's undo history: the ETA is back.
    history = history_of(ctx)
    assert history.stack.canUndo()
    history.undo()
    with ctx.db.session() as session:
        line = records.get_record(session, "orders", line_id(session, "PO-1"))
    assert line["eta"] == dt.date(2027, 1, 5)


def test_apply_is_refused_after_a_concurrent_change(panel, ctx, monkeypatch):
    answer_yes(monkeypatch)
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *_a: warned.append(text))
    _slip(panel, ("PO-1", 20))
    panel.save_scenario("PO-1 late")
    # Another person moves PO-1/1 meanwhile.
    with ctx.db.write() as session:
        orders.change_eta(session, line_id(session, "PO-1"), dt.date(2027, 1, 9), Actor("other"))
    panel.ask_apply()
    assert warned and "was not applied, nothing was written" in warned[0]
    assert "PO-1/1 changed since" in panel.last_message
    with ctx.db.session() as session:
        line = records.get_record(session, "orders", line_id(session, "PO-1"))
    assert line["eta"] == dt.date(2027, 1, 9)
    assert not history_of(ctx).stack.canUndo()


def test_scenarios_are_kept_and_reopened(panel, ctx, qtbot, monkeypatch):
    _slip(panel, ("Nvidia", 30), ("PO-4", -20))
    panel.save_scenario("Two slips")
    other = WhatIfPanel(ctx, as_of=AS_OF)
    qtbot.addWidget(other)
    assert [other.scenario_choice.itemText(i) for i in range(other.scenario_choice.count())] == [
        "Two slips"
    ]
    other.open_scenario("Two slips")
    other.recompute()
    assert [s.text() for s in other.slips] == ["Nvidia=+30", "PO-4=-20"]
    assert other.outcome.as_json() == panel.outcome.as_json()
    answer_yes(monkeypatch)
    other.delete_scenario()
    assert other.scenario_choice.count() == 0
    with ctx.db.session() as session:
        assert whatif.scenarios(session) == []


def test_bad_input_is_named_and_nothing_is_drawn(panel):
    assert not panel.add_slip("PO-1", 0)
    assert "0 days" in panel.last_message
    assert not panel.add_slip("  ", 10)
    assert "Type a vendor" in panel.last_message
    assert panel.days_spin.maximum() == 3650 and panel.days_spin.minimum() == -3650
    _slip(panel, ("Nvdia", 10))
    assert "did you mean 'Nvidia'" in panel.last_message
    assert panel.contracts.rowCount() == 0 and panel.outcome is None
    # A scenario needs a name: nothing is kept without one.
    _slip(panel, ("PO-1", 10))
    panel.save_scenario("   ")
    assert "a scenario needs a name" in panel.last_message
    assert panel.scenario_choice.count() == 0 and not panel.apply_button.isEnabled()


@OFFSCREEN
def test_keyboard_adds_and_removes_slips(panel, qtbot):
    from PySide6.QtCore import Qt

    panel.target_edit.setFocus()
    qtbot.keyClicks(panel.target_edit, "PO-2")
    panel.days_spin.setValue(-5)
    qtbot.keyClick(panel.target_edit, Qt.Key.Key_Return)
    assert [s.text() for s in panel.slips] == ["PO-2=-5"]
    panel.slip_list.setCurrentRow(0)
    panel.remove_selected()
    assert panel.slips == []
    for widget in (panel.target_edit, panel.days_spin, panel.apply_button, panel.contracts):
        assert widget.accessibleName()


def test_a_stale_result_is_discarded(qtbot, world_db, tmp_path):
    context = AppContext("tester", Tasks(), make_context(world_db, tmp_path).settings)
    context.set_database(world_db)
    panel = WhatIfPanel(context, as_of=AS_OF)
    qtbot.addWidget(panel)
    context.tasks.wait()
    qtbot.wait(50)
    panel.set_slips([("PO-1", 20)])
    panel.recompute()  # on the worker thread
    panel.set_slips([("PO-1", 20), ("PO-2", -30)])  # the inputs change meanwhile
    with qtbot.waitSignal(panel.computed, timeout=30_000):
        panel.recompute()
    assert [s.label for s in panel.outcome.slips] == ["PO-1", "PO-2"]
    qtbot.waitUntil(lambda: context.tasks.pending == 0)
    assert panel.discarded == 1


@OFFSCREEN
def test_opened_from_an_order_line_and_a_vendor(window, qtbot):
    window.show_screen("orders")
    screen = window.current_screen()
    qtbot.waitUntil(lambda: screen.model.rowCount() > 0)
    line = screen.model.record(0)
    panel = screen.what_if([f"{line['po_number']}/{line['line']}"])
    assert [s.target for s in panel.slips] == [f"{line['po_number']}/{line['line']}"]
    window.show_screen("vendors")
    vendors = window.current_screen()
    qtbot.waitUntil(lambda: vendors.model.rowCount() > 0)
    name = vendors.model.record(0)["name"]
    assert vendors.what_if([name]) is panel
    assert [s.target for s in panel.slips] == [name]
    panel.recompute()
    assert panel.outcome is not None
    window.show_screen("dashboard")
    assert window.current_screen().what_if() is panel
    assert window.show_what_if() is panel  # View → What if… (Ctrl+Shift+W)


def test_deployments_on_the_demo_data_agree_with_the_service(qtbot, context):
    from services.words import part_words
    from tests.ui.deployments import add_sample_deployments

    with context.db.write() as session:
        add_sample_deployments(session)
    panel = WhatIfPanel(context)
    qtbot.addWidget(panel)
    _slip(panel, ("*", 200))
    with context.db.session() as session:
        outcome = whatif.run(session, [whatif.SlipRequest("*", 200)])
    assert outcome.deployments, "a slip of everything moves some cluster's ready date"
    rows = _cells(panel.deployments)
    assert [r[0] for r in rows] == [d["deployment_ref"] for d in outcome.deployments]
    for row, d in zip(rows, outcome.deployments, strict=True):
        was, now = whatif.critical_parts(outcome, d["deployment_ref"])
        assert row[1].split(ARROW)[-1] == _day_or_unknown(d["after"]["ready_date"])
        assert row[3].split(ARROW)[0] == (part_words(was) if was else "none")
        assert row[3].split(ARROW)[-1] == (part_words(now) if now else "none")
    # PC-HALL-2 waited for its power; 200 days later it waits for a part.
    assert rows[0][0] == "PC-HALL-2" and rows[0][3].startswith("Power energised → ")
    assert panel.outcome.as_json() == outcome.as_json()


def _day_or_unknown(text: str | None) -> str:
    return _d(text) if text else "unknown"
