"""GPU models, late credits, payment schedules and a line's deployment on the kinds that have
them: stored, listed, and refused with a message naming the record and field when wrong."""

from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import select

from cli import run
from models import AuditEntry
from services import records
from tests.builders import (
    D,
    basic_world,
    bill_of_parts,
    capacity_step,
    day,
    lease_fields,
    make,
    new_deployment,
    order_fields,
    order_line,
    ppa_fields,
    product,
    refused,
)

CONTRACT = lease_fields(service=None)


def test_a_gpu_model_is_kept_on_products_with_gpus_and_on_contracts(database, actor) -> None:
    with database.write() as session:
        basic_world(session, actor)
        product(
            session, "B300-HGX", actor, category="gpu_server", gpus_per_unit=8, gpu_model="B300"
        )
        contract = make(session, "contracts", actor, **CONTRACT, gpu_model="GB300")
    with database.session() as session:
        products = {p["sku"]: p for p in records.list_records(session, "products")}
    assert products["B300-HGX"]["gpu_model"] == "B300"
    assert products["GB300-NVL72"]["gpu_model"] is None
    assert contract["gpu_model"] == "GB300"


def test_a_gpu_model_on_a_product_without_gpus_is_refused(database, actor) -> None:
    with database.write() as session:
        basic_world(session, actor)
        error = refused(
            session,
            "products",
            actor,
            vendor="Nvidia",
            sku="PDU-1",
            category="power",
            gpus_per_unit=0,
            gpu_model="GB300",
        )
    (problem,) = error.problems
    assert (problem.field, problem.value) == ("gpu_model", "GB300")
    assert "this one has 0 GPUs per unit" in problem.reason
    assert str(error).startswith("Product Nvidia / PDU-1 was not saved")
    with database.write() as session:
        blank = refused(
            session,
            "products",
            actor,
            vendor="Nvidia",
            sku="PDU-2",
            category="power",
            gpu_model="B300",
        )
    # No count given is none: 0 GPUs per unit.
    assert "this one has 0 GPUs per unit" in blank.problems[0].reason
    with database.session() as session:
        assert [p["sku"] for p in records.list_records(session, "products")] == ["GB300-NVL72"]


def test_late_credits_need_the_contracts_currency_and_are_never_negative(database, actor) -> None:
    with database.write() as session:
        basic_world(session, actor)
        no_currency = refused(
            session, "contracts", actor, **CONTRACT, late_credit_per_day=D("25000")
        )
        negative = refused(
            session,
            "contracts",
            actor,
            **CONTRACT,
            currency="USD",
            late_credit_per_day=D("25000"),
            late_credit_cap=D("-1"),
        )
        saved = make(
            session,
            "contracts",
            actor,
            **CONTRACT,
            currency="EUR",
            late_credit_per_day=D("25000.50"),
            late_credit_cap=D("1000000"),
        )
        # Without a late credit a blank currency still means USD.
        plain = make(session, "contracts", actor, **{**CONTRACT, "contract_ref": "C-2"})
    assert [(p.field, p.reason) for p in no_currency.problems] == [
        ("currency", "a late credit is money the operator owes: give the contract's currency")
    ]
    assert "Contract C-1" in str(no_currency)
    assert [(p.field, p.value) for p in negative.problems] == [("late_credit_cap", D("-1"))]
    assert "a late credit cannot be negative" in str(negative)
    assert (saved["late_credit_per_day"], saved["late_credit_cap"]) == (
        D("25000.50"),
        D("1000000"),
    )
    assert plain["currency"] == "USD"


@pytest.mark.parametrize(
    ("schedule", "says"),
    [
        ("30% order; 60% shipped", "adds up to 90%, not 100%"),
        ("50% delivery; 50% received", "unknown event 'delivery'"),
        ("-10% order; 110% received", "has a percentage of -10%"),
        ("100% received+-5", "counts -5 days"),
        ("half up front", "cannot read"),
    ],
)
def test_a_payment_schedule_that_cannot_be_read_is_refused(database, actor, schedule, says):
    with database.write() as session:
        basic_world(session, actor)
        error = refused(session, "vendors", actor, name="Vertiv", payment_schedule=schedule)
    (problem,) = error.problems
    assert (problem.field, problem.value) == ("payment_schedule", schedule)
    assert says in problem.reason
    assert "Vendor Vertiv" in str(error) and schedule in str(error)


def test_an_orders_payment_schedule_is_its_purchase_orders(database, actor) -> None:
    def line(no: int, schedule: str) -> dict[str, object]:
        return order_fields(
            "PC-1",
            no,
            quantity=2,
            order_date=day("2026-09-01"),
            status=None,
            unit_price=None,
            payment_schedule=schedule,
        )

    with database.write() as session:
        basic_world(session, actor)
        first = make(session, "orders", actor, **line(1, "30% order; 70% received+30"))
        make(session, "orders", actor, **line(2, "30% order; 70% received+30"))
        bad = refused(session, "orders", actor, **line(3, "30% order; 60% shipped"))
    assert "Order line PC-1/3" in str(bad)
    assert bad.problems[0].field == "payment_schedule"
    with database.write() as session:
        records.update(session, "orders", first["id"], {"payment_schedule": "100% net 60"}, actor)
    with database.session() as session:
        lines = records.list_records(session, "orders")
        entries = session.execute(
            select(AuditEntry.entity, AuditEntry.field, AuditEntry.new_value).where(
                AuditEntry.action == "update"
            )
        ).all()
    # One schedule per order: both its lines show it, and the change is the order's.
    assert [r["payment_schedule"] for r in lines] == ["100% net 60", "100% net 60"]
    assert entries == [("purchase_orders", "payment_schedule", "100% net 60")]


def test_take_or_pay_outside_0_to_100_is_refused(database, actor) -> None:
    with database.write() as session:
        basic_world(session, actor)
        ppa = ppa_fields("PPA-1", "120", "2026-01-01", "2036-12-31", counterparty="PPL")
        error = refused(session, "ppas", actor, **ppa, take_or_pay_pct=D("120"))
    assert [(p.field, p.value) for p in error.problems] == [("take_or_pay_pct", D("120"))]
    assert "between 0 and 100" in str(error) and "PPA PPA-1" in str(error)


def test_list_json_gives_the_new_fields_with_their_canonical_names(database, actor) -> None:
    with database.write() as session:
        basic_world(session, actor)
        make(
            session,
            "contracts",
            actor,
            **CONTRACT,
            gpu_model="GB300",
            late_credit_per_day=D("25000"),
            currency="USD",
        )
        new_deployment(session, "PC-H1", actor, contract_ref="C-1", status="building")
        bill_of_parts(session, "PC-H1", {"gb300-nvl72": 8}, actor)
        capacity_step(session, "2027-06-01", "350", actor)
        order_line(
            session,
            "PC-1",
            actor=actor,
            quantity=2,
            order_date=day("2026-09-01"),
            status=None,
            unit_price=None,
            promised_date=day("2026-12-01"),
            eta=day("2027-01-15"),
            payment_schedule="100% net 60",
            deployment_ref="PC-H1",
        )

    def listed(kind: str) -> list[dict[str, object]]:
        out, err = io.StringIO(), io.StringIO()
        assert run(["--db", str(database.url), "list", kind, "--json"], out, err) == 0, err
        return json.loads(out.getvalue())  # type: ignore[no-any-return]

    (line,) = listed("orders")
    assert line["payment_schedule"] == "100% net 60"
    assert line["deployment_ref"] == "PC-H1"
    assert line["first_commitment"] == "2026-12-01"
    (contract,) = listed("contracts")
    assert (contract["gpu_model"], contract["late_credit_per_day"]) == ("GB300", "25000")
    assert contract["late_credit_cap"] is None
    assert listed("site_capacity") == [
        {"site": "Panther Creek", "from_date": "2027-06-01", "grid_mw": "350", "notes": None}
    ]
    (deployment,) = listed("deployments")
    assert deployment == {
        "deployment_ref": "PC-H1",
        "site": "Panther Creek",
        "name": None,
        "contract_ref": "C-1",
        "target_date": None,
        "power_ready_date": None,
        "status": "building",
        "notes": None,
    }
    assert listed("deployment_parts") == [
        {"deployment_ref": "PC-H1", "part": "GB300-NVL72", "quantity": 8}
    ]
