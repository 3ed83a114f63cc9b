"""Workflow test helpers: an empty database in a SQLite file, the shared samples, and a way to
walk the import wizard page by page as a buyer would."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDropEvent

from models.database import Database
from tests.services.importing.conftest import samples_folder
from tests.ui.conftest import make_context
from ui.context import AppContext
from ui.import_wizard import ImportWizard


@pytest.fixture
def empty_db(database: Database) -> Database:
    """A fresh, empty database on each backend under test (SQLite, and PostgreSQL when it is
    configured)."""
    return database


@pytest.fixture
def empty_context(qtbot: Any, empty_db: Database, tmp_path: Path) -> AppContext:
    return make_context(empty_db, tmp_path)


def samples() -> Path:
    """The shared samples, found as the import tests find them (beside the repository)."""
    return samples_folder()


def open_wizard(qtbot: Any, context: AppContext, path: Path) -> ImportWizard:
    wizard = ImportWizard(context, str(path))
    qtbot.addWidget(wizard)
    wizard.show()
    assert wizard.currentId() == ImportWizard.FILE
    return wizard


def forward(wizard: ImportWizard, to_page: int) -> None:
    """Press Next, and check the wizard went on (else show why it stayed)."""
    wizard.next()
    if wizard.currentId() != to_page:
        page = wizard.currentPage()
        problem = getattr(page, "problem", None)
        why = problem.text() if problem is not None else ""
        raise AssertionError(f"stayed on {type(page).__name__}: {why}")


def to_preview(
    wizard: ImportWizard,
    sheet: str | None = None,
    vendor: str | None = None,
    fields: dict[str, str | None] | None = None,
    profile: str = "",
    skip_invalid: bool = False,
) -> None:
    forward(wizard, ImportWizard.SHEET)
    if sheet is not None:
        combo = wizard.sheet_page.sheet
        combo.setCurrentIndex(combo.findData(sheet))
    forward(wizard, ImportWizard.MAPPING)
    for header, field_name in (fields or {}).items():
        wizard.mapping_page.set_field(header, field_name)
    if profile:
        wizard.mapping_page.profile_name.setText(profile)
    forward(wizard, ImportWizard.OPTIONS)
    if vendor is not None:
        wizard.options_page.vendor.setCurrentText(vendor)
    if skip_invalid:
        wizard.options_page.skip_invalid.setChecked(True)
    forward(wizard, ImportWizard.PREVIEW)


def commit(qtbot: Any, wizard: ImportWizard, create_new: bool = True) -> None:
    """Press Import; ``create_new``: the buyer says yes to the new order lines the file brings."""
    if create_new and wizard.job.new_orders():
        wizard.preview_page.create_new.setChecked(True)
    assert wizard.preview_page.isComplete(), wizard.preview_page.problem.text()
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentId() == ImportWizard.RESULT, timeout=20_000)


def drop_file(window: Any, path: str) -> QDropEvent:
    """Drop one local file on the window, as a file manager would."""
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(path)])
    event = QDropEvent(
        QPoint(50, 50),
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(event)
    return event
