# ruff: noqa: E402 - Qt must be configured (platform, locale) before the window modules load
"""The screenshot scripts' shared set-up: an offscreen Qt application in en_US with Rackbook's
style sheet, a main window on a fresh demo database, and helpers to let it settle and save a
widget as a PNG into the folder given as the script's first argument."""

import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# An offscreen screen of a desktop's size (RACKBOOK_SHOT_SCREEN, "1600x1000" unless given):
# the window opens no larger than its screen.
_WIDTH, _HEIGHT = (int(n) for n in os.environ.get("RACKBOOK_SHOT_SCREEN", "1600x1000").split("x"))
_SCREEN = Path(tempfile.mkdtemp()) / "screen.json"
_SCREEN.write_text(
    json.dumps(
        {
            "screens": [
                {
                    "name": "screen",
                    "x": 0,
                    "y": 0,
                    "width": _WIDTH,
                    "height": _HEIGHT,
                    "logicalDpi": 96,
                    "logicalBaseDpi": 96,
                    "dpr": 1,
                }
            ]
        }
    )
)
os.environ.setdefault("QT_QPA_PLATFORM", f"offscreen:configfile={_SCREEN}")
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QLocale, QSettings
from PySide6.QtWidgets import QApplication

QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
app = QApplication(sys.argv[:1])
from ui.resources import style_sheet

app.setStyleSheet(style_sheet())
from models.database import open_database
from services import demo
from services.audit import Actor
from ui.context import AppContext
from ui.main_window import MainWindow
from ui.workers import Tasks

# The vendor sample files live beside the repository (../shared/samples).
SAMPLES = ROOT.parent / "shared" / "samples"
folder = Path(tempfile.mkdtemp())
db = open_database(folder / "rackbook-demo.db")
with db.write() as s:
    demo.load(s, Actor("demo", source="demo"))
from services import timeline

with db.session() as s:
    has_deployments = bool(timeline.readiness_timeline(s).rows)
if not has_deployments:
    # Four clusters with bills of parts over the demo's lines, for the readiness timeline.
    from tests.ui.deployments import add_sample_deployments

    with db.write() as s:
        add_sample_deployments(s)
ctx = AppContext(
    "maria", Tasks(synchronous=True), QSettings(str(folder / "ui.ini"), QSettings.Format.IniFormat)
)
w = MainWindow(ctx, "rackbook-demo.db")
w.resize(1500, 900)
w.show()
ctx.set_database(db)
out = Path(sys.argv[1])


def settle(seconds=0.3):
    """Let queued work and short timers (the list footer waits 120 ms) run before a shot."""
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        app.processEvents()


def shot(widget, name):
    settle()
    widget.grab().save(str(out / name))
    print("saved", name)
