"""Cancelling, receiving or moving an ETA changes exactly the alerts it should."""

from __future__ import annotations

from tests.builders import D, day
from tests.services.alerts.world import contract, keys, order_line, ppa, update_line, world

AS_OF = "2027-01-15"


def setup(session) -> None:
    """C-1 needs 144 GPUs by 2027-03-01 (start 2027-03-15). PO-1/1: 2 racks promised and due
    2027-02-01. A 100 MW PPA covers the site, the grid is 350 MW. As of 2027-01-15 the only
    alert is Nvidia's 100 % of the open gpu_system value."""
    world(session)
    ppa(session, "P-1", "100", "2026-01-01", "2030-12-31")
    contract(session, "C-1", "2027-03-15", committed_gpus=144)
    order_line(
        session,
        "PO-1",
        quantity=2,
        promised_date=day("2027-02-01"),
        eta=day("2027-02-01"),
        unit_price=D("3950000"),
    )


BASE = {"vendor_concentration:Nvidia"}


def test_baseline(database):
    with database.write() as session:
        setup(session)
        assert keys(session, AS_OF) == BASE


def test_moving_the_eta_past_the_need_by_date(database):
    """ETA 2027-03-10: 37 days after the promise (> 14): eta_slip; 144 GPUs now arrive after
    the need-by date 2027-03-01: capacity_shortfall. Nothing else changes."""
    with database.write() as session:
        setup(session)
        update_line(session, "PO-1", 1, eta=day("2027-03-10"))
        assert keys(session, AS_OF) == BASE | {"eta_slip:PO-1/1", "capacity_shortfall:C-1"}


def test_moving_the_eta_a_little_changes_nothing(database):
    """ETA 2027-02-10: 9 days' slip, still before the need-by date: no new alert."""
    with database.write() as session:
        setup(session)
        update_line(session, "PO-1", 1, eta=day("2027-02-10"))
        assert keys(session, AS_OF) == BASE


def test_cancelling_the_line(database):
    """Cancelled: its GPUs never come (capacity_shortfall) and nothing is open with Nvidia
    any more (vendor_concentration goes)."""
    with database.write() as session:
        setup(session)
        update_line(session, "PO-1", 1, status="cancelled")
        assert keys(session, AS_OF) == {"capacity_shortfall:C-1"}


def test_receiving_the_slipped_line(database):
    """After the ETA moved to 2027-03-10, both racks arrive on 2027-01-14: the GPUs are
    there (no shortfall), nothing is open (no slip, no concentration)."""
    with database.write() as session:
        setup(session)
        update_line(session, "PO-1", 1, eta=day("2027-03-10"))
        update_line(session, "PO-1", 1, received_qty=2, received_date=day("2027-01-14"))
        assert keys(session, AS_OF) == set()


def test_receiving_part_of_it(database):
    """One of two racks arrives 2027-01-14, the other stays due 2027-03-10: 72 GPUs short,
    the slip and the concentration stay."""
    with database.write() as session:
        setup(session)
        update_line(session, "PO-1", 1, eta=day("2027-03-10"))
        update_line(session, "PO-1", 1, received_qty=1, received_date=day("2027-01-14"))
        assert keys(session, AS_OF) == BASE | {"eta_slip:PO-1/1", "capacity_shortfall:C-1"}
