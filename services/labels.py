"""Words, not codes: how every enumerated value reads to a person (``managed_training`` is
"Managed training", ``per_gpu_hour`` "per GPU-hour"). The window, the exports and the
messages all take their words from here, so a value reads the same everywhere."""

from __future__ import annotations

from functools import lru_cache

# Values whose words are not simply their code with spaces and a capital.
WORDS: dict[str, str] = {
    # product categories
    "gpu_system": "GPU system",
    "gpu_server": "GPU server",
    # contract services and price units
    "gpu_lease": "GPU lease",
    "managed_training": "Managed training",
    "per_gpu_hour": "per GPU-hour",
    "per_kw_month": "per kW-month",
    "per_month": "per month",
    "per_year": "per year",
    # alert rules
    "eta_slip": "ETA slip",
    "ppa_coverage_gap": "PPA coverage gap",
    "ppa_expiring": "PPA expiring",
    "take_or_pay_idle": "Take-or-pay idle",
}

# Words that keep their own spelling inside a value (``ppa_expiring`` → "PPA expiring").
_ACRONYMS = {"gpu": "GPU", "gpus": "GPUs", "ppa": "PPA", "eta": "ETA", "kw": "kW", "mw": "MW"}


@lru_cache(maxsize=512)
def choice_label(value: str) -> str:
    """An enumeration value as words: ``in_production`` → "In production", ``gpu_lease`` →
    "GPU lease", ``per_gpu_hour`` → "per GPU-hour"."""
    if value in WORDS:
        return WORDS[value]
    words = [_ACRONYMS.get(word, word) for word in value.split("_")]
    if not words or not words[0]:
        return value
    first = words[0]
    words[0] = first if first in _ACRONYMS.values() else first[:1].upper() + first[1:]
    return " ".join(words)


def choice_value(text: str, choices: tuple[str, ...]) -> str | None:
    """The value among ``choices`` that ``text`` names, by its code or by its words (case and
    spaces ignored), or None."""
    wanted = " ".join(text.replace("_", " ").split()).casefold()
    for value in choices:
        if wanted in (value.replace("_", " ").casefold(), choice_label(value).casefold()):
            return value
    return None
