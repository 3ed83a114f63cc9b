"""A small database holding one record of every kind, with text that looks like formulas."""

from __future__ import annotations

from sqlalchemy.orm import Session

from tests.helpers import D, basic_world, day, make


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
    make(
        session,
        "products",
        vendor="+Plus Power",
        sku="-PDU-1",
        description="@risk PDU",
        category="power",
        gpus_per_unit=0,
        kw_per_unit=D("17.25"),
        list_price=D("12345678901234.5678"),
        currency="EUR",
    )
    make(
        session,
        "leadtimes",
        vendor="Nvidia",
        sku="GB300-NVL72",
        lead_days=112,
        quote_date=day("2026-09-01"),
        valid_until=day("2026-12-31"),
        notes="-16 weeks firm",
    )
    make(
        session,
        "contracts",
        contract_ref="-C-7",
        customer="=Acme AI",
        site="Panther Creek",
        start_date=day("2027-01-01"),
        end_date=day("2029-12-31"),
        price=D("2.10"),
        price_unit="per_gpu_hour",
        service="gpu_lease",
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
    make(
        session,
        "products",
        vendor="Nvidia",
        sku="+B300-HGX",
        description="8-GPU server",
        category="gpu_server",
        gpus_per_unit=8,
        gpu_model="-B300",
        kw_per_unit=D("14.3"),
        list_price=D("410000"),
    )
    make(
        session,
        "site_capacity",
        site="=Site Two",
        from_date=day("2027-09-01"),
        grid_mw=D("120.25"),
        notes="=new substation",
    )
    make(
        session,
        "deployments",
        deployment_ref="-HALL-1",
        site="Panther Creek",
        name="@Hall 1",
        contract_ref="-C-7",
        target_date=day("2026-12-15"),
        power_ready_date=day("2026-11-30"),
        status="building",
        notes="+liquid cooled",
    )
    make(session, "deployment_parts", deployment_ref="-HALL-1", part="GB300-NVL72", quantity=2)
    make(session, "deployment_parts", deployment_ref="-HALL-1", part="cooling", quantity=3)
    make(
        session,
        "orders",
        po_number="=PO-1",
        line=1,
        vendor="NVDA",
        sku="GB300-NVL72",
        quantity=4,
        site="Panther Creek",
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
    )
    make(
        session,
        "orders",
        po_number="+PO-2",
        line=1,
        vendor="+Plus Power",
        sku="-PDU-1",
        quantity=10,
        site="=Site Two",
        order_date=day("2026-05-04"),
        unit_price=D("0.0001"),
        currency="USD",
        status="confirmed",
    )
    make(
        session,
        "ppas",
        ppa_ref="-PPA-1",
        counterparty="@Grid Co",
        site="Panther Creek",
        capacity_mw=D("120.5"),
        start_date=day("2025-01-01"),
        end_date=day("2034-12-31"),
        price_per_mwh=D("41.25"),
        currency="EUR",
        structure="fixed",
        escalation_pct=D("2.5"),
        renewable_pct=D("60"),
        take_or_pay_pct=D("80"),
        notice_days=180,
    )
    make(session, "fxrates", currency="EUR", rate=D("1.08123456"), valid_from=day("2026-01-01"))
