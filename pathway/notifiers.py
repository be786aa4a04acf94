"""Where reminders go: the console, a JSON-lines file, or e-mail over SMTP.

A notifier is told one ``ReminderMessage`` at a time and may be asked whether it has
already delivered a given reminder: the dispatcher asks that before sending a reminder
it claims a second time, which closes the window between "sent" and "recorded as sent"
that a crash can leave open. A file can answer; the console and SMTP cannot.

A notifier that can answer may also take a whole batch at once (``BatchNotifier``:
``send_many``): the file appends the batch's lines and flushes them to disk once, and
the dispatcher records the batch sent in one transaction after that. Only a notifier
whose ``already_sent`` finds everything a ``send_many`` delivered may offer it, because
a crash between the flush and the record leaves the whole batch to that question.

Messages name the case by its id and the recipient by name: never the participant's
name or personnummer.
"""

from __future__ import annotations

import json
import os
import smtplib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from email.message import EmailMessage
from email.utils import formataddr, formatdate
from pathlib import Path
from typing import Protocol, TextIO, runtime_checkable
from urllib.parse import parse_qs, urlsplit

from pathway.files import private_descriptor
from states.errors import InvalidInput, quoted

DEFAULT_SENDER = "kivo@localhost"
SMTP_TIMEOUT_SECONDS = 30.0
LABELS = {
    "before": "Coming up",
    "due": "Due today",
    "escalation": "Overdue",
}


@dataclass(frozen=True, slots=True)
class Recipient:
    """A caseworker or coordinator to tell."""

    name: str
    email: str | None = None
    id: int | None = None


@dataclass(frozen=True, slots=True)
class ReminderMessage:
    reminder_id: int
    case_id: int
    kind: str  # before, due, escalation
    due: date
    title: str
    recipient: Recipient
    escalation: bool = False

    def subject(self) -> str:
        label = LABELS.get(self.kind, self.kind)
        return f"[kivo] {label}: {self.title} (case {self.case_id}, due {self.due.isoformat()})"

    def text(self) -> str:
        if self.escalation:
            return (
                f"{self.title} for case {self.case_id} was due on {self.due.isoformat()} and "
                "is still open. You are told as the coordinator: please see that it is done."
            )
        when = "today" if self.kind == "due" else f"on {self.due.isoformat()}"
        return f"{self.title} for case {self.case_id} is due {when}."


class Notifier(Protocol):
    def send(self, message: ReminderMessage) -> None:
        """Deliver the message or raise; a raise leaves the reminder to be retried."""
        ...

    def already_sent(self, reminder_id: int) -> bool:
        """True only if this reminder is known to have been delivered already."""
        ...


@runtime_checkable
class BatchNotifier(Notifier, Protocol):
    def send_many(self, messages: Sequence[ReminderMessage]) -> None:
        """Deliver every message, durably, or raise. Whatever part was delivered before
        a raise (or a crash) must be found by ``already_sent``."""
        ...


class ConsoleNotifier:
    """One readable line per reminder; the console cannot say what it printed before."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def send(self, message: ReminderMessage) -> None:
        to = message.recipient.name
        if message.recipient.email:
            to += f" <{message.recipient.email}>"
        label = LABELS.get(message.kind, message.kind)
        print(
            f"reminder {message.reminder_id} → {to}: {label}: {message.title} "
            f"(case {message.case_id}, due {message.due.isoformat()})",
            file=self.stream,
            flush=True,
        )

    def already_sent(self, reminder_id: int) -> bool:
        return False


class FileNotifier:
    """Appends one JSON line per reminder.

    Each line is one ``write`` to a file opened with ``O_APPEND`` and is flushed to disk
    before ``send`` returns, so lines from concurrent dispatchers never interleave and a
    line a crashed dispatcher wrote is there for ``already_sent`` to find.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._seen: set[int] = set()
        self._read_up_to = 0

    def send(self, message: ReminderMessage) -> None:
        self.send_many([message])

    def send_many(self, messages: Sequence[ReminderMessage]) -> None:
        """Append one line per message and ``fsync`` once, after the last.

        Each line is still its own ``write`` (so a crash can cut at most the line being
        written, as with one message); the batch counts as delivered only once this
        returns, and a line that reached the file before a crash is found by
        ``already_sent``.
        """
        if not messages:
            return
        lines = [_line(message) for message in messages]
        descriptor = private_descriptor(self.path, append=True)
        try:
            for data in lines:
                written = os.write(descriptor, data)
                if written != len(data):
                    raise OSError(f"only {written} of {len(data)} bytes reached {self.path}")
            os.fsync(descriptor)
        finally:
            os.close(descriptor)

    def already_sent(self, reminder_id: int) -> bool:
        """Reads what was appended since the last look (by any process), then answers."""
        self._catch_up()
        return reminder_id in self._seen

    def _catch_up(self) -> None:
        try:
            with self.path.open("rb") as file:
                if os.fstat(file.fileno()).st_size < self._read_up_to:  # truncated or rotated
                    self._seen.clear()
                    self._read_up_to = 0
                file.seek(self._read_up_to)
                chunk = file.read()
        except FileNotFoundError:
            return
        complete = chunk.rfind(b"\n") + 1  # a line still being written is read next time
        for line in chunk[:complete].splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if isinstance(entry, dict) and isinstance(entry.get("reminder_id"), int):
                self._seen.add(entry["reminder_id"])
        self._read_up_to += complete


def _line(message: ReminderMessage) -> bytes:
    """The message as one JSON line (no personal data: the case id and the recipient)."""
    line = json.dumps(
        {
            "reminder_id": message.reminder_id,
            "case_id": message.case_id,
            "kind": message.kind,
            "due": message.due.isoformat(),
            "title": message.title,
            "recipient": {
                "id": message.recipient.id,
                "name": message.recipient.name,
                "email": message.recipient.email,
            },
            "escalation": message.escalation,
        },
        ensure_ascii=False,
    )
    return (line + "\n").encode()


class SmtpNotifier:
    """E-mail through an SMTP server (stdlib ``smtplib``), one connection per message.

    SMTP cannot be asked what it delivered, so ``already_sent`` always says no: a
    dispatcher killed between handing a message to the server and recording it sent
    will send that one message again. The ``Message-ID`` is derived from the reminder
    id, so the receiving side can recognise such a repeat.
    """

    def __init__(
        self,
        host: str,
        port: int,
        sender: str = DEFAULT_SENDER,
        *,
        timeout: float = SMTP_TIMEOUT_SECONDS,
    ) -> None:
        self.host, self.port, self.sender, self.timeout = host, port, sender, timeout

    def message_id(self, reminder_id: int) -> str:
        domain = self.sender.rpartition("@")[2] or "localhost"
        return f"<kivo-reminder-{reminder_id}@{domain}>"

    def email(self, message: ReminderMessage) -> EmailMessage:
        if not message.recipient.email:
            raise ValueError(
                f"{message.recipient.name} has no e-mail address: add one to send reminder "
                f"{message.reminder_id} by e-mail"
            )
        email = EmailMessage()
        email["From"] = self.sender
        email["To"] = formataddr((message.recipient.name, message.recipient.email))
        email["Subject"] = message.subject()
        email["Date"] = formatdate(localtime=True)
        email["Message-ID"] = self.message_id(message.reminder_id)
        email.set_content(f"Hello {message.recipient.name},\n\n{message.text()}\n\n— kivo\n")
        return email

    def send(self, message: ReminderMessage) -> None:
        email = self.email(message)
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as server:
            server.send_message(email)

    def already_sent(self, reminder_id: int) -> bool:
        return False


def notifier_from(spec: str | None, stream: TextIO) -> Notifier:
    """``console`` (the default), ``file:PATH`` or ``smtp://host[:port][?from=ADDRESS]``."""
    text = (spec or "console").strip()
    if text == "console":
        return ConsoleNotifier(stream)
    if text.startswith("file:"):
        return _file_notifier(text[len("file:") :])
    if text.startswith("smtp://"):
        return _smtp_notifier(text)
    raise InvalidInput(
        f"unknown notifier {quoted(text)}: use console, file:PATH or smtp://HOST:PORT",
        field="notify",
    )


def _file_notifier(name: str) -> FileNotifier:
    if not name.strip():
        raise InvalidInput("file: needs a path, e.g. file:reminders.jsonl", field="notify")
    path = Path(name).expanduser()
    if path.is_dir():
        raise InvalidInput(f"{quoted(str(path))} is a folder, not a file", field="notify")
    if not path.parent.is_dir():
        raise InvalidInput(
            f"there is no folder {quoted(str(path.parent))} to write reminders into",
            field="notify",
        )
    return FileNotifier(path)


def _smtp_notifier(text: str) -> SmtpNotifier:
    parts = urlsplit(text)
    try:
        port = 25 if parts.port is None else parts.port
    except ValueError:
        port = 0
    if not parts.hostname or not 1 <= port <= 65535 or parts.path not in ("", "/"):
        raise InvalidInput(
            f"{quoted(text)} is not an SMTP address: use smtp://HOST:PORT, e.g. "
            "smtp://localhost:25",
            field="notify",
        )
    query = parse_qs(parts.query)
    unknown = sorted(set(query) - {"from"})
    if unknown:
        raise InvalidInput(
            f"unknown SMTP setting {quoted(unknown[0])}: only ?from=ADDRESS", field="notify"
        )
    sender = query.get("from", [DEFAULT_SENDER])[-1]
    if "@" not in sender:
        raise InvalidInput(f"{quoted(sender)} is not a sender address", field="notify")
    return SmtpNotifier(parts.hostname, port, sender)
