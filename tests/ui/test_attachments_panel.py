"""The Files tab under the lists: adding (file dialog or drop), opening in the viewer from a
temporary copy, saving a copy, removing; the count in the list and on the tab; the imported
file opened from a record's history; the letterhead in Settings; sending and printing an
order from the Orders screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtPrintSupport import QPrinter

from services import attachments, importing, records
from tests.ui.helpers import answer_yes
from ui.dialogs.settings_dialog import SettingsDialog
from ui.screens.imports_screen import ImportsScreen
from ui.screens.list_screen import ListScreen
from ui.screens.orders_screen import OrdersScreen

pytestmark = pytest.mark.gui
LOGO = Path(__file__).resolve().parents[2] / "resources" / "demo_logo.png"


def _screen(qtbot, context, kind: str) -> ListScreen:
    screen = OrdersScreen(context) if kind == "orders" else ListScreen(kind, context)
    qtbot.addWidget(screen)
    screen.show()
    screen.refresh()
    return screen


def _select(screen: ListScreen, column: str, value: str) -> None:
    for row in range(screen.model.rowCount()):
        if screen.model.record(row)[column] == value:
            screen.view.selectRow(row)
            screen.view.setCurrentIndex(screen.model.index(row, 0))
            screen.load_details()
            return
    raise AssertionError(value)


def _files_tab(screen: ListScreen):
    screen.details.setCurrentIndex(screen.files_tab_index)
    return screen.attachments_panel


def test_files_are_added_opened_saved_and_removed(qtbot, context, tmp_path, monkeypatch) -> None:
    screen = _screen(qtbot, context, "vendors")
    _select(screen, "name", "Dell Technologies")
    panel = _files_tab(screen)
    scan = tmp_path / "Dell quote Q-88.pdf"
    scan.write_bytes(bytes(range(256)) * 80_000)  # 20 MB
    panel.add_files([str(scan)])
    attached = "Attached Dell quote Q-88.pdf (19.5 MB) to Vendor Dell Technologies"
    assert panel.last_message == attached
    assert [f.file_name for f in panel.files] == ["Dell quote Q-88.pdf"]
    assert panel.model.rowCount() == 1
    # The list counts it, and so does the tab.
    _select(screen, "name", "Dell Technologies")
    assert screen.selected_record()["attachments"] == 1
    assert screen.details.tabText(screen.files_tab_index) == "Files (1)"
    opened: list[QUrl] = []
    panel.open_url = opened.append
    panel.select_row(0)
    panel.open_selected()
    (url,) = opened
    copy = Path(url.toLocalFile())
    assert copy.name == "Dell quote Q-88.pdf" and copy.read_bytes() == scan.read_bytes()
    saved = tmp_path / "copy.pdf"
    panel.save_selected(str(saved))
    assert saved.read_bytes() == scan.read_bytes()
    asked = answer_yes(monkeypatch)
    panel.remove_selected()
    assert "Remove Dell quote Q-88.pdf from Vendor Dell Technologies?" in asked[0]
    assert panel.files == [] and panel.model.rowCount() == 0
    with context.db.session() as session:
        ref = attachments.resolve(session, "vendors", "Dell")
        assert attachments.attachments_of(session, ref) == []


def test_a_file_dropped_on_the_tab_is_attached_and_a_bad_one_refused(
    qtbot, context, tmp_path, monkeypatch
) -> None:
    screen = _screen(qtbot, context, "contracts")
    first = screen.model.record(0)
    _select(screen, "contract_ref", first["contract_ref"])
    panel = _files_tab(screen)
    signed = tmp_path / "signed.pdf"
    signed.write_bytes(b"%PDF-1.7 signed contract")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(signed))])
    drop = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    panel.dropEvent(drop)
    assert [f.file_name for f in panel.files] == ["signed.pdf"]
    shown: list[str] = []
    monkeypatch.setattr(
        "ui.attachments_panel.show_error", lambda _parent, exc, _title="": shown.append(str(exc))
    )
    panel.add_files([str(tmp_path / "gone.pdf")])
    assert len(shown) == 1 and "cannot be read" in shown[0]
    assert [f.file_name for f in panel.files] == ["signed.pdf"]


def test_the_file_of_an_import_opens_from_the_history(qtbot, context, tmp_path) -> None:
    sheet = tmp_path / "dell_ack.csv"
    sheet.write_text("name,country\nDell Technologies,IE\n", encoding="utf-8")
    with context.db.write() as session:
        request = importing.ImportRequest(kind="vendors")
        report = importing.import_file(session, sheet, request, "anna")
    assert report.ok and report.sheets[0].plan.counts["update"] == 1
    screen = _screen(qtbot, context, "vendors")
    _select(screen, "name", "Dell Technologies")
    # The vendor was created by the demo's own import; this file's batch is the newest.
    entry = max(
        (h for h in screen.history_rows if h.import_batch_id is not None),
        key=lambda h: h.import_batch_id,
    )
    opened: list[QUrl] = []
    screen.attachments_panel.open_url = opened.append
    screen.open_imported_file(entry)
    (url,) = opened
    assert Path(url.toLocalFile()).read_bytes() == sheet.read_bytes()
    imports = ImportsScreen(context)
    qtbot.addWidget(imports)
    imports.refresh()
    imports.open_url = opened.append
    assert imports.selected_batch().id == entry.import_batch_id and imports.open_button.isEnabled()
    imports.open_selected_file()
    assert Path(opened[-1].toLocalFile()).read_bytes() == sheet.read_bytes()


def test_settings_take_the_letterhead_and_refuse_a_logo_that_is_not_an_image(
    qtbot, context, tmp_path
) -> None:
    dialog = SettingsDialog(context)
    qtbot.addWidget(dialog)
    assert dialog.editors["company_name"].text() == "Ridgeline Compute Inc."
    assert "Pittsburgh" in dialog.text_editors["company_address"].toPlainText()
    assert dialog.logo is not None
    fake = tmp_path / "logo.png"
    fake.write_text("<svg/>")
    assert not dialog.choose_logo(str(fake))
    assert "logo.png is not a PNG or JPEG image" in dialog.logo_problem.text()
    assert dialog.logo.data == LOGO.read_bytes()  # unchanged
    dialog.editors["company_name"].setText("Ridgeline Compute LLC")
    dialog.text_editors["company_address"].setPlainText("1 Main Street\nHugo, OK")
    dialog.accept()
    with context.db.session() as session:
        from services import settings

        values = settings.get_all(session)
    assert values["company_name"] == "Ridgeline Compute LLC"
    assert values["company_address"] == "1 Main Street\nHugo, OK"
    assert values["company_logo"].data == LOGO.read_bytes()


def test_a_changed_order_is_sent_as_revision_2_and_kept_with_the_order(
    qtbot, context, tmp_path
) -> None:
    screen = _screen(qtbot, context, "orders")
    _select(screen, "po_number", "PC-2026-002")
    first = tmp_path / "first.pdf"
    screen.send_order(str(first))
    assert "(revision 1)" in screen.last_message
    with context.db.write() as session:
        line = records.find_record(session, "orders", {"po_number": "PC-2026-002", "line": 1})
        records.update(session, "orders", line["id"], {"quantity": 14}, context.actor())
    second = tmp_path / "second.pdf"
    screen.send_order(str(second))
    assert "(revision 2, 1 change)" in screen.last_message
    with context.db.session() as session:
        ref = attachments.resolve(session, "orders", "PC-2026-002")
        kept = attachments.attachments_of(session, ref)
        assert [k.file_name for k in kept] == [
            "purchase-order-PC-2026-002.pdf",
            "purchase-order-PC-2026-002-rev2.pdf",
        ]
        assert attachments.content(session, kept[1].id) == second.read_bytes()
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printed = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(printed))
    screen.print_order(printer)
    assert screen.last_message == "Printed purchase order PC-2026-002 (revision 2, 1 page)"
    del printer
    assert printed.read_bytes().startswith(b"%PDF-")
