"""The two rules of clusters and money, over hand-made worlds: deployment_late and
take_or_pay_idle (the other rules are stated through the database in tests/services/alerts)."""

from __future__ import annotations

from domain import alerts
from domain.picture import picture
from domain.power import Ppa, Site
from domain.world import Settings, Vendor, World
from tests.domain.builders import CDU, PRODUCTS, D, contract, day, deployment, line

AS_OF = day("2026-12-07")


def world(lines=(), contracts=(), deployments=(), ppas=(), **settings) -> World:
    return World(
        sites={1: Site(1, "Panther Creek", D("350"), D("1"))},
        vendors={
            v: Vendor(v, name)
            for v, name in ((1, "Nvidia"), (2, "Dell"), (3, "Vertiv"), (4, "Arista"))
        },
        products=PRODUCTS,
        lines=list(lines),
        contracts=list(contracts),
        ppas=list(ppas),
        deployments=list(deployments),
        settings=Settings(**settings),
    )


def fired(w: World, rule: str) -> list[alerts.Alert]:
    return [a for a in alerts.evaluate(picture(w, AS_OF)) if a.rule == rule]


def test_deployment_late_names_the_part_its_lines_and_the_days() -> None:
    # The hall for C-1 (start 2027-02-15, need-by 2027-02-01) waits for its second CDU,
    # due 2027-02-05: 4 days late; critical since C-1 is signed.
    c1 = contract("C-1", gpus=0, start="2027-02-15")
    cdus = [
        line("PO-C", 1, product=CDU, eta="2027-01-20"),
        line("PO-C", 2, product=CDU, eta="2027-02-05"),
    ]
    hall = deployment("HALL-1", {"cooling": 2}, contract_ref="C-1")
    [alert] = fired(world(cdus, [c1], [hall]), "deployment_late")
    assert (alert.key, alert.severity, alert.figure) == ("deployment_late:HALL-1", "critical", 4)
    assert alert.message == (
        "Deployment HALL-1 at Panther Creek for C-1 (Acme AI) is 4 days late: its cooling part "
        "completes only on 2027-02-05 (PO-C/2), against its needed-by date 2027-02-01; ready "
        "2027-02-19."
    )
    assert "PO-C/2" in alert.related


def test_deployment_that_cannot_complete_names_what_it_waits_for() -> None:
    # One CDU is overdue (ETA passed): it counts for nothing, the part is 1 short.
    cdus = [
        line("PO-C", 1, product=CDU, eta="2027-01-20"),
        line("PO-C", 2, product=CDU, eta="2026-11-30"),
    ]
    hall = deployment("HALL-1", {"cooling": 2}, target="2027-03-01")
    [alert] = fired(world(cdus, deployments=[hall]), "deployment_late")
    assert alert.severity == "warning"  # no binding contract
    assert "cannot complete: its cooling part is 1 unit short of 2" in alert.message
    assert "it waits for PO-C/2" in alert.message


def test_on_time_and_cancelled_deployments_do_not_fire() -> None:
    cdus = [line("PO-C", 1, product=CDU, quantity=2, eta="2027-01-20")]
    on_time = deployment("HALL-1", {"cooling": 2}, target="2027-02-01")
    gone = deployment("HALL-2", {"cooling": 5}, status="cancelled")
    assert fired(world(cdus, deployments=[on_time, gone]), "deployment_late") == []


def _take_or_pay(contracted_mw: str) -> list:
    """The take-or-pay alerts at Panther Creek: a 120 MW PPA at 45 a MWh with 80 % take-or-pay
    (96 MW minimum) from 2026 to 2035, and one contract of ``contracted_mw`` (PUE 1)."""
    c1 = contract(
        "C-1",
        gpus=None,
        mw=D(contracted_mw),
        start="2026-01-01",
        end="2030-12-31",
        unit="per_month",
        price=D("1"),
    )
    ppa = Ppa(
        "P-1",
        1,
        D("120"),
        day("2026-01-01"),
        day("2035-12-31"),
        price_per_mwh=D("45"),
        take_or_pay_pct=D("80"),
    )
    return fired(world(contracts=[c1], ppas=[ppa]), "take_or_pay_idle")


def test_take_or_pay_idle_names_the_site_months_mw_and_money() -> None:
    # 120 MW at 45 with 80 % take-or-pay (96 MW minimum); 8 MW contracted (PUE 1): 88 MW idle
    # each month, 88 × 730 × 45 = 2,890,800 a month, over the 12-month horizon 34,689,600.
    [alert] = _take_or_pay("8")
    assert alert.key == "take_or_pay_idle:Panther Creek"
    assert alert.figure == D("34689600")
    assert "12 months from 2026-12 to 2027-11" in alert.message
    assert "up to 88 MW idle" in alert.message
    assert "USD 34,689,600.00 paid for unused power" in alert.message


def test_no_idle_when_the_minimum_take_is_used() -> None:
    assert _take_or_pay("100") == []
