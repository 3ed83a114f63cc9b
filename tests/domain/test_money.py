"""Money: PPA prices, the blended energy price, margin, take-or-pay idle cost, payment
schedules and cash out, each worked by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain import money
from domain.money import Converter, Milestone, PaymentEvent, ScheduleError
from domain.power import Ppa
from tests.domain.builders import D, contract, day, line

USD = Converter({}, "USD")


def ppa(ref="P-1", mw="100", price="50", start="2026-01-01", end="2035-12-31", **kw) -> Ppa:
    return Ppa(ref, 1, D(mw), day(start), day(end), price_per_mwh=D(price) if price else None, **kw)


# --- PPA price ---------------------------------------------------------------------------


def test_escalation_counts_full_years_since_the_start() -> None:
    # 50 per MWh from 2026-07-01, +3 % a year: on 2027-06-30 no full year yet; from
    # 2027-07-01 50 × 1.03 = 51.50; from 2028-07-01 50 × 1.03² = 53.045.
    p = ppa(start="2026-07-01", escalation_pct=D("3"), structure="fixed")
    assert money.ppa_price(p, day("2027-06-30")) == D("50")
    assert money.ppa_price(p, day("2027-07-01")) == D("51.50")
    assert money.ppa_price(p, day("2028-07-01")) == D("53.0450")


def test_an_indexed_ppa_uses_its_price_as_entered() -> None:
    p = ppa(start="2020-01-01", escalation_pct=D("3"), structure="indexed")
    assert money.ppa_price(p, day("2027-01-01")) == D("50")


# --- the energy price --------------------------------------------------------------------


def test_two_ppas_blend_by_capacity() -> None:
    # 60 MW at 40 and 40 MW at 55: mean (60×40 + 40×55) / 100 = 46 per MWh; 80 MW required
    # is covered in full.
    ppas = [ppa("P-1", "60", "40"), ppa("P-2", "40", "55")]
    price = money.energy_price(ppas, D("80"), day("2027-01-01"), None, USD)
    assert price.price == D("46")
    assert (price.covered_mw, price.merchant_mw, price.uncovered_mw) == (D("80"), 0, 0)


def test_energy_beyond_ppa_cover_at_the_merchant_price() -> None:
    # 50 MW of PPA at 40, 80 MW required, merchant 100: (50×40 + 30×100) / 80 = 62.5.
    price = money.energy_price(
        [ppa(mw="50", price="40")], D("80"), day("2027-01-01"), D("100"), USD
    )
    assert price.price == D("62.5")
    assert price.merchant_mw == D("30")


def test_without_a_merchant_price_energy_beyond_cover_is_uncovered_not_free() -> None:
    price = money.energy_price([ppa(mw="50", price="40")], D("80"), day("2027-01-01"), None, USD)
    assert price.price == D("40")  # the PPA energy only
    assert price.uncovered_mw == D("30")


def test_a_ppa_not_yet_in_force_does_not_count() -> None:
    late = ppa(start="2027-02-01")
    price = money.energy_price([late], D("10"), day("2027-01-01"), None, USD)
    assert price.price is None and price.uncovered_mw == D("10")


def test_a_ppa_in_another_currency_converts_at_the_rate_of_the_day() -> None:
    # 40 EUR per MWh; EUR at 1.10 from 2026-12-01, 1.20 from 2027-02-01.
    rates = Converter(
        {"EUR": [(day("2026-12-01"), D("1.10")), (day("2027-02-01"), D("1.20"))]}, "USD"
    )
    eur = ppa(price="40", currency="EUR")
    assert money.energy_price([eur], D("5"), day("2027-01-01"), None, rates).price == D("44.00")
    assert money.energy_price([eur], D("5"), day("2027-02-01"), None, rates).price == D("48.00")
    # Without a rate on the day: no price, and the gap is noted, never 1:1.
    none = Converter({}, "USD")
    assert money.energy_price([eur], D("5"), day("2027-01-01"), None, none).price is None
    assert none.missing == {money.MissingRate("EUR", day("2027-01-01"))}


# --- margin ------------------------------------------------------------------------------


def test_a_contract_month_revenue_power_and_hardware() -> None:
    # 1,152 GPUs at 2.50 per GPU-hour = 2,102,400 a month. Its IT load: 1,152 × 1.9 kW =
    # 2.1888 MW × PUE 1.25 × 730 h × 46 per MWh = 91,874.88 of power. Hardware 88,000.
    c = contract("C-1", gpus=1152, start="2027-01-01", end="2028-12-31")
    site = money.site_month(
        1,
        day("2027-03-01"),
        day("2026-12-07"),
        [c],
        [ppa("P-1", "60", "40"), ppa("P-2", "40", "55")],
        D("1.25"),
        D("1.9"),
        None,
        USD,
    )
    month = money.contract_month(c, day("2027-03-01"), site, D("88000"), D("1.9"), USD)
    assert month.revenue == D("2102400.00")
    assert month.power_cost == D("91874.880000")
    assert month.margin == D("1922525.120000")
    # 1,922,525.12 ÷ 2,102,400 = 91.44 %.
    assert round(month.margin_pct, 2) == D("91.44")


def test_a_contract_in_another_currency_converts_at_the_months_first_day() -> None:
    c = contract(
        "C-EU",
        gpus=None,
        mw=D("1"),
        price=D("100000"),
        unit="per_month",
        currency="EUR",
        start="2027-01-01",
    )
    rates = Converter(
        {"EUR": [(day("2026-12-01"), D("1.10")), (day("2027-03-15"), D("1.20"))]}, "USD"
    )
    site = money.site_month(
        1, day("2027-03-01"), day("2026-12-07"), [c], [], D("1.2"), D("1.9"), D("50"), rates
    )
    month = money.contract_month(c, day("2027-03-01"), site, D(0), D("1.9"), rates)
    assert month.revenue == D("110000.00")  # the 2027-03-15 rate is not yet in force


def test_hardware_cost_spreads_a_split_unit_in_part() -> None:
    # 100 GPUs of 72-GPU racks at 3,950,000: 100/72 of a rack = 5,486,111.11 over 60 months.
    cost = money.hardware_cost_per_month(
        [money.HardwareLine(100, 72, D("3950000"), "USD", day("2026-06-01"))], 60, USD
    )
    assert cost is not None and cost.quantize(D("0.01")) == D("91435.19")


def test_month_weight_and_figure_day() -> None:
    # A term from 2027-01-15 to 2027-03-10: January 17 of 31 days, February whole, March 10/31.
    assert money.month_weight(day("2027-01-01"), day("2027-01-15"), day("2027-03-10")) == D(17) / 31
    assert money.month_weight(day("2027-02-01"), day("2027-01-15"), day("2027-03-10")) == 1
    assert money.month_weight(day("2027-04-01"), day("2027-01-15"), day("2027-03-10")) == 0
    assert money.figure_day(day("2026-12-01"), day("2026-12-07")) == day("2026-12-07")
    assert money.figure_day(day("2027-01-01"), day("2026-12-07")) == day("2027-01-01")


def test_take_or_pay_idle_cost() -> None:
    # A 120 MW PPA at 45 with 80 % take-or-pay: 96 MW minimum take. 8 MW contracted × PUE
    # 1.0 → 88 MW idle × 730 h × 45 = 2,890,800 a month.
    c = contract("C-1", gpus=None, mw=D("8"), start="2026-01-01", end="2030-12-31")
    site = money.site_month(
        1,
        day("2027-01-01"),
        day("2026-12-07"),
        [c],
        [ppa("P-1", "120", "45", take_or_pay_pct=D("80"))],
        D("1"),
        D("1.9"),
        None,
        USD,
    )
    assert site.min_take_mw == D("96")
    assert site.idle_mw == D("88")
    assert site.idle_cost == D("2890800")


# --- payment schedules -------------------------------------------------------------------


def test_reading_schedules() -> None:
    assert money.parse_schedule("30% order; 60% shipped; 10% received+30") == (
        Milestone(D("30"), PaymentEvent.ORDER),
        Milestone(D("60"), PaymentEvent.SHIPPED),
        Milestone(D("10"), PaymentEvent.RECEIVED, 30),
    )
    assert money.parse_schedule("100% net 60") == (Milestone(D("100"), PaymentEvent.RECEIVED, 60),)
    assert money.parse_schedule("Net 30") == (Milestone(D("100"), PaymentEvent.RECEIVED, 30),)
    assert money.parse_schedule("50% Promised + 10 days; 50% received") == (
        Milestone(D("50"), PaymentEvent.PROMISED, 10),
        Milestone(D("50"), PaymentEvent.RECEIVED),
    )


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("30% order; 60% shipped", "adds up to 90%, not 100%"),
        ("50% delivery; 50% order", "unknown event 'delivery'"),
        ("-10% order; 110% received", "each must be more than 0"),
        ("100% received+-5", "cannot be negative"),
        ("", "is empty"),
        ("half on order", "cannot read"),
    ],
)
def test_schedules_that_cannot_be_read_say_why(text, says) -> None:
    with pytest.raises(ScheduleError) as error:
        money.parse_schedule(text)
    assert says in str(error.value)


# --- cash out ----------------------------------------------------------------------------

SCHEDULE = money.parse_schedule("30% order; 60% shipped; 10% received+30")
AS_OF = day("2026-12-07")


def test_milestones_before_the_as_of_day_whose_event_happened_are_paid() -> None:
    # 2 racks at 4,000,000 = 8,000,000, ordered 2026-06-01, ETA 2027-02-15, in production.
    item = line(quantity=2, price=D("4000000"), eta="2027-02-15", status="in_production")
    found = money.payments(item, SCHEDULE, AS_OF, transit_days=14)
    order, shipped, received = found
    assert (order.amount, order.due, order.paid) == (D("2400000"), day("2026-06-01"), True)
    # Shipped: ETA − 14 days = 2027-02-01; 60 % = 4,800,000.
    assert (shipped.amount, shipped.due, shipped.paid) == (D("4800000"), day("2027-02-01"), False)
    # Received: ETA + 30 = 2027-03-17; 10 % = 800,000.
    assert (received.due, received.paid, received.overdue) == (day("2027-03-17"), False, False)


def test_a_past_due_milestone_whose_event_has_not_happened_is_due_today_overdue() -> None:
    # ETA 2026-12-10: shipped due 2026-11-26, but the line is not shipped yet.
    item = line(quantity=1, price=D("1000"), eta="2026-12-10", status="confirmed")
    _order, shipped, _received = money.payments(item, SCHEDULE, AS_OF, transit_days=14)
    assert (shipped.due, shipped.paid, shipped.overdue) == (AS_OF, False, True)


def test_a_received_line_pays_what_is_left_after_receipt() -> None:
    # Received 2026-11-20 (all): order and shipped paid; received+30 = 2026-12-20, to pay.
    item = line(
        quantity=1,
        price=D("1000"),
        eta="2026-11-20",
        status="received",
        received=1,
        received_on="2026-11-20",
    )
    found = money.payments(item, SCHEDULE, AS_OF, transit_days=14)
    assert [(p.milestone.event, p.paid) for p in found] == [
        (PaymentEvent.ORDER, True),
        (PaymentEvent.SHIPPED, True),
        (PaymentEvent.RECEIVED, False),
    ]
    assert found[2].due == day("2026-12-20")


def test_on_hold_lines_have_no_date_for_what_has_not_happened() -> None:
    item = line(quantity=1, price=D("1000"), eta="2027-01-20", status="on_hold")
    order, shipped, received = money.payments(item, SCHEDULE, AS_OF, transit_days=14)
    assert order.paid and shipped.due is None and received.due is None


def test_shipped_with_no_eta_uses_the_promised_date_and_draft_lines_pay_nothing() -> None:
    item = line(quantity=1, price=D("1000"), promised="2027-03-01")
    _order, shipped, _received = money.payments(item, SCHEDULE, AS_OF, transit_days=14)
    assert shipped.due == day("2027-02-15")
    assert money.payments(line(status="draft", price=D("1")), SCHEDULE, AS_OF, 14) == []
    assert money.payments(line(status="cancelled", price=D("1")), SCHEDULE, AS_OF, 14) == []


def test_cash_rows_group_by_month_currency_vendor_and_site() -> None:
    a = line("PO-1", 1, quantity=1, price=D("1000"), eta="2027-02-15")
    b = line("PO-1", 2, quantity=1, price=D("3000"), eta="2027-02-20")
    held = line("PO-2", 1, quantity=1, price=D("500"), eta="2027-02-20", status="on_hold")
    found = [p for item in (a, b, held) for p in money.payments(item, SCHEDULE, AS_OF, 14)]
    rows = money.cash_rows(found, AS_OF, 18, USD)
    by_month = {(r.month, tuple(r.refs)): r.amount for r in rows}
    # February: shipped milestones of PO-1/1 (600) and PO-1/2 (1,800), due 02-01 and 02-06.
    assert by_month[(day("2027-02-01"), ("PO-1/1", "PO-1/2"))] == D("2400")
    # March: received+30 of both (100 + 300).
    assert by_month[(day("2027-03-01"), ("PO-1/1", "PO-1/2"))] == D("400")
    # The line on hold: its shipped and received milestones are undated.
    # The line on hold: its shipped (300) and received (50) milestones are undated; its
    # order milestone was paid.
    assert by_month[(None, ("PO-2/1",))] == D("350")
    # The horizon cuts what is due later.
    assert money.cash_rows(found, AS_OF, 2, USD) == [r for r in rows if r.month is None]


def test_line_value_of_a_line_closed_short_is_what_came() -> None:
    item = line(
        quantity=10, price=D("100"), status="received", received=7, received_on="2026-11-01"
    )
    assert money.line_value(item) == D("700")
    assert money.line_value(line(quantity=10, price=None)) == Decimal(0)
