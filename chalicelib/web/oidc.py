"""The staff console's OpenID Connect client: authorization code flow with PKCE (S256),
``state`` and ``nonce`` (OpenID Connect Core 1.0 §3.1, RFC 7636).

Authlib makes the random values and the S256 challenge; joserfc (Authlib's JOSE library)
checks the ID token's signature against the provider's JWKS and its ``iss``, ``aud``,
``exp`` and ``nonce``. The provider's metadata and keys are fetched once per container
(keys again when a token names a key id not seen yet, i.e. after a key rotation).
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import datetime

from chalicelib import tokens
from chalicelib.config import Settings
from chalicelib.domain.errors import Unauthorized

SCOPE = "openid profile tapaamo"
CLOCK_SKEW_SECONDS = 60
_metadata: dict[str, dict] = {}
_keys: dict[str, dict] = {}


@dataclass(frozen=True)
class LoginAttempt:
    """What the browser keeps (signed) between ``/staff/login`` and ``/staff/callback``."""

    state: str
    nonce: str
    verifier: str | None
    next: str = "/staff/"


def begin(settings: Settings, redirect_uri: str, next_path: str) -> tuple[str, LoginAttempt]:
    """The provider's authorization URL and the attempt to remember until the callback."""
    from authlib.common.security import generate_token
    from authlib.oauth2.rfc7636 import create_s256_code_challenge

    attempt = LoginAttempt(state=generate_token(32), nonce=generate_token(32),
                           verifier=generate_token(64), next=next_path)
    query = urllib.parse.urlencode({
        "response_type": "code", "client_id": _client_id(settings), "scope": SCOPE,
        "redirect_uri": redirect_uri, "state": attempt.state, "nonce": attempt.nonce,
        "code_challenge": create_s256_code_challenge(attempt.verifier),
        "code_challenge_method": "S256"})
    return f"{metadata(settings)['authorization_endpoint']}?{query}", attempt


def finish(settings: Settings, attempt: LoginAttempt, state: str | None, code: str | None,
           redirect_uri: str, now: datetime) -> dict:
    """Exchange the callback's code for an ID token and return its verified claims.

    Raises:
        Unauthorized: wrong ``state``, no verifier, a code the provider refuses (used
            already, expired, or not for this verifier), or an ID token that fails any check.
    """
    if not state or not tokens.same(state, attempt.state):
        raise Unauthorized("the sign-in state does not match", code="bad_state")
    if not code or not attempt.verifier:
        raise Unauthorized("the sign-in is incomplete", code="bad_callback")
    answer = _token_request(settings, {
        "grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
        "code_verifier": attempt.verifier})
    id_token = answer.get("id_token")
    if not isinstance(id_token, str):
        raise Unauthorized("the provider sent no ID token", code="bad_token")
    return verify_id_token(id_token, lambda: provider_keys(settings), settings.oidc_issuer,
                           _client_id(settings), attempt.nonce, now)


def verify_id_token(id_token: str, keys, issuer: str, client_id: str, nonce: str,
                    now: datetime) -> dict:
    """The claims of a valid ID token.

    Args:
        id_token: the compact JWT.
        keys: a callable returning the provider's JWKS (``{"keys": [...]}``); called
            again with ``refresh=True`` when the token's key id is not among them.
        issuer, client_id, nonce: what ``iss``, ``aud`` and ``nonce`` must be.
        now: the current instant (``exp``/``iat`` are checked against it).

    Raises:
        Unauthorized: a bad signature, algorithm, issuer, audience, nonce, or expired.
    """
    from joserfc import jwt
    from joserfc.errors import JoseError
    from joserfc.jwk import KeySet

    try:
        key_set = KeySet.import_key_set(_keys_for(id_token, keys))
        token = jwt.decode(id_token, key_set, algorithms=["RS256", "ES256", "PS256"])
        jwt.JWTClaimsRegistry(
            now=int(now.timestamp()), leeway=CLOCK_SKEW_SECONDS,
            iss={"essential": True, "value": issuer}, aud={"essential": True, "value": client_id},
            sub={"essential": True}, exp={"essential": True},
            nonce={"essential": True, "value": nonce}).validate(token.claims)
    except (JoseError, ValueError, KeyError) as error:
        raise Unauthorized(f"the ID token is not valid: {type(error).__name__}",
                           code="bad_token") from error
    return token.claims


def end_session_url(settings: Settings, after: str) -> str | None:
    """Where to send the browser to end the provider's session too (RP-initiated logout)."""
    endpoint = metadata(settings).get("end_session_endpoint")
    if not endpoint:
        return None
    query = urllib.parse.urlencode({"client_id": _client_id(settings),
                                    "post_logout_redirect_uri": after})
    return f"{endpoint}?{query}"


def metadata(settings: Settings) -> dict:
    """The provider's discovery document (cached per container)."""
    issuer = settings.oidc_issuer
    if not issuer:
        raise Unauthorized("the sign-in is not configured", code="signin_unavailable")
    if issuer not in _metadata:
        _metadata[issuer] = _get_json(f"{issuer.rstrip('/')}/.well-known/openid-configuration")
    return _metadata[issuer]


def provider_keys(settings: Settings, refresh: bool = False) -> dict:
    """The provider's JWKS (cached; ``refresh`` fetches it again)."""
    url = metadata(settings)["jwks_uri"]
    if refresh or url not in _keys:
        _keys[url] = _get_json(url)
    return _keys[url]


def _keys_for(id_token: str, keys) -> dict:
    key_set = keys()
    kid = _header(id_token).get("kid")
    if kid and all(k.get("kid") != kid for k in key_set.get("keys", [])):
        key_set = keys(refresh=True)
    return key_set


def _header(id_token: str) -> dict:
    head = id_token.partition(".")[0]
    try:
        return json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))
    except ValueError as error:
        raise Unauthorized("the ID token is malformed", code="bad_token") from error


def _client_id(settings: Settings) -> str:
    if not settings.oidc_client_id:
        raise Unauthorized("the sign-in is not configured", code="signin_unavailable")
    return settings.oidc_client_id


def _token_request(settings: Settings, form: dict) -> dict:
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}
    if settings.oidc_client_secret:  # client_secret_basic (RFC 6749 §2.3.1)
        pair = (f"{urllib.parse.quote(_client_id(settings), safe='')}:"
                f"{urllib.parse.quote(settings.oidc_client_secret, safe='')}")
        headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()
    else:
        form = {**form, "client_id": _client_id(settings)}
    request = urllib.request.Request(metadata(settings)["token_endpoint"], method="POST",
                                     data=urllib.parse.urlencode(form).encode(), headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as error:
        # invalid_grant: a used or expired code, or a verifier that does not fit it.
        raise Unauthorized("the provider refused the sign-in code", code="code_refused") from error


def _get_json(url: str) -> dict:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return json.loads(response.read())
    except (urllib.error.URLError, ValueError) as error:
        raise Unauthorized("the identity provider does not answer",
                           code="signin_unavailable") from error
