"""Site capacity steps, deployments and their bills of parts as records: created, listed,
refused when wrong (nothing written), audited; a deployment duplicated with its parts to plan
the next hall; its bill of parts saved as a whole."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from models import AuditEntry, DeploymentPart
from services import deployments, records
from services.audit import Actor, history
from services.deployments import PartRow
from services.errors import ConflictError, ReferencedError, ValidationError
from tests.builders import (
    D,
    basic_world,
    bill_of_parts,
    capacity_step,
    contract,
    day,
    make,
    new_deployment,
    order_fields,
    product,
    refused,
)


def world(session, actor) -> None:
    """Panther Creek with a rack product, a second site, a CDU, a contract at each site."""
    basic_world(session, actor)
    make(session, "sites", actor, name="Clarion", status="planned")
    make(session, "vendors", actor, name="Vertiv")
    product(session, "CDU-XDU1350", actor, vendor="Vertiv", category="cooling")
    for ref, site in (("C-1", "Panther Creek"), ("C-2", "Clarion")):
        contract(
            session,
            ref,
            "2027-03-01",
            actor=actor,
            site=site,
            end_date=day("2030-02-28"),
            committed_gpus=576,
            price=D("2.40"),
            service=None,
            gpu_model="GB300",
        )
    new_deployment(
        session,
        "PC-H1",
        actor,
        name="Hall 1",
        contract_ref="c-1",
        power_ready_date=day("2027-01-15"),
    )


def test_capacity_steps_are_listed_by_site_and_date(database, actor) -> None:
    with database.write() as session:
        world(session, actor)
        capacity_step(
            session, "2027-06-01", "350", actor, site="panther creek", notes="new substation"
        )
        capacity_step(session, "2027-01-01", "60.5", actor, site="Clarion")
        capacity_step(session, "2026-12-01", "20", actor)
    with database.session() as session:
        steps = records.list_records(session, "site_capacity")
    assert [(s["site"], s["from_date"], s["grid_mw"]) for s in steps] == [
        ("Clarion", day("2027-01-01"), D("60.5")),
        ("Panther Creek", day("2026-12-01"), D("20")),
        ("Panther Creek", day("2027-06-01"), D("350")),
    ]


def test_a_capacity_step_with_negative_mw_or_a_second_one_on_its_date_is_refused(
    database, actor
) -> None:
    with database.write() as session:
        world(session, actor)
        capacity_step(session, "2027-06-01", "350", actor)
    with database.write() as session:
        negative = refused(
            session,
            "site_capacity",
            actor,
            site="Panther Creek",
            from_date=day("2027-09-01"),
            grid_mw=D("-5"),
        )
        twice = refused(
            session,
            "site_capacity",
            actor,
            site="Panther Creek",
            from_date=day("2027-06-01"),
            grid_mw=D("400"),
        )
    assert [(p.field, p.reason) for p in negative.problems] == [
        ("grid_mw", "a grid capacity cannot be negative")
    ]
    assert "Capacity step Panther Creek / 2027-09-01" in str(negative)
    (problem,) = twice.problems
    assert problem.field == "from_date"
    assert "Panther Creek already has a capacity step from 2027-06-01" in problem.reason
    with database.session() as session:
        assert len(records.list_records(session, "site_capacity")) == 1


def test_a_deployment_names_its_site_and_contract(database, actor) -> None:
    with database.write() as session:
        world(session, actor)
    with database.session() as session:
        (found,) = records.list_records(session, "deployments")
    assert found["deployment_ref"] == "PC-H1"
    assert found["contract_ref"] == "C-1"  # as the contract spells it
    assert found["status"] == "planned"  # the default
    assert found["target_date"] is None  # blank: the contract's need-by date
    assert found["power_ready_date"] == day("2027-01-15")


def test_a_deployment_whose_contract_is_at_another_site_is_refused(database, actor) -> None:
    with database.write() as session:
        world(session, actor)
    with database.write() as session:
        error = refused(
            session,
            "deployments",
            actor,
            deployment_ref="PC-H2",
            site="Panther Creek",
            contract_ref="C-2",
        )
        unknown = refused(
            session,
            "deployments",
            actor,
            deployment_ref="PC-H3",
            site="Panther Creek",
            contract_ref="C-9",
        )
    (problem,) = error.problems
    assert problem.field == "contract_ref" and problem.value == "C-2"
    assert "contract C-2 is at Clarion, not at Panther Creek" in problem.reason
    assert "Deployment PC-H2" in str(error)
    assert unknown.problems[0].field == "contract_ref"
    assert "no contract is called 'C-9'" in unknown.problems[0].reason
    with database.session() as session:
        assert len(records.list_records(session, "deployments")) == 1


def test_parts_name_a_sku_of_any_vendor_or_a_category(database, actor) -> None:
    with database.write() as session:
        world(session, actor)
        (rack,) = bill_of_parts(session, "pc-h1", {"gb300-nvl72": 8}, actor)
        (cooling,) = bill_of_parts(session, "PC-H1", {"Cooling": 4}, actor)
    # Kept as the product spells its sku, a category in lower case.
    assert (rack["deployment_ref"], rack["part"], rack["quantity"]) == ("PC-H1", "GB300-NVL72", 8)
    assert cooling["part"] == "cooling"
    with database.session() as session:
        # By part, case ignored (so both databases list them alike).
        assert [p["part"] for p in deployments.parts_of(session, rack_deployment(session))] == [
            "cooling",
            "GB300-NVL72",
        ]


def rack_deployment(session) -> int:
    found = records.find_record(session, "deployments", {"deployment_ref": "PC-H1"})
    assert found is not None
    return int(found["id"])


def test_a_part_unknown_or_with_no_units_is_refused(database, actor) -> None:
    with database.write() as session:
        world(session, actor)
    with database.write() as session:
        unknown = refused(
            session,
            "deployment_parts",
            actor,
            deployment_ref="PC-H1",
            part="CDU-XDU135",
            quantity=2,
        )
        none = refused(
            session, "deployment_parts", actor, deployment_ref="PC-H1", part="cooling", quantity=0
        )
        nowhere = refused(
            session, "deployment_parts", actor, deployment_ref="PC-H9", part="cooling", quantity=1
        )
    (problem,) = unknown.problems
    assert problem.field == "part" and problem.value == "CDU-XDU135"
    assert "neither the sku of a product nor a category" in problem.reason
    assert "did you mean 'CDU-XDU1350'" in problem.reason
    assert [(p.field, p.reason) for p in none.problems] == [
        ("quantity", "quantity must be more than 0")
    ]
    assert nowhere.problems[0].field == "deployment_ref"
    assert "no deployment is called 'PC-H9'" in nowhere.problems[0].reason
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(DeploymentPart)) == 0


def test_a_line_reserved_for_a_deployment_at_another_site_is_refused(database, actor) -> None:
    with database.write() as session:
        world(session, actor)
        new_deployment(session, "CL-H1", actor, site="Clarion")
    line = order_fields("PC-1", quantity=2, order_date=day("2026-09-01"))
    line.update(unit_price=None, status=None)  # placed, no price: the kind's defaults
    with database.write() as session:
        elsewhere = refused(session, "orders", actor, **line, deployment_ref="CL-H1")
        unknown = refused(session, "orders", actor, **line, deployment_ref="PC-H7")
    (problem,) = elsewhere.problems
    assert problem.field == "deployment_ref" and problem.value == "CL-H1"
    assert "deployment CL-H1 is at Clarion, this line's order is at Panther Creek" in (
        problem.reason
    )
    assert "Order line PC-1/1" in str(elsewhere)
    assert "no deployment is called 'PC-H7'" in unknown.problems[0].reason
    with database.write() as session:
        saved = make(session, "orders", actor, **line, deployment_ref="pc-h1")
    assert saved["deployment_ref"] == "PC-H1"
    with database.write() as session:
        # The deployment cannot move away from the lines reserved for it, nor be deleted.
        deployment = records.find_record(session, "deployments", {"deployment_ref": "PC-H1"})
        assert deployment is not None
        with pytest.raises(ValidationError) as moved:
            records.update(
                session,
                "deployments",
                deployment["id"],
                {"site": "Clarion", "contract_ref": None},
                actor,
            )
        assert "1 order lines at Panther Creek are reserved for it" in str(moved.value)
        with pytest.raises(ReferencedError, match="1 order lines reserved for it"):
            records.delete(session, "deployments", deployment["id"], actor)


def test_duplicating_a_deployment_copies_its_bill_of_parts(database, actor) -> None:
    with database.write() as session:
        world(session, actor)
        bill_of_parts(session, "PC-H1", {"GB300-NVL72": 8, "cooling": 4}, actor)
    with database.session() as session:
        source = rack_deployment(session)
        values = records.duplicate(session, "deployments", source)
    # The copy is left its own reference to type, and is planned again.
    assert values["deployment_ref"] is None and values["status"] == "planned"
    assert (values["site"], values["contract_ref"]) == ("Panther Creek", "C-1")
    with database.write() as session:
        created = deployments.duplicate(
            session, source, {**values, "deployment_ref": "PC-H2", "name": "Hall 2"}, Actor("ana")
        )
    with database.session() as session:
        parts = deployments.parts_of(session, created["id"])
        trail = history(session, "deployment_parts", parts[0]["id"])
    assert created["name"] == "Hall 2"
    assert [(p["part"], p["quantity"]) for p in parts] == [("cooling", 4), ("GB300-NVL72", 8)]
    assert [(h.action, h.user) for h in trail] == [("create", "ana")]
    with pytest.raises(ValidationError, match="already exists"), database.write() as session:
        deployments.duplicate(session, source, {**values, "deployment_ref": "PC-H2"}, actor)


def test_the_bill_of_parts_is_saved_as_a_whole_and_audited(database, actor) -> None:
    with database.write() as session:
        world(session, actor)
        bill_of_parts(session, "PC-H1", {"GB300-NVL72": 8, "storage": 2}, actor)
    with database.session() as session:
        deployment_id = rack_deployment(session)
        shown = {p["id"]: p["version"] for p in deployments.parts_of(session, deployment_id)}
    buyer = Actor("maria")
    with database.write() as session:
        saved = deployments.save_parts(
            session,
            deployment_id,
            [PartRow("gb300-nvl72", 9), PartRow("CDU-XDU1350", 4), PartRow("", None)],
            buyer,
            seen=shown,
        )
    assert [(p["part"], p["quantity"]) for p in saved] == [("CDU-XDU1350", 4), ("GB300-NVL72", 9)]
    with database.session() as session:
        entries = session.execute(
            select(AuditEntry.action, AuditEntry.entity_key, AuditEntry.field)
            .where(AuditEntry.entity == "deployment_parts", AuditEntry.user == "maria")
            .order_by(AuditEntry.id)
        ).all()
    assert sorted(entries) == sorted(
        [
            ("create", "PC-H1 / CDU-XDU1350", None),
            ("update", "PC-H1 / GB300-NVL72", "quantity"),
            ("delete", "PC-H1 / storage", None),
        ]
    )
    # What the table showed is no longer what is stored: someone else's save is not undone.
    with pytest.raises(ConflictError), database.write() as session:
        deployments.save_parts(session, deployment_id, [PartRow("cooling", 1)], buyer, seen=shown)


def test_a_bill_of_parts_with_a_bad_row_saves_nothing_and_names_every_row(database, actor) -> None:
    with database.write() as session:
        world(session, actor)
        bill_of_parts(session, "PC-H1", {"storage": 2}, actor)
    with database.session() as session:
        deployment_id = rack_deployment(session)
    with pytest.raises(ValidationError) as caught, database.write() as session:
        deployments.save_parts(
            session,
            deployment_id,
            [
                PartRow("cooling", 4),
                PartRow("liquid magic", 2),
                PartRow("storage", -1),
                PartRow("Cooling", 1),
                PartRow("network", "six"),
            ],
            actor,
        )
    found = [(p.row, p.field) for p in caught.value.problems]
    assert sorted(found) == [(2, "part"), (3, "quantity"), (4, "part"), (5, "quantity")]
    assert "The parts of deployment PC-H1" in str(caught.value)
    with database.session() as session:
        parts = deployments.parts_of(session, deployment_id)
    assert [(p["part"], p["quantity"]) for p in parts] == [("storage", 2)]


def test_deleting_a_deployment_takes_its_parts_with_it_in_the_audit_trail(database, actor) -> None:
    with database.write() as session:
        world(session, actor)
        bill_of_parts(session, "PC-H1", {"cooling": 4}, actor)
    with database.session() as session:
        deployment_id = rack_deployment(session)
        version = records.get_record(session, "deployments", deployment_id)["version"]
    with database.write() as session:
        deployments.delete(session, deployment_id, Actor("ana"), expected_version=version)
    with database.session() as session:
        assert records.list_records(session, "deployments") == []
        removed = session.execute(
            select(AuditEntry.entity, AuditEntry.entity_key)
            .where(AuditEntry.action == "delete")
            .order_by(AuditEntry.id)
        ).all()
    assert removed == [("deployment_parts", "PC-H1 / cooling"), ("deployments", "PC-H1")]


def test_a_contract_or_site_with_deployments_is_not_deleted(database, actor) -> None:
    with database.write() as session:
        world(session, actor)
    with database.write() as session:
        contract = records.find_record(session, "contracts", {"contract_ref": "C-1"})
        assert contract is not None
        with pytest.raises(ReferencedError, match="1 deployments"):
            records.delete(session, "contracts", contract["id"], actor)


def test_the_last_product_of_a_sku_a_bill_of_parts_names_is_not_deleted(database, actor) -> None:
    with database.write() as session:
        world(session, actor)
        bill_of_parts(session, "PC-H1", {"CDU-XDU1350": 4}, actor)
        make(session, "vendors", actor, name="Motivair")
        other = product(session, "cdu-xdu1350", actor, vendor="Motivair", category="cooling")
    with database.write() as session:
        # Another vendor sells the same sku: the part still names a product.
        records.delete(session, "products", other["id"], actor)
    with database.write() as session:
        (vertiv,) = [
            p for p in records.list_records(session, "products") if p["vendor"] == "Vertiv"
        ]
        with pytest.raises(ReferencedError, match="is a part of 1 deployments' bills of parts"):
            records.delete(session, "products", vertiv["id"], actor)
    with database.session() as session:
        assert len(records.list_records(session, "deployment_parts")) == 1


def test_a_deployment_deleted_as_any_record_takes_its_parts_with_it(database, actor) -> None:
    with database.write() as session:
        world(session, actor)
        bill_of_parts(session, "PC-H1", {"power": 2}, actor)
    with database.write() as session:
        records.delete(session, "deployments", rack_deployment(session), actor)
    with database.session() as session:
        assert records.list_records(session, "deployment_parts") == []
        assert session.scalar(select(func.count()).select_from(DeploymentPart)) == 0
        deleted = session.scalars(
            select(AuditEntry.entity_key).where(AuditEntry.action == "delete")
        ).all()
    assert deleted == ["PC-H1 / power", "PC-H1"]
