"""Create, read, update and delete for every kind, with validation and the audit trail."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models import AuditEntry, Customer
from services import records
from services.audit import Actor, eta_history, history
from services.errors import (
    ConflictError,
    NotFoundError,
    ReferencedError,
    UsageError,
    ValidationError,
)
from tests.builders import (
    D,
    basic_world,
    bill_of_parts,
    capacity_step,
    contract_fields,
    day,
    fx_rate,
    grid_ppa,
    lead_time,
    lease_fields,
    make,
    new_deployment,
    order_fields,
    ppa_fields,
    product,
)

# Named by the vendor's alias and in other cases than stored; placed (the kind's default).
ORDER = order_fields(
    "PC-1",
    vendor="nvda",
    sku="gb300-nvl72",
    quantity=8,
    site="panther creek",
    order_date=day("2026-03-02"),
    unit_price=D("3950000.00"),
    promised_date=day("2026-10-01"),
    eta=day("2026-10-01"),
    status=None,
)


def full_world(session, actor):
    basic_world(session, actor)
    lead_time(session, 182, "2026-01-10", actor=actor, valid_until=day("2026-04-10"))
    make(session, "orders", actor, **ORDER)
    grid_ppa(session, "PPA-1", actor=actor, notice_days=180)
    make(session, "contracts", actor, **lease_fields())
    fx_rate(session, "EUR", "1.08501234", "2026-01-01", actor)
    capacity_step(session, "2027-06-01", "350", actor, notes="new substation")
    new_deployment(
        session, "PC-HALL-1", actor, name="Hall 1", contract_ref="C-1", status="building"
    )
    bill_of_parts(session, "PC-HALL-1", {"gb300-nvl72": 8}, actor)


def test_every_kind_is_created_and_listed_with_canonical_fields(database, actor) -> None:
    with database.write() as session:
        full_world(session, actor)
    with database.session() as session:
        for name in records.ADAPTERS:
            rows = records.list_records(session, name)
            assert rows, name
            spec = records.kind(name)
            assert set(spec.field_names) <= set(rows[0]), name
        line = records.list_records(session, "orders")[0]
        fx = records.list_records(session, "fxrates")[0]
        customers = records.list_records(session, "customers")
    assert line["vendor"] == "Nvidia"  # found by alias, stored under its own name
    assert line["site"] == "Panther Creek"
    assert line["sku"] == "GB300-NVL72"
    assert line["category"] == "gpu_system"
    assert line["status"] == "placed"
    assert fx["rate"] == D("1.08501234")
    # The contract's customer was created with it.
    assert [c["name"] for c in customers] == ["Helios AI"]


def test_create_writes_one_audit_entry_and_update_one_per_field(database, actor) -> None:
    buyer = Actor("maria", source="user")
    with database.write() as session:
        basic_world(session, actor)
        line = make(session, "orders", buyer, **ORDER)
    with database.write() as session:
        records.update(
            session,
            "orders",
            line["id"],
            {"eta": day("2026-11-15"), "quantity": 10},
            buyer,
            expected_version=line["version"],
        )
    with database.session() as session:
        trail = history(session, "orders", line["id"])
        etas = eta_history(session, line["id"])
    assert [(h.action, h.field) for h in trail] == [
        ("update", "eta"),
        ("update", "quantity"),
        ("create", None),
    ] or [(h.action, h.field) for h in trail] == [
        ("update", "quantity"),
        ("update", "eta"),
        ("create", None),
    ]
    by_field = {h.field: h for h in trail}
    assert (by_field["quantity"].old_value, by_field["quantity"].new_value) == ("8", "10")
    assert by_field["eta"].user == "maria"
    assert [(e.old_date, e.new_date) for e in etas] == [
        (None, day("2026-10-01")),
        (day("2026-10-01"), day("2026-11-15")),
    ]


def test_an_unchanged_update_writes_nothing(database, actor) -> None:
    with database.write() as session:
        basic_world(session, actor)
        site = records.find_record(session, "sites", {"name": "Panther Creek"})
        assert site is not None
        same = records.update(session, "sites", site["id"], {"pue": D("1.250")}, actor)
        assert same["version"] == site["version"]
        count = len(session.scalars(select(AuditEntry)).all())
        records.update(session, "sites", site["id"], {"name": "Panther Creek"}, actor)
        assert len(session.scalars(select(AuditEntry)).all()) == count


def test_receiving_makes_the_status_follow(database, actor) -> None:
    with database.write() as session:
        basic_world(session, actor)
        line = make(session, "orders", actor, **ORDER)
        part = records.update(
            session,
            "orders",
            line["id"],
            {"received_qty": 3, "received_date": day("2026-10-03")},
            actor,
        )
        assert part["status"] == "partially_received"
        full = records.update(session, "orders", line["id"], {"received_qty": 8}, actor)
        assert full["status"] == "received"


@pytest.mark.parametrize(
    ("changes", "field", "reason"),
    [
        ({"quantity": 0}, "quantity", "more than 0"),
        (
            {"quantity": 2, "received_qty": 3, "received_date": day("2026-10-01")},
            "received_qty",
            "more units received than ordered",
        ),
        ({"promised_date": day("2026-01-01")}, "promised_date", "before the order date"),
        ({"status": "shipping"}, "status", "is not one of"),
        ({"unit_price": D("1.23456")}, "unit_price", "more than 4 decimal places"),
        ({"received_qty": 2}, "received_date", "need the date they arrived"),
        ({"currency": "Euro"}, "currency", "three-letter"),
        ({"vendor": "Nvidai"}, "vendor", "did you mean 'Nvidia'"),
        ({"site": "Panter Creek"}, "site", "did you mean 'Panther Creek'"),
        ({"sku": "GB300-NVL7"}, "sku", "did you mean 'GB300-NVL72'"),
    ],
)
def test_order_line_validation(database, actor, changes, field, reason) -> None:
    with database.write() as session:
        basic_world(session, actor)
    with pytest.raises(ValidationError) as caught, database.write() as session:
        make(session, "orders", actor, **{**ORDER, **changes})
    problems = caught.value.problems
    assert any(p.field == field and reason in p.reason for p in problems), problems
    assert "Order line PC-1/1 was not saved" in str(caught.value)
    with database.session() as session:
        assert records.list_records(session, "orders") == []


def test_trailing_zeros_are_not_decimal_places_lost(database, actor) -> None:
    """1.50000 is stored exactly (as 1.5); only places the stored value would drop are refused,
    and a value past the 18 digits of the stored integer is too large."""
    with database.write() as session:
        basic_world(session, actor)
        saved = make(session, "orders", actor, **{**ORDER, "unit_price": D("1.50000")})
    assert saved["unit_price"] == D("1.5")
    with pytest.raises(ValidationError, match="is too large"), database.write() as session:
        make(session, "orders", actor, **{**ORDER, "line": 2, "unit_price": D("1E+40")})


# A valid PPA and contract, each case below changes what it refuses.
PPA_P = ppa_fields("P", "10", "2027-01-01", "2028-01-01", counterparty="X")
CONTRACT_C = contract_fields(
    "C",
    "2027-01-01",
    customer="A",
    end_date=day("2028-01-01"),
    price=D("1"),
    price_unit="per_month",
    service=None,
    committed_gpus=None,
)


@pytest.mark.parametrize(
    ("kind", "values", "field", "reason"),
    [
        ("ppas", {**PPA_P, "end_date": day("2027-01-01")}, "end_date", "after the start"),
        ("ppas", {**PPA_P, "capacity_mw": D("0")}, "capacity_mw", "more than 0"),
        (
            "contracts",
            {**CONTRACT_C, "end_date": day("2026-01-01")},
            "end_date",
            "after the start",
        ),
        (
            "contracts",
            {**CONTRACT_C, "price": D("2.1"), "price_unit": "per_gpu_hour"},
            "committed_gpus",
            "needs committed GPUs",
        ),
        ("sites", dict(name="S", pue=D("0.9")), "pue", "between 1.0 and 3.0"),
        (
            "leadtimes",
            dict(vendor="Nvidia", sku="GB300-NVL72", lead_days=0, quote_date=day("2026-01-01")),
            "lead_days",
            "between 1 day",
        ),
        (
            "fxrates",
            dict(currency="EUR", rate=D("0"), valid_from=day("2026-01-01")),
            "rate",
            "more than 0",
        ),
        (
            "products",
            dict(vendor="Nvidia", sku="X", gpus_per_unit=-1),
            "gpus_per_unit",
            "not be below 0",
        ),
        ("vendors", dict(name="Acme", aliases="Nvidia"), "aliases", "already names vendor"),
        ("sites", dict(name="Panther Creek"), "name", "already exists"),
        ("vendors", dict(name="nvidia"), "name", "already exists"),
    ],
)
def test_validation_of_every_kind(database, actor, kind, values, field, reason) -> None:
    with database.write() as session:
        basic_world(session, actor)
    with pytest.raises(ValidationError) as caught, database.write() as session:
        make(session, kind, actor, **values)
    assert any(p.field == field and reason in p.reason for p in caught.value.problems), (
        caught.value.problems
    )


def test_required_fields_are_named(database, actor) -> None:
    with pytest.raises(ValidationError) as caught, database.write() as session:
        make(session, "contracts", actor, contract_ref="C-9")
    missing = {p.field for p in caught.value.problems if p.reason == "is required"}
    assert missing == {"customer", "site", "start_date", "end_date", "price", "price_unit"}


def test_version_conflict_carries_both_versions(database, actor) -> None:
    with database.write() as session:
        basic_world(session, actor)
        vendor = records.find_record(session, "vendors", {"name": "Nvidia"})
        assert vendor is not None
        records.update(
            session, "vendors", vendor["id"], {"contact": "a@nvidia.example"}, Actor("ana")
        )
    with pytest.raises(ConflictError) as caught, database.write() as session:
        records.update(
            session,
            "vendors",
            vendor["id"],
            {"contact": "b@nvidia.example"},
            Actor("ben"),
            expected_version=vendor["version"],
        )
    assert caught.value.theirs["contact"] == "a@nvidia.example"
    assert caught.value.mine["contact"] == "b@nvidia.example"
    assert "Vendor Nvidia was changed by ana" in str(caught.value)


def test_delete_refuses_records_still_in_use_and_audits_the_rest(database, actor) -> None:
    with database.write() as session:
        full_world(session, actor)
    with database.session() as session:
        vendor = records.find_record(session, "vendors", {"name": "Nvidia"})
        line = records.find_record(session, "orders", {"po_number": "PC-1", "line": 1})
        assert vendor and line
    with (
        pytest.raises(ReferencedError, match="still has 1 purchase orders and 1 products"),
        database.write() as session,
    ):
        records.delete(session, "vendors", vendor["id"], actor)
    with database.write() as session:
        records.delete(session, "orders", line["id"], actor, expected_version=line["version"])
    with database.session() as session:
        assert records.list_records(session, "orders") == []
        trail = history(session, "orders", line["id"])
        assert trail[0].action == "delete" and "po_number=PC-1" in (trail[0].old_value or "")
    with pytest.raises(NotFoundError), database.write() as session:
        records.delete(session, "orders", line["id"], actor)


def test_vendor_aliases_are_kept_in_step(database, actor) -> None:
    with database.write() as session:
        basic_world(session, actor)
        vendor = records.find_record(session, "vendors", {"name": "Nvidia"})
        assert vendor is not None
        records.update(
            session, "vendors", vendor["id"], {"aliases": "NVIDIA Corporation; nvda"}, actor
        )
    with database.session() as session:
        assert records.find_vendor(session, "nvidia corporation") is not None
        assert records.find_vendor(session, "NVDA") is not None
        assert records.get_record(session, "vendors", vendor["id"])["aliases"] == (
            "NVIDIA Corporation; nvda"
        )


def test_unknown_kind_is_a_usage_error(database) -> None:
    with pytest.raises(UsageError, match="unknown kind 'gizmo'"), database.session() as session:
        records.list_records(session, "gizmo")


def test_customer_created_by_a_contract_is_audited(database, actor) -> None:
    with database.write() as session:
        full_world(session, actor)
        customer = session.scalar(select(Customer))
        assert customer is not None
        trail = history(session, "customers", customer.id)
    assert [h.action for h in trail] == ["create"]


def test_a_purchase_order_goes_to_one_vendor(database, actor) -> None:
    with database.write() as session:
        basic_world(session, actor)
        make(session, "vendors", actor, name="Arista Networks", aliases="Arista")
        product(session, "7060X6", actor, vendor="Arista", category="network")
        make(session, "orders", actor, **ORDER)
    with pytest.raises(ValidationError) as caught, database.write() as session:
        make(session, "orders", actor, **{**ORDER, "line": 2, "vendor": "Arista", "sku": "7060X6"})
    assert "PC-1 is ordered from Nvidia; a line from Arista Networks needs a purchase order" in (
        str(caught.value)
    )


def test_a_duplicate_copies_the_terms_and_leaves_the_name_to_be_typed(database, actor) -> None:
    with database.write() as session:
        full_world(session, actor)
        make(session, "orders", actor, **{**ORDER, "line": 3})
        line = records.find_record(session, "orders", {"po_number": "PC-1", "line": 1})
        assert line is not None
        records.update(
            session,
            "orders",
            line["id"],
            {"received_qty": 8, "received_date": day("2026-10-02")},
            actor,
        )
    with database.session() as session:
        by_kind = {name: records.list_records(session, name)[0] for name in records.ADAPTERS}
        copies = {
            name: records.duplicate(session, name, record["id"]) for name, record in by_kind.items()
        }
        line = records.find_record(session, "orders", {"po_number": "PC-1", "line": 1})
    # Every copy has the kind's fields, no id or version, and is not the original again.
    for name, copy in copies.items():
        spec = records.kind(name)
        assert set(copy) == {f.name for f in spec.writable}, name
        assert spec.key_of(copy) != spec.key_of(by_kind[name]), name
    # An order line: the next line of the same order, nothing received, the same terms.
    order_copy = copies["orders"]
    assert line is not None and line["status"] == "received"
    first = by_kind["orders"]
    assert (order_copy["po_number"], order_copy["line"]) == ("PC-1", 4)
    assert (order_copy["received_qty"], order_copy["received_date"]) == (0, None)
    assert order_copy["status"] == "placed"
    # The vendor has not committed to the new line yet.
    assert (order_copy["promised_date"], order_copy["eta"]) == (None, None)
    for field in ("vendor", "sku", "quantity", "site", "unit_price", "order_date"):
        assert order_copy[field] == first[field], field
    # Names and references are left blank; a copied contract starts as a draft.
    assert copies["contracts"]["contract_ref"] is None
    assert copies["contracts"]["status"] == "draft"
    assert copies["contracts"]["committed_gpus"] == 576
    assert copies["products"]["sku"] is None and copies["products"]["vendor"] == "Nvidia"
    assert copies["vendors"]["name"] is None and copies["vendors"]["aliases"] is None
    assert copies["fxrates"]["valid_from"] is None and copies["fxrates"]["rate"] == D("1.08501234")
    # The copy of an order line is a valid record as it stands.
    with database.write() as session:
        saved = records.create(session, "orders", order_copy, actor)
    assert (saved["po_number"], saved["line"], saved["quantity"]) == ("PC-1", 4, 8)


def test_a_change_is_put_back_from_the_history(database, actor) -> None:
    from services import orders

    with database.write() as session:
        full_world(session, actor)
        line = records.find_record(session, "orders", {"po_number": "PC-1", "line": 1})
        assert line is not None
        records.update(
            session, "orders", line["id"], {"quantity": 12, "unit_price": D("4100000")}, actor
        )
        orders.change_eta(session, line["id"], day("2026-12-24"), Actor("li"))
    with database.session() as session:
        trail = history(session, "orders", line["id"])
    by_field = {h.field: h for h in trail if h.action == "update"}
    assert by_field["quantity"].id is not None
    with database.write() as session:
        saved = records.put_back(session, "orders", line["id"], by_field["eta"].id, Actor("ana"))
        saved = records.put_back(
            session, "orders", line["id"], by_field["unit_price"].id, Actor("ana")
        )
    assert saved["eta"] == day("2026-10-01") and saved["unit_price"] == D("3950000.00")
    assert saved["quantity"] == 12  # only the fields put back
    with database.session() as session:
        trail = history(session, "orders", line["id"])
        moves = eta_history(session, line["id"])
    assert (trail[0].user, trail[0].field, trail[0].new_value) == ("ana", "unit_price", "3950000")
    assert (moves[-1].old_date, moves[-1].new_date, moves[-1].changed_by) == (
        day("2026-12-24"),
        day("2026-10-01"),
        "ana",
    )
    # Changed again since: the older change cannot be put back over the newer one.
    with database.write() as session:
        records.update(session, "orders", line["id"], {"quantity": 20}, actor)
    with pytest.raises(ValidationError, match="has changed again since"), database.write() as s:
        records.put_back(s, "orders", line["id"], by_field["quantity"].id, actor)
    # Not a change of this record's field: a creation, another record's entry.
    creation = next(h for h in trail if h.action == "create")
    with pytest.raises(UsageError, match="only a change of one field"), database.write() as s:
        records.put_back(s, "orders", line["id"], creation.id, actor)
    with pytest.raises(UsageError, match="only a change of one field"), database.write() as s:
        records.put_back(s, "contracts", line["id"], by_field["quantity"].id, actor)
