"""Helpers for the reminder-dispatch tests: seeding the outbox fast, reading it back,
and notifiers that record or fail."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, insert, select, update
from sqlalchemy.pool import NullPool
from sqlmodel import col

from pathway import directory, enrolment
from pathway.context import Kivo
from pathway.notifiers import FileNotifier, ReminderMessage
from persistence.tables import FollowupRow, ReminderRow
from states.records import Followup, Reminder

_engines: dict[str, Engine] = {}


def engine_of(url: str) -> Engine:
    """A pool-less engine of the test's own, so reading back shares nothing with kivo."""
    if url not in _engines:
        _engines[url] = create_engine(url, poolclass=NullPool)
    return _engines[url]


@dataclass(frozen=True)
class Office:
    coordinator: int
    caseworker: int
    case: int


def add_office(
    kivo: Kivo, *, personnummer: str | None = None, name: str = "Amira Deltagare"
) -> Office:
    """A coordinator, a caseworker with an e-mail address and one case of theirs."""
    coordinator = directory.add_caseworker(
        kivo, "Cecilia Samordnare", email="cecilia@kommun.example", role="coordinator"
    )
    caseworker = directory.add_caseworker(kivo, "Hanna Handläggare", email="hanna@af.example")
    assert coordinator.id is not None
    assert caseworker.id is not None
    case = enrolment.enrol(
        kivo,
        name,
        personnummer=personnummer,
        caseworker_id=caseworker.id,
        consent=True,
        on=date(2026, 1, 12),
        by=caseworker.id,
    )
    return Office(coordinator.id, caseworker.id, case.case_id)


def add_followup(
    kivo: Kivo,
    case_id: int,
    due: date,
    *,
    kinds: Iterable[tuple[str, date]] | None = None,
    title: str = "Follow-up contact during the placement",
) -> tuple[int, dict[str, int]]:
    """A pending follow-up due on ``due`` with reminders (kind → send on); by default the
    rule set's policy: two days before, on the day, escalation a week after."""
    plan = list(kinds) if kinds is not None else kivo.rules.reminders.sends(due, date.min)
    with kivo.uow() as uow:
        item = uow.followups.add(
            Followup(case_id=case_id, name="contact", kind="follow-up", title=title, due=due)
        )
        assert item.id is not None
        reminders = {}
        for kind, send_on in plan:
            reminder = uow.reminders.add(
                Reminder(followup_id=item.id, case_id=case_id, kind=kind, due=due, send_on=send_on)
            )
            assert reminder.id is not None
            reminders[kind] = reminder.id
        uow.commit()
    return item.id, reminders


def set_followup_status(kivo: Kivo, followup_id: int, status: str) -> None:
    with kivo.uow() as uow:
        item = uow.followups.get(followup_id)
        item.status = status
        uow.followups.save(item)
        uow.commit()


ALL_KINDS = (
    ("before", timedelta(days=-2)),
    ("due", timedelta(0)),
    ("escalation", timedelta(days=7)),
)
SENT_LATE = ALL_KINDS[1:]  # a "coming up" whose day has passed is dropped, not sent


def seed_many(
    url: str,
    case_ids: list[int],
    count: int,
    *,
    due: date,
    kinds: Sequence[tuple[str, timedelta]] = SENT_LATE,
) -> list[int]:
    """``count`` reminders of the given kinds (kind, sent this long after ``due``), in
    equal parts, over the given cases, written with Core inserts in one transaction;
    returns their ids. By default the kinds a pass after ``due`` (+ 7 days) sends."""
    followups = -(-count // len(kinds))
    with engine_of(url).begin() as connection:
        ids = (
            connection.execute(
                insert(FollowupRow).returning(col(FollowupRow.id), sort_by_parameter_order=True),
                [
                    {
                        "case_id": case_ids[n % len(case_ids)],
                        "name": f"contact-{n}",
                        "kind": "follow-up",
                        "title": "Follow-up contact during the placement",
                        "due": due,
                        "status": "pending",
                        "anchor": "start",
                        "offset_days": 0,
                        "keep": False,
                    }
                    for n in range(followups)
                ],
            )
            .scalars()
            .all()
        )
        rows = [
            {
                "followup_id": followup_id,
                "case_id": case_ids[n % len(case_ids)],
                "kind": kind,
                "due": due,
                "send_on": due + offset,
                "status": "pending",
                "attempts": 0,
            }
            for n, followup_id in enumerate(ids)
            for kind, offset in kinds
        ][:count]
        reminder_ids = (
            connection.execute(
                insert(ReminderRow).returning(col(ReminderRow.id), sort_by_parameter_order=True),
                rows,
            )
            .scalars()
            .all()
        )
    return [i for i in reminder_ids if i is not None]


def mark_all_pending(url: str) -> None:
    """Forget that anything was sent or claimed (to send the same reminders again)."""
    with engine_of(url).begin() as connection:
        connection.execute(
            update(ReminderRow).values(status="pending", claimed_until=None, claimed_by=None)
        )


def stored_reminders(url: str) -> dict[int, ReminderRow]:
    with engine_of(url).connect() as connection:
        rows = connection.execute(select(ReminderRow)).mappings().all()
    return {row["id"]: ReminderRow(**row) for row in rows}


def status_counts(url: str) -> Counter[str]:
    return Counter(row.status for row in stored_reminders(url).values())


def lines_of(*paths: Path) -> list[dict[str, Any]]:
    """Every JSON line of the given notifier files (missing files have none)."""
    lines = []
    for path in paths:
        if path.exists():
            lines += [json.loads(line) for line in path.read_text().splitlines()]
    return lines


def sent_ids(*paths: Path) -> Counter[int]:
    """How many times each reminder id was written to the given files."""
    return Counter(int(line["reminder_id"]) for line in lines_of(*paths))


@dataclass
class RecordingNotifier:
    """Remembers every message; optionally claims it already sent some."""

    messages: list[ReminderMessage] = field(default_factory=list)
    delivered_before: set[int] = field(default_factory=set)
    asked: list[int] = field(default_factory=list)

    def send(self, message: ReminderMessage) -> None:
        self.messages.append(message)

    def already_sent(self, reminder_id: int) -> bool:
        self.asked.append(reminder_id)
        return reminder_id in self.delivered_before

    @property
    def ids(self) -> list[int]:
        return [m.reminder_id for m in self.messages]


@dataclass
class FailingNotifier:
    """Every send fails, as an unreachable mail server would."""

    tries: int = 0

    def send(self, message: ReminderMessage) -> None:
        self.tries += 1
        raise ConnectionRefusedError("the mail server did not answer")

    def already_sent(self, reminder_id: int) -> bool:
        return False


@dataclass
class RecordingBatchNotifier:
    """Takes whole batches (``send_many``) and can say what it delivered; ``seen`` keeps,
    for each batch, the stored status of every reminder at the moment it was sent."""

    url: str
    batches: list[list[int]] = field(default_factory=list)
    seen: list[dict[int, str]] = field(default_factory=list)

    def send(self, message: ReminderMessage) -> None:
        self.send_many([message])

    def send_many(self, messages: Sequence[ReminderMessage]) -> None:
        self.seen.append({i: r.status for i, r in stored_reminders(self.url).items()})
        self.batches.append([m.reminder_id for m in messages])

    def already_sent(self, reminder_id: int) -> bool:
        return any(reminder_id in batch for batch in self.batches)


class Killed(BaseException):
    """Stands for kill -9: not an ``Exception``, so nothing in kivo handles it."""


class FileKilledAfterFlush(FileNotifier):
    """Writes and fsyncs the batch like the file notifier, then the process 'dies'."""

    def send_many(self, messages: Sequence[ReminderMessage]) -> None:
        super().send_many(messages)
        raise Killed("killed after the fsync, before the batch was recorded sent")


class FileFailingPartWay(FileNotifier):
    """Gets the first ``written`` lines of a batch to disk, then the disk is full."""

    def __init__(self, path: Path, written: int) -> None:
        super().__init__(path)
        self.written = written

    def send_many(self, messages: Sequence[ReminderMessage]) -> None:
        super().send_many(messages[: self.written])
        raise OSError("no space left on the device")


@dataclass
class SmtpLikeNotifier:
    """One message at a time, cannot say what it delivered (like SMTP); ``seen`` keeps the
    stored status of every reminder at the moment of each send."""

    url: str
    ids: list[int] = field(default_factory=list)
    seen: list[dict[int, str]] = field(default_factory=list)

    def send(self, message: ReminderMessage) -> None:
        self.seen.append({i: r.status for i, r in stored_reminders(self.url).items()})
        self.ids.append(message.reminder_id)

    def already_sent(self, reminder_id: int) -> bool:
        return False
