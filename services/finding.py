"""Go to anything: the records whose number, reference or name holds what was typed (a PO
number, a contract reference, a vendor, a site, a SKU…), across every list, each with the
list to show it on and the search that finds it there. One small query per kind, on indexed
key columns, so it answers at once on 100,000 order lines."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from models import (
    Customer,
    CustomerContract,
    Ppa,
    Product,
    PurchaseOrder,
    Site,
    Vendor,
    VendorAlias,
)

MIN_TEXT = 2  # fewer characters than this find nothing (everything would match)


@dataclass(frozen=True)
class Found:
    screen: str  # the list that shows it (a kind name)
    search: str  # what to search there to find it
    title: str  # what it is, as a person reads it: "Purchase order DR-2026-002"
    detail: str  # a few words more: its vendor and site, its customer…


def _like(column: Any, needle: str) -> ColumnElement[bool]:
    """``column`` holds ``needle``, case ignored (LIKE wildcards in the text taken as such)."""
    escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return func.lower(column).like(f"%{escaped}%", escape="\\")


def find(session: Session, text: str, limit: int = 40) -> list[Found]:
    """What ``text`` names, best first: exact numbers and names, then those starting with it,
    then those holding it; at most ``limit``."""
    needle = " ".join(text.split()).lower()
    if len(needle) < MIN_TEXT:
        return []
    found: list[tuple[int, str, Found]] = []
    for search in _SEARCHES:
        for key, item in search(session, needle, limit):
            lowered = key.lower()
            rank = 0 if lowered == needle else 1 if lowered.startswith(needle) else 2
            found.append((rank, lowered, item))
    found.sort(key=lambda item: (item[0], item[1]))
    return [item for _rank, _key, item in found[:limit]]


Hits = Iterator[tuple[str, Found]]


def _orders(session: Session, needle: str, limit: int) -> Hits:
    for po, vendor, site, lines in session.execute(
        select(PurchaseOrder.po_number, Vendor.name, Site.name, func.count())
        .join(Vendor, Vendor.id == PurchaseOrder.vendor_id)
        .join(Site, Site.id == PurchaseOrder.site_id)
        .join(PurchaseOrder.lines)
        .where(_like(PurchaseOrder.po_number, needle))
        .group_by(PurchaseOrder.po_number, Vendor.name, Site.name)
        .order_by(PurchaseOrder.po_number)
        .limit(limit)
    ):
        plural = "s" if lines != 1 else ""
        detail = f"{vendor}, {site}, {lines} line{plural}"
        yield po, Found("orders", po, f"Purchase order {po}", detail)


def _contracts(session: Session, needle: str, limit: int) -> Hits:
    for ref, customer, site in session.execute(
        select(CustomerContract.contract_ref, Customer.name, Site.name)
        .join(Customer, Customer.id == CustomerContract.customer_id)
        .join(Site, Site.id == CustomerContract.site_id)
        .where(or_(_like(CustomerContract.contract_ref, needle), _like(Customer.name, needle)))
        .order_by(CustomerContract.contract_ref)
        .limit(limit)
    ):
        yield ref, Found("contracts", ref, f"Contract {ref}", f"{customer}, {site}")


def _ppas(session: Session, needle: str, limit: int) -> Hits:
    for ref, counterparty, site in session.execute(
        select(Ppa.ppa_ref, Ppa.counterparty, Site.name)
        .join(Site, Site.id == Ppa.site_id)
        .where(or_(_like(Ppa.ppa_ref, needle), _like(Ppa.counterparty, needle)))
        .order_by(Ppa.ppa_ref)
        .limit(limit)
    ):
        yield ref, Found("ppas", ref, f"PPA {ref}", f"{counterparty}, {site}")


def _vendors(session: Session, needle: str, limit: int) -> Hits:
    aliased = select(VendorAlias.vendor_id).where(_like(VendorAlias.alias, needle))
    for name, category, country in session.execute(
        select(Vendor.name, Vendor.category, Vendor.country)
        .where(or_(_like(Vendor.name, needle), Vendor.id.in_(aliased)))
        .order_by(Vendor.name)
        .limit(limit)
    ):
        detail = ", ".join(part for part in (category, country) if part)
        yield name, Found("vendors", name, f"Vendor {name}", detail)


def _sites(session: Session, needle: str, limit: int) -> Hits:
    for name, country in session.execute(
        select(Site.name, Site.country)
        .where(_like(Site.name, needle))
        .order_by(Site.name)
        .limit(limit)
    ):
        yield name, Found("sites", name, f"Site {name}", country or "")


def _customers(session: Session, needle: str, limit: int) -> Hits:
    for (name,) in session.execute(
        select(Customer.name)
        .where(_like(Customer.name, needle))
        .order_by(Customer.name)
        .limit(limit)
    ):
        yield name, Found("customers", name, f"Customer {name}", "")


def _products(session: Session, needle: str, limit: int) -> Hits:
    for sku, vendor, description in session.execute(
        select(Product.sku, Vendor.name, Product.description)
        .join(Vendor, Vendor.id == Product.vendor_id)
        .where(or_(_like(Product.sku, needle), _like(Product.description, needle)))
        .order_by(Product.sku)
        .limit(limit)
    ):
        detail = f"{vendor}: {description or ''}".rstrip(": ")
        yield sku, Found("products", sku, f"Product {sku}", detail)


_SEARCHES: tuple[Callable[[Session, str, int], Hits], ...] = (
    _orders,
    _contracts,
    _ppas,
    _vendors,
    _sites,
    _customers,
    _products,
)
