"""The figures: load the records the rules read, ask ``domain/``, return what it says.

``load_world`` reads everything in a few Core ``SELECT`` statements into the plain values of
``domain.world`` (no ORM objects, no per-record queries: 100,000 order lines load in well
under a second); ``picture`` computes every figure of contracts, deployments and sites as
of a day (``domain.picture``). The rules themselves live in ``domain/`` only.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

import models
from domain import supply
from domain.allocation import Deployment as DeploymentValue
from domain.allocation import Part
from domain.contracts import Contract
from domain.money import Converter
from domain.picture import (
    ContractFigures,
    MissingRate,
    OpenValue,
    Picture,
    SiteFigures,
    SupplyPoint,
    open_value_breakdown,
    supply_series,
)
from domain.picture import picture as compute_picture
from domain.power import Ppa as PpaValue
from domain.power import Site as SiteValue
from domain.scorecard import Quote
from domain.world import Settings, World
from domain.world import Vendor as VendorValue
from services import settings as settings_service
from services.collector import collector_paused

__all__ = [
    "CENT",
    "ZERO",
    "ContractFigures",
    "Converter",
    "MissingRate",
    "OpenValue",
    "Picture",
    "SiteFigures",
    "collector_paused",
    "contract_figures",
    "load_world",
    "open_order_value",
    "open_value_breakdown",
    "picture",
    "site_figures",
    "site_supply_series",
]

CENT = Decimal("0.01")
ZERO = Decimal(0)


def load_world(session: Session) -> World:
    """Read what the rules need: a few Core SELECTs into plain values.

    The statements run on the session's connection, not through ``Session.execute``: plain
    Core rows skip the ORM's result machinery, which costs more than the query itself on
    100,000 order lines. Order lines are fetched all at once (``.all()``): psycopg's
    row-by-row fetching doubled the load time on PostgreSQL.
    """
    with collector_paused():
        return _load_world(session)


def _load_world(session: Session) -> World:
    connection = session.connection()
    contracts, contract_refs = _contracts(connection)
    quotes = [
        Quote(*row)
        for row in connection.execute(
            select(
                models.LeadTimeQuote.product_id,
                models.LeadTimeQuote.quote_date,
                models.LeadTimeQuote.lead_days,
            )
        )
    ]
    return World(
        sites=_sites(connection),
        vendors=_vendors(connection),
        products=_products(connection),
        lines=_lines(connection),
        contracts=contracts,
        ppas=_ppas(connection),
        quotes=quotes,
        fx=_fx(connection),
        deployments=_deployments(connection, contract_refs),
        order_schedules=_schedules(connection),
        settings=Settings.from_values(settings_service.get_all(session)),
    )


def _sites(connection: Connection) -> dict[int, SiteValue]:
    steps: dict[int, list[tuple[dt.date, Decimal]]] = defaultdict(list)
    for site_id, from_date, grid_mw in connection.execute(
        select(
            models.SiteCapacity.site_id, models.SiteCapacity.from_date, models.SiteCapacity.grid_mw
        )
    ):
        steps[site_id].append((from_date, grid_mw))
    sites = {
        row[0]: SiteValue(*row, capacity_steps=tuple(sorted(steps.get(row[0], ()))))
        for row in connection.execute(
            select(
                models.Site.id,
                models.Site.name,
                models.Site.grid_capacity_mw,
                models.Site.pue,
                models.Site.status,
            )
        )
    }
    return sites


def _vendors(connection: Connection) -> dict[int, VendorValue]:
    aliases: dict[int, list[str]] = defaultdict(list)
    for vendor_id, alias in connection.execute(
        select(models.VendorAlias.vendor_id, models.VendorAlias.alias)
    ):
        aliases[vendor_id].append(alias)
    vendors = {
        vid: VendorValue(vid, name, tuple(sorted(aliases.get(vid, ()))), schedule)
        for vid, name, schedule in connection.execute(
            select(models.Vendor.id, models.Vendor.name, models.Vendor.payment_schedule)
        )
    }
    return vendors


def _products(connection: Connection) -> dict[int, supply.Product]:
    products = {
        row[0]: supply.Product(*row)
        for row in connection.execute(
            select(
                models.Product.id,
                models.Product.vendor_id,
                models.Product.sku,
                models.Product.category,
                models.Product.gpus_per_unit,
                models.Product.gpu_model,
                models.Product.kw_per_unit,
            )
        )
    }
    return products


def _lines(connection: Connection) -> list[supply.Line]:
    deployment_refs = {
        did: ref
        for did, ref in connection.execute(
            select(models.Deployment.id, models.Deployment.deployment_ref)
        )
    }
    line_query = select(
        models.OrderLine.id,
        models.PurchaseOrder.po_number,
        models.OrderLine.line_no,
        models.PurchaseOrder.vendor_id,
        models.PurchaseOrder.site_id,
        models.OrderLine.product_id,
        models.PurchaseOrder.order_date,
        models.PurchaseOrder.currency,
        models.OrderLine.quantity,
        models.OrderLine.unit_price,
        models.OrderLine.promised_date,
        models.OrderLine.eta,
        models.OrderLine.received_qty,
        models.OrderLine.received_date,
        models.OrderLine.status,
        models.OrderLine.first_commitment,
        models.OrderLine.deployment_id,
        models.OrderLine.version,
    ).join(models.PurchaseOrder, models.OrderLine.order_id == models.PurchaseOrder.id)
    line_rows = cast(Iterable[tuple[Any, ...]], connection.execute(line_query).all())
    lines = []
    first_commitment = supply.first_commitment
    for row in line_rows:
        *head, first, deployment_id, version = row
        lines.append(
            supply.Line(  # type: ignore[misc]  # the 15 leading fields, in the query's order
                *head,
                first_commitment=first_commitment(first, head[10], head[11]),
                deployment_ref=deployment_refs.get(deployment_id) if deployment_id else None,
                version=version,
            )
        )
    return lines


def _contracts(connection: Connection) -> tuple[list[Contract], dict[int, str]]:
    """The contracts, and each one's reference by id."""
    contract_refs: dict[int, str] = {}
    contracts = []
    for row in connection.execute(
        select(
            models.CustomerContract.id,
            models.CustomerContract.contract_ref,
            models.Customer.name,
            models.CustomerContract.site_id,
            models.CustomerContract.status,
            models.CustomerContract.start_date,
            models.CustomerContract.end_date,
            models.CustomerContract.price,
            models.CustomerContract.price_unit,
            models.CustomerContract.currency,
            models.CustomerContract.committed_gpus,
            models.CustomerContract.committed_mw,
            models.CustomerContract.gpu_model,
            models.CustomerContract.service,
            models.CustomerContract.auto_renew,
            models.CustomerContract.notice_days,
            models.CustomerContract.late_credit_per_day,
            models.CustomerContract.late_credit_cap,
        ).join(models.Customer, models.CustomerContract.customer_id == models.Customer.id)
    ):
        contract_id, *values = row
        contract_refs[contract_id] = values[0]
        contracts.append(Contract(*values, id=contract_id))  # type: ignore[misc]
    return contracts, contract_refs


def _ppas(connection: Connection) -> list[PpaValue]:
    # The columns in the order of the value's fields (the id last).
    query = select(
        models.Ppa.ppa_ref,
        models.Ppa.site_id,
        models.Ppa.capacity_mw,
        models.Ppa.start_date,
        models.Ppa.end_date,
        models.Ppa.counterparty,
        models.Ppa.price_per_mwh,
        models.Ppa.currency,
        models.Ppa.structure,
        models.Ppa.escalation_pct,
        models.Ppa.take_or_pay_pct,
        models.Ppa.notice_days,
        models.Ppa.id,
    )
    return [PpaValue(*row) for row in connection.execute(query)]


def _fx(connection: Connection) -> dict[str, list[tuple[dt.date, Decimal]]]:
    fx: dict[str, list[tuple[dt.date, Decimal]]] = defaultdict(list)
    for currency, valid_from, rate in connection.execute(
        select(models.FxRate.currency, models.FxRate.valid_from, models.FxRate.rate).order_by(
            models.FxRate.valid_from
        )
    ):
        fx[currency.upper()].append((valid_from, rate))
    return dict(fx)


def _deployments(connection: Connection, contract_refs: dict[int, str]) -> list[DeploymentValue]:
    parts: dict[int, list[Part]] = defaultdict(list)
    for deployment_id, part, quantity in connection.execute(
        select(
            models.DeploymentPart.deployment_id,
            models.DeploymentPart.part,
            models.DeploymentPart.quantity,
        )
    ):
        parts[deployment_id].append(Part(part, quantity))
    deployments = [
        DeploymentValue(
            ref=ref,
            site_id=site_id,
            status=status,
            contract_ref=contract_refs.get(contract_id) if contract_id else None,
            target_date=target,
            power_ready_date=power,
            parts=tuple(sorted(parts.get(did, ()), key=lambda p: p.part)),
            name=name,
        )
        for did, ref, site_id, status, contract_id, target, power, name in connection.execute(
            select(
                models.Deployment.id,
                models.Deployment.deployment_ref,
                models.Deployment.site_id,
                models.Deployment.status,
                models.Deployment.contract_id,
                models.Deployment.target_date,
                models.Deployment.power_ready_date,
                models.Deployment.name,
            )
        )
    ]
    return deployments


def _schedules(connection: Connection) -> dict[str, str]:
    schedules = {
        po: schedule
        for po, schedule in connection.execute(
            select(models.PurchaseOrder.po_number, models.PurchaseOrder.payment_schedule).where(
                models.PurchaseOrder.payment_schedule.is_not(None)
            )
        )
        if schedule
    }
    return schedules


def picture(session: Session, as_of: dt.date | None = None) -> Picture:
    """Every figure as of a day (today by default)."""
    world = load_world(session)
    with collector_paused():
        return compute_picture(world, as_of or dt.date.today())


def contract_figures(session: Session, as_of: dt.date | None = None) -> dict[str, ContractFigures]:
    """Figures of every contract, by reference."""
    return picture(session, as_of).contracts


def site_figures(session: Session, as_of: dt.date | None = None) -> list[SiteFigures]:
    """Per site, by name: grid and PPA MW, MW required, headroom, GPUs by state."""
    return list(picture(session, as_of).sites.values())


def open_order_value(
    session: Session, as_of: dt.date | None = None
) -> tuple[Decimal, list[MissingRate]]:
    """Open order value in the reporting currency and the rates missing to convert the rest
    (what is open in the records now; ``as_of`` is taken for a uniform call)."""
    breakdown = open_value_breakdown(load_world(session))
    return breakdown.total, breakdown.missing_rates


def site_supply_series(
    session: Session, site: str, as_of: dt.date | None = None, months: int = 24
) -> list[SupplyPoint]:
    """Month by month from the as-of month: GPUs received or dated at ``site`` by each month's
    end, the overdue ones apart, against the GPUs committed by then."""
    from services.errors import NotFoundError

    pic = picture(session, as_of)
    site_id = pic.world.site_id(site)
    if site_id is None:
        raise NotFoundError(f"no site is called {site!r}")
    return supply_series(pic, site_id, months)
