"""Icons and the style sheet of the window (package data, found next to this file)."""
