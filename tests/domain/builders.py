"""Plain values for the domain tests: lines, products, contracts and deployments by hand."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from domain.allocation import Deployment, Part
from domain.contracts import Contract
from domain.supply import Line, Product

D = Decimal
SITE = 1
OTHER_SITE = 2
LEASE_PRICE = D("2.50")

_ids = itertools.count(1)


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


RACK = Product(1, 1, "GB300-NVL72", "gpu_system", 72, "GB300", D("135"))
HGX = Product(2, 2, "XE9680-H200", "gpu_server", 8, "H200", D("10.2"))
CDU = Product(3, 3, "XDU-1350", "cooling", 0, None, D("4"))
SWITCH = Product(4, 4, "Q3400-RA", "network", 0, None, D("1.5"))
PDU = Product(5, 3, "PDU-415", "power", 0, None, None)
B300 = Product(6, 2, "XE9712-B300", "gpu_system", 72, "B300", D("132"))
PRODUCTS = {p.id: p for p in (RACK, HGX, CDU, SWITCH, PDU, B300)}


def line(
    po: str = "PO-1",
    no: int = 1,
    *,
    product: Product = RACK,
    quantity: int = 1,
    status: str = "confirmed",
    eta: str | None = None,
    promised: str | None = None,
    received: int = 0,
    received_on: str | None = None,
    first: str | None = None,
    site: int = SITE,
    order_date: str = "2026-06-01",
    price: Decimal | None = None,
    currency: str = "USD",
    deployment: str | None = None,
    **extra: Any,
) -> Line:
    promised_date = day(promised) if promised else None
    eta_date = day(eta) if eta else None
    commitment = day(first) if first else (promised_date or eta_date)
    return Line(
        id=extra.pop("id", next(_ids)),
        po_number=po,
        line_no=no,
        vendor_id=product.vendor_id,
        site_id=site,
        product_id=product.id,
        order_date=day(order_date),
        currency=currency,
        quantity=quantity,
        unit_price=price,
        promised_date=promised_date,
        eta=eta_date,
        received_qty=received,
        received_date=day(received_on) if received_on else None,
        status=status,
        first_commitment=commitment,
        deployment_ref=deployment,
        **extra,
    )


def contract(
    ref: str = "C-1",
    *,
    gpus: int | None = 72,
    start: str = "2027-03-15",
    end: str = "2029-03-14",
    status: str = "signed",
    model: str | None = None,
    site: int = SITE,
    mw: Decimal | None = None,
    price: Decimal = LEASE_PRICE,
    unit: str = "per_gpu_hour",
    currency: str = "USD",
    per_day: Decimal | None = None,
    cap: Decimal | None = None,
    customer: str = "Acme AI",
) -> Contract:
    return Contract(
        ref=ref,
        customer=customer,
        site_id=site,
        status=status,
        start_date=day(start),
        end_date=day(end),
        price=price,
        price_unit=unit,
        currency=currency,
        committed_gpus=gpus,
        committed_mw=mw,
        gpu_model=model,
        late_credit_per_day=per_day,
        late_credit_cap=cap,
    )


def deployment(
    ref: str = "DEP-1",
    parts: dict[str, int] | None = None,
    *,
    contract_ref: str | None = None,
    target: str | None = None,
    power: str | None = None,
    status: str = "planned",
    site: int = SITE,
) -> Deployment:
    return Deployment(
        ref=ref,
        site_id=site,
        status=status,
        contract_ref=contract_ref,
        target_date=day(target) if target else None,
        power_ready_date=day(power) if power else None,
        parts=tuple(Part(name, qty) for name, qty in (parts or {}).items()),
    )
