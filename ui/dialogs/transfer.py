"""Simple import and export from the toolbar: a file dialog and a call to the services (the
import wizard and the export dialog come with a later issue)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from ui.widgets import show_error

# The export offered first for each screen.
EXPORT_FOR_SCREEN = {
    "orders": "orders",
    "vendors": "vendors",
    "products": "products",
    "leadtimes": "leadtimes",
    "sites": "sites",
    "ppas": "ppas",
    "contracts": "contracts",
    "customers": "customers",
    "fxrates": "fxrates",
    "alerts": "alerts",
}


def export_file(window: Any, screen_kind: str | None) -> None:
    from services import exporting

    kinds = list(exporting.EXPORT_KINDS)
    labels = [k.label for k in kinds]
    wanted = EXPORT_FOR_SCREEN.get(screen_kind or "", "contracts")
    current = next((i for i, k in enumerate(kinds) if k.name == wanted), 0)
    label, ok = QInputDialog.getItem(window, "Export", "What to export:", labels, current, False)
    if not ok:
        return
    spec = kinds[labels.index(label)]
    path, _filter = QFileDialog.getSaveFileName(
        window, f"Export {spec.label}", str(Path.home() / f"{spec.name}.xlsx"), "Excel (*.xlsx)"
    )
    if not path:
        return
    if not path.lower().endswith(".xlsx"):
        path += ".xlsx"
    database = window.context.db

    def done(result: Any) -> None:
        notes = "\n".join(result.warnings)
        QMessageBox.information(
            window,
            "Export",
            f"{spec.label}: {result.rows} rows written to {result.path}"
            + (f"\n\n{notes}" if notes else ""),
        )

    window.context.tasks.run(
        lambda: exporting.export(database, spec.name, path), done, lambda e: show_error(window, e)
    )


def import_file(window: Any) -> None:
    QMessageBox.information(
        window,
        "Import",
        "Importing from the window arrives with the import wizard. Until then use:\n"
        "python main.py --db DB import FILE",
    )
