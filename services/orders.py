"""Purchase orders and their lines: what a buyer does to an order after it is placed.

Receiving goods, moving an ETA and cancelling a line are all updates of the order line
record, so they go through ``records.update``: the same validation, the same audit trail,
the same version check (a line changed by someone else since it was read raises
ConflictError), and an ETA move lands in the ETA history with the user who made it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from domain.statuses import CLOSED, LineStatus
from domain.supply import units_open
from models import OrderLine, PurchaseOrder
from services import audit, records
from services.audit import Actor
from services.errors import ConflictError, NotFoundError, Problem, ValidationError
from services.schema import LINE_TERMS, PURCHASE_ORDER_FIELDS, Kind, kind
from services.validation import validate

Record = dict[str, Any]
# Lines with no units to come: received or cancelled (for the window's actions).
CLOSED_LINE_STATUSES = CLOSED


@dataclass(frozen=True)
class OrderView:
    """A purchase order with its lines, as plain values for a screen or a report."""

    id: int
    version: int
    po_number: str
    vendor: str
    site: str
    order_date: dt.date
    currency: str
    status: str
    notes: str | None
    lines: list[Record] = field(default_factory=list)
    # Its own milestones; None: its vendor's.
    payment_schedule: str | None = None

    @property
    def order_value(self) -> Decimal:
        """Σ quantity × unit price over lines that are not cancelled (prices left blank
        count as nothing)."""
        return sum(
            (
                line["quantity"] * line["unit_price"]
                for line in self.lines
                if line["status"] != LineStatus.CANCELLED and line["unit_price"] is not None
            ),
            Decimal(0),
        )


def purchase_order(session: Session, po_number: str) -> OrderView:
    """The purchase order ``po_number`` with its lines in line order."""
    order = session.scalar(select(PurchaseOrder).where(PurchaseOrder.po_number == po_number))
    if order is None:
        raise NotFoundError(f"purchase order {po_number!r} no longer exists")
    lines = records.list_records(
        session, "orders", where=lambda q: q.where(PurchaseOrder.id == order.id)
    )
    return OrderView(
        id=order.id,
        version=order.version,
        po_number=order.po_number,
        vendor=order.vendor.name,
        site=order.site.name,
        order_date=order.order_date,
        currency=order.currency,
        status=order.status,
        notes=order.notes,
        lines=lines,
        payment_schedule=order.payment_schedule,
    )


def _refuse(line: Record, field_name: str, value: Any, reason: str) -> ValidationError:
    return ValidationError(
        [Problem(field_name, value, reason)],
        subject=f"Order line {records.record_key('orders', line)}",
    )


def _locked_line(session: Session, line_id: int) -> Record:
    """Order line ``line_id`` read once, locked for the caller's transaction (see
    ``records.lock``): what a save computes from it (units received so far, the ETA) is what
    the save writes over, whatever other users commit meanwhile."""
    if records.lock(session, "orders", line_id) is None:
        raise records.gone(session, "orders", line_id)
    return records.get_record(session, "orders", line_id)


def receive(
    session: Session,
    line_id: int,
    quantity: int,
    received_on: dt.date,
    actor: Actor,
    *,
    expected_version: int | None = None,
) -> Record:
    """Book ``quantity`` units arriving on ``received_on`` against a line.

    The units add to what was received before; the line's ``received_date`` becomes the day
    of this delivery, and its status follows (all units in: received; some: partially
    received). Receiving more than was ordered, or before the order date, is refused.
    """
    line = _locked_line(session, line_id)
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity <= 0:
        raise _refuse(line, "received_qty", quantity, "the units received must be more than 0")
    if line["status"] == LineStatus.CANCELLED:
        raise _refuse(line, "status", line["status"], "a cancelled line cannot receive goods")
    received = (line["received_qty"] or 0) + quantity
    return records.update(
        session,
        "orders",
        line_id,
        {"received_qty": received, "received_date": received_on},
        actor,
        expected_version=expected_version,
    )


def change_eta(
    session: Session,
    line_id: int,
    eta: dt.date | None,
    actor: Actor,
    *,
    expected_version: int | None = None,
) -> Record:
    """Move a line's ETA (None: the vendor gave no date). The move is kept in the ETA history
    with the user; the promised date, the vendor's first commitment, never changes here."""
    line = _locked_line(session, line_id)
    if line["status"] in CLOSED_LINE_STATUSES:
        raise _refuse(
            line, "eta", eta, f"the line is {line['status'].replace('_', ' ')}; no ETA to move"
        )
    return records.update(
        session, "orders", line_id, {"eta": eta}, actor, expected_version=expected_version
    )


# The longest reason a correction keeps (a sentence or two, not a document).
REASON_LIMIT = 2000


def correct_promised_date(
    session: Session,
    line_id: int,
    new_date: dt.date | None,
    reason: str,
    actor: Actor,
    *,
    expected_version: int | None = None,
) -> Record:
    """Correct a promised date the buyer typed wrong: the one way a set promise changes
    (ordinary edits and imports take another date as an ETA move). The line's promised date
    and first commitment both become ``new_date``; the audit trail keeps the old dates, who
    corrected them and ``reason``, which must be given. The ETA and its history stay."""
    line = _locked_line(session, line_id)
    subject = f"Order line {records.record_key('orders', line)}"
    why = " ".join((reason or "").split())
    if not why:
        raise ValidationError(
            [
                Problem(
                    "reason",
                    reason,
                    "say why the promised date was wrong: a correction needs a reason, kept "
                    "in the audit trail",
                )
            ],
            subject=subject,
        )
    if len(why) > REASON_LIMIT:
        raise ValidationError(
            [Problem("reason", why[:40] + "…", f"a reason fits in {REASON_LIMIT} characters")],
            subject=subject,
        )
    if isinstance(new_date, dt.datetime) or not isinstance(new_date, dt.date):
        raise ValidationError(
            [Problem("promised_date", new_date, "give the correct promised date")],
            subject=subject,
        )
    row = session.get(OrderLine, line_id)
    assert row is not None  # get_record found it
    if expected_version is not None and row.version != expected_version:
        raise ConflictError(
            "Order line", records.record_key("orders", line), theirs=line, by=row.updated_by
        )
    problems = [
        p
        for p in validate("orders", records.complete("orders", {**line, "promised_date": new_date}))
        if p.field == "promised_date"
    ]
    if problems:
        raise ValidationError(problems, subject=subject)
    before = {"promised_date": line["promised_date"], "first_commitment": line["first_commitment"]}
    after = {"promised_date": new_date, "first_commitment": new_date}
    changes = audit.diff(before, after, after)
    if not changes:
        return line
    row.promised_date = new_date
    row.first_commitment = new_date
    row.updated_by = actor.user
    try:
        session.flush()
    except StaleDataError as exc:
        raise ConflictError("Order line", records.record_key("orders", line)) from exc
    key = records.record_key("orders", line)
    audit.write_entries(
        session,
        [
            audit.entry(actor, "orders", line_id, key, "update", c.field, c.old, c.new, reason=why)
            for c in changes
        ],
    )
    return records.get_record(session, "orders", line_id)


@dataclass(frozen=True)
class EtaMove:
    """A move of several lines' ETAs: to one date, or by a number of days (negative:
    earlier) from each line's own ETA, or from its promised date where it has no ETA."""

    to: dt.date | None = None
    by_days: int | None = None

    def __post_init__(self) -> None:
        if (self.to is None) == (self.by_days is None):
            raise ValueError("an ETA move is either to a date or by a number of days")

    def base(self, line: Record) -> dt.date | None:
        """The date a move by days starts from: the line's ETA, else its promised date."""
        eta = line.get("eta")
        return eta if eta is not None else line.get("promised_date")

    def new_eta(self, line: Record) -> dt.date | None:
        if self.to is not None:
            return self.to
        base = self.base(line)
        assert self.by_days is not None
        return None if base is None else base + dt.timedelta(days=self.by_days)

    def text(self) -> str:
        if self.to is not None:
            return f"to {self.to.isoformat()}"
        assert self.by_days is not None
        days = abs(self.by_days)
        unit = "day" if days == 1 else "days"
        return f"{days} {unit} {'later' if self.by_days >= 0 else 'earlier'}"


@dataclass(frozen=True)
class MovableLines:
    """Which of the chosen lines a move can apply to, and why the others are left alone."""

    movable: list[Record]
    left_alone: list[tuple[Record, str]]


def open_lines(lines: list[Record]) -> MovableLines:
    """``lines`` split into those with units still to come and those left alone (received
    in full or cancelled), for receiving or cancelling several lines at once."""
    movable: list[Record] = []
    left: list[tuple[Record, str]] = []
    for line in lines:
        if line["status"] in CLOSED_LINE_STATUSES:
            left.append((line, line["status"].replace("_", " ")))
        else:
            movable.append(line)
    return MovableLines(movable, left)


def movable_lines(lines: list[Record], move: EtaMove) -> MovableLines:
    """Split ``lines`` into those ``move`` applies to and those it leaves as they are (a
    received or cancelled line has no ETA to move; a move by days needs a date to start
    from)."""
    split = open_lines(lines)
    movable: list[Record] = []
    left = list(split.left_alone)
    for line in split.movable:
        if move.by_days is not None and move.base(line) is None:
            left.append((line, "no ETA or promised date to move from"))
        else:
            movable.append(line)
    return MovableLines(movable, left)


def move_etas(
    session: Session,
    lines: list[tuple[int, int | None]],
    move: EtaMove,
    actor: Actor,
) -> list[Record]:
    """Move the ETAs of several lines (``(line id, version seen)`` each) at once, as when a
    vendor says a whole order slips three weeks: every move goes to the ETA history with the
    user, in the caller's transaction, so either every line moves or (one refused: closed,
    changed by someone else since it was read, a date before its order) none does. A line
    whose ETA would not change is left as it is."""
    moved = []
    for line_id, version in lines:
        line = _locked_line(session, line_id)
        new_eta = move.new_eta(line)
        if move.by_days is not None and new_eta is None:
            raise _refuse(line, "eta", None, "the line has no ETA or promised date to move from")
        if new_eta == line["eta"]:
            if version is not None and line["version"] != version:
                raise ConflictError("Order line", records.record_key("orders", line), theirs=line)
            continue
        moved.append(change_eta(session, line_id, new_eta, actor, expected_version=version))
    return moved


def cancel_line(
    session: Session,
    line_id: int,
    actor: Actor,
    *,
    expected_version: int | None = None,
    reason: str | None = None,
) -> Record:
    """Cancel what is still open on a line. Units already received stay received; a line
    received in full has nothing left to cancel. The reason is kept in the line's notes
    (``Cancelled on 2026-12-07 by maria: vendor discontinued the SKU``), so the line stays
    on record with why it was stopped."""
    line = _locked_line(session, line_id)
    if line["status"] == LineStatus.RECEIVED:
        raise _refuse(line, "status", line["status"], "every unit has arrived; nothing to cancel")
    changes: Record = {"status": LineStatus.CANCELLED}
    if reason and reason.strip():
        said = f"Cancelled on {dt.date.today().isoformat()} by {actor.user}: {reason.strip()}"
        notes = line.get("notes")
        changes["notes"] = f"{notes}\n{said}" if notes else said
    return records.update(
        session,
        "orders",
        line_id,
        changes,
        actor,
        expected_version=expected_version,
    )


def delete_drafts(session: Session, lines: list[tuple[int, int | None]], actor: Actor) -> None:
    """Delete draft lines (``(line id, version seen)`` each), all or none. A line that was
    placed is never deleted: it is cancelled, with a reason, and stays on record."""
    for line_id, version in lines:
        line = _locked_line(session, line_id)
        if line["status"] != LineStatus.DRAFT:
            raise _refuse(
                line,
                "status",
                line["status"],
                f"the line is {line['status'].replace('_', ' ')}: only drafts are deleted; "
                "cancel it instead (it stays on record, with the reason)",
            )
        records.delete(session, "orders", line_id, actor, expected_version=version)


def receive_in_full(
    session: Session,
    lines: list[tuple[int, int | None]],
    received_on: dt.date,
    actor: Actor,
) -> list[Record]:
    """A whole delivery: every unit still open on several lines (``(line id, version seen)``
    each) arrived on ``received_on``. In the caller's transaction, so every line is received
    or (one refused: nothing left to receive, changed by someone else, a day before its
    order) none is."""
    received = []
    for line_id, version in lines:
        line = _locked_line(session, line_id)
        remaining = units_open(line["quantity"], line["received_qty"], line["status"])
        if remaining == 0:
            status = line["status"].replace("_", " ")
            raise _refuse(line, "received_qty", line["received_qty"], f"the line is {status}")
        received.append(
            receive(session, line_id, remaining, received_on, actor, expected_version=version)
        )
    return received


def cancel_lines(
    session: Session,
    lines: list[tuple[int, int | None]],
    actor: Actor,
    reason: str | None = None,
) -> list[Record]:
    """Cancel several lines (``(line id, version seen)`` each) in the caller's transaction:
    all of them or, one refused, none; the reason kept in each line's notes."""
    return [
        cancel_line(session, line_id, actor, expected_version=version, reason=reason)
        for line_id, version in lines
    ]


# --- a new purchase order, typed or pasted as a whole ---------------------------------------

# What an order's header gives every line (its number and the purchase order's fields, but the
# payment schedule, which the grid leaves to the vendor's), and what each line has of its own,
# in the order the order-entry grid shows them.
HEADER_FIELDS = (
    "po_number",
    *(name for name in PURCHASE_ORDER_FIELDS if name != "payment_schedule"),
)
LINE_FIELDS = ("sku", *LINE_TERMS, "notes")


@dataclass(frozen=True)
class TypedOrder:
    """An order typed into the grid, its cells converted: the header, each line (numbered 1,
    2, … as given), and every cell that could not be read."""

    order: Record
    lines: list[Record]
    problems: list[Problem]


def read_typed_order(
    header: Record, lines: list[Record], *, dayfirst: bool = False, decimal_comma: bool = False
) -> TypedOrder:
    """The cells of the order-entry grid as values, by the import's own converters (dates by
    ``services.dates``: ``15/06/2027`` is day first whatever the locale)."""
    # The import's converters (imported here: the import's modules load only when needed).
    from services.importing.values import ReadOptions, ValueProblem, converter_for

    spec = kind("orders")
    options = ReadOptions(dayfirst=dayfirst, decimal_comma=decimal_comma)
    converters = {
        name: converter_for("orders", spec.field(name), name, options, dayfirst)
        for name in (*HEADER_FIELDS, *LINE_FIELDS)
    }
    for name in (*HEADER_FIELDS, *LINE_FIELDS):
        if spec.field(name).type == "date":
            # A typed date is read by the one rule for typed dates (15/06/2027: day first).
            converters[name] = partial(_typed_date, locale_day_first=dayfirst)
    problems: list[Problem] = []

    def converted(name: str, raw: Any, row: int | None) -> Any:
        if raw is None or raw == "":
            return None
        try:
            return converters[name](raw)
        except ValueProblem as problem:
            title = spec.field(name).title
            problems.append(Problem(name, raw, f"{title} {problem}", row, title))
            return None

    order = {name: converted(name, header.get(name), None) for name in HEADER_FIELDS}
    typed = [
        {name: converted(name, line.get(name), number) for name in LINE_FIELDS}
        for number, line in enumerate(lines, start=1)
    ]
    return TypedOrder(order, typed, problems)


def check_typed_order(
    header: Record,
    lines: list[Record],
    names: Any,
    *,
    dayfirst: bool = False,
    decimal_comma: bool = False,
) -> list[Problem]:
    """Every problem of an order being typed, at once and without the database: cells that
    cannot be read, each line's fields by ``validation.validate`` (the import's rule), and
    vendors, sites and SKUs not among ``names`` (``services.lists.ReferenceNames``). What
    the grid marks as you type; saving (``new_order``) checks the same and more."""
    from services.validation import validate

    spec = kind("orders")
    typed = read_typed_order(header, lines, dayfirst=dayfirst, decimal_comma=decimal_comma)
    problems = list(typed.problems)
    order = typed.order
    if not lines:
        problems.append(Problem("line", None, "an order needs at least one line"))
    vendor = order.get("vendor")
    known_vendor = None
    if isinstance(vendor, str) and vendor.strip():
        known_vendor = names.vendor_named(vendor)
        if known_vendor is None:
            problems.append(Problem("vendor", vendor, f"no vendor named {vendor!r}"))
    site = order.get("site")
    if isinstance(site, str) and site.strip():
        key = records.name_key(site)
        if not any(records.name_key(s) == key for s in names.sites):
            problems.append(Problem("site", site, f"no site named {site!r}"))
    skus = {records.name_key(s) for s in names.skus(known_vendor)} if known_vendor else None
    unreadable = {(p.row, p.field) for p in typed.problems}
    for number, line in enumerate(typed.lines, start=1):
        values = records.complete("orders", {**order, **line, "line": number})
        for problem in validate("orders", values):
            if problem.field in HEADER_FIELDS:
                if problem.row is None and not any(
                    p.field == problem.field and p.row is None for p in problems
                ):
                    problems.append(problem)
                continue
            if (number, problem.field) in unreadable:
                continue
            problems.append(_on_line(problem, number, spec))
        sku = line.get("sku")
        if skus is not None and isinstance(sku, str) and records.name_key(sku) not in skus:
            title = spec.field("sku").title
            problems.append(
                Problem("sku", sku, f"{known_vendor} sells no product {sku!r}", number, title)
            )
    return problems


def new_order(
    session: Session,
    header: Record,
    lines: list[Record],
    actor: Actor,
    *,
    dayfirst: bool = False,
    decimal_comma: bool = False,
) -> list[Record]:
    """A new purchase order with its lines, as typed or pasted into the order-entry grid:
    cells may be text (``3,950,000.00``, ``20/04/2027``, ``$12.50``), converted by the
    import's own converters, or values already. The lines are numbered 1, 2, … in the order
    given. Every problem of every line is reported at once (``row`` = the line), unknown
    SKUs included, and nothing is written unless every line can be. An existing PO number
    adds the lines to that order, numbered after its last, on its own terms (a header that
    disagrees is refused)."""
    from services.lists import reference_names

    spec = kind("orders")
    typed = read_typed_order(header, lines, dayfirst=dayfirst, decimal_comma=decimal_comma)
    order = typed.order
    po = order["po_number"]
    subject = f"Purchase order {po}" if po else "The purchase order"
    first_line = 1
    existing = find_order(session, po) if po else None
    problems: list[Problem] = []
    if existing is not None:
        # Lines added to an order that exists: numbered after its last, its terms kept.
        subject = f"Purchase order {po} (lines added)"
        first_line = max((line["line"] for line in existing.lines), default=0) + 1
        problems.extend(_disagreements(session, existing, order, spec))
        header = {**header, **{name: getattr(existing, name) for name in HEADER_FIELDS}}
        order = {**order, **{name: getattr(existing, name) for name in HEADER_FIELDS}}
        order["payment_schedule"] = existing.payment_schedule
    # Everything the grid can tell at once, before a single line is written.
    problems.extend(
        check_typed_order(
            header,
            lines,
            reference_names(session),
            dayfirst=dayfirst,
            decimal_comma=decimal_comma,
        )
    )
    if problems:
        raise ValidationError(problems, subject=subject)
    saved: list[Record] = []
    for number, line in enumerate(typed.lines, start=1):
        values = {**order, **line, "line": first_line + number - 1}
        try:
            saved.append(records.create(session, "orders", values, actor))
        except ValidationError as refused:
            problems.extend(_on_line(p, number, spec) for p in refused.problems)
    if problems:
        # Raised in the caller's transaction: the lines already added go with it.
        raise ValidationError(problems, subject=subject)
    return saved


def _typed_date(raw: Any, *, locale_day_first: bool) -> dt.date | None:
    """A grid cell as a date: a date already, or text read by ``services.dates``."""
    from services.dates import read_date
    from services.importing.values import ValueProblem

    if isinstance(raw, dt.date) or not isinstance(raw, str):
        from services.importing.values import to_date

        return to_date(raw)
    reading = read_date(raw, locale_day_first=locale_day_first)
    if reading.problem is not None:
        raise ValueProblem(reading.problem.removeprefix(reading.text).strip())
    return reading.value


def find_order(session: Session, po_number: str) -> OrderView | None:
    """Purchase order ``po_number`` with its lines, or None when there is none."""
    try:
        return purchase_order(session, po_number.strip())
    except NotFoundError:
        return None


def _disagreements(
    session: Session, existing: OrderView, order: Record, spec: Kind
) -> list[Problem]:
    """Header values given for an existing order that differ from its own (blank ones take
    the order's; a vendor may be named by an alias): a new line cannot move the order to
    another vendor, site, date or currency; that is an edit of the order itself."""
    found = []
    for name in ("vendor", "site", "order_date", "currency"):
        given, own = order.get(name), getattr(existing, name)
        if given is None or given == "":
            continue
        if name == "vendor":
            vendor = records.find_vendor(session, str(given))
            same = vendor is not None and vendor.name == own
        elif isinstance(given, str) and isinstance(own, str):
            same = records.name_key(given) == records.name_key(own)
        else:
            same = given == own
        if not same:
            title = spec.field(name).title
            found.append(
                Problem(
                    name,
                    given,
                    f"{existing.po_number} already exists with {title.lower()} {own}; lines "
                    "added to it take the order's own (edit the order to change it)",
                )
            )
    return found


def _on_line(problem: Problem, number: int, spec: Kind) -> Problem:
    """A line's problem placed on its row of the grid (the order's own fields stay unplaced)."""
    if problem.field in HEADER_FIELDS:
        return problem
    title = spec.field(problem.field).title if problem.field in spec.field_names else None
    return Problem(problem.field, problem.value, problem.reason, number, title)
