"""Writing an import plan, and undoing an import batch.

The write path uses bulk statements, not the ORM unit of work (docs/traps.md measured 100,000 rows
at 2 s with Core statements against 12-15 s with ORM objects): new rows go through the driver
(``models.bulk``: multi-row ``INSERT`` on SQLite, ``COPY`` on PostgreSQL), changed rows by Core
``update`` statements. Bulk statements bypass ORM events, so everything the ORM path of
``services.records`` does is done here explicitly, in the same transaction: version numbers
incremented (and checked: a record changed since the preview is a ConflictError),
created/updated by and at, the audit trail (one entry per changed field, with the import
batch as source), ETA moves into EtaChange, order statuses.

Creation is recorded by batch (DESIGN §5): a created row keeps its batch's id
(``created_batch_id``) and the batch keeps the file, its sha256, the sheet, the user and the
time; no audit entry per created record, and no ETA history row for a new line's first ETA
(``services.audit.history`` and ``eta_history`` read both from the batch).

The caller owns the transaction: ``commit`` flushes statements into the session's connection
and never commits, so an import is all or nothing and a killed process leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from itertools import repeat
from operator import is_not, itemgetter, methodcaller, setitem
from typing import Any

from sqlalchemy import (
    Table,
    bindparam,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from models import (
    AuditEntry,
    Customer,
    CustomerContract,
    Deployment,
    EtaChange,
    ImportBatch,
    OrderLine,
    Product,
    PurchaseOrder,
    Site,
    Vendor,
    VendorAlias,
)
from models.base import utcnow
from models.bulk import Constant, InsertsBehind, insert_columns, reserve_ids
from services import audit, order_header, records
from services.audit import Actor, Change
from services.collector import collector_paused
from services.errors import ConflictError, NotFoundError, RackbookError, ValidationError
from services.importing.plan import (
    Cancel,
    ImportCancelled,
    Plan,
    Progress,
    RowPlan,
)
from services.schema import IMPORT_KINDS, PURCHASE_ORDER_FIELDS, kind

CHUNK = 5000


@dataclass(frozen=True)
class BatchResult:
    batch_id: int
    kind: str
    sheet: str
    created: int
    updated: int
    unchanged: int
    rejected: int


def _table(model: Any) -> Table:
    table: Table = model.__table__
    return table


# --- per-kind row values ------------------------------------------------------------------

# Each kind a sheet imports, its table (from the audit's map of entities).
TABLES: dict[str, Any] = {name: audit.ENTITY_MODELS[name] for name in IMPORT_KINDS}


def row_values(
    kind_name: str, record: dict[str, Any], refs: dict[str, int | None]
) -> dict[str, Any]:
    """The main table's column values for a record whose references are resolved."""
    return {name: values[0] for name, values in value_columns(kind_name, [record], [refs]).items()}


def _columns_of(rows: list[dict[str, Any]], names: Sequence[str]) -> dict[str, list[Any]]:
    """``rows``' values of ``names``, a list per name, in one pass over the rows (a tuple
    each, transposed); empty when a row lacks one of them (then ``dict.get`` a column at a
    time gives None for it) or there is nothing to transpose."""
    if len(names) < 2 or not rows:
        return {}
    try:
        columns = zip(*map(itemgetter(*names), rows), strict=True)
        return dict(zip(names, map(list, columns), strict=True))
    except KeyError:
        return {}


def value_columns(
    kind_name: str, rows: list[dict[str, Any]], refs: list[dict[str, int | None]]
) -> dict[str, list[Any]]:
    """The main table's column values for records whose references are resolved, one list
    per column (read by C-level ``map``, for the bulk insert)."""

    def field(name: str) -> list[Any]:
        return list(map(methodcaller("get", name), rows))

    def ref(name: str) -> list[Any]:
        return list(map(itemgetter(name), refs))

    plain = records.adapter(kind_name).plain
    columns = _columns_of(rows, plain) or {name: field(name) for name in plain}
    if kind_name == "vendors":
        names = [" ".join(str(r["name"]).split()) for r in rows]
        columns["name"] = names
        columns["name_key"] = [records.name_key(n) for n in names]
    elif kind_name == "products":
        columns["vendor_id"] = ref("vendor_id")
    elif kind_name == "leadtimes":
        columns["product_id"] = ref("product_id")
    elif kind_name == "orders":
        columns["line_no"] = field("line")
        columns["product_id"] = ref("product_id")
        columns["received_qty"] = [q or 0 for q in field("received_qty")]
        columns["order_id"] = ref("order_id")
        columns["deployment_id"] = [r.get("deployment_id") for r in refs]
        # The plan worked it out from the line's dates (kept once known).
        columns["first_commitment"] = field("first_commitment")
    elif kind_name == "ppas":
        columns["site_id"] = ref("site_id")
    elif kind_name == "contracts":
        columns["site_id"] = ref("site_id")
        columns["customer_id"] = ref("customer_id")
        columns["auto_renew"] = [bool(v) for v in field("auto_renew")]
    elif kind_name == "site_capacity":
        columns["site_id"] = ref("site_id")
    elif kind_name == "deployments":
        columns["site_id"] = ref("site_id")
        columns["contract_id"] = [r.get("contract_id") for r in refs]
    elif kind_name == "deployment_parts":
        columns["deployment_id"] = ref("deployment_id")
        columns["part"] = field("part")
    return columns


# --- commit ---------------------------------------------------------------------------------


def commit(
    session: Session,
    plan: Plan,
    user: str,
    *,
    skip_invalid: bool = False,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> BatchResult:
    """Write ``plan`` in the session's transaction; the caller commits (or rolls back)."""
    rejected = [r for r in plan.rows if r.action == "rejected"]
    if rejected and not skip_invalid:
        raise ValidationError(plan.problems, subject=f"{plan.file} ({len(rejected)} rows rejected)")
    conn = session.connection()
    batch_id = _open_batch(conn, plan, user)
    actor = Actor(user, "import", batch_id)
    writer = _Writer(conn, plan, actor, progress, cancel)
    try:
        with collector_paused():
            writer.write()
    except IntegrityError as exc:
        # Between a preview and its commit someone else added one of these records (or
        # removed one they refer to); the unique and foreign keys refused the write.
        raise RackbookError(
            f"{plan.file}: some {kind(plan.kind).label.lower()} were added, changed or removed "
            "by someone else since the preview; nothing was written. Preview the import again."
        ) from exc
    result = _close_batch(conn, batch_id, plan)
    session.expire_all()
    return result


def _open_batch(conn: Connection, plan: Plan, user: str) -> int:
    """The import batch's row (its counts written by ``_close_batch``): its id."""
    batch_id: int = conn.execute(
        insert(_table(ImportBatch)).returning(_table(ImportBatch).c.id),
        {
            "file_name": plan.file[:500],
            "file_sha256": plan.sha256 or "",
            "sheet": plan.sheet_name[:120],
            "kind": plan.kind,
            "user": user,
            "started_at": utcnow(),
        },
    ).scalar_one()
    return batch_id


def _close_batch(conn: Connection, batch_id: int, plan: Plan) -> BatchResult:
    """The batch's counts and end written: what it did."""
    counts = plan.counts
    conn.execute(
        update(_table(ImportBatch))
        .where(_table(ImportBatch).c.id == batch_id)
        .values(
            finished_at=utcnow(),
            created=counts["create"],
            updated=counts["update"],
            unchanged=counts["unchanged"],
            rejected=counts["rejected"],
        )
    )
    return BatchResult(
        batch_id,
        plan.kind,
        plan.sheet_name,
        counts["create"],
        counts["update"],
        counts["unchanged"],
        counts["rejected"],
    )


# Kinds whose new records ``StreamedWrite`` writes while the rest of the sheet is planned:
# every kind but those whose writes need the whole plan first (a contract's new customers,
# a vendor's aliases).
STREAMED_KINDS = frozenset(IMPORT_KINDS) - {"contracts", "vendors"}


class _Ids:
    """New ids for one table's rows written as they come, exactly as many as are written.
    SQLite: counted on from the largest at the start (the write transaction keeps every
    other writer out, as ``reserve_ids`` says). PostgreSQL: drawn from the sequence over
    ``side``, a connection of its own, so that a draw never waits for the inserting thread
    to be done with the import's connection (a sequence's draws are outside transactions:
    any connection's are the import's to use, and no other writer gets them)."""

    def __init__(self, conn: Connection, table: Table, side: Connection | None) -> None:
        self.table = table
        self.side = side
        self.next = 0
        if side is None:
            (key,) = table.primary_key.columns
            self.next = (conn.execute(select(func.max(key))).scalar() or 0) + 1

    def take(self, count: int) -> list[int]:
        if self.side is not None:
            return reserve_ids(self.side, self.table, count)
        first, self.next = self.next, self.next + count
        return list(range(first, first + count))


class StreamedWrite:
    """A sheet's new records written while the rest of it is planned: ``plan_import``'s
    ``sink`` is ``feed``, which hands each block's new records to a thread that inserts them
    (``models.bulk.InsertsBehind``) while this one plans the next block, so the database's
    work of a first import overlaps the planning instead of following it (measured in
    bench/bench_import.py). ``finish`` then writes the rest (updated records, ETA moves,
    order headers and statuses) once the whole plan is known, as ``commit`` would.

    All or nothing, as ``commit``: the writes go inside a savepoint of the caller's
    transaction. A rejected row (unless rejected rows are skipped), an insert the database
    refuses (a key the file repeats, say: the whole-file checks then name the rows) or a
    plan whose final checks changed a written row rolls the savepoint back and stops
    writing; ``finish`` then answers None and the caller writes the plan by ``commit``
    (or reports its rejected rows), as without streaming."""

    def __init__(self, session: Session, shell: Plan, user: str, *, skip_invalid: bool) -> None:
        self.session = session
        self.shell = shell  # the plan's file, sheet, kind and mapping; its rows come at the end
        self.user = user
        self.skip_invalid = skip_invalid
        self.orders = shell.kind == "orders"
        self.started = False
        self.stopped = False
        self.written: list[RowPlan] = []
        self.waiting: list[RowPlan] = []  # fed, not yet handed to the inserting thread
        self.order_ids: dict[str, int] = {}
        # Each order created here: its lines' statuses so far (by PO number).
        self.created_statuses: dict[str, frozenset[str]] = {}
        self.status_sets: dict[frozenset[str], frozenset[str]] = {}
        # Those whose later lines came in a later hand-over: the status first given.
        self.given_status: dict[str, str] = {}
        self.side: Connection | None = None  # PostgreSQL: where new ids are drawn (_Ids)

    def feed(self, rows: list[RowPlan]) -> None:
        """One planned block's rows (in sheet order)."""
        if self.stopped or not rows:
            return
        if not self.skip_invalid and any(r.action == "rejected" for r in rows):
            self._stop()
            return
        self.waiting.extend(r for r in rows if r.action == "create")
        if len(self.waiting) < CHUNK:
            return
        try:
            self._send()
        except SQLAlchemyError:
            self._stop()

    def finish(self, plan: Plan) -> BatchResult | None:
        """The rest of ``plan`` written and its batch closed; None when nothing was streamed
        or streaming stopped (then nothing of it is written: the caller commits the plan)."""
        if self.stopped or not (self.started or self.waiting):
            self.close()
            return None
        creates = [r for r in plan.rows if r.action == "create"]
        fed = self.written + self.waiting
        if plan.count("rejected") and not self.skip_invalid:
            self._stop()
            return None
        if len(creates) != len(fed) or any(map(is_not, creates, fed)):
            self._stop()  # the whole-file checks refused a row already written
            return None
        try:
            if self.waiting:
                self._send()
            self.behind.__exit__(None, None, None)
            self.behind_open = False
            self._close_side()
            self._rest(plan, creates)
        except SQLAlchemyError:
            self._stop()
            return None
        except BaseException:
            self._stop()
            raise
        result = _close_batch(self.conn, self.batch_id, plan)
        self.savepoint.commit()
        self.session.expire_all()
        self.stopped = True  # done: nothing more to write or to undo
        return result

    def close(self) -> None:
        """Stopped, what was written undone, unless ``finish`` wrote it all."""
        if not self.stopped:
            self._stop()

    def _begin(self) -> None:
        self.savepoint = self.session.begin_nested()
        self.conn = conn = self.session.connection()
        self.batch_id = _open_batch(conn, self.shell, self.user)
        self.writer = _Writer(conn, self.shell, Actor(self.user, "import", self.batch_id))
        if self.orders:
            self.existing_orders = self.writer._existing_orders()
            self.order_ids = {po: r.id for po, r in self.existing_orders.items()}
        # Read before the connection is the inserting thread's.
        self.behind = InsertsBehind(conn).__enter__()
        self.behind_open = True
        self.side = conn.engine.connect() if conn.dialect.name == "postgresql" else None
        self.order_id_pool = _Ids(conn, _table(PurchaseOrder), self.side)
        self.started = True

    def _send(self) -> None:
        """The waiting new records handed to the inserting thread (their new orders first)."""
        if not self.started:
            self._begin()
        rows, self.waiting = self.waiting, []
        if self.orders:
            self._new_orders(rows)
        # The new records' ids are the database's to give as it inserts them: nothing of a
        # streamed kind reads them back (a vendor's aliases would: vendors are not streamed).
        self.writer._insert(rows, None, self.behind)
        self.written.extend(rows)

    def _new_orders(self, rows: list[RowPlan]) -> None:
        """The orders these new lines are the first to name, created (their status from
        these lines; ``_rest`` corrects it when later lines change it); every line given
        its order's id."""
        numbers, wanted, statuses = _orders_of(rows)
        fresh = {po: row for po, row in wanted.items() if po not in self.order_ids}
        created = self.created_statuses
        # One set object for each distinct set of statuses (most orders share a few): kept
        # for every order created here, 25,000 sets of their own would weigh 5 MB.
        shared = self.status_sets
        # Orders created by an earlier hand-over that these lines add to: their statuses
        # so far, and the status they were given (``_orders_whole`` sets the final one).
        for po in wanted.keys() - fresh.keys():
            seen = created.get(po)
            if seen is not None and not statuses[po] <= seen:
                self.given_status.setdefault(po, records.order_status(seen))
                grown = seen | statuses[po]
                created[po] = shared.setdefault(grown, grown)
        if fresh:
            new, _ = self.writer._orders_new_and_changed(fresh, {})
            ids = self.order_id_pool.take(len(new))
            self.order_ids.update(self.writer._insert_orders(new, statuses, self.behind, ids))
            for po in fresh:
                found = frozenset(statuses[po])
                created[po] = shared.setdefault(found, found)
        refs = [row.refs for row in rows]
        list(map(setitem, refs, repeat("order_id"), map(self.order_ids.__getitem__, numbers)))

    def _rest(self, plan: Plan, creates: list[RowPlan]) -> None:
        """What ``_Writer.write`` does besides inserting new records, now the plan is whole."""
        writer = self.writer
        writer.plan = plan
        updates = [r for r in plan.rows if r.action == "update"]
        if self.orders:
            self._orders_whole(plan, updates)
        writer._update(updates)
        if self.orders:
            writer._eta_changes(updates)
        writer.flush_audit()
        if self.orders:
            refresh_order_statuses(
                self.conn,
                {r.refs["order_id"] for r in creates + updates} - writer.new_orders,
                self.user,
            )

    def _orders_whole(self, plan: Plan, updates: list[RowPlan]) -> None:
        """Existing orders' headers as their first line in the file gives them, the
        statuses of orders created here as all their lines give them, and the updated
        lines' orders."""
        existing = self.existing_orders
        if existing:
            lines = [
                r
                for r in plan.rows
                if r.action in ("create", "update") and r.record["po_number"] in existing
            ]
            _, changed = self.writer._orders_new_and_changed(_orders_of(lines)[1], existing)
            if changed:
                self.writer._update_orders(changed)
        table = _table(PurchaseOrder)
        created = self.created_statuses
        moved = [
            {"p_id": self.order_ids[po], "p_status": status}
            for po, given in self.given_status.items()
            if (status := records.order_status(created[po])) != given
        ]
        if moved:
            self.conn.execute(
                update(table)
                .where(table.c.id == bindparam("p_id"))
                .values(status=bindparam("p_status")),
                moved,
            )
        for row in updates:
            row.refs["order_id"] = self.order_ids[row.record["po_number"]]
        self.writer._lines_keep_their_orders(updates)

    def _close_side(self) -> None:
        if self.side is not None:
            self.side.close()
            self.side = None

    def _stop(self) -> None:
        self.stopped = True
        self.waiting = []
        if not self.started:
            return
        self._close_side()
        if self.behind_open:
            self.behind_open = False
            # The refused insert's error: what it refused is undone with the rest below.
            with suppress(SQLAlchemyError):
                self.behind.__exit__(None, None, None)
        if self.savepoint.is_active:
            self.savepoint.rollback()


class _Writer:
    def __init__(
        self,
        conn: Connection,
        plan: Plan,
        actor: Actor,
        progress: Progress | None = None,
        cancel: Cancel | None = None,
    ) -> None:
        self.progress = progress
        self.cancel = cancel
        self.written = 0
        self.total = sum(1 for r in plan.rows if r.action in ("create", "update"))
        self.conn = conn
        self.plan = plan
        self.kind = plan.kind
        self.actor = actor
        self.now = utcnow()
        self.audit: list[dict[str, Any]] = []
        self.spec = kind(plan.kind)
        self.table = _table(TABLES[plan.kind])
        # Purchase orders this import creates (their status is written with them).
        self.new_orders: set[int] = set()

    def updated(self, entity: str, entity_id: int, key: str, change: Change) -> None:
        """The audit entry of one field this batch changes (the actor and time the batch's)."""
        self.add_entries(
            [
                audit.entry(
                    self.actor,
                    entity,
                    entity_id,
                    key,
                    "update",
                    change.field,
                    change.old,
                    change.new,
                    at=self.now,
                )
            ]
        )

    def add_entries(self, entries: list[dict[str, Any]]) -> None:
        """Audit entries of this batch, written a chunk at a time."""
        self.audit.extend(entries)
        if len(self.audit) >= CHUNK:
            self.flush_audit()

    def step(self, done: int) -> None:
        """Rows written so far, for the progress bar; the cancel flag checked between chunks
        (cancelling raises, and the caller's transaction is rolled back)."""
        self.written += done
        if self.cancel is not None and self.cancel():
            raise ImportCancelled()
        if self.progress is not None:
            self.progress(self.written, self.total)

    def flush_audit(self) -> None:
        if self.audit:
            insert_rows(self.conn, _table(AuditEntry), self.audit)
        self.audit = []

    def write(self) -> None:
        creates = [r for r in self.plan.rows if r.action == "create"]
        updates = [r for r in self.plan.rows if r.action == "update"]
        if self.kind == "contracts":
            self._customers(creates + updates)
        # Ids first: from here until the inserts are sent the connection is the sending
        # thread's (models.bulk.InsertsBehind), while this one prepares the next rows.
        created_ids = reserve_ids(self.conn, self.table, len(creates))
        with InsertsBehind(self.conn) as behind:
            if self.kind == "orders":
                self._purchase_orders(creates + updates, behind)
            self._insert(creates, created_ids, behind)
        self._update(updates)
        if self.kind == "vendors":
            self._aliases(creates, created_ids, updates)
        if self.kind == "orders":
            self._eta_changes(updates)
        self.flush_audit()
        if self.kind == "orders":
            refresh_order_statuses(
                self.conn,
                {r.refs["order_id"] for r in creates + updates} - self.new_orders,
                self.actor.user,
            )

    # -- main table --

    def _insert(self, rows: list[RowPlan], ids: list[int] | None, behind: InsertsBehind) -> None:
        """Driver-level bulk inserts (``models.bulk``: executemany on SQLite, COPY on
        PostgreSQL; no RETURNING, which on SQLite runs row by row), with ids reserved first
        so none has to be read back (each row's ``refs["id"]``); ``ids`` None: the database
        gives them, for rows whose ids nothing here reads. Values travel column by column,
        a chunk at a time, so 100,000 rows never sit in memory as statement parameters at
        once. Each row keeps this batch's id: its creation, in place of an audit entry.
        Each chunk is sent by ``behind`` while the next is made."""
        kind_name = self.kind
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start : start + CHUNK]
            columns: dict[str, Any] = value_columns(
                kind_name, [r.record for r in chunk], [r.refs for r in chunk]
            )
            if ids is not None:
                columns["id"] = ids[start : start + CHUNK]
            columns.update(self._created_stamp())
            behind.insert_columns(self.table, columns, len(chunk))
            self.step(len(chunk))
        if ids is not None:
            list(map(setitem, [row.refs for row in rows], repeat("id"), ids))

    def _update(self, rows: list[RowPlan]) -> None:
        if not rows:
            return
        table = self.table
        columns = list(row_values(self.kind, rows[0].record, rows[0].refs))
        statement = (
            update(table)
            .where(table.c.id == bindparam("p_id"), table.c.version == bindparam("p_version"))
            .values(
                {
                    **{c: bindparam(f"p_{c}", type_=table.c[c].type) for c in columns},
                    "version": table.c.version + 1,
                    "updated_by": self.actor.user,
                    "updated_at": self.now,
                }
            )
        )
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start : start + CHUNK]
            params = []
            for row in chunk:
                assert row.existing is not None
                values = row_values(self.kind, row.record, row.refs)
                params.append(
                    {f"p_{c}": v for c, v in values.items()}
                    | {"p_id": row.existing["id"], "p_version": row.existing["version"]}
                )
            result = self.conn.execute(statement, params)
            if self.conn.dialect.supports_sane_multi_rowcount and result.rowcount != len(chunk):
                self._conflict(chunk)
            self.step(len(chunk))
        order_fields = set(PURCHASE_ORDER_FIELDS) if self.kind == "orders" else set()
        for row in rows:
            assert row.existing is not None
            for change in row.changes:
                if change.field not in order_fields:
                    self.updated(self.kind, row.existing["id"], row.key, change)

    def _conflict(self, rows: list[RowPlan]) -> None:
        ids = {r.existing["id"]: r for r in rows if r.existing}
        current = dict(
            self.conn.execute(
                select(self.table.c.id, self.table.c.version).where(self.table.c.id.in_(ids))
            ).all()
        )
        for record_id, row in ids.items():
            assert row.existing is not None
            if current.get(record_id) != row.existing["version"]:
                raise ConflictError(self.spec.singular, row.key)
        raise ConflictError(self.spec.singular, rows[0].key)

    # -- contracts: customers named for the first time --

    def _customers(self, rows: list[RowPlan]) -> None:
        missing: dict[str, str] = {}
        for row in rows:
            if row.refs.get("customer_id") is None:
                name = " ".join(str(row.record["customer"]).split())
                missing.setdefault(name.lower(), name)
        if not missing:
            return
        table = _table(Customer)
        stamp = {
            "version": 1,
            "created_by": self.actor.user,
            "updated_by": self.actor.user,
            "created_at": self.now,
            "updated_at": self.now,
            "created_batch_id": self.actor.import_batch_id,
        }
        names = list(missing.values())
        self.conn.execute(insert(table), [{"name": n, **stamp} for n in names])
        all_ids = {n.lower(): i for i, n in self.conn.execute(select(table.c.id, table.c.name))}
        by_name = {n.lower(): all_ids[n.lower()] for n in names}
        for row in rows:
            if row.refs.get("customer_id") is None:
                row.refs["customer_id"] = by_name[
                    " ".join(str(row.record["customer"]).split()).lower()
                ]

    # -- vendors: aliases --

    def _aliases(
        self, creates: list[RowPlan], created_ids: list[int], updates: list[RowPlan]
    ) -> None:
        table = _table(VendorAlias)
        changed = [r for r in updates if any(c.field in ("aliases", "name") for c in r.changes)]
        if changed:
            ids = [r.existing["id"] for r in changed if r.existing]
            self.conn.execute(delete(table).where(table.c.vendor_id.in_(ids)))
        wanted = []
        for row in [*creates, *changed]:
            vendor_id = row.refs["id"] if row.action == "create" else row.existing["id"]  # type: ignore[index]
            own = records.name_key(row.record["name"])
            seen: set[str] = set()
            for alias in records.split_aliases(row.record.get("aliases")):
                key = records.name_key(alias)
                if key != own and key not in seen:
                    seen.add(key)
                    wanted.append({"vendor_id": vendor_id, "alias": alias, "alias_key": key})
        if wanted:
            self.conn.execute(insert(table), wanted)

    # -- orders: purchase orders and ETA history --

    def _purchase_orders(self, rows: list[RowPlan], behind: InsertsBehind) -> None:
        # Each order's first line gives its vendor, site, date and currency (the plan made
        # sure the lines agree); a new order's lines are all in this file, so its status is
        # known without asking the database again (records.order_status over them).
        numbers, wanted, statuses = _orders_of(rows)
        existing = self._existing_orders()
        new, changed = self._orders_new_and_changed(wanted, existing)
        order_ids = {po: r.id for po, r in existing.items()}
        if changed:
            self._update_orders(changed)
        if new:  # the last use of the connection here: the insert is sent by ``behind``
            ids = reserve_ids(self.conn, _table(PurchaseOrder), len(new))
            order_ids.update(self._insert_orders(new, statuses, behind, ids))
        refs = [row.refs for row in rows]
        list(map(setitem, refs, repeat("order_id"), map(order_ids.__getitem__, numbers)))
        self._lines_keep_their_orders(rows)

    def _lines_keep_their_orders(self, rows: list[RowPlan]) -> None:
        """A line of an existing order keeps its order (the key includes the PO number)."""
        for row in rows:
            if row.existing is not None and row.existing.get("order_id") not in (
                None,
                row.refs["order_id"],
            ):
                raise RackbookError(f"order line {row.key} cannot move to another order")

    def _existing_orders(self) -> dict[str, Any]:
        table = _table(PurchaseOrder)
        return {
            r.po_number: r
            for r in self.conn.execute(
                select(
                    table.c.id,
                    table.c.po_number,
                    table.c.vendor_id,
                    table.c.site_id,
                    table.c.order_date,
                    table.c.currency,
                    table.c.payment_schedule,
                    table.c.version,
                )
            )
        }

    def _orders_new_and_changed(
        self, wanted: dict[str, RowPlan], existing: dict[str, Any]
    ) -> tuple[list[tuple[str, dict[str, Any]]], list[dict[str, Any]]]:
        """The orders to create (PO number, values) and the update parameters of those the
        file changes, their changes audited."""
        names: dict[str, dict[int, str]] | None = None  # read when an existing order needs it
        # A file without a payment schedule column leaves each order's schedule as it is.
        schedules = "payment_schedule" in self.plan.mapping.by_field or (
            "payment_schedule" in self.plan.mapping.constants
        )
        new, changed = [], []
        for po, row in wanted.items():
            current = existing.get(po)
            values = {
                "vendor_id": row.refs["vendor_id"],
                "site_id": row.refs["site_id"],
                "order_date": row.record["order_date"],
                "currency": order_header.currency_of(row.record),
                "payment_schedule": row.record.get("payment_schedule")
                if schedules or current is None
                else current.payment_schedule,
            }
            if current is None:
                new.append((po, values))
                continue
            if names is None:
                names = _names(self.conn)
            before = order_header.header(
                names["vendor"].get(current.vendor_id),
                names["site"].get(current.site_id),
                current.order_date,
                current.currency,
                current.payment_schedule,
            )
            after = order_header.header(
                row.record.get("vendor"),
                row.record.get("site"),
                row.record.get("order_date"),
                values["currency"],
                values["payment_schedule"],
            )
            entries = order_header.header_audit(
                self.actor, current.id, po, before, after, at=self.now
            )
            if entries:
                changed.append(
                    {
                        "p_id": current.id,
                        "p_version": current.version,
                        **{f"p_{k}": v for k, v in values.items()},
                    }
                )
                self.add_entries(entries)
        return new, changed

    def _insert_orders(
        self,
        new: list[tuple[str, dict[str, Any]]],
        statuses: dict[str, set[str]],
        behind: InsertsBehind,
        new_ids: list[int],
    ) -> dict[str, int]:
        """The new orders, each with its lines' status (``new_ids`` theirs): their ids by PO
        number."""
        table = _table(PurchaseOrder)
        numbers = [po for po, _ in new]
        behind.insert_columns(
            table,
            {
                **_columns([values for _, values in new]),
                "id": new_ids,
                "po_number": numbers,
                "status": [records.order_status(statuses[po]) for po in numbers],
                **self._created_stamp(),
            },
            len(new),
        )
        self.new_orders.update(new_ids)
        return dict(zip(numbers, new_ids, strict=True))

    def _created_stamp(self) -> dict[str, Constant]:
        """The columns every row this batch creates shares: its first version, who and
        when, and the batch itself (its creation, in place of an audit entry)."""
        return {
            "version": Constant(1),
            "created_by": Constant(self.actor.user),
            "updated_by": Constant(self.actor.user),
            "created_at": Constant(self.now),
            "updated_at": Constant(self.now),
            "created_batch_id": Constant(self.actor.import_batch_id),
        }

    def _update_orders(self, changed: list[dict[str, Any]]) -> None:
        table = _table(PurchaseOrder)
        statement = (
            update(table)
            .where(table.c.id == bindparam("p_id"), table.c.version == bindparam("p_version"))
            .values(
                vendor_id=bindparam("p_vendor_id"),
                site_id=bindparam("p_site_id"),
                order_date=bindparam("p_order_date"),
                currency=bindparam("p_currency"),
                payment_schedule=bindparam("p_payment_schedule"),
                version=table.c.version + 1,
                updated_by=self.actor.user,
                updated_at=self.now,
            )
        )
        result = self.conn.execute(statement, changed)
        if self.conn.dialect.supports_sane_multi_rowcount and result.rowcount != len(changed):
            raise ConflictError("Purchase order", "of this file")

    def _eta_changes(self, updates: list[RowPlan]) -> None:
        """ETA moves of the lines this batch updates. A new line's first ETA is no move: its
        history starts with the first change (``audit.eta_history`` shows the ETA it was
        created with from its batch)."""
        moves = []
        base = {
            "changed_at": self.now,
            "changed_by": self.actor.user,
            "source": "import",
            "import_batch_id": self.actor.import_batch_id,
        }
        for row in updates:
            assert row.existing is not None
            if row.existing.get("eta") != row.record.get("eta"):
                moves.append(
                    {
                        "order_line_id": row.existing["id"],
                        "old_date": row.existing.get("eta"),
                        "new_date": row.record.get("eta"),
                        **base,
                    }
                )
        for start in range(0, len(moves), CHUNK * 4):
            insert_rows(self.conn, _table(EtaChange), moves[start : start + CHUNK * 4])


def _orders_of(
    rows: list[RowPlan],
) -> tuple[list[str], dict[str, RowPlan], dict[str, set[str]]]:
    """Order lines' PO numbers, each order's first line (it gives the order's vendor, site,
    date and currency: the plan made sure the lines agree) and the statuses of its lines.
    Read a column at a time (C-level ``map``): 100,000 lines name 25,000 orders."""
    plain = [row.record for row in rows]
    numbers = list(map(itemgetter("po_number"), plain))
    first = dict(zip(reversed(numbers), reversed(rows), strict=True))
    wanted = {po: first[po] for po in dict.fromkeys(numbers)}
    statuses: dict[str, set[str]] = {po: set() for po in wanted}
    for po, status in set(zip(numbers, map(itemgetter("status"), plain), strict=True)):
        statuses[po].add(status)
    return numbers, wanted, statuses


def insert_rows(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Rows given as dicts with the same keys, inserted by the driver-level path of
    ``models.bulk`` (no RETURNING, which on SQLite makes SQLAlchemy send the rows one by
    one)."""
    if not rows:
        return
    insert_columns(conn, table, _columns(rows), len(rows))


def _columns(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Rows given as dicts with the same keys, as one list of values per key."""
    names = list(rows[0])
    if len(names) == 1:
        return {names[0]: [r[names[0]] for r in rows]}
    by_row = map(itemgetter(*names), rows)
    return dict(zip(names, map(list, zip(*by_row, strict=True)), strict=True))


def _names(conn: Connection) -> dict[str, dict[int, str]]:
    return {
        "vendor": dict(conn.execute(select(Vendor.id, Vendor.name)).all()),
        "site": dict(conn.execute(select(Site.id, Site.name)).all()),
    }


def refresh_order_statuses(conn: Connection, order_ids: Iterable[int | None], user: str) -> None:
    """Each order's status summarises its lines (records.order_status), for these orders."""
    ids = sorted(i for i in order_ids if i is not None)
    lines = _table(OrderLine)
    orders = _table(PurchaseOrder)
    changes = []
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        statuses: dict[int, set[str]] = {i: set() for i in chunk}
        for order_id, status in conn.execute(
            select(lines.c.order_id, lines.c.status).where(lines.c.order_id.in_(chunk))
        ):
            statuses[order_id].add(status)
        current = dict(
            conn.execute(select(orders.c.id, orders.c.status).where(orders.c.id.in_(chunk))).all()
        )
        for order_id, found in statuses.items():
            status = records.order_status(found)
            if order_id in current and current[order_id] != status:
                changes.append({"p_id": order_id, "p_status": status})
    if changes:
        conn.execute(
            update(orders)
            .where(orders.c.id == bindparam("p_id"))
            .values(
                status=bindparam("p_status"),
                version=orders.c.version + 1,
                updated_by=user,
                updated_at=utcnow(),
            ),
            changes,
        )


# --- undo -------------------------------------------------------------------------------------

ENTITY_TABLES: dict[str, Any] = audit.ENTITY_MODELS


@dataclass(frozen=True)
class UndoResult:
    batch_id: int
    deleted: int
    restored: int


# Created records are deleted dependants first (lines before orders, contracts before
# customers).
DELETE_ORDER = (
    "orders",
    "deployment_parts",
    "deployments",
    "site_capacity",
    "leadtimes",
    "contracts",
    "ppas",
    "fxrates",
    "products",
    "purchase_orders",
    "customers",
    "vendors",
    "sites",
)


def undo_batch(session: Session, batch_id: int, user: str) -> UndoResult:
    """Revert import batch ``batch_id``: delete what it created, restore what it changed.

    Refused (nothing written) when a later change touched one of its records, naming it.
    """
    conn = session.connection()
    batch = _batch_to_undo(conn, batch_id)
    entries_table = _table(AuditEntry)
    entries = list(
        conn.execute(
            select(entries_table)
            .where(entries_table.c.import_batch_id == batch_id)
            .order_by(entries_table.c.id)
        )
    )
    touched = {(e.entity, e.entity_id) for e in entries}
    if entries:
        _refuse_if_changed_later(conn, batch_id, entries[-1].id, touched)
    created = created_records(session, batch_id)
    _refuse_if_created_then_changed(conn, batch, created)
    actor = Actor(user, "undo", batch_id)
    now = utcnow()
    orders_touched: set[int] = set()
    undo_entries, restored = _restore_changed(conn, entries, actor, now, orders_touched)
    deleted = sum(
        _delete_created(session, entity, created[entity], actor, now, orders_touched)
        for entity in DELETE_ORDER
        if created.get(entity)
    )
    insert_rows(conn, entries_table, undo_entries)
    orders = _table(PurchaseOrder)
    remaining = (
        set(
            conn.execute(
                select(orders.c.id).where(orders.c.id.in_(sorted(orders_touched)))
            ).scalars()
        )
        if orders_touched
        else set()
    )
    refresh_order_statuses(conn, remaining, user)
    batch_table = _table(ImportBatch)
    conn.execute(
        update(batch_table)
        .where(batch_table.c.id == batch_id)
        .values(undone_at=now, undone_by=user)
    )
    session.expire_all()
    return UndoResult(batch_id, deleted, restored)


def _batch_to_undo(conn: Connection, batch_id: int) -> Any:
    """The batch's row; refused when there is none or it was undone already."""
    batch_table = _table(ImportBatch)
    batch = conn.execute(select(batch_table).where(batch_table.c.id == batch_id)).first()
    if batch is None:
        raise NotFoundError(f"there is no import batch {batch_id}")
    if batch.undone_at is not None:
        raise RackbookError(
            f"import batch {batch_id} was already undone by {batch.undone_by} on "
            f"{batch.undone_at:%Y-%m-%d %H:%M}"
        )
    return batch


def _restore_changed(
    conn: Connection,
    entries: list[Any],
    actor: Actor,
    now: dt.datetime,
    orders_touched: set[int],
) -> tuple[list[dict[str, Any]], int]:
    """The fields the batch changed back to their old values, newest first, each ETA put
    back as a move of its own: the audit entries that say so (not yet written), and how
    many records were restored."""
    user = actor.user
    batch_id = actor.import_batch_id
    undo_entries: list[dict[str, Any]] = []
    updates: dict[tuple[str, int], dict[str, Any]] = {}
    keys: dict[tuple[str, int], str] = {}
    for e in reversed(entries):
        if e.action == "update" and e.entity_id is not None:
            updates.setdefault((e.entity, e.entity_id), {})[e.field] = (e.old_value, e.new_value)
            keys[(e.entity, e.entity_id)] = e.entity_key
    for (entity, entity_id), fields in updates.items():
        _restore(conn, entity, entity_id, fields, user, now, orders_touched)
        for name, (old, new) in fields.items():
            undo_entries.append(
                audit.entry(
                    actor,
                    entity,
                    entity_id,
                    keys[(entity, entity_id)],
                    "update",
                    name,
                    old,
                    new,
                    at=now,
                )
                | {"old_value": new, "new_value": old}
            )
            if entity == "orders" and name == "eta":
                conn.execute(
                    insert(_table(EtaChange)),
                    [
                        {
                            "order_line_id": entity_id,
                            "old_date": audit.from_text("orders", "eta", new),
                            "new_date": audit.from_text("orders", "eta", old),
                            "changed_at": now,
                            "changed_by": user,
                            "source": "undo",
                            "import_batch_id": batch_id,
                        }
                    ],
                )
    return undo_entries, len(updates)


def _delete_created(
    session: Session,
    entity: str,
    items: list[tuple[int, str]],
    actor: Actor,
    now: dt.datetime,
    orders_touched: set[int],
) -> int:
    """The records of one entity the batch created deleted (each deletion audited): how many."""
    conn = session.connection()
    table = _table(ENTITY_TABLES[entity])
    ids = [i for i, _ in items]
    lines = _table(OrderLine)
    if entity == "orders":
        for start in range(0, len(ids), CHUNK):
            orders_touched.update(
                conn.execute(
                    select(lines.c.order_id).where(lines.c.id.in_(ids[start : start + CHUNK]))
                ).scalars()
            )
    if entity == "purchase_orders":
        # An order the batch created stays while lines added later still belong to it
        # (deleting it would take those lines with it).
        in_use = set(
            conn.execute(
                select(lines.c.order_id).where(lines.c.order_id.in_(ids)).distinct()
            ).scalars()
        )
        items = [(i, key) for i, key in items if i not in in_use]
        ids = [i for i, _ in items]
    _refuse_if_in_use(session, entity, items)
    for start in range(0, len(ids), CHUNK):
        conn.execute(delete(table).where(table.c.id.in_(ids[start : start + CHUNK])))
    # Deletions are audited field by field as any other (the key, as the record's entry):
    # column by column through the driver, 100,000 of them at the speed of a copy.
    insert_columns(
        conn,
        _table(AuditEntry),
        {
            "entity": Constant(entity),
            "entity_id": ids,
            "entity_key": [key for _, key in items],
            "action": Constant("delete"),
            "old_value": [key for _, key in items],
            "user": Constant(actor.user),
            "at": Constant(now),
            "source": Constant(actor.source),
            "import_batch_id": Constant(actor.import_batch_id),
        },
        len(ids),
    )
    return len(ids)


def created_records(session: Session, batch_id: int) -> dict[str, list[tuple[int, str]]]:
    """What import batch ``batch_id`` created, per entity: (id, key) of each record that
    keeps the batch's id (``created_batch_id``; migration 0007 gave it to the records older
    imports created, from their creation entries)."""
    found: dict[str, list[tuple[int, str]]] = {}
    for entity, model in ENTITY_TABLES.items():
        if entity in TABLES:
            # The key's fields as the record's list shows them (a line's PO number and line).
            spec = kind(entity)
            query = records.adapter(entity).select().where(model.created_batch_id == batch_id)
            items = [
                (row["id"], spec.key_of(dict(row))) for row in session.execute(query).mappings()
            ]
        else:
            name = model.po_number if entity == "purchase_orders" else model.name
            items = [
                (record_id, key)
                for record_id, key in session.execute(
                    select(model.id, name).where(model.created_batch_id == batch_id)
                )
            ]
        if items:
            found[entity] = sorted(items)
    return found


def _refuse_if_created_then_changed(
    conn: Connection, batch: Any, created: dict[str, list[tuple[int, str]]]
) -> None:
    """A record the batch created that someone changed since (its version moved on, and an
    audit entry not of an undone batch says so) stays: undoing would delete their change."""
    table = _table(AuditEntry)
    batches = _table(ImportBatch)
    for entity in created:
        main = _table(ENTITY_TABLES[entity])
        moved = list(
            conn.execute(
                select(main.c.id).where(main.c.created_batch_id == batch.id, main.c.version != 1)
            ).scalars()
        )
        for start in range(0, len(moved), CHUNK):
            later = conn.execute(
                select(
                    table.c.entity_key,
                    table.c.field,
                    table.c.user,
                    table.c.at,
                    table.c.import_batch_id,
                )
                .where(
                    table.c.entity == entity,
                    table.c.entity_id.in_(moved[start : start + CHUNK]),
                    table.c.at >= batch.started_at,
                    (table.c.import_batch_id != batch.id) | table.c.import_batch_id.is_(None),
                    table.c.import_batch_id.is_(None)
                    | table.c.import_batch_id.not_in(
                        select(batches.c.id).where(batches.c.undone_at.is_not(None))
                    ),
                )
                .order_by(table.c.id)
                .limit(1)
            ).first()
            if later is not None:
                what = (
                    kind(entity).singular
                    if entity in TABLES
                    else entity.replace("_", " ").rstrip("s")
                )
                by = (
                    f"import batch {later.import_batch_id}" if later.import_batch_id else later.user
                )
                field = f" ({later.field})" if later.field else ""
                raise RackbookError(
                    f"import batch {batch.id} cannot be undone: {what} {later.entity_key} was "
                    f"changed later{field} by {by} on {later.at:%Y-%m-%d %H:%M}; nothing was "
                    "changed"
                )


def _refuse_if_changed_later(
    conn: Connection, batch_id: int, last_entry: int, touched: set[tuple[str, int | None]]
) -> None:
    table = _table(AuditEntry)
    batches = _table(ImportBatch)
    later = conn.execute(
        select(
            table.c.entity,
            table.c.entity_id,
            table.c.entity_key,
            table.c.field,
            table.c.user,
            table.c.at,
            table.c.source,
            table.c.import_batch_id,
        )
        .where(table.c.id > last_entry)
        .where((table.c.import_batch_id != batch_id) | table.c.import_batch_id.is_(None))
        # A later batch that was itself undone (its entries and its undo's) left no change.
        .where(
            table.c.import_batch_id.is_(None)
            | table.c.import_batch_id.not_in(
                select(batches.c.id).where(batches.c.undone_at.is_not(None))
            )
        )
        .order_by(table.c.id)
    )
    for entry in later:
        if (entry.entity, entry.entity_id) in touched:
            what = (
                kind(entry.entity).singular
                if entry.entity in TABLES
                else entry.entity.replace("_", " ").rstrip("s")
            )
            by = f"import batch {entry.import_batch_id}" if entry.import_batch_id else entry.user
            field = f" ({entry.field})" if entry.field else ""
            raise RackbookError(
                f"import batch {batch_id} cannot be undone: {what} {entry.entity_key} was "
                f"changed later{field} by {by} on {entry.at:%Y-%m-%d %H:%M}; nothing was changed"
            )


def _refuse_if_in_use(session: Session, entity: str, items: Sequence[tuple[int, str]]) -> None:
    """A record the batch created that others now use (a product on a later order) stays."""
    if entity not in records.ADAPTERS or entity == "orders":
        return
    adapter = records.adapter(entity)
    for record_id, key in items:
        row = session.get(adapter.model, record_id)
        reason = adapter.in_use(session, row) if row is not None else None
        if reason:
            raise RackbookError(
                f"this import cannot be undone: {key} is used by records added later ({reason})"
            )


def _restore(
    conn: Connection,
    entity: str,
    entity_id: int,
    fields: dict[str, Any],
    user: str,
    now: dt.datetime,
    orders_touched: set[int],
) -> None:
    table = _table(ENTITY_TABLES[entity])
    values: dict[str, Any] = {}
    aliases: str | None = None
    restore_aliases = False
    for name, (old, _new) in fields.items():
        if entity == "purchase_orders":
            if name == "vendor":
                values["vendor_id"] = _id_by_name(conn, Vendor, old)
            elif name == "site":
                values["site_id"] = _id_by_name(conn, Site, old)
            else:
                values[name] = audit.from_text(entity, name, old)
            continue
        if entity == "vendors" and name == "aliases":
            aliases, restore_aliases = old, True
            continue
        if name == "deployment_ref" and entity == "orders":
            values["deployment_id"] = _id_by_ref(conn, Deployment, Deployment.deployment_ref, old)
            continue
        if name == "contract_ref" and entity == "deployments":
            values["contract_id"] = _id_by_ref(
                conn, CustomerContract, CustomerContract.contract_ref, old
            )
            continue
        if name == "site" and entity == "deployments":
            values["site_id"] = _id_by_name(conn, Site, old)
            continue
        if entity == "orders" and name == "sku":
            product = conn.execute(
                select(Product.id)
                .join(OrderLine, OrderLine.id == entity_id)
                .join(PurchaseOrder, PurchaseOrder.id == OrderLine.order_id)
                .where(Product.vendor_id == PurchaseOrder.vendor_id, Product.sku == old)
            ).scalar()
            values["product_id"] = product
            continue
        column = {"line": "line_no"}.get(name, name)
        if column in table.c:
            values[column] = audit.from_text(entity, name, old)
            if entity == "vendors" and name == "name":
                values["name_key"] = records.name_key(old or "")
    if entity == "orders":
        orders_touched.update(
            conn.execute(select(OrderLine.order_id).where(OrderLine.id == entity_id)).scalars()
        )
        if "received_qty" in values and values["received_qty"] is None:
            values["received_qty"] = 0
    if values:
        conn.execute(
            update(table)
            .where(table.c.id == entity_id)
            .values(**values, version=table.c.version + 1, updated_by=user, updated_at=now)
        )
    if restore_aliases:
        alias_table = _table(VendorAlias)
        conn.execute(delete(alias_table).where(alias_table.c.vendor_id == entity_id))
        rows = [
            {"vendor_id": entity_id, "alias": a, "alias_key": records.name_key(a)}
            for a in records.split_aliases(aliases)
        ]
        if rows:
            conn.execute(insert(alias_table), rows)


def _id_by_ref(conn: Connection, model: Any, column: Any, ref: str | None) -> int | None:
    if ref is None:
        return None
    found: int | None = conn.execute(select(model.id).where(column == ref)).scalar()
    return found


def _id_by_name(conn: Connection, model: Any, name: str | None) -> int | None:
    if name is None:
        return None
    found: int | None = conn.execute(select(model.id).where(model.name == name)).scalar()
    return found
