"""The fetch guard refuses what a deployed stage must never fetch (server-side request
forgery): loopback, the metadata address, private addresses, a redirect to one, and a name
that resolves to one. Real servers on loopback answer, so a refusal is the guard's.
"""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from chalicelib.sources.guard import FetchError, Policy, Refused, fetch

PROD = Policy(local=False)


def resolving_to(address: str):
    """A resolver that answers ``address`` for every name (the test's DNS)."""
    def resolve(host, port, type=0):
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        return [(family, socket.SOCK_STREAM, 6, "", (address, port))]

    return resolve


class Answering(ThreadingHTTPServer):
    """A loopback server: ``/redirect?to=URL`` answers 302 there; anything else 200."""

    def __init__(self, body: bytes = b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                server.hits += 1
                if self.path.startswith("/redirect?to="):
                    self.send_response(302)
                    self.send_header("Location", self.path.split("=", 1)[1])
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(server.body)))
                self.end_headers()
                self.wfile.write(server.body)

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        self.body, self.hits = body, 0
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_port}"


@pytest.fixture
def server():
    answering = Answering()
    yield answering
    answering.shutdown()
    answering.server_close()


@pytest.mark.parametrize("url", [
    "https://127.0.0.1/calendar.ics",
    "https://[::1]/calendar.ics",
    "https://169.254.169.254/latest/meta-data/",
    "https://10.0.0.5/calendar.ics",
    "https://192.168.1.10/calendar.ics",
    "https://172.16.0.1/calendar.ics",
    "https://[fd00:ec2::254]/latest/meta-data/",
    "https://[::ffff:127.0.0.1]/calendar.ics",
    "https://100.64.0.1/calendar.ics",
])
def test_prod_refuses_addresses_that_are_not_public(url):
    with pytest.raises(Refused):
        fetch(url, PROD)


def test_prod_refuses_plain_http_even_to_a_live_server(server):
    with pytest.raises(Refused):
        fetch(server.url + "/calendar.ics", PROD)
    assert server.hits == 0


@pytest.mark.parametrize("inside", ["127.0.0.1", "169.254.169.254", "10.1.2.3", "::1"])
def test_prod_refuses_a_name_that_resolves_inside(inside):
    policy = Policy(local=False, resolver=resolving_to(inside))
    with pytest.raises(Refused, match="calendar.example.org"):
        fetch("https://calendar.example.org/cal.ics", policy)


def test_prod_refuses_a_name_when_any_of_its_addresses_is_inside():
    def split_horizon(host, port, type=0):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port)),
                (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", port))]

    with pytest.raises(Refused):
        fetch("https://calendar.example.org/cal.ics", Policy(resolver=split_horizon))


@pytest.mark.parametrize("target", ["https://10.0.0.9/steal", "https://169.254.169.254/latest/",
                                    "http://calendar.example.org/plain"])
def test_a_redirect_from_a_public_host_to_an_inside_address_is_refused(monkeypatch, target):
    """A public https host (the test's DNS gives a public address; its answer, a 302, is
    played by the test because no public server is reachable) redirects inside: the
    redirect is checked like the first URL and refused before any connection."""
    from chalicelib.sources import guard

    real, seen = guard._exchange, []

    def public_host_redirects(url, policy, *args):
        seen.append(url)
        if len(seen) == 1:
            guard.resolve(*guard.check_url(url, policy)[1:], policy)  # passes: public
            return guard.Reply(302, {"location": target}, b"")
        return real(url, policy, *args)

    monkeypatch.setattr(guard, "_exchange", public_host_redirects)
    policy = Policy(local=False, resolver=resolving_to("93.184.215.14"))
    with pytest.raises(Refused):
        fetch("https://calendar.example.org/cal.ics", policy)
    assert seen == ["https://calendar.example.org/cal.ics", target]


def test_a_real_redirect_is_followed_and_checked_in_the_local_stage(server):
    reply = fetch(f"{server.url}/redirect?to={server.url}/calendar.ics", Policy(local=True))
    assert reply.status == 200 and server.hits == 2


def test_the_local_stage_fetches_loopback(server):
    reply = fetch(server.url + "/calendar.ics", Policy(local=True))
    assert reply.status == 200 and reply.body.startswith(b"BEGIN:VCALENDAR")


def test_an_answer_over_the_cap_is_refused(server):
    server.body = b"x" * 5000
    with pytest.raises(FetchError, match="larger than"):
        fetch(server.url + "/big.ics", Policy(local=True, max_bytes=4096))


def test_a_silent_server_times_out():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)  # accepts, never answers
    try:
        with pytest.raises(FetchError, match="127.0.0.1"):
            fetch(f"http://127.0.0.1:{listener.getsockname()[1]}/cal.ics",
                  Policy(local=True, timeout=0.5))
    finally:
        listener.close()


def test_errors_name_the_host_but_never_the_secret_path():
    policy = Policy(local=False, resolver=resolving_to("10.0.0.1"))
    with pytest.raises(Refused) as refused:
        fetch("https://calendar.example.org/private/s3cr3t-token/basic.ics", policy)
    assert "s3cr3t" not in str(refused.value)


@pytest.mark.parametrize("url", ["http://calendar.example.org/a.ics",
                                 "https://169.254.169.254/latest/", "https://[::1]/a.ics",
                                 "https://user:secret@calendar.example.org/a.ics"])
def test_a_source_url_prod_would_never_fetch_is_refused_when_it_is_set(url):
    from chalicelib.sources.guard import refuse_at_once

    with pytest.raises(Refused):
        refuse_at_once(url, PROD)


def test_a_public_name_is_accepted_when_set_and_resolved_only_when_read():
    from chalicelib.sources.guard import refuse_at_once

    refuse_at_once("https://outlook.office365.com/owa/calendar/x/calendar.ics", PROD)
