"""Real calendars served from loopback for the busy-source tests.

* :class:`IcsServer`: a published ``.ics`` link over HTTP (a server thread) with ETags;
* :func:`radicale_server`: a Radicale CalDAV server with a temp storage folder and an
  htpasswd user;
* :class:`GraphFake`: Microsoft Graph's token endpoint (with its OpenID discovery) and
  ``getSchedule`` over HTTPS with a throwaway certificate, answering in the documented
  shapes.

The events (``calendars/*.ics``, one file per UID) are the same for all three; the
intervals they must block are :data:`EXPECTED_BUSY` (Helsinki times).
"""

from __future__ import annotations

import hashlib
import json
import threading
from datetime import date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, make_server

from chalicelib.domain.intervals import Interval
from chalicelib.domain.workdays import at_local

CALENDARS = Path(__file__).with_name("calendars")
EVENT_FILES = ("weekly", "training", "transparent", "cancelled", "court")


def busy(day: date, hour: int, minute: int, end_hour: int, end_minute: int = 0) -> Interval:
    return Interval(at_local(day, hour, minute), at_local(day, end_hour, end_minute))


# The weekly Stockholm meeting is 10-11 there, 11-12 in Helsinki in winter AND summer
# (28 March 2027 moves both clocks); 23 March is an EXDATE, 6 April moved to 13-14
# Stockholm. The training is all day 25 March; the court hearing is 07:15-08:00 UTC on
# 31 March. (26 and 29 March 2027 are Easter holidays: no slots to block.)
EXPECTED_BUSY = [
    Interval(at_local(date(2027, 3, 25), 0), at_local(date(2027, 3, 26), 0)),
    busy(date(2027, 3, 30), 11, 0, 12),
    busy(date(2027, 3, 31), 10, 15, 11),
    busy(date(2027, 4, 6), 14, 0, 15),
    busy(date(2027, 4, 13), 11, 0, 12),
]


def event_documents(extra: tuple[str, ...] = ()) -> dict[str, str]:
    """``{name: one VCALENDAR}`` of the standard events plus ``extra`` texts."""
    docs = {name: (CALENDARS / f"{name}.ics").read_text() for name in EVENT_FILES}
    docs.update({f"extra{n}": text for n, text in enumerate(extra)})
    return docs


def one_event(uid: str, start_utc: datetime, end_utc: datetime) -> str:
    """A VCALENDAR with one opaque UTC event (what a worker adds later)."""
    fmt = "%Y%m%dT%H%M%SZ"
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Tapaamo tests//EN\r\n"
            f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20270301T080000Z\r\n"
            f"DTSTART:{start_utc.strftime(fmt)}\r\nDTEND:{end_utc.strftime(fmt)}\r\n"
            "SUMMARY:Added later\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")


def merged_feed(documents: dict[str, str]) -> bytes:
    """One published calendar holding the components of every document."""
    import icalendar

    feed = icalendar.Calendar()
    feed.add("prodid", "-//Tapaamo tests//feed//EN")
    feed.add("version", "2.0")
    for text in documents.values():
        for component in icalendar.Calendar.from_ical(text).subcomponents:
            feed.add_component(component)
    return feed.to_ical()


class _Quiet:
    def log_message(self, *args):  # keep test output clean
        pass


def send(request: BaseHTTPRequestHandler, code: int, headers: dict, body: bytes) -> None:
    request.send_response(code)
    for name, value in headers.items():
        request.send_header(name, value)
    request.send_header("Content-Length", str(len(body)))
    request.end_headers()
    request.wfile.write(body)


class _Serving:
    """Runs ``self.httpd`` in a daemon thread for the ``with`` block."""

    httpd: ThreadingHTTPServer

    def __enter__(self):
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


class IcsServer(_Serving):
    """A published iCal link: ``GET /<secret>/calendar.ics`` with ETag/If-None-Match.

    ``status`` forces an answer (e.g. 500) and ``redirect_to`` answers 302 to that URL.
    """

    def __init__(self, documents: dict[str, str]):
        self.body = merged_feed(documents)
        self.status: int | None = None
        self.redirect_to: str | None = None
        self.answers: list[int] = []
        server = self

        class Handler(_Quiet, BaseHTTPRequestHandler):
            def do_GET(self):
                server.answer(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_port}/s3cr3t-t0ken/calendar.ics"

    def publish(self, documents: dict[str, str]) -> None:
        self.body = merged_feed(documents)

    def answer(self, request: BaseHTTPRequestHandler) -> None:
        etag = '"' + hashlib.sha256(self.body).hexdigest()[:12] + '"'
        if self.redirect_to:
            code, headers, body = 302, {"Location": self.redirect_to}, b""
        elif self.status:
            code, headers, body = self.status, {}, b"broken"
        elif request.headers.get("If-None-Match") == etag:
            code, headers, body = 304, {"ETag": etag}, b""
        else:
            code, headers, body = 200, {"ETag": etag, "Content-Type": "text/calendar"}, self.body
        self.answers.append(code)
        send(request, code, headers, body)


class _QuietWsgi(_Quiet, WSGIRequestHandler):
    pass


class RadicaleServer(_Serving):
    """Radicale on loopback: user ``aino`` (password ``salasana``), one calendar."""

    USER, PASSWORD = "aino", "salasana"

    def __init__(self, folder: Path):
        import radicale
        from radicale import config

        users = folder / "users"
        users.write_text(f"{self.USER}:{self.PASSWORD}\n")
        configuration = config.load()
        configuration.update({
            "storage": {"filesystem_folder": str(folder / "collections")},
            "auth": {"type": "htpasswd", "htpasswd_filename": str(users),
                     "htpasswd_encryption": "plain"},
            "rights": {"type": "owner_only"},
            "logging": {"level": "warning"},
        }, "tests", privileged=True)
        self.httpd = make_server("127.0.0.1", 0, radicale.Application(configuration),
                                 handler_class=_QuietWsgi)
    @property
    def calendar_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_port}/{self.USER}/work/"

    def put_events(self, documents: dict[str, str]) -> None:
        """Create the calendar (once) and store each document as one resource."""
        import requests

        auth = (self.USER, self.PASSWORD)
        requests.request("MKCALENDAR", self.calendar_url, auth=auth, timeout=5)
        for name, text in documents.items():
            reply = requests.put(f"{self.calendar_url}{name}.ics", data=text.encode(),
                                 auth=auth, headers={"Content-Type": "text/calendar"},
                                 timeout=5)
            assert reply.status_code in (201, 204), reply.text


class GraphFake(_Serving):
    """Entra ID's token endpoint and Graph's getSchedule, over HTTPS on loopback.

    Answers as Microsoft documents them: the token response ``{token_type, expires_in,
    access_token}``; getSchedule ``{"value": [scheduleInformation]}`` whose
    ``scheduleItems`` have ``status`` (free|tentative|busy|oof|workingElsewhere|unknown)
    and ``start``/``end`` as ``dateTimeTimeZone`` with seven fraction digits.
    """

    TENANT, CLIENT_ID, SECRET, TOKEN = "tenant-1", "app-1", "app-secret", "fake-access-token"

    def __init__(self, folder: Path, items: list[dict]):
        self.items = items
        self.requests: list[dict] = []
        self.cert = _self_signed(folder)
        fake = self

        class Handler(_Quiet, BaseHTTPRequestHandler):
            def do_GET(self):
                fake.get(self)

            def do_POST(self):
                fake.post(self)

        import ssl

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert, self.cert)
        self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
    @property
    def base(self) -> str:
        return f"https://localhost:{self.httpd.server_port}"

    def get(self, request) -> None:
        tenant = f"{self.base}/{self.TENANT}"
        self._json(request, 200, {
            "issuer": f"{tenant}/v2.0", "token_endpoint": f"{tenant}/oauth2/v2.0/token",
            "authorization_endpoint": f"{tenant}/oauth2/v2.0/authorize"})

    def post(self, request) -> None:
        body = request.rfile.read(int(request.headers.get("Content-Length", 0)))
        if request.path.endswith("/oauth2/v2.0/token"):
            form = dict(p.split("=", 1) for p in body.decode().split("&"))
            ok = form.get("client_secret") == self.SECRET
            self._json(request, 200 if ok else 401, {
                "token_type": "Bearer", "expires_in": 3599, "access_token": self.TOKEN}
                if ok else {"error": "invalid_client"})
            return
        asked = json.loads(body)
        self.requests.append({"path": request.path, "body": asked,
                              "authorization": request.headers.get("Authorization"),
                              "prefer": request.headers.get("Prefer")})
        if request.headers.get("Authorization") != f"Bearer {self.TOKEN}":
            self._json(request, 401, {"error": {"code": "InvalidAuthenticationToken"}})
            return
        start = asked["startTime"]["dateTime"]
        end = asked["endTime"]["dateTime"]
        items = [i for i in self.items
                 if i["start"]["dateTime"][:19] < end and i["end"]["dateTime"][:19] > start]
        self._json(request, 200, {
            "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#Collection("
                              "microsoft.graph.scheduleInformation)",
            "value": [{"scheduleId": asked["schedules"][0], "availabilityView": "0",
                       "scheduleItems": items,
                       "workingHours": {"daysOfWeek": ["monday"], "startTime": "08:00:00.0000000",
                                        "endTime": "17:00:00.0000000",
                                        "timeZone": {"name": "Pacific Standard Time"}}}]})

    @staticmethod
    def _json(request, status: int, body: dict) -> None:
        send(request, status, {"Content-Type": "application/json"}, json.dumps(body).encode())


def schedule_item(status: str, start_utc: datetime, end_utc: datetime) -> dict:
    """A scheduleItem as Graph answers it (UTC, seven fraction digits)."""
    def stamp(value):
        return {"dateTime": value.strftime("%Y-%m-%dT%H:%M:%S.0000000"), "timeZone": "UTC"}

    return {"isPrivate": False, "status": status, "subject": "never stored",
            "location": "never stored", "start": stamp(start_utc), "end": stamp(end_utc)}


def _self_signed(folder: Path) -> str:
    """A certificate and key for ``localhost`` in one PEM file (the test trusts it)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime(2020, 1, 1)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now).not_valid_after(now + timedelta(days=365 * 30))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(key, hashes.SHA256()))
    path = folder / "graph-fake.pem"
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM) + key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    return str(path)
