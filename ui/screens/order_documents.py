"""The purchase order shown in the Orders screen as the document its vendor acts on: sent
to a PDF or a workbook, or printed; each kept as a revision (``services.exporting``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QFileDialog

from ui.widgets import show_error

if TYPE_CHECKING:
    from ui.screens.orders_screen import OrdersScreen


def send_order(screen: OrdersScreen, path: str | None = None) -> None:
    """The shown purchase order as the document its vendor acts on, to a PDF (or, named
    .xlsx, a workbook; ``path`` asked for if None). It is kept as a revision (a changed
    order sent again is revision 2, listing its changes) and a new revision's PDF is
    attached to the order, so what was sent stays with it."""
    if screen.order is None:
        return
    from services.exporting.purchase_order import default_file_name

    po_number = screen.order.po_number
    if path is None:
        folder = screen.context.settings.value("export/folder", "") or str(Path.home())
        path, chosen = QFileDialog.getSaveFileName(
            screen,
            f"Send purchase order {po_number}",
            str(Path(str(folder)) / default_file_name(po_number, ".pdf")),
            "PDF (*.pdf);;Excel (*.xlsx)",
        )
        if not path:
            return
        if not path.lower().endswith((".pdf", ".xlsx")):
            path += ".xlsx" if chosen.startswith("Excel") else ".pdf"
    elif not path.lower().endswith((".pdf", ".xlsx")):
        path += ".pdf"
    screen.context.settings.setValue("export/folder", str(Path(path).parent))
    target, buyer = Path(path), screen.context.user

    def work(session: Any, actor: Any) -> Any:
        from services import attachments
        from services.exporting.purchase_order import produce
        from ui.printing import render_pdf

        document = produce(
            session, po_number, target, user=actor.user, buyer_name=buyer, render_pdf=render_pdf
        )
        if document.new_revision and target.suffix.lower() == ".pdf":
            ref = attachments.resolve(session, "purchase_orders", po_number)
            read = attachments.read_file(target, attachments.limit_bytes(session))
            name = default_file_name(po_number, ".pdf", document.revision)
            kept = attachments.FileRead(name, read.data, read.sha256)
            attachments.attach(session, ref, kept, actor)
        return document

    def done(document: Any) -> None:
        revision = f"revision {document.revision}"
        if document.revision > 1 and document.new_revision:
            count = len(document.changes)
            revision += f", {count} change{'s' if count != 1 else ''}"
        elif not document.new_revision:
            revision += ", unchanged since it was sent"
        screen.say(f"Wrote purchase order {po_number} ({revision}) to {target}")
        screen.context.changed.emit("orders")

    screen.context.write(
        work, done, lambda exc: show_error(screen, exc, "Rackbook — Send"), owner=screen
    )


def print_order(screen: OrdersScreen, printer: Any = None) -> None:
    """The shown purchase order on a printer (chosen in the print dialog when ``printer``
    is None); kept as a revision like a sent one."""
    if screen.order is None:
        return
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    if printer is None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, screen)
        if dialog.exec() != QPrintDialog.DialogCode.Accepted:
            return
    po_number, buyer = screen.order.po_number, screen.context.user

    def work(session: Any, actor: Any) -> Any:
        from services.exporting.purchase_order import issue

        return issue(session, po_number, buyer_name=buyer, user=actor.user)

    def done(document: Any) -> None:
        from ui.printing import print_document

        try:
            pages = print_document(document, printer)
        except Exception as exc:  # a printer that refused: said, never a traceback
            show_error(screen, exc, "Rackbook — Print")
            return
        screen.say(
            f"Printed purchase order {po_number} (revision {document.revision}, "
            f"{pages} page{'s' if pages != 1 else ''})"
        )

    screen.context.write(
        work, done, lambda exc: show_error(screen, exc, "Rackbook — Print"), owner=screen
    )
