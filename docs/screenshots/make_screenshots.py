# ruff: noqa: E402 - Qt must be configured (platform, locale) before the window modules load
"""Write the window screenshots of docs/screenshots on the demo data (offscreen, en_US).

Run: python docs/screenshots/make_screenshots.py docs/screenshots
"""

import datetime as dt
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
from services import demo, lists
from services.audit import Actor
from ui.context import AppContext
from ui.main_window import MainWindow
from ui.workers import Tasks

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


w.show_screen("orders")
settle()
scr = w.current_screen()
# pick a marked line to show the detail
for r in range(scr.model.rowCount()):
    rec = scr.model.record(r)
    if rec["status"] == "in_production":
        scr.select_id(rec["id"])
        break
scr.load_details()
settle()
shot(w, "orders.png")
w.show_screen("contracts")
settle()
w.current_screen().load_details()
shot(w, "contracts.png")
w.show_screen("ppas")
settle()
shot(w, "ppas.png")
# edit dialog
w.show_screen("orders")
settle()
from ui.dialogs.record_dialog import RecordDialog

with db.session() as s:
    names = lists.reference_names(s)
d = RecordDialog("orders", scr.store(), names, scr.selected_record(), w)
d.show()
d.editors["quantity"].widget.setText("0")
d.editors["quantity"].touched = True
d._changed()
shot(d, "edit-order-line.png")
d.close()
from ui.dialogs.order_dialogs import ReceiveDialog

rd = ReceiveDialog(scr.target_line(), w)
rd.show()
shot(rd, "receive-goods.png")
rd.close()
from services.errors import ConflictError
from ui.dialogs.conflict_dialog import ConflictDialog

mine = dict(scr.selected_record())
theirs = dict(mine)
theirs["eta"] = (mine["eta"] or dt.date.today()) + dt.timedelta(days=21)
mine["quantity"] = mine["quantity"] + 2
cd = ConflictDialog(
    "orders",
    mine,
    theirs,
    ConflictError("Order line", f"{mine['po_number']}/{mine['line']}", by="li"),
    w,
)
cd.show()
shot(cd, "conflict.png")
cd.close()
from ui.dialogs.settings_dialog import SettingsDialog

sd = SettingsDialog(ctx, w)
sd.show()
shot(sd, "settings.png")
sd.close()
w.close()
