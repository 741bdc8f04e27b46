"""What the family page shows of peer-support groups and of the feedback survey: the
groups the family may join with its own place in each, never anyone else's."""

from __future__ import annotations

from datetime import datetime

from chalicelib.domain.groups import Group, is_open
from chalicelib.web.i18n import Words
from chalicelib.web.view import Urls, place_label

# (the family's place) -> (status text key, button text key, form action)
ACTIONS = {
    "seated": ("groups.seated", "groups.leave", "leave"),
    "waiting": ("groups.waiting", "groups.leave_line", "leave"),
    None: (None, "groups.take", "seat"),
}


def group_cards(words: Words, urls: Urls, listed: list[tuple[Group, str | None]], offices,
                now: datetime) -> list[dict]:
    """One card per group: its sessions, place, seats left, the family's place and the
    one button that changes it (none once the last session has begun)."""
    cards = []
    for group, place in listed:
        status, button, action = ACTIONS[place]
        if place is None and not group.seats_left:
            status, button = "groups.full", "groups.wait"
        name, address = place_label(words, group.office, offices)
        cards.append({
            "id": group.id, "place_name": name, "place_address": address,
            "sessions": [words.span(s.start, s.end) for s in group.sessions],
            "seats_left": words("groups.seats_left", count=group.seats_left),
            "status": words(status) if status else None, "seated": place == "seated",
            "button": words(button) if is_open(group, now) else None,
            "action_url": f"{urls.action('groups')}/{group.id}/{action}",
        })
    return cards


def feedback_card(url: str | None) -> dict | None:
    """The survey link and its QR code (inline SVG), once the family was sent it."""
    if url is None:
        return None
    from chalicelib.qr import svg

    return {"url": url, "qr": svg(url)}
