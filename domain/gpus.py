"""GPU models: ``GB300`` = ``gb-300`` = ``GB 300``.

A contract with a GPU model is served only by GPUs of products of that model; a contract
without one (blank) takes GPUs of any model.
"""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1024)
def model_key(model: str | None) -> str:
    """How GPU models compare: case, spaces and hyphens ignored ("" for no model)."""
    if not model:
        return ""
    return model.casefold().replace(" ", "").replace("-", "")


def serves(wanted: str | None, offered: str | None) -> bool:
    """Whether GPUs of model ``offered`` serve a demand for ``wanted`` (blank: any model)."""
    want = model_key(wanted)
    return not want or want == model_key(offered)
