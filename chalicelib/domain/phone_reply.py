"""What a paged worker's reply means: an SMS text or a key pressed on a call (kuittaus).

Pure: ``read_reply`` turns the text into a :class:`Reply`; the service finds the page it
answers. ``OK``, ``1``, ``KUITTAA`` / ``ACK`` or a page's short code acknowledge;
``LOPETA`` / ``RESOLVE`` resolves; either may name the short code (``OK 3FA9C1``).
Anything else is ``help``: the worker gets a short reply saying what works.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ACK_WORDS = frozenset({"OK", "1", "KUITTAA", "KVITTERA", "ACK"})
RESOLVE_WORDS = frozenset({"LOPETA", "RESOLVE", "AVSLUTA"})
# Short codes are the first six hex digits of the escalation id, upper-cased.
SHORT_CODE = re.compile(r"^[0-9A-F]{6}$")
# Resolving by SMS means the worker has dealt with it: the call back was made.
SMS_OUTCOME = "called-back"


@dataclass(frozen=True)
class Reply:
    """``action`` is ``acknowledge``, ``resolve`` or ``help``; ``code`` names the page."""

    action: str
    code: str | None = None


def read_reply(text: str | None) -> Reply:
    """The meaning of a reply to a page.

    >>> read_reply(" ok "), read_reply("lopeta 3fa9c1"), read_reply("3FA9C1")
    (Reply(action='acknowledge', code=None), Reply(action='resolve', code='3FA9C1'), \
Reply(action='acknowledge', code='3FA9C1'))
    >>> read_reply("soitan kohta")
    Reply(action='help', code=None)
    """
    words = (text or "").upper().replace(",", " ").replace(".", " ").split()
    if len(words) == 1 and SHORT_CODE.match(words[0]) and words[0] not in ACK_WORDS:
        return Reply("acknowledge", words[0])
    if not words or len(words) > 2 or (len(words) == 2 and not SHORT_CODE.match(words[1])):
        return Reply("help")
    code = words[1] if len(words) == 2 else None
    if words[0] in ACK_WORDS:
        return Reply("acknowledge", code)
    if words[0] in RESOLVE_WORDS:
        return Reply("resolve", code)
    return Reply("help")


def same_number(a: str | None, b: str | None) -> bool:
    """Whether two phone numbers are the same line, however they are written.

    >>> same_number("+358 40 111 0001", "0401110001"), same_number("+358401110001", None)
    (True, False)
    """
    return bool(a and b) and _canonical(a) == _canonical(b)


def _canonical(number: str) -> str:
    digits = re.sub(r"[\s().-]", "", number)
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    elif digits.startswith("0"):
        digits = "+358" + digits[1:]  # a Finnish national number
    return digits
