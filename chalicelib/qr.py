"""QR codes of links (segno, imported when used): a PNG for e-mail, an SVG for pages.

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


def svg_data_uri(text: str, scale: int = 5) -> str:
    """The QR code of ``text`` as an SVG ``data:`` URI for an ``<img src>``."""
    return _code(text).svg_data_uri(scale=scale)


def matrix(text: str) -> list[list[int]]:
    """The code's modules, rows of 0 (light) and 1 (dark), without the quiet zone."""
    return [list(row) for row in _code(text).matrix]
