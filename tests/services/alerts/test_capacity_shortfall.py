"""capacity_shortfall: a contract's GPUs secured fall short of its commitment."""

from __future__ import annotations

from tests.builders import D, day, lead_time, make
from tests.services.alerts.world import (
    contract,
    figure,
    fired,
    order_line,
    update_line,
    world,
)

AS_OF = "2027-01-01"


def test_fires_one_gpu_short_not_at_the_commitment(database):
    """C-1 commits 100 GPUs from 2027-03-15; need-by = 2027-03-15 − 14 = 2027-03-01.
    100 one-GPU cards due 2027-03-01 (on the need-by date counts): secured 100, nothing.
    Then 99 cards by the need-by date and 1 on 2027-03-02: secured 99, 1 short: fires with
    figure 1, naming the late line."""
    with database.write() as session:
        world(session)
        contract(session, "C-1", "2027-03-15", committed_gpus=100)
        order_line(session, "PO-1", sku="H200-1", quantity=100, eta=day("2027-03-01"))
        assert fired(session, "capacity_shortfall", AS_OF) == []
    with database.write() as session:
        update_line(session, "PO-1", 1, quantity=99)
        order_line(session, "PO-2", sku="H200-1", quantity=1, eta=day("2027-03-02"))
        [alert] = fired(session, "capacity_shortfall", AS_OF)
    assert alert.key == "capacity_shortfall:C-1"
    assert alert.severity == "critical" and alert.site == "Panther Creek"
    assert alert.figure == figure(1)
    assert alert.message.startswith(
        "C-1 at Panther Creek is 1 GPU short on its need-by date 2027-03-01"
    )
    assert "99 of 100 committed GPUs secured for Helios AI" in alert.message
    assert "1 order line it takes arrives later: PO-2/1 (1 GPU, ETA 2027-03-02)" in alert.message
    assert alert.related == ("C-1", "PO-2/1")


def test_partial_receipt_counts_received_units_at_their_date(database):
    """A 4-rack line (288 GPUs): 2 racks received 2027-02-01, the other 2 due 2027-04-01.
    C-1 needs 288 GPUs by 2027-03-01: 144 secured, 144 short."""
    with database.write() as session:
        world(session)
        contract(session, "C-1", "2027-03-15", committed_gpus=288)
        order_line(
            session,
            "PO-1",
            quantity=4,
            eta=day("2027-04-01"),
            received_qty=2,
            received_date=day("2027-02-01"),
        )
        [alert] = fired(session, "capacity_shortfall", "2027-02-15")
    assert alert.figure == figure(144)
    assert "PO-1/1 (144 GPUs, ETA 2027-04-01)" in alert.message


def test_undated_lines_and_no_lines(database):
    """C-1 needs 72 GPUs and the only rack has no date: 72 short, the line listed as having
    no date yet. C-2 at a site with no order at all says to order more. Draft, expired and
    ended contracts never fire."""
    with database.write() as session:
        world(session)
        make(session, "sites", name="Clarion", grid_capacity_mw=D("25"), status="planned")
        contract(session, "C-1", "2027-03-15")
        order_line(session, "PO-1")
        contract(session, "C-2", "2027-03-15", site="Clarion")
        contract(session, "C-3", "2027-03-15", site="Clarion", status="draft")
        contract(session, "C-4", "2027-03-15", site="Clarion", status="expired")
        contract(session, "C-5", "2025-01-01", site="Clarion")  # ended 2025-12-31
        found = {a.subject: a for a in fired(session, "capacity_shortfall", AS_OF)}
    assert set(found) == {"C-1", "C-2"}
    assert "PO-1/1 (72 GPUs, no date yet)" in found["C-1"].message
    assert "no open order line brings more GPUs to the site: order more" in found["C-2"].message


def _quote(session, sku, days, quoted, vendor="Nvidia"):
    lead_time(session, days, quoted, vendor=vendor, sku=sku)


def test_says_by_when_more_gpus_must_be_ordered(database):
    """C-1 needs 72 GPUs by 2027-03-01 and has none. The quickest GPU system by its newest
    quote as of 2027-01-01 is H200-1 at 30 days (its older 10-day quote and a 5-day quote
    given later do not count; GB300 racks take 182 days): order by 2027-01-30. Quoted at 90
    days instead, even an order today arrives too late: expedite."""
    with database.write() as session:
        world(session)
        contract(session, "C-1", "2027-03-15")
        _quote(session, "H200-1", 10, "2026-01-01")
        _quote(session, "H200-1", 30, "2026-12-01")
        _quote(session, "H200-1", 5, "2027-06-01")
        _quote(session, "GB300-NVL72", 182, "2026-12-01")
        [alert] = fired(session, "capacity_shortfall", AS_OF)
    assert alert.message.endswith(
        "To have more by 2027-03-01, order by 2027-01-30 at the latest (the quickest quoted "
        "GPU product, Nvidia H200-1, takes 30 days)."
    )
    with database.write() as session:
        _quote(session, "H200-1", 90, "2026-12-15")
        [alert] = fired(session, "capacity_shortfall", AS_OF)
    assert alert.message.endswith(
        "The order-by day 2026-12-01 has passed: even the quickest quoted GPU product "
        "(Nvidia H200-1, 90 days) ordered today arrives after 2027-03-01; expedite, or agree a "
        "later start with the customer."
    )
