"""The hand-worked world of the contract summary tests (values worked out in test_summary)."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from models import CustomerContract, Product
from services import settings
from services.audit import Actor
from tests.builders import D, basic_world, contract, day, fx_rate, make, order_line, ppa

AS_OF = day("2026-12-10")


def summary_world(session: Session) -> None:
    basic_world(session)  # Panther Creek (350 MW, PUE 1.25), Nvidia, GB300-NVL72 (72 GPUs)
    make(session, "sites", name="Quiet Hill", grid_capacity_mw=D("20"), status="mining")
    rack = {"unit_price": D("3950000")}
    order_line(
        session,
        "PO-1",
        1,
        **rack,
        quantity=2,
        status=None,
        promised_date=day("2026-11-20"),
        received_qty=2,
        received_date=day("2026-12-01"),
    )
    order_line(session, "PO-1", 2, **rack, quantity=3, eta=day("2027-03-01"))
    contract(
        session,
        "C-1",
        "2027-01-01",
        end_date=day("2027-12-31"),
        committed_gpus=144,
        price=D("2.00"),
        notice_days=90,
    )
    contract(
        session,
        "C-2",
        "2027-02-01",
        customer="Kestrel Labs",
        service="colocation",
        end_date=day("2028-01-31"),
        committed_gpus=216,
        committed_mw=D("0.5"),
        price=D("150"),
        price_unit="per_kw_month",
        notice_days=60,
        status="active",
    )
    contract(
        session,
        "C-3",
        "2027-03-01",
        customer="=Acme AI",
        service="inference",
        end_date=day("2027-04-15"),
        price=D("1200000"),
        price_unit="per_year",
        currency="EUR",
        status="draft",
    )
    ppa(
        session,
        "PPA-Q",
        "10",
        "2025-01-01",
        "2027-12-31",
        counterparty="Valley Power",
        site="Quiet Hill",
        price_per_mwh=D("40.00"),
        escalation_pct=D("3"),
        renewable_pct=D("50"),
        take_or_pay_pct=D("75"),
        structure="fixed",
        notice_days=180,
    )
    # An overdue line (its ETA passed) and an undated one: at risk, never supply.
    order_line(session, "PO-2", **rack, eta=day("2026-11-01"))
    order_line(session, "PO-3", **rack)
    contract(
        session,
        "C-4",
        "2027-06-01",
        customer="Kestrel Labs",
        service="managed_training",
        end_date=day("2028-05-31"),
        price=D("3.00"),
        currency="EUR",
    )
    contract(
        session,
        "C-5",
        "2025-01-01",
        site="Quiet Hill",
        service="colocation",
        end_date=day("2025-12-31"),
        committed_gpus=None,
        committed_mw=D("2"),
        price=D("10000"),
        price_unit="per_month",
        status="terminated",
    )
    fx_rate(session, "EUR", "1.10", "2026-01-01")
    settings.set_value(session, "merchant_price_per_mwh", D("50"), Actor("tester"))
    # GPU models and late credits (set on the records directly).
    session.execute(update(Product).where(Product.sku == "GB300-NVL72").values(gpu_model="GB300"))
    session.execute(
        update(CustomerContract)
        .where(CustomerContract.contract_ref == "C-4")
        .values(gpu_model="GB300", late_credit_per_day=D("500"))
    )
    session.execute(
        update(CustomerContract)
        .where(CustomerContract.contract_ref == "C-2")
        .values(late_credit_per_day=D("1000"), late_credit_cap=D("30000"))
    )
