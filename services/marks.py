"""Which rows of a list stand out, and why: the supply-risk alerts (docs/adding-an-alert.md) on
the records they concern.

The rules are not written again here. ``row_marks`` evaluates every rule once
(``services.alerts.evaluate``) and hands each alert to the rows it names: its subject (an
order line, a contract, a PPA, a site, a vendor, a vendor's sku) and, where the rule names
them, related records (the late lines of a contract short of GPUs, the open lines of an
unconfirmed order, the contracts of a site short of power). So a marked row and an alert
always agree, and the tooltip of a row says what the alert says.

Levels: ``overdue`` when a date has passed (an overdue delivery, a PPA notice deadline
already gone), ``at_risk`` for everything else an alert warns of.

A list computes its marks once per load, in the loading task; ``RowMarks.for_rows`` then
marks any rows of that kind (the list's, or an order's lines shown underneath) by lookup.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy.orm import Session

from services import alerts as alerts_service
from services.alerts import Alert

Level = Literal["overdue", "at_risk"]

OVERDUE: Level = "overdue"
AT_RISK: Level = "at_risk"


@dataclass(frozen=True)
class Mark:
    """Why a row stands out: ``overdue`` (a date has passed) or ``at_risk`` (an alert warns
    of it), with the alerts' sentences a buyer understands (one per line) and their keys."""

    level: Level
    reason: str
    alert_keys: tuple[str, ...] = ()


# How a row of each kind is named by the alerts: its subject text, from the row's fields.
def _order_line_key(get: Callable[[str], Any]) -> str:
    return f"{get('po_number')}/{get('line')}"


def _vendor_sku_key(get: Callable[[str], Any]) -> str:
    return f"{get('vendor')} / {get('sku')}"


ROW_KEYS: dict[str, Callable[[Callable[[str], Any]], str]] = {
    "orders": _order_line_key,
    "contracts": lambda get: str(get("contract_ref")),
    "ppas": lambda get: str(get("ppa_ref")),
    "sites": lambda get: str(get("name")),
    "vendors": lambda get: str(get("name")),
    "products": _vendor_sku_key,
    "leadtimes": _vendor_sku_key,
    "deployments": lambda get: str(get("deployment_ref")),
}

# Per rule: the kinds its subject is a record of.
SUBJECT_KINDS: dict[str, tuple[str, ...]] = {
    "overdue_delivery": ("orders",),
    "eta_slip": ("orders",),
    "unconfirmed_order": (),  # a purchase order: its open lines are marked (related)
    "lead_time_drift": ("products", "leadtimes"),
    "capacity_shortfall": ("contracts",),
    "deployment_late": ("deployments",),
    "take_or_pay_idle": ("sites",),
    "power_shortfall": ("sites",),
    "ppa_coverage_gap": ("sites",),
    "vendor_concentration": ("vendors",),
    "ppa_expiring": ("ppas",),
    "contract_notice_due": ("contracts",),
}

# Per rule: the kind of the related records also marked, and how their reason begins.
RELATED_KIND: dict[str, tuple[str, str]] = {
    "unconfirmed_order": ("orders", "Its order has no confirmed dates: "),
    "capacity_shortfall": (
        "orders",
        "Leaves a contract short of GPUs (late, overdue or undated): ",
    ),
    "deployment_late": ("orders", "Holds up a cluster: "),
    "power_shortfall": ("contracts", "Its site is short of grid power: "),
    "ppa_coverage_gap": ("contracts", "Its site is short of PPA cover: "),
}


def kinds_marked() -> frozenset[str]:
    return frozenset(ROW_KEYS)


def alert_level(alert: Alert) -> Level:
    """``overdue`` for a delivery date or a PPA notice deadline that has passed."""
    if alert.rule == "overdue_delivery":
        return OVERDUE
    if alert.rule == "ppa_expiring" and alert.figure > 0:
        return OVERDUE  # the figure is 1 once the notice deadline has passed
    return AT_RISK


@dataclass
class RowMarks:
    """The marks of one kind's records, by the key the alerts name them with."""

    kind: str
    by_key: dict[str, Mark] = field(default_factory=dict)

    def key_of(self, record: Mapping[str, Any]) -> str | None:
        make = ROW_KEYS.get(self.kind)
        return make(record.__getitem__) if make is not None else None

    def for_rows(self, names: Sequence[str], rows: Iterable[Sequence[Any]]) -> list[Mark | None]:
        """One mark (or None) per row tuple whose fields are ``names``."""
        make = ROW_KEYS.get(self.kind)
        if make is None or not self.by_key:
            return [None for _ in rows]
        found = self.by_key.get
        if self.kind == "orders":
            at = {name: i for i, name in enumerate(names)}
            if "po_number" not in at or "line" not in at:
                return [None for _ in rows]  # no rows loaded yet
            # 100,000 lines: the key built inline rather than through the general getter.
            i_po, i_line = at["po_number"], at["line"]
            return [found(f"{row[i_po]}/{row[i_line]}") for row in rows]
        if not names:
            return [None for _ in rows]
        return [found(make(dict(zip(names, row, strict=True)).__getitem__)) for row in rows]


def marks_from_alerts(kind: str, alerts: Iterable[Alert]) -> RowMarks:
    """The marks ``alerts`` put on records of ``kind``."""
    found: dict[str, list[tuple[Level, str, str]]] = {}
    for alert in alerts:
        level = alert_level(alert)
        if kind in SUBJECT_KINDS.get(alert.rule, ()):
            found.setdefault(alert.subject, []).append((level, alert.message, alert.key))
        related = RELATED_KIND.get(alert.rule)
        if related is not None and related[0] == kind:
            prefix = related[1]
            for ref in alert.related:
                if ref == alert.subject:
                    continue
                found.setdefault(ref, []).append((AT_RISK, prefix + alert.message, alert.key))
    by_key = {}
    for row_key, items in found.items():
        # Overdue reasons first: they say why the row has its colour.
        items.sort(key=lambda item: item[0] != OVERDUE)
        by_key[row_key] = Mark(
            items[0][0],
            "\n".join(message for _, message, _ in items),
            tuple(alert_key for _, _, alert_key in items),
        )
    return RowMarks(kind, by_key)


def row_marks(session: Session, kind: str, as_of: dt.date | None = None) -> RowMarks:
    """The marks of every record of ``kind`` as of a day (today by default): every alert
    rule evaluated once, acknowledged alerts included (acknowledging a late delivery does
    not make it on time)."""
    if kind not in ROW_KEYS:
        return RowMarks(kind)
    return marks_from_alerts(kind, alerts_service.evaluate(session, as_of))
