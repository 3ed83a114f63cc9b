"""power_shortfall: on a contract's start day, power required exceeds the grid capacity."""

from __future__ import annotations

from tests.builders import D, make
from tests.services.alerts.world import contract, figure, fired, ppa, update, world

AS_OF = "2026-12-01"


def site(session, grid: str, pue: str | None = "1.25") -> None:
    make(
        session,
        "sites",
        name="Clarion",
        grid_capacity_mw=D(grid),
        pue=D(pue) if pue else None,
        status="converting",
    )
    # Plenty of PPA cover, so only the grid rule is under test.
    ppa(session, "P-1", "500", "2026-01-01", "2030-12-31", site="Clarion")


def test_fires_one_ten_thousandth_of_a_mw_over_the_grid(database):
    """Grid 10 MW, PUE 1.25. C-1 commits 8 MW: 8 × 1.25 = 10 MW, exactly the grid: nothing.
    C-1 at 8.0001 MW: 10.000125, kept to 4 places 10.0001 MW: 0.0001 MW short, fires."""
    with database.write() as session:
        world(session)
        site(session, "10")
        contract(session, "C-1", "2027-03-01", site="Clarion", committed_mw=D("8"))
        assert fired(session, "power_shortfall", AS_OF) == []
    with database.write() as session:
        update(session, "contracts", {"contract_ref": "C-1"}, committed_mw=D("8.0001"))
        [alert] = fired(session, "power_shortfall", AS_OF)
    assert alert.key == "power_shortfall:Clarion"
    assert alert.severity == "critical" and alert.site == "Clarion"
    assert alert.figure == figure("0.0001")
    assert alert.message == (
        "Clarion from 2027-03-01: 10.0001 MW required for C-1 (× PUE 1.25) but the grid "
        "interconnect in force that day carries 10 MW: 0.0001 MW short."
    )


def test_overlapping_contracts_add_up_on_the_later_start_day(database):
    """Grid 10 MW, PUE 1.25. C-1: 6 MW from 2027-01-01 (7.5 MW required). C-2: 2 MW from
    2027-06-01: on that day 8 MW × 1.25 = 10 MW, fits. With C-2 at 2.0001 MW it is
    10.000125 → 10.0001 MW: fires from 2027-06-01, naming both contracts. A draft C-3 of
    100 MW and C-4 of 100 MW ended in 2026 count for nothing."""
    with database.write() as session:
        world(session)
        site(session, "10")
        contract(session, "C-1", "2027-01-01", site="Clarion", committed_mw=D("6"))
        contract(session, "C-2", "2027-06-01", site="Clarion", committed_mw=D("2"))
        contract(
            session, "C-3", "2027-06-01", site="Clarion", committed_mw=D("100"), status="draft"
        )
        contract(session, "C-4", "2025-06-01", site="Clarion", committed_mw=D("100"))
        assert fired(session, "power_shortfall", AS_OF) == []
        contract(session, "C-5", "2027-06-01", site="Clarion", committed_mw=D("0.0001"))
        [alert] = fired(session, "power_shortfall", AS_OF)
    assert "from 2027-06-01" in alert.message
    assert "C-1, C-2, C-5" in alert.message
    assert alert.related == ("C-1", "C-2", "C-5")


def test_default_pue_and_gpus_times_kw_when_no_mw(database):
    """No PUE on the site: default 1.3. C-1 commits 4,000 GPUs and no MW: 4000 × 1.9 kW =
    7.6 MW × 1.3 = 9.88 MW. Grid 9.88 MW: nothing; grid 9.8799 MW: 0.0001 MW short."""
    with database.write() as session:
        world(session)
        site(session, "9.88", pue=None)
        contract(session, "C-1", "2027-03-01", site="Clarion", committed_gpus=4000)
        assert fired(session, "power_shortfall", AS_OF) == []
    with database.write() as session:
        update(session, "sites", {"name": "Clarion"}, grid_capacity_mw=D("9.8799"))
        [alert] = fired(session, "power_shortfall", AS_OF)
    assert alert.figure == figure("0.0001")
    assert "9.88 MW required" in alert.message and "PUE 1.3" in alert.message


def test_a_running_contract_is_checked_on_the_day(database):
    """C-1 started 2026-01-01 and runs a year; 12 MW × 1.25 = 15 MW on a 10 MW grid. As of
    2026-06-01 it is still running: fires from 2026-06-01. As of 2027-01-01 it has ended:
    nothing."""
    with database.write() as session:
        world(session)
        site(session, "10")
        contract(session, "C-1", "2026-01-01", site="Clarion", committed_mw=D("12"))
        [alert] = fired(session, "power_shortfall", "2026-06-01")
        assert "from 2026-06-01" in alert.message
        assert alert.figure == figure(5)
        assert fired(session, "power_shortfall", "2027-01-01") == []
