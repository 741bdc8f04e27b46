"""The on-call page's one-time link: GET shows the request, POST acknowledges it (HTML).

The link token is the credential (as a booking link is): no sign-in and no CSRF token,
since a forged POST would need the token itself. The page speaks ``?lang=``, else the
browser's language, else Finnish.
"""

from __future__ import annotations

from urllib.parse import urlparse

from chalice import Blueprint

from chalicelib import bootstrap
from chalicelib.api.errors import failure_of
from chalicelib.api.http import query_param
from chalicelib.domain.directory import LANGUAGES
from chalicelib.services.escalation_views import read_by_link
from chalicelib.web import view
from chalicelib.web.i18n import Words, accepted_language, choose_language
from chalicelib.web.render import html_response, render

bp = Blueprint(__name__)

# The page's words for an answer's status; any other refusal is "the request was wrong".
ERROR_PAGES = {404: ("notfound.title", "ack.notfound"), 410: ("ack.gone_title", "ack.gone"),
               409: ("ack.done_title", "ack.conflict"), 500: ("error.title", "error.text"),
               503: ("error.title", "error.text")}


def _frame(request, token: str) -> dict:
    language = choose_language(query_param(request, "lang"), None,
                               accepted_language((request.headers or {}).get("accept-language")))
    base = urlparse(bootstrap.wiring().settings.public_url).path
    page = f"{base}/ack/{token}"
    # The form posts back in the language the page is read in.
    return {"t": Words(language), "lang": language, "base": base,
            "page_url": f"{page}?lang={language}",
            "names": view.language_names(), "support_phone": "",
            "lang_urls": [(code, f"{page}?lang={code}") for code in LANGUAGES]}


def _answer(token: str, acknowledge: bool):
    request = bp.current_request
    frame = _frame(request, token)
    words = frame["t"]
    try:
        seen = read_by_link(bootstrap.escalator(), bootstrap.wiring().directory, token,
                            bootstrap.now(), acknowledge=acknowledge)
    except Exception as exc:  # noqa: BLE001 - domain errors, and the last line of defence
        status = failure_of(exc, "/ack/{token}").status
        status = status if status in ERROR_PAGES else 400
        title, text = ERROR_PAGES.get(status, ("error.title", "error.text"))
        return _page(render("plain.html", **frame, title=words(title), text=words(text)),
                     status, frame["lang"])
    record = seen.record
    body = render("ack.html", **frame, title=words("ack.title", code=record.short_code),
                  done=acknowledge, code=record.short_code, case=record.case_id,
                  opened=words.datetime(record.escalation.opened_at),
                  requests=[{"at": words.datetime(r.at), "message": r.detail.get("message")}
                            for r in seen.requests],
                  callbacks=seen.callbacks, family_phone=record.family_phone)
    return _page(body, 200, frame["lang"])


def _page(body: str, status: int, language: str):
    return html_response(body, status=status, headers={"Content-Language": language,
                                                       "Vary": "Accept-Language"})


@bp.route("/ack/{token}", methods=["GET"])
def get_ack_link(token):
    return _answer(token, acknowledge=False)


@bp.route("/ack/{token}", methods=["POST"],
          content_types=["application/x-www-form-urlencoded", "application/json", "text/plain"])
def post_ack_link(token):
    return _answer(token, acknowledge=True)
