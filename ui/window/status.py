"""What the window tells without being asked: the status bar (database, user, alerts, busy),
the banners over the screens (read-only, connection lost) and the Alerts entry's counts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QLabel

from domain.statuses import Severity
from ui.fit import fit_list_width
from ui.navigation import alerts_entry
from ui.window.screens import SIDEBAR_WIDTH, screen_ids

if TYPE_CHECKING:
    from ui.main_window import MainWindow


class WindowStatus:
    """The window's status bar and banners; made once by the window, which it reads."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        # Banners over the screens: why this window is read-only, and a lost connection.
        self.read_only_banner = _banner("readOnlyBanner", "#fff4ce", "#8a6d00")
        self.connection_banner = _banner("connectionBanner", "#fde7e9", "#b71c1c")
        self.database_label = QLabel(f"Database: {window.database_name}")
        self.database_label.setObjectName("statusDatabase")
        self.user_label = QLabel()
        self.user_label.setObjectName("statusUser")
        self.alerts_label = QLabel("Alerts: …")
        self.alerts_label.setObjectName("statusAlerts")
        self.busy_label = QLabel("")
        #: Open alerts raised since the person last looked at the Alerts screen.
        self.new_alerts = 0

    def install(self) -> None:
        """The labels in the window's status bar, the user named."""
        self.show_user()
        status = self.window.statusBar()
        for label in (self.busy_label, self.alerts_label, self.user_label, self.database_label):
            status.addPermanentWidget(label)

    def say(self, text: str, ms: int = 0) -> None:
        self.window.statusBar().showMessage(text, ms)

    def show_user(self) -> None:
        """Who the audit trail will name: the database login on a team database."""
        context = self.window.context
        access = context.access
        text = f"User: {context.acting_user}"
        if access is not None and access.team:
            text = f"Signed in as {context.acting_user} ({access.role})"
        elif access is not None and access.read_only:
            text += " (read-only)"
        self.user_label.setText(text)
        self.user_label.setToolTip(
            "Your changes are recorded under your database login"
            if access is not None and access.team
            else "Your changes are recorded under this name (Settings)"
        )

    def show_read_only(self) -> None:
        """The banner saying why this window is read-only, shown only when it is."""
        access = self.window.context.access
        read_only = access is not None and access.read_only
        reason = access.reason if access is not None else ""
        self.read_only_banner.setText(f"Read-only. {reason}" if read_only else "")
        self.read_only_banner.setVisible(read_only)

    def show_database(self, name: str, location: str, backup: object) -> None:
        self.database_label.setText(f"Database: {name}")
        self.database_label.setToolTip(location)
        if backup is not None:
            # The rolling automatic backup taken as the file was opened (services.team):
            # said where the database is named, not announced at every launch.
            self.database_label.setToolTip(f"{location}\nBacked up as it was opened: {backup}")

    def show_connection(self, problem: str) -> None:
        from services.credentials import mask_text

        was_lost = self.connection_banner.isVisible()
        self.connection_banner.setText(mask_text(problem))
        self.connection_banner.setVisible(bool(problem))
        if problem:
            self.say("Connection to the database lost: reconnecting…")
        elif was_lost:
            self.say("Connected to the database again.", 10_000)

    def busy(self, busy: bool) -> None:
        self.busy_label.setText("Working…" if busy else "")

    def show_alert_counts(self, counts: dict[str, int]) -> None:
        parts = [f"{counts.get(s, 0)} {s}" for s in Severity]
        self.alerts_label.setText("Alerts: " + ", ".join(parts))
        self.alerts_label.setToolTip("Open alerts by severity (acknowledged ones not counted)")
        # The sidebar counts every open alert, the critical and new ones named apart.
        row = screen_ids().index("alerts")
        critical = counts.get(Severity.CRITICAL, 0)
        total = sum(counts.values())
        navigation = self.window.navigation
        item = navigation.item(row)
        new = self.new_alerts
        item.setText(alerts_entry(total, critical, new))
        fit_list_width(navigation, SIDEBAR_WIDTH)
        tip = f"{total} open alerts, {critical} of them critical"
        if new:
            tip += f"; {new} raised since you last looked at the Alerts screen"
        item.setToolTip(tip)

    def update_alert_counts(self) -> None:
        """Count the open alerts in the background, and show the counts when known."""
        context = self.window.context
        if context.database is None:
            return
        from services import alerts
        from ui.alerts_seen import remember_seen, seen_keys

        seen = seen_keys(context)  # read here: the worker touches no settings

        def done(tally: alerts.Tally) -> None:
            if seen is None:
                remember_seen(context, tally.keys)  # the first look: nothing is "new"
                self.new_alerts = 0
            else:
                self.new_alerts = sum(1 for key in tally.keys if key not in seen)
            self.show_alert_counts(tally.counts)

        context.read(alerts.tally, done, lambda _e: None)


def _banner(name: str, background: str, color: str) -> QLabel:
    banner = QLabel()
    banner.setObjectName(name)
    banner.setWordWrap(True)
    banner.setStyleSheet(
        f"QLabel#{name} {{ background: {background}; color: {color}; padding: 6px 10px;"
        f" border-bottom: 1px solid {color}; }}"
    )
    banner.hide()
    return banner
