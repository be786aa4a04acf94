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

The weekly letter (``LetterMessage``) goes the same ways (``LetterNotifier``): a line
on the console, a JSON line with ``letter_id`` in the file, an e-mail over SMTP.

Messages name the case by its id and the recipient by name: never the participant's
name or personnummer.
"""

from __future__ import annotations

import json
import os
import smtplib
from collections.abc import Sequence
from dataclasses import dataclass, field
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
LATE = "Late"  # a "due" reminder sent after its day: never "Due today"
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


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
    today: date = field(kw_only=True)  # the day it is sent, from the injected clock

    @property
    def late(self) -> bool:
        return self.today > self.due

    def label(self) -> str:
        if self.kind == "due" and self.late:
            return LATE
        return LABELS.get(self.kind, self.kind)

    def headline(self) -> str:
        """Label, item and case, and when it was due: how long ago once past."""
        when = due_ago(self.due, self.today) if self.late else f"due {self.due.isoformat()}"
        return f"{self.label()}: {self.title} (case {self.case_id}, {when})"

    def subject(self) -> str:
        return f"[kivo] {self.headline()}"

    def text(self) -> str:
        item = f"{self.title} for case {self.case_id}"
        if self.late:
            late = f"{item} was {due_ago(self.due, self.today)}, and is still open."
            if self.escalation:
                late += " You are told as the coordinator: please see that it is done."
            return late
        when = "today" if self.due == self.today else f"on {self.due.isoformat()}"
        return f"{item} is due {when}."


def due_ago(due: date, today: date) -> str:
    """``due 16 March, 8 days ago`` (the year only when it is not this year's)."""
    day = f"{due.day} {MONTHS[due.month - 1]}"
    if due.year != today.year:
        day += f" {due.year}"
    days = (today - due).days
    return f"due {day}, {days} day{'' if days == 1 else 's'} ago"


@dataclass(frozen=True, slots=True)
class LetterMessage:
    """A person's weekly letter, already worded (``pathway.letters``): a one-line
    ``summary`` (the subject) and the ``body``; case ids only, no participant names."""

    letter_id: int
    week: str
    recipient: Recipient
    summary: str
    body: str


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


@runtime_checkable
class LetterNotifier(Protocol):
    """Where the weekly letter goes: the console, the file and SMTP take it too."""

    def send_letter(self, letter: LetterMessage) -> None:
        """Deliver the letter or raise; a raise leaves it to be retried."""
        ...

    def letter_already_sent(self, letter_id: int) -> bool:
        """True only if this letter is known to have been delivered already."""
        ...


class Outlet(Notifier, LetterNotifier, Protocol):
    """A notifier for reminders and weekly letters alike (what ``notifier_from`` gives)."""


class ConsoleNotifier:
    """One readable line per reminder; the console cannot say what it printed before."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def send(self, message: ReminderMessage) -> None:
        print(
            f"reminder {message.reminder_id} → {_to(message.recipient)}: {message.headline()}",
            file=self.stream,
            flush=True,
        )

    def already_sent(self, reminder_id: int) -> bool:
        return False

    def send_letter(self, letter: LetterMessage) -> None:
        """One line: who and the letter's counts (the console is for trying things out)."""
        print(
            f"letter {letter.letter_id} → {_to(letter.recipient)}: {letter.summary}",
            file=self.stream,
            flush=True,
        )

    def letter_already_sent(self, letter_id: int) -> bool:
        return False


def _to(recipient: Recipient) -> str:
    return f"{recipient.name} <{recipient.email}>" if recipient.email else recipient.name


class FileNotifier:
    """Appends one JSON line per reminder.

    Each line is one ``write`` to a file opened with ``O_APPEND`` and is flushed to disk
    before ``send`` returns, so lines from concurrent dispatchers never interleave and a
    line a crashed dispatcher wrote is there for ``already_sent`` to find.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._seen: set[int] = set()
        self._letters: set[int] = set()
        self._read_up_to = 0

    def send(self, message: ReminderMessage) -> None:
        self.send_many([message])

    def send_letter(self, letter: LetterMessage) -> None:
        """One JSON line with ``letter_id`` (not ``reminder_id``), appended and flushed."""
        self._append([_letter_line(letter)])

    def letter_already_sent(self, letter_id: int) -> bool:
        self._catch_up()
        return letter_id in self._letters

    def send_many(self, messages: Sequence[ReminderMessage]) -> None:
        """Append one line per message and ``fsync`` once, after the last.

        Each line is still its own ``write`` (so a crash can cut at most the line being
        written, as with one message); the batch counts as delivered only once this
        returns, and a line that reached the file before a crash is found by
        ``already_sent``.
        """
        if messages:
            self._append([_line(message) for message in messages])

    def _append(self, lines: list[bytes]) -> None:
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
            if not isinstance(entry, dict):
                continue
            if isinstance(entry.get("reminder_id"), int):
                self._seen.add(entry["reminder_id"])
            elif isinstance(entry.get("letter_id"), int):
                self._letters.add(entry["letter_id"])
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
            "sent_on": message.today.isoformat(),
        },
        ensure_ascii=False,
    )
    return (line + "\n").encode()


def _letter_line(letter: LetterMessage) -> bytes:
    line = json.dumps(
        {
            "letter_id": letter.letter_id,
            "week": letter.week,
            "recipient": {
                "id": letter.recipient.id,
                "name": letter.recipient.name,
                "email": letter.recipient.email,
            },
            "summary": letter.summary,
            "body": letter.body,
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

    def letter_email(self, letter: LetterMessage) -> EmailMessage:
        if not letter.recipient.email:
            raise ValueError(
                f"{letter.recipient.name} has no e-mail address: add one to send the "
                f"weekly letter {letter.week} by e-mail"
            )
        email = EmailMessage()
        email["From"] = self.sender
        email["To"] = formataddr((letter.recipient.name, letter.recipient.email))
        email["Subject"] = f"[kivo] {letter.summary}"
        email["Date"] = formatdate(localtime=True)
        domain = self.sender.rpartition("@")[2] or "localhost"
        email["Message-ID"] = f"<kivo-letter-{letter.letter_id}@{domain}>"
        email.set_content(f"Hello {letter.recipient.name},\n\n{letter.body}\n\n— kivo\n")
        return email

    def send_letter(self, letter: LetterMessage) -> None:
        email = self.letter_email(letter)
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as server:
            server.send_message(email)

    def letter_already_sent(self, letter_id: int) -> bool:
        return False


def notifier_from(spec: str | None, stream: TextIO) -> Outlet:
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
