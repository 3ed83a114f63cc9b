# ruff: noqa: E402 - Qt must be configured (platform, locale) before the window modules load
"""Write the window screenshots of docs/screenshots on the demo data (offscreen, en_US).

Run: python docs/screenshots/make_screenshots.py docs/screenshots
"""

import datetime as dt

from demo_window import ctx, db, settle, shot, w

from services import catalogue, lists

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
contracts = w.current_screen()
# the contract short of GPUs, its Supply tab: the lines that serve it, secured or late
for r in range(contracts.model.rowCount()):
    if contracts.model.record(r)["contract_ref"] == "C-2031":
        contracts.select_id(contracts.model.record(r)["id"])
        break
contracts.load_details()
contracts.details.setCurrentWidget(contracts.supply)
shot(w, "contracts.png")
# the readiness timeline, the cluster waiting for its cooling selected
w.show_readiness("PC-HALL-1")
settle()
shot(w, "readiness.png")
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
# a new purchase order: lines pasted from a quote, one of them wrong
from PySide6.QtGui import QGuiApplication

from ui.dialogs.order_entry import OrderEntryDialog

with db.session() as s:
    items = catalogue.catalogue(s)
od = OrderEntryDialog(ctx, names, items, w)
od.po_number.setText("DR-2027-014")
od.vendor.setCurrentText("Dell Technologies")
od.site.setCurrentText("Drummondville")
QGuiApplication.clipboard().setText("XE9712\t\t4\nR770\t\t16\nXE9680\t\t2\n")
od.grid.setCurrentCell(0, 0)
od.paste()
od.show()
od.save()  # XE9680 is no Dell SKU: its cell is marked, nothing is written
od.grid.setCurrentCell(0, 2)  # the first line's lead-time quote under the grid
settle()
shot(od, "new-order.png")
od.close()
# moving the ETAs of one order's open lines three weeks later
from ui.dialogs.order_dialogs import EtaMoveDialog

open_lines = [
    scr.model.record(r)
    for r in range(scr.model.rowCount())
    if scr.model.record(r)["status"] not in ("received", "cancelled")
][:4]
md = EtaMoveDialog(open_lines, w)
md.days.setValue(21)
md.show()
shot(md, "move-etas.png")
md.close()
from ui.dialogs.settings_dialog import SettingsDialog

sd = SettingsDialog(ctx, w)
sd.show()
shot(sd, "settings.png")
sd.close()
w.close()
