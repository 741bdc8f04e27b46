"""Signing in to the staff console over HTTP, through the local OpenID provider's own form.

``sign_in(base_url, "coordinator")`` walks the real flow: ``/staff/login`` → the
provider's sign-in form (field ``login``, any password) → ``/staff/callback``; it returns
the ``requests.Session`` holding the console's cookie. ``until_callback`` stops just
before the callback, for the tests that tamper with it. ``console_cookie`` makes a
session cookie directly (the moto tests and the bench have no provider).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import urljoin

import requests

FORM_ACTION = re.compile(r'<form[^>]*action="([^"]+)"')
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def until_callback(base_url: str, login: str, next_path: str = "/staff/"
                   ) -> tuple[requests.Session, str]:
    """A browser that signed in at the provider; returns it and the callback URL it got."""
    browser = requests.Session()
    page = browser.get(f"{base_url}/staff/login", params={"next": next_path}, timeout=30)
    assert page.status_code == 200 and 'name="login"' in page.text, page.text[:500]
    action = urljoin(page.url, FORM_ACTION.search(page.text).group(1))
    answer = browser.post(action, data={"prompt": "login", "login": login, "password": "demo"},
                          allow_redirects=False, timeout=30)
    # The provider answers with redirects of its own (resume, then the callback).
    while answer.is_redirect:
        location = urljoin(answer.url, answer.headers["Location"])
        if location.startswith(f"{base_url}/staff/callback"):
            return browser, location
        answer = browser.get(location, allow_redirects=False, timeout=30)
    raise AssertionError(f"the provider never sent the browser back: {answer.status_code}")


def sign_in(base_url: str, login: str) -> requests.Session:
    """A browser signed in to the console as ``login``."""
    browser, callback = until_callback(base_url, login)
    answer = browser.get(callback, allow_redirects=False, timeout=30)
    assert answer.status_code == 303, answer.text[:500]
    return browser


def csrf_of(html: str) -> str:
    """The CSRF token of the first form on a console page."""
    return CSRF.search(html).group(1)


def console_cookie(role: str, worker: str | None = None) -> dict:
    """A ``Cookie`` header of a console session begun now, signed with the stage's page key
    (as ``/staff/callback`` makes one after a sign-in)."""
    from chalicelib.config import load_settings
    from chalicelib.domain.access import Actor
    from chalicelib.web import csrf, session

    key = csrf.server_key(load_settings())
    actor = Actor(subject=worker or role, role=role, worker_id=worker)
    made = session.new_session(actor, datetime.now(UTC))
    return {"Cookie": session.session_cookie(key, made, secure=False).split(";")[0]}
