"""The one place that decides where Rackbook keeps its files.

Order of precedence: an explicit override (tests, ``--db``), then the ``RACKBOOK_HOME``
environment variable, then the platform's per-user data folder.
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_path

_override: Path | None = None


def set_home(path: Path | None) -> None:
    """Point every Rackbook path at ``path`` (tests use a temporary folder)."""
    global _override
    _override = path


def home() -> Path:
    if _override is not None:
        base = _override
    elif os.environ.get("RACKBOOK_HOME"):
        base = Path(os.environ["RACKBOOK_HOME"])
    else:
        base = user_data_path("Rackbook", appauthor=False)
    base.mkdir(parents=True, exist_ok=True)
    return base


def default_database() -> Path:
    return home() / "rackbook.db"


def demo_database() -> Path:
    return home() / "rackbook-demo.db"


def backups_folder() -> Path:
    folder = home() / "backups"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def log_folder() -> Path:
    folder = home() / "logs"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def pasted_folder() -> Path:
    """Tables pasted into the import wizard, kept as the files their import batches name."""
    folder = home() / "pasted"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
