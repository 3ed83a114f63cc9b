"""Pegging GPUs and parts to contracts and deployments, one pass per site, worked by hand."""

from __future__ import annotations

from domain.allocation import POWER_READY, allocate
from tests.domain.builders import (
    B300,
    CDU,
    HGX,
    PDU,
    PRODUCTS,
    RACK,
    SWITCH,
    contract,
    day,
    deployment,
    line,
)

AS_OF = day("2026-12-07")


def run(lines, contracts=(), deployments=(), as_of=AS_OF, buffer=14):
    return allocate(as_of, lines, PRODUCTS, list(contracts), list(deployments), buffer)


def test_contracts_take_gpus_by_start_date_earliest_dated_first_and_may_split_a_unit() -> None:
    # Supply: 2 racks (144 GPUs) on 2027-01-10, 1 rack (72) on 2027-03-20.
    lines = [
        line("PO-1", 1, quantity=2, eta="2027-01-10"),
        line("PO-2", 1, quantity=1, eta="2027-03-20"),
    ]
    # C-A starts 2027-02-01 (need-by 2027-01-18), wants 100; C-B starts 2027-04-01
    # (need-by 2027-03-18), wants 100.
    a = contract("C-A", gpus=100, start="2027-02-01")
    b = contract("C-B", gpus=100, start="2027-04-01")
    result = run(lines, [b, a])
    got_a, got_b = result.contracts["C-A"], result.contracts["C-B"]
    # C-A: 100 of PO-1/1's 144, dated 2027-01-10 ≤ 2027-01-18: all secured.
    assert (got_a.secured, got_a.late, got_a.shortfall) == (100, 0, 0)
    assert [(p.ref, p.gpus, p.date, p.secured) for p in got_a.pegs] == [
        ("PO-1/1", 100, day("2027-01-10"), True)
    ]
    # C-B: the other 44 of PO-1/1 (secured) and 56 of PO-2/1, dated 2027-03-20 > 2027-03-18.
    assert [(p.ref, p.gpus, p.secured) for p in got_b.pegs] == [
        ("PO-1/1", 44, True),
        ("PO-2/1", 56, False),
    ]
    assert (got_b.secured, got_b.late, got_b.shortfall) == (44, 56, 56)
    # Delivery: the last GPU it takes + 14 days; days late against the start.
    assert got_a.delivery_date == day("2027-01-24")
    assert got_a.days_late == 0
    assert got_b.delivery_date == day("2027-04-03")
    assert got_b.days_late == 2
    # 216 − 200 = 16 GPUs left of PO-2/1: spare.
    assert result.sites[1].spare_gpus == 16


def test_overdue_units_are_never_secured() -> None:
    # 344 GPUs' worth overdue (ETA passed) never serve; the one dated rack does.
    lines = [
        line("PO-1", 1, quantity=4, eta="2026-08-29"),  # 100 days overdue: 288 GPUs
        line("PO-2", 1, quantity=1, eta="2027-01-05"),
        line("PO-3", 1, product=HGX, quantity=7, eta="2026-11-30"),  # 56 GPUs overdue
    ]
    result = run(lines, [contract("C-1", gpus=360, start="2027-02-01")])
    got = result.contracts["C-1"]
    assert (got.secured, got.shortfall) == (72, 288)
    assert got.delivery_date is None  # cannot take its whole commitment
    assert got.days_late is None
    assert result.sites[1].overdue_gpus == 288 + 56


def test_a_contract_with_a_gpu_model_takes_only_that_model() -> None:
    lines = [
        line("PO-1", 1, product=HGX, quantity=9, eta="2027-01-01"),  # 72 H200 GPUs
        line("PO-2", 1, product=B300, quantity=1, eta="2027-01-02"),  # 72 B300
        line("PO-3", 1, product=RACK, quantity=1, eta="2027-01-03"),  # 72 GB300
    ]
    gb300 = contract("C-GB", gpus=72, model="gb-300", start="2027-02-01")
    result = run(lines, [gb300])
    assert [p.ref for p in result.contracts["C-GB"].pegs] == ["PO-3/1"]
    # A blank model takes any model, earliest first: the H200 servers.
    anything = contract("C-ANY", gpus=72, start="2027-02-01")
    assert [p.ref for p in run(lines, [anything]).contracts["C-ANY"].pegs] == ["PO-1/1"]


def test_ties_of_dates_go_by_po_number_then_line() -> None:
    lines = [
        line("PO-2", 1, quantity=1, eta="2027-01-10"),
        line("PO-1", 2, quantity=1, eta="2027-01-10"),
        line("PO-1", 1, quantity=1, eta="2027-01-10"),
    ]
    got = run(lines, [contract("C-1", gpus=100, start="2027-02-01")]).contracts["C-1"]
    assert [(p.ref, p.gpus) for p in got.pegs] == [("PO-1/1", 72), ("PO-1/2", 28)]


def test_contracts_that_do_not_bind_take_nothing() -> None:
    lines = [line("PO-1", 1, quantity=1, eta="2027-01-10")]
    draft = contract("C-D", gpus=72, start="2027-01-01", status="draft")
    signed = contract("C-S", gpus=72, start="2027-03-01")
    result = run(lines, [draft, signed])
    assert result.contracts["C-D"].secured == 0
    assert result.contracts["C-D"].shortfall == 0
    assert result.contracts["C-D"].delivery_date is None
    assert result.contracts["C-S"].secured == 72


def test_a_contract_without_gpus_is_delivered_on_its_start_date() -> None:
    colo = contract("C-COLO", gpus=None, start="2027-05-01", unit="per_kw_month")
    got = run([], [colo]).contracts["C-COLO"]
    assert got.delivery_date == day("2027-05-01")
    assert got.days_late == 0


def test_received_units_count_at_their_received_date() -> None:
    lines = [
        line(
            "PO-1",
            1,
            quantity=2,
            status="partially_received",
            received=1,
            received_on="2026-11-01",
            eta="2027-04-01",
        ),
    ]
    got = run(lines, [contract("C-1", gpus=144, start="2027-03-01")]).contracts["C-1"]
    # The received rack (2026-11-01) is secured, the open one (2027-04-01) late.
    assert [(p.ref, p.gpus, p.date, p.secured) for p in got.pegs] == [
        ("PO-1/1", 72, day("2026-11-01"), True),
        ("PO-1/1", 72, day("2027-04-01"), False),
    ]
    assert got.delivery_date == day("2027-04-15")
    assert got.days_late == 45


def test_sites_are_apart() -> None:
    lines = [line("PO-1", 1, quantity=1, eta="2027-01-10", site=2)]
    got = run(lines, [contract("C-1", gpus=72, start="2027-03-01", site=1)]).contracts["C-1"]
    assert got.secured == 0


# --- deployments ------------------------------------------------------------------------

HALL = {"GB300-NVL72": 2, "cooling": 2, "network": 4}


def hall_lines():
    return [
        line("PO-R", 1, quantity=2, eta="2027-01-10"),  # racks
        line("PO-C", 1, product=CDU, quantity=1, eta="2027-01-20"),  # one CDU…
        line("PO-C", 2, product=CDU, quantity=1, eta="2027-02-05"),  # …and the other
        line("PO-N", 1, product=SWITCH, quantity=4, eta="2027-01-15"),
    ]


def test_a_part_served_by_two_lines_completes_with_the_later_one() -> None:
    dep = deployment("HALL-1", HALL, target="2027-02-01")
    got = run(hall_lines(), deployments=[dep]).deployments["HALL-1"]
    cooling = got.part("cooling")
    assert cooling is not None
    assert [(t.ref, t.units, t.date) for t in cooling.takes] == [
        ("PO-C/1", 1, day("2027-01-20")),
        ("PO-C/2", 1, day("2027-02-05")),
    ]
    assert cooling.complete_date == day("2027-02-05")
    # Parts complete = the latest part (2027-02-05); ready = + 14 days; 4 days late.
    assert got.parts_complete == day("2027-02-05")
    assert got.ready_date == day("2027-02-19")
    assert got.days_late == 4
    assert got.critical_part == "cooling"


def test_a_missing_part_leaves_the_deployment_unable_to_complete() -> None:
    lines = hall_lines()[:-1]  # no switches at all
    lines.append(line("PO-N", 1, product=SWITCH, quantity=1, eta="2026-11-01"))  # overdue
    dep = deployment("HALL-1", HALL, target="2027-02-01")
    got = run(lines, deployments=[dep]).deployments["HALL-1"]
    network = got.part("network")
    assert network is not None
    assert (network.needed, network.taken, network.missing) == (4, 0, 4)
    assert network.complete_date is None
    assert got.parts_complete is None and got.ready_date is None and got.days_late is None
    assert got.critical_part == "network"  # 100 % missing
    # It waits for the overdue switch line.
    assert len(network.waiting_on) == 1
    assert got.late_or_incomplete


def test_the_critical_part_is_the_largest_share_missing_ties_by_name() -> None:
    lines = [
        line("PO-C", 1, product=CDU, quantity=1, eta="2027-01-20"),  # cooling: 1 of 2
        line("PO-N", 1, product=SWITCH, quantity=2, eta="2027-01-20"),  # network: 2 of 4
    ]
    dep = deployment("HALL-1", {"cooling": 2, "network": 4})
    assert run(lines, deployments=[dep]).deployments["HALL-1"].critical_part == "cooling"


def test_a_tie_of_complete_dates_goes_to_the_first_part_by_name() -> None:
    lines = [
        line("PO-C", 1, product=CDU, quantity=2, eta="2027-01-20"),
        line("PO-N", 1, product=SWITCH, quantity=4, eta="2027-01-20"),
    ]
    dep = deployment("HALL-1", {"network": 4, "cooling": 2}, target="2027-02-01")
    got = run(lines, deployments=[dep]).deployments["HALL-1"]
    assert got.critical_part == "cooling"
    assert got.days_late == 0


def test_power_is_the_critical_part_when_it_comes_after_every_part() -> None:
    dep = deployment("HALL-1", HALL, target="2027-02-01", power="2027-03-01")
    got = run(hall_lines(), deployments=[dep]).deployments["HALL-1"]
    assert got.critical_part == POWER_READY
    assert got.parts_complete == day("2027-03-01")
    assert got.days_late == 28
    # Power on the same day as the last part: the part stays critical.
    same = deployment("HALL-1", HALL, target="2027-02-01", power="2027-02-05")
    assert run(hall_lines(), deployments=[same]).deployments["HALL-1"].critical_part == "cooling"


def test_a_reserved_line_serves_its_deployment_only_and_first() -> None:
    lines = [
        line("PO-A", 1, product=CDU, quantity=1, eta="2027-01-05"),
        line("PO-B", 1, product=CDU, quantity=1, eta="2027-01-25", deployment="HALL-2"),
    ]
    hall_1 = deployment("HALL-1", {"cooling": 1}, target="2027-02-01")
    hall_2 = deployment("HALL-2", {"cooling": 1}, target="2027-03-01")
    got = run(lines, deployments=[hall_1, hall_2]).deployments
    # HALL-2 takes its reserved CDU first although an earlier one exists…
    assert [t.ref for t in got["HALL-2"].parts[0].takes] == ["PO-B/1"]
    # …and HALL-1, served first, could not take the reserved line.
    assert [t.ref for t in got["HALL-1"].parts[0].takes] == ["PO-A/1"]
    # With a second CDU needed, HALL-1 still cannot take the reserved one.
    bigger = deployment("HALL-1", {"cooling": 2}, target="2027-02-01")
    got = run(lines, deployments=[bigger, hall_2]).deployments
    assert got["HALL-1"].parts[0].missing == 1


def test_ready_and_live_deployments_are_served_first_draft_contracts_last() -> None:
    lines = [line("PO-C", 1, product=CDU, quantity=1, eta="2027-01-05")]
    contracts = [
        contract("C-SIGNED", gpus=0, start="2027-02-01"),
        contract("C-DRAFT", gpus=0, start="2027-01-01", status="draft"),
        contract("C-OLD", gpus=0, start="2027-01-01", status="expired"),
    ]
    early = deployment("D-EARLY", {"cooling": 1}, contract_ref="C-SIGNED")
    live = deployment("D-LIVE", {"cooling": 1}, target="2027-06-01", status="live")
    got = run(lines, contracts, [early, live]).deployments
    assert got["D-LIVE"].parts[0].taken == 1 and got["D-EARLY"].parts[0].taken == 0
    # A draft contract's deployment comes after a signed one, whatever its date.
    draft = deployment("D-DRAFT", {"cooling": 1}, contract_ref="C-DRAFT")
    got = run(lines, contracts, [draft, early]).deployments
    assert got["D-EARLY"].parts[0].taken == 1 and got["D-DRAFT"].parts[0].taken == 0
    # Expired contracts' and cancelled deployments are never served.
    old = deployment("D-OLD", {"cooling": 1}, contract_ref="C-OLD")
    gone = deployment("D-GONE", {"cooling": 1}, status="cancelled")
    got = run(lines, contracts, [old, gone]).deployments
    assert not got["D-OLD"].served and not got["D-GONE"].served
    assert got["D-OLD"].parts[0].taken == 0


def test_deployments_and_contracts_share_one_pass_by_needed_by_date() -> None:
    lines = [line("PO-R", 1, quantity=1, eta="2027-01-05")]
    # The deployment (target 2027-01-20) comes before C-LATER (need-by 2027-02-15).
    dep = deployment("D-1", {"gpu_system": 1}, target="2027-01-20")
    later = contract("C-LATER", gpus=72, start="2027-03-01")
    result = run(lines, [later], [dep])
    assert result.deployments["D-1"].parts[0].taken == 1
    assert result.contracts["C-LATER"].secured == 0


def test_a_contract_served_through_its_deployments() -> None:
    c = contract("C-1", gpus=144, start="2027-02-15", model="GB300")  # need-by 2027-02-01
    dep = deployment("HALL-1", HALL, contract_ref="C-1")
    result = run(hall_lines(), [c], [dep])
    hall = result.deployments["HALL-1"]
    assert hall.needed_by == day("2027-02-01")
    got = result.contracts["C-1"]
    assert got.via_deployments
    # Its GPUs are the racks the hall takes: 144 dated 2027-01-10, secured.
    assert (got.secured, got.shortfall) == (144, 0)
    # Its delivery date is the hall's ready date: 2027-02-05 + 14 = 2027-02-19; 4 days late.
    assert got.delivery_date == day("2027-02-19")
    assert got.days_late == 4


def test_a_gpu_part_of_a_deployment_takes_only_its_contracts_model() -> None:
    lines = [
        line("PO-B", 1, product=B300, quantity=1, eta="2027-01-01"),
        line("PO-R", 1, product=RACK, quantity=1, eta="2027-01-05"),
        line("PO-P", 1, product=PDU, quantity=2, eta="2027-01-01"),
    ]
    c = contract("C-1", gpus=72, start="2027-03-01", model="GB300")
    dep = deployment("HALL-1", {"gpu_system": 1, "power": 2}, contract_ref="C-1")
    got = run(lines, [c], [dep]).deployments["HALL-1"]
    assert [t.ref for t in got.part("gpu_system").takes] == ["PO-R/1"]
    # Non-GPU parts are not filtered by the model.
    assert got.part("power").taken == 2


def test_sku_parts_take_before_category_parts() -> None:
    lines = [
        line("PO-1", 1, quantity=1, eta="2027-01-01"),
        line("PO-2", 1, product=B300, quantity=1, eta="2027-01-05"),
    ]
    # Served by name alone, "gpu_system" would take the GB300 rack and leave the sku short.
    dep = deployment("HALL-1", {"gpu_system": 1, "GB300-NVL72": 1})
    got = run(lines, deployments=[dep]).deployments["HALL-1"]
    assert got.part("GB300-NVL72").taken == 1
    assert [t.ref for t in got.part("gpu_system").takes] == ["PO-2/1"]


def test_undated_and_on_hold_gpus_are_counted_apart() -> None:
    lines = [
        line("PO-1", 1, quantity=1),  # no date
        line("PO-2", 1, quantity=2, status="on_hold", eta="2027-01-01"),
    ]
    site = run(lines).sites[1]
    assert (site.undated_gpus, site.overdue_gpus, site.spare_gpus) == (216, 0, 0)


def test_a_date_is_in_time_on_or_before_the_needed_by_date() -> None:
    dep = deployment("HALL-1", HALL, target="2027-02-01")
    got = run(hall_lines(), deployments=[dep]).deployments["HALL-1"]
    assert got.in_time(day("2027-02-01")) is True
    assert got.in_time(day("2027-02-02")) is False
    assert got.in_time(None) is None
    assert got.part_late(got.part("cooling")) is True  # completes 2027-02-05
    assert got.part_late(got.part("network")) is False
