"""What the family page shows of peer-support groups and of the feedback survey: the
groups the family may join with its own place in each, never anyone else's."""

from __future__ import annotations

from datetime import datetime

from chalicelib.domain.groups import Group, Session, is_open
from chalicelib.web.i18n import Words
from chalicelib.web.view import Urls, place_label

# (the family's place) -> (status text key, button text key, form action)
ACTIONS = {
    "seated": ("groups.seated", "groups.leave", "leave"),
    "waiting": ("groups.waiting", "groups.leave_line", "leave"),
    None: (None, "groups.take", "seat"),
}


def group_cards(words: Words, urls: Urls, listed, offices, now: datetime) -> list[dict]:
    """One card per group (``listed``: ``services.seats.family_groups``): its sessions,
    place, seats left, the family's place and the one button that changes it (none once
    the last session has begun); a drop-in group has a button per session instead."""
    cards = []
    for group, place, held in listed:
        status, button, action = ACTIONS[place]
        if place is None and not group.seats_left:
            status, button = "groups.full", "groups.wait"
        name, address = place_label(words, group.office, offices)
        base = f"{urls.action('groups')}/{group.id}"
        cards.append({
            "id": group.id, "place_name": name, "place_address": address,
            "sessions": [_session(words, group, s, held, base, now) for s in group.sessions],
            "seats_left": None if group.per_session else
            words("groups.seats_left", count=group.seats_left),
            "status": words(status) if status and not group.per_session else None,
            "seated": place == "seated", "per_session": group.per_session,
            "intro": words("groups.per_session" if group.per_session else "groups.series"),
            "button": words(button) if is_open(group, now) and not group.per_session
            else None,
            "action_url": f"{base}/{action}",
        })
    return cards


def _session(words: Words, group: Group, session: Session, held: frozenset[str], base: str,
             now: datetime) -> dict:
    """One session's line; in a drop-in group with its seats left and its own button."""
    line = {"id": session.id, "when": words.span(session.start, session.end)}
    if not group.per_session:
        return line
    seated = session.id in held
    left = group.seats_left_in(session)
    button = "groups.leave" if seated else "groups.take" if left else None
    return line | {
        "seats_left": words("groups.seats_left", count=left),
        "status": words("groups.seated_session") if seated else
        None if left else words("groups.session_full"),
        "button": words(button) if button and session.start > now else None,
        "action_url": f"{base}/{'leave' if seated else 'seat'}"}


def feedback_card(url: str | None) -> dict | None:
    """The survey link and its QR code (inline SVG), once the family was sent it."""
    if url is None:
        return None
    from chalicelib.qr import svg

    return {"url": url, "qr": svg(url)}
