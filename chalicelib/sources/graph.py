"""Microsoft Graph busy times: ``POST /users/{mailbox}/calendar/getSchedule`` with
app-only credentials (client credentials flow through ``msal``; application permission
``Calendars.ReadBasic``, which shows no subjects).

getSchedule answers for less than 42 days at a time, so the sync window is asked for in
parts. Times are asked for and answered in UTC (``Prefer: outlook.timezone="UTC"``).
Every request, the token's included, goes through :mod:`chalicelib.sources.guard`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, timedelta
from urllib.parse import quote, urlencode

from chalicelib.domain.busy_times import graph_intervals
from chalicelib.domain.intervals import Interval, merge
from chalicelib.sources.guard import FetchError, Policy, Reply, fetch

PART = timedelta(days=41)
SCOPE = "https://graph.microsoft.com/.default"


@dataclass(frozen=True)
class GraphApp:
    """The Entra ID app registration and the endpoints (a local fake in tests).

    Attributes:
        tenant: the directory (tenant) id.
        client_id, client_secret: the app's credentials (from SSM in a deployed stage).
        graph_url: ``https://graph.microsoft.com``.
        login_url: ``https://login.microsoftonline.com``.
    """

    tenant: str
    client_id: str
    client_secret: str = field(repr=False)
    graph_url: str = "https://graph.microsoft.com"
    login_url: str = "https://login.microsoftonline.com"

    def busy(self, mailbox: str | None, span: Interval, policy: Policy) -> list[Interval]:
        """The mailbox's busy/tentative/out-of-office time in ``span``.

        Raises:
            FetchError: no token, or Graph refused or failed the request.
        """
        if not mailbox:
            raise FetchError("the source names no mailbox")
        token = self._token(policy)
        url = f"{self.graph_url}/v1.0/users/{quote(mailbox)}/calendar/getSchedule"
        found = []
        start = span.start
        while start < span.end:
            end = min(span.end, start + PART)
            found += self._schedule(url, token, mailbox, Interval(start, end), policy)
            start = end
        return merge(found)

    def _schedule(self, url, token, mailbox, part: Interval, policy) -> list[Interval]:
        body = {"schedules": [mailbox], "startTime": _utc(part.start),
                "endTime": _utc(part.end), "availabilityViewInterval": 30}
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json",
                   "Prefer": 'outlook.timezone="UTC"'}
        reply = fetch(url, policy, "POST", headers, json.dumps(body).encode())
        if reply.status != 200:
            raise FetchError(f"graph: HTTP {reply.status}")
        try:
            schedules = json.loads(reply.body)["value"]
            return [i for s in schedules for i in _checked(s)]
        except (ValueError, KeyError, TypeError) as error:
            raise FetchError(f"graph: unexpected answer ({type(error).__name__})") from None

    def _token(self, policy: Policy) -> str:
        result = _client(self, policy).acquire_token_for_client(scopes=[SCOPE])
        if "access_token" not in result:
            # error and error_codes only: the description may quote the request.
            raise FetchError(f"graph: no token ({result.get('error', 'unknown error')})")
        return result["access_token"]


def _checked(schedule: dict):
    if "error" in schedule:  # e.g. the mailbox is unknown: a per-schedule error
        raise FetchError(f"graph: {schedule['error'].get('responseCode', 'schedule error')}")
    return graph_intervals(schedule)


def _utc(instant) -> dict:
    return {"dateTime": instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S"), "timeZone": "UTC"}


# One msal app per container and app registration: it caches the token (an hour) itself.
_clients: dict[tuple, object] = {}


def _client(app: GraphApp, policy: Policy):
    import msal

    key = (app.login_url, app.tenant, app.client_id, app.client_secret, policy)
    if key not in _clients:
        _clients[key] = msal.ConfidentialClientApplication(
            app.client_id, client_credential=app.client_secret,
            authority=f"{app.login_url}/{app.tenant}", http_client=GuardedHttp(policy),
            instance_discovery=False)
    return _clients[key]


class GuardedHttp:
    """msal's ``HttpClient`` over the guard: msal never opens a connection of its own."""

    def __init__(self, policy: Policy):
        self.policy = policy

    def post(self, url, params=None, data=None, headers=None, **kwargs):
        body = urlencode(data).encode() if isinstance(data, dict) else data
        sent = {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})}
        return _Response(fetch(_with(url, params), self.policy, "POST", sent, body))

    def get(self, url, params=None, headers=None, **kwargs):
        return _Response(fetch(_with(url, params), self.policy, "GET", headers or {}))

    def close(self):  # msal may close its client
        pass


def _with(url: str, params: dict | None) -> str:
    return f"{url}{'&' if '?' in url else '?'}{urlencode(params)}" if params else url


class _Response:
    """The ``Response`` shape msal reads: status_code, text, headers, raise_for_status."""

    def __init__(self, reply: Reply):
        self.status_code = reply.status
        self.text = reply.body.decode("utf-8", "replace")
        self.headers = reply.headers

    def raise_for_status(self):
        if self.status_code >= 400:
            raise FetchError(f"token endpoint: HTTP {self.status_code}")
