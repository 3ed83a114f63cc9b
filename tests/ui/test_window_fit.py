"""The window fits the screens it is made for: a 1366×768 laptop, and a 1920×1080 screen at
150 % (1280×720 for Qt). Each is an offscreen screen of that size in a process of its own;
every screen is opened in turn, then two dialogs, and no frame leaves the screen's available
area, nor does the window grow when a screen (the Dashboard) opens, and no key text is shown
cut (tests/ui/cut_texts.py)."""

from __future__ import annotations

import pytest

from tests.ui.fit_run import inside, run_fit_check

pytestmark = pytest.mark.gui


@pytest.mark.parametrize(
    ("width", "height", "ratio"), [(1366, 768, 1.0), (1920, 1080, 1.5)], ids=["laptop", "150%"]
)
def test_every_screen_fits_and_the_window_never_grows(
    demo_template, tmp_path, width, height, ratio
):
    seen = run_fit_check(demo_template, tmp_path, width, height, ratio)
    assert seen["warnings"] == []
    assert seen["ratio"] == ratio
    area = seen["available"]
    assert area[2] == round(width / ratio) and area[3] == round(height / ratio)
    first = seen["shown"][0]["size"]
    for step in seen["shown"]:
        assert inside(step["frame"], area), step
        assert step["cut"] == [], step["screen"]
        if not step["dialog"]:
            assert step["size"] == first, f"the window changed size when {step['screen']} opened"
