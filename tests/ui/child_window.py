"""The main window as the fit and theme checks open it in their own processes: on the demo
database copied for them, its settings in their folder, background work run at once."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def open_window(database_path: str, folder: str) -> tuple[Any, Any]:
    """The main window, shown, on the database at ``database_path``; and the database."""
    from PySide6.QtCore import QSettings

    from models.database import open_database
    from ui.context import AppContext
    from ui.main_window import MainWindow
    from ui.workers import Tasks

    database = open_database(Path(database_path))
    settings = QSettings(str(Path(folder) / "ui.ini"), QSettings.Format.IniFormat)
    context = AppContext("tester", Tasks(synchronous=True), settings)
    window = MainWindow(context, "demo")
    window.show()
    context.set_database(database)
    return window, database
