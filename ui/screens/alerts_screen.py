"""The alerts screen: supply-risk alerts with filters, "go to" the record behind an alert, and
acknowledge or snooze with a note.

The alerts are evaluated in the background by ``services.alerts``; acknowledging writes
through the same service. After an acknowledgement the screen announces a change of kind
``alerts`` on the context, so the window recounts the open critical alerts.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import (
    Qt,
    Signal,
)
from PySide6.QtGui import QHideEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from domain.statuses import Severity
from ui import format as fmt
from ui.context import AppContext
from ui.screens.acknowledge_dialog import AcknowledgeDialog
from ui.screens.alerts_table import AlertTableModel
from ui.screens.common import refill, search_box
from ui.screens.figure_screen import FigureScreen
from ui.screens.table_views import table_view
from ui.widgets import push_button, screen_title

# Which list shows the record behind an alert, by rule.
RULE_SCREENS = {
    "overdue_delivery": "orders",
    "eta_slip": "orders",
    "unconfirmed_order": "orders",
    "lead_time_drift": "leadtimes",
    "capacity_shortfall": "contracts",
    "contract_notice_due": "contracts",
    "power_shortfall": "sites",
    "ppa_coverage_gap": "sites",
    "vendor_concentration": "vendors",
    "ppa_expiring": "ppas",
}


def record_behind(rule: str, subject: str) -> tuple[str, str]:
    """(screen id, text to search there) for the record an alert is about."""
    screen = RULE_SCREENS.get(rule, "orders")
    if screen == "orders":
        return screen, subject.split("/")[0].strip()  # PO/line: the purchase order
    if screen == "leadtimes":
        return screen, subject.split(" / ")[-1].strip()  # vendor / sku: the sku
    return screen, subject


class AlertsScreen(FigureScreen):
    error_title = "Rackbook — Alerts"

    # (screen id, search text): show the record behind the selected alert.
    open_record = Signal(str, str)
    # severity -> open (not hidden) alerts, after each load.
    counts_changed = Signal(dict)
    loaded = Signal()
    # The person has seen the alerts on screen (they left it): the "new" count is stale.
    seen_changed = Signal()

    def __init__(
        self, context: AppContext, parent: QWidget | None = None, as_of: dt.date | None = None
    ) -> None:
        super().__init__(context, "screen_alerts", parent, as_of)
        self.counts: dict[str, int] = {}
        self.model = AlertTableModel(self)
        filter_row = self._build_filters()
        self._build_table()
        buttons = self._build_buttons()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 4)
        layout.addLayout(filter_row)
        layout.addWidget(self.view, 1)
        # The selected alert's whole sentence: the Message column shows its start only.
        from ui.fit import wrapping

        self.message_detail = wrapping(QLabel(""))
        self.message_detail.setObjectName("alertMessage")
        self.message_detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.message_detail)
        layout.addLayout(buttons)
        self._enable()

    def _build_filters(self) -> QHBoxLayout:
        """The title, the search, a list per filter and "Show acknowledged", in one row."""
        self.title = screen_title("Alerts")
        self.search = search_box("alerts")
        self.search.textChanged.connect(self.model.set_search)
        self.filters: dict[str, QComboBox] = {}
        filter_row = QHBoxLayout()
        filter_row.addWidget(self.title)
        filter_row.addSpacing(12)
        filter_row.addWidget(self.search, 2)
        for name, everything in (
            ("severity", "All severities"),
            ("rule", "All rules"),
            ("site", "All sites"),
        ):
            combo = QComboBox()
            combo.setObjectName(f"filter_{name}")
            combo.setAccessibleName(f"Filter by {name}")
            combo.addItem(everything, None)
            combo.currentIndexChanged.connect(
                lambda _i, n=name, c=combo: self.model.set_filter(n, c.currentData())
            )
            self.filters[name] = combo
            filter_row.addWidget(combo, 1)
        self.show_acknowledged = QCheckBox("Show acknowledged")
        self.show_acknowledged.setObjectName("showAcknowledged")
        self.show_acknowledged.toggled.connect(lambda _on: self.refresh())
        filter_row.addWidget(self.show_acknowledged)
        return filter_row

    def _build_table(self) -> None:
        self.view = table_view(self, several=True)
        self.view.setObjectName("alertTable")
        self.view.setAccessibleName("Alerts")
        self.view.setModel(self.model)
        self.view.setWordWrap(False)
        self.view.doubleClicked.connect(lambda _i: self.go_to())
        self.view.selectionModel().currentRowChanged.connect(lambda *_a: self._enable())
        self.view.selectionModel().selectionChanged.connect(lambda *_a: self._enable())
        self.model.modelReset.connect(self._enable)

    def _build_buttons(self) -> QHBoxLayout:
        """The footer's counts, then Go to record, Acknowledge and Snooze."""
        self.go_button = push_button(
            "Go to record",
            self.go_to,
            name="goTo",
            tip="Open the record behind the alert (double-click)",
        )
        self.ack_button = push_button(
            "Acknowledge…", lambda: self.acknowledge(snooze=False), name="acknowledge"
        )
        self.snooze_button = push_button(
            "Snooze…", lambda: self.acknowledge(snooze=True), name="snooze"
        )
        self.footer = QLabel("")
        self.footer.setObjectName("footer")
        buttons = QHBoxLayout()
        buttons.addWidget(self.footer, 1)
        for button in (self.go_button, self.ack_button, self.snooze_button):
            buttons.addWidget(button)
        return buttons

    # --- the screen protocol of the main window ------------------------------------------

    def refresh(self) -> None:
        from services import alerts

        day, everything = self.today(), self.show_acknowledged.isChecked()
        self.read(
            lambda session: alerts.visible_alerts(session, day, include_acknowledged=everything),
            self.show_alerts,
        )

    def mark_seen(self) -> None:
        """Every alert on the screen now counts as seen (done when the person leaves it)."""
        from ui.alerts_seen import remember_seen, seen_keys

        alerts = self.model.all_alerts
        if self.context.database is None or not alerts:
            return
        keys = {a.key for a in alerts if not a.hidden}
        if seen_keys(self.context) != keys:
            # Alerts gone since are forgotten: raised again one day, they are new again.
            remember_seen(self.context, keys)
            if self.model.new_keys:
                self.show_alerts(list(alerts))  # back on the screen, nothing is bold
            self.seen_changed.emit()

    def hideEvent(self, event: QHideEvent) -> None:
        self.mark_seen()
        super().hideEvent(event)

    def save_state(self) -> None:
        self.context.settings.setValue("alerts/acknowledged", self.show_acknowledged.isChecked())

    def restore_state(self) -> None:
        value = self.context.settings.value("alerts/acknowledged", False)
        self.show_acknowledged.blockSignals(True)
        self.show_acknowledged.setChecked(value in (True, "true"))
        self.show_acknowledged.blockSignals(False)

    def today(self) -> dt.date:
        return self.as_of or dt.date.today()

    def _records_changed(self, kind: str) -> None:
        if kind == "alerts":
            return  # this screen's own acknowledgement: it reloads itself
        self.stale = True
        if self.isVisible():
            self.refresh()

    # --- showing -------------------------------------------------------------------------

    def show_alerts(self, alerts: list[Any]) -> None:
        from ui.alerts_seen import seen_keys

        current = self.selected_alert()
        seen = seen_keys(self.context)
        new = [] if seen is None else [a.key for a in alerts if not a.hidden and a.key not in seen]
        self.model.set_alerts(alerts, new)
        for name, combo in self.filters.items():
            values = self.model.distinct(name)
            items = ((fmt.choice(v) if name == "rule" else v, v) for v in values)
            refill(combo, items, combo.currentData() or None)
            self.model.set_filter(name, combo.currentData())
        open_alerts = [a for a in alerts if not a.hidden]
        from services.alerts import counts_by_severity

        self.counts = counts_by_severity(open_alerts)
        hidden = len(alerts) - len(open_alerts)
        self.footer.setText(
            f"{self.counts[Severity.CRITICAL]} critical, {self.counts[Severity.WARNING]} warning, "
            f"{self.counts[Severity.INFO]} info open"
            + (f"; {len(new)} new since you last looked, in bold" if new else "")
            + (f"; {hidden} acknowledged shown in grey" if hidden else "")
            + f" — as of {fmt.date(self.today())}"
        )
        if self.model.rowCount():
            self.view.resizeColumnsToContents()
            self.view.setColumnWidth(2, min(self.view.columnWidth(2), 200))
            self.view.setColumnWidth(4, min(self.view.columnWidth(4), 760))
        if current is not None:
            self.select_key(current.key)
        elif self.model.rowCount():
            self.view.selectRow(0)
        self._enable()
        self.counts_changed.emit(dict(self.counts))
        self.loaded.emit()

    def selected_alert(self) -> Any:
        index = self.view.currentIndex()
        if not index.isValid() or index.row() >= self.model.rowCount():
            return None
        return self.model.alert(index.row())

    def select_key(self, key: str) -> bool:
        for row in range(self.model.rowCount()):
            if self.model.alert(row).key == key:
                self.view.selectRow(row)
                return True
        return False

    def selected_alerts(self) -> list[Any]:
        """The alerts selected (several rows can be), top to bottom."""
        from ui.tables.copying import selected_rows

        count = self.model.rowCount()
        return [self.model.alert(row) for row in selected_rows(self.view) if row < count]

    def _enable(self) -> None:
        alert = self.selected_alert()
        if hasattr(self, "message_detail"):
            self.message_detail.setText(alert.message if alert is not None else "")
        chosen = alert is not None
        several = len(self.selected_alerts()) > 1
        self.go_button.setEnabled(chosen)
        self.ack_button.setText("Acknowledge selected…" if several else "Acknowledge…")
        self.snooze_button.setText("Snooze selected…" if several else "Snooze…")
        # Acknowledging writes to the database: not in a reader's window.
        for button in (self.ack_button, self.snooze_button):
            button.setEnabled(chosen and not self.context.read_only)

    # --- actions -------------------------------------------------------------------------

    def go_to(self) -> None:
        alert = self.selected_alert()
        if alert is not None:
            self.open_record.emit(*record_behind(alert.rule, alert.subject))

    def acknowledge(self, snooze: bool = False) -> None:
        """Acknowledge (or snooze) the selected alerts, one or several, with one note."""
        chosen = self.selected_alerts()
        if not chosen:
            return
        dialog = AcknowledgeDialog(chosen, snooze, self.today(), self)
        self.dialog = dialog  # tests fill it in
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        note, until = dialog.values()
        self.acknowledge_alerts([alert.key for alert in chosen], note, until)

    def acknowledge_keys(self, keys: list[str], messages: list[str]) -> None:
        """The acknowledge dialog for alerts known by key (from the Today view)."""
        from types import SimpleNamespace

        chosen = [SimpleNamespace(key=k, message=m) for k, m in zip(keys, messages, strict=True)]
        dialog = AcknowledgeDialog(chosen, False, self.today(), self.window())
        self.dialog = dialog
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        note, until = dialog.values()
        self.acknowledge_alerts(keys, note, until)

    def acknowledge_alert(self, key: str, note: str | None, until: dt.date | None) -> None:
        self.acknowledge_alerts([key], note, until)

    def acknowledge_alerts(self, keys: list[str], note: str | None, until: dt.date | None) -> None:
        from services import alerts

        day = self.today()

        def done(_alerts: Any) -> None:
            self.context.changed.emit("alerts")
            self.refresh()

        self.context.write(
            lambda session, actor: alerts.acknowledge_many(session, keys, actor, until, note, day),
            done,
            self._failed,
            owner=self,
        )
