"""A deployed stage takes its OIDC settings and hook secret from SSM Parameter Store."""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from chalicelib import secrets
from chalicelib.config import load_settings

PATH = "/tapaamo/test"


@pytest.fixture
def ssm(monkeypatch):
    for name, value in {"AWS_DEFAULT_REGION": "eu-north-1", "AWS_ACCESS_KEY_ID": "testing",
                        "AWS_SECRET_ACCESS_KEY": "testing", "TAPAAMO_STAGE": "prod",
                        "TAPAAMO_PARAMETER_PATH": PATH, "OIDC_ISSUER": "https://from-env.example"}.items():
        monkeypatch.setenv(name, value)
    secrets.forget()
    with mock_aws():
        client = boto3.client("ssm", region_name="eu-north-1")
        client.put_parameter(Name=f"{PATH}/oidc/issuer", Value="https://login.example/tenant/v2.0", Type="String")
        client.put_parameter(Name=f"{PATH}/oidc/audience", Value="api://tapaamo", Type="String")
        client.put_parameter(Name=f"{PATH}/oidc/jwks_url", Value="https://login.example/keys", Type="String")
        client.put_parameter(Name=f"{PATH}/hook/secret", Value="s3cret-hook-value", Type="SecureString")
        yield client
    secrets.forget()


def test_prod_settings_come_from_parameter_store_over_the_environment(ssm):
    settings = load_settings()
    assert (settings.oidc_issuer, settings.oidc_audience, settings.oidc_jwks_url) == (
        "https://login.example/tenant/v2.0", "api://tapaamo", "https://login.example/keys")
    assert settings.hook_secret == "s3cret-hook-value"


def test_the_hook_secret_never_shows_in_the_settings_repr(ssm):
    assert "s3cret-hook-value" not in repr(load_settings())


def test_parameters_are_read_once_per_container_until_the_cache_expires(ssm):
    first = secrets.parameters(PATH, "eu-north-1", now=1000.0)
    ssm.put_parameter(Name=f"{PATH}/hook/secret", Value="rotated", Type="SecureString", Overwrite=True)
    assert secrets.parameters(PATH, "eu-north-1", now=1000.0 + secrets.CACHE_SECONDS - 1) == first
    assert secrets.parameters(PATH, "eu-north-1", now=1000.0 + secrets.CACHE_SECONDS)["hook/secret"] == "rotated"


def test_the_local_stage_reads_no_parameter_store(monkeypatch):
    monkeypatch.delenv("TAPAAMO_PARAMETER_PATH", raising=False)
    monkeypatch.setenv("TAPAAMO_HOOK_SECRET", "local-secret")
    assert load_settings().hook_secret == "local-secret"
