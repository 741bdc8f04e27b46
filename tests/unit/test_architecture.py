"""The functional core stays pure: chalicelib/domain imports no store, API, AWS or clock."""

import ast
import pathlib

import pytest

DOMAIN = pathlib.Path(__file__).resolve().parents[2] / "chalicelib" / "domain"
FORBIDDEN = ("boto3", "botocore", "pynamodb", "chalice", "chalicelib.store", "chalicelib.api",
             "chalicelib.services", "chalicelib.notify", "chalicelib.bootstrap", "requests")


def imported_modules(path: pathlib.Path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


def clock_reads(path: pathlib.Path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in ("now", "utcnow", "today", "time"):
            if isinstance(node.value, ast.Name) and node.value.id in ("datetime", "date", "time"):
                yield f"{node.value.id}.{node.attr}"


@pytest.mark.parametrize("module", sorted(DOMAIN.glob("*.py")), ids=lambda p: p.name)
def test_domain_module_imports_nothing_impure(module):
    bad = [m for m in imported_modules(module)
           if any(m == name or m.startswith(name + ".") for name in FORBIDDEN)]
    assert bad == []


@pytest.mark.parametrize("module", sorted(DOMAIN.glob("*.py")), ids=lambda p: p.name)
def test_domain_module_never_reads_the_clock(module):
    assert list(clock_reads(module)) == []
