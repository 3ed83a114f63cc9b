"""Layers (STYLE.md habits 1 and 2): services never load Qt; the window never builds SQL."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# ui/app.py wires the window to an open database, as main.py and cli.py do.
WIRING = {"ui/app.py", "ui/context.py"}


def test_services_import_without_qt():
    modules = sorted(
        ".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for p in (ROOT / "services").rglob("*.py")
    )
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m.startswith('PySide6')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_the_window_builds_no_sql():
    sql = re.compile(r"^\s*(from|import)\s+sqlalchemy|\.execute\(|^\s*from models", re.M)
    offenders = []
    for path in (ROOT / "ui").rglob("*.py"):
        name = path.relative_to(ROOT).as_posix()
        if name in WIRING:
            continue
        if sql.search(path.read_text(encoding="utf-8")):
            offenders.append(name)
    assert offenders == []
