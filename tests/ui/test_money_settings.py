"""The money settings (merchant price, depreciation, transit, default payment schedule) in the
settings dialog and the ``settings`` command, with their units; a schedule that does not add
up to 100 % is refused with the schedule named, and nothing is saved."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest

import cli
from services import settings
from ui.context import AppContext
from ui.dialogs.settings_dialog import SettingsDialog

pytestmark = pytest.mark.gui
MONEY = (
    "merchant_price_per_mwh",
    "depreciation_months",
    "transit_days",
    "default_payment_schedule",
)


def test_the_dialog_edits_the_money_settings(qtbot: Any, context: AppContext) -> None:
    dialog = SettingsDialog(context)
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    assert all(name in dialog.editors for name in MONEY)
    assert "per MWh" in settings.option("merchant_price_per_mwh").label
    assert "(months)" in settings.option("depreciation_months").label
    assert "(days)" in settings.option("transit_days").label
    schedule = dialog.editors["default_payment_schedule"]
    schedule.setText("30% order; 60% shipped")
    assert not ok.isEnabled()
    assert "adds up to 90%" in dialog.problems["default_payment_schedule"].text()
    schedule.setText("50% delivery; 50% received")
    assert "unknown event 'delivery'" in dialog.problems["default_payment_schedule"].text()
    dialog.editors["transit_days"].setText("-2")
    assert "at least 0" in dialog.problems["transit_days"].text()
    dialog.accept()  # refused: nothing saved
    with context.db.session() as session:
        assert settings.get_all(session)["default_payment_schedule"] == "100% net 30"
    schedule.setText("30% order; 70% received+45")
    dialog.editors["transit_days"].setText("21")
    dialog.editors["merchant_price_per_mwh"].setText("72.50")
    dialog.editors["depreciation_months"].setText("48")
    assert ok.isEnabled()
    dialog.accept()
    with context.db.session() as session:
        values = settings.get_all(session)
    assert [values[n] for n in MONEY] == [Decimal("72.50"), 48, 21, "30% order; 70% received+45"]


def test_the_settings_command_lists_and_refuses(demo_url: str) -> None:
    out, err = io.StringIO(), io.StringIO()
    assert cli.run(["--db", demo_url, "settings"], out, err) == 0
    listed = out.getvalue()
    for name in MONEY:
        assert name in listed
    assert "per MWh" in listed and "Transit from shipment to receipt (days)" in listed
    out, err = io.StringIO(), io.StringIO()
    code = cli.run(
        ["--db", demo_url, "settings", "default_payment_schedule", "30% order; 60% shipped"],
        out,
        err,
    )
    assert code == 1
    assert "default_payment_schedule" in err.getvalue() and "adds up to 90%" in err.getvalue()
    assert "Traceback" not in err.getvalue()
