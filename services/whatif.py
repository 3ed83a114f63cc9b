"""What-if: which customer does a vendor's slip hurt, and what does it cost — before anything
is saved.

``run`` loads the records once, moves the supply dates of the slips' targets
(``domain.whatif``), computes every figure and alert before and after, and returns what
changes. Scenarios keep slips under a name with the version of every line they moved, so
applying one as ETA changes is refused when a line has changed since.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain import alerts as alert_rules
from domain.picture import ContractFigures, Picture, SupplyPoint, supply_series
from domain.picture import picture as compute_picture
from domain.whatif import MAX_SLIP_DAYS, Move, Scope, Slip, apply
from domain.world import World
from models import Scenario
from services import audit, records
from services.audit import Actor
from services.errors import (
    NotFoundError,
    Problem,
    RackbookError,
    UsageError,
    ValidationError,
)
from services.figures import collector_paused, load_world
from services.reports import iso, money

ALL = "*"
# A slip moves at most this many days either way (the window's days field says so too).
MAX_DAYS = MAX_SLIP_DAYS


class ScenarioOutdated(RackbookError):
    """A scenario whose lines have changed since it was made cannot be applied."""


@dataclass(frozen=True)
class SlipRequest:
    """A slip as a person writes it: a target (vendor name or alias, PO number, PO/line, or
    ``*`` for everything) and a number of days."""

    target: str
    days: int

    def text(self) -> str:
        return f"{self.target}={self.days:+d}"


def parse_slip(text: str) -> SlipRequest:
    """``TARGET=DAYS`` (``Dell=42``, ``PO-7=-10``, ``PO-7/2=+14``)."""
    found = re.fullmatch(r"\s*(.+?)\s*=\s*([+-]?\d+)\s*", text)
    if found is None:
        raise UsageError(
            f"{text!r} is not a slip like VENDOR=DAYS, PO=DAYS or PO/LINE=DAYS (e.g. Dell=42)"
        )
    return SlipRequest(found.group(1), check_days(int(found.group(2)), found.group(1)))


def check_days(days: int, target: str) -> int:
    if days == 0:
        raise UsageError(f"the slip of {target} is 0 days: give the days to move, e.g. 42 or -7")
    if abs(days) > MAX_SLIP_DAYS:
        raise UsageError(
            f"the slip of {target} is {days} days; a slip moves at most {MAX_SLIP_DAYS} days "
            "either way"
        )
    return days


def resolve(world: World, request: SlipRequest) -> Slip:
    """The slip's target in the records: a PO/line, a PO number, else a vendor by name or
    alias (whatever the case); unknown targets are named with the closest known ones."""
    target = request.target.strip()
    if target == ALL:
        return Slip(Scope.EVERYTHING, request.days, label="everything")
    orders = {line.po_number for line in world.lines}
    lines = {(line.po_number, line.line_no) for line in world.lines}
    if "/" in target:
        po, _, number = target.rpartition("/")
        if number.strip().isdigit() and (po.strip(), int(number)) in lines:
            return Slip(
                Scope.LINE,
                request.days,
                po_number=po.strip(),
                line_no=int(number),
                label=target,
            )
    if target in orders:
        return Slip(Scope.ORDER, request.days, po_number=target, label=target)
    key = records.name_key(target)
    for vendor in world.vendors.values():
        if records.name_key(vendor.name) == key or key in (
            records.name_key(a) for a in vendor.aliases
        ):
            return Slip(Scope.VENDOR, request.days, vendor_id=vendor.id, label=vendor.name)
    known = [v.name for v in world.vendors.values()]
    known += [a for v in world.vendors.values() for a in v.aliases]
    known += sorted(orders) + [f"{po}/{no}" for po, no in sorted(lines)]
    guess = records.closest(target, known)
    hint = f"; did you mean {guess!r}?" if guess else ""
    raise NotFoundError(f"no vendor, purchase order or order line is called {target!r}{hint}")


# --- the comparison ----------------------------------------------------------------------


CONTRACT_FIELDS = ("secured_gpus", "shortfall", "delivery_date", "days_late", "late_credit")


def _contract_state(figures: ContractFigures) -> dict[str, Any]:
    credit = figures.late_credit
    return {
        "secured_gpus": figures.gpus_secured,
        "shortfall": figures.shortfall,
        "delivery_date": iso(figures.delivery_date),
        "days_late": figures.days_late,
        "late_credit": None if credit is None else money(credit.amount),
        "late_credit_unbounded": bool(credit and credit.unbounded),
    }


def _credit_value(state: dict[str, Any]) -> Decimal:
    value = state.get("late_credit")
    return Decimal(value) if value is not None else Decimal(0)


def _alert_json(alert: alert_rules.Alert) -> dict[str, Any]:
    return {
        "key": alert.key,
        "rule": alert.rule,
        "severity": alert.severity,
        "subject": alert.subject,
        "site": alert.site,
        "message": alert.message,
    }


@dataclass
class Outcome:
    """What a what-if changes: before → after, and the moves it made."""

    as_of: dt.date
    slips: list[Slip]
    moves: list[Move]
    before: Picture
    after: Picture
    contracts: list[dict[str, Any]] = field(default_factory=list)
    deployments: list[dict[str, Any]] = field(default_factory=list)
    alerts_new: list[dict[str, Any]] = field(default_factory=list)
    alerts_gone: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """The JSON of the `whatif` command, exactly its documented fields (the text report
        also says when a late credit has no cap; the JSON's figure is the credit itself)."""
        return {
            "contracts": [
                {
                    "contract_ref": c["contract_ref"],
                    "before": {k: c["before"][k] for k in CONTRACT_FIELDS},
                    "after": {k: c["after"][k] for k in CONTRACT_FIELDS},
                }
                for c in self.contracts
            ],
            "deployments": self.deployments,
            "alerts_new": self.alerts_new,
            "alerts_gone": self.alerts_gone,
        }


def compare(world: World, slips: list[Slip], as_of: dt.date) -> Outcome:
    with collector_paused():
        before = compute_picture(world, as_of)
        moved_lines, moves = apply(world.lines, slips, as_of)
        after = compute_picture(world.with_lines(moved_lines), as_of)
        before_alerts = {a.key: a for a in alert_rules.evaluate(before)}
        after_alerts = {a.key: a for a in alert_rules.evaluate(after)}
    outcome = Outcome(as_of, slips, moves, before, after)
    changed: list[dict[str, Any]] = []
    for ref, old in before.contracts.items():
        was, now = _contract_state(old), _contract_state(after.contracts[ref])
        if was != now:
            changed.append({"contract_ref": ref, "before": was, "after": now})
    changed.sort(
        key=lambda c: (
            -abs(_credit_value(c["after"]) - _credit_value(c["before"])),
            -abs(c["after"]["shortfall"] - c["before"]["shortfall"]),
            c["contract_ref"],
        )
    )
    outcome.contracts = changed
    for ref, old_readiness in sorted(before.deployments.items()):
        new = after.deployments[ref]
        was = {"ready_date": iso(old_readiness.ready_date), "days_late": old_readiness.days_late}
        now = {"ready_date": iso(new.ready_date), "days_late": new.days_late}
        if was != now:
            outcome.deployments.append({"deployment_ref": ref, "before": was, "after": now})
    outcome.alerts_new = [
        _alert_json(a) for key, a in after_alerts.items() if key not in before_alerts
    ]
    outcome.alerts_gone = [
        _alert_json(a) for key, a in before_alerts.items() if key not in after_alerts
    ]
    return outcome


def run(session: Session, requests: list[SlipRequest], as_of: dt.date | None = None) -> Outcome:
    """The what-if of ``requests`` as of a day (today by default). Nothing is written."""
    if not requests:
        raise UsageError("give at least one slip: --slip TARGET=DAYS or --slip-all DAYS")
    world = load_world(session)
    slips = [resolve(world, request) for request in requests]
    return compare(world, slips, as_of or dt.date.today())


# --- scenarios -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SavedScenario:
    id: int
    name: str
    slips: list[SlipRequest]
    created_by: str
    created_at: dt.datetime
    as_of: dt.date | None
    line_versions: dict[int, int]
    version: int


def _slips_json(requests: list[SlipRequest]) -> str:
    return json.dumps([{"target": r.target, "days": r.days} for r in requests])


def save_scenario(
    session: Session,
    name: str,
    requests: list[SlipRequest],
    actor: Actor,
    as_of: dt.date | None = None,
) -> SavedScenario:
    """Keep ``requests`` under ``name`` (a new name, or replacing that scenario) with the
    version of every line the slips move now."""
    shown = " ".join(name.split())
    if not shown:
        raise ValidationError(
            [Problem("name", name, "a scenario needs a name")], subject="Scenario"
        )
    outcome = run(session, requests, as_of)
    versions = {str(move.line_id): move.version for move in outcome.moves}
    row = session.scalar(select(Scenario).where(Scenario.name == shown))
    creating = row is None
    if row is None:
        row = Scenario(name=shown, created_by=actor.user)
        session.add(row)
    row.slips_json = _slips_json(requests)
    row.line_versions_json = json.dumps(versions)
    row.as_of = outcome.as_of
    row.updated_by = actor.user
    session.flush()
    audit.write_entries(
        session,
        [
            audit.entry(
                actor,
                "scenarios",
                row.id,
                shown,
                "create" if creating else "update",
                "slips",
                None,
                ", ".join(r.text() for r in requests),
            )
        ],
    )
    return _saved(row)


def _saved(row: Scenario) -> SavedScenario:
    slips = [SlipRequest(item["target"], int(item["days"])) for item in json.loads(row.slips_json)]
    versions = {int(k): int(v) for k, v in json.loads(row.line_versions_json or "{}").items()}
    return SavedScenario(
        row.id, row.name, slips, row.created_by, row.created_at, row.as_of, versions, row.version
    )


def scenarios(session: Session) -> list[SavedScenario]:
    return [_saved(row) for row in session.scalars(select(Scenario).order_by(Scenario.name))]


def scenario(session: Session, name: str) -> SavedScenario:
    row = session.scalar(select(Scenario).where(Scenario.name == " ".join(name.split())))
    if row is None:
        known = list(session.scalars(select(Scenario.name)))
        guess = records.closest(name, known)
        hint = f"; did you mean {guess!r}?" if guess else ""
        raise NotFoundError(f"no scenario is called {name!r}{hint}")
    return _saved(row)


def delete_scenario(session: Session, name: str, actor: Actor) -> None:
    saved = scenario(session, name)
    row = session.get(Scenario, saved.id)
    session.delete(row)
    session.flush()
    audit.write_entries(session, [audit.entry(actor, "scenarios", saved.id, saved.name, "delete")])


def apply_scenario(
    session: Session, name: str, actor: Actor, as_of: dt.date | None = None
) -> list[Move]:
    """Write the scenario's moved ETAs as ETA changes (audited, source "what-if"), in the
    caller's transaction: refused, nothing written, when a line it moved has changed (or
    gone) since it was made."""
    from services import orders

    saved = scenario(session, name)
    outcome = run(session, saved.slips, as_of)
    moved = {move.line_id: move for move in outcome.moves}
    current = {line.id: line for line in outcome.before.world.lines}
    problems = []
    for line_id, version in sorted(saved.line_versions.items()):
        line = current.get(line_id)
        if line is None:
            problems.append(f"a line it moved (id {line_id}) no longer exists")
        elif line.version != version:
            problems.append(
                f"{line.ref} changed since (version {version} then, {line.version} now)"
            )
    for line_id in moved:
        if line_id not in saved.line_versions:
            problems.append(f"{current[line_id].ref} would move now but did not when it was saved")
    if problems:
        raise ScenarioOutdated(
            f"Scenario {saved.name!r} was not applied, nothing was written: "
            + "; ".join(problems)
            + ". Open the scenario again and save it anew."
        )
    what_if = Actor(actor.user, source="what-if")
    for move in outcome.moves:
        orders.change_eta(session, move.line_id, move.after, what_if, expected_version=move.version)
    return outcome.moves


# --- what the window shows beside the tables --------------------------------------------------


def target_names(session: Session) -> list[str]:
    """Every name a slip can target, for completing what a person types: vendors (and their
    aliases), purchase orders, and PO/line."""
    from models import OrderLine, PurchaseOrder, Vendor, VendorAlias

    names = list(session.scalars(select(Vendor.name).order_by(Vendor.name)))
    names += list(session.scalars(select(VendorAlias.alias).order_by(VendorAlias.alias)))
    names += list(
        session.scalars(select(PurchaseOrder.po_number).order_by(PurchaseOrder.po_number))
    )
    rows = session.execute(
        select(PurchaseOrder.po_number, OrderLine.line_no)
        .join(OrderLine, OrderLine.order_id == PurchaseOrder.id)
        .order_by(PurchaseOrder.po_number, OrderLine.line_no)
    )
    names += [f"{po}/{no}" for po, no in rows]
    return list(dict.fromkeys(names))


@dataclass(frozen=True)
class SupplyBeside:
    """A site's supply chart as today and with the moved dates (the dashboard's series)."""

    site: str
    today: list[SupplyPoint]
    moved: list[SupplyPoint]

    @property
    def changes(self) -> bool:
        return self.today != self.moved


def supply_beside(outcome: Outcome) -> list[SupplyBeside]:
    """The dashboard's supply series of every site with GPUs, before and after the slips;
    the sites whose supply moves first, then by name."""
    from services.dashboard import SUPPLY_MONTHS

    found = []
    for site in sorted(outcome.before.world.sites.values(), key=lambda s: s.name):
        today = supply_series(outcome.before, site.id, SUPPLY_MONTHS)
        moved = supply_series(outcome.after, site.id, SUPPLY_MONTHS)
        if any(p.gpus_supply or p.gpus_committed or p.gpus_overdue for p in today + moved):
            found.append(SupplyBeside(site.name, today, moved))
    found.sort(key=lambda s: not s.changes)
    return found


def critical_parts(outcome: Outcome, deployment_ref: str) -> tuple[str | None, str | None]:
    """A deployment's critical part before and after (what its ready date waits for)."""
    return (
        outcome.before.deployments[deployment_ref].critical_part,
        outcome.after.deployments[deployment_ref].critical_part,
    )
