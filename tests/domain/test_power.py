"""Power at a site: grid capacity by date, power required, PPA cover, headroom."""

from __future__ import annotations

from decimal import Decimal

from domain import power
from domain.power import Ppa, Site
from tests.domain.builders import D, contract, day

KW = D("1.9")


def test_grid_capacity_is_the_newest_step_in_force() -> None:
    # A campus with 350 MW potential, 20 MW energised today, 350 from 2028-03-01.
    campus = Site(
        1,
        "Panther Creek",
        D("20"),
        D("1.25"),
        capacity_steps=((day("2028-03-01"), D("350")), (day("2027-06-01"), D("120"))),
    )
    assert power.grid_capacity(campus, day("2026-12-07")) == D("20")  # before any step
    assert power.grid_capacity(campus, day("2027-06-01")) == D("120")  # the step's own day
    assert power.grid_capacity(campus, day("2028-02-29")) == D("120")
    assert power.grid_capacity(campus, day("2028-03-01")) == D("350")


def test_power_required_counts_running_binding_contracts_times_pue() -> None:
    c1 = contract("C-1", gpus=None, mw=D("8"), start="2027-01-01", end="2027-12-31")
    # No MW: 1,000 GPUs × 1.9 kW = 1.9 MW.
    c2 = contract("C-2", gpus=1000, start="2027-06-01", end="2027-12-31")
    c3 = contract("C-3", gpus=None, mw=D("50"), start="2027-01-01", status="draft")
    contracts = [c1, c2, c3]
    assert power.power_required(contracts, day("2026-12-31"), D("1.3"), KW) == D("0")
    assert power.power_required(contracts, day("2027-01-01"), D("1.3"), KW) == D("10.4")
    # (8 + 1.9) × 1.3 = 12.87, on the last day of both terms too.
    assert power.power_required(contracts, day("2027-12-31"), D("1.3"), KW) == D("12.87")
    assert power.power_required(contracts, day("2028-01-01"), D("1.3"), KW) == D("0")


def test_ppa_cover_counts_ppas_from_start_to_end() -> None:
    p1 = Ppa("P-1", 1, D("10"), day("2027-01-01"), day("2027-06-30"))
    p2 = Ppa("P-2", 1, D("5"), day("2027-06-30"), day("2027-12-31"))
    assert power.ppa_cover([p1, p2], day("2027-06-29")) == D("10")
    assert power.ppa_cover([p1, p2], day("2027-06-30")) == D("15")
    assert power.ppa_cover([p1, p2], day("2028-01-01")) == D("0")


def test_headroom_is_the_smaller_of_grid_and_ppa_minus_required() -> None:
    assert power.headroom(D("20"), D("15"), D("10")) == D("5")  # PPA binds
    assert power.headroom(D("12"), D("15"), D("10")) == D("2")  # grid binds
    assert power.headroom(D("12"), D("15"), D("14")) == D("-2")  # over
    assert power.headroom(None, D("15"), D("10")) == D("5")  # unknown grid: PPA alone


def test_power_days_check_each_start_day_against_the_grid_in_force() -> None:
    # Grid 10 MW until 2027-06-01, 30 MW after. C-1 (8 MW × 1.25 = 10) fits; C-2 starting
    # 2027-03-01 adds 4 MW × 1.25 = 5: 15 MW against 10 → 5 MW over the grid that day.
    site = Site(1, "Clarion", D("10"), D("1.25"), capacity_steps=((day("2027-06-01"), D("30")),))
    c1 = contract("C-1", gpus=None, mw=D("8"), start="2027-01-01", end="2028-12-31")
    c2 = contract("C-2", gpus=None, mw=D("4"), start="2027-03-01", end="2028-12-31")
    c3 = contract("C-3", gpus=None, mw=D("10"), start="2027-07-01", end="2028-12-31")
    ppas = [Ppa("P-1", 1, D("40"), day("2026-01-01"), day("2030-12-31"))]
    days = power.power_days(site, [c1, c2, c3], ppas, day("2026-12-07"), D("1.3"), KW)
    assert [(d.day, d.required_mw, d.grid_mw, d.grid_excess_mw) for d in days] == [
        (day("2027-01-01"), D("10"), D("10"), Decimal(0)),
        (day("2027-03-01"), D("15"), D("10"), D("5")),
        # After the upgrade: 22 × 1.25 = 27.5 on a 30 MW grid.
        (day("2027-07-01"), D("27.5"), D("30"), Decimal(0)),
    ]
    # A contract already running is checked on the as-of day.
    running = power.power_days(site, [c1], ppas, day("2027-02-01"), D("1.3"), KW)
    assert [d.day for d in running] == [day("2027-02-01")]
