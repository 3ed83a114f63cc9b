"""Undoing and redoing what a person did in the window, as new changes of their own.

Each change the window makes is kept as the records it touched, as they were before and as
the change left them (``Change``). Undoing writes the earlier values back through
``services.records`` (the same validation, audit trail and ETA history as any edit; the
audit names the source ``undo``), each record checked against the version the change left:
a record someone else changed since is never overwritten, and the undo is refused with a
message saying so (``UndoRefused``). Redoing writes the later values back the same way.
Several records (a bulk action) are undone or redone in the caller's transaction: all of
them, or none.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from services import records
from services.audit import Actor
from services.errors import ConflictError, NotFoundError, RackbookError
from services.schema import kind

Record = dict[str, Any]
UNDO_SOURCE = "undo"
REDO_SOURCE = "redo"


class UndoRefused(RackbookError):
    """The records are not as the change left them (someone else changed or removed one):
    nothing was undone."""


@dataclass(frozen=True)
class Change:
    """One record before a change and after it (None: it did not exist, or no longer)."""

    kind: str
    before: Record | None
    after: Record | None

    @property
    def key(self) -> str:
        record = self.after or self.before or {}
        return records.record_key(self.kind, record)


def _fields(kind_name: str, source: Record, target: Record) -> Record:
    """The writable fields whose value in ``target`` differs from ``source``."""
    names = [f.name for f in kind(kind_name).writable]
    return {n: target.get(n) for n in names if source.get(n) != target.get(n)}


def _apply_one(session: Session, change: Change, actor: Actor, backwards: bool) -> Change:
    source, target = (change.after, change.before) if backwards else (change.before, change.after)
    result: Record | None
    if source is None and target is not None:
        values = {f.name: target.get(f.name) for f in kind(change.kind).writable}
        result = records.create(session, change.kind, values, actor)
    elif source is not None and target is None:
        records.delete(
            session, change.kind, source["id"], actor, expected_version=source["version"]
        )
        result = None
    elif source is not None and target is not None:
        result = records.update(
            session,
            change.kind,
            source["id"],
            _fields(change.kind, source, target),
            actor,
            expected_version=source["version"],
        )
    else:
        return change
    if backwards:
        return Change(change.kind, result, change.after)
    return Change(change.kind, change.before, result)


def apply(
    session: Session,
    changes: Sequence[Change],
    actor: Actor,
    *,
    backwards: bool,
    what: str = "the change",
) -> list[Change]:
    """Undo (``backwards``) or redo ``changes`` in the caller's transaction, the last change
    undone first. Returns the changes as they stand now (fresh versions, a re-created
    record's new id), to undo or redo them again. A record changed or removed by someone
    else since refuses the whole of it."""
    done_as = dataclasses.replace(actor, source=UNDO_SOURCE if backwards else REDO_SOURCE)
    order = list(reversed(changes)) if backwards else list(changes)
    fresh: dict[int, Change] = {}
    verb = "undone" if backwards else "done again"
    for change in order:
        try:
            fresh[id(change)] = _apply_one(session, change, done_as, backwards)
        except ConflictError as conflict:
            raise UndoRefused(
                f"{what[:1].upper()}{what[1:]} cannot be {verb}: {conflict.kind} "
                f"{conflict.key} was changed since (by someone else, or by a change not in "
                "this window's undo history). Nothing was changed; look at it again."
            ) from conflict
        except NotFoundError as gone:
            raise UndoRefused(
                f"{what[:1].upper()}{what[1:]} cannot be {verb}: {change.key} no longer "
                f"exists ({gone})."
                " Nothing was changed."
            ) from gone
    return [fresh[id(change)] for change in changes]


def tracked(
    session: Session, kind_name: str, ids: Sequence[int], run: Any
) -> tuple[Any, list[Change]]:
    """``run()`` (a change to records of ``kind_name``, in the caller's transaction) and the
    ``Change``s it made: the records ``ids`` read before and after it, and any record of the
    kind it returns that was not among them (created)."""
    before = {i: records.get_record(session, kind_name, i) for i in ids}
    result = run()
    returned = result if isinstance(result, list) else [result]
    created = [r for r in returned if isinstance(r, dict) and "id" in r and r["id"] not in before]
    changes = []
    for record_id, was in before.items():
        try:
            now: Record | None = records.get_record(session, kind_name, record_id)
        except NotFoundError:
            now = None
        if now != was:
            changes.append(Change(kind_name, was, now))
    changes += [Change(kind_name, None, r) for r in created]
    return result, changes
