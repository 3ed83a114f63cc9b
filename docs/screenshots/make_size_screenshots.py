"""Write the window at a desktop's 1600×1000 and a laptop's 1366×768, light and dark, on the
demo data (offscreen, en_US): Today, Orders, the Dashboard and the Alerts; then, in a process
of its own (Qt reads its scale before the application exists), the laptop's room at 150 %: a
2049×1152 screen scaled by 1.5, every main screen and the record dialog.

Run: python docs/screenshots/make_size_screenshots.py docs/screenshots
"""

import os
import subprocess
import sys

from demo_window import app, settle, shot, w
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from ui.theme import apply_scheme

SCALED = "--scaled" in sys.argv
SIZES = ((1600, 1000), (1366, 768))
SCHEMES = (("light", Qt.ColorScheme.Light), ("dark", Qt.ColorScheme.Dark))
SCREENS = ("today", "orders", "dashboard", "alerts")
SCALED_SCREENS = ("today", "orders", "dashboard", "alerts", "readiness", "cash")


def sizes() -> None:
    settle()  # the window's first placement done before it is given each size
    for scheme_name, scheme in SCHEMES:
        apply_scheme(app, scheme)
        for width, height in SIZES:
            w.resize(width, height)
            settle()
            for screen in SCREENS:
                w.show_screen(screen)
                settle()
                shot(w, f"{screen}-{width}x{height}-{scheme_name}.png")
    apply_scheme(app, Qt.ColorScheme.Light)


def scaled() -> None:
    """The window as large as the screen's available area (1366×768 for Qt, 2049×1152 pixels)."""
    apply_scheme(app, Qt.ColorScheme.Light)
    settle()
    w.resize(w.screen().availableGeometry().size())
    settle()
    for screen in SCALED_SCREENS:
        w.show_screen(screen)
        settle(0.6)
        shot(w, f"{screen}-1366x768-150pct.png")
    w.show_screen("orders")
    w.current_screen().view.selectRow(0)

    def dialog_shot(tries: int = 50) -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None and tries:
            QTimer.singleShot(100, lambda: dialog_shot(tries - 1))  # not shown yet
        elif dialog is not None:
            shot(dialog, "edit-order-line-150pct.png")
            dialog.close()

    QTimer.singleShot(300, dialog_shot)
    w.current_screen().edit_record()


if SCALED:
    scaled()
else:
    sizes()
w.close()
# pyqtgraph items still alive when the interpreter shuts down crash PySide6 6.12 there:
# delete the window while Qt is still running.
w.deleteLater()
settle()
if not SCALED:
    # The 150 % pass: Qt takes its scale only before the application exists.
    # A 2049×1152 screen at 1.5: a laptop's 1366×768 of room, in sharper pixels.
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    env.update(RACKBOOK_SHOT_SCREEN="2049x1152", QT_SCALE_FACTOR="1.5")
    subprocess.run([sys.executable, __file__, sys.argv[1], "--scaled"], env=env, check=True)
