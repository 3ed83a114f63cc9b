"""GPUs secured per contract: served in start-date order, the same GPUs never serve two."""

from __future__ import annotations

from services import figures
from services.figures import CumulativeSupply, Demand
from tests.helpers import day
from tests.services.alerts.world import contract, order_line, update_line, world


def three_contracts_and_four_deliveries(session) -> None:
    """One-GPU cards at Panther Creek (install buffer 14 days):

    deliveries: 100 received 2027-01-10, 100 due 2027-02-20, 100 due 2027-04-10,
    50 due 2027-05-01;
    contracts (entered out of order): C (start 2027-05-01, need-by 2027-04-17, 100 GPUs),
    A (start 2027-02-01, need-by 2027-01-18, 150), B (start 2027-03-01, need-by 2027-02-15,
    100).
    """
    world(session)
    order_line(
        session,
        "PO-1",
        sku="H200-1",
        quantity=100,
        promised_date=day("2027-01-10"),
        received_qty=100,
        received_date=day("2027-01-10"),
    )
    order_line(session, "PO-2", sku="H200-1", quantity=100, eta=day("2027-02-20"))
    order_line(session, "PO-3", sku="H200-1", quantity=100, eta=day("2027-04-10"))
    order_line(session, "PO-4", sku="H200-1", quantity=50, eta=day("2027-05-01"))
    contract(session, "C", "2027-05-01", committed_gpus=100)
    contract(session, "A", "2027-02-01", committed_gpus=150)
    contract(session, "B", "2027-03-01", committed_gpus=100)


def test_interleaved_start_dates_and_deliveries(database):
    """A first: 100 arrived by 2027-01-18, nothing committed before: secures 100, 50 short.
    B: 100 arrived by 2027-02-15 (the 2027-02-20 delivery is too late) minus A's 150
    committed = below zero → 0 secured, 100 short. C: 300 by 2027-04-17 minus 250 committed
    before = 50 secured, 50 short. Secured in all: 150, never more than arrived."""
    with database.write() as session:
        three_contracts_and_four_deliveries(session)
        result = figures.contract_figures(session, day("2027-01-01"))
    assert {ref: (f.gpus_secured, f.shortfall) for ref, f in result.items()} == {
        "A": (100, 50),
        "B": (0, 100),
        "C": (50, 50),
    }
    assert result["A"].need_by == day("2027-01-18")
    # A's late lines: everything open arriving after its need-by date, soonest first.
    assert [line.ref for line in result["A"].late_lines] == ["PO-2/1", "PO-3/1", "PO-4/1"]
    assert [line.ref for line in result["C"].late_lines] == ["PO-4/1"]


def test_moving_a_delivery_earlier_serves_the_earlier_customer_first(database):
    """PO-2 (100) now due 2027-01-15, before A's need-by: A gets 150 (full); B: 200 by
    2027-02-15 − 150 = 50; C: 300 by 2027-04-17 − 250 = 50."""
    with database.write() as session:
        three_contracts_and_four_deliveries(session)
        update_line(session, "PO-2", 1, eta=day("2027-01-15"))
        result = figures.contract_figures(session, day("2027-01-01"))
    assert [(r, result[r].gpus_secured) for r in "ABC"] == [("A", 150), ("B", 50), ("C", 50)]


def test_draft_contracts_reserve_nothing_and_ties_go_by_reference(database):
    """A draft contract D starting first takes nothing and shortfall 0. Two contracts on the
    same start day are served by reference: B2 before B3."""
    with database.write() as session:
        three_contracts_and_four_deliveries(session)
        contract(session, "D", "2027-01-20", committed_gpus=1000, status="draft")
        contract(session, "B3", "2027-03-01", committed_gpus=10)
        contract(session, "B2", "2027-03-01", committed_gpus=10)
        result = figures.contract_figures(session, day("2027-01-01"))
    assert (result["D"].gpus_secured, result["D"].shortfall) == (0, 0)
    assert result["A"].gpus_secured == 100
    # By 2027-02-15: 100 arrived; before B2: A 150 + B 100 committed → nothing left.
    assert result["B2"].gpus_secured == 0 and result["B3"].gpus_secured == 0


def test_allocate_pure_function():
    """Supply 50 on 01-10 and 50 on 02-10. X (need-by 01-15, 40), Y (need-by 02-15, 40),
    Z (need-by 02-15, start later, 40): X 40; Y 100 − 40 = 60 → 40; Z 100 − 80 = 20."""
    supply = CumulativeSupply([(day("2027-01-10"), 50), (day("2027-02-10"), 50)])
    demands = [
        Demand("Z", day("2027-03-02"), day("2027-02-15"), 40),
        Demand("X", day("2027-01-29"), day("2027-01-15"), 40),
        Demand("Y", day("2027-03-01"), day("2027-02-15"), 40),
    ]
    assert figures.allocate(demands, supply) == {"X": 40, "Y": 40, "Z": 20}
    assert supply.by(day("2027-01-09")) == 0
    assert supply.by(day("2027-01-10")) == 50
    assert supply.by(day("2030-01-01")) == 100
