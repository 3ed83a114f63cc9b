# ruff: noqa: E402 - Qt must be configured (platform, locale) before the window modules load
"""Write the workflow screenshots of docs/screenshots on the demo data (offscreen, en_US):
the import wizard's pages on Vertiv's European schedule (a column remapped by hand), the
dashboard and the alerts screen.

Run: python docs/screenshots/make_workflow_screenshots.py docs/screenshots
"""

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

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
from ui.import_wizard import ImportWizard
from ui.main_window import MainWindow
from ui.workers import Tasks

SAMPLES = Path("/work/shared/samples")
folder = Path(tempfile.mkdtemp())
db = open_database(folder / "rackbook-demo.db")
with db.write() as s:
    demo.load(s, Actor("demo", source="demo"))
ctx = AppContext(
    "maria", Tasks(synchronous=True), QSettings(str(folder / "ui.ini"), QSettings.Format.IniFormat)
)
w = MainWindow(ctx, "rackbook-demo.db")
w.resize(1500, 900)
w.show()
ctx.set_database(db)
out = Path(sys.argv[1])


def settle():
    for _ in range(20):
        app.processEvents()


def shot(widget, name):
    settle()
    widget.grab().save(str(out / name))
    print("saved", name)


# --- the import wizard on the Vertiv schedule --------------------------------------------
wizard = ImportWizard(ctx, str(SAMPLES / "vertiv_schedule_eu.csv"), w)
wizard.resize(1100, 640)
wizard.show()
shot(wizard, "wizard-1-file.png")
wizard.next()
shot(wizard, "wizard-2-sheet-kind.png")
wizard.next()
wizard.mapping_page.set_field("Confirmed delivery", "eta")
wizard.mapping_page.profile_name.setText("Vertiv EU schedule")
shot(wizard, "wizard-3-mapping.png")
wizard.next()
wizard.options_page.vendor.setCurrentText("Vertiv")
shot(wizard, "wizard-4-options.png")
wizard.next()
shot(wizard, "wizard-5-preview.png")
wizard.next()
for _ in range(50):
    settle()
    if wizard.currentId() == ImportWizard.RESULT:
        break
shot(wizard, "wizard-6-result.png")
wizard.accept()

# --- the dashboard and the alerts ---------------------------------------------------------
w.show_screen("dashboard")
settle()
shot(w, "dashboard.png")
w.show_screen("alerts")
settle()
shot(w, "alerts.png")
w.close()
# pyqtgraph items still alive when the interpreter shuts down crash PySide6 6.12 there:
# delete the window while Qt is still running.
w.deleteLater()
settle()
