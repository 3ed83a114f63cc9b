"""The alerts as the alerts screen's table shows them: filtered in place by severity, rule,
site and search text, the new ones in bold, the acknowledged ones in grey."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QIcon

from domain.statuses import Severity
from ui import format as fmt
from ui.resources import icon
from ui.tables.model import TitledTableModel

Index = QModelIndex | QPersistentModelIndex
# The icon of each severity (``ui.resources``).
SEVERITY_ICONS: dict[str, str] = {
    Severity.CRITICAL: "overdue",
    Severity.WARNING: "at_risk",
    Severity.INFO: "info",
}
HEADERS = ("Severity", "Rule", "Subject", "Site", "Message", "Acknowledged")


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
