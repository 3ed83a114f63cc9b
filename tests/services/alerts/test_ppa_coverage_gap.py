"""ppa_coverage_gap: on a contract's start day, power required exceeds the PPA cover."""

from __future__ import annotations

from tests.builders import D
from tests.services.alerts.world import contract, figure, fired, ppa, update, world

AS_OF = "2026-12-01"


def test_fires_one_ten_thousandth_of_a_mw_over_the_cover(database):
    """Panther Creek (grid 350 MW, PUE 1.25) has PPA P-1 of 10 MW over 2026–2030. C-1 commits
    8 MW: 10 MW required, exactly covered: nothing. At 8.0001 MW: 10.0001 MW, fires with
    0.0001 MW uncovered."""
    with database.write() as session:
        world(session)
        ppa(session, "P-1", "10", "2026-01-01", "2030-12-31")
        contract(session, "C-1", "2027-03-01", committed_mw=D("8"))
        assert fired(session, "ppa_coverage_gap", AS_OF) == []
        update(session, "contracts", {"contract_ref": "C-1"}, committed_mw=D("8.0001"))
        [alert] = fired(session, "ppa_coverage_gap", AS_OF)
    assert alert.key == "ppa_coverage_gap:Panther Creek"
    assert alert.severity == "critical"
    assert alert.figure == figure("0.0001")
    assert "PPAs running that day cover 10 MW: 0.0001 MW short" in alert.message


def test_a_ppa_counts_only_while_it_runs(database):
    """P-1 (10 MW) ends 2027-02-28; P-2 (4 MW) starts 2027-03-01. C-1 needs 10 MW from
    2027-03-01: only P-2 runs that day: 6 MW uncovered."""
    with database.write() as session:
        world(session)
        ppa(session, "P-1", "10", "2026-01-01", "2027-02-28")
        ppa(session, "P-2", "4", "2027-03-01", "2030-12-31")
        contract(session, "C-1", "2027-03-01", committed_mw=D("8"))
        [alert] = fired(session, "ppa_coverage_gap", AS_OF)
    assert alert.figure == figure(6)
    assert "cover 4 MW" in alert.message


def test_a_site_without_ppas_has_no_cover(database):
    """No PPA at all: C-1's 72 GPUs × 1.9 kW = 0.1368 MW × 1.25 = 0.171 MW uncovered."""
    with database.write() as session:
        world(session)
        contract(session, "C-1", "2027-03-01")
        [alert] = fired(session, "ppa_coverage_gap", AS_OF)
    assert alert.figure == figure("0.171")
