"""The edit dialog's money: a price shown grouped with its currency after it, and the currency a
choice of the codes Rackbook can convert (the reporting one, those with an FX rate)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtWidgets import QComboBox

from services import lists, records
from ui import format as fmt
from ui.dialogs.record_dialog import RecordDialog
from ui.screens.list_screen import ListScreen

pytestmark = pytest.mark.gui


def _line_dialog(qtbot, context):
    screen = ListScreen("orders", context)
    qtbot.addWidget(screen)
    with context.db.session() as session:
        names = lists.reference_names(session)
        line = next(
            r for r in records.list_records(session, "orders") if r["unit_price"] is not None
        )
        rated = {r["currency"] for r in records.list_records(session, "fxrates")}
    dialog = RecordDialog("orders", screen.store(), names, line)
    qtbot.addWidget(dialog)
    return dialog, line, rated


def test_a_price_is_shown_as_money_with_its_currency(qtbot, context):
    dialog, line, _rated = _line_dialog(qtbot, context)
    price = dialog.editors["unit_price"]
    assert price.widget.text() == fmt.money_entry(line["unit_price"])
    assert "," in price.widget.text() and price.widget.text().endswith(".00")
    assert price.currency_label is not None
    assert price.currency_label.text() == (line["currency"] or "USD")
    assert price.currency_label.isVisibleTo(dialog)
    # Read back as the same amount: saving unchanged writes the price it had.
    assert price.value() == (line["unit_price"], None)
    assert fmt.money_entry(Decimal("2.355")) == "2.355"


def test_the_currency_is_a_choice_of_known_codes(qtbot, context):
    dialog, _line, rated = _line_dialog(qtbot, context)
    currency = dialog.editors["currency"].widget
    assert isinstance(currency, QComboBox) and not currency.isEditable()
    codes = [currency.itemData(i) for i in range(currency.count())]
    assert "USD" in codes and rated <= set(codes)
    assert all(c is None or (len(c) == 3 and c.isupper()) for c in codes)
    # Choosing another currency shows it after every money field.
    other = next(c for c in codes if c and c != currency.currentData())
    currency.setCurrentIndex(currency.findData(other))
    assert dialog.editors["unit_price"].currency_label.text() == other
    assert dialog.ok_button.isEnabled(), dialog.problems
