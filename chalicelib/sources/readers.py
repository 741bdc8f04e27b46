"""Reading one busy source: a published iCal link, a CalDAV calendar or Microsoft Graph.

Each reader returns the busy intervals of the sync window, or ``None`` when the source
says nothing changed (an ``ETag`` answered ``304 Not Modified``). Every request goes
through :mod:`chalicelib.sources.guard`.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC
from xml.etree import ElementTree

from chalicelib.domain.busy_times import BusySource
from chalicelib.domain.intervals import Interval
from chalicelib.sources import graph
from chalicelib.sources.guard import FetchError, Policy, fetch
from chalicelib.sources.ics import busy_intervals

CALDAV = "urn:ietf:params:xml:ns:caldav"


@dataclass(frozen=True)
class Reading:
    """What a read found: ``intervals`` None when unchanged since ``etag``."""

    intervals: list[Interval] | None
    etag: str | None = None


@dataclass(frozen=True)
class SourceAccess:
    """What readers need from outside: the fetch policy, a secret by its reference (SSM
    in a deployed stage) and the Graph endpoints and app credentials."""

    policy: Policy
    secret: Callable[[str], str | None]
    graph: graph.GraphApp | None = None


def read(source: BusySource, span: Interval, access: SourceAccess) -> Reading:
    """Read ``source``'s busy time in ``span``.

    Raises:
        FetchError: the source could not be read (the message names no secret).
    """
    if source.kind == "ics":
        return _read_ics(source, span, access)
    if source.kind == "caldav":
        return Reading(busy_intervals(_caldav_report(source, span, access), span))
    if access.graph is None:
        raise FetchError("Microsoft Graph is not configured for this stage")
    return Reading(access.graph.busy(source.mailbox, span, access.policy))


def _read_ics(source: BusySource, span: Interval, access: SourceAccess) -> Reading:
    headers = {"Accept": "text/calendar"}
    if source.etag:
        headers["If-None-Match"] = source.etag
    reply = fetch(source.url, access.policy, headers=headers)
    if reply.status == 304 and source.etag:
        return Reading(None, source.etag)
    _ok(reply.status, source.host)
    return Reading(busy_intervals([reply.body], span), reply.headers.get("etag"))


def _caldav_report(source: BusySource, span: Interval, access: SourceAccess) -> list[bytes]:
    """A ``calendar-query`` REPORT (RFC 4791 7.8) for events overlapping ``span``."""
    headers = {"Depth": "1", "Content-Type": "application/xml; charset=utf-8"}
    password = access.secret(source.secret_ref) if source.secret_ref else None
    if source.username:
        pair = f"{source.username}:{password or ''}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(pair).decode()
    reply = fetch(source.url, access.policy, "REPORT", headers, _query(span).encode())
    _ok(reply.status, source.host, expected=207)
    try:
        root = ElementTree.fromstring(reply.body)
    except ElementTree.ParseError:
        raise FetchError(f"{source.host}: the answer is not a CalDAV multistatus") from None
    return [node.text.encode() for node in root.iter(f"{{{CALDAV}}}calendar-data") if node.text]


def _query(span: Interval) -> str:
    def stamp(instant):
        return instant.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")

    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<C:calendar-query xmlns:D="DAV:" xmlns:C="{CALDAV}">'
        "<D:prop><D:getetag/><C:calendar-data/></D:prop>"
        '<C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">'
        f'<C:time-range start="{stamp(span.start)}" end="{stamp(span.end)}"/>'
        "</C:comp-filter></C:comp-filter></C:filter></C:calendar-query>")


def _ok(status: int, host: str, expected: int = 200) -> None:
    if status != expected:
        raise FetchError(f"{host}: HTTP {status}")

