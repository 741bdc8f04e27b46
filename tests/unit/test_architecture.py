"""The functional core stays pure: chalicelib/domain imports no store, API, AWS or clock."""

import ast
import pathlib
import subprocess
import sys

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


ROOT = DOMAIN.parents[1]


def test_import_contracts_hold():
    """The layers of docs/architecture.md §1, held by import-linter (pyproject.toml).

    In its own process: the linter's command line reconfigures logging, which other
    tests read through ``caplog``.
    """
    lint = pathlib.Path(sys.executable).with_name("lint-imports")
    run = subprocess.run([str(lint), "--no-cache", "--config", str(ROOT / "pyproject.toml")],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout[-4000:]


def test_app_imports_only_blueprints_and_nothing_imports_app():
    """app.py is a module, not a package, so import-linter cannot hold it: checked here."""
    assert [m for m in imported_modules(ROOT / "app.py")
            if m.startswith("chalicelib") and not m.startswith("chalicelib.api")] == []
    importers = [p for p in ROOT.glob("chalicelib/**/*.py")
                 if any(m == "app" for m in imported_modules(p))]
    assert importers == []


def test_every_blueprint_is_in_the_independence_contract():
    """A new blueprint joins "Blueprints do not import each other" (pyproject.toml)."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (contract,) = [c for c in config["contracts"] if c["type"] == "independence"]
    blueprints = {f"chalicelib.api.{p.stem}" for p in (ROOT / "chalicelib" / "api").glob("*.py")
                  if "Blueprint(" in p.read_text() and p.stem != "auth"}
    assert blueprints - set(contract["modules"]) == set()
