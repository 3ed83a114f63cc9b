"""The hand-worked world of the contract summary tests (values worked out in test_summary)."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from models import CustomerContract, Product
from services import settings
from services.audit import Actor
from tests.helpers import D, basic_world, day, make

AS_OF = day("2026-12-10")


def summary_world(session: Session) -> None:
    basic_world(session)  # Panther Creek (350 MW, PUE 1.25), Nvidia, GB300-NVL72 (72 GPUs)
    make(session, "sites", name="Quiet Hill", grid_capacity_mw=D("20"), status="mining")
    make(
        session,
        "orders",
        po_number="PO-1",
        line=1,
        vendor="Nvidia",
        sku="GB300-NVL72",
        quantity=2,
        site="Panther Creek",
        order_date=day("2026-06-01"),
        unit_price=D("3950000"),
        promised_date=day("2026-11-20"),
        received_qty=2,
        received_date=day("2026-12-01"),
    )
    make(
        session,
        "orders",
        po_number="PO-1",
        line=2,
        vendor="Nvidia",
        sku="GB300-NVL72",
        quantity=3,
        site="Panther Creek",
        order_date=day("2026-06-01"),
        unit_price=D("3950000"),
        eta=day("2027-03-01"),
        status="confirmed",
    )
    make(
        session,
        "contracts",
        contract_ref="C-1",
        customer="Helios AI",
        site="Panther Creek",
        service="gpu_lease",
        start_date=day("2027-01-01"),
        end_date=day("2027-12-31"),
        committed_gpus=144,
        price=D("2.00"),
        price_unit="per_gpu_hour",
        notice_days=90,
        status="signed",
    )
    make(
        session,
        "contracts",
        contract_ref="C-2",
        customer="Kestrel Labs",
        site="Panther Creek",
        service="colocation",
        start_date=day("2027-02-01"),
        end_date=day("2028-01-31"),
        committed_gpus=216,
        committed_mw=D("0.5"),
        price=D("150"),
        price_unit="per_kw_month",
        notice_days=60,
        status="active",
    )
    make(
        session,
        "contracts",
        contract_ref="C-3",
        customer="=Acme AI",
        site="Panther Creek",
        service="inference",
        start_date=day("2027-03-01"),
        end_date=day("2027-04-15"),
        committed_gpus=72,
        price=D("1200000"),
        price_unit="per_year",
        currency="EUR",
        status="draft",
    )
    make(
        session,
        "ppas",
        ppa_ref="PPA-Q",
        counterparty="Valley Power",
        site="Quiet Hill",
        capacity_mw=D("10"),
        start_date=day("2025-01-01"),
        end_date=day("2027-12-31"),
        price_per_mwh=D("40.00"),
        escalation_pct=D("3"),
        renewable_pct=D("50"),
        take_or_pay_pct=D("75"),
        structure="fixed",
        notice_days=180,
    )
    # An overdue line (its ETA passed) and an undated one: at risk, never supply.
    make(
        session,
        "orders",
        po_number="PO-2",
        line=1,
        vendor="Nvidia",
        sku="GB300-NVL72",
        quantity=1,
        site="Panther Creek",
        order_date=day("2026-06-01"),
        unit_price=D("3950000"),
        eta=day("2026-11-01"),
        status="confirmed",
    )
    make(
        session,
        "orders",
        po_number="PO-3",
        line=1,
        vendor="Nvidia",
        sku="GB300-NVL72",
        quantity=1,
        site="Panther Creek",
        order_date=day("2026-06-01"),
        unit_price=D("3950000"),
        status="confirmed",
    )
    make(
        session,
        "contracts",
        contract_ref="C-4",
        customer="Kestrel Labs",
        site="Panther Creek",
        service="managed_training",
        start_date=day("2027-06-01"),
        end_date=day("2028-05-31"),
        committed_gpus=72,
        price=D("3.00"),
        price_unit="per_gpu_hour",
        currency="EUR",
        status="signed",
    )
    make(
        session,
        "contracts",
        contract_ref="C-5",
        customer="Helios AI",
        site="Quiet Hill",
        service="colocation",
        start_date=day("2025-01-01"),
        end_date=day("2025-12-31"),
        committed_mw=D("2"),
        price=D("10000"),
        price_unit="per_month",
        status="terminated",
    )
    make(session, "fxrates", currency="EUR", rate=D("1.10"), valid_from=day("2026-01-01"))
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
