"""Where messages go: SNS SMS and SES e-mail in AWS, a terminal/file sink locally, a fake
in tests. Every provider has one method, ``send(channel, recipient, message) -> id``, and
raises :class:`DeliveryError` when the message did not go out."""

from __future__ import annotations

import base64
import json
import re
import threading
import uuid
from pathlib import Path
from typing import Protocol

from chalicelib.notify.templates import Message

E164 = re.compile(r"\+[1-9]\d{6,14}")
# Provider errors that no retry can fix: a bad number or address, a refused sender.
PERMANENT_CODES = {"InvalidParameter", "InvalidParameterValue", "MessageRejected",
                   "MailFromDomainNotVerifiedException", "OptedOut"}


class DeliveryError(Exception):
    """The provider did not take the message; ``permanent`` ones are not retried."""

    def __init__(self, message: str, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


class Provider(Protocol):
    def send(self, channel: str, recipient: str, message: Message) -> str: ...


def check_recipient(channel: str, recipient: str) -> None:
    """SMS numbers must be E.164 (``+358401234567``); e-mail must look like one."""
    if channel == "sms" and not E164.fullmatch(recipient):
        raise DeliveryError("the phone number is not in E.164 form", permanent=True)
    if channel == "email" and "@" not in recipient:
        raise DeliveryError("not an e-mail address", permanent=True)
    if channel not in ("sms", "email"):
        raise DeliveryError(f"unknown channel {channel}", permanent=True)


class AwsProvider:
    """SNS for SMS (transactional, with a sender id) and SES for e-mail."""

    def __init__(self, region: str, sms_sender_id: str, email_sender: str):
        import boto3
        from botocore.config import Config

        # A send must end well inside an on-call page's claim (domain.delivery.PAGE_LEASE,
        # 20 s): 3 s to connect, 5 s to answer, two attempts at most.
        bounded = Config(connect_timeout=3, read_timeout=5,
                         retries={"max_attempts": 2, "mode": "standard"})
        self.sns = boto3.client("sns", region_name=region, config=bounded)
        self.ses = boto3.client("ses", region_name=region, config=bounded)
        self.sms_sender_id = sms_sender_id
        self.email_sender = email_sender

    def send(self, channel: str, recipient: str, message: Message) -> str:
        from botocore.exceptions import BotoCoreError, ClientError

        check_recipient(channel, recipient)
        try:
            if channel == "sms":
                return self._sms(recipient, message)
            return self._email(recipient, message)
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            raise DeliveryError(f"{channel} provider: {code}",
                                permanent=code in PERMANENT_CODES) from error
        except BotoCoreError as error:
            raise DeliveryError(f"{channel} provider: {type(error).__name__}") from error

    def _sms(self, phone: str, message: Message) -> str:
        attributes = {"AWS.SNS.SMS.SMSType": "Transactional",
                      "AWS.SNS.SMS.SenderID": self.sms_sender_id}
        response = self.sns.publish(PhoneNumber=phone, Message=message.body, MessageAttributes={
            k: {"DataType": "String", "StringValue": v} for k, v in attributes.items()})
        return response["MessageId"]

    def _email(self, address: str, message: Message) -> str:
        if message.html:
            raw = mime_email(self.email_sender, address, message)
            return self.ses.send_raw_email(Source=self.email_sender, Destinations=[address],
                                           RawMessage={"Data": raw})["MessageId"]
        response = self.ses.send_email(
            Source=self.email_sender, Destination={"ToAddresses": [address]},
            Message={"Subject": {"Data": message.subject, "Charset": "UTF-8"},
                     "Body": {"Text": {"Data": message.body, "Charset": "UTF-8"}}})
        return response["MessageId"]


def mime_email(sender: str, address: str, message: Message) -> bytes:
    """A text + HTML e-mail whose HTML shows ``message.images`` inline (``cid:``)."""
    from email.message import EmailMessage

    mail = EmailMessage()
    mail["Subject"], mail["From"], mail["To"] = message.subject, sender, address
    mail.set_content(message.body)
    mail.add_alternative(message.html, subtype="html")
    html_part = mail.get_payload()[1]
    for content_id, data in message.images:
        html_part.add_related(data, "image", "png", cid=f"<{content_id}>",
                              filename=f"{content_id}.png")
    return mail.as_bytes()


class LocalSink:
    """The local stage's phone and mailbox: prints each message and appends it as a JSON
    line to ``<local dir>/notifications.log`` (an e-mail's HTML and its images too)."""

    def __init__(self, directory: Path):
        self.path = Path(directory) / "notifications.log"
        self._lock = threading.Lock()

    def send(self, channel: str, recipient: str, message: Message) -> str:
        check_recipient(channel, recipient)
        message_id = f"local-{uuid.uuid4().hex[:12]}"
        line = {"id": message_id, "channel": channel, "to": recipient,
                "subject": message.subject, "body": message.body}
        if channel == "email" and message.html:  # what the e-mail shows, images base64
            line["html"] = message.html
            line["images"] = {cid: base64.b64encode(data).decode() for cid, data in
                              message.images}
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as log:
                log.write(json.dumps(line, ensure_ascii=False) + "\n")
        print(f"[tapaamo {channel} → {recipient}] {message.body}", flush=True)
        return message_id


class FakeProvider:
    """In-memory provider for tests: records what was sent, fails when told to."""

    def __init__(self):
        self.sent: list[tuple[str, str, Message]] = []
        self.failures: list[Exception] = []
        self._lock = threading.Lock()

    def fail_next(self, times: int = 1, permanent: bool = False) -> None:
        """Make the next ``times`` sends raise :class:`DeliveryError`."""
        self.failures += [DeliveryError("provider down", permanent) for _ in range(times)]

    def crash_after_next_send(self) -> None:
        """Record the next send, then die as a Lambda killed mid-call would."""
        self.failures.append(Crash("killed after the provider call"))

    def send(self, channel: str, recipient: str, message: Message) -> str:
        check_recipient(channel, recipient)
        with self._lock:
            failure = self.failures.pop(0) if self.failures else None
            if isinstance(failure, DeliveryError):
                raise failure
            self.sent.append((channel, recipient, message))
            message_id = f"fake-{len(self.sent)}"
        if failure:
            raise failure
        return message_id


class Crash(BaseException):
    """A process dying (not an error the sweep may catch)."""
