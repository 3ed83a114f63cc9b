"""Run by the fit tests (tests/ui/test_window_fit.py, test_fit_scaled.py) in a process of its
own, on an offscreen screen of a given size and scale (Qt's offscreen platform reads the size
from a configuration file, the scale from QT_SCALE_FACTOR): the main window on a demo database
with Rackbook's style sheet, every screen opened in turn, then the record dialog and the
order-entry grid; after each, the window's (or dialog's) frame and size, the screen's
available area and the texts shown cut (tests/ui/cut_texts.py), printed as one JSON object.
Qt's warnings are printed too, so the test can fail on them."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable


def main(database_path: str, folder: str) -> int:
    from PySide6.QtCore import QTimer, QtMsgType, qInstallMessageHandler
    from PySide6.QtWidgets import QApplication, QWidget

    warnings: list[str] = []

    def handler(kind: QtMsgType, _context: object, message: str) -> None:
        if kind != QtMsgType.QtDebugMsg and "propagateSizeHints" not in message:
            warnings.append(message)

    qInstallMessageHandler(handler)
    app = QApplication(sys.argv[:1])
    from tests.ui.child_window import open_window
    from tests.ui.cut_texts import cut_texts
    from ui.main_window import NAVIGATION
    from ui.resources import style_sheet

    app.setStyleSheet(style_sheet())
    window, database = open_window(database_path, folder)
    app.processEvents()
    area = window.screen().availableGeometry()
    shown = []

    def look(screen_id: str, widget: QWidget = window) -> None:
        for _ in range(3):
            app.processEvents()
        frame = widget.frameGeometry()
        shown.append(
            {
                "screen": screen_id,
                "frame": [frame.x(), frame.y(), frame.width(), frame.height()],
                "size": [widget.width(), widget.height()],
                "cut": cut_texts(widget),
                "dialog": widget is not window,
            }
        )

    def look_at_dialog(name: str, opening: Callable[[], object]) -> None:
        """Open a modal dialog with ``opening``, look at it once shown, and close it."""

        def seen(tries: int = 50) -> None:
            dialog = QApplication.activeModalWidget()
            if dialog is None and tries:
                QTimer.singleShot(100, lambda: seen(tries - 1))  # not shown yet
            elif dialog is not None:
                look(name, dialog)
                dialog.close()

        QTimer.singleShot(300, seen)
        opening()

    look("opened")
    for screen_id, _label in NAVIGATION:
        window.show_screen(screen_id)
        look(screen_id)
    window.show_screen("orders")
    window.current_screen().view.selectRow(0)
    look_at_dialog("edit dialog", window.current_screen().edit_record)
    look_at_dialog("new order", window.new_purchase_order)
    print(
        json.dumps(
            {
                "available": [area.x(), area.y(), area.width(), area.height()],
                "ratio": window.devicePixelRatioF(),
                "shown": shown,
                "warnings": warnings,
            }
        )
    )
    window.close()
    database.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
