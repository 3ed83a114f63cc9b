"""vendor_concentration: one vendor holds more than X % of a category's open order value."""

from __future__ import annotations

from tests.builders import D, day, fx_rate, make, product
from tests.services.alerts.world import figure, fired, order_line, update_line, world

AS_OF = "2026-12-01"


def dell(session) -> None:
    make(session, "vendors", name="Dell")
    product(session, "XE9712", vendor="Dell", category="gpu_system", gpus_per_unit=72)


def test_fires_above_eighty_percent_not_at_it(database):
    """gpu_system: Nvidia 8,000 USD open, Dell 2,000 USD: Nvidia holds exactly 80 %:
    nothing. Nvidia at 8,001: 8001 / 10001 = 80.002 %: fires (figure 80.0020)."""
    with database.write() as session:
        world(session)
        dell(session)
        order_line(session, "PO-1", unit_price=D("8000"))
        order_line(session, "PO-2", vendor="Dell", sku="XE9712", unit_price=D("2000"))
        assert fired(session, "vendor_concentration", AS_OF) == []
        update_line(session, "PO-1", 1, unit_price=D("8001"))
        [alert] = fired(session, "vendor_concentration", AS_OF)
    assert alert.key == "vendor_concentration:Nvidia"
    assert alert.site is None and alert.severity == "warning"
    assert alert.figure == figure("80.0020")
    assert "Nvidia holds 80.002% of the open gpu system order value" in alert.message
    assert "USD 8,001.00 of 10,001.00" in alert.message


def test_values_in_the_reporting_currency_and_only_what_is_open(database):
    """Dell's order is in EUR: 2,000 EUR at 1.1 (rate from 2026-01-01, before the order date
    2026-06-01; the 2.0 rate from 2026-07-01 is later) = 2,200 USD. Nvidia: 2 units of
    4,400 with one received = 4,400 open, plus 4,400 on a second line: 8,800 USD = 80 %
    exactly: nothing. A GBP order has no rate: left out, not counted 1:1. A cancelled
    Nvidia line counts for nothing."""
    with database.write() as session:
        world(session)
        dell(session)
        fx_rate(session, "EUR", "1.1", "2026-01-01")
        fx_rate(session, "EUR", "2.0", "2026-07-01")
        order_line(
            session,
            "PO-1",
            quantity=2,
            unit_price=D("4400"),
            received_qty=1,
            received_date=day("2026-09-01"),
        )
        order_line(session, "PO-1", 2, unit_price=D("4400"))
        order_line(session, "PO-3", unit_price=D("99999"), status="cancelled")
        order_line(
            session, "PO-2", vendor="Dell", sku="XE9712", unit_price=D("2000"), currency="EUR"
        )
        order_line(
            session, "PO-4", vendor="Dell", sku="XE9712", unit_price=D("50000"), currency="GBP"
        )
        assert fired(session, "vendor_concentration", AS_OF) == []
        update_line(session, "PO-1", 2, unit_price=D("4401"))
        [alert] = fired(session, "vendor_concentration", AS_OF)
    assert "USD 8,801.00 of 11,001.00" in alert.message


def test_a_sole_supplier_holds_everything(database):
    """Nvidia is the only vendor with open gpu_system orders: 100 % > 80 %."""
    with database.write() as session:
        world(session)
        order_line(session, "PO-1")
        [alert] = fired(session, "vendor_concentration", AS_OF)
    assert alert.figure == figure(100)
