"""The window's screens as the sidebar lists them, and which one the window opens on."""

from __future__ import annotations

from typing import Any

# (screen id, sidebar label); list screens use the kind name as their id.
NAVIGATION: tuple[tuple[str, str], ...] = (
    ("today", "Today"),
    ("dashboard", "Dashboard"),
    ("orders", "Orders"),
    ("vendors", "Vendors"),
    ("products", "Products"),
    ("leadtimes", "Lead times"),
    ("sites", "Sites"),
    ("site_capacity", "Site capacity"),
    ("ppas", "PPAs"),
    ("contracts", "Contracts"),
    ("deployments", "Deployments"),
    ("deployment_parts", "Deployment parts"),
    ("readiness", "Readiness"),
    ("cash", "Cash"),
    ("customers", "Customers"),
    ("alerts", "Alerts"),
    ("imports", "Imports"),
    ("fxrates", "FX rates"),
)


# The screen the window opens on: the setting "window/first_screen" (Settings), Today unless
# the person chose another; "last" is the screen they were on when they closed it.
FIRST_SCREEN = "window/first_screen"
LAST_SCREEN = "last"


def first_screen(settings: Any) -> str:
    chosen = str(settings.value(FIRST_SCREEN, "today") or "today")
    if chosen == LAST_SCREEN:
        chosen = str(settings.value("window/screen", "today"))
    return chosen if chosen in dict(NAVIGATION) else "today"


def alerts_entry(total: int, critical: int, new: int) -> str:
    """The sidebar's Alerts entry: every open alert counted on its first line, the critical
    ones and those raised since the person last looked on a second (so it stays narrow)."""
    if not total:
        return "Alerts"
    details = [f"{critical} critical"] if critical else []
    if new:
        details.append(f"{new} new")
    return f"Alerts {total}" + ("\n" + " · ".join(details) if details else "")
