"""Write the purchase order document and the Files tab of docs/screenshots on the demo data:
PC-2026-002 sent to Dell, its first line changed, sent again (revision 2, its changes listed),
the page rendered as the vendor gets it, and the Orders screen's Files tab holding both PDFs.

Needs pdftoppm (poppler-utils) to turn the PDF's page into a PNG.
Run: python docs/screenshots/make_document_screenshots.py docs/screenshots
"""

import shutil
import subprocess

from demo_window import ctx, folder, out, settle, shot, w

from services import records

w.show_screen("orders")
settle()
screen = w.screens["orders"]
for row in range(screen.model.rowCount()):
    if screen.model.record(row)["po_number"] == "PC-2026-002":
        screen.view.selectRow(row)
        break
screen.load_details()
settle()
screen.send_order(str(folder / "first.pdf"))
with ctx.db.write() as session:
    line = records.find_record(session, "orders", {"po_number": "PC-2026-002", "line": 1})
    records.update(session, "orders", line["id"], {"quantity": 12}, ctx.actor())
screen.refresh()
settle()
screen.load_details()
target = folder / "purchase-order.pdf"
screen.send_order(str(target))
print(screen.last_message)
settle()
screen.details.setCurrentIndex(screen.files_tab_index)
screen.load_details()
settle()
shot(w, "files-tab.png")
pdftoppm = shutil.which("pdftoppm")
if pdftoppm is None:
    raise SystemExit("pdftoppm is not installed (apt-get install poppler-utils)")
subprocess.run(
    [pdftoppm, "-png", "-r", "96", "-singlefile", str(target), str(out / "purchase-order")],
    check=True,
)
print("saved purchase-order.png")
