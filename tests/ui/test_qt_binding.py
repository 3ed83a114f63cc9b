"""The Qt binding itself must not corrupt Python's reference counts.

PySide6 6.12.0 dropped one reference to None on every Qt call that returns nothing (Python
3.11): a few thousand repaints into a session, Python aborted with "none_dealloc". The
dependency is pinned below it; this test keeps a future binding from bringing it back.
"""

from __future__ import annotations

import sys

import pytest
from PySide6.QtWidgets import QWidget


@pytest.mark.gui
def test_void_qt_calls_keep_reference_counts(qtbot) -> None:
    widget = QWidget()
    qtbot.addWidget(widget)
    before = sys.getrefcount(None)
    for _ in range(2000):
        widget.update()
        widget.setVisible(False)
    assert sys.getrefcount(None) - before > -100
