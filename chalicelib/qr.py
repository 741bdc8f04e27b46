"""QR codes of links (segno, imported when used): a PNG for e-mail, inline SVG for pages.

The link is encoded as given, error correction level M, with segno's default quiet zone.
"""

from __future__ import annotations

import io


def _code(text: str):
    import segno

    return segno.make(text, error="m", micro=False)


def png(text: str, scale: int = 6) -> bytes:
    """The QR code of ``text`` as a PNG (black on white)."""
    out = io.BytesIO()
    _code(text).save(out, kind="png", scale=scale)
    return out.getvalue()


def svg(text: str, scale: int = 5) -> str:
    """The QR code of ``text`` as inline SVG markup, dark on white (the page's CSP allows
    no ``data:`` images)."""
    out = io.BytesIO()
    _code(text).save(out, kind="svg", xmldecl=False, svgns=True, scale=scale, light="#fff",
                     nl=False)
    return out.getvalue().decode()


def matrix(text: str) -> list[list[int]]:
    """The code's modules, rows of 0 (light) and 1 (dark), without the quiet zone."""
    return [list(row) for row in _code(text).matrix]
