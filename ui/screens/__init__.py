"""The screens of the main window, one per kind of record (plus dashboard, alerts, imports)."""
