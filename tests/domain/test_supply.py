"""One order line as of a day: open units, supply date, overdue, undated, slip, first
commitment. Every example is worked by hand in its comment."""

from __future__ import annotations

import pytest

from domain import supply
from domain.supply import take_vendor_dates
from tests.domain.builders import day, line

AS_OF = day("2026-12-07")


@pytest.mark.parametrize(
    ("status", "quantity", "received", "open_units"),
    [
        ("draft", 10, 0, 0),  # not an order yet
        ("placed", 10, 0, 10),
        ("confirmed", 10, 4, 6),
        ("partially_received", 10, 4, 6),
        ("on_hold", 10, 0, 10),  # open, but supplies nothing (undated)
        ("received", 10, 10, 0),
        ("received", 10, 7, 0),  # closed short by 3
        ("cancelled", 10, 2, 0),
    ],
)
def test_open_units_by_status(status, quantity, received, open_units) -> None:
    item = line(status=status, quantity=quantity, received=received, received_on="2026-11-01")
    assert supply.open_units(item) == open_units


def test_a_received_line_with_fewer_units_in_was_closed_short() -> None:
    assert supply.closed_short(line(status="received", quantity=10, received=7)) == 3
    assert supply.closed_short(line(status="cancelled", quantity=10, received=0)) == 10
    assert supply.closed_short(line(status="partially_received", quantity=10, received=7)) == 0


def test_supply_date_is_the_eta_while_it_is_on_or_after_the_day() -> None:
    # ETA today: still a commitment (a date equal to the as-of day is not overdue).
    today = line(eta="2026-12-07", promised="2026-11-30")
    assert supply.supply_date(today, AS_OF) == day("2026-12-07")
    assert not supply.is_overdue(today, AS_OF)
    # No ETA: the promised date.
    promised = line(promised="2027-01-10")
    assert supply.supply_date(promised, AS_OF) == day("2027-01-10")
    # ETA yesterday: overdue by one day, supplies nothing.
    late = line(eta="2026-12-06", quantity=4)
    assert supply.supply_date(late, AS_OF) is None
    assert supply.is_overdue(late, AS_OF)
    assert supply.overdue_days(late, AS_OF) == 1
    assert supply.overdue_units(late, AS_OF) == 4


def test_draft_and_on_hold_lines_are_never_overdue() -> None:
    draft = line(status="draft", eta="2026-10-01")
    held = line(status="on_hold", eta="2026-10-01", quantity=3)
    assert not supply.is_overdue(draft, AS_OF)
    assert not supply.is_overdue(held, AS_OF)
    # On hold: undated, whatever its date says; a draft has no open units at all.
    assert supply.undated_units(held) == 3
    assert supply.undated_units(draft) == 0
    assert supply.lots(held, AS_OF) == ()


def test_undated_open_units_supply_nothing() -> None:
    item = line(quantity=5)
    assert supply.undated_units(item) == 5
    assert supply.lots(item, AS_OF) == ()


def test_lots_received_units_at_their_date_open_ones_at_the_eta() -> None:
    # 10 ordered, 4 in on 2026-11-20, the other 6 due 2027-01-15.
    item = line(
        status="partially_received",
        quantity=10,
        received=4,
        received_on="2026-11-20",
        eta="2027-01-15",
    )
    assert supply.lots(item, AS_OF) == (
        supply.Lot(day("2026-11-20"), 4, True),
        supply.Lot(day("2027-01-15"), 6, False),
    )
    # The same line with its ETA passed: only the 4 received units count.
    overdue = line(
        status="partially_received",
        quantity=10,
        received=4,
        received_on="2026-11-20",
        eta="2026-12-01",
    )
    assert supply.lots(overdue, AS_OF) == (supply.Lot(day("2026-11-20"), 4, True),)


def test_received_units_count_whatever_the_status() -> None:
    # Cancelled after 2 of 10 arrived: the 2 are supply, the 8 never come.
    item = line(status="cancelled", quantity=10, received=2, received_on="2026-09-01")
    assert supply.lots(item, AS_OF) == (supply.Lot(day("2026-09-01"), 2, True),)


@pytest.mark.parametrize(
    ("kwargs", "slip"),
    [
        # Received late: 2027-01-20 − promised 2027-01-10 = 10 days.
        (
            dict(
                status="received",
                quantity=2,
                received=2,
                received_on="2027-01-20",
                promised="2027-01-10",
            ),
            10,
        ),
        # Received early: −5.
        (
            dict(
                status="received",
                quantity=2,
                received=2,
                received_on="2027-01-05",
                promised="2027-01-10",
            ),
            -5,
        ),
        # Overdue: the as-of day − first commitment: 2026-12-07 − 2026-11-27 = 10.
        (dict(eta="2026-12-01", first="2026-11-27"), 10),
        # Open, ETA later than the promise: 2027-02-01 − 2027-01-10 = 22.
        (dict(promised="2027-01-10", eta="2027-02-01"), 22),
        # ETA moved earlier than the first commitment: −9.
        (dict(promised="2027-01-10", eta="2027-01-01"), -9),
        # Partially received, the rest still to come: the ETA counts, not the receipt.
        (
            dict(
                status="partially_received",
                quantity=4,
                received=1,
                received_on="2026-12-01",
                promised="2027-01-10",
                eta="2027-01-14",
            ),
            4,
        ),
        # No commitment ever: no slip.
        (dict(), None),
        # Draft: no slip.
        (dict(status="draft", promised="2027-01-10", eta="2027-03-01"), None),
    ],
)
def test_slip(kwargs, slip) -> None:
    assert supply.slip_days(line(**kwargs), AS_OF) == slip


def test_first_commitment_is_kept_once_known() -> None:
    assert supply.first_commitment(None, day("2027-01-10"), day("2027-01-20")) == day(
        "2027-01-10"
    )  # both at once: the promise
    assert supply.first_commitment(None, None, day("2027-01-20")) == day("2027-01-20")
    assert supply.first_commitment(day("2026-12-24"), day("2027-01-10"), None) == day("2026-12-24")


def test_a_new_promise_for_a_set_one_is_an_eta_move() -> None:
    # Promised 2027-01-10, ETA 2027-01-20; a file says promised 2027-02-01 and moves no ETA.
    dates = take_vendor_dates(
        day("2027-01-10"),
        day("2027-01-20"),
        day("2027-01-10"),
        day("2027-02-01"),
        day("2027-01-20"),
    )
    assert dates.promised_date == day("2027-01-10")
    assert dates.eta == day("2027-02-01")
    assert dates.first_commitment == day("2027-01-10")
    assert dates.promise_changed
    # The same file also moves the ETA to 2027-02-15: that ETA stands.
    dates = take_vendor_dates(
        day("2027-01-10"),
        day("2027-01-20"),
        day("2027-01-10"),
        day("2027-02-01"),
        day("2027-02-15"),
    )
    assert (dates.promised_date, dates.eta) == (day("2027-01-10"), day("2027-02-15"))


def test_a_first_promise_is_taken_and_becomes_the_first_commitment() -> None:
    dates = take_vendor_dates(None, None, None, day("2027-03-01"), None)
    assert (dates.promised_date, dates.eta, dates.first_commitment) == (
        day("2027-03-01"),
        None,
        day("2027-03-01"),
    )
    assert not dates.promise_changed
    # A first ETA came before any promise: it stays the first commitment.
    dates = take_vendor_dates(
        None, day("2027-02-01"), day("2027-02-01"), day("2027-03-01"), day("2027-02-01")
    )
    assert dates.first_commitment == day("2027-02-01")
    assert dates.promised_date == day("2027-03-01")


def test_actual_lead_time_is_order_to_receipt() -> None:
    item = line(order_date="2026-06-01", status="received", received=1, received_on="2026-10-29")
    assert supply.actual_lead_days(item) == 150
    assert supply.actual_lead_days(line()) is None


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(eta="2027-01-10"),
        dict(eta="2026-12-07"),
        dict(eta="2026-12-06", quantity=3),
        dict(quantity=2),
        dict(status="on_hold", eta="2027-01-01"),
        dict(status="draft", eta="2027-01-01"),
        dict(
            status="partially_received",
            quantity=10,
            received=4,
            received_on="2026-11-20",
            eta="2027-01-15",
        ),
        dict(status="cancelled", quantity=10, received=2, received_on="2026-09-01"),
        dict(status="received", quantity=10, received=7, received_on="2026-11-01"),
    ],
)
def test_state_says_what_lots_overdue_and_undated_say(kwargs) -> None:
    item = line(**kwargs)
    assert supply.state(item, AS_OF) == (
        supply.lots(item, AS_OF),
        supply.overdue_units(item, AS_OF),
        supply.undated_units(item),
    )
