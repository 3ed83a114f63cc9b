"""Order operations of the window: receive, move an ETA, cancel a line, read a PO."""

from __future__ import annotations

import pytest

from services import audit, catalogue, lists, orders, records
from services.audit import Actor
from services.errors import ConflictError, NotFoundError, ValidationError
from tests.builders import D, basic_world, day, lead_time, make, order_line


@pytest.fixture
def line_id(database, actor):
    with database.write() as session:
        basic_world(session, actor)
        line = order_line(
            session,
            "PO-1",
            actor=actor,
            quantity=10,
            order_date=day("2026-01-10"),
            unit_price=D("3950000"),
            promised_date=day("2026-06-01"),
            eta=day("2026-06-01"),
            status=None,
        )
        order_line(
            session,
            "PO-1",
            2,
            actor=actor,
            vendor="NVDA",
            quantity=2,
            order_date=day("2026-01-10"),
            unit_price=D("100.5"),
            status=None,
        )
    return line["id"]


def test_receiving_part_then_the_rest_makes_the_line_received(database, line_id):
    buyer = Actor("maria")
    with database.write() as session:
        line = orders.receive(session, line_id, 4, day("2026-05-20"), buyer)
    assert (line["received_qty"], line["status"]) == (4, "partially_received")
    assert line["received_date"] == day("2026-05-20")
    with database.write() as session:
        line = orders.receive(session, line_id, 6, day("2026-06-02"), buyer)
    assert (line["received_qty"], line["status"]) == (10, "received")
    with database.session() as session:
        trail = audit.history(session, "orders", line_id)
        view = orders.purchase_order(session, "PO-1")
    fields = {(h.field, h.old_value, h.new_value, h.user) for h in trail}
    assert ("received_qty", "4", "10", "maria") in fields
    assert ("status", "partially_received", "received", "maria") in fields
    assert view.status == "partially_received"  # line 2 is still open


def test_receiving_more_than_ordered_or_nothing_is_refused(database, line_id, actor):
    with database.write() as session, pytest.raises(ValidationError, match="more units received"):
        orders.receive(session, line_id, 11, day("2026-05-20"), actor)
    with database.write() as session, pytest.raises(ValidationError, match="more than 0"):
        orders.receive(session, line_id, 0, day("2026-05-20"), actor)
    with database.write() as session, pytest.raises(ValidationError, match="before the order"):
        orders.receive(session, line_id, 1, day("2025-12-31"), actor)
    with database.session() as session:
        assert records.get_record(session, "orders", line_id)["received_qty"] == 0


def test_changing_the_eta_goes_to_the_eta_history_with_the_user(database, line_id):
    with database.write() as session:
        line = orders.change_eta(session, line_id, day("2026-07-15"), Actor("li"))
    assert line["eta"] == day("2026-07-15")
    assert line["promised_date"] == day("2026-06-01")
    with database.session() as session:
        moves = audit.eta_history(session, line_id)
    assert [(m.old_date, m.new_date, m.changed_by) for m in moves][-1] == (
        day("2026-06-01"),
        day("2026-07-15"),
        "li",
    )


def test_a_stale_version_raises_a_conflict_with_both_versions(database, line_id, actor):
    with database.session() as session:
        seen = records.get_record(session, "orders", line_id)
    with database.write() as session:
        orders.change_eta(session, line_id, day("2026-08-01"), Actor("someone else"))
    with (
        database.write() as session,
        pytest.raises(ConflictError) as caught,
    ):
        orders.receive(
            session, line_id, 1, day("2026-05-01"), actor, expected_version=seen["version"]
        )
    assert caught.value.theirs["eta"] == day("2026-08-01")
    assert caught.value.mine["received_qty"] == 1
    with database.session() as session:
        assert records.get_record(session, "orders", line_id)["received_qty"] == 0


def test_cancelling_a_line_and_the_order_follows(database, line_id, actor):
    with database.session() as session:
        other = orders.purchase_order(session, "PO-1").lines[1]["id"]
    with database.write() as session:
        assert orders.cancel_line(session, line_id, actor)["status"] == "cancelled"
        orders.cancel_line(session, other, actor)
    with database.session() as session:
        view = orders.purchase_order(session, "PO-1")
    assert view.status == "cancelled"
    assert view.order_value == 0
    with database.write() as session, pytest.raises(ValidationError, match="cancelled line"):
        orders.receive(session, line_id, 1, day("2026-05-01"), actor)


def test_a_received_line_cannot_be_cancelled_or_moved(database, line_id, actor):
    with database.write() as session:
        orders.receive(session, line_id, 10, day("2026-05-01"), actor)
    with database.write() as session, pytest.raises(ValidationError, match="nothing to cancel"):
        orders.cancel_line(session, line_id, actor)
    with database.write() as session, pytest.raises(ValidationError, match="no ETA to move"):
        orders.change_eta(session, line_id, day("2026-09-01"), actor)


def test_purchase_order_view(database, line_id):
    with database.session() as session:
        view = orders.purchase_order(session, "PO-1")
        with pytest.raises(NotFoundError):
            orders.purchase_order(session, "PO-404")
    assert (view.vendor, view.site, view.currency) == ("Nvidia", "Panther Creek", "USD")
    assert [line["line"] for line in view.lines] == [1, 2]
    assert view.order_value == D("39500000") + D("201")


def test_list_marks_and_totals(database, line_id, actor):
    with database.write() as session:
        orders.receive(session, line_id, 3, day("2026-05-01"), actor)
        rows = records.list_records(session, "orders")
        names = list(rows[0])
        tuples = [tuple(r[n] for n in names) for r in rows]
        marks = lists.marks(session, "orders", names, tuples, today=day("2026-06-10"))
        names_for_picks = lists.reference_names(session)
    assert marks[0] is not None and marks[0].level == "overdue"
    assert marks[1] is None  # no date: nothing to be late against
    figures = {t.label: t.value for t in lists.totals("orders", names, tuples)}
    assert figures["Open order value"] == {"USD": 7 * D("3950000") + 2 * D("100.5")}
    assert figures["GPUs on order"] == (7 + 2) * 72
    assert names_for_picks.skus("NVIDIA") == ["GB300-NVL72"]
    assert names_for_picks.sites == ["Panther Creek"]


def _line(session, line_id):
    return records.get_record(session, "orders", line_id)


def test_moving_several_etas_by_days_starts_from_each_lines_own_date(database, line_id, actor):
    with database.session() as session:
        first = _line(session, line_id)
        second = records.get_record(session, "orders", line_id + 1)
    assert second["eta"] is None and second["promised_date"] is None
    move = orders.EtaMove(by_days=21)
    split = orders.movable_lines([first, second], move)
    assert [line["id"] for line in split.movable] == [line_id]
    assert [(line["id"], why) for line, why in split.left_alone] == [
        (line_id + 1, "no ETA or promised date to move from")
    ]
    with database.write() as session:
        moved = orders.move_etas(session, [(line_id, first["version"])], move, Actor("li"))
    assert [line["eta"] for line in moved] == [day("2026-06-22")]
    assert moved[0]["promised_date"] == day("2026-06-01")  # the first commitment stays
    with database.session() as session:
        history = audit.eta_history(session, line_id)
    assert (history[-1].old_date, history[-1].new_date, history[-1].changed_by) == (
        day("2026-06-01"),
        day("2026-06-22"),
        "li",
    )
    assert move.text() == "21 days later"
    assert orders.EtaMove(by_days=-1).text() == "1 day earlier"


def test_moving_several_etas_to_one_date_is_all_or_nothing(database, line_id, actor):
    with database.session() as session:
        first, second = _line(session, line_id), _line(session, line_id + 1)
    move = orders.EtaMove(to=day("2026-09-30"))
    assert move.text() == "to 2026-09-30"
    with database.write() as session:
        orders.change_eta(session, line_id + 1, day("2026-07-01"), Actor("someone else"))
    # Line 2 changed since it was read: neither line moves.
    # (pytest.raises outside: the transaction sees the error and rolls back.)
    with pytest.raises(ConflictError), database.write() as session:
        orders.move_etas(
            session,
            [(line_id, first["version"]), (line_id + 1, second["version"])],
            move,
            actor,
        )
    with database.session() as session:
        assert _line(session, line_id)["eta"] == day("2026-06-01")
    # A line received in full is refused the same way, and is left alone by movable_lines.
    with database.write() as session:
        orders.receive(session, line_id + 1, 2, day("2026-06-01"), actor)
    with database.session() as session:
        first, second = _line(session, line_id), _line(session, line_id + 1)
    split = orders.movable_lines([first, second], move)
    assert [why for _line_, why in split.left_alone] == ["received"]
    with pytest.raises(ValidationError, match="no ETA to move"), database.write() as session:
        orders.move_etas(
            session, [(line_id, first["version"]), (line_id + 1, second["version"])], move, actor
        )
    with database.session() as session:
        assert _line(session, line_id)["eta"] == day("2026-06-01")
    with database.write() as session:
        moved = orders.move_etas(session, [(line_id, first["version"])], move, actor)
        unchanged = orders.move_etas(session, [(line_id, None)], move, actor)
    assert [line["eta"] for line in moved] == [day("2026-09-30")]
    assert unchanged == []  # already there: nothing written


def test_an_eta_move_is_to_a_date_or_by_days_not_both():
    with pytest.raises(ValueError, match="either to a date or by a number of days"):
        orders.EtaMove()
    with pytest.raises(ValueError, match="either to a date or by a number of days"):
        orders.EtaMove(to=day("2026-01-01"), by_days=3)


def test_a_whole_delivery_receives_every_open_unit_or_nothing(database, line_id, actor):
    with database.write() as session:
        orders.receive(session, line_id, 4, day("2026-05-20"), actor)
    with database.session() as session:
        first, second = _line(session, line_id), _line(session, line_id + 1)
    split = orders.open_lines([first, second])
    assert [line["id"] for line in split.movable] == [line_id, line_id + 1]
    targets = [(line_id, first["version"]), (line_id + 1, second["version"])]
    # A day before the order: refused, and neither line is received.
    with pytest.raises(ValidationError, match="before the order"), database.write() as session:
        orders.receive_in_full(session, targets, day("2025-12-31"), actor)
    with database.session() as session:
        assert _line(session, line_id + 1)["received_qty"] == 0
    with database.write() as session:
        received = orders.receive_in_full(session, targets, day("2026-06-03"), Actor("ana"))
    assert [(r["received_qty"], r["status"]) for r in received] == [
        (10, "received"),
        (2, "received"),
    ]
    with database.session() as session:
        view = orders.purchase_order(session, "PO-1")
        trail = audit.history(session, "orders", line_id)
    assert view.status == "received"
    assert ("received_qty", "4", "10", "ana") in {
        (h.field, h.old_value, h.new_value, h.user) for h in trail
    }
    with database.session() as session:
        first = _line(session, line_id)
    assert [why for _l, why in orders.open_lines([first]).left_alone] == ["received"]
    with pytest.raises(ValidationError, match="the line is received"), database.write() as s:
        orders.receive_in_full(s, [(line_id, first["version"])], day("2026-06-04"), actor)


def test_several_lines_are_cancelled_together_or_not_at_all(database, line_id, actor):
    with database.write() as session:
        orders.receive(session, line_id, 10, day("2026-05-20"), actor)
    with database.session() as session:
        first, second = _line(session, line_id), _line(session, line_id + 1)
    # The first is received in full: nothing to cancel, so line 2 stays open too.
    with pytest.raises(ValidationError, match="nothing to cancel"), database.write() as s:
        orders.cancel_lines(
            s, [(line_id + 1, second["version"]), (line_id, first["version"])], actor
        )
    with database.session() as session:
        assert _line(session, line_id + 1)["status"] != "cancelled"
    with database.write() as session:
        cancelled = orders.cancel_lines(session, [(line_id + 1, second["version"])], actor)
    assert [line["status"] for line in cancelled] == ["cancelled"]


HEADER = {
    "po_number": "PO-77",
    "vendor": "nvda",
    "site": "panther creek",
    "order_date": "2026-02-03",
    "currency": "usd",
}


def test_a_new_order_is_typed_as_text_like_a_pasted_sheet(database, actor):
    with database.write() as session:
        basic_world(session, actor)
        items = catalogue.catalogue(session)
    assert ("nvidia", "gb300-nvl72") in items
    lines = [
        {"sku": "GB300-NVL72", "quantity": "2", "unit_price": "$3,950,000.00", "eta": "20/04/2027"},
        {"sku": "gb300-nvl72", "quantity": 1, "unit_price": D("100.5"), "description": "spare"},
    ]
    with database.write() as session:
        saved = orders.new_order(session, HEADER, lines, Actor("ana"), dayfirst=True)
    assert [(r["po_number"], r["line"]) for r in saved] == [("PO-77", 1), ("PO-77", 2)]
    first, second = saved
    assert (first["vendor"], first["site"], first["currency"]) == ("Nvidia", "Panther Creek", "USD")
    assert first["unit_price"] == D("3950000.00") and first["eta"] == day("2027-04-20")
    assert first["order_date"] == day("2026-02-03")
    assert (second["quantity"], second["description"]) == (1, "spare")
    with database.session() as session:
        view = orders.purchase_order(session, "PO-77")
        trail = audit.history(session, "orders", first["id"])
    assert len(view.lines) == 2 and trail[0].user == "ana"


def test_every_problem_of_a_new_order_is_said_at_once_and_nothing_written(database, actor):
    with database.write() as session:
        basic_world(session, actor)
    lines = [
        {"sku": "GB300-NVL72", "quantity": "two", "unit_price": "10"},
        {"sku": "NO-SUCH-SKU", "quantity": "1"},
        {"sku": "GB300-NVL72", "quantity": "0"},
    ]
    with pytest.raises(ValidationError) as caught, database.write() as session:
        orders.new_order(session, HEADER, lines, actor)
    text = str(caught.value)
    assert text.startswith("Purchase order PO-77 was not saved (3 problems):")
    assert "row 1, column 'Quantity' (value 'two'): Quantity is not a number" in text
    rows = {(p.row, p.field) for p in caught.value.problems}
    assert rows == {(1, "quantity"), (2, "sku"), (3, "quantity")}
    assert "NO-SUCH-SKU" in text
    with database.session() as session:
        assert records.find_record(session, "orders", {"po_number": "PO-77", "line": 1}) is None
    with pytest.raises(ValidationError, match="at least one line"), database.write() as s:
        orders.new_order(s, HEADER, [], actor)


def test_lines_added_to_an_existing_order_follow_its_last_and_keep_its_terms(database, actor):
    with database.write() as session:
        basic_world(session, actor)
        orders.new_order(
            session,
            {**HEADER, "po_number": "PO-78"},
            [{"sku": "GB300-NVL72", "quantity": 1}] * 2,
            actor,
        )
    # The header left blank but its number: the order's own vendor, site, date and currency.
    with database.write() as session:
        added = orders.new_order(
            session, {"po_number": "PO-78"}, [{"sku": "GB300-NVL72", "quantity": "3"}], actor
        )
    assert [(r["line"], r["vendor"], r["site"], r["order_date"]) for r in added] == [
        (3, "Nvidia", "Panther Creek", day("2026-02-03"))
    ]
    # A header that disagrees with the order is refused, nothing added.
    with pytest.raises(ValidationError) as caught, database.write() as s:
        orders.new_order(
            s,
            {"po_number": "PO-78", "site": "Rockdale", "vendor": "NVDA"},
            [{"sku": "GB300-NVL72", "quantity": 1}],
            actor,
        )
    assert [p.field for p in caught.value.problems] == ["site"]  # NVDA is Nvidia's alias
    assert "PO-78 already exists with site Panther Creek" in str(caught.value)
    with database.session() as session:
        assert len(orders.purchase_order(session, "PO-78").lines) == 3
        assert orders.find_order(session, "NOPE") is None


def test_the_catalogue_carries_the_latest_lead_time_quote(database, actor):
    with database.write() as session:
        basic_world(session, actor)
        for quoted, days, until in (("2026-01-10", 182, "2026-04-10"), ("2025-10-01", 150, None)):
            lead_time(session, days, quoted, actor=actor, valid_until=day(until) if until else None)
        item = catalogue.catalogue(session)[("nvidia", "gb300-nvl72")]
    assert (item.lead_days, item.quoted_on) == (182, day("2026-01-10"))
    assert item.valid_until == day("2026-04-10")
    assert item.arrival(day("2026-11-02")) == day("2027-05-03")
    assert catalogue.CatalogueItem(None, None, None).arrival(day("2026-11-02")) is None


def test_a_chase_message_per_vendor_asks_for_what_each_line_needs(database, line_id, actor):
    from services import chasing

    with database.write() as session:
        records.update(
            session, "vendors", _vendor_id(session), {"contact": "po@nvidia.example"}, actor
        )
        # Line 1 promised 2026-06-01 and late; line 2 has no date at all; a third received.
        orders.change_eta(session, line_id, day("2026-06-20"), actor)
        order_line(
            session,
            "PO-2",
            actor=actor,
            order_date=day("2026-01-10"),
            received_qty=1,
            received_date=day("2026-03-01"),
            unit_price=None,
            status=None,
        )
        third = records.find_record(session, "orders", {"po_number": "PO-2", "line": 1})
        found = chasing.chase(
            session, [line_id, line_id + 1, third["id"]], "maria", day("2026-07-01")
        )
    assert found.left_out == ["PO-2/1 (received)"]
    (message,) = found.messages
    assert (message.vendor, message.contact, message.lines) == ("Nvidia", "po@nvidia.example", 2)
    assert message.subject == "Purchase order PO-1: 1 line overdue, please confirm delivery dates"
    text = message.text.splitlines()
    assert text[0] == "To: Nvidia <po@nvidia.example>"
    assert text[-1] == "maria"
    rows = [line for line in text if line.startswith("PO-1")]
    assert "overdue since 2026-06-20: please give a new date" in rows[0]
    assert "2026-06-01" in rows[0] and "2026-06-20" in rows[0]
    assert rows[1].endswith("no date given yet: please confirm one")
    assert message.html.count("<tr>") == 3 and "po@nvidia.example" in message.html
    # Before the promised date, a slip is asked about rather than called late.
    with database.session() as session:
        early = chasing.chase(session, [line_id], "maria", day("2026-05-01"))
    assert "19 days after your first commitment 2026-06-01: please confirm" in early.text
    assert "overdue" not in early.messages[0].subject


def _vendor_id(session):
    return records.find_record(session, "vendors", {"name": "Nvidia"})["id"]


def test_chasing_late_lines_is_what_the_alerts_call_late(database):
    """As of 2026-12-07, threshold 14 days: a draft line with a passed date is not an order
    (not chased); a 4-day slip is not late (no alert), a 15-day slip is; an overdue line is;
    a line on hold is not chased (listed as on hold)."""
    from services import alerts, chasing

    with database.write() as session:
        basic_world(session)
        order_line(
            session,
            "PO-D",
            status="draft",
            promised_date=day("2026-11-01"),
            unit_price=None,
        )
        order_line(
            session,
            "PO-S",
            promised_date=day("2027-01-01"),
            eta=day("2027-01-05"),
            unit_price=None,
            status=None,
        )
        order_line(
            session,
            "PO-S",
            2,
            promised_date=day("2027-01-01"),
            eta=day("2027-01-16"),
            unit_price=None,
            status=None,
        )
        order_line(
            session,
            "PO-O",
            promised_date=day("2026-11-30"),
            unit_price=None,
            status=None,
        )
        order_line(
            session,
            "PO-H",
            status="on_hold",
            promised_date=day("2026-11-01"),
            unit_price=None,
        )
    as_of = day("2026-12-07")
    with database.session() as session:
        late = chasing.lines_to_chase(session, as_of, late_only=True)
        refs = {
            f"{r['po_number']}/{r['line']}"
            for r in records.list_records(session, "orders")
            if r["id"] in late
        }
        alerted = {
            a.subject
            for a in alerts.evaluate(session, as_of)
            if a.rule in ("overdue_delivery", "eta_slip")
        }
        everything = chasing.lines_to_chase(session, as_of)
        left = chasing.chase(session, everything + late, "maria", as_of).left_out
    assert refs == alerted == {"PO-S/2", "PO-O/1"}
    assert len(everything) == 3  # the draft and the line on hold are not chased
    assert left == []


def test_a_new_orders_currency_is_its_vendors_usual_one(database, actor):
    """A vendor's usual currency: its latest order's, else the one most of its products are
    priced in (the alphabet's first among as many), else the reporting currency."""
    from services import settings

    with database.write() as session:
        basic_world(session, actor)
        settings.set_value(session, "reporting_currency", "CAD", actor)
        make(session, "vendors", actor, name="Schneider Electric")
        make(session, "vendors", actor, name="Eaton")
        make(session, "vendors", actor, name="Vertiv")
        for vendor, sku, currency in (
            ("Eaton", "9395", "EUR"),
            ("Eaton", "93PM", "EUR"),
            ("Eaton", "BladeUPS", "USD"),
            ("Vertiv", "XD", "USD"),
            ("Vertiv", "CW", "EUR"),
            ("Schneider Electric", "Galaxy", "EUR"),
        ):
            make(
                session,
                "products",
                actor,
                vendor=vendor,
                sku=sku,
                category="power",
                list_price=D("1000"),
                currency=currency,
            )
        # Schneider: its latest order in USD, the others (entered before and after it) and
        # its product in EUR; Eaton's one order in GBP outweighs its products.
        for po, vendor, sku, ordered, currency in (
            ("SE-1", "Schneider Electric", "Galaxy", "2026-03-01", "EUR"),
            ("SE-2", "Schneider Electric", "Galaxy", "2026-05-01", "USD"),
            ("SE-3", "Schneider Electric", "Galaxy", "2026-04-01", "EUR"),
            ("EA-1", "Eaton", "9395", "2026-01-01", "GBP"),
        ):
            order_line(
                session,
                po,
                actor=actor,
                vendor=vendor,
                sku=sku,
                order_date=day(ordered),
                currency=currency,
            )
        names = lists.reference_names(session)
    assert names.currency_for("Schneider Electric") == "USD"
    assert names.currency_for("EATON") == "GBP"  # the name in any case
    assert names.currency_for("Vertiv") == "EUR"  # one product each: EUR before USD
    assert names.currency_for("NVDA") == "USD"  # by its alias: its product's currency
    assert names.currency_for("Nobody Inc") == "CAD"  # an unknown vendor: reporting currency
    assert names.currency_for(None) == "CAD"
