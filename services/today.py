"""What needs a buyer's action today, in the order it should be done: overdue lines to chase,
contracts and clusters at risk, notices due, ETAs that moved since yesterday, unconfirmed
orders. The window's first screen (the Today view) shows it; every item names its record and
the actions it offers, as plain values.

Nothing is decided here: the items are the alerts (``services.alerts``, over ``domain``'s
rules, acknowledged ones left out) and the ETA history (``eta_change``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.statuses import CLOSED, Rule, Severity
from models import EtaChange, OrderLine, Product, PurchaseOrder, Vendor
from services import alerts as alerts_service

# Actions an item can offer (the window's buttons): chase the vendor, move the line's ETA,
# receive goods on it, acknowledge its alert.
CHASE, MOVE_ETA, RECEIVE, ACKNOWLEDGE = "chase", "move_eta", "receive", "acknowledge"

# The sections, in the order a buyer works through them.
SECTIONS: tuple[tuple[str, str], ...] = (
    ("overdue", "Overdue lines to chase"),
    ("at_risk", "Contracts and clusters at risk"),
    ("notices", "Notices due"),
    ("eta_moved", "ETAs moved since yesterday"),
    ("unconfirmed", "Unconfirmed orders"),
)
_RULE_SECTION: dict[str, str] = {
    Rule.OVERDUE_DELIVERY: "overdue",
    Rule.CAPACITY_SHORTFALL: "at_risk",
    Rule.DEPLOYMENT_LATE: "at_risk",
    Rule.CONTRACT_NOTICE_DUE: "notices",
    Rule.PPA_EXPIRING: "notices",
    Rule.UNCONFIRMED_ORDER: "unconfirmed",
}
# The list that shows an alert's record, and which field names it there.
_RULE_SCREEN: dict[str, str] = {
    Rule.OVERDUE_DELIVERY: "orders",
    Rule.UNCONFIRMED_ORDER: "orders",
    Rule.CAPACITY_SHORTFALL: "contracts",
    Rule.DEPLOYMENT_LATE: "deployments",
    Rule.CONTRACT_NOTICE_DUE: "contracts",
    Rule.PPA_EXPIRING: "ppas",
}
_SEVERITY_RANK: dict[str, int] = {Severity.CRITICAL: 0, Severity.WARNING: 1, Severity.INFO: 2}


@dataclass(frozen=True)
class TodayItem:
    """One thing to do: what it is about, why, where its record is, what can be done."""

    section: str
    title: str
    detail: str
    screen: str  # the list that shows its record
    search: str  # what to look for there (a PO number, a contract ref…)
    actions: tuple[str, ...]
    severity: str = Severity.WARNING
    alert_key: str | None = None
    # The order lines it concerns (ids), for chasing, moving or receiving them.
    line_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class TodaySection:
    name: str
    title: str
    items: tuple[TodayItem, ...]


@dataclass(frozen=True)
class Today:
    as_of: dt.date
    sections: tuple[TodaySection, ...]

    @property
    def items(self) -> list[TodayItem]:
        return [item for section in self.sections for item in section.items]

    def section(self, name: str) -> TodaySection:
        return next(s for s in self.sections if s.name == name)


def _line_ids(session: Session, refs: Iterable[str]) -> dict[str, tuple[int, str]]:
    """``PO/line`` -> (line id, status) for the refs given."""
    wanted = {ref for ref in refs if "/" in ref}
    orders = {ref.rsplit("/", 1)[0] for ref in wanted}
    if not orders:
        return {}
    rows = session.execute(
        select(PurchaseOrder.po_number, OrderLine.line_no, OrderLine.id, OrderLine.status)
        .join(OrderLine, OrderLine.order_id == PurchaseOrder.id)
        .where(PurchaseOrder.po_number.in_(orders))
    )
    found = {}
    for po, line_no, line_id, status in rows:
        ref = f"{po}/{line_no}"
        found[ref] = (line_id, status)
    return found


def _alert_item(alert: alerts_service.Alert, lines: dict[str, tuple[int, str]]) -> TodayItem:
    section = _RULE_SECTION[alert.rule]
    screen = _RULE_SCREEN[alert.rule]
    search = alert.subject
    actions: tuple[str, ...] = (ACKNOWLEDGE,)
    line_ids: tuple[int, ...] = ()
    if alert.rule == "overdue_delivery":
        search = alert.subject.split("/")[0]
        found = lines.get(alert.subject)
        line_ids = (found[0],) if found else ()
        actions = (CHASE, MOVE_ETA, RECEIVE, ACKNOWLEDGE)
    elif alert.rule == "unconfirmed_order":
        line_ids = tuple(lines[ref][0] for ref in alert.related if ref in lines)
        actions = (CHASE, MOVE_ETA, ACKNOWLEDGE)
    title = alert.subject + (f" · {alert.site}" if alert.site else "")
    return TodayItem(
        section,
        title,
        alert.message,
        screen,
        search,
        actions,
        alert.severity,
        alert.key,
        line_ids,
    )


def _eta_moves(session: Session, since: dt.datetime) -> list[TodayItem]:
    """Each line whose ETA moved since ``since``, once, with its first and latest dates."""
    rows = session.execute(
        select(
            EtaChange.order_line_id,
            EtaChange.old_date,
            EtaChange.new_date,
            EtaChange.changed_by,
            EtaChange.source,
            PurchaseOrder.po_number,
            OrderLine.line_no,
            OrderLine.status,
            Vendor.name,
            Product.sku,
        )
        .join(OrderLine, OrderLine.id == EtaChange.order_line_id)
        .join(PurchaseOrder, PurchaseOrder.id == OrderLine.order_id)
        .join(Vendor, Vendor.id == PurchaseOrder.vendor_id)
        .join(Product, Product.id == OrderLine.product_id)
        .where(EtaChange.changed_at >= since)
        .order_by(EtaChange.changed_at, EtaChange.id)
    )
    first: dict[int, dict[str, object]] = {}
    for line_id, old, new, by, source, po, line_no, status, vendor, sku in rows:
        if old is None:
            continue  # a first date given is no move
        seen = first.setdefault(
            line_id,
            {"old": old, "po": po, "line": line_no, "status": status, "vendor": vendor, "sku": sku},
        )
        seen["new"], seen["by"], seen["source"] = new, by, source
    items = []
    for line_id, seen in first.items():
        first_date, latest = seen["old"], seen["new"]
        if first_date == latest or not isinstance(first_date, dt.date):
            continue
        if isinstance(latest, dt.date):
            days = (latest - first_date).days
            way = f"{abs(days)} days {'later' if days > 0 else 'earlier'}"
            moved = f"ETA {first_date.isoformat()} → {latest.isoformat()}, {way}"
        else:
            moved = f"ETA {first_date.isoformat()} taken away: no date now"
        source = "an import" if str(seen["source"]).startswith("import") else str(seen["by"])
        still_open = seen["status"] not in CLOSED
        items.append(
            TodayItem(
                "eta_moved",
                f"{seen['po']}/{seen['line']} · {seen['vendor']} {seen['sku']}",
                f"{moved} (by {source})",
                "orders",
                str(seen["po"]),
                (MOVE_ETA, RECEIVE) if still_open else (),
                Severity.INFO,
                None,
                (line_id,),
            )
        )
    return items


def today(session: Session, as_of: dt.date | None = None) -> Today:
    """What needs action on ``as_of`` (today by default), section by section; within a
    section the critical first, then by subject."""
    day = as_of or dt.date.today()
    raised = [a for a in alerts_service.visible_alerts(session, day) if a.rule in _RULE_SECTION]
    refs = [a.subject for a in raised if a.rule == "overdue_delivery"]
    refs += [ref for a in raised if a.rule == "unconfirmed_order" for ref in a.related]
    lines = _line_ids(session, refs)
    by_section: dict[str, list[TodayItem]] = {name: [] for name, _title in SECTIONS}
    for alert in sorted(raised, key=lambda a: (_SEVERITY_RANK.get(a.severity, 3), a.subject)):
        by_section[_RULE_SECTION[alert.rule]].append(_alert_item(alert, lines))
    since = dt.datetime.combine(day - dt.timedelta(days=1), dt.time())
    by_section["eta_moved"] = _eta_moves(session, since)
    return Today(
        day,
        tuple(TodaySection(name, title, tuple(by_section[name])) for name, title in SECTIONS),
    )
