"""Rackbook's version, kept in one place: ``version`` in pyproject.toml.

A source checkout reads it from pyproject.toml beside the code (a version raised there shows at
once, without installing again); the desktop bundle, which carries no pyproject.toml and no
package metadata, from the VERSION file that packaging/build writes into it; an installed copy
from its package metadata.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import metadata
from pathlib import Path

DISTRIBUTION = "rackbook"
# The folder holding main.py and the packages: the checkout, site-packages, or the bundle's.
CODE_ROOT = Path(__file__).resolve().parent.parent
BUNDLED_VERSION = "VERSION"


@cache
def version() -> str:
    return version_at(CODE_ROOT)


def version_at(root: Path) -> str:
    """The version of the Rackbook whose code lies in ``root``."""
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        with pyproject.open("rb") as handle:
            project = tomllib.load(handle).get("project", {})
        if project.get("name") == DISTRIBUTION and "version" in project:
            return str(project["version"])
    bundled = root / BUNDLED_VERSION
    if bundled.is_file():
        return bundled.read_text(encoding="utf-8").strip()
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return "unknown"
