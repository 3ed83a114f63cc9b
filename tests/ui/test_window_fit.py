"""The window fits the screens it is made for: a 1366×768 laptop, and a 1920×1080 screen at
150 % (1280×720 for Qt). Each is an offscreen screen of that size in a process of its own;
every screen is opened in turn and the window's frame never leaves the screen's available
area, nor grows when a screen (the Dashboard) opens."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from models.migrate import sqlite_backup

pytestmark = pytest.mark.gui

ROOT = Path(__file__).resolve().parents[2]


def _run(demo_template: Path, tmp_path: Path, width: int, height: int, ratio: float) -> dict:
    config = tmp_path / "screen.json"
    config.write_text(
        json.dumps(
            {
                "synthesizedWindowFrame": True,
                "screens": [
                    {
                        "name": "screen",
                        "x": 0,
                        "y": 0,
                        "width": width,
                        "height": height,
                        "logicalDpi": 96,
                        "logicalBaseDpi": 96,
                        "dpr": 1,
                    }
                ],
            }
        )
    )
    database = tmp_path / "demo.db"
    sqlite_backup(demo_template, database)
    env = dict(
        os.environ,
        QT_QPA_PLATFORM=f"offscreen:configfile={config}",
        QT_SCALE_FACTOR=str(ratio),
        RACKBOOK_HOME=str(tmp_path),
    )
    done = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "ui" / "fit_check.py"), str(database), str(tmp_path)],
        cwd=ROOT,
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def _inside(frame: list[int], area: list[int]) -> bool:
    x, y, w, h = frame
    ax, ay, aw, ah = area
    return x >= ax and y >= ay and x + w <= ax + aw and y + h <= ay + ah


@pytest.mark.parametrize(
    ("width", "height", "ratio"), [(1366, 768, 1.0), (1920, 1080, 1.5)], ids=["laptop", "150%"]
)
def test_every_screen_fits_and_the_window_never_grows(
    demo_template, tmp_path, width, height, ratio
):
    seen = _run(demo_template, tmp_path, width, height, ratio)
    assert seen["warnings"] == []
    assert seen["ratio"] == ratio
    area = seen["available"]
    assert area[2] == round(width / ratio) and area[3] == round(height / ratio)
    first = seen["shown"][0]["size"]
    for step in seen["shown"]:
        assert _inside(step["frame"], area), step
        assert step["size"] == first, f"the window changed size when {step['screen']} opened"
