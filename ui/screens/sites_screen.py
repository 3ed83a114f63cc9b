"""Sites: every site in one list, and for the selected one its grid capacity steps (the
interconnect in force from a date on: an upgrade, a new substation), with a step added,
changed or removed from there as from the Site capacity screen."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ui import format as fmt
from ui.context import AppContext
from ui.screens.list_screen import ListScreen
from ui.screens.money_panels import SiteTakeOrPayPanel
from ui.screens.stores import KindStore
from ui.screens.table_views import table_view
from ui.tables.model import PlainTableModel
from ui.widgets import ask, push_button, show_error

Record = dict[str, Any]


ADD_STEP_TIP = "A new grid capacity from a date on (an upgrade, a new substation)"


class SitesScreen(ListScreen):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        #: The selected site's capacity steps as shown (records of site_capacity).
        self.steps: list[Record] = []
        super().__init__("sites", context, parent)

    def _add_detail_tabs(self) -> None:
        page = QWidget()
        page.setObjectName("capacitySteps")
        self.steps_title = QLabel("Select a site to see its grid capacity steps.")
        self.steps_model = PlainTableModel(["From", "Grid (MW)", "Notes"], self)
        self.steps_view = table_view(page)
        self.steps_view.setObjectName("stepsTable")
        self.steps_view.setAccessibleName("Grid capacity steps")
        self.steps_view.setModel(self.steps_model)
        self.steps_view.doubleClicked.connect(lambda _i: self.edit_step())
        self.add_step_button = push_button(
            "Add step…", self.add_step, name="addStep", tip=ADD_STEP_TIP
        )
        self.edit_step_button = push_button("Edit step…", self.edit_step, name="editStep")
        self.remove_step_button = push_button("Remove step…", self.remove_step, name="removeStep")
        buttons = QHBoxLayout()
        for button in (self.add_step_button, self.edit_step_button, self.remove_step_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.steps_title)
        layout.addWidget(self.steps_view, 1)
        layout.addLayout(buttons)
        self.steps_tab_index = self.details.addTab(page, "Capacity steps")
        self._enable_steps()
        self.take_or_pay = SiteTakeOrPayPanel()
        self.details.addTab(self.take_or_pay, "Take-or-pay")

    def load_details(self) -> None:
        super().load_details()
        site = self.selected_record()
        if site is None or self.context.database is None:
            self._show_steps(None, [])
            self.take_or_pay.clear()
            return
        from services import records

        name, site_id = site["name"], site["id"]

        def work(session: Any) -> list[Record]:
            return [s for s in records.list_records(session, "site_capacity") if s["site"] == name]

        def done(steps: list[Record]) -> None:
            if site_id == self.selected_id():
                self._show_steps(site, steps)

        self.context.read(work, done, lambda exc: None, owner=self)
        from services import margins

        def shown(found: Any) -> None:
            if site_id == self.selected_id():
                self.take_or_pay.show_site(found)

        self.take_or_pay.clear("Working out the take-or-pay months…")
        self.context.read(
            lambda session: margins.site_money(session, name),
            shown,
            lambda exc: self.take_or_pay.clear(f"The take-or-pay months could not be read: {exc}"),
            owner=self,
        )

    def _show_steps(self, site: Record | None, steps: list[Record]) -> None:
        self.steps = steps
        if site is None:
            self.steps_title.setText("Select a site to see its grid capacity steps.")
        else:
            grid = site["grid_capacity_mw"]
            today = f"{fmt.number(grid)} MW of grid capacity" if grid else "no grid capacity"
            self.steps_title.setText(
                f"{site['name']}: {today} until its first step, then each step's from its date"
                if steps
                else f"{site['name']}: {today}, no step planned (add one for an upgrade or a "
                "new substation)"
            )
        self.steps_model.set_rows(
            (fmt.date(s["from_date"]), fmt.number(s["grid_mw"]), s["notes"] or "") for s in steps
        )
        self.steps_view.resizeColumnsToContents()
        self.details.setTabText(
            self.steps_tab_index, f"Capacity steps ({len(steps)})" if steps else "Capacity steps"
        )
        self._enable_steps()

    def _enable_steps(self) -> None:
        writable = not self.context.read_only and self.selected_record() is not None
        self.add_step_button.setEnabled(writable)
        for button in (self.edit_step_button, self.remove_step_button):
            button.setEnabled(writable and bool(self.steps))

    def _chosen_step(self) -> Record | None:
        index = self.steps_view.currentIndex()
        row = index.row() if index.isValid() else (0 if len(self.steps) == 1 else -1)
        return self.steps[row] if 0 <= row < len(self.steps) else None

    def add_step(self) -> None:
        site = self.selected_record()
        if site is not None and not self.context.read_only:
            self._step_dialog({"site": site["name"]}, f"New capacity step at {site['name']}")

    def edit_step(self) -> None:
        step = self._chosen_step()
        if step is not None and not self.context.read_only:
            self._step_dialog(step, "")

    def _step_dialog(self, values: Record, title: str) -> None:
        from services import lists

        self.context.read(
            lists.reference_names,
            lambda names: self._show_step_dialog(values, names, title),
            lambda exc: show_error(self, exc),
            owner=self,
        )

    def _show_step_dialog(self, values: Record, names: Any, title: str) -> None:
        from ui.dialogs.record_dialog import RecordDialog

        dialog = RecordDialog(
            "site_capacity", KindStore(self.context, "site_capacity"), names, values, self
        )
        if title:
            dialog.setWindowTitle(title)
        self.last_dialog = dialog
        if dialog.exec() and dialog.saved is not None:
            self.context.changed.emit("site_capacity")
            self.load_details()

    def remove_step(self) -> None:
        step = self._chosen_step()
        if step is None or self.context.read_only:
            return
        question = (
            f"Remove the step to {fmt.number(step['grid_mw'])} MW from "
            f"{fmt.date(step['from_date'])} at {step['site']}? The audit trail keeps it."
        )
        if not ask(self, "Remove capacity step", question):
            return
        from services import records

        step_id, version = step["id"], step["version"]

        def done(_none: Any) -> None:
            self.context.changed.emit("site_capacity")
            self.load_details()

        self.context.write(
            lambda s, a: records.delete(s, "site_capacity", step_id, a, expected_version=version),
            done,
            lambda exc: show_error(self, exc, "Rackbook — Sites"),
            owner=self,
        )
