"""No function of the project's modules is longer than 80 lines (generated migrations aside).

A long function hides several jobs; split it by job. The functions listed in ``KNOWN`` are
over the limit today and are being split; the list may only shrink: a function not in it that
grows past the limit fails, and so does an entry whose function has been split (remove it).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("domain", "models", "services", "ui", "bench", "packaging")
SCRIPTS = ("cli.py", "cli_figures.py", "main.py")
LIMIT = 80

# path:qualified name of the functions over the limit, to be split.
KNOWN: frozenset[str] = frozenset()


def _modules() -> list[Path]:
    found = [ROOT / name for name in SCRIPTS]
    for package in PACKAGES:
        found.extend(sorted((ROOT / package).rglob("*.py")))
    return [p for p in found if p.is_file()]


def _long_functions(path: Path) -> list[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    long: list[tuple[str, int]] = []

    def walk(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                name = f"{prefix}{child.name}"
                start = min([d.lineno for d in child.decorator_list] + [child.lineno])
                length = (child.end_lineno or child.lineno) - start + 1
                if length > LIMIT:
                    long.append((name, length))
                walk(child, f"{name}.")
            elif isinstance(child, ast.ClassDef):
                walk(child, f"{prefix}{child.name}.")

    walk(tree, "")
    return long


def long_functions() -> dict[str, int]:
    return {
        f"{path.relative_to(ROOT)}:{name}": length
        for path in _modules()
        for name, length in _long_functions(path)
    }


def test_no_function_over_the_limit():
    over = {place: n for place, n in long_functions().items() if place not in KNOWN}
    assert over == {}, "split these functions by job: " + ", ".join(
        f"{place} ({n} lines)" for place, n in sorted(over.items())
    )


def test_the_known_list_only_shrinks():
    assert sorted(KNOWN - set(long_functions())) == []
