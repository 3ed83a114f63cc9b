"""Per-site figures: power required and PPA cover per day, GPUs, and the chart series."""

from __future__ import annotations

import pytest

from services import figures
from services.errors import NotFoundError
from services.figures import ContractRow, PpaRow
from tests.helpers import D, day
from tests.services.alerts.world import contract, order_line, ppa, world

AS_OF = day("2027-01-01")


def panther_creek(session) -> None:
    """Panther Creek: grid 350 MW, PUE 1.25. P-1 100 MW all 2026–2030, P-2 50 MW from
    2027-03-01. C-1: 8 MW (and 72 GPUs) from 2026-12-01; C-2: 4,000 GPUs without MW from
    2027-03-01 (4000 × 1.9 kW = 7.6 MW). Racks: 2 received 2026-12-20 (144 GPUs), 1 due
    2027-06-30, 1 due 2027-07-02 (after the 6-month window), 1 undated."""
    world(session)
    ppa(session, "P-1", "100", "2026-01-01", "2030-12-31")
    ppa(session, "P-2", "50", "2027-03-01", "2030-12-31")
    contract(session, "C-1", "2026-12-01", committed_mw=D("8"))
    contract(session, "C-2", "2027-03-01", committed_gpus=4000)
    order_line(session, "PO-1", quantity=2, received_qty=2, received_date=day("2026-12-20"))
    order_line(session, "PO-2", eta=day("2027-06-30"))
    order_line(session, "PO-3", eta=day("2027-07-02"))
    order_line(session, "PO-4")


def test_site_figures(database):
    """As of 2027-01-01: C-1 runs: 8 × 1.25 = 10 MW now; peak on 2027-03-01: (8 + 7.6) ×
    1.25 = 19.5 MW; headroom 350 − 19.5 = 330.5 MW; PPAs now 100 MW. GPUs committed 72 +
    4,000; delivered 144; expected by 2027-07-01: 72. Short: C-1's need-by date 2026-11-17
    came before any rack (72 short, §3 counts supply as of the need-by date even when the
    GPUs came later); C-2 by 2027-02-15: 144 − 72 committed before = 72 of 4,000 (3,928
    short). Σ 4,000."""
    with database.write() as session:
        panther_creek(session)
        [site] = figures.site_figures(session, AS_OF)
    assert site.name == "Panther Creek"
    assert (site.grid_mw, site.pue, site.ppa_mw) == (D("350"), D("1.25"), D("100"))
    assert (site.mw_required, site.mw_required_peak, site.headroom_mw) == (
        D("10"),
        D("19.5"),
        D("330.5"),
    )
    assert (site.gpus_committed, site.gpus_delivered, site.gpus_expected) == (4072, 144, 72)
    assert site.gpus_short == 4000


def test_power_required_and_ppa_cover_on_a_day():
    """Running contracts only (signed/active, start ≤ day ≤ end), × PUE."""
    c1 = ContractRow(
        1,
        "C-1",
        "X",
        1,
        None,
        day("2027-01-01"),
        day("2027-12-31"),
        None,
        D("8"),
        D("1"),
        "per_month",
        "USD",
        False,
        None,
        "active",
    )
    c2 = ContractRow(
        2,
        "C-2",
        "X",
        1,
        None,
        day("2027-06-01"),
        day("2027-12-31"),
        1000,
        None,
        D("1"),
        "per_month",
        "USD",
        False,
        None,
        "signed",
    )
    c3 = ContractRow(
        3,
        "C-3",
        "X",
        1,
        None,
        day("2027-01-01"),
        day("2027-12-31"),
        None,
        D("50"),
        D("1"),
        "per_month",
        "USD",
        False,
        None,
        "draft",
    )
    kw = D("1.9")
    assert figures.power_required([c1, c2, c3], day("2026-12-31"), D("1.3"), kw) == D("0")
    assert figures.power_required([c1, c2, c3], day("2027-01-01"), D("1.3"), kw) == D("10.4")
    # 8 + 1.9 = 9.9 MW × 1.3 = 12.87
    assert figures.power_required([c1, c2, c3], day("2027-12-31"), D("1.3"), kw) == D("12.87")
    p1 = PpaRow(1, "P-1", "G", 1, D("10"), day("2027-01-01"), day("2027-06-30"), None)
    p2 = PpaRow(2, "P-2", "G", 1, D("5"), day("2027-06-30"), day("2027-12-31"), None)
    assert figures.ppa_cover([p1, p2], day("2027-06-29")) == D("10")
    assert figures.ppa_cover([p1, p2], day("2027-06-30")) == D("15")
    assert figures.ppa_cover([p1, p2], day("2028-01-01")) == D("0")


def test_supply_and_power_series(database):
    """Month ends from January 2027. Supply: 144 by Jan, 216 by June (the 2027-06-30 rack),
    288 by July. Committed: C-1's 72 (need-by 2026-11-17) from the start; C-2's 4,000 from
    its need-by date 2027-02-15, so from February. Power: 10 MW until C-2 starts, 19.5 from
    March; PPA 100 then 150 MW from March."""
    with database.write() as session:
        panther_creek(session)
        supply = figures.site_supply_series(session, "panther creek", day("2027-01-15"), 7)
        power = figures.site_power_series(session, "Panther Creek", day("2027-01-01"), 3)
        with pytest.raises(NotFoundError):
            figures.site_supply_series(session, "Nowhere", day("2027-01-01"), 3)
    assert [(p.day, p.gpus_expected, p.gpus_committed) for p in supply] == [
        (day("2027-01-31"), 144, 72),
        (day("2027-02-28"), 144, 4072),
        (day("2027-03-31"), 144, 4072),
        (day("2027-04-30"), 144, 4072),
        (day("2027-05-31"), 144, 4072),
        (day("2027-06-30"), 216, 4072),
        (day("2027-07-31"), 288, 4072),
    ]
    assert [(p.required_mw, p.grid_mw, p.ppa_mw) for p in power] == [
        (D("10"), D("350"), D("100")),
        (D("10"), D("350"), D("100")),
        (D("19.5"), D("350"), D("150")),
    ]
