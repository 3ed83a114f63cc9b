"""The bytes of attached files, kept apart from what they are attached to: removing the files
of records that are gone, and the blobs no attachment holds any more. Records and the import
call this when they delete; ``services.attachments`` (adding, listing, opening files) builds
on it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models import Attachment, AttachmentBlob, ImportBatch, PurchaseOrder
from services.schema import MODELS


def table_of(kind_name: str) -> Any:
    """The table holding records of ``kind_name`` (a record kind, ``purchase_orders`` or
    ``imports``)."""
    if kind_name == "imports":
        return ImportBatch.__table__
    if kind_name == "purchase_orders":
        return PurchaseOrder.__table__
    return MODELS[kind_name].__table__


def drop_unused_blobs(session: Session, hashes: Iterable[str]) -> None:
    """Delete the blobs no attachment holds. In a savepoint: should another user's new
    attachment of the same file commit first, the foreign key refuses and the blob stays."""
    wanted = sorted(set(hashes))
    if not wanted:
        return
    unused = (
        delete(AttachmentBlob)
        .where(AttachmentBlob.sha256.in_(wanted))
        .where(~exists().where(Attachment.sha256 == AttachmentBlob.sha256))
    )
    try:
        with session.begin_nested():
            session.execute(unused)
    except IntegrityError:
        pass


def forget_deleted(session: Session, kind_name: str) -> int:
    """Remove the attachments of ``kind_name`` records that no longer exist (and their bytes
    when nothing else holds them), so a later record that gets the same id starts with no
    files; how many went. Called after records are deleted (one record, an undone import);
    deleting order lines may remove their purchase order, whose files go with it."""
    removed = 0
    for name in (kind_name, "purchase_orders") if kind_name == "orders" else (kind_name,):
        if name not in MODELS and name not in ("purchase_orders", "imports"):
            continue
        table = table_of(name)
        gone = list(
            session.execute(
                select(Attachment.id, Attachment.sha256).where(
                    Attachment.record_kind == name,
                    Attachment.record_id.not_in(select(table.c.id)),
                )
            )
        )
        if not gone:
            continue
        session.execute(delete(Attachment).where(Attachment.id.in_([g.id for g in gone])))
        drop_unused_blobs(session, [g.sha256 for g in gone])
        removed += len(gone)
    return removed
