"""Prod settings kept out of the template: SSM Parameter Store under ``TAPAAMO_PARAMETER_PATH``.

Read once per container and kept for :data:`CACHE_SECONDS`, so a rotated secret takes
effect within minutes without a deploy. The local stage never calls this (env vars there).
"""

from __future__ import annotations

import time

CACHE_SECONDS = 300.0
_cache: dict[str, tuple[float, dict[str, str]]] = {}


def parameters(path: str, region: str, now: float | None = None) -> dict[str, str]:
    """Every parameter under ``path``, decrypted, keyed by its name below the path.

    Example:
        ``/tapaamo/prod/oidc/issuer`` is ``parameters("/tapaamo/prod", ...)["oidc/issuer"]``.
    """
    now = time.monotonic() if now is None else now
    cached = _cache.get(path)
    if cached and now - cached[0] < CACHE_SECONDS:
        return cached[1]
    values = _read(path, region)
    _cache[path] = (now, values)
    return values


def forget() -> None:
    """Drop the cache (tests)."""
    _cache.clear()


def _read(path: str, region: str) -> dict[str, str]:
    import boto3

    pages = boto3.client("ssm", region_name=region).get_paginator("get_parameters_by_path").paginate(
        Path=path, Recursive=True, WithDecryption=True)
    prefix = path.rstrip("/") + "/"
    return {p["Name"].removeprefix(prefix): p["Value"] for page in pages for p in page["Parameters"]}
