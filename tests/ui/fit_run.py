"""Running tests/ui/fit_check.py in a process of its own on an offscreen screen of a given size
and scale, and reading what it saw."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from models.migrate import sqlite_backup

ROOT = Path(__file__).resolve().parents[2]


def run_fit_check(
    demo_template: Path,
    tmp_path: Path,
    width: int,
    height: int,
    ratio: float,
    scale_variable: str = "QT_SCALE_FACTOR",
) -> dict:
    """What fit_check.py saw on a ``width``×``height`` screen scaled by ``ratio``, given to Qt
    in ``scale_variable`` (QT_SCALE_FACTOR, or QT_SCREEN_SCALE_FACTORS: the screen's own), or
    with ``scale_variable`` "dpi" as the screen's logical DPI (96 × ``ratio``: what an X
    desktop's Xft.dpi says), from which Qt works the scale out itself."""
    dpi = round(96 * ratio) if scale_variable == "dpi" else 96
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
                        "logicalDpi": dpi,
                        "logicalBaseDpi": 96,
                        "dpr": 1,
                    }
                ],
            }
        )
    )
    database = tmp_path / "demo.db"
    sqlite_backup(demo_template, database)
    scales = ("QT_SCALE_FACTOR", "QT_SCREEN_SCALE_FACTORS")
    env = {name: value for name, value in os.environ.items() if name not in scales}
    env.update(
        {
            **({} if scale_variable == "dpi" else {scale_variable: str(ratio)}),
            "QT_QPA_PLATFORM": f"offscreen:configfile={config}",
            "RACKBOOK_HOME": str(tmp_path),
        }
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


def inside(frame: list[int], area: list[int]) -> bool:
    x, y, w, h = frame
    ax, ay, aw, ah = area
    return x >= ax and y >= ay and x + w <= ax + aw and y + h <= ay + ah
