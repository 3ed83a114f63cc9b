"""The first commitment kept: an ordinary edit never changes a set promised date (another
date is an ETA move), the line keeps its first commitment once known, and only the explicit,
audited correction changes a promise, with its reason."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models import AuditEntry
from services import orders, records
from services.audit import Actor, eta_history, history
from services.errors import ConflictError, UsageError, ValidationError
from tests.builders import basic_world, day, make, order_fields, run_cli

# Placed, no price (the kind's defaults).
LINE = order_fields("PC-1", quantity=8, order_date=day("2026-03-02"), unit_price=None, status=None)


def _line(session, **values):
    return make(session, "orders", Actor("tester"), **{**LINE, **values})


def test_a_new_line_keeps_its_first_date_as_its_first_commitment(database, actor) -> None:
    with database.write() as session:
        basic_world(session, actor)
        both = _line(session, promised_date=day("2026-10-01"), eta=day("2026-10-20"))
        eta_only = _line(session, line=2, eta=day("2026-11-05"))
        undated = _line(session, line=3)
    assert both["first_commitment"] == day("2026-10-01")  # both at once: the promise
    assert eta_only["first_commitment"] == day("2026-11-05")
    assert undated["first_commitment"] is None
    with database.write() as session:
        # First known later: set then, and kept after.
        dated = records.update(session, "orders", undated["id"], {"eta": day("2026-12-01")}, actor)
        moved = records.update(session, "orders", dated["id"], {"eta": day("2027-01-10")}, actor)
    assert dated["first_commitment"] == day("2026-12-01")
    assert moved["first_commitment"] == day("2026-12-01")


def test_an_edit_of_a_set_promise_is_taken_as_an_eta_move(database, actor) -> None:
    with database.write() as session:
        basic_world(session, actor)
        line = _line(session, promised_date=day("2026-10-01"), eta=day("2026-10-01"))
    with database.write() as session:
        saved = records.update(
            session,
            "orders",
            line["id"],
            {"promised_date": day("2026-11-15")},
            Actor("maria"),
            expected_version=line["version"],
        )
    assert saved["promised_date"] == day("2026-10-01")  # the vendor's first commitment stays
    assert saved["first_commitment"] == day("2026-10-01")
    assert saved["eta"] == day("2026-11-15")  # the new date is the vendor's current estimate
    with database.session() as session:
        moves = [(m.old_date, m.new_date, m.changed_by) for m in eta_history(session, line["id"])]
        fields = [h.field for h in history(session, "orders", line["id"]) if h.action == "update"]
    assert moves[-1] == (day("2026-10-01"), day("2026-11-15"), "maria")
    assert fields == ["eta"]
    with database.write() as session:
        # Clearing the promise by an edit leaves it as it is too.
        kept = records.update(session, "orders", line["id"], {"promised_date": None}, actor)
    assert kept["promised_date"] == day("2026-10-01")


def test_a_promise_given_where_none_was_set_is_taken(database, actor) -> None:
    with database.write() as session:
        basic_world(session, actor)
        line = _line(session, eta=day("2026-10-20"))
        saved = records.update(
            session, "orders", line["id"], {"promised_date": day("2026-10-10")}, actor
        )
    assert saved["promised_date"] == day("2026-10-10")
    # The ETA came first: it stays the first commitment.
    assert saved["first_commitment"] == day("2026-10-20")


def test_the_promised_date_is_corrected_with_a_reason_in_the_audit_trail(database, actor) -> None:
    with database.write() as session:
        basic_world(session, actor)
        line = _line(session, promised_date=day("2026-10-01"), eta=day("2026-11-15"))
    with database.write() as session:
        saved = orders.correct_promised_date(
            session,
            line["id"],
            day("2026-10-21"),
            "  typed 01 for 21 from the acknowledgement ",
            Actor("maria"),
            expected_version=line["version"],
        )
    assert saved["promised_date"] == day("2026-10-21")
    assert saved["first_commitment"] == day("2026-10-21")
    assert saved["eta"] == day("2026-11-15")  # the ETA and its history are left alone
    assert saved["version"] == line["version"] + 1
    with database.session() as session:
        entries = session.execute(
            select(AuditEntry.field, AuditEntry.old_value, AuditEntry.new_value, AuditEntry.reason)
            .where(AuditEntry.entity == "orders", AuditEntry.action == "update")
            .order_by(AuditEntry.field)
        ).all()
        shown = history(session, "orders", line["id"])
    assert entries == [
        (
            "first_commitment",
            "2026-10-01",
            "2026-10-21",
            "typed 01 for 21 from the acknowledgement",
        ),
        ("promised_date", "2026-10-01", "2026-10-21", "typed 01 for 21 from the acknowledgement"),
    ]
    assert shown[0].user == "maria"
    assert shown[0].source_text == "user, corrected: typed 01 for 21 from the acknowledgement"


def test_a_correction_without_a_reason_or_date_is_refused(database, actor) -> None:
    with database.write() as session:
        basic_world(session, actor)
        line = _line(session, promised_date=day("2026-10-01"))
    for reason, when, field in (
        ("", day("2026-10-21"), "reason"),
        ("   ", day("2026-10-21"), "reason"),
        ("typo", None, "promised_date"),
        ("typo", day("2026-01-01"), "promised_date"),  # before the order date
    ):
        with pytest.raises(ValidationError) as caught, database.write() as session:
            orders.correct_promised_date(session, line["id"], when, reason, actor)
        assert [p.field for p in caught.value.problems] == [field]
        assert "Order line PC-1/1" in str(caught.value)
    assert "a correction needs a reason" in _reason_refusal(database, line["id"])
    with database.session() as session:
        assert records.get_record(session, "orders", line["id"])["promised_date"] == day(
            "2026-10-01"
        )


def _reason_refusal(database, line_id: int) -> str:
    with pytest.raises(ValidationError) as caught, database.write() as session:
        orders.correct_promised_date(session, line_id, day("2026-10-21"), "", Actor("x"))
    return str(caught.value)


def test_a_correction_of_a_line_changed_since_is_a_conflict(database, actor) -> None:
    with database.write() as session:
        basic_world(session, actor)
        line = _line(session, promised_date=day("2026-10-01"))
        records.update(session, "orders", line["id"], {"quantity": 9}, Actor("ana"))
    with pytest.raises(ConflictError), database.write() as session:
        orders.correct_promised_date(
            session, line["id"], day("2026-10-21"), "typo", actor, expected_version=line["version"]
        )


def test_a_corrected_promise_is_not_put_back_by_an_ordinary_edit(database, actor) -> None:
    with database.write() as session:
        basic_world(session, actor)
        line = _line(session, promised_date=day("2026-10-01"))
        orders.correct_promised_date(session, line["id"], day("2026-10-21"), "typo", actor)
    with database.session() as session:
        entry = next(
            h for h in history(session, "orders", line["id"]) if h.field == "promised_date"
        )
    with pytest.raises(UsageError, match="only by correcting it"), database.write() as session:
        records.put_back(session, "orders", line["id"], entry.id, actor)  # type: ignore[arg-type]
    with database.session() as session:
        kept = next(
            h for h in history(session, "orders", line["id"]) if h.field == "first_commitment"
        )
    with pytest.raises(UsageError, match="only by correcting it"), database.write() as session:
        records.put_back(session, "orders", line["id"], kept.id, actor)  # type: ignore[arg-type]


def _cli(database, *args: str) -> tuple[int, str, str]:
    return run_cli("--db", str(database.url), "--user", "maria", *args)


def test_correct_promise_on_the_command_line(database, actor) -> None:
    with database.write() as session:
        basic_world(session, actor)
        line = _line(session, promised_date=day("2026-10-01"))

    code, out, err = _cli(database, "correct-promise", "PC-1/1", "2026-10-21", "--reason", "typo")

    assert (code, err) == (0, "")
    assert "PC-1/1: promised date 2026-10-01 -> 2026-10-21" in out
    with database.session() as session:
        saved = records.get_record(session, "orders", line["id"])
        (entry,) = [h for h in history(session, "orders", line["id"]) if h.field == "promised_date"]
    assert (saved["promised_date"], saved["first_commitment"]) == (day("2026-10-21"),) * 2
    assert (entry.user, entry.reason) == ("maria", "typo")


def test_correct_promise_without_a_reason_or_of_no_line_is_refused(database, actor) -> None:
    with database.write() as session:
        basic_world(session, actor)
        _line(session, promised_date=day("2026-10-01"))
    code, out, err = _cli(database, "correct-promise", "PC-1/1", "2026-10-21")
    assert code == 1 and out == ""
    assert "field 'reason'" in err and "a correction needs a reason" in err
    assert "Traceback" not in err
    code, _out, err = _cli(database, "correct-promise", "PC-1/7", "2026-10-21", "--reason", "x")
    assert code == 1 and "there is no order line PC-1/7" in err
    code, _out, err = _cli(database, "correct-promise", "PC-1", "2026-10-21", "--reason", "x")
    assert code == 2 and "PO/LINE" in err
    code, _out, err = _cli(database, "correct-promise", "PC-1/1", "21/10/2026", "--reason", "x")
    assert code == 2 and "is not a date" in err
    with database.session() as session:
        (line,) = records.list_records(session, "orders")
    assert line["promised_date"] == day("2026-10-01")
