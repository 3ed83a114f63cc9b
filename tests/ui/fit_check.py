"""Run by tests/ui/test_window_fit.py in a process of its own, on an offscreen screen of a given
size (Qt's offscreen platform reads it from a configuration file): the main window on a demo
database, every screen opened in turn, and after each the window's frame, the screen's
available area and the window's size, printed as one JSON object. Qt's warnings are printed
too, so the test can fail on them."""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main(database_path: str, folder: str) -> int:
    from PySide6.QtCore import QSettings, QtMsgType, qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    warnings: list[str] = []

    def handler(kind: QtMsgType, _context: object, message: str) -> None:
        if kind != QtMsgType.QtDebugMsg and "propagateSizeHints" not in message:
            warnings.append(message)

    qInstallMessageHandler(handler)
    app = QApplication(sys.argv[:1])
    from models.database import open_database
    from ui.context import AppContext
    from ui.main_window import NAVIGATION, MainWindow
    from ui.resources import style_sheet
    from ui.workers import Tasks

    app.setStyleSheet(style_sheet())
    database = open_database(Path(database_path))
    settings = QSettings(str(Path(folder) / "ui.ini"), QSettings.Format.IniFormat)
    context = AppContext("tester", Tasks(synchronous=True), settings)
    window = MainWindow(context, "demo")
    window.show()
    context.set_database(database)
    app.processEvents()
    area = window.screen().availableGeometry()
    shown = []

    def look(screen_id: str) -> None:
        for _ in range(3):
            app.processEvents()
        frame = window.frameGeometry()
        shown.append(
            {
                "screen": screen_id,
                "frame": [frame.x(), frame.y(), frame.width(), frame.height()],
                "size": [window.width(), window.height()],
            }
        )

    look("opened")
    for screen_id, _label in NAVIGATION:
        window.show_screen(screen_id)
        look(screen_id)
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
