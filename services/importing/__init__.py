"""Spreadsheet import (DESIGN.md §5): read → headers → values → plan → commit/undo."""
