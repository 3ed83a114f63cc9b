"""What supplies a contract (the Contracts screen's Supply tab), what an order line serves (the
Orders screen's Serves tab), and what the vendors' scorecard columns mean (their headers'
tooltips), on the demo data with four deployments (tests/ui/deployments.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from services import pegging
from tests.ui.deployments import add_sample_deployments
from tests.ui.helpers import show_record, shown
from ui import format as fmt
from ui.screens.contracts_screen import ContractsScreen
from ui.screens.orders_screen import OrdersScreen
from ui.screens.pegging import LATE, SECURED
from ui.tables.kinds import LISTS, ON_TIME_TIP
from ui.tables.model import RecordTableModel
from ui.tables.rows import KEY_ROLE, Row, RowsModel

pytestmark = pytest.mark.gui


@pytest.fixture
def with_deployments(context):
    with context.db.write() as session:
        add_sample_deployments(session)
    return context


@pytest.fixture
def contracts(qtbot, with_deployments):
    return shown(qtbot, ContractsScreen(with_deployments))


@pytest.fixture
def orders(qtbot, with_deployments):
    screen = shown(qtbot, OrdersScreen(with_deployments))
    screen.details.setCurrentWidget(screen.serves)
    return screen


def test_a_contracts_supply_tab_shows_its_pegging(contracts, with_deployments, qtbot):
    show_record(contracts, "contract_ref", "C-2031")
    with with_deployments.db.session() as session:
        peg = pegging.contract_pegging(session, "C-2031")
    panel = contracts.supply
    assert panel.pegging is not None and panel.pegging.ref == "C-2031"
    assert panel.facts["need_by"].text() == fmt.date(peg.need_by)
    # It cannot complete (PC-HALL-1 waits for overdue CDUs): delivery unknown, days unknown.
    assert peg.delivery_date is None
    assert panel.facts["delivery"].text() == "unknown (cannot complete)"
    assert panel.facts["days_late"].text() == "unknown"
    assert peg.order_by is not None and peg.order_by < dt.date.today()
    assert panel.facts["order_by"].text() == f"{fmt.date(peg.order_by)} (passed: expedite)"
    rows = panel.lines_model.rows
    assert [r.cells for r in rows] == [
        (
            line.ref,
            line.vendor,
            line.sku,
            fmt.number(line.gpus),
            fmt.date(line.date),
            SECURED if line.secured else LATE,
        )
        for line in peg.lines
    ]
    assert {SECURED, LATE} <= {r.cells[-1] for r in rows}  # the demo has both
    assert [r.tone for r in rows if r.cells[-1] == LATE] == ["late"]
    assert "1,224 short" in panel.note.text().replace("<b>", "").replace("</b>", "")
    assert "overdue" in panel.note.text()
    [deployment] = panel.deployments_model.rows
    assert deployment.cells[0] == "PC-HALL-1"
    assert deployment.tip.startswith("PC-HALL-1 — Hall 1 GB300 NVL72")
    assert deployment.cells[3] == "cannot complete" and deployment.tone == "bad"
    # Double-clicks: the lines that serve it (the chosen one first), its deployment.
    with qtbot.waitSignal(contracts.lines_requested) as asked:
        panel.lines_view.doubleClicked.emit(panel.lines_model.index(1, 0))
    ids, what = asked.args
    assert ids[0] == peg.lines[1].line_id and set(ids) == {line.line_id for line in peg.lines}
    assert what == "contract C-2031 (the lines that serve it)"
    with qtbot.waitSignal(contracts.readiness_requested) as shown:
        panel.deployments_view.doubleClicked.emit(panel.deployments_model.index(0, 0))
    assert shown.args == ["PC-HALL-1"]


def test_a_contract_that_does_not_bind_and_one_delivered_on_time(contracts):
    show_record(contracts, "contract_ref", "C-2033")  # a draft
    panel = contracts.supply
    assert panel.facts["late_credit"].text() == "none (does not bind)"
    assert panel.facts["delivery"].text() == "—"
    assert "does not bind" in panel.note.text() and panel.lines_model.rowCount() == 0
    show_record(contracts, "contract_ref", "C-0912")
    assert panel.pegging.ref == "C-0912"
    assert panel.facts["days_late"].text() == "on time"
    assert panel.deployments_title.text() == "No deployment: served by its GPUs directly"


def test_the_contracts_pegging_is_read_once_per_load(contracts, with_deployments):
    show_record(contracts, "contract_ref", "C-2031")
    first = contracts.pegging
    show_record(contracts, "contract_ref", "C-2032")
    assert contracts.pegging is first and contracts.supply.pegging.ref == "C-2032"
    contracts.refresh()  # a change: the figures are read again
    show_record(contracts, "contract_ref", "C-2032")
    assert contracts.pegging is not first


def test_an_overdue_line_is_at_risk_and_names_what_waits_for_it(orders, with_deployments, qtbot):
    record = show_record(orders, "po_number", "PC-2026-007")
    with with_deployments.db.session() as session:
        peg = pegging.line_pegging(session, record["id"])
    assert peg.overdue and peg.waiting
    text = orders.serves.summary.text()
    assert f"At risk: overdue since {fmt.date(peg.expected_date)}" in text
    assert "count for nothing until the vendor gives a new ETA" in text
    waiting = [r for r in orders.serves.model.rows if r.cells[-1] == "waiting for it"]
    assert [(r.key, r.tone) for r in waiting] == [
        (("deployment", w.deployment_ref), "bad") for w in peg.waiting
    ]
    with qtbot.waitSignal(orders.readiness_requested) as asked:
        orders.serves.view.doubleClicked.emit(orders.serves.model.index(0, 0))
    assert asked.args == [peg.waiting[0].deployment_ref]


def test_a_line_serving_a_contract(orders, with_deployments, qtbot):
    with with_deployments.db.session() as session:
        peg = pegging.contract_pegging(session, "C-0912")
    line = peg.lines[0]
    orders.select_id(line.line_id)
    orders.load_details()
    rows = orders.serves.model.rows
    assert rows[0].cells[0] == "contract C-0912" and rows[0].cells[1] == peg.customer
    assert rows[0].cells[4] == fmt.number(line.gpus)
    assert "It serves contract C-0912." in orders.serves.summary.text()
    with qtbot.waitSignal(orders.contract_requested) as asked:
        orders.serves.view.doubleClicked.emit(orders.serves.model.index(0, 0))
    assert asked.args == ["C-0912"]


def test_the_serves_tab_reads_only_when_in_front(orders):
    shown = orders.serves.pegging.line_id if orders.serves.pegging else None
    orders.details.setCurrentIndex(0)
    for row in (1, 2):
        record = orders.model.record(row)
        assert record["id"] != shown
        orders.select_id(record["id"])
        orders.load_details()
        assert orders.serves.pegging is None  # nor another line's, behind the tab
    orders.details.setCurrentWidget(orders.serves)
    assert orders.serves.pegging is not None and orders.serves.pegging.line_id == record["id"]


def test_the_vendors_scorecard_headers_say_what_they_mean(qapp):
    model = RecordTableModel(LISTS["vendors"].columns())
    names = [c.name for c in model.columns]
    tip = model.headerData(names.index("on_time_pct"), Qt.Orientation.Horizontal, Qt.ToolTipRole)
    assert tip == ON_TIME_TIP
    assert "÷ (units received + units overdue now)" in tip
    for name in ("units_overdue", "median_slip_days", "open_value"):
        assert model.headerData(names.index(name), Qt.Orientation.Horizontal, Qt.ToolTipRole)
    assert model.headerData(names.index("name"), Qt.Orientation.Horizontal, Qt.ToolTipRole) is None


def test_rows_model_passes_the_model_tester_and_keeps_keys(qtmodeltester):
    model = RowsModel(["Part", "Units"], numeric=(1,), tips=("What", ""))
    model.set_rows(
        [
            Row(("XDU1350", "8"), key=("part", "D-1", "XDU1350"), tone="critical", tip="all"),
            Row(("Network", "26"), key=("part", "D-1", "network")),
        ]
    )
    qtmodeltester.check(model)
    assert model.data(model.index(0, 0), KEY_ROLE) == ("part", "D-1", "XDU1350")
    assert model.data(model.index(0, 0), Qt.ItemDataRole.FontRole).bold()
    assert model.data(model.index(1, 0), Qt.ItemDataRole.FontRole) is None
    assert model.row_of_key(("part", "D-1", "network")) == 1
    assert model.headerData(0, Qt.Orientation.Horizontal, Qt.ToolTipRole) == "What"
    assert model.headerData(1, Qt.Orientation.Horizontal, Qt.ToolTipRole) is None
    with pytest.raises(ValueError, match="1 cells for 2 columns"):
        model.set_rows([Row(("only one",))])
    model.set_rows([])
    qtmodeltester.check(model)


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("per_gpu_hour", "per GPU-hour"),
        ("managed_training", "Managed training"),
        ("gpu_lease", "GPU lease"),
        ("power_ready", "Power energised"),
        (None, ""),
    ],
)
def test_codes_read_as_words(code, words):
    assert fmt.choice(code) == words
