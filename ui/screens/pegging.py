"""What supplies a contract, and what an order line supplies: the detail tabs of the Contracts
and Orders screens.

``ContractSupplyPanel`` shows a contract's pegging (``services.pegging.ContractPegging``): its
need-by, delivery and order-by dates, days late, late credit, the lines that serve it (secured
or late) and the deployments it is delivered through. ``LineServesPanel`` shows what one order
line serves (``services.pegging.LinePegging``) and, when its date has passed, that it is at
risk and what waits for it. Both only show what the service says.
"""

from __future__ import annotations

from html import escape
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from services.pegging import ContractPegging, LinePegging
from services.words import part_words
from ui import format as fmt
from ui.screens.table_views import table_view
from ui.tables.rows import Row, RowsModel

SECURED = "secured"
LATE = "late"


def _days(count: int) -> str:
    return fmt.counted(count, "day")


def _gpus(count: int) -> str:
    return f"{fmt.number(count)} GPU{'' if count == 1 else 's'}"


def late_credit_text(peg: ContractPegging) -> str:
    """The late credit as a buyer reads it: an amount, "unbounded", or why there is none."""
    if not peg.binding:
        return "none (does not bind)"
    if peg.late_credit_unbounded:
        return "unbounded (delivery unknown, no cap)"
    if peg.late_credit_per_day is None:
        return "none agreed"
    return fmt.money(peg.late_credit, peg.currency)


def order_by_text(peg: ContractPegging) -> str:
    if peg.order_by is None:
        if peg.binding and peg.shortfall > 0:
            return f"no quote for {peg.gpu_model} GPUs" if peg.gpu_model else "no GPU quote"
        return "—"
    if peg.order_by < peg.as_of:
        return f"{fmt.date(peg.order_by)} (passed: expedite)"
    return fmt.date(peg.order_by)


def delivery_text(peg: ContractPegging) -> str:
    if not peg.binding:
        return "—"
    if peg.delivery_date is None:
        return "unknown (cannot complete)" if peg.via_deployments else "unknown (GPUs missing)"
    return fmt.date(peg.delivery_date)


def days_late_text(peg: ContractPegging) -> str:
    if not peg.binding:
        return "—"
    if peg.days_late is None:
        return "unknown"
    return "on time" if peg.days_late == 0 else _days(peg.days_late)


def contract_note(peg: ContractPegging) -> str:
    """The sentences under a contract's figures (rich text): how it is served, where the
    order-by date comes from, the overdue GPUs at its site."""
    if not peg.binding:
        status = escape(fmt.choice(peg.status).lower())
        return (
            f"{escape(peg.ref)} is {status}: it does not bind, so no GPUs are pegged to it "
            f"({_gpus(peg.committed_gpus)} committed)."
        )
    parts = []
    model = peg.gpu_model or "any model"
    if peg.committed_gpus:
        parts.append(
            f"{_gpus(peg.committed_gpus)} of {escape(model)} committed: "
            f"{fmt.number(peg.gpus_secured)} secured by {fmt.date(peg.need_by)}, "
            f"{fmt.number(peg.late_gpus)} later, <b>{fmt.number(peg.shortfall)} short</b>."
            if peg.shortfall
            else f"{_gpus(peg.committed_gpus)} of {escape(model)} committed, all secured by "
            f"{fmt.date(peg.need_by)}."
        )
    if peg.via_deployments:
        parts.append(
            "It is delivered through its deployments: its GPUs are what their parts take, "
            "and it is delivered when the last of them is ready."
        )
    if peg.quickest_sku and peg.order_by is not None:
        of_what = f"{escape(peg.gpu_model)} GPUs" if peg.gpu_model else "any GPU product"
        parts.append(
            f"Order by: its need-by date less the quickest quote for {of_what} "
            f"({escape(peg.quickest_vendor or '')} {escape(peg.quickest_sku)}, "
            f"{_days(peg.quickest_lead_days or 0)})."
        )
    if peg.site_overdue_gpus:
        parts.append(
            f"At {escape(peg.site)}, {_gpus(peg.site_overdue_gpus)} are overdue: they count for "
            "nothing here until their vendors give new dates."
        )
    return " ".join(parts)


def _fact(title: str) -> tuple[QLabel, QLabel]:
    caption = QLabel(title)
    caption.setObjectName("factCaption")
    font = caption.font()
    font.setBold(True)
    caption.setFont(font)
    value = QLabel()
    value.setObjectName("factValue")
    value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    value.setWordWrap(True)
    return caption, value


def _table(name: str, model: RowsModel) -> QTableView:
    view = table_view()
    view.setObjectName(name)
    view.setModel(model)
    view.horizontalHeader().setStretchLastSection(True)
    return view


def _columns_model(
    columns: tuple[tuple[str, str], ...], numeric: tuple[int, ...], parent: QWidget
) -> RowsModel:
    """A table's rows with ``columns`` (title, tip; blank: none), ``numeric`` ones aligned."""
    titles = [title for title, _tip in columns]
    return RowsModel(titles, numeric=numeric, tips=[tip for _t, tip in columns], parent=parent)


# The pegged lines' columns and their tips (blank: none).
LINE_COLUMNS = (
    ("PO/line", ""),
    ("Vendor", ""),
    ("SKU", ""),
    ("GPUs", "GPUs of this line that serve the contract"),
    ("Date", "When they come: received on, or the line's ETA"),
    ("Secured or late", "Secured: dated on or before the need-by date. Late: dated after it."),
)
# The serving deployments' columns and their tips.
DEPLOYMENT_COLUMNS = (
    ("Deployment", ""),
    ("Status", ""),
    ("Needed by", "Its target date, else the contract's need-by date"),
    ("Parts complete", "When its last part (or its power) is in; blank: it cannot complete"),
    ("Ready", "Parts complete plus the install buffer"),
    ("Days late", "Parts complete less needed-by, when later"),
    ("Held by", "The part holding it up: the one missing most, else the latest"),
)


class ContractSupplyPanel(QWidget):
    """A contract's pegging. Double-clicking a line asks for it in the Orders screen,
    double-clicking a deployment for it in the Readiness screen."""

    # (order line ids, what they are): show those lines.
    lines_requested = Signal(object, str)
    # A deployment's ref: show it on the readiness timeline.
    readiness_requested = Signal(str)

    FACTS = (
        ("need_by", "GPUs needed by"),
        ("delivery", "Delivery date"),
        ("days_late", "Days late"),
        ("late_credit", "Late credit"),
        ("order_by", "Order by"),
    )

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("contractSupply")
        self.pegging: ContractPegging | None = None
        self.waiting = QLabel("Select a contract to see what supplies it.")
        self.waiting.setObjectName("supplyWaiting")
        facts = self._build_facts()
        self.note = QLabel()
        self.note.setObjectName("supplyNote")
        self.note.setWordWrap(True)
        self.note.setTextFormat(Qt.TextFormat.RichText)
        self.note.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        tables = self._build_tables()
        self.content = QWidget()
        content_layout = QVBoxLayout(self.content)
        content_layout.setContentsMargins(0, 0, 0, 0)
        content_layout.addWidget(facts)
        content_layout.addWidget(self.note)
        content_layout.addLayout(tables, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.waiting)
        layout.addWidget(self.content, 1)
        self.content.hide()

    def _build_facts(self) -> QFrame:
        """The contract's facts in a row: a caption over each value (``facts``)."""
        facts = QFrame()
        facts.setObjectName("supplyFacts")
        grid = QGridLayout(facts)
        grid.setContentsMargins(0, 0, 0, 0)
        self.facts: dict[str, QLabel] = {}
        for i, (name, title) in enumerate(self.FACTS):
            caption, value = _fact(title)
            value.setObjectName(f"fact_{name}")
            grid.addWidget(caption, 0, i)
            grid.addWidget(value, 1, i)
            grid.setColumnStretch(i, 1)
            self.facts[name] = value
        return facts

    def _build_tables(self) -> QHBoxLayout:
        """The lines that serve the contract beside the deployments serving it."""
        self.lines_model = _columns_model(LINE_COLUMNS, (3,), self)
        self.lines_view = _table("peggedLines", self.lines_model)
        self.lines_view.doubleClicked.connect(self._line_chosen)
        self.lines_view.setToolTip("Double-click a line to see it in the orders")
        self.deployments_model = _columns_model(DEPLOYMENT_COLUMNS, (5,), self)
        self.deployments_view = _table("servingDeployments", self.deployments_model)
        self.deployments_view.doubleClicked.connect(self._deployment_chosen)
        self.deployments_view.setToolTip("Double-click a deployment to see it on the timeline")
        self.lines_title = QLabel("Lines that serve it")
        self.deployments_title = QLabel("Deployments serving it")
        tables = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(self.lines_title)
        left.addWidget(self.lines_view, 1)
        right = QVBoxLayout()
        right.addWidget(self.deployments_title)
        right.addWidget(self.deployments_view, 1)
        tables.addLayout(left, 3)
        tables.addLayout(right, 2)
        return tables

    def clear(self, message: str = "Select a contract to see what supplies it.") -> None:
        self.pegging = None
        self.waiting.setText(message)
        self.waiting.show()
        self.content.hide()
        self.lines_model.set_rows([])
        self.deployments_model.set_rows([])

    def show_pegging(self, peg: ContractPegging) -> None:
        self.pegging = peg
        self.waiting.hide()
        self.content.show()
        self.facts["need_by"].setText(fmt.date(peg.need_by))
        self.facts["delivery"].setText(delivery_text(peg))
        self.facts["days_late"].setText(days_late_text(peg))
        self.facts["late_credit"].setText(late_credit_text(peg))
        self.facts["order_by"].setText(order_by_text(peg))
        self.note.setText(contract_note(peg))
        self.lines_model.set_rows(
            Row(
                (
                    line.ref,
                    line.vendor,
                    line.sku,
                    fmt.number(line.gpus),
                    fmt.date(line.date),
                    SECURED if line.secured else LATE,
                ),
                key=line.line_id,
                tone="" if line.secured else "late",
                tip=(
                    f"{line.ref}: {_gpus(line.gpus)} on {fmt.date(line.date)}, "
                    + (
                        f"by the need-by date {fmt.date(peg.need_by)}"
                        if line.secured
                        else f"after the need-by date {fmt.date(peg.need_by)}"
                    )
                ),
            )
            for line in peg.lines
        )
        self.lines_title.setText(
            f"Lines that serve it ({len(peg.lines)})" if peg.lines else "No line serves it yet"
        )
        self.deployments_model.set_rows(
            Row(
                (
                    d.ref,
                    fmt.choice(d.status),
                    fmt.date(d.needed_by),
                    fmt.date(d.parts_complete) or "cannot complete",
                    fmt.date(d.ready_date),
                    "" if d.days_late is None else fmt.number(d.days_late),
                    part_words(d.critical_part) if d.critical_part else "",
                ),
                key=d.ref,
                tone="bad" if d.ready_date is None else ("late" if d.days_late else "good"),
                tip=(f"{d.ref} — {d.name}" if d.name else d.ref)
                + ". Double-click to see it on the readiness timeline.",
            )
            for d in peg.deployments
        )
        self.deployments_title.setText(
            f"Deployments serving it ({len(peg.deployments)})"
            if peg.deployments
            else "No deployment: served by its GPUs directly"
        )
        for view in (self.lines_view, self.deployments_view):
            view.resizeColumnsToContents()

    def _line_chosen(self, index: QModelIndex) -> None:
        key = self.lines_model.key(index.row())
        if key is not None and self.pegging is not None:
            # Every line that serves the contract, the one chosen first (it is selected).
            ids = [key] + [line.line_id for line in self.pegging.lines if line.line_id != key]
            self.lines_requested.emit(
                list(dict.fromkeys(ids)), f"contract {self.pegging.ref} (the lines that serve it)"
            )

    def _deployment_chosen(self, index: QModelIndex) -> None:
        key = self.deployments_model.key(index.row())
        if key is not None:
            self.readiness_requested.emit(str(key))


def line_summary(peg: LinePegging) -> str:
    """What an order line serves, or that it is at risk (rich text)."""
    parts = []
    if peg.overdue:
        parts.append(
            f"<b>At risk: overdue since {fmt.date(peg.expected_date)} "
            f"({_days(peg.days_overdue)}).</b> Its {fmt.counted(peg.overdue_units, 'open unit')}"
            + (f" ({_gpus(peg.overdue_gpus)})" if peg.gpus_per_unit > 0 else "")
            + " count for nothing until the vendor gives a new ETA."
        )
    elif peg.on_hold and peg.undated_units:
        parts.append(
            f"<b>On hold:</b> its {fmt.counted(peg.undated_units, 'open unit')} count for nothing "
            "while it is on hold."
        )
    elif peg.undated_units:
        parts.append(
            f"<b>Undated:</b> its {fmt.counted(peg.undated_units, 'open unit')} count for nothing "
            "until the vendor gives a date."
        )
    contracts = sorted({u.ref for u in peg.uses if u.kind == "contract"})
    deployments = sorted({u.ref for u in peg.uses if u.kind == "deployment"})
    if contracts or deployments:
        served = [f"contract {escape(ref)}" for ref in contracts] + [
            f"deployment {escape(ref)}" for ref in deployments
        ]
        parts.append("It serves " + ", ".join(served) + ".")
    elif not peg.at_risk:
        parts.append("It serves no contract or deployment.")
    if peg.waiting:
        parts.append(
            "Waiting for it: "
            + "; ".join(
                f"{escape(w.deployment_ref)} ({escape(part_words(w.part))}, "
                f"{fmt.number(w.missing)} missing)"
                for w in peg.waiting
            )
            + "."
        )
    if peg.short_contracts:
        parts.append(
            f"Short of GPUs of its model at {escape(peg.site)}: "
            + "; ".join(
                f"{escape(c.ref)} ({escape(c.customer)}, {fmt.number(c.shortfall)} short by "
                f"{fmt.date(c.need_by)})"
                for c in peg.short_contracts
            )
            + "."
        )
    return " ".join(p for p in parts if p)


class LineServesPanel(QWidget):
    """What one order line serves. Double-clicking a deployment asks for it on the timeline,
    a contract for it in the contracts."""

    readiness_requested = Signal(str)
    contract_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lineServes")
        self.pegging: LinePegging | None = None
        self.summary = QLabel("Select an order line to see what it serves.")
        self.summary.setObjectName("servesSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.model = RowsModel(
            ["Serves", "For", "Part", "Units", "GPUs", "Date", "In time"],
            numeric=(3, 4),
            tips=(
                "A contract, or a deployment (a cluster)",
                "The contract's customer, or the deployment's name",
                "The deployment's part this line fills",
                "",
                "",
                "When they come: received on, or the line's ETA",
                "A contract's GPUs: secured by its need-by date, or late. A deployment's "
                "part: by its needed-by date, or late.",
            ),
            parent=self,
        )
        self.view = _table("lineUses", self.model)
        self.view.doubleClicked.connect(self._chosen)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.summary)
        layout.addWidget(self.view, 1)

    def clear(self, message: str = "Select an order line to see what it serves.") -> None:
        self.pegging = None
        self.summary.setText(message)
        self.model.set_rows([])
        self.view.hide()

    def show_pegging(self, peg: LinePegging) -> None:
        self.pegging = peg
        self.summary.setText(line_summary(peg) or f"{peg.ref} serves nothing.")
        rows = [
            Row(
                (
                    f"{'contract' if u.kind == 'contract' else 'deployment'} {u.ref}",
                    u.who,
                    part_words(u.part) if u.part else "",
                    fmt.number(u.units),
                    fmt.number(u.gpus) if u.gpus else "",
                    fmt.date(u.date),
                    "" if u.in_time is None else ("yes" if u.in_time else "late"),
                ),
                key=(u.kind, u.ref),
                tone="late" if u.in_time is False else "",
            )
            for u in peg.uses
        ]
        # The clusters held up for want of what this line would bring.
        rows.extend(
            Row(
                (
                    f"deployment {w.deployment_ref}",
                    w.who,
                    part_words(w.part),
                    f"{fmt.number(w.missing)} missing",
                    "",
                    "",
                    "waiting for it",
                ),
                key=("deployment", w.deployment_ref),
                tone="bad",
                tip=f"{w.deployment_ref} cannot complete: {fmt.number(w.missing)} units of "
                f"{part_words(w.part)} missing, which this line would bring",
            )
            for w in peg.waiting
        )
        self.model.set_rows(rows)
        self.view.setVisible(bool(rows))
        self.view.resizeColumnsToContents()

    def _chosen(self, index: QModelIndex) -> None:
        key: Any = self.model.key(index.row())
        if key is None:
            return
        if key[0] == "deployment":
            self.readiness_requested.emit(str(key[1]))
        elif key[0] == "contract":
            self.contract_requested.emit(str(key[1]))
