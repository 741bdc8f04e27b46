"""The staff authorizer: valid, expired, wrongly signed and role-less tokens."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from chalicelib.auth import AUDIENCE, LOCAL_ISSUER, mint_local_token
from harness.api import call


def bearer(value: str) -> dict:
    return {"Authorization": f"Bearer {value}"}


def test_a_valid_coordinator_token_is_accepted(client, token):
    assert call(client, "GET", "/offices", token("coordinator"))[0] == 200


def test_no_token_is_401(client):
    assert call(client, "GET", "/offices", {})[0] == 401


def test_garbage_token_is_401_in_the_contract_shape(client):
    status, body = call(client, "GET", "/offices", bearer("not.a.jwt"))
    assert status == 401 and body["error"]["code"] == "unauthorized"


def test_a_non_bearer_scheme_is_401(client):
    assert call(client, "GET", "/offices", {"Authorization": "Basic dXNlcjpwdw=="})[0] == 401


def test_an_expired_token_is_401(client, aws):
    past = datetime.now(UTC) - timedelta(days=1)
    expired = mint_local_token(Path(aws["TAPAAMO_LOCAL_DIR"]), "coordinator", None, past,
                               ttl=timedelta(hours=1))
    assert call(client, "GET", "/offices", bearer(expired))[0] == 401


def test_a_token_signed_by_another_key_is_401(client):
    now = datetime.now(UTC)
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = jwt.encode({"iss": LOCAL_ISSUER, "aud": AUDIENCE, "sub": "x", "role": "coordinator",
                         "exp": int((now + timedelta(hours=1)).timestamp())},
                        other_key, algorithm="RS256")
    assert call(client, "GET", "/offices", bearer(forged))[0] == 401


def test_an_unsigned_token_is_401(client):
    forged = jwt.encode({"iss": LOCAL_ISSUER, "aud": AUDIENCE, "sub": "x", "role": "coordinator",
                         "exp": 4102444800}, key=None, algorithm="none")
    assert call(client, "GET", "/offices", bearer(forged))[0] == 401


def test_a_token_without_a_tapaamo_role_is_401(client, aws):
    key_dir = Path(aws["TAPAAMO_LOCAL_DIR"])
    from chalicelib.auth import local_private_key

    roleless = jwt.encode({"iss": LOCAL_ISSUER, "aud": AUDIENCE, "sub": "x",
                           "exp": 4102444800}, local_private_key(key_dir), algorithm="RS256")
    assert call(client, "GET", "/offices", bearer(roleless))[0] == 401


def test_the_wrong_role_is_403(client, token):
    status, body = call(client, "PUT", "/offices/kallio", token("worker", "w1"),
                        {"name": "K", "address": "A", "rooms": 1})
    assert status == 403 and body["error"]["code"] == "forbidden"


def test_a_new_local_key_is_used_at_once_and_tokens_of_the_old_one_are_refused(
        client, token, aws):
    old = token("coordinator")
    assert call(client, "GET", "/offices", old)[0] == 200  # the key is now kept in memory
    Path(aws["TAPAAMO_LOCAL_DIR"], "jwt-key.pem").unlink()
    new = token("coordinator")  # a new key file, made by this mint
    assert call(client, "GET", "/offices", new)[0] == 200
    assert call(client, "GET", "/offices", old)[0] == 401


def signed(aws, **claims) -> dict:
    from chalicelib.auth import local_private_key

    base = {"iss": LOCAL_ISSUER, "aud": AUDIENCE, "sub": "x", "exp": 4102444800}
    key = local_private_key(Path(aws["TAPAAMO_LOCAL_DIR"]))
    return bearer(jwt.encode({**base, **claims}, key, algorithm="RS256"))


WRONG_TYPES = [5, 1.5, True, None, {"coordinator": True}, [5], [None], [["coordinator"]],
               "coordinator"]


@pytest.mark.parametrize("value", WRONG_TYPES, ids=repr)
@pytest.mark.parametrize("claim", ["roles", "cognito:groups"])
def test_a_signed_token_with_a_role_list_of_the_wrong_type_is_401(client, aws, claim, value):
    status, body = call(client, "GET", "/offices",
                        signed(aws, role="coordinator", **{claim: value}))
    assert status == 401 and body["error"]["code"] == "unauthorized", body


@pytest.mark.parametrize("claims", [
    {"role": 5}, {"role": ["coordinator"]}, {"role": {"name": "coordinator"}},
    {"role": "coordinator", "worker_id": 7}, {"role": "coordinator", "worker_id": ["w1"]},
    {"role": "coordinator", "worker_id": ""},
], ids=repr)
def test_a_signed_token_with_a_role_or_worker_of_the_wrong_type_is_401(client, aws, claims):
    status, body = call(client, "GET", "/offices", signed(aws, **claims))
    assert status == 401 and body["error"]["code"] == "unauthorized", body


@pytest.mark.parametrize("claims", [{"roles": ["coordinator"]},
                                    {"cognito:groups": ["x", "coordinator"]},
                                    {"role": "coordinator", "roles": []}], ids=repr)
def test_role_lists_of_text_still_sign_in(client, aws, claims):
    assert call(client, "GET", "/offices", signed(aws, **claims))[0] == 200
