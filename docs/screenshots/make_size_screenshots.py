"""Write the window at a desktop's 1600×1000 and a laptop's 1366×768, light and dark, on the
demo data (offscreen, en_US): Today, Orders, the Dashboard and the Alerts.

Run: python docs/screenshots/make_size_screenshots.py docs/screenshots
"""

from demo_window import app, settle, shot, w
from PySide6.QtCore import Qt

from ui.theme import apply_scheme

SIZES = ((1600, 1000), (1366, 768))
SCHEMES = (("light", Qt.ColorScheme.Light), ("dark", Qt.ColorScheme.Dark))
SCREENS = ("today", "orders", "dashboard", "alerts")

for scheme_name, scheme in SCHEMES:
    apply_scheme(app, scheme)
    for width, height in SIZES:
        w.resize(width, height)
        for screen in SCREENS:
            w.show_screen(screen)
            settle()
            shot(w, f"{screen}-{width}x{height}-{scheme_name}.png")
apply_scheme(app, Qt.ColorScheme.Light)
w.close()
# pyqtgraph items still alive when the interpreter shuts down crash PySide6 6.12 there:
# delete the window while Qt is still running.
w.deleteLater()
settle()
