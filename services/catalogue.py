"""What a product brings to a new order line: its description and list price, and the
vendor's latest lead-time quote (the New-order grid and the products list show it)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from services import records

Record = dict[str, Any]


@dataclass(frozen=True)
class CatalogueItem:
    """What a product brings to a new line: its description and list price, and the
    vendor's latest lead-time quote for it (days, quoted on, valid until), if any."""

    description: str | None
    list_price: Decimal | None
    currency: str | None
    lead_days: int | None = None
    quoted_on: dt.date | None = None
    valid_until: dt.date | None = None

    def arrival(self, order_date: dt.date) -> dt.date | None:
        """When the goods would come if ordered on ``order_date``, by the latest quote."""
        return None if self.lead_days is None else order_date + dt.timedelta(days=self.lead_days)


def catalogue(session: Session) -> dict[tuple[str, str], CatalogueItem]:
    """Every product by (vendor, SKU) in ``records.name_key`` form, for filling in a line,
    with the latest lead-time quote of each."""
    latest: dict[tuple[str, str], Record] = {}
    for quote in records.list_records(session, "leadtimes"):
        key = (records.name_key(quote["vendor"]), records.name_key(quote["sku"]))
        if key not in latest or quote["quote_date"] > latest[key]["quote_date"]:
            latest[key] = quote
    items = {}
    for product in records.list_records(session, "products"):
        key = (records.name_key(product["vendor"]), records.name_key(product["sku"]))
        quote = latest.get(key, {})
        items[key] = CatalogueItem(
            product.get("description"),
            product.get("list_price"),
            product.get("currency"),
            quote.get("lead_days"),
            quote.get("quote_date"),
            quote.get("valid_until"),
        )
    return items
