"""The staff console's session: a signed cookie (itsdangerous) with the user, roles and times.

``tapaamo_staff`` holds the session id, subject, role, worker id, when it began and when
it was last used; it is refreshed on every page. It is refused 10 hours after sign-in,
after 60 minutes without use, or once signed out (the deny-list in
``store/staff_sessions.py``). ``tapaamo_signin`` holds the sign-in attempt (``state``,
``nonce``, PKCE verifier) for at most 10 minutes. Both are ``HttpOnly``,
``SameSite=Lax``, ``Path=/staff`` and, outside the local stage, ``Secure``.

Forms carry a CSRF token bound to the session id (an HMAC), so a form of one session is
worthless in another.
"""

from __future__ import annotations

import secrets
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from http.cookies import SimpleCookie

from chalicelib import tokens
from chalicelib.domain.access import Actor
from chalicelib.web.oidc import LoginAttempt

SESSION_COOKIE = "tapaamo_staff"
SIGNIN_COOKIE = "tapaamo_signin"
MAX_AGE = timedelta(hours=10)
IDLE = timedelta(minutes=60)
SIGNIN_AGE = timedelta(minutes=10)
PATH = "/staff"


@dataclass(frozen=True)
class StaffSession:
    """One signed-in member of staff."""

    sid: str
    subject: str
    role: str
    worker: str | None
    started: int  # epoch seconds
    seen: int

    @property
    def actor(self) -> Actor:
        return Actor(subject=self.subject, role=self.role, worker_id=self.worker)

    @property
    def ends_at(self) -> datetime:
        """The latest instant this session can be valid (the absolute limit)."""
        from datetime import UTC

        return datetime.fromtimestamp(self.started, UTC) + MAX_AGE


def new_session(actor: Actor, now: datetime) -> StaffSession:
    at = int(now.timestamp())
    return StaffSession(sid=secrets.token_urlsafe(24), subject=actor.subject, role=actor.role,
                        worker=actor.worker_id, started=at, seen=at)


def touched(session: StaffSession, now: datetime) -> StaffSession:
    """The session as used now (the idle clock restarts)."""
    return StaffSession(**{**asdict(session), "seen": int(now.timestamp())})


def read_session(key: bytes, cookie_header: str | None, now: datetime) -> StaffSession | None:
    """The cookie's session if it is authentic and neither too old nor idle too long.

    The deny-list is not consulted here (that is a store read; see ``api/console.py``).
    """
    data = _loads(key, "staff-session", cookies(cookie_header).get(SESSION_COOKIE))
    try:
        session = StaffSession(**data) if isinstance(data, dict) else None
    except TypeError:
        return None
    if session is None:
        return None
    at = now.timestamp()
    if at - session.started >= MAX_AGE.total_seconds() or at - session.seen >= IDLE.total_seconds():
        return None
    return session


def session_cookie(key: bytes, session: StaffSession, secure: bool, path: str = PATH) -> str:
    """``Set-Cookie`` for the session; it lasts until the absolute limit at most.

    ``path`` is the console's path on the public URL (``/api/staff`` behind a stage path).
    """
    left = session.started + int(MAX_AGE.total_seconds()) - session.seen
    return _cookie(SESSION_COOKIE, _dumps(key, "staff-session", asdict(session)), left, secure,
                   path)


def read_attempt(key: bytes, cookie_header: str | None, now: datetime) -> LoginAttempt | None:
    """The sign-in attempt of this browser, if any and younger than 10 minutes."""
    data = _loads(key, "staff-signin", cookies(cookie_header).get(SIGNIN_COOKIE))
    if not isinstance(data, dict):
        return None
    if now.timestamp() - data.pop("at", 0) > SIGNIN_AGE.total_seconds():
        return None
    try:
        return LoginAttempt(**data)
    except TypeError:
        return None


def attempt_cookie(key: bytes, attempt: LoginAttempt, now: datetime, secure: bool,
                   path: str = PATH) -> str:
    payload = {**asdict(attempt), "at": int(now.timestamp())}
    return _cookie(SIGNIN_COOKIE, _dumps(key, "staff-signin", payload),
                   int(SIGNIN_AGE.total_seconds()), secure, path)


def cleared(name: str, secure: bool, path: str = PATH) -> str:
    """``Set-Cookie`` that deletes cookie ``name``."""
    return _cookie(name, "", 0, secure, path)


def csrf_token(key: bytes, session: StaffSession) -> str:
    """The token every form of this session carries (``csrf`` field)."""
    return tokens.mac_hex(key, f"staff-csrf:{session.sid}")


def csrf_ok(key: bytes, session: StaffSession, submitted: str | None) -> bool:
    if not submitted:
        return False
    return tokens.same(submitted, csrf_token(key, session))


def cookies(header: str | None) -> dict[str, str]:
    """The request's cookies by name (a malformed header gives none)."""
    jar = SimpleCookie()
    try:
        jar.load(header or "")
    except Exception:  # noqa: BLE001 - http.cookies raises CookieError and others
        return {}
    return {name: morsel.value for name, morsel in jar.items()}


def _serializer(key: bytes, salt: str):
    from itsdangerous import URLSafeSerializer

    return URLSafeSerializer(key, salt=salt)


def _dumps(key: bytes, salt: str, payload: dict) -> str:
    return _serializer(key, salt).dumps(payload)


def _loads(key: bytes, salt: str, value: str | None):
    from itsdangerous import BadSignature

    if not value:
        return None
    try:
        return _serializer(key, salt).loads(value)
    except BadSignature:
        return None


def _cookie(name: str, value: str, max_age: int, secure: bool, path: str = PATH) -> str:
    flags = f"; Max-Age={max(max_age, 0)}; Path={path}; HttpOnly; SameSite=Lax"
    return f"{name}={value}{flags}{'; Secure' if secure else ''}"
