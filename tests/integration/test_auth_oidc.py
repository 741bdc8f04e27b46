"""Stage prod: RS256 tokens from an OIDC issuer, verified against its (cached) JWKS."""

from datetime import UTC, datetime, timedelta

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from harness.api import call

ISSUER = "https://login.example.org/tenant/v2.0"
AUDIENCE = "api://tapaamo"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def client(aws):
    """The app as the prod stage configures it (stage variables apply during calls)."""
    from chalice.test import Client

    from app import app

    with Client(app, stage_name="prod") as test_client:
        yield test_client


@pytest.fixture
def prod(aws, monkeypatch):
    monkeypatch.setenv("OIDC_ISSUER", ISSUER)
    monkeypatch.setenv("OIDC_AUDIENCE", AUDIENCE)
    monkeypatch.setenv("OIDC_JWKS_URL", "https://login.example.org/keys")
    fetched = []
    jwk = jwt.algorithms.RSAAlgorithm.to_jwk(KEY.public_key(), as_dict=True)

    def fetch_data(self):  # the issuer's key set, without the network
        fetched.append(self.uri)
        return {"keys": [{**jwk, "kid": "k1", "use": "sig", "alg": "RS256"}]}

    monkeypatch.setattr(jwt.PyJWKClient, "fetch_data", fetch_data)
    return fetched


def issued(key=KEY, **claims) -> dict:
    now = datetime.now(UTC)
    body = {"iss": ISSUER, "aud": AUDIENCE, "sub": "entra-oid-1", "roles": ["coordinator"],
            "iat": int(now.timestamp()), "exp": int((now + timedelta(hours=1)).timestamp()),
            **claims}
    token = jwt.encode(body, key, algorithm="RS256", headers={"kid": "k1"})
    return {"Authorization": f"Bearer {token}"}


def test_an_issuer_token_with_an_app_role_is_accepted_and_keys_are_cached(client, prod):
    assert call(client, "GET", "/offices", issued())[0] == 200
    assert call(client, "GET", "/offices", issued())[0] == 200
    assert len(prod) == 1


def test_a_worker_role_reads_its_worker_id_claim(client, prod):
    status, body = call(client, "GET", "/workers/w-other",
                        issued(roles=["worker"], worker_id="w-self"))
    assert status == 403 and body["error"]["code"] == "forbidden"


@pytest.mark.parametrize("claims", [
    {"aud": "api://someone-else"},
    {"iss": "https://evil.example.org"},
    {"roles": ["reader"]},
    {"exp": 1},
])
def test_a_token_the_issuer_did_not_mean_for_us_is_401(client, prod, claims):
    assert call(client, "GET", "/offices", issued(**claims))[0] == 401


def test_a_token_signed_by_another_key_is_401(client, prod):
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    assert call(client, "GET", "/offices", issued(key=other))[0] == 401


def test_the_local_development_key_is_not_accepted_in_prod(client, prod, token):
    assert call(client, "GET", "/offices", token("coordinator"))[0] == 401
