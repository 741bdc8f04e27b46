"""Request bodies of the directory API, validated with pydantic (imported where used:
pydantic and phonenumbers are too heavy for every cold start)."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

import phonenumbers
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from chalicelib.domain.directory import CHANNELS, LANGUAGES, SERVICES, WORKER_ROLES
from chalicelib.domain.errors import Invalid
from chalicelib.domain.instants import parse_instant



def printable(value: str) -> str:
    """Refuse control characters (NUL, CR, LF, …): a name or address is one line of text,
    and a CR/LF in it would split a log line, an SMS or an iCalendar property."""
    if any(unicodedata.category(c) == "Cc" for c in value):
        raise ValueError("must not contain control characters (line breaks, NUL, …)")
    return value


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
                 AfterValidator(printable)]
# Hours before a meeting: a quarter of an hour to two weeks (decimals allowed, kept exact).
Hours = Annotated[Decimal, Field(allow_inf_nan=False)]
FEWEST_HOURS, MOST_HOURS = Decimal("0.25"), Decimal(24 * 14)
EARLIEST_START = date(2000, 1, 1)
Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")]


def _this_century_instant(value: datetime) -> datetime:
    try:
        return parse_instant(value.isoformat(), "start")
    except Invalid as error:
        raise ValueError(error.message) from None


# An instant with an offset, in this century (domain/instants.py says why).
Instant = Annotated[AwareDatetime, AfterValidator(_this_century_instant)]


def e164(value: str) -> str:
    """A Finnish local ("040 123 4567") or international number, as E.164."""
    try:
        number = phonenumbers.parse(value, "FI")
    except phonenumbers.NumberParseException as error:
        raise ValueError("not a phone number") from error
    if not phonenumbers.is_valid_number(number):
        raise ValueError("not a valid phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def email(value: str) -> str:
    value = value.strip()
    local, _, domain = value.partition("@")
    if not local or "." not in domain or " " in value or len(value) > 254:
        raise ValueError("not an e-mail address")
    return value


Phone = Annotated[str, AfterValidator(e164)]
Email = Annotated[str, AfterValidator(email)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class OfficeIn(Strict):
    name: Text
    name_sv: Text | None = None
    address: Text
    rooms: int = Field(ge=1, le=50)


class WorkerIn(Strict):
    name: Text
    email: Email | None = None
    phone: Phone | None = None
    office: Id | None = None
    roles: list[Literal[WORKER_ROLES]] = Field(default_factory=lambda: ["instructor"])
    language: Literal[LANGUAGES] = Field(default="fi",
                                         description="The language of the worker's notices.")


class ContactIn(Strict):
    phone: Phone | None = None
    email: Email | None = None
    language: Literal[LANGUAGES] = "fi"
    channels: list[Literal[CHANNELS]] | None = Field(
        default=None, min_length=1, max_length=len(CHANNELS),
        description="Where each family message goes, e.g. [\"sms\", \"email\"] for both. "
                    "Absent or null: one message, SMS when there is a phone, else e-mail.")

    @model_validator(mode="after")
    def _reachable(self) -> ContactIn:
        if self.channels is not None:
            if len(set(self.channels)) != len(self.channels):
                raise ValueError("channels must be distinct")
            for channel in self.channels:
                if not (self.phone if channel == "sms" else self.email):
                    raise ValueError(f"channel {channel!r} needs the "
                                     f"{'phone' if channel == 'sms' else 'email'} field")
        return self


def hours_before(hours: list[Decimal]) -> list[Decimal]:
    """Reminder hours, each within the bounds, distinct, the earliest reminder first."""
    if any(not FEWEST_HOURS <= h <= MOST_HOURS for h in hours):
        raise ValueError(f"reminders are hours before the meeting, from {FEWEST_HOURS} "
                         f"to {MOST_HOURS}")
    return sorted(set(hours), reverse=True)


class CaseIn(Strict):
    service: Literal[SERVICES]
    workers: list[Id] = Field(min_length=1, max_length=2)
    social_worker: Id | None = None
    start_date: date
    meeting_minutes: int = Field(default=90, ge=60, le=180)
    meetings_per_week: int = Field(ge=1, le=3)
    locations: list[Annotated[str, StringConstraints(min_length=1, max_length=40),
                              AfterValidator(printable)]] = Field(min_length=1, max_length=10)
    contact: ContactIn
    reminders: list[Hours] = Field(default_factory=lambda: [Decimal(24)], max_length=5)
    worker_reminders: list[Hours] = Field(default_factory=list, max_length=5)

    @field_validator("workers")
    @classmethod
    def _distinct(cls, workers: list[str]) -> list[str]:
        if len(set(workers)) != len(workers):
            raise ValueError("workers must be distinct")
        return workers

    @field_validator("start_date")
    @classmethod
    def _this_century(cls, start: date) -> date:
        # The upper bound (a year from today) needs the clock: the service checks it.
        if not EARLIEST_START <= start < date(2100, 1, 1):
            raise ValueError("start_date must lie between 2000 and 2099")
        return start

    @field_validator("reminders", "worker_reminders")
    @classmethod
    def _hours_before(cls, hours: list[Decimal]) -> list[Decimal]:
        return hours_before(hours)
