"""Staff bearer tokens: RS256 JWTs from an OIDC issuer (prod) or a local key (local stage).

The local key is an RSA key created on first use under ``TAPAAMO_LOCAL_DIR``; the CLI
signs development tokens with it. In prod the issuer's JWKS is fetched once per
container and cached by PyJWT.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from chalicelib.config import Settings
from chalicelib.domain.access import Actor
from chalicelib.domain.errors import Unauthorized
from chalicelib.keyfile import read_or_create

LOCAL_ISSUER = "tapaamo-local"
AUDIENCE = "tapaamo"
ROLES = ("coordinator", "worker")
_jwks_clients: dict[str, object] = {}
_local_keys: dict[tuple, object] = {}  # (path, inode, mtime, size) → the loaded key


def local_private_key(local_dir: Path):
    """Load the local signing key, creating it (mode 0600) on first use.

    Kept per process while the file is unchanged (its mtime and size), like the JWKS in
    prod: loading and checking an RSA key took about 49 ms of a 69 ms staff request.
    """
    path = local_dir / "jwt-key.pem"
    if not path.exists():
        read_or_create(path, _new_local_key)
    stat = path.stat()
    stamp = (str(path.resolve()), stat.st_ino, stat.st_mtime_ns, stat.st_size)
    if stamp not in _local_keys:
        from cryptography.hazmat.primitives import serialization

        _local_keys.clear()
        _local_keys[stamp] = serialization.load_pem_private_key(path.read_bytes(),
                                                                password=None)
    return _local_keys[stamp]


def _new_local_key() -> bytes:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def mint_local_token(local_dir: Path, role: str, worker: str | None, now: datetime,
                     ttl: timedelta = timedelta(hours=12)) -> str:
    """A token the local stage accepts (for the CLI and tests)."""
    import jwt

    if role not in ROLES:
        raise ValueError(f"role must be one of {ROLES}")
    claims = {
        "iss": LOCAL_ISSUER,
        "aud": AUDIENCE,
        "sub": worker or f"local-{role}",
        "role": role,
        "iat": int(now.timestamp()),
        "exp": int((now + ttl).timestamp()),
    }
    if worker:
        claims["worker_id"] = worker
    return jwt.encode(claims, local_private_key(local_dir), algorithm="RS256")


def verify(token: str, settings: Settings) -> Actor:
    """The actor a bearer token stands for; raises Unauthorized for any bad token."""
    import jwt

    try:
        if settings.is_local:
            key = local_private_key(settings.local_dir).public_key()
            issuer, audience = LOCAL_ISSUER, AUDIENCE
        else:
            key = _jwks_client(settings.oidc_jwks_url).get_signing_key_from_jwt(token).key
            issuer, audience = settings.oidc_issuer, settings.oidc_audience
        claims = jwt.decode(token, key, algorithms=["RS256"], issuer=issuer, audience=audience,
                            options={"require": ["exp", "iss", "aud", "sub"]})
    except jwt.PyJWTError as error:
        raise Unauthorized(f"invalid token: {type(error).__name__}") from error
    role = role_of(claims)
    if role is None:
        raise Unauthorized("the token carries no Tapaamo role")
    subject, worker = claims["sub"], claims.get("worker_id")
    if not _text(subject) or not (worker is None or _text(worker)):
        raise Unauthorized("invalid token: sub and worker_id must be text")
    return Actor(subject=subject, role=role, worker_id=worker)


def _text(value) -> bool:
    return isinstance(value, str) and 0 < len(value) <= 200


def role_of(claims: dict) -> str | None:
    """The Tapaamo role among a token's claims (``role``, ``roles`` or ``cognito:groups``).

    Raises:
        Unauthorized: a role claim of the wrong type (a signed token is still outside
            input: ``"roles": 5`` must not crash the authorizer).
    """
    # Entra ID puts app roles in "roles"; Cognito groups in "cognito:groups".
    single = claims.get("role")
    if single is not None and not isinstance(single, str):
        raise Unauthorized("invalid token: role must be text")
    offered = [single]
    for name in ("roles", "cognito:groups"):
        listed = claims.get(name, [])
        if not isinstance(listed, list) or not all(isinstance(r, str) for r in listed):
            raise Unauthorized(f"invalid token: {name} must be a list of text")
        offered += listed
    for role in ROLES:
        if role in offered:
            return role
    return None


def _jwks_client(url: str | None):
    import jwt

    if not url:
        raise Unauthorized("OIDC is not configured")
    if url not in _jwks_clients:
        _jwks_clients[url] = jwt.PyJWKClient(url, cache_keys=True, lifespan=3600)
    return _jwks_clients[url]
