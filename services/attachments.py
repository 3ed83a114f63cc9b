"""Files attached to records: a vendor's quote, its order acknowledgement, the signed customer
contract, the PPA, the delivery note, the very file an import batch read.

The bytes live in the database itself (``attachment_blob``, one row per distinct sha256, so
the same quote attached to three lines is stored once), and each attachment links a blob to
one record (``attachment``: the record's kind and id, the file's name, who added it and when).
A SQLite file or the team database therefore holds everything, and its backups include the
files.

A record is named by its kind and natural key as a person writes it: ``vendors Dell``,
``orders PO-2026-001/2`` (a line), ``orders PO-2026-001`` (the whole purchase order),
``leadtimes "Dell / XE9680 / 2026-06-01"``, ``imports 7``. The kinds are those of
``services.schema`` (new kinds are covered as they are added there) plus ``purchase_orders``
and ``imports``.

Adding and removing are audited on the record (field ``attachments``). The session's
lifetime is the caller's: these functions flush but never commit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from models import Attachment, AttachmentBlob, ImportBatch, OrderLine, PurchaseOrder
from models.base import utcnow
from services import audit, records, settings
from services.attachment_store import drop_unused_blobs, forget_deleted
from services.audit import Actor
from services.errors import NotFoundError, RackbookError, UsageError
from services.schema import KINDS

# Kinds that are not lists of records in services.schema but still carry files.
OTHER_KINDS = {"purchase_orders": "Purchase order", "imports": "Import batch"}

__all__ = ["forget_deleted"]
# What the command line also understands for them.
KIND_ALIASES = {
    "po": "purchase_orders",
    "purchase-orders": "purchase_orders",
    "import": "imports",
    "batches": "imports",
}
CHUNK = 1024 * 1024
MB = 1024 * 1024

Progress = Callable[[int, int], None]


def record_kinds() -> tuple[str, ...]:
    """Every kind a file can be attached to (read when asked: new kinds of services.schema
    are among them as soon as they exist)."""
    return (*KINDS, *OTHER_KINDS)


def check_kind(name: str) -> str:
    """``name`` as a record kind, or a UsageError listing the kinds."""
    found = KIND_ALIASES.get(name, name)
    if found not in record_kinds():
        raise UsageError(
            f"files cannot be attached to {name!r}; choose one of: {', '.join(record_kinds())}"
        )
    return found


def singular(kind_name: str) -> str:
    if kind_name in OTHER_KINDS:
        return OTHER_KINDS[kind_name]
    return KINDS[kind_name].singular or KINDS[kind_name].label


def _lower(text: str) -> str:
    """``Lead-time quote`` -> ``lead-time quote``; ``PPA`` and ``FX rate`` keep their capitals."""
    return " ".join(w if w.isupper() else w.lower() for w in text.split())


@dataclass(frozen=True)
class RecordRef:
    """One record that files can be attached to."""

    kind: str
    id: int
    key: str

    @property
    def title(self) -> str:
        """``Order line PO-1/2``, ``Purchase order PO-1``, ``Vendor Dell``."""
        return f"{singular(self.kind)} {self.key}"


@dataclass(frozen=True)
class AttachmentInfo:
    """One attachment, without its bytes."""

    id: int
    record_kind: str
    record_id: int
    record_key: str
    file_name: str
    sha256: str
    size: int
    added_by: str
    added_at: dt.datetime

    @property
    def record_title(self) -> str:
        return f"{singular(self.record_kind)} {self.record_key}"

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.record_kind,
            "key": self.record_key,
            "file_name": self.file_name,
            "sha256": self.sha256,
            "size": self.size,
            "added_by": self.added_by,
            "added_at": self.added_at.isoformat(timespec="seconds"),
        }


def size_text(size: int) -> str:
    """``812 bytes``, ``14.2 KB``, ``20.0 MB``."""
    if size < 1024:
        return f"{size} bytes"
    if size < MB:
        return f"{size / 1024:.1f} KB"
    return f"{size / MB:.1f} MB"


# --- naming records ------------------------------------------------------------------------


def resolve(session: Session, kind_name: str, key: str) -> RecordRef:
    """The record of ``kind_name`` whose natural key reads ``key``; NotFoundError if none."""
    kind_name = check_kind(kind_name)
    text = " ".join(key.split())
    if not text:
        raise UsageError(f"name the {_lower(singular(kind_name))} to attach to")
    if kind_name == "imports":
        number = text.lower().removeprefix("import").removeprefix(" batch").strip()
        batch = session.get(ImportBatch, int(number)) if number.isdigit() else None
        if batch is None:
            raise NotFoundError(f"there is no import batch {text!r}")
        return RecordRef("imports", batch.id, str(batch.id))
    if kind_name in ("purchase_orders", "orders"):
        order = session.scalar(select(PurchaseOrder).where(PurchaseOrder.po_number == text))
        if order is not None:
            return RecordRef("purchase_orders", order.id, order.po_number)
        if kind_name == "purchase_orders":
            raise NotFoundError(f"there is no purchase order {text!r}")
    spec = KINDS[kind_name]
    values: dict[str, Any] = {}
    parts = [text] if len(spec.key) == 1 else text.rsplit("/", len(spec.key) - 1)
    if len(parts) == len(spec.key):
        for name, part in zip(spec.key, parts, strict=True):
            values[name] = _key_value(spec.field(name).type, part.strip())
    row = None
    if kind_name == "vendors":  # by name or by one of its aliases (Dell, HPE)
        row = records.find_vendor(session, text)
    elif len(values) == len(spec.key) and all(v is not None for v in values.values()):
        row = records.adapter(kind_name).find(session, values)
    if row is None:
        shape = spec.key_separator.join(spec.field(n).title for n in spec.key)
        if kind_name == "orders":
            raise NotFoundError(
                f"there is no purchase order or order line {text!r} "
                "(a line is written PO_NUMBER/LINE, as in PO-2026-001/2)"
            )
        raise NotFoundError(f"there is no {_lower(singular(kind_name))} {text!r} (written {shape})")
    return ref_of(session, kind_name, row.id)


def _key_value(field_type: str, text: str) -> Any:
    if field_type == "int":
        return int(text) if text.isdigit() else None
    if field_type == "date":
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            return None
    return text


def ref_of(session: Session, kind_name: str, record_id: int) -> RecordRef:
    """The record ``record_id`` of ``kind_name`` (NotFoundError when it is gone)."""
    kind_name = check_kind(kind_name)
    if kind_name == "imports":
        if session.get(ImportBatch, record_id) is None:
            raise NotFoundError(f"there is no import batch {record_id}")
        return RecordRef(kind_name, record_id, str(record_id))
    if kind_name == "purchase_orders":
        po_number = session.scalar(
            select(PurchaseOrder.po_number).where(PurchaseOrder.id == record_id)
        )
        if po_number is None:
            raise NotFoundError(f"purchase order {record_id} no longer exists")
        return RecordRef(kind_name, record_id, po_number)
    record = records.get_record(session, kind_name, record_id)
    return RecordRef(kind_name, record_id, records.record_key(kind_name, record))


# --- reading files ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FileRead:
    """A file's name, bytes and sha256, read before any transaction starts."""

    file_name: str
    data: bytes
    sha256: str


def limit_bytes(session: Session) -> int:
    """The largest file an attachment may be (setting ``attachment_limit_mb``)."""
    return int(settings.get(session, "attachment_limit_mb")) * MB


def _too_big(name: str, size: int, limit: int) -> RackbookError:
    return RackbookError(
        f"{name} is {size_text(size)}; attachments are limited to {size_text(limit)} "
        "(setting attachment_limit_mb); nothing was attached"
    )


def read_file(
    path: Path | str,
    limit: int,
    *,
    progress: Progress | None = None,
    cancel: Callable[[], bool] | None = None,
) -> FileRead:
    """Read ``path`` whole, hashing as it goes, with ``progress(done, total)`` per megabyte.
    A file over ``limit`` bytes, a folder or a file that cannot be read is refused with one
    message (nothing is read past the limit)."""
    path = Path(path).expanduser()
    name = clean_file_name(path.name)
    try:
        if path.is_dir():
            raise RackbookError(f"{path} is a folder, not a file; nothing was attached")
        total = path.stat().st_size
        if total > limit:
            raise _too_big(name, total, limit)
        digest = hashlib.sha256()
        chunks: list[bytes] = []
        done = 0
        with path.open("rb") as handle:
            while chunk := handle.read(CHUNK):
                done += len(chunk)
                if done > limit:  # it grew while being read
                    raise _too_big(name, done, limit)
                digest.update(chunk)
                chunks.append(chunk)
                if progress is not None:
                    progress(done, max(total, done))
                if cancel is not None and cancel():
                    raise RackbookError(f"attaching {name} was cancelled; nothing was attached")
    except OSError as exc:
        raise RackbookError(
            f"{path} cannot be read: {exc.strerror or exc}; nothing was attached"
        ) from None
    return FileRead(name, b"".join(chunks), digest.hexdigest())


def clean_file_name(name: str) -> str:
    """A file name as stored: no folders, no control characters, at most 255 characters
    (the end kept, so ``.pdf`` stays)."""
    name = Path(name.replace("\\", "/")).name
    name = "".join(ch for ch in name if ch.isprintable()).strip() or "file"
    if len(name) > 255:
        stem, dot, suffix = name.rpartition(".")
        name = (stem[: 254 - len(suffix)] + dot + suffix) if dot and len(suffix) < 16 else name
        name = name[-255:]
    return name


# --- attaching --------------------------------------------------------------------------------


def _info(row: Attachment) -> AttachmentInfo:
    return AttachmentInfo(
        row.id,
        row.record_kind,
        row.record_id,
        row.record_key,
        row.file_name,
        row.sha256,
        row.size,
        row.added_by,
        row.added_at,
    )


def _audit_text(file_name: str, size: int, sha256: str) -> str:
    return f"{file_name} ({size_text(size)}, sha256 {sha256[:12]}…)"


def _store_blob(session: Session, sha256: str, data: bytes) -> None:
    """The blob, unless one with this sha256 is stored already. An INSERT that does nothing
    on a conflict, rather than a look first: another user detaching the last copy meanwhile
    cannot leave the new attachment without its bytes."""
    values = {"sha256": sha256, "size": len(data), "data": data, "stored_at": utcnow()}
    dialect = session.get_bind().dialect.name
    table = AttachmentBlob
    statement: Any
    if dialect == "postgresql":
        statement = postgresql.insert(table).values(values).on_conflict_do_nothing()
    elif dialect == "sqlite":
        statement = sqlite.insert(table).values(values).on_conflict_do_nothing()
    else:  # pragma: no cover - Rackbook runs on SQLite and PostgreSQL only
        if session.get(AttachmentBlob, sha256) is not None:
            return
        statement = insert(table).values(values)
    session.execute(statement)


def attach(
    session: Session,
    ref: RecordRef,
    read: FileRead,
    actor: Actor,
    *,
    limit: int | None = None,
    audited: bool = True,
) -> AttachmentInfo:
    """Attach the file ``read`` to the record ``ref`` (audited on the record, unless it is
    an import batch's own file). The same file under the same name already on the record is
    refused, naming it."""
    limit = limit_bytes(session) if limit is None else limit
    if len(read.data) > limit:
        raise _too_big(read.file_name, len(read.data), limit)
    if hashlib.sha256(read.data).hexdigest() != read.sha256:
        raise RackbookError(f"{read.file_name} changed while it was read; nothing was attached")
    twin = session.scalar(
        select(Attachment.id).where(
            Attachment.record_kind == ref.kind,
            Attachment.record_id == ref.id,
            Attachment.sha256 == read.sha256,
            Attachment.file_name == read.file_name,
        )
    )
    if twin is not None:
        raise RackbookError(
            f"{read.file_name} is already attached to {ref.title} (attachment {twin}); "
            "nothing was attached"
        )
    _store_blob(session, read.sha256, read.data)
    row = Attachment(
        record_kind=ref.kind,
        record_id=ref.id,
        record_key=ref.key[:255],
        file_name=read.file_name,
        sha256=read.sha256,
        size=len(read.data),
        added_by=actor.user,
        added_at=utcnow(),
    )
    session.add(row)
    session.flush()
    if audited:
        audit.write_entries(
            session,
            [
                audit.entry(
                    actor,
                    ref.kind,
                    ref.id,
                    ref.key,
                    "update",
                    "attachments",
                    None,
                    _audit_text(read.file_name, len(read.data), read.sha256),
                )
            ],
        )
    return _info(row)


def attach_file(
    session: Session,
    ref: RecordRef,
    path: Path | str,
    actor: Actor,
    *,
    progress: Progress | None = None,
) -> AttachmentInfo:
    """Read ``path`` and attach it to ``ref`` in the session's transaction."""
    limit = limit_bytes(session)
    return attach(session, ref, read_file(path, limit, progress=progress), actor, limit=limit)


def attach_import_file(
    session: Session, batch_id: int, path: Path | str, sha256: str, user: str
) -> AttachmentInfo | None:
    """The file an import batch read, attached to the batch, so a record's history can open
    the very file that changed it. Nothing (None) when the file is gone, has changed since it
    was read (another sha256), or is over the size limit: the import stands without it."""
    if not str(path) or not sha256:
        return None
    try:
        read = read_file(path, limit_bytes(session))
    except RackbookError:
        return None
    if read.sha256 != sha256:
        return None
    ref = RecordRef("imports", batch_id, str(batch_id))
    # The batch itself records its file, user and time: no audit entry (an undo of the batch
    # walks the entries it wrote, and this is none of its records' changes).
    return attach(session, ref, read, Actor(user, "import"), audited=False)


# --- reading and removing ---------------------------------------------------------------------


def _columns() -> tuple[Any, ...]:
    return (
        Attachment.id,
        Attachment.record_kind,
        Attachment.record_id,
        Attachment.record_key,
        Attachment.file_name,
        Attachment.sha256,
        Attachment.size,
        Attachment.added_by,
        Attachment.added_at,
    )


def attachments_of(session: Session, ref: RecordRef) -> list[AttachmentInfo]:
    """The files attached to ``ref``, oldest first; an order line's list also holds the files
    of its purchase order (an acknowledgement covers every line)."""
    wanted = [(ref.kind, ref.id)]
    if ref.kind == "orders":
        order_id = session.scalar(select(OrderLine.order_id).where(OrderLine.id == ref.id))
        if order_id is not None:
            wanted.append(("purchase_orders", order_id))
    found: list[AttachmentInfo] = []
    for kind_name, record_id in wanted:
        rows = session.execute(
            select(*_columns())
            .where(Attachment.record_kind == kind_name, Attachment.record_id == record_id)
            .order_by(Attachment.added_at, Attachment.id)
        )
        found.extend(AttachmentInfo(*row) for row in rows)
    return found


def get(session: Session, attachment_id: int) -> AttachmentInfo:
    row = session.get(Attachment, attachment_id)
    if row is None:
        raise NotFoundError(f"there is no attachment {attachment_id}")
    return _info(row)


def content(session: Session, attachment_id: int) -> bytes:
    """The attached file's bytes, checked against its sha256."""
    info = get(session, attachment_id)
    data = session.scalar(select(AttachmentBlob.data).where(AttachmentBlob.sha256 == info.sha256))
    if data is None or hashlib.sha256(data).hexdigest() != info.sha256:
        raise RackbookError(
            f"the stored copy of {info.file_name} (attachment {attachment_id}) is damaged: "
            "its bytes do not match the sha256 it was stored with"
        )
    return bytes(data)


def write_copy(data: bytes, target: Path) -> Path:
    """Write ``data`` to ``target`` in one step (a temporary file beside it, then renamed):
    a failed write leaves no half file and an existing file as it was."""
    target = target.expanduser()
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def save_copy(session: Session, attachment_id: int, out: Path | str) -> Path:
    """Write attachment ``attachment_id`` back to a file: ``out`` itself, or the attached
    file's own name inside ``out`` when that is a folder."""
    info = get(session, attachment_id)
    target = Path(out).expanduser()
    if target.is_dir():
        target = target / info.file_name
    if not target.parent.is_dir():
        raise RackbookError(f"there is no folder {target.parent}; nothing was written")
    return write_copy(content(session, attachment_id), target)


def detach(session: Session, attachment_id: int, actor: Actor) -> AttachmentInfo:
    """Remove an attachment (audited on its record); its bytes go when no other attachment
    holds them."""
    row = session.get(Attachment, attachment_id)
    if row is None:
        raise NotFoundError(f"there is no attachment {attachment_id}")
    info = _info(row)
    session.delete(row)
    session.flush()
    audit.write_entries(
        session,
        [
            audit.entry(
                actor,
                info.record_kind,
                info.record_id,
                info.record_key,
                "update",
                "attachments",
                _audit_text(info.file_name, info.size, info.sha256),
                None,
            )
        ],
    )
    drop_unused_blobs(session, [info.sha256])
    return info


def counts(session: Session, kind_name: str) -> dict[int, int]:
    """How many files each record of ``kind_name`` has (records without any left out); an
    order line counts its purchase order's files too."""
    found: dict[int, int] = dict(
        session.execute(
            select(Attachment.record_id, func.count())
            .where(Attachment.record_kind == kind_name)
            .group_by(Attachment.record_id)
        ).all()
    )
    if kind_name == "orders":
        per_order = session.execute(
            select(OrderLine.id, func.count())
            .join(Attachment, Attachment.record_id == OrderLine.order_id)
            .where(Attachment.record_kind == "purchase_orders")
            .group_by(OrderLine.id)
        ).all()
        for line_id, count in per_order:
            found[line_id] = found.get(line_id, 0) + count
    return found


def add_counts(session: Session, kind_name: str, found: list[dict[str, Any]]) -> None:
    """Each record of a list gets ``attachments``: its number of files (None for none)."""
    if kind_name not in record_kinds():
        return
    per_record = counts(session, kind_name)
    for record in found:
        record["attachments"] = per_record.get(record["id"])
