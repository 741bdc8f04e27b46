"""Fetching a URL someone typed in, safely (server-side request forgery guard).

A busy source's URL is chosen by staff, so a fetch must not become a way into the VPC,
the Lambda's metadata service or loopback. In a deployed stage only ``https`` to public
addresses is fetched: the host is resolved once, EVERY address is checked, and the
connection goes to the checked address (no second resolution a DNS rebinding could
answer differently); each redirect is checked the same way. Bodies are capped and the
whole exchange has a deadline. Errors and logs name the host only: never the path, the
query (a published calendar's secret) or credentials.

The local stage may also fetch ``http`` and loopback, so tests can serve calendars.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

TIMEOUT_SECONDS = 5.0
MAX_BYTES = 2 * 1024 * 1024
MAX_REDIRECTS = 3
REDIRECTS = {301, 302, 303, 307, 308}



def _not_debug(record: logging.LogRecord) -> bool:
    return record.levelno > logging.DEBUG


# urllib3 quotes the request line at DEBUG (a published link's secret path and query) and
# msal its token exchanges: those records are dropped even when someone turns DEBUG on.
for _name in ("urllib3.connectionpool", "urllib3.connection", "msal"):
    logging.getLogger(_name).addFilter(_not_debug)


class FetchError(Exception):
    """The source could not be read; the message names the host only."""


class Refused(FetchError):
    """The URL or an address it resolves or redirects to is not allowed."""


@dataclass(frozen=True)
class Policy:
    """What may be fetched: ``local`` allows http and loopback/private addresses;
    ``ca_file`` adds trusted certificates (the local stage's test servers)."""

    local: bool = False
    ca_file: str | None = None
    timeout: float = TIMEOUT_SECONDS
    max_bytes: int = MAX_BYTES
    resolver: Callable = field(default=socket.getaddrinfo, compare=False)


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes


def check_url(url: str, policy: Policy) -> tuple[str, str, int]:
    """The (scheme, host, port) of an allowed URL.

    Raises:
        Refused: another scheme, credentials in the URL, or no host.
    """
    parts = urlsplit(url)
    allowed = ("https", "http") if policy.local else ("https",)
    if parts.scheme not in allowed:
        raise Refused(f"only {' or '.join(allowed)} URLs can be read")
    if parts.username or parts.password:
        raise Refused("a URL may not carry credentials")
    if not parts.hostname:
        raise Refused("the URL has no host")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as error:
        raise Refused("the URL has a bad port") from error
    return parts.scheme, parts.hostname, port


def refuse_at_once(url: str, policy: Policy) -> None:
    """What can be refused without resolving a name: :func:`check_url`, and a literal
    address that is not allowed (names are checked when the source is read).

    Raises:
        Refused: the URL will never be fetched.
    """
    _, host, _ = check_url(url, policy)
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        return
    if not allowed_address(str(literal), policy):
        raise Refused("the address is not public")


def allowed_address(address: str, policy: Policy) -> bool:
    """True for a public unicast address (any address in the local stage)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if policy.local:
        return True
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def resolve(host: str, port: int, policy: Policy) -> str:
    """One checked address of ``host``; refuses when ANY address is not allowed (a name
    that also resolves inside is not trusted with its other answers)."""
    try:
        addresses = [str(ipaddress.ip_address(host))]  # a literal address is itself
    except ValueError:
        addresses = _resolved(host, port, policy)
    if not addresses:
        raise FetchError(f"{host}: the name does not resolve")
    for address in addresses:
        if not allowed_address(address, policy):
            raise Refused(f"{host}: resolves to an address that is not public")
    return addresses[0]


def _resolved(host: str, port: int, policy: Policy) -> list[str]:
    try:
        answers = policy.resolver(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise FetchError(f"{host}: the name does not resolve") from error
    return list(dict.fromkeys(answer[4][0] for answer in answers))


def fetch(url: str, policy: Policy, method: str = "GET", headers: dict | None = None,
          body: bytes | None = None) -> Reply:
    """Send one request and follow up to :data:`MAX_REDIRECTS` checked redirects.

    Returns:
        The final reply (any status: the caller decides what a 404 means).

    Raises:
        Refused: the URL, an address or a redirect is not allowed.
        FetchError: no answer in time, too large a body, or a connection failure.
    """
    deadline = time.monotonic() + policy.timeout
    for _ in range(MAX_REDIRECTS + 1):
        reply = _exchange(url, policy, method, headers or {}, body, deadline)
        location = reply.headers.get("location")
        if reply.status not in REDIRECTS or not location:
            return reply
        url = urljoin(url, location)
        if reply.status == 303:
            method, body = "GET", None
    raise FetchError(f"{urlsplit(url).hostname}: too many redirects")


def _exchange(url, policy, method, headers, body, deadline) -> Reply:
    import urllib3

    scheme, host, port = check_url(url, policy)
    address = resolve(host, port, policy)
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    default_port = (scheme == "https" and port == 443) or (scheme == "http" and port == 80)
    sent = {**headers, "Host": host if default_port else f"{host}:{port}"}
    timeout = urllib3.Timeout(total=max(0.1, deadline - time.monotonic()))
    if scheme == "https":
        pool = urllib3.HTTPSConnectionPool(address, port, server_hostname=host,
                                           assert_hostname=host, cert_reqs="CERT_REQUIRED",
                                           ca_certs=policy.ca_file,
                                           timeout=timeout, retries=False)
    else:
        pool = urllib3.HTTPConnectionPool(address, port, timeout=timeout, retries=False)
    try:
        response = pool.urlopen(method, path, body=body, headers=sent, redirect=False,
                                preload_content=False, assert_same_host=False)
        content = _capped(response, policy, deadline, host)
    except urllib3.exceptions.HTTPError as error:
        raise FetchError(f"{host}: {type(error).__name__}") from None
    finally:
        pool.close()
    return Reply(response.status, {k.lower(): v for k, v in response.headers.items()}, content)


def _capped(response, policy: Policy, deadline: float, host: str) -> bytes:
    chunks, size = [], 0
    while chunk := response.read(65536):
        size += len(chunk)
        if size > policy.max_bytes:
            raise FetchError(f"{host}: the answer is larger than {policy.max_bytes} bytes")
        if time.monotonic() > deadline:
            raise FetchError(f"{host}: no complete answer in {policy.timeout:g} s")
        chunks.append(chunk)
    response.release_conn()
    return b"".join(chunks)
