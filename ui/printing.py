"""Purchase order documents on paper and in PDF, through Qt's own printing: the document's
HTML (services.exporting.purchase_order) laid out by a QTextDocument, page by page, on a
QPdfWriter or a QPrinter, with a footer line on every page (company, PO number, revision,
"page 1 of 2"). No other PDF library.

The command line imports this module only to write a ``.pdf``; without a display it runs Qt
on its offscreen platform (a QGuiApplication is needed to lay out text).
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QMarginsF, QRectF, QSizeF, Qt, QUrl
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QFont,
    QGuiApplication,
    QImage,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextDocument,
)

from services.errors import RackbookError
from services.exporting.purchase_order import (
    LOGO_URL,
    PurchaseOrderDocument,
    document_html,
    footer_text,
)

# Points: A4 margins of a business letter, and room at the foot for the page line.
MARGIN_MM = 16.0
FOOTER_MM = 9.0
RESOLUTION = 300  # dots per inch of the PDF's own coordinates

_application: Any = None


def ensure_application() -> None:
    """A QGuiApplication for laying out text, when none runs yet (the command line): on the
    offscreen platform when there is no display."""
    global _application
    if QGuiApplication.instance() is not None:
        return
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")) and (
        sys.platform.startswith("linux")
    ):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    _application = QGuiApplication([sys.argv[0] if sys.argv else "rackbook"])


def text_document(document: PurchaseOrderDocument) -> QTextDocument:
    """The purchase order as a QTextDocument, its logo among its resources."""
    text = QTextDocument()
    text.setDocumentMargin(0)
    font = QFont("DejaVu Sans")
    font.setPointSizeF(9)
    text.setDefaultFont(font)
    if document.logo is not None:
        image = QImage.fromData(QByteArray(document.logo.data))
        if image.isNull():
            raise RackbookError(
                f"the company logo {document.logo.file_name} cannot be drawn; choose another "
                "in Settings (settings company_logo FILE); nothing was written"
            )
        text.addResource(QTextDocument.ResourceType.ImageResource, QUrl(LOGO_URL), image)
    text.setHtml(document_html(document))
    return text


def paint(document: PurchaseOrderDocument, device: QPagedPaintDevice) -> int:
    """Lay the document out on ``device``'s pages and paint them; the number of pages."""
    text = text_document(document)
    layout = text.documentLayout()
    layout.setPaintDevice(device)
    dots_per_mm = device.logicalDpiY() / 25.4
    page = device.pageLayout().paintRectPixels(device.logicalDpiX())
    width = float(page.width())
    footer = FOOTER_MM * dots_per_mm
    body = float(page.height()) - footer
    text.setPageSize(QSizeF(width, body))
    pages = text.pageCount()
    painter = QPainter()
    if not painter.begin(device):
        raise RackbookError("the document could not be started (printer or file unavailable)")
    try:
        footer_font = QFont("DejaVu Sans")
        footer_font.setPointSizeF(7.5)
        for number in range(pages):
            if number:
                device.newPage()
            painter.save()
            painter.translate(0, -number * body)
            context = QAbstractTextDocumentLayout.PaintContext()
            context.clip = QRectF(0, number * body, width, body)
            painter.setClipRect(context.clip)
            layout.draw(painter, context)
            painter.restore()
            painter.save()
            painter.setFont(footer_font)
            painter.setPen(Qt.GlobalColor.darkGray)
            painter.drawLine(0, int(body + footer * 0.25), int(width), int(body + footer * 0.25))
            painter.drawText(
                QRectF(0, body + footer * 0.3, width, footer * 0.7),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                footer_text(document, number + 1, pages),
            )
            painter.restore()
    finally:
        painter.end()
    return pages


def _page_layout() -> QPageLayout:
    return QPageLayout(
        QPageSize(QPageSize.PageSizeId.A4),
        QPageLayout.Orientation.Portrait,
        QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM),
        QPageLayout.Unit.Millimeter,
    )


def write_pdf(document: PurchaseOrderDocument, path: Path) -> int:
    """Write ``document`` as an A4 PDF to ``path`` (complete or not at all: written beside it
    and moved into place); the number of pages."""
    ensure_application()
    path = Path(path)
    partial = path.with_name(f".{path.name}.{os.getpid()}.part")
    writer = QPdfWriter(str(partial))
    writer.setResolution(RESOLUTION)
    writer.setPageLayout(_page_layout())
    writer.setTitle(document.title)
    writer.setCreator("Rackbook")
    try:
        pages = paint(document, writer)
        del writer  # closes the file
        _check_complete(partial, path)
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return pages


def _check_complete(partial: Path, path: Path) -> None:
    """Qt's PDF writer reports no write error: a full or failing disk leaves a cut file. A
    PDF ends with its ``%%EOF`` mark; without it the document is refused, not put in place."""
    from services.errors import RackbookError

    try:
        with partial.open("rb") as written:
            size = written.seek(0, os.SEEK_END)
            written.seek(max(0, size - 1024))
            tail = written.read()
    except OSError as exc:
        raise RackbookError(f"{path} could not be written ({exc.strerror or exc})") from None
    if b"%%EOF" not in tail:
        full = shutil.disk_usage(partial.parent).free < 1024 * 1024
        why = f"the disk holding {path.parent} is full" if full else "the file was cut short"
        raise RackbookError(f"{path} could not be written: {why}; no document was written")


def render_pdf(document: PurchaseOrderDocument, path: Path) -> None:
    """``write_pdf`` as services.exporting.purchase_order.produce calls it."""
    write_pdf(document, path)


def print_document(document: PurchaseOrderDocument, printer: Any) -> int:
    """Print ``document`` on ``printer`` (a QPrinter the print dialog set up)."""
    printer.setPageLayout(_page_layout())
    printer.setDocName(document.title)
    return paint(document, printer)
