"""The import wizard: a spreadsheet into Rackbook one page at a time, over services.importing."""

from ui.import_wizard.wizard import ImportWizard

__all__ = ["ImportWizard"]
