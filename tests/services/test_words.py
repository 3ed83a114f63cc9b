"""Codes in words, as the window, the exports and the reports write them (services.words),
and read back by the import as the codes they stand for."""

from __future__ import annotations

import pytest

from models import enums
from services.importing.values import to_choice, to_line_status
from services.words import gpu_model_words, part_words, words


@pytest.mark.parametrize(
    ("code", "said"),
    [
        ("managed_training", "Managed training"),
        ("gpu_lease", "GPU lease"),
        ("colocation", "Colocation"),
        ("per_gpu_hour", "per GPU-hour"),
        ("per_kw_month", "per kW-month"),
        ("per_year", "per year"),
        ("in_production", "In production"),
        ("partially_received", "Partially received"),
        ("on_hold", "On hold"),
        ("gpu_system", "GPU system"),
        ("capacity_shortfall", "Capacity shortfall"),
        ("ppa_coverage_gap", "PPA coverage gap"),
        ("eta_slip", "ETA slip"),
        ("take_or_pay_idle", "Take-or-pay idle"),
        ("lead_time_drift", "Lead-time drift"),
        ("critical", "Critical"),
        ("power_ready", "Power energised"),
    ],
)
def test_codes_read_as_words(code: str, said: str) -> None:
    assert words(code) == said


def test_nothing_reads_as_nothing() -> None:
    assert words(None) == "" and words("") == ""


@pytest.mark.parametrize(
    "choices",
    [
        enums.SERVICES,
        enums.PRICE_UNITS,
        enums.CONTRACT_STATUSES,
        enums.PRODUCT_CATEGORIES,
        enums.SITE_STATUSES,
        enums.PPA_STRUCTURES,
        enums.DEPLOYMENT_STATUSES,
    ],
)
def test_the_import_reads_every_word_back_as_its_code(choices: tuple[str, ...]) -> None:
    assert [to_choice(words(code), choices) for code in choices] == list(choices)


def test_line_statuses_read_back_too() -> None:
    assert [to_line_status(words(s)) for s in enums.LINE_STATUSES] == list(enums.LINE_STATUSES)


def test_a_blank_gpu_model_serves_any_model() -> None:
    assert gpu_model_words(None) == gpu_model_words("  ") == "any model"
    assert gpu_model_words(" GB300 ") == "GB300"


@pytest.mark.parametrize(
    ("part", "said"),
    [
        ("XDU1350", "XDU1350"),
        ("cooling", "Cooling"),
        ("gpu_system", "GPU system"),
        (" Network ", "Network"),
        ("power_ready", "Power energised"),
    ],
)
def test_parts_of_a_bill_of_parts_in_words(part: str, said: str) -> None:
    """A sku as written; a category, and the deployment's power, in words."""
    assert part_words(part) == said
