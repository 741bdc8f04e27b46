"""Request bodies of the escalation API, validated with pydantic (imported where used)."""

from __future__ import annotations

from typing import Annotated

from pydantic import StringConstraints

from chalicelib.api.schemas import Id, Phone, Strict

Message = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
Source = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]{0,29}$")]


class EscalationIn(Strict):
    source: Source = "staff"
    case: Id | None = None
    message: Message | None = None
    callback_phone: Phone | None = None


class HelpIn(Strict):
    message: Message | None = None
    callback_phone: Phone | None = None


class MissedCallIn(Strict):
    caller: Phone
    case: Id | None = None
