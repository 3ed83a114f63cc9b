"""Layers (STYLE.md habits 1 and 2): services never load Qt; the window never builds SQL."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# ui/app.py wires the window to an open database, as main.py and cli.py do.
WIRING = {"ui/app.py"}


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


def _runtime_imports(tree: ast.AST) -> list[str]:
    """Modules imported when the code runs (imports under ``if TYPE_CHECKING:`` are types)."""
    found: list[str] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.append(node.module)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def test_the_window_builds_no_sql():
    offenders = []
    for path in (ROOT / "ui").rglob("*.py"):
        name = path.relative_to(ROOT).as_posix()
        if name in WIRING:
            continue
        text = path.read_text(encoding="utf-8")
        modules = _runtime_imports(ast.parse(text))
        if ".execute(" in text or any(m.split(".")[0] in ("sqlalchemy", "models") for m in modules):
            offenders.append(name)
    assert offenders == []
