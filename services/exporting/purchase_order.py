"""One purchase order as the document its vendor acts on: the buyer's letterhead (company
settings), the PO number and dates, the vendor's and the ship-to addresses, payment terms and
schedule, Incoterms, the lines with their totals, the buyer's name and a signature line.

Nothing internal goes on it: no line status, no received quantities, no user ids. A cancelled
line is left off (once a revision has been sent, the next one says it was cancelled).

The content is built here as plain data (:class:`PurchaseOrderDocument`) and as HTML for a
text document (:func:`document_html`); the window and the command line render the HTML to PDF
or a printer with Qt (``ui/printing.py``), and :func:`write_workbook` writes the same
document as a workbook. Services import no Qt.

Each document produced is a **revision** of the order as sent (``purchase_order_revision``,
with a snapshot of what it said): the first is revision 1; producing it again unchanged is
the same revision; after a change of a line's quantity, price or date (a line added or
cancelled, another ship-to, currency, terms or Incoterms) the next document is revision 2
and lists what changed since revision 1.

``export po PO_NUMBER OUT.pdf|OUT.xlsx`` on the command line; "Send…" and "Print…" on the
Orders screen.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain.statuses import LineStatus
from models import PurchaseOrder, PurchaseOrderRevision
from models.base import utcnow
from services import audit, orders, settings
from services.errors import RackbookError, UsageError
from services.exporting.cells import Column, SheetWriter, WorkbookWriter, sheet_name
from services.settings import Logo

CENT = Decimal("0.01")


class DocumentIncomplete(RackbookError):
    """The purchase order lacks what a vendor needs to act on it; nothing was produced."""

    def __init__(self, po_number: str, missing: Sequence[str]) -> None:
        self.missing = list(missing)
        listed = "; ".join(self.missing)
        super().__init__(
            f"purchase order {po_number} was not produced: it needs {listed}. "
            "Fill them in and produce it again."
        )


@dataclass(frozen=True)
class Party:
    """A company on the document: its name, address lines, contact and tax id."""

    name: str
    address: tuple[str, ...] = ()
    contact: str = ""
    tax_id: str = ""


@dataclass(frozen=True)
class DocumentLine:
    line: int
    sku: str
    description: str
    quantity: int
    unit_price: Decimal | None
    requested_date: dt.date | None

    @property
    def amount(self) -> Decimal | None:
        return None if self.unit_price is None else self.quantity * self.unit_price

    def snapshot(self) -> dict[str, Any]:
        price, day = self.unit_price, self.requested_date
        return {
            "line": self.line,
            "sku": self.sku,
            "description": self.description,
            "quantity": self.quantity,
            "unit_price": None if price is None else audit.plain_decimal(price),
            "requested_date": None if day is None else day.isoformat(),
        }


@dataclass(frozen=True)
class PurchaseOrderDocument:
    po_number: str
    order_date: dt.date
    issued_on: dt.date
    revision: int
    # What changed since the revision before (empty for revision 1 and for a re-print).
    changes: tuple[str, ...]
    # The revision before, when there is one: (number, day it was sent).
    previous: tuple[int, dt.date] | None
    buyer_company: Party
    logo: Logo | None
    vendor: Party
    ship_to: Party
    currency: str
    payment_terms: str
    # The order's or its vendor's milestones (``30% order; 70% received+30``); None: none
    # written, the payment terms alone apply.
    payment_schedule: str | None
    incoterms: str
    lines: tuple[DocumentLine, ...]
    buyer_name: str
    notes: str = ""
    # Whether producing this document records a new revision (False: same as last sent).
    new_revision: bool = True
    snapshot: dict[str, Any] = field(default_factory=dict)

    @property
    def totals(self) -> dict[str, Decimal]:
        """The order's value per currency (a purchase order has one)."""
        total = sum((line.amount or Decimal(0) for line in self.lines), Decimal(0))
        return {self.currency: total}

    @property
    def unpriced(self) -> list[int]:
        return [line.line for line in self.lines if line.unit_price is None]

    @property
    def title(self) -> str:
        return f"Purchase order {self.po_number}" + (
            f", revision {self.revision}" if self.revision > 1 else ""
        )


def default_file_name(po_number: str, suffix: str = ".xlsx", revision: int | None = None) -> str:
    """``purchase-order-PO-2026-001.xlsx`` (``-rev2`` for a later revision), whatever the
    number holds that a file name cannot."""
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in po_number).strip(".")
    rev = f"-rev{revision}" if revision and revision > 1 else ""
    return f"purchase-order-{safe or 'order'}{rev}{suffix}"


def _lines(text: str | None) -> tuple[str, ...]:
    return tuple(line.strip() for line in (text or "").splitlines() if line.strip())


def payment_schedule_of(order: Any, vendor: Any) -> str | None:
    """The payment schedule a purchase order names, else its vendor's (the money work adds
    ``payment_schedule`` to orders and vendors; until a database has it, None)."""
    for row in (order, vendor):
        text = getattr(row, "payment_schedule", None)
        if isinstance(text, str) and text.strip():
            return text.strip()
    return None


def build_document(
    session: Session,
    po_number: str,
    *,
    buyer_name: str,
    today: dt.date | None = None,
) -> PurchaseOrderDocument:
    """The document for purchase order ``po_number``, with the revision it would be. Refused
    (DocumentIncomplete, listing everything missing) without the buyer's company name and
    address, the vendor's address or the site's ship-to address. Nothing is written."""
    view = orders.purchase_order(session, po_number.strip())
    order = session.get(PurchaseOrder, view.id)
    assert order is not None
    values = settings.get_all(session)
    vendor, site = order.vendor, order.site
    lines = tuple(
        DocumentLine(
            line["line"],
            line["sku"],
            line.get("description") or "",
            line["quantity"],
            line.get("unit_price"),
            line.get("requested_date"),
        )
        for line in view.lines
        if line["status"] != LineStatus.CANCELLED
    )
    missing = _missing(values, vendor, site, lines)
    if missing:
        raise DocumentIncomplete(view.po_number, missing)
    company = Party(
        str(values["company_name"]).strip(),
        _lines(values["company_address"]),
        str(values["company_contact"]).strip(),
        str(values["company_tax_id"]).strip(),
    )
    schedule = payment_schedule_of(order, vendor)
    snapshot = {
        "lines": [line.snapshot() for line in lines],
        "header": {
            "ship_to": f"{site.name}\n" + "\n".join(_lines(site.ship_to_address)),
            "currency": view.currency,
            "payment_terms": vendor.payment_terms or "",
            "payment_schedule": schedule or "",
            "incoterms": vendor.incoterms or "",
        },
    }
    revision, new, issued, previous, changes = _revision(
        session, order.id, snapshot, view, today or dt.date.today()
    )
    return PurchaseOrderDocument(
        po_number=view.po_number,
        order_date=view.order_date,
        issued_on=issued,
        revision=revision,
        changes=changes,
        previous=previous,
        buyer_company=company,
        logo=values["company_logo"],
        vendor=Party(vendor.name, _lines(vendor.address), (vendor.contact or "").strip()),
        ship_to=Party(site.name, _lines(site.ship_to_address)),
        currency=view.currency,
        payment_terms=(vendor.payment_terms or "").strip(),
        payment_schedule=schedule,
        incoterms=(vendor.incoterms or "").strip(),
        lines=lines,
        buyer_name=buyer_name.strip(),
        notes=(order.notes or "").strip(),
        new_revision=new,
        snapshot=snapshot,
    )


def _missing(
    values: dict[str, Any], vendor: Any, site: Any, lines: Sequence[DocumentLine]
) -> list[str]:
    """What a purchase order still lacks before it can be sent."""
    missing: list[str] = []
    if not str(values["company_name"]).strip():
        missing.append("your company's name (Settings → Company, or settings company_name)")
    if not _lines(values["company_address"]):
        missing.append("your company's address (Settings → Company, or settings company_address)")
    if not _lines(vendor.address):
        missing.append(f"the address of vendor {vendor.name} (its Address field)")
    if not _lines(site.ship_to_address):
        missing.append(f"the ship-to address of site {site.name} (its Ship-to address field)")
    if not lines:
        missing.append("at least one line that is not cancelled")
    return missing


def _sent(session: Session, order_id: int, revision: int | None = None) -> Any:
    """The revision sent (the last one when ``revision`` is None), or None."""
    query = select(
        PurchaseOrderRevision.revision,
        PurchaseOrderRevision.sent_at,
        PurchaseOrderRevision.snapshot_json,
    ).where(PurchaseOrderRevision.order_id == order_id)
    if revision is None:
        query = query.order_by(PurchaseOrderRevision.revision.desc()).limit(1)
    else:
        query = query.where(PurchaseOrderRevision.revision == revision)
    return session.execute(query).first()


def _revision(
    session: Session, order_id: int, snapshot: dict[str, Any], view: Any, day: dt.date
) -> tuple[int, bool, dt.date, tuple[int, dt.date] | None, tuple[str, ...]]:
    """The revision the document would be: (number, whether new, day issued, the revision
    before and the day it was sent, what changed since)."""
    last = _sent(session, order_id)
    if last is None:
        return 1, True, day, None, ()
    before = json.loads(last.snapshot_json)
    changes = tuple(describe_changes(before, snapshot, view.currency, view.lines))
    if changes:
        return last.revision + 1, True, day, (last.revision, last.sent_at.date()), changes
    # Unchanged since it was last sent: the same revision, with what it said then.
    earlier = _sent(session, order_id, last.revision - 1)
    previous: tuple[int, dt.date] | None = None
    if earlier is not None:
        previous = (earlier.revision, earlier.sent_at.date())
        changes = tuple(
            describe_changes(json.loads(earlier.snapshot_json), before, view.currency, view.lines)
        )
    return last.revision, False, last.sent_at.date(), previous, changes


def describe_changes(
    before: dict[str, Any],
    after: dict[str, Any],
    currency: str,
    current_lines: Sequence[dict[str, Any]] = (),
) -> list[str]:
    """What changed between two snapshots of a purchase order, as the vendor reads it:
    ``Line 2: quantity 4 → 6; unit price USD 3,950,000.00 → USD 3,900,000.00``."""
    changes: list[str] = []
    titles = {
        "ship_to": "Ship to",
        "currency": "Currency",
        "payment_terms": "Payment terms",
        "payment_schedule": "Payment schedule",
        "incoterms": "Incoterms",
    }
    old_header, new_header = before.get("header", {}), after.get("header", {})
    for name, title in titles.items():
        old, new = old_header.get(name, ""), new_header.get(name, "")
        if old != new:
            changes.append(f"{title}: {_one_line(old) or 'none'} → {_one_line(new) or 'none'}")
    old_lines = {line["line"]: line for line in before.get("lines", [])}
    new_lines = {line["line"]: line for line in after.get("lines", [])}
    cancelled = {
        line["line"] for line in current_lines if line.get("status") == LineStatus.CANCELLED
    }
    for number in sorted(old_lines.keys() | new_lines.keys()):
        old_line, new_line = old_lines.get(number), new_lines.get(number)
        if old_line is None and new_line is not None:
            changes.append(f"Line {number} added: {new_line['quantity']} × {new_line['sku']}")
        elif new_line is None and old_line is not None:
            what = "cancelled" if number in cancelled else "removed"
            changes.append(f"Line {number} {what} (was {old_line['quantity']} × {old_line['sku']})")
        elif old_line is not None and new_line is not None:
            parts = []
            for name, title in (
                ("sku", "SKU"),
                ("description", "description"),
                ("quantity", "quantity"),
                ("unit_price", "unit price"),
                ("requested_date", "requested delivery"),
            ):
                old, new = old_line.get(name), new_line.get(name)
                if old != new:
                    parts.append(
                        f"{title} {_shown(name, old, currency)} → {_shown(name, new, currency)}"
                    )
            if parts:
                changes.append(f"Line {number}: " + "; ".join(parts))
    return changes


def _one_line(text: str) -> str:
    return ", ".join(part for part in str(text).splitlines() if part.strip())


def _shown(name: str, value: Any, currency: str) -> str:
    if value is None or value == "":
        return "none"
    if name == "unit_price":
        return money_text(Decimal(value), currency)
    if name == "requested_date":
        return date_text(dt.date.fromisoformat(value))
    if name == "quantity":
        return f"{int(value):,}"
    return str(value)


def record_sent(session: Session, document: PurchaseOrderDocument, user: str) -> None:
    """Keep ``document`` as sent (a new revision, with its snapshot), unless it is the
    revision last sent."""
    if not document.new_revision:
        return
    order_id = session.scalar(
        select(PurchaseOrder.id).where(PurchaseOrder.po_number == document.po_number)
    )
    last = session.scalar(
        select(func.max(PurchaseOrderRevision.revision)).where(
            PurchaseOrderRevision.order_id == order_id
        )
    )
    if (last or 0) + 1 != document.revision:
        raise RackbookError(
            f"purchase order {document.po_number} was sent by someone else meanwhile "
            f"(revision {last}); produce it again"
        )
    session.add(
        PurchaseOrderRevision(
            order_id=order_id,
            revision=document.revision,
            sent_at=utcnow(),
            sent_by=user,
            snapshot_json=json.dumps(document.snapshot, sort_keys=True),
        )
    )
    session.flush()


def issue(
    session: Session,
    po_number: str,
    *,
    buyer_name: str,
    user: str,
    today: dt.date | None = None,
) -> PurchaseOrderDocument:
    """:func:`build_document`, recorded as sent (in the caller's write transaction: render it
    before committing, so a failed rendering keeps no revision)."""
    document = build_document(session, po_number, buyer_name=buyer_name, today=today)
    record_sent(session, document, user)
    return document


# --- words and numbers as the vendor reads them ------------------------------------------------


def amount_text(amount: Decimal) -> str:
    """``3,950,000.00``; more places only when the price has them (``0.0125``)."""
    places = max(2, -amount.normalize().as_tuple().exponent)  # type: ignore[operator]
    return f"{amount:,.{min(places, 4)}f}"


def money_text(amount: Decimal, currency: str) -> str:
    """``USD 3,950,000.00``."""
    return f"{currency} {amount_text(amount)}"


def date_text(day: dt.date | None) -> str:
    """``3 Feb 2027``: no day-or-month-first doubt for a vendor abroad."""
    return "" if day is None else f"{day.day} {day:%b %Y}"


# --- HTML for the printed document --------------------------------------------------------------

LOGO_URL = "rackbook-logo"
ACCENT = "#1f3a5f"


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _block(lines: Sequence[str]) -> str:
    return "<br/>".join(_esc(line) for line in lines if line)


def document_html(document: PurchaseOrderDocument) -> str:
    """The document as HTML of the subset Qt's text documents lay out (tables, fonts,
    colours; no CSS layout). The logo, when there is one, is the image ``rackbook-logo``
    that the renderer supplies from ``document.logo``."""
    return "".join(
        [
            *_html_heading(document),
            *_html_parties(document),
            *_html_terms(document),
            *_html_lines(document),
            *_html_closing(document),
            "</body></html>",
        ]
    )


def _html_heading(document: PurchaseOrderDocument) -> list[str]:
    """The buyer's company, its logo and the order's number, dates and revision."""
    d = document
    company = d.buyer_company
    logo = f'<img src="{LOGO_URL}" height="56"/>' if d.logo is not None else ""
    company_lines = [*company.address]
    if company.tax_id:
        company_lines.append(f"VAT / tax id: {company.tax_id}")
    if company.contact:
        company_lines.append(company.contact)
    revision = f"Revision {d.revision}" if d.revision > 1 else "Original"
    facts = [
        ("PO number", d.po_number),
        ("Order date", date_text(d.order_date)),
        ("Issued", date_text(d.issued_on)),
        ("Revision", revision),
    ]
    facts_html = "".join(
        f'<tr><td align="right" style="color:#555555;">{_esc(k)}&nbsp;&nbsp;</td>'
        f"<td><b>{_esc(v)}</b></td></tr>"
        for k, v in facts
    )
    return [
        "<html><body style=\"font-family: 'DejaVu Sans', Arial, sans-serif; font-size: 9pt;\">",
        '<table width="100%" cellspacing="0" cellpadding="0"><tr>',
        f'<td width="12%" valign="top">{logo}</td>' if logo else "",
        f'<td valign="top"><span style="font-size:15pt; font-weight:bold; color:{ACCENT};">'
        f"{_esc(company.name)}</span><br/>{_block(company_lines)}</td>",
        '<td valign="top" align="right">'
        f'<span style="font-size:17pt; font-weight:bold; color:{ACCENT};">PURCHASE ORDER</span>'
        f'<table cellspacing="0" cellpadding="1" align="right">{facts_html}</table></td>',
        "</tr></table>",
        f'<hr style="color:{ACCENT};"/>',
    ]


def _html_parties(document: PurchaseOrderDocument) -> list[str]:
    """The vendor and where to ship."""
    d = document
    company = d.buyer_company
    vendor_lines = [*d.vendor.address]
    if d.vendor.contact:
        vendor_lines.append(f"Attn: {d.vendor.contact}")
    ship_lines = [f"{company.name}, {d.ship_to.name} site", *d.ship_to.address]
    return [
        '<table width="100%" cellspacing="0" cellpadding="6"><tr>',
        '<td width="50%" valign="top" style="background-color:#f2f5f9;">'
        f'<span style="color:{ACCENT}; font-weight:bold;">VENDOR</span><br/>'
        f"<b>{_esc(d.vendor.name)}</b><br/>{_block(vendor_lines)}</td>",
        '<td width="50%" valign="top" style="background-color:#f2f5f9;">'
        f'<span style="color:{ACCENT}; font-weight:bold;">SHIP TO</span><br/>'
        f"{_block(ship_lines)}</td>",
        "</tr></table><br/>",
    ]


def _html_terms(document: PurchaseOrderDocument) -> list[str]:
    """Payment terms and schedule, incoterms, currency; a revision's changes."""
    d = document
    parts: list[str] = []
    schedule = d.payment_schedule or "as the payment terms say"
    terms = [
        ("Payment terms", d.payment_terms or "as agreed"),
        ("Payment schedule", schedule),
        ("Incoterms 2020", d.incoterms or "as agreed"),
        ("Currency", d.currency),
    ]
    parts.append(
        '<table width="100%" cellspacing="0" cellpadding="4" border="1" '
        'style="border-color:#c8d0da; border-style:solid;"><tr>'
        + "".join(
            f'<td width="25%" valign="top"><span style="color:#555555; font-size:8pt;">'
            f"{_esc(k)}</span><br/>{_esc(v)}</td>"
            for k, v in terms
        )
        + "</tr></table><br/>"
    )
    if d.revision > 1 and d.previous is not None:
        listed = "".join(f"<li>{_esc(change)}</li>" for change in d.changes)
        parts.append(
            '<table width="100%" cellspacing="0" cellpadding="6"><tr>'
            '<td style="background-color:#fff4e0;">'
            f"<b>Revision {d.revision}</b> replaces revision {d.previous[0]} sent "
            f"{_esc(date_text(d.previous[1]))}. Changes:<ul>{listed}</ul></td>"
            "</tr></table><br/>"
        )
    return parts


def _html_lines(document: PurchaseOrderDocument) -> list[str]:
    """The lines and the totals."""
    d = document
    cur = _esc(d.currency)
    head = (
        f'<thead><tr style="background-color:{ACCENT}; color:#ffffff;">'
        '<th align="left" width="6%">Line</th><th align="left" width="13%">SKU</th>'
        '<th align="left" width="26%">Description</th>'
        '<th align="right" width="8%">Qty</th>'
        f'<th align="right" width="15%">Unit price ({cur})</th>'
        '<th align="left" width="14%">Requested delivery</th>'
        f'<th align="right" width="18%">Amount ({cur})</th></tr></thead>'
    )
    rows = []
    for i, line in enumerate(d.lines):
        shade = ' style="background-color:#f7f9fb;"' if i % 2 else ""
        price = "as quoted" if line.unit_price is None else amount_text(line.unit_price)
        amount = "" if line.amount is None else amount_text(line.amount)
        rows.append(
            f"<tr{shade}><td>{line.line}</td><td>{_esc(line.sku)}</td>"
            f'<td>{_esc(line.description)}</td><td align="right">{line.quantity:,}</td>'
            f'<td align="right">{_esc(price)}</td>'
            f"<td>{_esc(date_text(line.requested_date))}</td>"
            f'<td align="right">{_esc(amount)}</td></tr>'
        )
    totals = "".join(
        f'<tr><td colspan="6" align="right" style="border-top: 1px solid {ACCENT};">'
        f"<b>Total {_esc(currency)}</b></td>"
        f'<td align="right" style="border-top: 1px solid {ACCENT};">'
        f"<b>{_esc(amount_text(amount))}</b></td></tr>"
        for currency, amount in d.totals.items()
    )
    return [
        '<table width="100%" cellspacing="0" cellpadding="4" border="0">'
        f"{head}<tbody>{''.join(rows)}{totals}</tbody></table>"
    ]


def _html_closing(document: PurchaseOrderDocument) -> list[str]:
    """What is priced as quoted, notes, the request to confirm, the signature."""
    d = document
    company = d.buyer_company
    parts: list[str] = []
    if d.unpriced:
        numbers = ", ".join(str(n) for n in d.unpriced)
        parts.append(
            f"<p>Lines {numbers} are priced as quoted; the total counts the priced lines.</p>"
        )
    if d.notes:
        parts.append(f"<p><b>Notes</b><br/>{_block(_lines(d.notes))}</p>")
    contact = company.contact or company.name
    parts.append(
        "<p>Please confirm this order, with a delivery date for each line, within five "
        f"working days to {_esc(contact)}. Quote purchase order {_esc(d.po_number)} on every "
        "acknowledgement, delivery note and invoice.</p>"
    )
    parts.append(
        '<br/><table width="100%" cellspacing="0" cellpadding="2"><tr>'
        f'<td width="45%">Buyer: <b>{_esc(d.buyer_name)}</b><br/>for {_esc(company.name)}</td>'
        '<td width="35%"><br/><br/>______________________________<br/>Signature</td>'
        '<td width="20%"><br/><br/>______________<br/>Date</td></tr></table>'
    )
    return parts


def footer_text(document: PurchaseOrderDocument, page: int, pages: int) -> str:
    """The line at the foot of every page."""
    revision = f" · revision {document.revision}" if document.revision > 1 else ""
    return (
        f"{document.buyer_company.name} · purchase order {document.po_number}{revision}"
        f" · page {page} of {pages}"
    )


# --- producing the file --------------------------------------------------------------------------

# Renders a document to a PDF file (the presentation layer's, through Qt: ui/printing.py).
PdfRenderer = Callable[[PurchaseOrderDocument, Path], None]


def produce(
    session: Session,
    po_number: str,
    path: Path | str,
    *,
    user: str,
    buyer_name: str | None = None,
    render_pdf: PdfRenderer | None = None,
    today: dt.date | None = None,
) -> PurchaseOrderDocument:
    """Write purchase order ``po_number`` to ``path`` (``.pdf`` through ``render_pdf``, or
    ``.xlsx``) and record it as sent, in the caller's write transaction: should the file fail,
    the caller rolls back and no revision is kept. Nothing is written for an incomplete order
    (DocumentIncomplete)."""
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in (".pdf", ".xlsx"):
        raise UsageError(
            f"a purchase order is written as .pdf or .xlsx, not {target.name}: "
            "export po PO_NUMBER OUT.pdf"
        )
    if suffix == ".pdf" and render_pdf is None:
        raise UsageError("PDF documents are rendered by the window's printing module")
    if not target.parent.is_dir():
        raise RackbookError(f"cannot write {target}: the folder {target.parent} does not exist")
    document = issue(session, po_number, buyer_name=buyer_name or user, user=user, today=today)
    if suffix == ".pdf":
        assert render_pdf is not None
        render_pdf(document, target)
    else:
        with WorkbookWriter(target) as book:
            write_workbook(document, book)
            book.commit()
    return document


# --- the same document as a workbook -----------------------------------------------------------


def write_workbook(document: PurchaseOrderDocument, book: WorkbookWriter) -> None:
    d = document
    columns = [
        Column("Line", "int", min_width=6),
        Column("SKU", min_width=16),
        Column("Description", wrap=True, wrap_width=40),
        Column("Quantity", "int", total=True),
        Column("Unit price", "money", currency=d.currency),
        Column("Requested delivery", "date"),
        Column("Amount", "money", currency=d.currency, total=True),
    ]
    book.total_rows = len(d.lines)
    sheet = book.add_sheet(sheet_name(d.po_number), columns)
    _workbook_heading(sheet, d)
    sheet.skip()
    sheet.header()
    for item in d.lines:
        sheet.write_row(
            (
                item.line,
                item.sku,
                item.description,
                item.quantity,
                item.unit_price,
                item.requested_date,
                item.amount,
            )
        )
    for currency, amount in d.totals.items():
        sheet.totals(
            f"Total {currency}",
            values={3: sum(line.quantity for line in d.lines), 6: amount},
            currency=currency,
        )
    sheet.skip()
    if d.notes:
        sheet.title(f"Notes: {d.notes}", bold=False)
    sheet.title(
        f"Buyer: {d.buyer_name}, for {d.buyer_company.name}   Signature: ____________   "
        "Date: ________",
        bold=False,
    )
    sheet.no_filter()  # a document to read, not a list to filter


def _workbook_heading(sheet: SheetWriter, document: PurchaseOrderDocument) -> None:
    """The title lines over the workbook's lines: buyer, order, vendor, ship-to, terms and
    a revision's changes."""
    d = document
    sheet.title(d.buyer_company.name, size=14)
    for line in d.buyer_company.address:
        sheet.title(line, bold=False)
    if d.buyer_company.tax_id:
        sheet.title(f"VAT / tax id: {d.buyer_company.tax_id}", bold=False)
    if d.buyer_company.contact:
        sheet.title(d.buyer_company.contact, bold=False)
    sheet.skip()
    sheet.title(f"Purchase order {d.po_number}", size=13)
    revision = f"Revision {d.revision}" if d.revision > 1 else "Original"
    for text in (
        f"Order date: {date_text(d.order_date)}",
        f"Issued: {date_text(d.issued_on)} ({revision})",
    ):
        sheet.title(text, bold=False)
    sheet.skip()
    sheet.title("Vendor")
    for text in (d.vendor.name, *d.vendor.address):
        sheet.title(text, bold=False)
    if d.vendor.contact:
        sheet.title(f"Attn: {d.vendor.contact}", bold=False)
    sheet.skip()
    sheet.title("Ship to")
    for text in (f"{d.buyer_company.name}, {d.ship_to.name} site", *d.ship_to.address):
        sheet.title(text, bold=False)
    sheet.skip()
    for label, value in (
        ("Payment terms", d.payment_terms or "as agreed"),
        ("Payment schedule", d.payment_schedule or "as the payment terms say"),
        ("Incoterms 2020", d.incoterms or "as agreed"),
        ("Currency", d.currency),
    ):
        sheet.title(f"{label}: {value}", bold=False)
    if d.revision > 1 and d.previous is not None:
        sheet.skip()
        sheet.title(
            f"Revision {d.revision} replaces revision {d.previous[0]} sent "
            f"{date_text(d.previous[1])}. Changes:"
        )
        for change in d.changes:
            sheet.title(f"• {change}", bold=False)
