"""The Today view: the window's first screen, each item one click from its record and action."""

from __future__ import annotations

import pytest

from ui.screens.today import TodayScreen

pytestmark = pytest.mark.gui


def test_today_is_the_first_screen_and_items_open_their_records(window):
    today = window.current_screen()
    assert isinstance(today, TodayScreen)
    assert today.today is not None and today.today.items
    assert today.tree.topLevelItem(0).text(0).startswith("Overdue lines to chase")
    item = today.current_item()
    assert item.section == "overdue"
    assert today.buttons["chase"].isEnabled() and today.buttons["receive"].isEnabled()
    today.act("open")
    orders = window.current_screen()
    assert orders is window.screens["orders"]
    assert orders.selected_id() == item.line_ids[0]


def test_a_contract_at_risk_offers_acknowledge_not_receive(window):
    today = window.current_screen()
    assert today.select("C-")
    item = today.current_item()
    assert item.section in ("at_risk", "notices")
    assert today.buttons["acknowledge"].isEnabled()
    assert not today.buttons["receive"].isEnabled()
    today.act("open")
    contracts = window.current_screen()
    assert contracts is window.screens["contracts"]
    assert contracts.search.text() == item.search


def test_the_summary_keeps_abbreviations(window):
    today = window.current_screen()
    text = today.summary.text()
    moved = next(s for s in today.today.sections if s.title.startswith("ETAs"))
    assert moved.items, "the demo data has ETAs that moved since yesterday"
    assert f"{len(moved.items)} ETAs moved" in text and "etas" not in text
