"""The body of ``PUT /workers/{id}/busy-source``, validated with pydantic (imported where
used: pydantic is too heavy for every cold start)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints, model_validator

Url = Annotated[str, StringConstraints(strip_whitespace=True, min_length=8, max_length=2000)]
Short = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Ref = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")]
REQUIRED = {"graph": ("mailbox",), "caldav": ("url", "username", "secret_ref"), "ics": ("url",)}


class BusySourceIn(BaseModel):
    """``{kind: graph, mailbox}`` | ``{kind: caldav, url, username, secret_ref}`` |
    ``{kind: ics, url}``; fields of another kind are refused."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["graph", "caldav", "ics"]
    mailbox: Short | None = None
    url: Url | None = None
    username: Short | None = None
    secret_ref: Ref | None = None

    @model_validator(mode="after")
    def _fields_of_kind(self):
        needed = REQUIRED[self.kind]
        missing = [f for f in needed if getattr(self, f) is None]
        if missing:
            raise ValueError(f"a {self.kind} source needs {', '.join(missing)}")
        extra = [f for f in ("mailbox", "url", "username", "secret_ref")
                 if f not in needed and getattr(self, f) is not None]
        if extra:
            raise ValueError(f"a {self.kind} source takes no {', '.join(extra)}")
        if self.mailbox is not None and "@" not in self.mailbox:
            raise ValueError("mailbox must be an e-mail address")
        return self
