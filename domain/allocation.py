"""Pegging: which units serve which contract and which deployment, in one pass per site.

At each site the consumers are served in this order:

1. deployments with status ready or live (they keep what they took);
2. deployments of binding contracts and deployments without a contract, together with the
   binding contracts that have no deployment, by needed-by date (a contract's need-by
   date), then reference; a deployment without any needed-by date comes after the dated
   ones;
3. deployments of draft contracts.

Cancelled deployments, and deployments of expired or terminated contracts, are never served;
nor are contracts that do not bind (they show their commitment and nothing secured).

Supply is the site's **lots** (``domain.supply.lots``): received units at their received date
and open units at their supply date; overdue and undated units are never taken. Each consumer
takes the earliest-dated matching lots that no consumer served before it took (ties by
po_number, then line, received units first). A contract takes GPUs, GPU by GPU (a unit may be
split between two contracts), of products of its GPU model (any model when it names none),
until its commitment is met. A deployment's parts take whole units: lines reserved for the
deployment (their ``deployment_ref``) first, then the site's unreserved lots; a line reserved
for one deployment serves no other consumer. A deployment's sku parts take before its
category parts (the specific before the general), each in order of part name.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from domain import contracts as contract_rules
from domain.contracts import Contract
from domain.gpus import model_key, serves
from domain.statuses import ContractStatus, DeploymentStatus
from domain.supply import (
    CATEGORIES,
    GPU_CATEGORIES,
    Line,
    Product,
    state,
)

POWER_READY = "power_ready"


KEEPS_WHAT_IT_TOOK = frozenset({DeploymentStatus.READY, DeploymentStatus.LIVE})


@dataclass(frozen=True, slots=True)
class Part:
    """A line of a deployment's bill of parts: a product sku or a category, and how many."""

    part: str
    quantity: int

    @property
    def category(self) -> str | None:
        """The category this part names, or None when it names a sku."""
        key = self.part.strip().casefold()
        return key if key in CATEGORIES else None


@dataclass(frozen=True, slots=True)
class Deployment:
    """One cluster at one site, usually built for one customer contract."""

    ref: str
    site_id: int
    status: str = DeploymentStatus.PLANNED
    contract_ref: str | None = None
    target_date: dt.date | None = None
    # When its power is energised; None: available.
    power_ready_date: dt.date | None = None
    parts: tuple[Part, ...] = ()
    name: str | None = None


def is_part_category(part: str) -> bool:
    return part.strip().casefold() in CATEGORIES


@lru_cache(maxsize=4096)
def sku_key(sku: str) -> str:
    return sku.strip().casefold()


# --- results ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LineRef:
    """What names an order line: its id, and its purchase order's number and line number."""

    line_id: int
    po_number: str
    line_no: int

    @property
    def ref(self) -> str:
        return f"{self.po_number}/{self.line_no}"


@dataclass(frozen=True, slots=True)
class Peg(LineRef):
    """Units (or GPUs) of one lot of one line, taken by one consumer."""

    date: dt.date
    units: int  # whole units (a part's take); for a contract's GPUs, the units they span
    gpus: int
    received: bool
    gpus_per_unit: int = 0


@dataclass(frozen=True, slots=True)
class GpuPeg(LineRef):
    """GPUs of one line serving one contract: secured when dated on or before its need-by."""

    gpus: int
    date: dt.date
    secured: bool
    gpus_per_unit: int


@dataclass(frozen=True, slots=True)
class ContractAllocation:
    ref: str
    site_id: int
    binding: bool
    need_by: dt.date
    committed: int
    secured: int
    late: int  # GPUs it takes that are dated after its need-by date
    shortfall: int
    pegs: tuple[GpuPeg, ...]
    delivery_date: dt.date | None
    days_late: int | None
    via_deployments: bool


@dataclass(frozen=True, slots=True)
class PartReadiness:
    part: str
    needed: int
    taken: int
    complete_date: dt.date | None
    takes: tuple[Peg, ...]
    # Matching lines at the site whose units supply nothing now (overdue or undated): what a
    # missing part waits for.
    waiting_on: tuple[int, ...] = ()

    @property
    def missing(self) -> int:
        return self.needed - self.taken

    @property
    def missing_share(self) -> Decimal:
        return Decimal(self.missing) / Decimal(self.needed) if self.needed else Decimal(0)


@dataclass(frozen=True, slots=True)
class DeploymentReadiness:
    ref: str
    site_id: int
    contract_ref: str | None
    status: str
    needed_by: dt.date | None
    served: bool
    parts: tuple[PartReadiness, ...]
    power_ready_date: dt.date | None
    parts_complete: dt.date | None
    ready_date: dt.date | None
    days_late: int | None
    critical_part: str | None

    @property
    def late_or_incomplete(self) -> bool:
        """Late against its needed-by date, or unable to complete."""
        if self.parts_complete is None:
            return True
        return bool(self.days_late)

    def in_time(self, day: dt.date | None) -> bool | None:
        """Whether units dated ``day`` come by the needed-by date (None: no needed-by date,
        or no date)."""
        if day is None or self.needed_by is None:
            return None
        return day <= self.needed_by

    def part_late(self, part: PartReadiness) -> bool:
        """A part that completes after the needed-by date."""
        return self.in_time(part.complete_date) is False

    def part(self, name: str) -> PartReadiness | None:
        for found in self.parts:
            if found.part == name:
                return found
        return None


@dataclass(frozen=True, slots=True)
class SiteGpus:
    site_id: int
    overdue_gpus: int
    undated_gpus: int
    spare_gpus: int


@dataclass
class Allocation:
    contracts: dict[str, ContractAllocation] = field(default_factory=dict)
    deployments: dict[str, DeploymentReadiness] = field(default_factory=dict)
    sites: dict[int, SiteGpus] = field(default_factory=dict)
    # line id -> the consumers (contract or deployment refs) it serves, in pass order
    served_by_line: dict[int, list[str]] = field(default_factory=dict)


# --- the pass --------------------------------------------------------------------------


class _Lot:
    """A lot in the pass: what is left of it, in GPUs for GPU products, else in units."""

    __slots__ = ("date", "line", "per", "product", "received", "remaining", "sort_key")

    def __init__(self, line: Line, product: Product, date: dt.date, units: int, received: bool):
        self.line = line
        self.product = product
        self.date = date
        self.received = received
        self.per = product.gpus_per_unit if product.gpus_per_unit > 0 else 1
        self.remaining = units * self.per
        self.sort_key = (date, line.po_number, line.line_no, 0 if received else 1)

    @property
    def whole_units(self) -> int:
        return self.remaining // self.per


class _Queue:
    """The lots one kind of demand may take, earliest first; the front skips spent lots (a
    lot only ever shrinks in a pass, so a spent lot never comes back)."""

    __slots__ = ("front", "lots", "whole")

    def __init__(self, found: list[_Lot], whole: bool) -> None:
        self.lots = found
        self.front = 0
        self.whole = whole  # parts take whole units; contracts take GPUs

    def _usable(self, lot: _Lot) -> bool:
        return lot.remaining >= lot.per if self.whole else lot.remaining > 0

    def take(self, wanted: int) -> list[tuple[_Lot, int]]:
        """Take up to ``wanted`` (units for parts, GPUs for contracts); [(lot, amount)]."""
        taken: list[tuple[_Lot, int]] = []
        index = self.front
        found = self.lots
        while index < len(found) and not self._usable(found[index]):
            index += 1
        self.front = index
        while wanted > 0 and index < len(found):
            lot = found[index]
            if self._usable(lot):
                if self.whole:
                    amount = min(wanted, lot.whole_units)
                    lot.remaining -= amount * lot.per
                else:
                    amount = min(wanted, lot.remaining)
                    lot.remaining -= amount
                wanted -= amount
                taken.append((lot, amount))
            index += 1
        return taken


class _SitePool:
    """The lots of one site: the unreserved ones by product, and those reserved per
    deployment."""

    def __init__(self) -> None:
        self.general: dict[int, list[_Lot]] = defaultdict(list)
        self.reserved: dict[str, list[_Lot]] = defaultdict(list)
        self._queues: dict[tuple[object, ...], _Queue] = {}

    def every_lot(self) -> list[_Lot]:
        return [
            *(lot for found in self.general.values() for lot in found),
            *(lot for found in self.reserved.values() for lot in found),
        ]

    def queue(
        self, source: str | None, key: tuple[object, ...], wanted: _Match, whole: bool
    ) -> _Queue:
        """The queue of lots matching ``wanted`` from the general pool (source None) or from
        the lots reserved for deployment ``source``, earliest first; built once per site and
        kind of demand (matching by product, then the lots of the products that match)."""
        full_key = (source, whole, *key)
        found = self._queues.get(full_key)
        if found is None:
            if source is None:
                chosen = [
                    lot
                    for product_lots in self.general.values()
                    if wanted(product_lots[0].product)
                    for lot in product_lots
                ]
            else:
                chosen = [lot for lot in self.reserved.get(source, []) if wanted(lot.product)]
            chosen.sort(key=lambda lot: lot.sort_key)
            found = _Queue(chosen, whole)
            self._queues[full_key] = found
        return found


class _Match:
    """Which products a demand takes (a callable with a hashable description)."""

    __slots__ = ("category", "model", "sku")

    def __init__(self, *, sku: str | None, category: str | None, model: str | None) -> None:
        self.sku = sku_key(sku) if sku else None
        self.category = category
        self.model = model_key(model) or None

    @property
    def key(self) -> tuple[object, ...]:
        return (self.sku, self.category, self.model)

    def __call__(self, product: Product) -> bool:
        if self.sku is not None and sku_key(product.sku) != self.sku:
            return False
        if self.category == "gpus":
            if product.gpus_per_unit <= 0:
                return False
        elif self.category is not None and product.category != self.category:
            return False
        if self.model is not None and (
            product.gpus_per_unit > 0 or product.category in GPU_CATEGORIES
        ):
            return serves(self.model, product.gpu_model)
        return True


def _gpu_match(model: str | None) -> _Match:
    return _Match(sku=None, category="gpus", model=model)


def _part_match(part: Part, model: str | None) -> _Match:
    category = part.category
    if category is not None:
        return _Match(sku=None, category=category, model=model)
    return _Match(sku=part.part, category=None, model=model)


@dataclass(frozen=True, slots=True)
class _Consumer:
    group: int
    needed_by: dt.date | None
    ref: str
    deployment: Deployment | None = None
    contract: Contract | None = None

    @property
    def order(self) -> tuple[int, int, dt.date, str]:
        dated = 0 if self.needed_by is not None else 1
        return (self.group, dated, self.needed_by or dt.date.max, self.ref)


def needed_by(
    deployment: Deployment, contract: Contract | None, install_buffer_days: int
) -> dt.date | None:
    """A deployment's needed-by date: its target date, else its contract's need-by date."""
    if deployment.target_date is not None:
        return deployment.target_date
    if contract is None:
        return None
    return contract_rules.need_by_date(contract.start_date, install_buffer_days)


def _deployment_group(deployment: Deployment, contract: Contract | None) -> int | None:
    """Where a deployment stands in the pass (None: never served)."""
    if deployment.status == DeploymentStatus.CANCELLED:
        return None
    if contract is not None and contract.status in (
        ContractStatus.EXPIRED,
        ContractStatus.TERMINATED,
    ):
        return None
    if deployment.status in KEEPS_WHAT_IT_TOOK:
        return 0
    if contract is not None and contract.status == ContractStatus.DRAFT:
        return 2
    return 1


class _Supply:
    """Every site's supply as of a day: the lots (general and reserved), the GPUs overdue and
    undated, and the lines supplying nothing now (what a missing part waits for)."""

    def __init__(self) -> None:
        self.pools: dict[int, _SitePool] = defaultdict(_SitePool)
        self.overdue: dict[int, int] = defaultdict(int)
        self.undated: dict[int, int] = defaultdict(int)
        self.waiting: dict[int, list[Line]] = defaultdict(list)


def _supply(
    as_of: dt.date,
    lines: Iterable[Line],
    products: Mapping[int, Product],
    deployments: Sequence[Deployment],
) -> _Supply:
    deployment_site = {d.ref: d.site_id for d in deployments}
    supply = _Supply()
    for line in lines:
        product = products[line.product_id]
        per = product.gpus_per_unit
        line_lots, overdue, undated = state(line, as_of)
        if overdue or undated:
            supply.waiting[line.site_id].append(line)
            if per > 0:
                supply.overdue[line.site_id] += overdue * per
                supply.undated[line.site_id] += undated * per
        reserved = line.deployment_ref
        pool = supply.pools[line.site_id]
        for lot in line_lots:
            entry = _Lot(line, product, lot.date, lot.units, lot.received)
            if reserved and reserved in deployment_site:
                # A reservation holds only at the deployment's own site.
                if deployment_site[reserved] == line.site_id:
                    pool.reserved[reserved].append(entry)
                continue
            pool.general[product.id].append(entry)
    for found in supply.waiting.values():
        found.sort(key=lambda line: (line.po_number, line.line_no))
    return supply


def _consumers(
    contracts: Sequence[Contract],
    deployments: Sequence[Deployment],
    with_deployments: Mapping[str, list[Deployment]],
    install_buffer_days: int,
) -> dict[int, list[_Consumer]]:
    """Each site's consumers: its deployments, and its binding contracts without any."""
    contract_by_ref = {c.ref: c for c in contracts}
    consumers: dict[int, list[_Consumer]] = defaultdict(list)
    for deployment in deployments:
        contract = contract_by_ref.get(deployment.contract_ref or "")
        group = _deployment_group(deployment, contract)
        if group is None:
            continue
        consumers[deployment.site_id].append(
            _Consumer(
                group,
                needed_by(deployment, contract, install_buffer_days),
                deployment.ref,
                deployment=deployment,
                contract=contract,
            )
        )
    for contract in contracts:
        if not contract.binding or contract.ref in with_deployments:
            continue
        consumers[contract.site_id].append(
            _Consumer(
                1,
                contract_rules.need_by_date(contract.start_date, install_buffer_days),
                contract.ref,
                contract=contract,
            )
        )
    return consumers


def allocate(
    as_of: dt.date,
    lines: Iterable[Line],
    products: Mapping[int, Product],
    contracts: Sequence[Contract],
    deployments: Sequence[Deployment] = (),
    install_buffer_days: int = 14,
) -> Allocation:
    """Peg every site's supply to its contracts and deployments as of ``as_of``."""
    with_deployments: dict[str, list[Deployment]] = defaultdict(list)
    for deployment in deployments:
        if deployment.contract_ref and deployment.status != DeploymentStatus.CANCELLED:
            with_deployments[deployment.contract_ref].append(deployment)
    supply = _supply(as_of, lines, products, deployments)
    consumers = _consumers(contracts, deployments, with_deployments, install_buffer_days)

    result = Allocation()
    part_results: dict[str, tuple[PartReadiness, ...]] = {}
    contract_pegs: dict[str, list[Peg]] = {}
    for site_id, site_consumers in consumers.items():
        pool = supply.pools[site_id]
        for consumer in sorted(site_consumers, key=lambda c: c.order):
            if consumer.deployment is not None:
                part_results[consumer.ref] = _serve_deployment(
                    pool, consumer.deployment, consumer.contract, result.served_by_line
                )
            elif consumer.contract is not None:
                contract_pegs[consumer.contract.ref] = _serve_contract(
                    pool, consumer.contract, result.served_by_line
                )

    contract_by_ref = {c.ref: c for c in contracts}
    for deployment in deployments:
        contract = contract_by_ref.get(deployment.contract_ref or "")
        served = deployment.ref in part_results
        parts = part_results.get(deployment.ref) or tuple(
            PartReadiness(p.part, p.quantity, 0, None, ()) for p in _part_order(deployment)
        )
        parts = _with_waiting(
            parts, supply.waiting.get(deployment.site_id, ()), products, deployment, contract
        )
        result.deployments[deployment.ref] = readiness(
            deployment,
            parts,
            needed_by(deployment, contract, install_buffer_days),
            install_buffer_days,
            served,
        )

    for contract in contracts:
        own = with_deployments.get(contract.ref, [])
        result.contracts[contract.ref] = _contract_result(
            contract,
            own,
            result.deployments,
            contract_pegs.get(contract.ref, []),
            install_buffer_days,
        )
    _count_sites(supply, result)
    return result


def _count_sites(supply: _Supply, result: Allocation) -> None:
    """Each site's GPUs overdue, undated and spare (supply no consumer took)."""
    for site_id in set(supply.pools) | set(supply.overdue) | set(supply.undated):
        site_pool = supply.pools.get(site_id)
        spare = 0
        if site_pool is not None:
            spare = sum(
                lot.remaining for lot in site_pool.every_lot() if lot.product.gpus_per_unit > 0
            )
        result.sites[site_id] = SiteGpus(
            site_id, supply.overdue.get(site_id, 0), supply.undated.get(site_id, 0), spare
        )


def _part_order(deployment: Deployment) -> list[Part]:
    """The specific before the general: sku parts, then category parts, each by name."""
    return sorted(
        deployment.parts, key=lambda p: (p.category is not None, p.part.casefold(), p.part)
    )


def _record_use(served_by_line: dict[int, list[str]], line_id: int, ref: str) -> None:
    users = served_by_line.setdefault(line_id, [])
    if ref not in users:
        users.append(ref)


def _serve_deployment(
    pool: _SitePool,
    deployment: Deployment,
    contract: Contract | None,
    served_by_line: dict[int, list[str]],
) -> tuple[PartReadiness, ...]:
    model = contract.gpu_model if contract is not None else None
    results: list[PartReadiness] = []
    for part in _part_order(deployment):
        match = _part_match(part, model)
        taken: list[tuple[_Lot, int]] = []
        wanted = part.quantity
        for source in (deployment.ref, None):
            if wanted <= 0:
                break
            got = pool.queue(source, match.key, match, whole=True).take(wanted)
            wanted -= sum(amount for _, amount in got)
            taken.extend(got)
        takes = tuple(
            Peg(
                lot.line.id,
                lot.line.po_number,
                lot.line.line_no,
                lot.date,
                units,
                units * lot.product.gpus_per_unit,
                lot.received,
                lot.product.gpus_per_unit,
            )
            for lot, units in taken
        )
        for take in takes:
            _record_use(served_by_line, take.line_id, deployment.ref)
        units_taken = sum(t.units for t in takes)
        complete = (
            max((t.date for t in takes), default=None) if units_taken >= part.quantity else None
        )
        results.append(PartReadiness(part.part, part.quantity, units_taken, complete, takes))
    return tuple(results)


def _serve_contract(
    pool: _SitePool, contract: Contract, served_by_line: dict[int, list[str]]
) -> list[Peg]:
    match = _gpu_match(contract.gpu_model)
    got = pool.queue(None, match.key, match, whole=False).take(contract.gpus)
    pegs = []
    for lot, gpus in got:
        per = lot.product.gpus_per_unit
        pegs.append(
            Peg(
                lot.line.id,
                lot.line.po_number,
                lot.line.line_no,
                lot.date,
                -(-gpus // per),
                gpus,
                lot.received,
                per,
            )
        )
        _record_use(served_by_line, lot.line.id, contract.ref)
    return pegs


def _with_waiting(
    parts: tuple[PartReadiness, ...],
    waiting: Sequence[Line],
    products: Mapping[int, Product],
    deployment: Deployment,
    contract: Contract | None,
) -> tuple[PartReadiness, ...]:
    """Name, for each missing part, the matching lines at the site that supply nothing now
    (overdue or undated): what the part waits for."""
    if not any(p.missing > 0 for p in parts):
        return parts
    model = contract.gpu_model if contract is not None else None
    by_name = {p.part: p for p in deployment.parts}
    result = []
    for found in parts:
        if found.missing > 0 and found.part in by_name:
            match = _part_match(by_name[found.part], model)
            ids = tuple(
                line.id
                for line in waiting
                if match(products[line.product_id])
                and (not line.deployment_ref or line.deployment_ref == deployment.ref)
            )
            found = PartReadiness(
                found.part, found.needed, found.taken, found.complete_date, found.takes, ids
            )
        result.append(found)
    return tuple(result)


def readiness(
    deployment: Deployment,
    parts: tuple[PartReadiness, ...],
    needed_by_date: dt.date | None,
    install_buffer_days: int,
    served: bool = True,
) -> DeploymentReadiness:
    """Parts complete (the latest complete date of its parts and its power-ready date;
    unknown if a part is missing), ready date (+ install buffer), days late against the
    needed-by date, and the critical part."""
    complete: dt.date | None
    if any(p.missing > 0 for p in parts):
        complete = None
    else:
        dates = [p.complete_date for p in parts if p.complete_date is not None]
        if deployment.power_ready_date is not None:
            dates.append(deployment.power_ready_date)
        complete = max(dates, default=None)
    ready = None if complete is None else complete + dt.timedelta(days=install_buffer_days)
    late: int | None = None
    if complete is not None and needed_by_date is not None:
        late = max((complete - needed_by_date).days, 0)
    return DeploymentReadiness(
        ref=deployment.ref,
        site_id=deployment.site_id,
        contract_ref=deployment.contract_ref,
        status=deployment.status,
        needed_by=needed_by_date,
        served=served,
        parts=parts,
        power_ready_date=deployment.power_ready_date,
        parts_complete=complete,
        ready_date=ready,
        days_late=late,
        critical_part=critical_part(parts, deployment.power_ready_date),
    )


def critical_part(parts: Sequence[PartReadiness], power_ready_date: dt.date | None) -> str | None:
    """The part missing the largest share of its quantity (ties by part name); else the part
    with the latest complete date (ties by part name), or ``power_ready`` when power comes
    later than every part."""
    missing = [p for p in parts if p.missing > 0]
    if missing:
        return min(missing, key=lambda p: (-p.missing_share, p.part)).part
    dated = [(p.complete_date, p.part) for p in parts if p.complete_date is not None]
    latest = min(dated, key=lambda item: (-item[0].toordinal(), item[1])) if dated else None
    if power_ready_date is not None and (latest is None or power_ready_date > latest[0]):
        return POWER_READY
    return latest[1] if latest is not None else None


def _gpu_peg(peg: Peg, need_by: dt.date) -> GpuPeg:
    return GpuPeg(
        peg.line_id,
        peg.po_number,
        peg.line_no,
        peg.gpus,
        peg.date,
        peg.date <= need_by,
        peg.gpus_per_unit,
    )


def _through_deployments(
    own_deployments: list[Deployment],
    deployments: Mapping[str, DeploymentReadiness],
    need_by: dt.date,
) -> tuple[list[GpuPeg], dt.date | None]:
    """A contract served by its deployments: the GPUs their parts took, delivered when the
    last of them is ready (unknown while one is not)."""
    takes = [
        take
        for d in own_deployments
        for part in deployments[d.ref].parts
        for take in part.takes
        if take.gpus > 0
    ]
    takes.sort(key=lambda t: (t.date, t.po_number, t.line_no, not t.received))
    ready_dates = [deployments[d.ref].ready_date for d in own_deployments]
    known = [r for r in ready_dates if r is not None]
    delivery = max(known) if len(known) == len(ready_dates) else None
    return [_gpu_peg(t, need_by) for t in takes], delivery


def _through_pegs(
    contract: Contract, pegs: list[Peg], need_by: dt.date, install_buffer_days: int
) -> tuple[list[GpuPeg], dt.date | None]:
    """A contract served directly: its pegs, delivered once all its GPUs are pegged."""
    committed = contract.gpus
    taken = sum(p.gpus for p in pegs)
    delivery: dt.date | None
    if committed <= 0:
        delivery = contract.start_date
    elif taken >= committed:
        delivery = max(p.date for p in pegs) + dt.timedelta(days=install_buffer_days)
    else:
        delivery = None
    return [_gpu_peg(p, need_by) for p in pegs], delivery


def _contract_result(
    contract: Contract,
    own_deployments: list[Deployment],
    deployments: Mapping[str, DeploymentReadiness],
    pegs: list[Peg],
    install_buffer_days: int,
) -> ContractAllocation:
    need_by = contract_rules.need_by_date(contract.start_date, install_buffer_days)
    committed = contract.gpus
    if not contract.binding:
        return ContractAllocation(
            contract.ref,
            contract.site_id,
            False,
            need_by,
            committed,
            0,
            0,
            0,
            (),
            None,
            None,
            bool(own_deployments),
        )
    if own_deployments:
        gpu_pegs, delivery = _through_deployments(own_deployments, deployments, need_by)
    else:
        gpu_pegs, delivery = _through_pegs(contract, pegs, need_by, install_buffer_days)
    early = sum(p.gpus for p in gpu_pegs if p.secured)
    later = sum(p.gpus for p in gpu_pegs if not p.secured)
    secured = min(early, committed)
    late = min(later, committed - secured)
    return ContractAllocation(
        ref=contract.ref,
        site_id=contract.site_id,
        binding=True,
        need_by=need_by,
        committed=committed,
        secured=secured,
        late=late,
        shortfall=committed - secured,
        pegs=tuple(gpu_pegs),
        delivery_date=delivery,
        days_late=contract_rules.days_late(delivery, contract.start_date),
        via_deployments=bool(own_deployments),
    )
