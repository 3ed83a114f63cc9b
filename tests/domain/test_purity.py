"""domain/ is plain Python over plain values: no database, no Qt, no I/O, no layer above it."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ALLOWED = {
    "__future__",
    "bisect",
    "calendar",
    "collections",
    "dataclasses",
    "datetime",
    "decimal",
    "enum",
    "functools",
    "itertools",
    "math",
    "re",
    "typing",
    "dateutil",
    "domain",
}
NO_IO = re.compile(r"\b(open|Path|print|input)\(|\b(os|sys|socket|subprocess|shutil)\.")


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module.split(".")[0])
    return found


def test_domain_imports_only_the_standard_library_and_dateutil() -> None:
    for path in sorted((ROOT / "domain").rglob("*.py")):
        assert _imports(path) <= ALLOWED, f"{path.name} imports {_imports(path) - ALLOWED}"


def test_domain_does_no_io() -> None:
    for path in sorted((ROOT / "domain").rglob("*.py")):
        found = NO_IO.search(path.read_text(encoding="utf-8"))
        assert found is None, f"{path.name} uses {found.group(0) if found else ''}"


def test_importing_domain_loads_no_database_and_no_qt() -> None:
    code = (
        "import importlib, pkgutil, sys, domain\n"
        "for m in pkgutil.iter_modules(domain.__path__):\n"
        "    importlib.import_module('domain.' + m.name)\n"
        "print(sorted({n.split('.')[0] for n in sys.modules} & {'sqlalchemy', 'PySide6',"
        " 'models', 'services', 'ui', 'cli'}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
