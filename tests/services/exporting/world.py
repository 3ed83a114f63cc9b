"""A small database holding one record of every kind, with text that looks like formulas."""

from __future__ import annotations

from sqlalchemy.orm import Session

from tests.builders import (
    D,
    basic_world,
    bill_of_parts,
    capacity_step,
    contract,
    day,
    fx_rate,
    lead_time,
    make,
    new_deployment,
    order_line,
    ppa,
    product,
)


def hostile_world(session: Session) -> None:
    basic_world(session)
    make(
        session,
        "sites",
        name="=Site Two",
        country="NO",
        grid_capacity_mw=D("48.5"),
        status="planned",
        notes="-needs a substation",
    )
    make(
        session,
        "vendors",
        name="+Plus Power",
        aliases="-Minus Power; @AtPower",
        country="DE",
        category="power",
        contact="@ops",
        payment_terms="Net 45",
        payment_schedule="30% order; 70% received+45",
        notes='=HYPERLINK("http://evil.example","click")\nsecond line',
    )
    product(
        session,
        "-PDU-1",
        vendor="+Plus Power",
        description="@risk PDU",
        category="power",
        gpus_per_unit=0,
        kw_per_unit=D("17.25"),
        list_price=D("12345678901234.5678"),
        currency="EUR",
    )
    lead_time(session, 112, "2026-09-01", valid_until=day("2026-12-31"), notes="-16 weeks firm")
    contract(
        session,
        "-C-7",
        "2027-01-01",
        customer="=Acme AI",
        end_date=day("2029-12-31"),
        price=D("2.10"),
        committed_gpus=144,
        committed_mw=D("0.3"),
        currency="USD",
        sla_uptime_pct=D("99.95"),
        auto_renew=True,
        notice_days=90,
        status="active",
        gpu_model="=GB300",
        late_credit_per_day=D("25000.50"),
        late_credit_cap=D("1000000"),
    )
    product(
        session,
        "+B300-HGX",
        description="8-GPU server",
        category="gpu_server",
        gpus_per_unit=8,
        gpu_model="-B300",
        kw_per_unit=D("14.3"),
        list_price=D("410000"),
    )
    capacity_step(session, "2027-09-01", "120.25", site="=Site Two", notes="=new substation")
    new_deployment(
        session,
        "-HALL-1",
        name="@Hall 1",
        contract_ref="-C-7",
        target_date=day("2026-12-15"),
        power_ready_date=day("2026-11-30"),
        status="building",
        notes="+liquid cooled",
    )
    bill_of_parts(session, "-HALL-1", {"GB300-NVL72": 2})
    bill_of_parts(session, "-HALL-1", {"cooling": 3})
    order_line(
        session,
        "=PO-1",
        vendor="NVDA",
        quantity=4,
        order_date=day("2026-05-04"),
        description="+rack",
        unit_price=D("3950000.1234"),
        currency="USD",
        requested_date=day("2026-10-01"),
        promised_date=day("2026-10-15"),
        eta=day("2026-11-02"),
        received_qty=1,
        received_date=day("2026-11-02"),
        notes="@call vendor",
        payment_schedule="100% net 60",
        deployment_ref="-HALL-1",
        status=None,
    )
    order_line(
        session,
        "+PO-2",
        vendor="+Plus Power",
        sku="-PDU-1",
        quantity=10,
        site="=Site Two",
        order_date=day("2026-05-04"),
        unit_price=D("0.0001"),
        currency="USD",
    )
    ppa(
        session,
        "-PPA-1",
        "120.5",
        "2025-01-01",
        "2034-12-31",
        counterparty="@Grid Co",
        price_per_mwh=D("41.25"),
        currency="EUR",
        structure="fixed",
        escalation_pct=D("2.5"),
        renewable_pct=D("60"),
        take_or_pay_pct=D("80"),
        notice_days=180,
    )
    fx_rate(session, "EUR", "1.08123456", "2026-01-01")
