"""What the window says about alerts and lists: every open alert counted, the whole message
readable, abbreviations kept in counts, the FX rate's direction, no backup notice at launch."""

from __future__ import annotations

import pytest

from services import alerts
from ui import format as fmt

pytestmark = pytest.mark.gui


def test_the_whole_message_of_the_selected_alert_is_shown_below_the_list(window):
    window.show_screen("alerts")
    screen = window.current_screen()
    screen.view.selectRow(0)
    alert = screen.selected_alert()
    assert screen.message_detail.text() == alert.message
    assert screen.message_detail.wordWrap()


def test_counts_keep_abbreviations_and_the_fx_rate_says_its_direction(window):
    assert fmt.lower_words("PPAs") == "PPAs"
    assert fmt.lower_words("FX rates") == "FX rates"
    assert fmt.lower_words("Order lines") == "order lines"
    window.show_screen("ppas")
    ppas = window.current_screen()
    ppas.update_footer()
    assert " PPAs" in ppas.footer.text() and " ppas" not in ppas.footer.text()
    window.show_screen("fxrates")
    rates = window.current_screen()
    column = next(c for c in rates.model.columns if c.name == "rate")
    assert "per unit" in column.title and "1 EUR" in column.tip


def test_scorecard_columns_say_what_they_mean(window):
    window.show_screen("vendors")
    vendors = window.current_screen()
    tips = {c.name: c.tip for c in vendors.model.columns}
    assert "overdue" in tips["on_time_pct"] and "first commitment" in tips["median_slip_days"]


def test_the_sidebar_counts_every_open_alert(window, context):
    with context.db.session() as session:
        shown = alerts.visible_alerts(session)
    row = [window.navigation.item(i).text() for i in range(window.navigation.count())]
    alerts_item = next(text for text in row if text.startswith("Alerts"))
    assert alerts_item.startswith(f"Alerts {len(shown)}\n")
    assert "A backup of the file was kept" not in window.statusBar().currentMessage()
