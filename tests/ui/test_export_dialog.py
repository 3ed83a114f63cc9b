"""The export dialog offers the readiness and cash exports beside the summary, computed as
of the day chosen, and writes them in the background like every export (demo data)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from ui.context import AppContext
from ui.dialogs.export_dialog import ExportDialog

pytestmark = pytest.mark.gui


@pytest.mark.parametrize(
    ("kind", "sheets", "title"),
    [
        ("readiness", ["Readiness"], "Cluster readiness as of 2026-12-07"),
        ("cash", ["Cash"], "Cash out as of 2026-12-07"),
    ],
)
def test_readiness_and_cash_from_the_dialog(
    qtbot: Any, context: AppContext, tmp_path: Path, kind: str, sheets: list[str], title: str
) -> None:
    dialog = ExportDialog(context)
    qtbot.addWidget(dialog)
    labels = [dialog.what.itemText(i) for i in range(dialog.what.count())]
    assert "Cluster readiness" in labels and "Cash out per month" in labels
    dialog.choose(kind)
    assert dialog.what.currentData() == kind
    # Computed as of a day: the date applies (it does not to a plain list).
    assert dialog.as_of.isEnabled()
    assert Path(dialog.path.text()).name.startswith(f"{kind}-")
    out = tmp_path / f"{kind}.xlsx"
    dialog.path.setText(str(out))
    dialog.as_of.set_value(dt.date(2026, 12, 7))
    dialog.export_button.click()
    assert dialog.error is None, dialog.error
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == sheets
    assert book[sheets[0]]["A1"].value.startswith(title)
    dialog.choose("orders")
    assert not dialog.as_of.isEnabled()
