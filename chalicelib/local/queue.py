"""A spool-directory queue: the local twin of SQS that the local pump drains into handlers.

Each message is one JSON file under ``<dir>/queue/<queue name>/``. Files are written
atomically (temporary name, then rename) so a reader never sees half a message, and a
message is deleted only after its handler returned, which gives SQS's at-least-once
delivery: a crash between handling and deleting delivers the message again.
"""

import itertools
import json
import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

_SUFFIX = ".json"
_sequence = itertools.count()  # orders messages sent by one process in the same nanosecond


@dataclass(frozen=True)
class LocalMessage:
    """One spooled message, as SQS would hand it to a consumer.

    Attributes:
        message_id: unique id; also the file name without its suffix.
        body: the message body as sent.
        sent_at: epoch seconds when it was sent.
        visible_at: epoch seconds from which it may be received (SQS ``DelaySeconds``).
    """

    message_id: str
    body: str
    sent_at: float
    visible_at: float


class LocalQueue:
    """Spooled queues under ``<root>/queue/``; one folder per queue name."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        """Open the queues of one local stack.

        Args:
            root: the stack's local directory (``TAPAAMO_LOCAL_DIR``).
        """
        self._root = Path(root) / "queue"

    def send(self, queue_name: str, body: str, delay_seconds: float = 0, now: float | None = None) -> str:
        """Spool one message and return its message id.

        Args:
            queue_name: the queue, as named in ``@app.on_sqs_message(queue=...)``.
            body: the message body (SQS bodies are strings; send JSON text).
            delay_seconds: like SQS ``DelaySeconds``: not delivered before then.
            now: epoch seconds; defaults to the clock.

        Example:
            ``LocalQueue(os.environ["TAPAAMO_LOCAL_DIR"]).send("notifications", '{"id": "n1"}')``
        """
        sent_at = time.time() if now is None else now
        # Time first so a directory listing sorts oldest first, like a FIFO queue would.
        message_id = f"{int(sent_at * 1e9):020d}-{next(_sequence) % 10**9:09d}-{uuid.uuid4().hex}"
        folder = self._folder(queue_name)
        folder.mkdir(parents=True, exist_ok=True)
        record = {"body": body, "sent_at": sent_at, "visible_at": sent_at + delay_seconds}
        self._write(folder / f"{message_id}{_SUFFIX}", record)
        return message_id

    def receive(self, queue_name: str, max_messages: int, now: float | None = None) -> list[LocalMessage]:
        """Return up to ``max_messages`` visible messages, oldest first, without deleting them."""
        folder = self._folder(queue_name)
        if not folder.is_dir():
            return []
        moment = time.time() if now is None else now
        messages = []
        for path in sorted(folder.glob(f"*{_SUFFIX}")):
            message = self._read(path)
            if message is not None and message.visible_at <= moment:
                messages.append(message)
                if len(messages) == max_messages:
                    break
        return messages

    def delete(self, queue_name: str, message_id: str) -> None:
        """Remove a handled message; deleting one that is already gone is not an error."""
        (self._folder(queue_name) / f"{message_id}{_SUFFIX}").unlink(missing_ok=True)

    def postpone(self, queue_name: str, message_id: str, seconds: float, now: float | None = None) -> None:
        """Hide a message whose handling failed for ``seconds``, like SQS's visibility timeout."""
        path = self._folder(queue_name) / f"{message_id}{_SUFFIX}"
        message = self._read(path)
        if message is None:
            return
        moment = time.time() if now is None else now
        record = {"body": message.body, "sent_at": message.sent_at, "visible_at": moment + seconds}
        self._write(path, record)

    def _write(self, path: Path, record: dict) -> None:
        partial = path.with_name(f".{path.stem}.tmp")
        partial.write_text(json.dumps(record), encoding="utf-8")
        os.replace(partial, path)

    def _folder(self, queue_name: str) -> Path:
        if not queue_name or "/" in queue_name or queue_name.startswith("."):
            raise ValueError(f"not a queue name: {queue_name!r}")
        return self._root / queue_name

    @staticmethod
    def _read(path: Path) -> LocalMessage | None:
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None  # another consumer deleted it between listing and reading
        return LocalMessage(path.stem, record["body"], record["sent_at"], record["visible_at"])
