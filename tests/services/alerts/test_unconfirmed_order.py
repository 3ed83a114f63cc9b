"""unconfirmed_order: an order placed more than N days ago, no date on any open line."""

from __future__ import annotations

from tests.builders import day
from tests.services.alerts.world import figure, fired, order_line, world


def test_fires_after_eleven_days_not_ten(database):
    """Placed 2026-06-01 with two undated open lines; N = 10. On 2026-06-11 it has waited
    10 days (not more than 10): nothing. On 2026-06-12, 11 days: fires, figure 2 lines."""
    with database.write() as session:
        world(session)
        order_line(session, "PO-7", 1)
        order_line(session, "PO-7", 2, sku="H200-1", quantity=8)
        assert fired(session, "unconfirmed_order", "2026-06-11") == []
        [alert] = fired(session, "unconfirmed_order", "2026-06-12")
    assert alert.key == "unconfirmed_order:PO-7"
    assert alert.figure == figure(2)
    assert alert.related == ("PO-7/1", "PO-7/2")
    assert "placed 2026-06-01, 11 days ago" in alert.message
    assert "none of its 2 open lines" in alert.message
    assert "Ask Nvidia" in alert.message


def test_one_dated_open_line_confirms_the_order(database):
    """Line 2 has an ETA: the order is confirmed, nothing fires 30 days later."""
    with database.write() as session:
        world(session)
        order_line(session, "PO-7", 1)
        order_line(session, "PO-7", 2, eta=day("2026-09-01"))
        assert fired(session, "unconfirmed_order", "2026-07-01") == []


def test_closed_lines_neither_confirm_nor_count(database):
    """Line 1 is received (dated), line 2 open and undated: fires for the open line only.
    An order whose only line is cancelled or still a draft never fires."""
    with database.write() as session:
        world(session)
        order_line(
            session,
            "PO-7",
            1,
            promised_date=day("2026-06-20"),
            received_qty=1,
            received_date=day("2026-06-20"),
        )
        order_line(session, "PO-7", 2)
        order_line(session, "PO-8", 1, status="cancelled")
        order_line(session, "PO-9", 1, status="draft")
        [alert] = fired(session, "unconfirmed_order", "2026-07-01")
    assert alert.subject == "PO-7"
    assert alert.related == ("PO-7/2",)
