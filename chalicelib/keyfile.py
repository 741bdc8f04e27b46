"""Local-stage key files, created once however many threads and processes ask at once.

The local stage keeps its keys (JWT signing key, page key) in files under the stack's
folder. The first caller writes the key to a private temporary file and links it into
place; ``os.link`` fails when the name exists, so exactly one key wins and every caller
reads that one (a plain write-then-rename would let two callers each keep a different
key, and a token signed with the loser would never verify).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path


def read_or_create(path: Path, make: Callable[[], bytes]) -> bytes:
    """The bytes in ``path``; when it is missing, ``make()`` them into it (mode 0600)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(make())
            os.link(tmp, path)
        except FileExistsError:
            pass  # another caller's key won; read it below
        finally:
            tmp.unlink(missing_ok=True)
    return path.read_bytes()
