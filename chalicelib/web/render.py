"""HTML for the family: the Jinja2 environment, the static files and the one HTML response helper.

Every HTML response goes through :func:`html_response`, which sets the security headers:
the token is in the URL (no referrer, no caching), the only script is the page's own
small enhancement from ``static/`` (CSP: no inline script, fetches only to this origin),
and it may not be framed.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from chalice import Response

WEB_DIR = Path(__file__).parent
STATIC_DIR = WEB_DIR / "static"
# Each static file under its content-hashed name (page-<hash>.css), with its media type.
STATIC_FILES = {"page.css": "text/css", "page.js": "text/javascript",
                "board.js": "text/javascript"}
# An SVG (text, so API Gateway passes it without binary media types); browsers take it
# from /favicon.ico by its Content-Type.
FAVICON = STATIC_DIR / "favicon.svg"
CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self'; "
       "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}
STATIC_CACHE = "public, max-age=31536000, immutable"


@functools.cache
def _environment():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    return Environment(loader=FileSystemLoader(WEB_DIR / "templates"),
                       autoescape=select_autoescape(default=True), undefined=StrictUndefined,
                       trim_blocks=True, lstrip_blocks=True)


def render(template: str, **context) -> str:
    """Render ``templates/<template>`` with ``context`` (autoescaped)."""
    names = {name: hashed for hashed, (name, _) in _static_files().items()}
    return _environment().get_template(template).render(stylesheet=names["page.css"],
                                                        script=names["page.js"], static=names,
                                                        **context)


def html_response(body: str, status: int = 200, headers: dict | None = None) -> Response:
    """An HTML page with the security headers every family-facing page needs."""
    return Response(body, status_code=status, headers={
        "Content-Type": "text/html; charset=utf-8", **SECURITY_HEADERS, **(headers or {})})


def redirect(location: str, headers: dict | None = None) -> Response:
    """303 See Other: the GET after a POST (PRG), so a reload never posts twice."""
    return Response("", status_code=303, headers={
        "Location": location, **SECURITY_HEADERS, **(headers or {})})


def favicon_response() -> Response:
    """The site icon, cached for a day (its URL never changes, so not for a year)."""
    return Response(FAVICON.read_text(encoding="utf-8"), status_code=200, headers={
        "Content-Type": "image/svg+xml", "Cache-Control": "public, max-age=86400",
        "X-Content-Type-Options": "nosniff"})


@functools.cache
def _static_files() -> dict[str, tuple[str, bytes]]:
    """``{hashed name: (file name, content)}``: a new content is a new name, cached a year."""
    found = {}
    for name in STATIC_FILES:
        content = (STATIC_DIR / name).read_bytes()
        stem, _, suffix = name.rpartition(".")
        found[f"{stem}-{hashlib.sha256(content).hexdigest()[:12]}.{suffix}"] = (name, content)
    return found


def static_response(hashed: str) -> Response | None:
    """A static file under its current hashed name; ``None`` for any other name."""
    if hashed not in _static_files():
        return None
    name, content = _static_files()[hashed]
    return Response(content.decode(), status_code=200, headers={
        "Content-Type": f"{STATIC_FILES[name]}; charset=utf-8", "Cache-Control": STATIC_CACHE,
        "X-Content-Type-Options": "nosniff"})
