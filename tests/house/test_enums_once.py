"""Every enumeration is a StrEnum of domain/statuses.py, declared once; the fields' allowed values
in models/enums.py are those enums' values, not lists of their own."""

from __future__ import annotations

import ast
from pathlib import Path

from domain import statuses
from models import enums
from services import records, schema

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("domain", "models", "services", "ui")


def _strenum_classes() -> dict[str, list[str]]:
    """Class name → the modules that declare a StrEnum of that name."""
    found: dict[str, list[str]] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ClassDef) and any(
                    isinstance(b, ast.Name) and b.id == "StrEnum" for b in node.bases
                ):
                    found.setdefault(node.name, []).append(str(path.relative_to(ROOT)))
    return found


def test_no_strenum_declared_twice():
    twice = {name: where for name, where in _strenum_classes().items() if len(where) > 1}
    assert twice == {}


def test_allowed_values_are_the_enums():
    assert tuple(statuses.LineStatus) == enums.LINE_STATUSES
    assert tuple(statuses.PriceUnit) == enums.PRICE_UNITS
    assert tuple(statuses.Service) == enums.SERVICES
    assert tuple(statuses.ContractStatus) == enums.CONTRACT_STATUSES
    assert tuple(statuses.DeploymentStatus) == enums.DEPLOYMENT_STATUSES
    assert tuple(statuses.ProductCategory) == enums.PRODUCT_CATEGORIES


def test_the_same_values_are_not_listed_twice():
    """No module spells out a tuple of an enum's values as string literals again."""
    enum_values = {
        frozenset(member.value for member in enum)
        for enum in (
            statuses.LineStatus,
            statuses.PriceUnit,
            statuses.Service,
            statuses.ContractStatus,
            statuses.DeploymentStatus,
            statuses.ProductCategory,
            statuses.SiteStatus,
            statuses.PpaStructure,
            statuses.Rule,
            statuses.RecordKind,
        )
    }
    again = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, (ast.Tuple, ast.List, ast.Set)) and len(node.elts) > 2:
                    texts = [
                        e.value
                        for e in node.elts
                        if isinstance(e, ast.Constant) and isinstance(e.value, str)
                    ]
                    if len(texts) == len(node.elts) and frozenset(texts) in enum_values:
                        again.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert again == []


def test_the_record_kinds_are_the_enum():
    """services/schema.py declares exactly the kinds of RecordKind, each with its member."""
    assert set(schema.KINDS) == {k.value for k in statuses.RecordKind}
    assert all(type(spec.name) is statuses.RecordKind for spec in schema.KINDS.values())
    assert set(schema.MODELS) == set(statuses.RecordKind)
    assert set(records.ADAPTERS) == set(statuses.RecordKind)
