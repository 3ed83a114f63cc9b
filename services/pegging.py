"""Pegging as the window shows it: for one contract, the lines that serve it and what follows
(need-by, delivery, days late, late credit, order-by, its deployments); for one order line,
the contracts and deployments it serves, or, when its date has passed, what waits for it.

Every figure is read from one picture (``domain.picture``): nothing here decides what is
secured, late or overdue, it only names the records and puts the figures side by side as
plain values, for the window and for anything else that shows a contract or a line.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import Session

from domain import alerts as alert_rules
from domain import supply
from domain.allocation import DeploymentReadiness, LineRef
from domain.gpus import serves
from domain.picture import ContractFigures, Picture
from domain.statuses import is_on_hold
from services import figures
from services.errors import NotFoundError

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class LineServing(LineRef):
    """GPUs of one order line serving a contract: secured by its need-by date, or late."""

    vendor: str
    sku: str
    gpus: int
    date: dt.date
    secured: bool


@dataclass(frozen=True, slots=True)
class DeploymentServing:
    """A deployment (cluster) through which a contract is delivered."""

    ref: str
    name: str | None
    status: str
    needed_by: dt.date | None
    parts_complete: dt.date | None
    ready_date: dt.date | None  # None: it cannot complete
    days_late: int | None
    critical_part: str | None


@dataclass(frozen=True)
class ContractPegging:
    ref: str
    customer: str
    site: str
    status: str
    binding: bool
    gpu_model: str | None
    committed_gpus: int
    gpus_secured: int
    late_gpus: int
    shortfall: int
    start_date: dt.date
    need_by: dt.date
    delivery_date: dt.date | None  # None: unknown while it cannot take its whole commitment
    days_late: int | None
    late_credit: Decimal | None  # None: not binding, or unbounded
    late_credit_unbounded: bool
    late_credit_per_day: Decimal | None
    late_credit_cap: Decimal | None
    currency: str
    order_by: dt.date | None
    # The quickest newest quote of its GPU model the order-by date comes from.
    quickest_vendor: str | None
    quickest_sku: str | None
    quickest_lead_days: int | None
    lines: tuple[LineServing, ...]
    deployments: tuple[DeploymentServing, ...]
    via_deployments: bool
    # GPUs at its site whose date has passed (they count for nothing until a new ETA comes)
    # and GPUs there without any date.
    site_overdue_gpus: int
    site_undated_gpus: int
    as_of: dt.date


@dataclass(frozen=True, slots=True)
class Use:
    """What one order line gives one contract or deployment."""

    ref: str  # contract_ref or deployment_ref
    kind: str  # "contract" or "deployment"
    who: str  # the contract's customer, or the deployment's name (its ref when unnamed)
    part: str | None  # a deployment's part this line serves
    units: int
    gpus: int
    date: dt.date
    # A contract's GPUs: secured by its need-by date. A deployment's part: on or before the
    # deployment's needed-by date (None when it has none).
    in_time: bool | None


@dataclass(frozen=True, slots=True)
class Waiting:
    """A deployment's part still missing units this line (overdue, undated) would bring."""

    deployment_ref: str
    who: str  # the deployment's name (its ref when unnamed)
    part: str
    missing: int


@dataclass(frozen=True, slots=True)
class ShortContract:
    """A binding contract at the line's site, of a GPU model the line's product is, still short
    of GPUs."""

    ref: str
    customer: str
    shortfall: int
    need_by: dt.date


@dataclass(frozen=True)
class LinePegging:
    line_id: int
    po_number: str
    line_no: int
    site: str
    sku: str
    status: str
    gpus_per_unit: int
    uses: tuple[Use, ...]
    open_units: int
    expected_date: dt.date | None  # ETA, else promised date
    overdue: bool
    days_overdue: int
    overdue_units: int
    undated_units: int
    on_hold: bool
    # When the line supplies nothing now (overdue, undated, on hold): what is waiting for it.
    waiting: tuple[Waiting, ...]
    short_contracts: tuple[ShortContract, ...]
    as_of: dt.date

    @property
    def ref(self) -> str:
        return f"{self.po_number}/{self.line_no}"

    @property
    def at_risk(self) -> bool:
        """Its open units count for nothing now: overdue, undated or on hold."""
        return self.overdue_units > 0 or self.undated_units > 0

    @property
    def overdue_gpus(self) -> int:
        return self.overdue_units * self.gpus_per_unit


# --- one contract --------------------------------------------------------------------------


def _deployment_serving(pic: Picture, readiness: DeploymentReadiness) -> DeploymentServing:
    found = next((d for d in pic.world.deployments if d.ref == readiness.ref), None)
    return DeploymentServing(
        readiness.ref,
        found.name if found is not None else None,
        readiness.status,
        readiness.needed_by,
        readiness.parts_complete,
        readiness.ready_date,
        readiness.days_late,
        readiness.critical_part,
    )


def of_contract(pic: Picture, ref: str) -> ContractPegging:
    """The pegging of contract ``ref`` in ``pic`` (NotFoundError when there is none)."""
    found = pic.contracts.get(ref)
    if found is None:
        raise NotFoundError(f"no contract {ref!r}")
    return _contract(pic, found)


def every_contract(pic: Picture) -> dict[str, ContractPegging]:
    """The pegging of every contract in ``pic``, by reference."""
    return {ref: _contract(pic, found) for ref, found in pic.contracts.items()}


def _contract(pic: Picture, found: ContractFigures) -> ContractPegging:
    world = pic.world
    lines = []
    for peg in found.pegs:
        line = pic.line(peg.line_id)
        product = world.products.get(line.product_id) if line is not None else None
        lines.append(
            LineServing(
                peg.line_id,
                peg.po_number,
                peg.line_no,
                world.vendor_name(line.vendor_id) if line is not None else "",
                product.sku if product is not None else "",
                peg.gpus,
                peg.date,
                peg.secured,
            )
        )
    deployments = tuple(
        _deployment_serving(pic, pic.deployments[ref])
        for ref in found.deployments
        if ref in pic.deployments
    )
    credit = found.late_credit
    quickest = found.quickest
    site_gpus = pic.allocation.sites.get(found.site_id)
    return ContractPegging(
        ref=found.ref,
        customer=found.customer,
        site=found.site,
        status=found.status,
        binding=found.binding,
        gpu_model=found.gpu_model,
        committed_gpus=found.committed_gpus,
        gpus_secured=found.gpus_secured,
        late_gpus=found.late_gpus,
        shortfall=found.shortfall,
        start_date=found.start_date,
        need_by=found.need_by,
        delivery_date=found.delivery_date,
        days_late=found.days_late,
        late_credit=None if credit is None or credit.unbounded else credit.amount,
        late_credit_unbounded=bool(credit is not None and credit.unbounded),
        late_credit_per_day=found.late_credit_per_day,
        late_credit_cap=found.late_credit_cap,
        currency=found.currency,
        order_by=found.order_by,
        quickest_vendor=quickest.vendor if quickest is not None else None,
        quickest_sku=quickest.sku if quickest is not None else None,
        quickest_lead_days=quickest.lead_days if quickest is not None else None,
        lines=tuple(lines),
        deployments=deployments,
        via_deployments=found.via_deployments,
        site_overdue_gpus=site_gpus.overdue_gpus if site_gpus else 0,
        site_undated_gpus=site_gpus.undated_gpus if site_gpus else 0,
        as_of=pic.as_of,
    )


# --- one order line ------------------------------------------------------------------------


def of_line(pic: Picture, line_id: int) -> LinePegging:
    """What order line ``line_id`` serves in ``pic``, and what waits for it (NotFoundError
    when there is no such line)."""
    line = pic.line(line_id)
    if line is None:
        raise NotFoundError(f"no order line with id {line_id}")
    world, as_of = pic.world, pic.as_of
    product = world.products[line.product_id]
    names = {d.ref: d.name for d in world.deployments}
    uses = _uses(pic, line_id, names)
    overdue_units = supply.overdue_units(line, as_of)
    undated_units = supply.undated_units(line)
    waiting: list[Waiting] = []
    short: list[ShortContract] = []
    if overdue_units or undated_units:
        waiting = _waiting(pic, line_id, names)
        if product.gpus_per_unit > 0:
            short = _short_contracts(pic, world.site_name(line.site_id), product.gpu_model)
    return LinePegging(
        line_id=line.id,
        po_number=line.po_number,
        line_no=line.line_no,
        site=world.site_name(line.site_id),
        sku=product.sku,
        status=line.status,
        gpus_per_unit=product.gpus_per_unit,
        uses=tuple(uses),
        open_units=supply.open_units(line),
        expected_date=line.expected_date,
        overdue=supply.is_overdue(line, as_of),
        days_overdue=supply.overdue_days(line, as_of),
        overdue_units=overdue_units,
        undated_units=undated_units,
        on_hold=is_on_hold(line.status),
        waiting=tuple(waiting),
        short_contracts=tuple(short),
        as_of=as_of,
    )


def _uses(pic: Picture, line_id: int, names: dict[str, str | None]) -> list[Use]:
    """What the line serves: its pegs to contracts and the takes of deployments' parts."""
    uses: list[Use] = []
    for ref in pic.served_by_line.get(line_id, ()):
        contract = pic.contracts.get(ref)
        if contract is not None:
            for peg in contract.pegs:
                if peg.line_id == line_id:
                    units = -(-peg.gpus // peg.gpus_per_unit) if peg.gpus_per_unit else 0
                    uses.append(
                        Use(
                            ref,
                            "contract",
                            contract.customer,
                            None,
                            units,
                            peg.gpus,
                            peg.date,
                            peg.secured,
                        )
                    )
            continue
        readiness = pic.deployments.get(ref)
        if readiness is None:
            continue
        for part in readiness.parts:
            for take in part.takes:
                if take.line_id == line_id:
                    in_time = readiness.in_time(take.date)
                    uses.append(
                        Use(
                            ref,
                            "deployment",
                            names.get(ref) or ref,
                            part.part,
                            take.units,
                            take.gpus,
                            take.date,
                            in_time,
                        )
                    )
    return uses


def _waiting(pic: Picture, line_id: int, names: dict[str, str | None]) -> list[Waiting]:
    """The deployments' parts missing that wait for the line (overdue or undated)."""
    waiting: list[Waiting] = []
    for readiness in sorted(pic.deployments.values(), key=lambda r: r.ref):
        for part in readiness.parts:
            if line_id in part.waiting_on and part.missing > 0:
                waiting.append(
                    Waiting(
                        readiness.ref,
                        names.get(readiness.ref) or readiness.ref,
                        part.part,
                        part.missing,
                    )
                )
    return waiting


def _short_contracts(pic: Picture, site: str, gpu_model: str | None) -> list[ShortContract]:
    """The binding contracts of the site short of GPUs, as the alerts name them; of those,
    the ones GPUs of the line's model would serve."""
    short: list[ShortContract] = []
    for ref in alert_rules.context(pic).short_contracts.get(site, ()):
        contract = pic.contracts[ref]
        if serves(contract.gpu_model, gpu_model):
            short.append(
                ShortContract(contract.ref, contract.customer, contract.shortfall, contract.need_by)
            )
    short.sort(key=lambda c: (c.need_by, c.ref))
    return short


# --- from a session --------------------------------------------------------------------------


def contract_pegging(session: Session, ref: str, as_of: dt.date | None = None) -> ContractPegging:
    """The pegging of one contract as of a day (today by default)."""
    return of_contract(figures.picture(session, as_of), ref)


def contracts_pegging(session: Session, as_of: dt.date | None = None) -> dict[str, ContractPegging]:
    """The pegging of every contract as of a day, from one picture."""
    return every_contract(figures.picture(session, as_of))


def line_pegging(session: Session, line_id: int, as_of: dt.date | None = None) -> LinePegging:
    """What one order line serves as of a day (today by default)."""
    return of_line(figures.picture(session, as_of), line_id)
