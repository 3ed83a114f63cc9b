"""Write the workflow screenshots of docs/screenshots on the demo data (offscreen, en_US):
the import wizard's pages on Vertiv's European schedule (a column remapped by hand), the
dashboard and the alerts screen.

Run: python docs/screenshots/make_workflow_screenshots.py docs/screenshots
"""

from demo_window import SAMPLES, ctx, settle, shot, w

from ui.import_wizard import ImportWizard

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
