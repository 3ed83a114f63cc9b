"""The figures as the services load them from the database (both backends): pegging with
overdue and reserved lines, GPU models, site capacity steps, the scorecard and the JSON
reports. The rules themselves are stated in tests/domain."""

from __future__ import annotations

from sqlalchemy import select, update

from models import (
    Deployment,
    DeploymentPart,
    OrderLine,
    Product,
    Site,
    SiteCapacity,
)
from services import figures, reports, scorecard
from tests.builders import D, contract, day, lead_time, order_line, ppa, world


def _set_model(session, sku: str, model: str) -> None:
    session.execute(update(Product).where(Product.sku == sku).values(gpu_model=model))


def test_contract_figures_from_the_database(database):
    """C-1: 1,152 GPUs at 2.50 per GPU-hour from 2027-02-01 for 364+1 days: 2,102,400 a month
    × 12 months = 25,228,800; need-by 2027-01-18; notice 60 days before 2028-01-31."""
    with database.write() as session:
        world(session)
        contract(
            session,
            "C-1",
            "2027-02-01",
            committed_gpus=1152,
            end_date=day("2028-01-31"),
            notice_days=60,
        )
        result = figures.contract_figures(session, day("2027-01-01"))
    c1 = result["C-1"]
    assert (c1.monthly_value, c1.term_months, c1.tcv) == (
        D("2102400.00"),
        D("12"),
        D("25228800.00"),
    )
    assert c1.need_by == day("2027-01-18")
    assert c1.notice_deadline == day("2027-12-02")
    assert (c1.gpus_secured, c1.shortfall, c1.customer, c1.site) == (
        0,
        1152,
        "Helios AI",
        "Panther Creek",
    )


def test_overdue_units_are_at_risk_never_secured(database):
    """As of 2026-12-07: PO-1 (4 racks, ETA 2026-08-29) is 100 days overdue; PO-2 (1 rack,
    ETA 2027-01-05) is dated; PO-3 (2 racks) has no date. C-1 (start 2027-02-01, need-by
    2027-01-18) wants 360 GPUs: only PO-2's 72 are secured, 288 short; delivery unknown."""
    with database.write() as session:
        world(session)
        order_line(session, "PO-1", quantity=4, eta=day("2026-08-29"))
        order_line(session, "PO-2", eta=day("2027-01-05"))
        order_line(session, "PO-3", quantity=2)
        contract(session, "C-1", "2027-02-01", committed_gpus=360)
        pic = figures.picture(session, day("2026-12-07"))
    c1 = pic.contracts["C-1"]
    assert (c1.gpus_secured, c1.late_gpus, c1.shortfall) == (72, 0, 288)
    assert [(p.ref, p.gpus, p.date, p.secured) for p in c1.pegs] == [
        ("PO-2/1", 72, day("2027-01-05"), True)
    ]
    assert c1.delivery_date is None and c1.days_late is None
    [site] = pic.sites.values()
    assert (site.gpus_overdue, site.gpus_undated, site.gpus_expected) == (288, 144, 72)
    report = reports.allocation(pic)
    assert report["sites"] == [
        {"site": "Panther Creek", "overdue_gpus": 288, "undated_gpus": 144, "spare_gpus": 0}
    ]
    [row] = report["contracts"]
    assert row["lines"] == [
        {"po_number": "PO-2", "line": 1, "gpus": 72, "date": "2027-01-05", "secured": True}
    ]
    assert row["delivery_date"] is None and row["late_credit"] == "0.00"


def test_gpu_models_are_matched_and_the_order_by_date_uses_the_contracts_model(database):
    """H200 cards (1 GPU each, 30-day quote) and GB300 racks (154-day quote). A GB300
    contract starting 2027-06-15 (need-by 2027-06-01) takes only GB300 racks: order by
    2027-06-01 − 154 days = 2026-12-29, never by the H200's 30 days."""
    with database.write() as session:
        world(session)
        _set_model(session, "H200-1", "H200")
        _set_model(session, "GB300-NVL72", "GB300")
        order_line(session, "PO-1", sku="H200-1", quantity=100, eta=day("2027-01-10"))
        lead_time(session, 30, "2026-11-01", sku="H200-1")
        lead_time(session, 154, "2026-11-01")
        contract(session, "C-GB", "2027-06-15", committed_gpus=72)
        session.execute(update(__import__("models").CustomerContract).values(gpu_model="gb-300"))
        pic = figures.picture(session, day("2026-12-07"))
    c = pic.contracts["C-GB"]
    assert (c.gpus_secured, c.shortfall) == (0, 72)
    assert c.order_by == day("2026-12-29")
    assert c.quickest is not None and c.quickest.sku == "GB300-NVL72"


def test_grid_capacity_follows_the_sites_steps(database):
    """Panther Creek: 350 MW in the site record; steps 20 MW from 2026-01-01 and 350 MW from
    2028-01-01: on 2027-01-01 the grid in force is 20 MW. C-1 (8 MW, PUE 1.25 → 10 MW) fits;
    headroom = min(20, PPA 15) − 10 = 5."""
    with database.write() as session:
        world(session)
        site_id = session.scalar(select(Site.id))
        session.add_all(
            [
                SiteCapacity(site_id=site_id, from_date=day("2026-01-01"), grid_mw=D("20")),
                SiteCapacity(site_id=site_id, from_date=day("2028-01-01"), grid_mw=D("350")),
            ]
        )
        ppa(session, "P-1", "15", "2026-01-01", "2030-12-31")
        contract(
            session,
            "C-1",
            "2026-12-01",
            committed_mw=D("8"),
            committed_gpus=None,
            price=D("100"),
            price_unit="per_kw_month",
        )
        [site] = figures.site_figures(session, day("2027-01-01"))
    assert (site.grid_mw, site.ppa_mw, site.mw_required, site.headroom_mw) == (
        D("20"),
        D("15"),
        D("10"),
        D("5"),
    )


def test_deployments_load_with_their_parts_and_reserved_lines(database):
    """DEP-1 reserves PO-2/1 (a rack due 2027-01-20) and needs 1 rack: it takes its own line
    although PO-1/1 (due 2027-01-05) is earlier; C-1 (no deployment) then takes PO-1/1."""
    with database.write() as session:
        world(session)
        site_id = session.scalar(select(Site.id))
        deployment = Deployment(
            deployment_ref="DEP-1",
            site_id=site_id,
            status="planned",
            target_date=day("2027-02-01"),
        )
        session.add(deployment)
        session.flush()
        session.add(DeploymentPart(deployment_id=deployment.id, part="GB300-NVL72", quantity=1))
        order_line(session, "PO-1", eta=day("2027-01-05"))
        line = order_line(session, "PO-2", eta=day("2027-01-20"))
        session.execute(
            update(OrderLine).where(OrderLine.id == line["id"]).values(deployment_id=deployment.id)
        )
        contract(session, "C-1", "2027-03-01")
        pic = figures.picture(session, day("2026-12-07"))
    readiness = pic.deployments["DEP-1"]
    assert [t.ref for t in readiness.parts[0].takes] == ["PO-2/1"]
    assert readiness.parts_complete == day("2027-01-20")
    assert readiness.ready_date == day("2027-02-03")
    assert [p.ref for p in pic.contracts["C-1"].pegs] == ["PO-1/1"]
    [row] = reports.readiness(pic)
    assert row["parts"] == [
        {
            "part": "GB300-NVL72",
            "needed": 1,
            "taken": 1,
            "complete_date": "2027-01-20",
            "missing": 0,
            "lines": [{"po_number": "PO-2", "line": 1, "units": 1, "date": "2027-01-20"}],
        }
    ]
    assert (row["critical_part"], row["days_late"]) == ("GB300-NVL72", 0)


def test_scorecard_counts_overdue_units_against_the_vendor(database):
    """As of 2026-10-15, Nvidia: PO-1 10 units received 2026-08-30 against promised
    2026-09-01 (on time, slip −2, lead 90); PO-2 4 units received 2026-09-11 (late, slip 10,
    lead 102); PO-3 6 units promised 2026-10-01, still open: overdue 14 days (slip 14).
    On time = 10 ÷ (14 received + 6 overdue) = 0.5; median slip of (−2, 10, 14) = 10."""
    with database.write() as session:
        world(session)
        order_line(
            session,
            "PO-1",
            quantity=10,
            promised_date=day("2026-09-01"),
            received_qty=10,
            received_date=day("2026-08-30"),
        )
        order_line(
            session,
            "PO-2",
            quantity=4,
            promised_date=day("2026-09-01"),
            received_qty=4,
            received_date=day("2026-09-11"),
        )
        order_line(session, "PO-3", quantity=6, promised_date=day("2026-10-01"))
        card = scorecard.scorecard(session, day("2026-10-15"))
    [nvidia] = card.vendors
    assert (nvidia.units_received, nvidia.units_on_time, nvidia.units_overdue) == (14, 10, 6)
    assert nvidia.on_time_share == D("0.5")
    assert nvidia.median_slip_days == D(10)
    [rack] = [s for s in card.skus if s.sku == "GB300-NVL72"]
    assert rack.median_actual_lead_days == D(96)  # (90 + 102) / 2
    as_json = reports.scorecard(card)
    assert as_json["vendors"][0]["on_time_share"] == 0.5
    assert as_json["vendors"][0]["open_order_value"] == "6000.00"
