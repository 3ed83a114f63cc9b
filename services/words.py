"""Codes as a person writes them: one wording for the window, the exports and the reports.

Stored enumerations (``managed_training``, ``per_gpu_hour``, ``in_production``,
``capacity_shortfall``…) are codes; what a buyer or a manager reads is words (``Managed
training``, ``per GPU-hour``, ``In production``, ``Capacity shortfall``). :func:`words` turns
any code into them: a short table for the codes whose words are not simply the code's own
(price units, hyphenated terms), else the code's parts with their abbreviations written as
they are spelled (GPU, PPA, ETA, kW, MW…) and a capital first letter. The import reads these
words back (``GPU system`` → ``gpu_system``), so a sheet written in words imports unchanged.
"""

from __future__ import annotations

from domain.allocation import POWER_READY, is_part_category

# Codes whose words are not the code's own parts.
SPECIAL: dict[str, str] = {
    # Price units follow a price ("USD 2.35 per GPU-hour"): no capital.
    "per_gpu_hour": "per GPU-hour",
    "per_kw_month": "per kW-month",
    "per_month": "per month",
    "per_year": "per year",
    "take_or_pay_idle": "Take-or-pay idle",
    "lead_time_drift": "Lead-time drift",
    "power_ready": "Power energised",
}
# Parts of codes that are abbreviations, spelled as they are written.
SPELLED: dict[str, str] = {
    "gpu": "GPU",
    "gpus": "GPUs",
    "ppa": "PPA",
    "ppas": "PPAs",
    "eta": "ETA",
    "sku": "SKU",
    "po": "PO",
    "kw": "kW",
    "mw": "MW",
    "mwh": "MWh",
    "fx": "FX",
    "pue": "PUE",
    "sla": "SLA",
}


def words(code: str | None) -> str:
    """A code in words: ``managed_training`` → ``Managed training``, ``per_gpu_hour`` →
    ``per GPU-hour``, ``gpu_system`` → ``GPU system``; None → ``""``."""
    if not code:
        return ""
    found = SPECIAL.get(code)
    if found is not None:
        return found
    parts = [SPELLED.get(part, part) for part in code.split("_") if part]
    if not parts:
        return code
    first = parts[0]
    if first not in SPELLED.values():
        parts[0] = first[:1].upper() + first[1:]
    return " ".join(parts)


def part_words(part: str) -> str:
    """A part of a deployment's bill of parts as a buyer reads it: a category in words
    (``gpu_system`` → ``GPU system``), a sku as written, the deployment's power
    (``power_ready``) as ``Power energised``."""
    key = part.strip().casefold()
    if key == POWER_READY or is_part_category(key):
        return words(key)
    return part


def gpu_model_words(model: str | None) -> str:
    """A contract's GPU model as written; a blank one serves any model."""
    return model.strip() if model and model.strip() else "any model"
