"""The alerts screen: supply-risk alerts with filters, "go to" the record behind an alert, and
acknowledge or snooze with a note.

The alerts are evaluated in the background by ``services.alerts``; acknowledging writes
through the same service. After an acknowledgement the screen announces a change of kind
``alerts`` on the context, so the window recounts the open critical alerts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont, QHideEvent, QIcon
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ui import format as fmt
from ui.context import AppContext
from ui.resources import icon
from ui.screens.common import push_button, refill, screen_title, search_box
from ui.screens.figure_screen import FigureScreen
from ui.screens.table_views import table_view
from ui.tables.model import TitledTableModel
from ui.widgets import DateField

Index = QModelIndex | QPersistentModelIndex
SEVERITY_ICONS = {"critical": "overdue", "warning": "at_risk", "info": "info"}
HEADERS = ("Severity", "Rule", "Subject", "Site", "Message", "Acknowledged")
# Alerts quoted in the acknowledge dialog when several are acknowledged together.
MESSAGES_SHOWN = 6

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


class AlertTableModel(TitledTableModel):
    """Alerts (``services.alerts.Alert``) filtered in place, like the list models."""

    headers = HEADERS

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._alerts: list[Any] = []
        self._shown: list[Any] = []
        self._filters: dict[str, str | None] = {"severity": None, "rule": None, "site": None}
        self._needle = ""
        self._icons: dict[str, QIcon] = {}
        #: Keys of the alerts raised since the person last looked (shown bold).
        self.new_keys: frozenset[str] = frozenset()
        self._bold = QFont()
        self._bold.setBold(True)

    def set_alerts(self, alerts: Sequence[Any], new_keys: Iterable[str] = ()) -> None:
        self._alerts = list(alerts)
        self.new_keys = frozenset(new_keys)
        self._refilter()

    def set_filter(self, name: str, value: str | None) -> None:
        self._filters[name] = value
        self._refilter()

    def set_search(self, text: str) -> None:
        self._needle = text.strip().casefold()
        self._refilter()

    def _refilter(self) -> None:
        shown = []
        for alert in self._alerts:
            if any(
                value is not None and (getattr(alert, name) or "") != value
                for name, value in self._filters.items()
            ):
                continue
            if self._needle and self._needle not in _haystack(alert):
                continue
            shown.append(alert)
        self.beginResetModel()
        self._shown = shown
        self.endResetModel()

    def alert(self, row: int) -> Any:
        return self._shown[row]

    @property
    def all_alerts(self) -> list[Any]:
        """Every alert loaded, shown or filtered out."""
        return self._alerts

    def distinct(self, name: str) -> list[str]:
        return sorted({getattr(a, name) for a in self._alerts if getattr(a, name)})

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._shown)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._shown):
            return None
        alert = self._shown[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            ack = alert.acknowledged
            return (
                alert.severity,
                fmt.choice(alert.rule),
                alert.subject,
                alert.site or "",
                alert.message,
                _ack_text(ack) if ack is not None else "",
            )[column]
        if role == Qt.ItemDataRole.DecorationRole and column == 0:
            name = SEVERITY_ICONS.get(alert.severity, "info")
            if name not in self._icons:
                self._icons[name] = icon(name)
            return self._icons[name]
        if role == Qt.ItemDataRole.ToolTipRole:
            return alert.message
        if role == Qt.ItemDataRole.ForegroundRole and alert.hidden:
            return QBrush(QColor(130, 130, 130))
        if role == Qt.ItemDataRole.FontRole and alert.key in self.new_keys:
            return self._bold
        return None


def _haystack(alert: Any) -> str:
    return " ".join(
        (alert.rule.replace("_", " "), alert.subject, alert.site or "", alert.message)
    ).casefold()


def _ack_text(ack: Any) -> str:
    text = f"{ack.user}, {fmt.when(ack.acknowledged_at)}"
    if ack.snoozed_until:
        text += f", until {fmt.date(ack.snoozed_until)}"
    if ack.note:
        text += f": {ack.note}"
    return text


class AcknowledgeDialog(QDialog):
    """A note, and optionally the day until which the alerts stay hidden."""

    def __init__(
        self,
        alerts: Sequence[Any],
        snooze: bool,
        today: dt.date,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        # One alert, or several acknowledged together with one note and date.
        chosen = list(alerts)
        what = "alert" if len(chosen) == 1 else f"{len(chosen)} alerts"
        self.setWindowTitle(f"Snooze {what}" if snooze else f"Acknowledge {what}")
        self.today = today
        lines = [a.message for a in chosen[:MESSAGES_SHOWN]]
        if len(chosen) > MESSAGES_SHOWN:
            lines.append(f"… and {len(chosen) - MESSAGES_SHOWN} more")
        message = QLabel("\n".join(lines))
        message.setTextFormat(Qt.TextFormat.PlainText)
        message.setWordWrap(True)
        self.note = QPlainTextEdit()
        self.note.setObjectName("ackNote")
        self.note.setPlaceholderText("Why it can wait, who is on it…")
        self.note.setFixedHeight(70)
        self.until = DateField()
        self.until.setObjectName("ackUntil")
        if snooze:
            self.until.set_value(today + dt.timedelta(days=7))
        form = QFormLayout()
        form.addRow("Alert:" if len(chosen) == 1 else "Alerts:", message)
        form.addRow("Note:", self.note)
        form.addRow("Hidden until:", self.until)
        hint = QLabel(
            "The alert comes back after that day, or sooner if it gets worse. "
            "Without a date it stays hidden until it gets worse."
        )
        hint.setWordWrap(True)
        hint.setObjectName("tileDetail")
        self.problem = QLabel("")
        self.problem.setProperty("problem", True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.resize(520, 260)

    def accept(self) -> None:
        until = self.until.value()
        if until is not None and until < self.today:
            self.problem.setText(
                f"The day to hide it until has already passed ({fmt.date(until)})."
            )
            return
        super().accept()

    def values(self) -> tuple[str | None, dt.date | None]:
        note = self.note.toPlainText().strip()
        return (note or None), self.until.value()


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
            "Go to record", "goTo", self.go_to, "Open the record behind the alert (double-click)"
        )
        self.ack_button = push_button(
            "Acknowledge…", "acknowledge", lambda: self.acknowledge(snooze=False)
        )
        self.snooze_button = push_button("Snooze…", "snooze", lambda: self.acknowledge(snooze=True))
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
        self.counts = {
            s: sum(1 for a in open_alerts if a.severity == s)
            for s in ("critical", "warning", "info")
        }
        hidden = len(alerts) - len(open_alerts)
        self.footer.setText(
            f"{self.counts['critical']} critical, {self.counts['warning']} warning, "
            f"{self.counts['info']} info open"
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
