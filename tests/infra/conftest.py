"""The packaged stack, built once per test session (chalice caches the dependencies)."""

from __future__ import annotations

import pytest
import yaml

from infra.package import package


@pytest.fixture(scope="session")
def packaged(tmp_path_factory):
    """The directory with sam.yaml and deployment.zip, as `make package` writes them."""
    outdir = tmp_path_factory.mktemp("package")
    package(outdir)
    return outdir


@pytest.fixture(scope="session")
def template(packaged) -> dict:
    return yaml.safe_load((packaged / "sam.yaml").read_text())
