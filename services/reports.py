"""The figure reports as other tools read them: plain JSON-ready values (money as strings,
dates ISO, unknown as None), in the shapes of the command line's figure commands
(``allocation``, ``scorecard``, ``readiness``, ``margin``). ``whatif`` and ``cash`` build on
these in their own modules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from domain.allocation import DeploymentReadiness
from domain.margin import Ledger, contract_margins, site_margins
from domain.money import MonthMargin, months
from domain.picture import ContractFigures, Picture
from services.scorecard import Scorecard, SkuScore, VendorScore

CENT = Decimal("0.01")
SHARE = Decimal("0.0001")


def money(value: Decimal | None) -> str | None:
    """Money as a string with two decimals (None stays None)."""
    return None if value is None else str(value.quantize(CENT))


def iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def number(value: Decimal | int | None) -> int | float | None:
    """A count or a median of days as a JSON number: whole as int, else a float."""
    if value is None:
        return None
    if isinstance(value, int):
        return value
    return int(value) if value == value.to_integral_value() else float(value)


def measure(value: Decimal | None) -> str | None:
    """MW and other measures as plain strings (no trailing zeros)."""
    if value is None:
        return None
    text = format(value.quantize(SHARE).normalize(), "f")
    return text


# --- allocation --------------------------------------------------------------------------


def contract_allocation(figures: ContractFigures) -> dict[str, Any]:
    credit = figures.late_credit
    return {
        "contract_ref": figures.ref,
        "site": figures.site,
        "status": figures.status,
        "gpu_model": figures.gpu_model,
        "committed_gpus": figures.committed_gpus,
        "need_by": iso(figures.need_by),
        "secured_gpus": figures.gpus_secured,
        "late_gpus": figures.late_gpus,
        "shortfall": figures.shortfall,
        "order_by": iso(figures.order_by),
        "delivery_date": iso(figures.delivery_date),
        "days_late": figures.days_late,
        "late_credit": None if credit is None else money(credit.amount),
        "late_credit_unbounded": bool(credit and credit.unbounded),
        "lines": [
            {
                "po_number": peg.po_number,
                "line": peg.line_no,
                "gpus": peg.gpus,
                "date": iso(peg.date),
                "secured": peg.secured,
            }
            for peg in figures.pegs
        ],
    }


def allocation(pic: Picture) -> dict[str, Any]:
    """{"contracts": [...], "sites": [{site, overdue_gpus, undated_gpus, spare_gpus}]}."""
    sites = []
    for site in sorted(pic.world.sites.values(), key=lambda s: s.name):
        gpus = pic.allocation.sites.get(site.id)
        sites.append(
            {
                "site": site.name,
                "overdue_gpus": gpus.overdue_gpus if gpus else 0,
                "undated_gpus": gpus.undated_gpus if gpus else 0,
                "spare_gpus": gpus.spare_gpus if gpus else 0,
            }
        )
    return {
        "contracts": [contract_allocation(c) for c in pic.contracts.values()],
        "sites": sites,
    }


# --- scorecard ---------------------------------------------------------------------------


def _share(value: Decimal | None) -> float | None:
    return None if value is None else float(value.quantize(SHARE))


def _vendor_score(score: VendorScore) -> dict[str, Any]:
    return {
        "vendor": score.vendor,
        "on_time_share": _share(score.on_time_share),
        "units_received": score.units_received,
        "units_on_time": score.units_on_time,
        "units_overdue": score.units_overdue,
        "median_slip_days": number(score.median_slip_days),
        "open_order_value": money(score.open_value),
    }


def _sku_score(score: SkuScore) -> dict[str, Any]:
    found = _vendor_score(score)
    found["sku"] = score.sku
    ordered = {"vendor": found.pop("vendor"), "sku": found.pop("sku"), **found}
    ordered["newest_lead_days"] = score.newest_lead_days
    ordered["median_actual_lead_days"] = number(score.median_actual_lead_days)
    return ordered


def scorecard(card: Scorecard) -> dict[str, Any]:
    return {
        "vendors": [_vendor_score(v) for v in card.vendors],
        "skus": [_sku_score(s) for s in card.skus],
    }


# --- readiness ---------------------------------------------------------------------------


def deployment_readiness(pic: Picture, readiness: DeploymentReadiness) -> dict[str, Any]:
    return {
        "deployment_ref": readiness.ref,
        "site": pic.world.site_name(readiness.site_id),
        "contract_ref": readiness.contract_ref,
        "status": readiness.status,
        "needed_by": iso(readiness.needed_by),
        "parts_complete": iso(readiness.parts_complete),
        "ready_date": iso(readiness.ready_date),
        "days_late": readiness.days_late,
        "critical_part": readiness.critical_part,
        "parts": [
            {
                "part": part.part,
                "needed": part.needed,
                "taken": part.taken,
                "complete_date": iso(part.complete_date),
                "missing": part.missing,
                "lines": [
                    {
                        "po_number": take.po_number,
                        "line": take.line_no,
                        "units": take.units,
                        "date": iso(take.date),
                    }
                    for take in part.takes
                ],
            }
            for part in readiness.parts
        ],
    }


def readiness(pic: Picture) -> list[dict[str, Any]]:
    return [deployment_readiness(pic, pic.deployments[ref]) for ref in sorted(pic.deployments)]


# --- margin ------------------------------------------------------------------------------


def _pct(value: Decimal | None) -> float | None:
    """A percentage (margin ÷ revenue × 100) as a number to two decimals."""
    return None if value is None else float(value.quantize(CENT))


def _month_figures(found: MonthMargin, prefix: str = "") -> dict[str, Any]:
    return {
        f"{prefix}revenue": money(found.revenue),
        f"{prefix}power_cost": money(found.power_cost),
        f"{prefix}hardware_cost": money(found.hardware_cost),
        f"{prefix}margin": money(found.margin),
    }


def margin(pic: Picture, ledger: Ledger | None = None) -> dict[str, Any]:
    """{"contracts": [{contract_ref, month, revenue, power_cost, hardware_cost, margin,
    margin_pct, term_…}], "sites": [{site, month, required_mw, min_take_mw, idle_mw,
    idle_cost, margin}]} with one sites row per site and month of the horizon."""
    ledger = ledger or Ledger(pic)
    contracts = []
    for found in contract_margins(ledger):
        row: dict[str, Any] = {"contract_ref": found.ref, "month": f"{found.first.month:%Y-%m}"}
        row.update(_month_figures(found.first))
        row["margin_pct"] = _pct(found.first.margin_pct)
        row.update(_month_figures(found.term, "term_"))
        contracts.append(row)
    horizon = months(pic.as_of, pic.world.settings.take_or_pay_horizon_months)
    sites = [
        {
            "site": pic.world.site_name(row.site_id),
            "month": f"{row.month:%Y-%m}",
            "required_mw": measure(row.site.required_mw),
            "min_take_mw": measure(row.site.min_take_mw),
            "idle_mw": measure(row.site.idle_mw),
            "idle_cost": money(row.idle_cost),
            "margin": money(row.margin),
        }
        for row in site_margins(ledger, horizon)
    ]
    return {"contracts": contracts, "sites": sites}
