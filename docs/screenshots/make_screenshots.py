# ruff: noqa: E402 - Qt must be configured (platform, locale) before the window modules load
"""Write the window screenshots of docs/screenshots on the demo data (offscreen, en_US).

Run: python docs/screenshots/make_screenshots.py docs/screenshots
"""

import datetime as dt

from demo_window import ctx, db, settle, shot, w

from services import lists

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
