"""Run by tests/ui/test_theme_runtime.py in a process of its own on an X server (Xvfb) with
Qt's GTK platform theme, the one that carries out QStyleHints.setColorScheme as a desktop
does: the main window on a demo database following the desktop (ui.theme.follow_desktop),
the orders list shown, then the scheme set to dark and back to light. After each, the
scheme, the palette's colours, the first marked rows' ground and text colours (as the
orders view would paint them), the Today screen's critical items' colour and the dashboard's
chart and tile colours are printed as one JSON object."""

from __future__ import annotations

import json
import sys
from typing import Any


def luminance(name: str) -> float:
    """WCAG's relative luminance of a colour given as #rrggbb."""

    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (int(name[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)


def contrast(first: str, second: str) -> float:
    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def main(database_path: str, folder: str) -> int:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QPalette
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    from tests.ui.child_window import open_window
    from ui.tables.model import MARK_ROLE
    from ui.theme import follow_desktop

    follow_desktop(app)
    window, database = open_window(database_path, folder)
    window.show_screen("dashboard")
    dashboard = window.current_screen()
    window.show_screen("today")
    tree = window.current_screen().tree
    window.show_screen("orders")
    model = window.current_screen().model
    role = Qt.ItemDataRole
    looks: list[dict[str, Any]] = []

    def look() -> None:
        for _ in range(5):
            app.processEvents()
        palette = QApplication.palette()
        marks = []
        for row in range(model.rowCount()):
            index = model.index(row, 1)
            mark = model.data(index, MARK_ROLE)
            if mark is not None and len(marks) < 20:
                ground = model.data(index, role.BackgroundRole).color().name()
                ink = model.data(index, role.ForegroundRole).color().name()
                marks.append({"level": mark.level, "ground": ground, "text": ink})
        critical = [
            tree.topLevelItem(t).child(c).foreground(0).color().name()
            for t in range(tree.topLevelItemCount())
            for c in range(tree.topLevelItem(t).childCount())
            if tree.topLevelItem(t).child(c).foreground(0).style() != Qt.BrushStyle.NoBrush
        ]
        looks.append(
            {
                "today_critical": critical,
                "chart_ground": dashboard.supply_chart.plot_widget.backgroundBrush().color().name(),
                "chart_ink": dashboard.supply_chart.plot.getAxis("left").textPen().color().name(),
                "tile_dark": "#23282b" in dashboard.tiles["delivered"].styleSheet(),
                "scheme": app.styleHints().colorScheme().name,
                "window": palette.color(QPalette.ColorRole.Window).name(),
                "window_text": palette.color(QPalette.ColorRole.WindowText).name(),
                "base": palette.color(QPalette.ColorRole.Base).name(),
                "text": palette.color(QPalette.ColorRole.Text).name(),
                "marks": marks,
            }
        )

    hints = app.styleHints()
    hints.setColorScheme(Qt.ColorScheme.Light)
    look()
    hints.setColorScheme(Qt.ColorScheme.Dark)
    look()
    hints.setColorScheme(Qt.ColorScheme.Light)
    look()
    print(json.dumps(looks))
    window.close()
    database.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
