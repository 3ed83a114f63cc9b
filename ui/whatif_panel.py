"""The What if… panel (DESIGN §10): a vendor writes "we slip six weeks"; which customer does
that hurt, and what does it cost?

The person picks targets (a vendor, a PO, a PO/line; several) and days; the panel asks
``services.whatif`` on a worker thread (``AppContext.read``) and draws what changes, before →
after: contracts (largest money first, as the service orders them), deployments, alerts raised
and cleared, and the dashboard's supply chart with the moved supply beside today's. Every
figure is the service's; nothing here computes one. A result that comes back after the inputs
changed is discarded. Scenarios are kept under a name and reopened; "Apply as ETA changes"
writes the scenario's moved ETAs (audited, source what-if) after a confirmation, through the
window's undo history, and the service's refusal (a line changed since) is shown as it says it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import shiboken6
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ui import format as fmt
from ui.charts import BLUE, ORANGE, RED, Chart
from ui.context import AppContext
from ui.widgets import ask, push_button

TODAY = "GPUs secured or dated, today"
MOVED = "GPUs secured or dated, with the slips"
COMMITTED = "GPUs committed to contracts"
ARROW = " → "
DEFAULT_DAYS = 42  # "we slip six weeks"
# Typing settles this long before the panel recomputes (each change starts a new result).
SETTLE_MS = 250

CONTRACT_COLUMNS = (
    "Contract",
    "Customer",
    "Secured GPUs",
    "Short",
    "Delivery",
    "Days late",
    "Late credit",
)
DEPLOYMENT_COLUMNS = ("Deployment", "Ready date", "Days late", "Critical part")
ALERT_COLUMNS = ("Change", "Severity", "Alert")


def _day(text: str | None) -> str:
    return fmt.date(dt.date.fromisoformat(text)) if text else "unknown"


def _credit(state: dict[str, Any], currency: str) -> str:
    if state.get("late_credit_unbounded"):
        return "unbounded"
    value = state.get("late_credit")
    return fmt.money(Decimal(value) if value is not None else Decimal(0), currency)


def _part(part: str | None) -> str:
    from services.words import part_words

    return part_words(part) if part else "none"


def _pair(before: str, after: str) -> str:
    return before if before == after else before + ARROW + after


def _table(columns: tuple[str, ...], name: str) -> QTableWidget:
    table = QTableWidget(0, len(columns))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(list(columns))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _fill(table: QTableWidget, rows: list[list[str]]) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            if ARROW in text:
                font = item.font()
                font.setBold(True)
                item.setFont(font)
                header = table.horizontalHeaderItem(c)
                item.setToolTip(f"{header.text() if header else ''}: before → after")
            table.setItem(r, c, item)


class WhatIfPanel(QDialog):
    # A result has been drawn (tests and the window wait on it).
    computed = Signal()
    # A scenario was applied: the moves written.
    applied = Signal(object)

    def __init__(
        self, context: AppContext, parent: QWidget | None = None, as_of: dt.date | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("whatIfPanel")
        self.setWindowTitle("What if…")
        self.setAccessibleName("What if panel")
        self.context = context
        self.as_of = as_of
        self.slips: list[Any] = []  # services.whatif.SlipRequest, in the order given
        self.outcome: Any = None  # the outcome drawn (None: nothing yet, or inputs changed)
        self.supply: list[Any] = []
        self.scenario: Any = None  # the scenario opened or saved (services.whatif.SavedScenario)
        self.generation = 0
        self.discarded = 0
        self.last_message = ""
        # The site whose chart shows first (the dashboard's, when opened from there).
        self.preferred_site = ""

        grid = self._slips_grid()
        scenario_row = self._scenario_row()
        self.tabs = self._results_tabs()
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(self.message)
        layout.addLayout(scenario_row)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)
        self.resize(1100, 720)

        for button in self.findChildren(QPushButton):
            # Return in the target adds the slip; it never presses a button besides.
            button.setAutoDefault(False)
            button.setDefault(False)
        self.settle = QTimer(self)
        self.settle.setSingleShot(True)
        self.settle.setInterval(SETTLE_MS)
        self.settle.timeout.connect(self.recompute)
        self.message.setVisible(False)
        self._update_buttons()
        self.context.changed.connect(self._records_changed)
        self.load_names()

    def _slips_grid(self) -> QGridLayout:
        """The slips: a target and days to move it, added to the list of slips."""
        self.target_edit = QLineEdit()
        self.target_edit.setObjectName("whatIfTarget")
        self.target_edit.setPlaceholderText("Vendor, PO or PO/line")
        self.target_edit.setAccessibleName("Slip target")
        self.target_edit.setToolTip(
            "A vendor (name or alias), a purchase order number or PO/line; * for everything"
        )
        self.target_edit.returnPressed.connect(self.add_from_fields)
        self.completer = QCompleter([], self.target_edit)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.target_edit.setCompleter(self.completer)
        self.days_spin = QSpinBox()
        self.days_spin.setObjectName("whatIfDays")
        from services.whatif import MAX_DAYS as MAX_SLIP_DAYS

        self.days_spin.setRange(-MAX_SLIP_DAYS, MAX_SLIP_DAYS)
        self.days_spin.setValue(DEFAULT_DAYS)
        self.days_spin.setSuffix(" days")
        self.days_spin.setAccessibleName("Days to move")
        self.days_spin.setToolTip(
            f"How many days the supply dates move: later (positive) or earlier (negative), "
            f"at most {MAX_SLIP_DAYS:,} either way"
        )
        self.add_button = push_button("&Add slip", self.add_from_fields, accessible="Add slip")
        self.slip_list = QListWidget()
        self.slip_list.setObjectName("whatIfSlips")
        self.slip_list.setAccessibleName("Slips")
        self.slip_list.setMaximumHeight(90)
        self.remove_button = push_button(
            "&Remove slip", self.remove_selected, accessible="Remove slip"
        )
        QShortcut(QKeySequence.StandardKey.Delete, self.slip_list, self.remove_selected)
        self.message = QLabel("")
        self.message.setObjectName("whatIfMessage")
        self.message.setWordWrap(True)
        self.message.setAccessibleName("What-if message")

        grid = QGridLayout()
        target_label = QLabel("&Target:")
        target_label.setBuddy(self.target_edit)
        days_label = QLabel("&Days:")
        days_label.setBuddy(self.days_spin)
        grid.addWidget(target_label, 0, 0)
        grid.addWidget(self.target_edit, 0, 1)
        grid.addWidget(days_label, 0, 2)
        grid.addWidget(self.days_spin, 0, 3)
        grid.addWidget(self.add_button, 0, 4)
        grid.addWidget(self.slip_list, 1, 1, 1, 3)
        grid.addWidget(self.remove_button, 1, 4, Qt.AlignmentFlag.AlignTop)
        grid.setColumnStretch(1, 1)
        return grid

    def _scenario_row(self) -> QHBoxLayout:
        """The scenarios kept: open, delete, save under a name, apply as ETA changes."""
        self.scenario_choice = QComboBox()
        self.scenario_choice.setObjectName("scenarioChoice")
        self.scenario_choice.setAccessibleName("Saved scenarios")
        self.scenario_choice.setMinimumContentsLength(18)
        self.open_button = push_button(
            "&Open",
            lambda: self.open_scenario(self.scenario_choice.currentText()),
            accessible="Open scenario",
        )
        self.delete_button = push_button(
            "De&lete", self.delete_scenario, accessible="Delete scenario"
        )
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("scenarioName")
        self.name_edit.setPlaceholderText("Scenario name")
        self.name_edit.setAccessibleName("Scenario name")
        self.save_button = push_button(
            "&Save scenario",
            lambda: self.save_scenario(self.name_edit.text()),
            accessible="Save scenario",
        )
        self.apply_button = push_button(
            "A&pply as ETA changes…",
            self.ask_apply,
            accessible="Apply as ETA changes",
            name="applyScenario",
        )

        scenario_row = QHBoxLayout()
        scenario_label = QLabel("S&cenario:")
        scenario_label.setBuddy(self.scenario_choice)
        scenario_row.addWidget(scenario_label)
        scenario_row.addWidget(self.scenario_choice, 1)
        scenario_row.addWidget(self.open_button)
        scenario_row.addWidget(self.delete_button)
        scenario_row.addSpacing(12)
        scenario_row.addWidget(self.name_edit, 1)
        scenario_row.addWidget(self.save_button)
        scenario_row.addWidget(self.apply_button)
        return scenario_row

    def _results_tabs(self) -> QTabWidget:
        """What the slips change: contracts, deployments, alerts, and the supply chart."""
        self.summary = QLabel("Add a slip to see what it changes. Nothing is written.")
        self.summary.setObjectName("whatIfSummary")
        self.summary.setWordWrap(True)
        self.contracts = _table(CONTRACT_COLUMNS, "whatIfContracts")
        self.contracts.setAccessibleName("Contracts, before and after")
        self.deployments = _table(DEPLOYMENT_COLUMNS, "whatIfDeployments")
        self.deployments.setAccessibleName("Deployments, before and after")
        self.alerts = _table(ALERT_COLUMNS, "whatIfAlerts")
        self.alerts.setAccessibleName("Alerts raised and cleared")
        self.site_choice = QComboBox()
        self.site_choice.setObjectName("whatIfSite")
        self.site_choice.setAccessibleName("Site of the supply chart")
        self.site_choice.currentIndexChanged.connect(lambda _i: self.draw_supply())
        self.chart = Chart(
            "GPU supply, today and with the slips", y_label="GPUs", legend_below=True
        )
        self.chart.setObjectName("whatIfChart")
        chart_page = QWidget()
        chart_box = QVBoxLayout(chart_page)
        chart_head = QHBoxLayout()
        site_label = QLabel("S&ite:")
        site_label.setBuddy(self.site_choice)
        chart_head.addWidget(site_label)
        chart_head.addWidget(self.site_choice, 1)
        chart_box.addLayout(chart_head)
        chart_box.addWidget(self.chart, 1)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("What-if results")
        self.tabs.addTab(self.contracts, "Contracts")
        self.tabs.addTab(self.deployments, "Deployments")
        self.tabs.addTab(self.alerts, "Alerts")
        self.tabs.addTab(chart_page, "Supply chart")

        return self.tabs

    def _records_changed(self, kind: str) -> None:
        """Records written elsewhere in the window: what is drawn may be out of date."""
        kinds = ("orders", "contracts", "deployments", "deployment_parts", "vendors")
        if kind in kinds and self.slips and self.isVisible():
            self._changed()

    # --- the slips -----------------------------------------------------------------------

    def load_names(self) -> None:
        """The names a target may take (completion) and the scenarios kept."""
        from services import whatif

        def work(session: Any) -> tuple[list[str], list[str]]:
            return whatif.target_names(session), [s.name for s in whatif.scenarios(session)]

        self.context.read(work, self._names_loaded, self._failed, owner=self)

    def _names_loaded(self, found: tuple[list[str], list[str]]) -> None:
        names, kept = found
        self.completer.model().setStringList(names)  # type: ignore[attr-defined]
        current = self.scenario_choice.currentText()
        self.scenario_choice.clear()
        self.scenario_choice.addItems(kept)
        if current in kept:
            self.scenario_choice.setCurrentText(current)
        self._update_buttons()

    def set_slips(self, slips: list[tuple[str, int]]) -> bool:
        """Start again from ``slips`` (target, days): the panel opened on a record."""
        self.slips = []
        self.scenario = None
        added = [self.add_slip(target, days) for target, days in slips]
        self._changed()
        return all(added)

    def add_from_fields(self) -> None:
        if self.add_slip(self.target_edit.text(), self.days_spin.value()):
            self.target_edit.clear()
            self._changed()

    def add_slip(self, target: str, days: int) -> bool:
        """One more slip (a target already given takes the new days); False with the reason
        in the message line when it cannot be one."""
        from services import whatif
        from services.errors import RackbookError

        target = " ".join(target.split())
        if not target:
            self.say("Type a vendor, a purchase order number or PO/line to slip.")
            return False
        try:
            request = whatif.SlipRequest(target, whatif.check_days(int(days), target))
        except RackbookError as error:
            self.say(str(error))
            return False
        self.slips = [s for s in self.slips if s.target.casefold() != target.casefold()]
        self.slips.append(request)
        self.say("")
        return True

    def remove_selected(self) -> None:
        row = self.slip_list.currentRow()
        if 0 <= row < len(self.slips):
            del self.slips[row]
            self._changed()

    def _changed(self) -> bool:
        """The inputs changed: what is drawn no longer answers them; recompute soon."""
        self.slip_list.clear()
        for request in self.slips:
            item = QListWidgetItem(f"{request.target}: {request.days:+,d} days")
            item.setToolTip(request.text())
            self.slip_list.addItem(item)
        self.generation += 1
        self.outcome = None
        self._update_buttons()
        if self.slips:
            self.summary.setText("Working out what the slips change…")
            self.settle.start()
        else:
            self.settle.stop()
            self._clear_results("Add a slip to see what it changes. Nothing is written.")
        return True

    def say(self, text: str) -> None:
        self.last_message = text
        self.message.setText(text)
        self.message.setStyleSheet("color: #c62828;" if text else "")
        self.message.setVisible(bool(text))

    # --- recomputing ---------------------------------------------------------------------

    def recompute(self) -> None:
        """Ask the service on the worker thread; a result for older inputs is discarded."""
        self.settle.stop()
        if not self.slips or self.context.database is None:
            return
        from services import whatif

        requests, as_of, generation = list(self.slips), self.as_of, self.generation

        def work(session: Any) -> tuple[Any, list[Any]]:
            outcome = whatif.run(session, requests, as_of)
            return outcome, whatif.supply_beside(outcome)

        def done(found: tuple[Any, list[Any]]) -> None:
            if generation != self.generation:
                self.discarded += 1
                return
            self.show_outcome(*found)

        def failed(error: BaseException) -> None:
            if generation != self.generation:
                self.discarded += 1
                return
            self._clear_results("Nothing to show: " + str(error))
            self._failed(error)

        self.context.read(work, done, failed, owner=self)

    def _failed(self, error: BaseException) -> None:
        from services.errors import RackbookError

        if isinstance(error, RackbookError):
            self.say(str(error))
            return
        from ui.widgets import show_error

        show_error(self, error, "What if…")

    def _clear_results(self, text: str) -> None:
        self.summary.setText(text)
        for table in (self.contracts, self.deployments, self.alerts):
            table.setRowCount(0)
        self.supply = []
        self.site_choice.clear()
        self.chart.clear()

    def show_outcome(self, outcome: Any, supply: list[Any]) -> None:
        from services import whatif

        self.outcome, self.supply = outcome, supply
        slips = ", ".join(f"{s.label} {s.days:+,d} days" for s in outcome.slips)
        moved = fmt.counted(len(outcome.moves), "order line")
        if outcome.contracts or outcome.deployments or outcome.alerts_new or outcome.alerts_gone:
            changes = (
                f"{fmt.counted(len(outcome.contracts), 'contract')}, "
                f"{fmt.counted(len(outcome.deployments), 'deployment')} change; "
                f"{fmt.counted(len(outcome.alerts_new), 'alert')} raised, "
                f"{len(outcome.alerts_gone)} cleared"
            )
        else:
            changes = "nothing changes for any contract, deployment or alert"
        self.summary.setText(
            f"What if {slips}, as of {fmt.date(outcome.as_of)}: {moved} move; {changes}. "
            "Nothing is written."
        )
        rows = []
        for c in outcome.contracts:
            was, now = c["before"], c["after"]
            figures = outcome.before.contracts[c["contract_ref"]]
            currency = figures.currency
            rows.append(
                [
                    c["contract_ref"],
                    figures.customer,
                    _pair(fmt.number(was["secured_gpus"]), fmt.number(now["secured_gpus"])),
                    _pair(fmt.number(was["shortfall"]), fmt.number(now["shortfall"])),
                    _pair(_day(was["delivery_date"]), _day(now["delivery_date"])),
                    _pair(str(was["days_late"]), str(now["days_late"])),
                    _pair(_credit(was, currency), _credit(now, currency)),
                ]
            )
        _fill(self.contracts, rows)
        rows = []
        for d in outcome.deployments:
            was, now = d["before"], d["after"]
            part_was, part_now = whatif.critical_parts(outcome, d["deployment_ref"])
            rows.append(
                [
                    d["deployment_ref"],
                    _pair(_day(was["ready_date"]), _day(now["ready_date"])),
                    _pair(str(was["days_late"]), str(now["days_late"])),
                    _pair(_part(part_was), _part(part_now)),
                ]
            )
        _fill(self.deployments, rows)
        rows = [["Raised", a["severity"], a["message"]] for a in outcome.alerts_new]
        rows += [["Cleared", a["severity"], a["message"]] for a in outcome.alerts_gone]
        _fill(self.alerts, rows)
        for index, (title, table) in enumerate(
            (
                ("Contracts", self.contracts),
                ("Deployments", self.deployments),
                ("Alerts", self.alerts),
            )
        ):
            self.tabs.setTabText(index, f"{title} ({table.rowCount()})")
        tables = (self.contracts, self.deployments, self.alerts)
        shown = self.tabs.currentWidget()
        if shown in tables and not shown.rowCount():
            # The first table with something in it (the chart when none has).
            self.tabs.setCurrentIndex(
                next((i for i, t in enumerate(tables) if t.rowCount()), len(tables))
            )
        current = self.site_choice.currentText() or self.preferred_site
        self.site_choice.blockSignals(True)
        self.site_choice.clear()
        for series in supply:
            self.site_choice.addItem(
                series.site + ("" if series.changes else " (no change)"), series.site
            )
        found = self.site_choice.findData(current.split(" (")[0])
        self.site_choice.setCurrentIndex(max(found, 0))
        self.site_choice.blockSignals(False)
        self.draw_supply()
        self._update_buttons()
        self.computed.emit()

    def draw_supply(self) -> None:
        chart = self.chart
        chart.clear()
        site = self.site_choice.currentData()
        series = next((s for s in self.supply if s.site == site), None)
        if series is None:
            chart.set_title("GPU supply: no site has GPUs yet")
            return
        chart.set_title(f"{series.site}: GPU supply, today and with the slips, next 24 months")
        days = [p.day for p in series.today]
        chart.step_line(TODAY, days, [p.gpus_supply for p in series.today], BLUE)
        chart.step_line(COMMITTED, days, [p.gpus_committed for p in series.today], ORANGE)
        # Drawn last, over the others, where it departs from today's supply.
        chart.step_line(
            MOVED,
            [p.day for p in series.moved],
            [p.gpus_supply for p in series.moved],
            RED,
            width=3,
            dashed=True,
        )
        chart.fit()

    # --- scenarios -----------------------------------------------------------------------

    @property
    def scenario_current(self) -> bool:
        """Whether the slips shown are those of the scenario opened or saved."""
        return self.scenario is not None and list(self.scenario.slips) == list(self.slips)

    def _update_buttons(self) -> None:
        writable = not self.context.read_only
        kept = self.scenario_choice.count() > 0
        self.open_button.setEnabled(kept)
        self.delete_button.setEnabled(kept and writable)
        self.save_button.setEnabled(bool(self.slips) and writable)
        self.remove_button.setEnabled(bool(self.slips))
        self.apply_button.setEnabled(writable and self.scenario_current)
        if self.scenario_current:
            self.apply_button.setToolTip(
                f"Write the ETAs scenario {self.scenario.name!r} moves as ETA changes "
                "(audited, source what-if); refused if a line changed since it was saved"
            )
        else:
            self.apply_button.setToolTip(
                "Save the slips as a scenario first: applying checks that no line it moves "
                "has changed since"
            )

    def open_scenario(self, name: str) -> None:
        if not name:
            return
        from services import whatif

        self.context.read(
            lambda session: whatif.scenario(session, name), self._opened, self._failed, owner=self
        )

    def _opened(self, saved: Any) -> None:
        self.slips = list(saved.slips)
        self.scenario = saved
        self.name_edit.setText(saved.name)
        self.say("")
        self._changed()

    def save_scenario(self, name: str) -> None:
        from services import whatif

        if self.context.read_only or not self.slips:
            return
        requests, as_of = list(self.slips), self.as_of

        def saved(found: Any) -> None:
            self.scenario = found
            self.name_edit.setText(found.name)
            self.say("")
            self.summary.setText(
                f"Scenario {found.name!r} saved: it moves "
                f"{fmt.counted(len(found.line_versions), 'order line')}. " + self.summary.text()
            )
            self.load_names()
            self.scenario_choice.setCurrentText(found.name)
            self._update_buttons()

        self.context.write(
            lambda session, actor: whatif.save_scenario(session, name, requests, actor, as_of),
            saved,
            self._failed,
            owner=self,
        )

    def delete_scenario(self) -> None:
        name = self.scenario_choice.currentText()
        if not name or self.context.read_only:
            return
        answer = QMessageBox.question(
            self, "Delete scenario", f"Delete scenario {name!r}? Its slips are not kept."
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        from services import whatif

        def done(_result: Any) -> None:
            if self.scenario is not None and self.scenario.name == name:
                self.scenario = None
            self.say(f"Scenario {name!r} deleted.")
            self.load_names()

        self.context.write(
            lambda session, actor: whatif.delete_scenario(session, name, actor),
            done,
            self._failed,
            owner=self,
        )

    def ask_apply(self) -> None:
        """Apply the scenario opened or saved, once the person has confirmed it."""
        if not self.scenario_current or self.context.read_only:
            return
        name = self.scenario.name
        count = len(self.scenario.line_versions)
        if ask(
            self,
            "Apply as ETA changes",
            f"Write the moved ETAs of scenario {name!r} as ETA changes of "
            f"{fmt.counted(count, 'order line')}? They are audited with the source what-if "
            "and can be undone (Edit → Undo).",
        ):
            self.apply_scenario()

    def apply_scenario(self) -> None:
        from services import whatif
        from ui.undo import history_of

        saved, as_of = self.scenario, self.as_of

        def done(moves: list[Any]) -> None:
            self.say("")
            self.scenario = None
            self.last_message = (
                f"Scenario {saved.name!r} applied: {fmt.counted(len(moves), 'ETA')} moved "
                "(source what-if)."
            )
            self.message.setText(self.last_message)
            self.message.setStyleSheet("")
            self.message.setVisible(True)
            # Applied: the slips are now the records' dates; slipping them again is a new
            # what-if.
            self.slips = []
            self._changed()
            self.summary.setText(
                self.last_message + " Undo with Edit → Undo; add a slip for a new what-if."
            )
            self.context.changed.emit("orders")
            self.applied.emit(moves)

        def failed(error: BaseException) -> None:
            self._failed(error)
            from services.errors import RackbookError

            if isinstance(error, RackbookError):
                QMessageBox.warning(self, "Apply as ETA changes", str(error))

        history_of(self.context).write(
            f"what-if scenario {saved.name} applied as ETA changes",
            "orders",
            sorted(saved.line_versions),
            lambda session, actor: whatif.apply_scenario(session, saved.name, actor, as_of),
            done,
            failed,
            owner=self,
        )


def open_whatif(
    context: AppContext, anchor: QWidget, targets: list[str] | None = None, site: str = ""
) -> WhatIfPanel:
    """The window's one What if… panel (made on first use), shown and brought forward; with
    ``targets`` (vendor names, PO numbers, PO/lines) it starts from them, each slipped by the
    days the panel shows (six weeks at first); with ``site``, that site's chart first."""
    panel = getattr(context, "_whatif_panel", None)
    if panel is None or not shiboken6.isValid(panel):
        panel = WhatIfPanel(context, anchor.window())
        context._whatif_panel = panel  # type: ignore[attr-defined]
    else:
        panel.load_names()
    if site:
        panel.preferred_site = site
        found = panel.site_choice.findData(site)
        if found >= 0:
            panel.site_choice.setCurrentIndex(found)
    if targets:
        days = panel.days_spin.value() or DEFAULT_DAYS
        panel.set_slips([(target, days) for target in targets])
    panel.show()
    panel.raise_()
    panel.activateWindow()
    panel.target_edit.setFocus()
    return panel
