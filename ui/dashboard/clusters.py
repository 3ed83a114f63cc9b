"""The dashboard's "Clusters at risk": the deployments late against their needed-by date or
unable to complete (``services.dashboard.ClusterAtRisk``, worst first), each with the part
holding it up. Double-clicking one, or the button, opens the readiness timeline."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from services.dashboard import ClusterAtRisk
from services.words import part_words
from ui import format as fmt
from ui.screens.list_screen import table_view
from ui.tables.rows import Row, RowsModel


def late_words(cluster: ClusterAtRisk) -> str:
    if cluster.ready_date is None:
        return "cannot complete"
    return fmt.counted(cluster.days_late or 0, "day") + " late"


def held_by_words(cluster: ClusterAtRisk) -> str:
    if not cluster.critical_part:
        return ""
    words = part_words(cluster.critical_part)
    return f"{words} ({fmt.number(cluster.missing)} missing)" if cluster.missing else words


def cluster_tip(cluster: ClusterAtRisk) -> str:
    served = f" for {cluster.contract_ref}" if cluster.contract_ref else ""
    needed = f"needed by {fmt.date(cluster.needed_by)}" if cluster.needed_by else "no date set"
    ready = (
        f"ready {fmt.date(cluster.ready_date)}"
        if cluster.ready_date
        else "it cannot complete while parts are missing"
    )
    held = held_by_words(cluster)
    return (
        f"{cluster.ref} at {cluster.site}{served}: {needed}, {ready}"
        + (f"; held up by {held}" if held else "")
        + ". Double-click to see it on the readiness timeline."
    )


class ClustersAtRisk(QWidget):
    """A compact list of the clusters at risk, linking to the readiness timeline."""

    # A deployment's ref ("" for the timeline as it is).
    readiness_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("clustersAtRisk")
        self.title = QLabel("Clusters at risk")
        self.title.setObjectName("clustersTitle")
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.empty = QLabel("No cluster is late or unable to complete.")
        self.empty.setObjectName("clustersEmpty")
        self.empty.setWordWrap(True)
        self.model = RowsModel(
            ["Cluster", "Late", "Held by"],
            tips=(
                "A deployment: one cluster at one site",
                "Days its parts complete after its needed-by date, or that it cannot complete "
                "(a part is missing units)",
                "The part holding it up: the one missing most, else the latest to arrive",
            ),
            parent=self,
        )
        self.view: QTableView = table_view()
        self.view.setObjectName("clustersTable")
        self.view.setAccessibleName("Clusters at risk")
        self.view.setModel(self.model)
        # The part holding a cluster up takes the room the other two leave.
        self.view.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        # Narrow: the part holding a cluster up is cut short (its tooltip says it whole)
        # rather than scrolled to.
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.view.doubleClicked.connect(self._chosen)
        self.view.activated.connect(self._chosen)
        self.open_button = QPushButton("Open the readiness timeline")
        self.open_button.setObjectName("openReadiness")
        self.open_button.clicked.connect(self._open)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget, stretch in ((self.title, 0), (self.empty, 0), (self.view, 1)):
            layout.addWidget(widget, stretch)
        layout.addWidget(self.open_button)
        self.show_clusters([])

    def show_clusters(self, clusters: Sequence[ClusterAtRisk]) -> None:
        self.model.set_rows(
            Row(
                (c.ref, late_words(c), held_by_words(c)),
                key=c.ref,
                tone="critical" if c.ready_date is None else "late",
                tip=cluster_tip(c),
            )
            for c in clusters
        )
        self.title.setText(
            f"Clusters at risk ({fmt.number(len(clusters))})" if clusters else "Clusters at risk"
        )
        self.empty.setVisible(not clusters)
        self.view.setVisible(bool(clusters))
        for column in (0, 1):
            self.view.resizeColumnToContents(column)

    def _chosen(self, index: QModelIndex) -> None:
        key = self.model.key(index.row())
        if key is not None:
            self.readiness_requested.emit(str(key))

    def _open(self) -> None:
        index = self.view.currentIndex()
        key = self.model.key(index.row()) if index.isValid() else None
        self.readiness_requested.emit(str(key) if key is not None else "")
