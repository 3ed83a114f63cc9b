"""Contracts: the list, and for the selected contract what supplies it (its pegging: the lines
that serve it, secured or late, its deployments, need-by, delivery, days late, late credit and
order-by date) beside its history.

The pegging of every contract comes from one picture, read once per load of the list in the
background (``services.pegging.contracts_pegging``); moving from contract to contract then
costs nothing, and the next load (any change to orders, contracts, sites…) reads it afresh.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from ui.context import AppContext
from ui.screens.list_screen import ListScreen
from ui.screens.money_panels import ContractMarginPanel
from ui.screens.pegging import ContractSupplyPanel


class ContractsScreen(ListScreen):
    # (order line ids, what they are): show those lines in the Orders screen.
    lines_requested = Signal(object, str)
    # A deployment's ref: show it on the readiness timeline.
    readiness_requested = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        self.pegging: dict[str, Any] | None = None
        self._pegging_generation = -1
        self._pegging_wanted: str | None = None
        super().__init__("contracts", context, parent)

    def _add_detail_tabs(self) -> None:
        self.supply = ContractSupplyPanel()
        self.supply.lines_requested.connect(self.lines_requested)
        self.supply.readiness_requested.connect(self.readiness_requested)
        self.details.addTab(self.supply, "Supply")
        self.margin = ContractMarginPanel()
        self.details.addTab(self.margin, "Margin")
        self.margins: dict[str, Any] | None = None
        self._margins_generation = -1

    def refresh(self) -> None:
        self.margins = None
        self.pegging = None  # read again with the list: the figures may have moved
        super().refresh()

    def load_details(self) -> None:
        super().load_details()
        record = self.selected_record()
        if record is None or self.context.database is None:
            self.supply.clear()
            return
        ref = str(record["contract_ref"])
        self._load_margin(ref)
        if self.pegging is not None and self._pegging_generation == self._generation:
            self._show_supply(ref)
            return
        self._pegging_wanted = ref
        if getattr(self, "_pegging_reading", False):
            return  # the read under way shows the wanted contract when it lands
        self._pegging_reading = True
        generation = self._generation
        from services import pegging

        def done(found: dict[str, Any]) -> None:
            self._pegging_reading = False
            self.pegging = found
            self._pegging_generation = generation
            if self._pegging_wanted is not None:
                self._show_supply(self._pegging_wanted)

        def failed(_error: BaseException) -> None:
            self._pegging_reading = False
            self.supply.clear("The contract's supply could not be read; press F5 to try again.")

        self.supply.clear("Reading what supplies it…")
        self.context.read(
            lambda session: pegging.contracts_pegging(session), done, failed, owner=self
        )

    def _show_supply(self, ref: str) -> None:
        record = self.selected_record()
        if record is None or str(record["contract_ref"]) != ref:
            return  # the selection moved on; its own contract is shown when it is current
        found = (self.pegging or {}).get(ref)
        if found is None:
            self.supply.clear(f"{ref} is not in the figures yet: press F5.")
            return
        self.supply.show_pegging(found)

    def _load_margin(self, ref: str) -> None:
        """The contract's margin, from every contract's read once per load of the list."""
        if self.margins is not None and self._margins_generation == self._generation:
            self._show_margin(ref)
            return
        self._margin_wanted = ref
        if getattr(self, "_margins_reading", False):
            return
        self._margins_reading = True
        generation = self._generation
        from services import margins

        def done(found: dict[str, Any]) -> None:
            self._margins_reading = False
            self.margins = found
            self._margins_generation = generation
            self._show_margin(self._margin_wanted)

        def failed(_error: BaseException) -> None:
            self._margins_reading = False
            self.margin.clear("The contract's margin could not be read; press F5 to try again.")

        self.margin.clear("Working out the margin…")
        self.context.read(lambda s: margins.contracts_money(s), done, failed, owner=self)

    def _show_margin(self, ref: str) -> None:
        record = self.selected_record()
        if record is None or str(record["contract_ref"]) != ref:
            return
        self.margin.show_margin((self.margins or {}).get(ref), ref)
