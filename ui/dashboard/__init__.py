"""The dashboard: figure tiles and charts of supply against commitments, lead times and power."""

from ui.dashboard.screen import DashboardScreen

__all__ = ["DashboardScreen"]
