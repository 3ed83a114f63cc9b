"""What-if: moving supply dates, and what it does to contracts and clusters, by hand."""

from __future__ import annotations

from domain.picture import picture
from domain.power import Site
from domain.whatif import Scope, Slip, apply, slip_for
from domain.world import Vendor, World
from tests.domain.builders import CDU, PRODUCTS, RACK, D, contract, day, deployment, line

AS_OF = day("2026-12-07")


def world(lines, contracts=(), deployments=()) -> World:
    return World(
        sites={1: Site(1, "Panther Creek", D("350"), D("1.25"))},
        vendors={1: Vendor(1, "Nvidia"), 3: Vendor(3, "Vertiv", ("Vertiv Co",))},
        products=PRODUCTS,
        lines=list(lines),
        contracts=list(contracts),
        ppas=[],
        deployments=list(deployments),
    )


def test_the_most_specific_slip_wins() -> None:
    item = line("PO-7", 2, eta="2027-01-10")
    vendor = Slip(Scope.VENDOR, 30, vendor_id=RACK.vendor_id)
    order = Slip(Scope.ORDER, 10, po_number="PO-7")
    exact = Slip(Scope.LINE, 5, po_number="PO-7", line_no=2)
    assert slip_for(item, [exact, order, vendor]) is exact
    assert slip_for(item, [vendor, order]) is order
    assert slip_for(line("PO-8", 1), [vendor, order]) is vendor


def test_only_open_dated_units_move_never_before_the_as_of_day() -> None:
    dated = line("PO-1", 1, eta="2027-01-10")
    overdue = line("PO-2", 1, eta="2026-11-01")
    undated = line("PO-3", 1)
    received = line(
        "PO-4", 1, status="received", received=1, received_on="2026-11-20", eta="2026-11-20"
    )
    moved, moves = apply([dated, overdue, undated, received], [Slip(Scope.EVERYTHING, 42)], AS_OF)
    assert [m.ref for m in moves] == ["PO-1/1"]
    assert moved[0].eta == day("2027-02-21")
    assert moved[1:] == [overdue, undated, received]
    # Sixty days earlier would fall before the as-of day: it stops there.
    _, moves = apply([dated], [Slip(Scope.EVERYTHING, -60)], AS_OF)
    assert moves[0].after == AS_OF


def test_a_slip_that_moves_a_unit_past_the_need_by_date_costs_late_credits() -> None:
    # C-1 starts 2027-02-01 (need-by 2027-01-18) with 72 GPUs, 25,000 a day late, cap
    # 1,000,000. Its rack is due 2027-01-10: delivered 2027-01-24, on time.
    c1 = contract("C-1", gpus=72, start="2027-02-01", per_day=D("25000"), cap=D("1000000"))
    rack = line("PO-1", 1, eta="2027-01-10")
    before = picture(world([rack], [c1]), AS_OF).contracts["C-1"]
    assert (before.gpus_secured, before.days_late, before.late_credit.amount) == (72, 0, 0)
    # Nvidia slips 30 days: the rack comes 2027-02-09, after need-by: 0 secured, 72 short;
    # delivered 2027-02-23, 22 days late × 25,000 = 550,000.
    moved, _ = apply([rack], [Slip(Scope.VENDOR, 30, vendor_id=RACK.vendor_id)], AS_OF)
    after = picture(world(moved, [c1]), AS_OF).contracts["C-1"]
    assert (after.gpus_secured, after.shortfall) == (0, 72)
    assert after.delivery_date == day("2027-02-23")
    assert after.days_late == 22
    assert after.late_credit.amount == D("550000")
    # Ninety days: 82 days late × 25,000 = 2,050,000, capped at 1,000,000.
    moved, _ = apply([rack], [Slip(Scope.ORDER, 90, po_number="PO-1")], AS_OF)
    capped = picture(world(moved, [c1]), AS_OF).contracts["C-1"]
    assert capped.days_late == 82 and capped.late_credit.amount == D("1000000")


def test_a_slip_earlier_rescues_a_contract() -> None:
    c1 = contract("C-1", gpus=72, start="2027-02-01", per_day=D("10000"))
    rack = line("PO-1", 1, eta="2027-01-28")  # after the need-by 2027-01-18
    before = picture(world([rack], [c1]), AS_OF).contracts["C-1"]
    # Delivered 2027-01-28 + 14 = 2027-02-11: 10 days late.
    assert (before.shortfall, before.days_late) == (72, 10)
    moved, _ = apply([rack], [Slip(Scope.LINE, -14, po_number="PO-1", line_no=1)], AS_OF)
    after = picture(world(moved, [c1]), AS_OF).contracts["C-1"]
    assert (after.shortfall, after.days_late, after.late_credit.amount) == (0, 0, 0)


def test_an_unknown_delivery_date_owes_the_cap_or_is_unbounded() -> None:
    # Only 1 rack of the 2 the contract needs is on order: delivery unknown.
    capped = contract("C-1", gpus=144, start="2027-02-01", per_day=D("5000"), cap=D("300000"))
    open_ended = contract("C-2", gpus=144, start="2027-06-01", per_day=D("5000"), site=2)
    pic = picture(world([line("PO-1", 1, eta="2027-01-10")], [capped]), AS_OF)
    assert pic.contracts["C-1"].delivery_date is None
    assert pic.contracts["C-1"].late_credit.amount == D("300000")
    w = world([], [open_ended])
    w.sites[2] = Site(2, "Clarion", D("30"))
    credit = picture(w, AS_OF).contracts["C-2"].late_credit
    assert credit.amount is None and credit.unbounded


def test_a_slip_moves_a_clusters_ready_date() -> None:
    # The hall needs 2 CDUs (one due 2027-01-20, one 2027-02-05) by 2027-02-10: ready
    # 2027-02-19. Vertiv slips 21 days: parts complete 2027-02-26, 16 days late.
    cdus = [
        line("PO-C", 1, product=CDU, eta="2027-01-20"),
        line("PO-C", 2, product=CDU, eta="2027-02-05"),
    ]
    hall = deployment("HALL-1", {"cooling": 2}, target="2027-02-10")
    before = picture(world(cdus, deployments=[hall]), AS_OF).deployments["HALL-1"]
    assert (before.ready_date, before.days_late) == (day("2027-02-19"), 0)
    moved, _ = apply(cdus, [Slip(Scope.VENDOR, 21, vendor_id=CDU.vendor_id)], AS_OF)
    after = picture(world(moved, deployments=[hall]), AS_OF).deployments["HALL-1"]
    assert (after.parts_complete, after.days_late) == (day("2027-02-26"), 16)
