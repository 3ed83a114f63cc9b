"""High DPI at 150 %: a 2049×1152 screen scaled by 1.5 (a 1366×768 laptop's room, in sharper
pixels), the scale given to Qt each way a desktop does (QT_SCALE_FACTOR for the whole
application, QT_SCREEN_SCALE_FACTORS for the screen, or the screen's logical DPI of 144, as
an X desktop's Xft.dpi, from which Qt works out 1.5 itself). Qt reads them before the
application exists, so each runs in a process of its own (tests/ui/fit_check.py): every
screen, the record dialog and the order-entry grid are opened in turn; no frame leaves the
screen's available area and no key text (a label, a button, a choice, a sidebar entry) is
shown cut."""

from __future__ import annotations

import pytest

from tests.ui.fit_run import inside, run_fit_check

pytestmark = pytest.mark.gui


@pytest.mark.parametrize("variable", ["QT_SCALE_FACTOR", "QT_SCREEN_SCALE_FACTORS", "dpi"])
def test_every_screen_and_dialog_fits_uncut_at_150_percent(demo_template, tmp_path, variable):
    seen = run_fit_check(demo_template, tmp_path, 2049, 1152, 1.5, variable)
    assert seen["warnings"] == []
    assert seen["ratio"] == 1.5
    area = seen["available"]
    assert area[2:] == [1366, 768]
    screens = {step["screen"] for step in seen["shown"]}
    assert {"today", "orders", "dashboard", "alerts", "readiness", "cash"} <= screens
    assert {"edit dialog", "new order"} <= screens
    for step in seen["shown"]:
        assert inside(step["frame"], area), step
        assert step["cut"] == [], step["screen"]
