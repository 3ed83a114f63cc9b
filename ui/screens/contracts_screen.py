"""Contracts: the list, and for the selected contract what supplies it (its pegging: the lines
that serve it, secured or late, its deployments, need-by, delivery, days late, late credit and
order-by date) beside its history.

The pegging of every contract comes from one picture, read once per load of the list in the
background (``services.pegging.contracts_pegging``); moving from contract to contract then
costs nothing, and the next load (any change to orders, contracts, sites…) reads it afresh.
"""

from __future__ import annotations

from collections.abc import Callable
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
        super().__init__("contracts", context, parent)

    def _add_detail_tabs(self) -> None:
        self.supply = ContractSupplyPanel()
        self.supply.lines_requested.connect(self.lines_requested)
        self.supply.readiness_requested.connect(self.readiness_requested)
        self.details.addTab(self.supply, "Supply")
        self.margin = ContractMarginPanel()
        self.details.addTab(self.margin, "Margin")
        self.supply_figures = EveryContract(
            self,
            _every_pegging,
            self._show_supply,
            self.supply.clear,
            ("Reading what supplies it…", "The contract's supply could not be read"),
        )
        self.margin_figures = EveryContract(
            self,
            _every_margin,
            self._show_margin,
            self.margin.clear,
            ("Working out the margin…", "The contract's margin could not be read"),
        )

    @property
    def pegging(self) -> dict[str, Any] | None:
        """Every contract's pegging (by ref) as read for this load of the list, if it is."""
        return self.supply_figures.found

    @property
    def margins(self) -> dict[str, Any] | None:
        """Every contract's money (by ref) as read for this load of the list, if it is."""
        return self.margin_figures.found

    def refresh(self) -> None:
        # Read again with the list: the figures may have moved.
        self.margin_figures.found = None
        self.supply_figures.found = None
        super().refresh()

    def load_details(self) -> None:
        super().load_details()
        record = self.selected_record()
        if record is None or self.context.database is None:
            self.supply.clear()
            return
        ref = str(record["contract_ref"])
        self.margin_figures.load(ref)
        self.supply_figures.load(ref)

    def _show_supply(self, ref: str) -> None:
        record = self.selected_record()
        if record is None or str(record["contract_ref"]) != ref:
            return  # the selection moved on; its own contract is shown when it is current
        found = (self.pegging or {}).get(ref)
        if found is None:
            self.supply.clear(f"{ref} is not in the figures yet: press F5.")
            return
        self.supply.show_pegging(found)

    def _show_margin(self, ref: str) -> None:
        record = self.selected_record()
        if record is None or str(record["contract_ref"]) != ref:
            return
        self.margin.show_margin((self.margins or {}).get(ref), ref)


def _every_pegging(session: Any) -> dict[str, Any]:
    from services import pegging

    return pegging.contracts_pegging(session)


def _every_margin(session: Any) -> dict[str, Any]:
    from services import margins

    return margins.contracts_money(session)


class EveryContract:
    """Figures of every contract read once per load of the list (``read``), then shown for
    the contract wanted (``show(ref)``); the panel is told (``clear(text)``) while they are
    read and when they could not be. ``texts``: (reading, could not be read)."""

    def __init__(
        self,
        screen: ContractsScreen,
        read: Callable[[Any], dict[str, Any]],
        show: Callable[[str], None],
        clear: Callable[[str], None],
        texts: tuple[str, str],
    ) -> None:
        self.screen = screen
        self._read, self._show, self._clear = read, show, clear
        self._texts = texts
        self.found: dict[str, Any] | None = None
        self._generation = -1  # the list's load the figures were read for
        self._wanted: str | None = None
        self._reading = False

    def load(self, ref: str) -> None:
        """Show contract ``ref``'s figures: now if they are read for this load, else once
        the read (started here, or under way) lands."""
        screen = self.screen
        if self.found is not None and self._generation == screen._generation:
            self._show(ref)
            return
        self._wanted = ref
        if self._reading:
            return  # the read under way shows the wanted contract when it lands
        self._reading = True
        generation = screen._generation

        def done(found: dict[str, Any]) -> None:
            self._reading = False
            self.found = found
            self._generation = generation
            if self._wanted is not None:
                self._show(self._wanted)

        def failed(_error: BaseException) -> None:
            self._reading = False
            self._clear(f"{self._texts[1]}; press F5 to try again.")

        self._clear(self._texts[0])
        screen.context.read(self._read, done, failed, owner=screen)
