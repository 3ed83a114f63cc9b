"""The sidebar's entries are never cut at a laptop's 1366×768: each line of each entry (the
Alerts entry with large counts too) is no wider than the room the style leaves for it, measured
with the sidebar's own font (the style sheet's), and every line has its height."""

from __future__ import annotations

import pytest

from ui.fit import text_room
from ui.resources import style_sheet

pytestmark = pytest.mark.gui


@pytest.fixture
def styled(qapp):
    sheet = qapp.styleSheet()
    qapp.setStyleSheet(style_sheet())
    yield qapp
    qapp.setStyleSheet(sheet)


def _cut(window) -> list[str]:
    nav = window.navigation
    metrics = nav.fontMetrics()
    cut = []
    for row in range(nav.count()):
        item = nav.item(row)
        lines = item.text().splitlines()
        room = text_room(nav, row)
        height = nav.visualItemRect(item).height()
        if any(metrics.horizontalAdvance(line) > room for line in lines):
            cut.append(f"{item.text()!r} wider than {room} px")
        if height < len(lines) * metrics.height():
            cut.append(f"{item.text()!r} lower than its {len(lines)} lines")
    return cut


@pytest.mark.parametrize(
    ("total", "critical", "new"), [(41, 16, 0), (41, 16, 3), (1234, 567, 89), (0, 0, 0)]
)
def test_every_sidebar_entry_shows_its_whole_text(styled, qtbot, window, total, critical, new):
    window.resize(1366, 768)
    window.status.new_alerts = new
    window.status.show_alert_counts({"critical": critical, "warning": total - critical})
    qtbot.wait(10)
    assert _cut(window) == []
    nav = window.navigation
    alerts = nav.item([nav.item(r).text()[:6] for r in range(nav.count())].index("Alerts"))
    if total:
        assert alerts.text().startswith(f"Alerts {total}")
        assert f"{critical} critical" in alerts.text()
        assert f"{total} open alerts" in alerts.toolTip()
    if new:
        assert f"{new} new" in alerts.text()
    # The sidebar widens only as much as its entries need: the screens keep the rest.
    assert nav.width() <= 240
