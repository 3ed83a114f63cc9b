"""Go to anything: records found by number, reference or name across every list."""

from __future__ import annotations

from services import orders
from services.audit import Actor
from services.finding import find
from tests.builders import basic_world, grid_ppa, lease_fields, make


def _world(database, actor):
    with database.write() as session:
        basic_world(session, actor)
        orders.new_order(
            session,
            {
                "po_number": "PC-2026-118",
                "vendor": "Nvidia",
                "site": "Panther Creek",
                "order_date": "2026-02-03",
            },
            [{"sku": "GB300-NVL72", "quantity": 2}, {"sku": "GB300-NVL72", "quantity": 1}],
            Actor("t"),
        )
        make(session, "contracts", actor, **lease_fields("C-118"))
        grid_ppa(session, "PPA-118", actor=actor)


def test_numbers_references_and_names_are_found_best_first(database, actor):
    _world(database, actor)
    with database.session() as session:
        found = find(session, "118")
        assert [(f.screen, f.search) for f in found] == [
            ("contracts", "C-118"),
            ("orders", "PC-2026-118"),
            ("ppas", "PPA-118"),
        ]
        po = next(f for f in found if f.screen == "orders")
        assert (po.title, po.detail) == (
            "Purchase order PC-2026-118",
            "Nvidia, Panther Creek, 2 lines",
        )
        # An exact name first, then names starting with it, then those holding it.
        helios = [f.title for f in find(session, "helios ai")]
        assert helios == ["Customer Helios AI", "Contract C-118"]  # a contract by its customer
        assert [f.title for f in find(session, "HELIOS")] == helios
        assert {f.screen for f in find(session, "panther")} == {"sites"}
        # Vendors by name or by an alias they appear under in files.
        assert [f.search for f in find(session, "nvda")] == ["Nvidia"]
        assert [f.screen for f in find(session, "gb300")] == ["products"]
        # LIKE's wildcards are text like any other; one character finds nothing.
        assert find(session, "%") == [] and find(session, "1_8") == []
        assert find(session, "__") == []
