"""Deployments and their bills of parts: what a buyer does to a cluster besides editing it.

A deployment's bill of parts is edited as one table (the window's deployment detail), and
saved as a whole: each part added, changed or taken out goes through ``records`` (the same
validation and audit trail as any record), in the caller's transaction, so either the whole
table is saved or, one part refused, none of it. Planning the next hall starts from a copy of
the last one, its bill of parts with it.

The readiness of a deployment (pegging of parts, ready date, critical part) is computed by
``domain.allocation`` over the records kept here; nothing here computes a figure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from models import Deployment
from services import records
from services.audit import Actor
from services.errors import ConflictError, Problem, ValidationError
from services.schema import kind

Record = dict[str, Any]


def _deployment(session: Session, deployment_id: int) -> Record:
    return records.get_record(session, "deployments", deployment_id)


def parts_of(session: Session, deployment_id: int) -> list[Record]:
    """The bill of parts of one deployment, by part name."""
    return records.list_records(
        session,
        "deployment_parts",
        where=lambda q: q.where(Deployment.id == deployment_id),
    )


@dataclass(frozen=True)
class PartRow:
    """One row of the bill of parts as typed: a sku or a category, and how many."""

    part: Any
    quantity: Any


def save_parts(
    session: Session,
    deployment_id: int,
    rows: Sequence[PartRow],
    actor: Actor,
    *,
    seen: Mapping[int, int] | None = None,
) -> list[Record]:
    """Make the bill of parts of deployment ``deployment_id`` what ``rows`` say: parts not in
    them are taken out, new ones added, changed quantities changed (each one audited). Every
    problem is reported at once (``row``: the table's row, from 1) and nothing is written
    unless every row can be. ``seen``: part id → version of the parts shown when the editing
    began; a bill of parts changed by someone else since raises ConflictError."""
    deployment = _deployment(session, deployment_id)
    ref = deployment["deployment_ref"]
    subject = f"The parts of deployment {ref}"
    current = parts_of(session, deployment_id)
    if seen is not None and {p["id"]: p["version"] for p in current} != dict(seen):
        raise ConflictError("The bill of parts of deployment", ref, theirs=deployment)
    problems: list[Problem] = []
    wanted = _wanted_parts(session, rows, problems)
    had = {p["part"].casefold(): p for p in current}
    for key, (number, part, quantity) in wanted.items():
        try:
            _save_part(session, ref, part, quantity, had.get(key), actor)
        except ValidationError as refused:
            spec = kind("deployment_parts")
            problems.extend(
                Problem(
                    p.field,
                    p.value,
                    p.reason,
                    number,
                    spec.field(p.field).title if p.field in spec.field_names else None,
                )
                for p in refused.problems
            )
    for key, record in had.items():
        if key not in wanted:
            records.delete(
                session, "deployment_parts", record["id"], actor, expected_version=record["version"]
            )
    if problems:
        # Raised in the caller's transaction: what was written above goes with it.
        raise ValidationError(problems, subject=subject)
    return parts_of(session, deployment_id)


def _wanted_parts(
    session: Session, rows: Sequence[PartRow], problems: list[Problem]
) -> dict[str, tuple[int, str, int]]:
    """The parts the rows ask for: part key -> (row, part, quantity); a row that cannot be
    read is told in ``problems``."""
    wanted: dict[str, tuple[int, str, int]] = {}
    for number, row in enumerate(rows, start=1):
        part = row.part.strip() if isinstance(row.part, str) else row.part
        quantity = row.quantity
        if part in (None, "") and quantity in (None, "", 0):
            continue  # an empty row left in the table
        if part in (None, ""):
            problems.append(Problem("part", None, "name the part: a sku or a category", number))
            continue
        if isinstance(quantity, bool) or not isinstance(quantity, int):
            problems.append(
                Problem("quantity", quantity, "quantity must be a whole number", number)
            )
            continue
        named = records.part_name(session, str(part))
        key = (named or str(part)).casefold()
        if key in wanted:
            first = wanted[key][0]
            problems.append(
                Problem("part", part, f"{part} is on row {first} already; add up the two", number)
            )
            continue
        wanted[key] = (number, named or str(part), quantity)
    return wanted


def _save_part(
    session: Session, ref: str, part: str, quantity: int, had: Record | None, actor: Actor
) -> None:
    """Add the part to deployment ``ref``, or change the quantity of the one it ``had``."""
    if had is None:
        values = {"deployment_ref": ref, "part": part, "quantity": quantity}
        records.create(session, "deployment_parts", values, actor)
    else:
        records.update(
            session,
            "deployment_parts",
            had["id"],
            {"quantity": quantity},
            actor,
            expected_version=had["version"],
        )


def duplicate(session: Session, source_id: int, values: Record, actor: Actor) -> Record:
    """A new deployment made from ``source_id`` to plan the next hall: ``values`` are the new
    one's fields (as ``records.duplicate`` proposed them, then typed: its own reference at
    least), and it gets the source's bill of parts. Validated and audited like any record;
    nothing is written unless the deployment and every part can be."""
    parts = parts_of(session, source_id)
    created = records.create(session, "deployments", values, actor)
    for part in parts:
        records.create(
            session,
            "deployment_parts",
            {
                "deployment_ref": created["deployment_ref"],
                "part": part["part"],
                "quantity": part["quantity"],
            },
            actor,
        )
    return created


def delete(
    session: Session,
    deployment_id: int,
    actor: Actor,
    *,
    expected_version: int | None = None,
) -> None:
    """Delete a deployment with its bill of parts, each part's removal in the audit trail
    (refused while order lines are reserved for it): what ``records.delete`` does for a
    deployment, from the window and the command line alike."""
    records.delete(session, "deployments", deployment_id, actor, expected_version=expected_version)
