"""HTML for the family: the Jinja2 environment, the stylesheet and the one HTML response helper.

Every HTML response goes through :func:`html_response`, which sets the security headers:
the token is in the URL (no referrer, no caching), the page has no script at all (CSP),
and it may not be framed.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from chalice import Response

WEB_DIR = Path(__file__).parent
STYLESHEET = WEB_DIR / "static" / "page.css"
# An SVG (text, so API Gateway passes it without binary media types); browsers take it
# from /favicon.ico by its Content-Type.
FAVICON = WEB_DIR / "static" / "favicon.svg"
CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
       "base-uri 'none'; frame-ancestors 'none'")
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
    return _environment().get_template(template).render(stylesheet=stylesheet_name(),
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
def _stylesheet() -> tuple[str, bytes]:
    content = STYLESHEET.read_bytes()
    return f"page-{hashlib.sha256(content).hexdigest()[:12]}.css", content


def stylesheet_name() -> str:
    """The content-hashed name the pages link to, so it can be cached for a year."""
    return _stylesheet()[0]


def stylesheet_response(name: str) -> Response | None:
    """The stylesheet under its current hashed name; ``None`` for any other name."""
    current, content = _stylesheet()
    if name != current:
        return None
    return Response(content.decode(), status_code=200, headers={
        "Content-Type": "text/css; charset=utf-8", "Cache-Control": STATIC_CACHE,
        "X-Content-Type-Options": "nosniff"})
