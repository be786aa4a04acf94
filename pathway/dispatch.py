"""One dispatch pass over the reminder outbox: send what is due, exactly once.

The pass claims a batch of due reminders in one short transaction (each claim is a
lease, and counts as an attempt), then decides for each:

- the follow-up is no longer pending (done, cancelled, suspended), or is now due on
  another day than the reminder was queued for (moving an item queues reminders for
  its new date), or it is a "coming up" reminder and the day it heralds has passed
  (after downtime: the "due" reminder says how late it is): dropped, not sent;
- the reminder was claimed before (by a pass that may have died after sending) and the
  notifier knows it delivered it: recorded sent, not sent again;
- otherwise it is sent; success records it sent, an exception releases it for a retry
  after a back-off that grows with the attempts. A failed send is never recorded sent.

Every claim goes through one path (``_handle``): decide for each reminder of a group,
send the group's messages, then record the whole group (sent, dropped, failed) in one
transaction. What makes a group depends on the notifier:

- a notifier that can say what it delivered and takes batches (``BatchNotifier``: the
  file) gets group commit: the claimed batch is one group, its messages one
  ``send_many`` (one ``fsync``). A pass killed between sending and recording leaves the
  batch claimed; when the lease runs out the next holder asks ``already_sent`` and
  records them without sending again;
- any other notifier (console, SMTP) gets groups of one: each message is recorded sent
  in its own transaction right after its send, so a crash can repeat at most the one
  message in flight.

Any number of passes may run at once, in any number of processes: claims are atomic,
so no two hold the same reminder, and a dead pass's claims run out with their lease.
A pass stops using a batch well before its lease could run out (measured on the
process's own monotonic clock) and gives the rest back, so a live lease is never taken
over. Business time comes only from ``kivo.now()`` and ``kivo.today()``.
"""

from __future__ import annotations

import os
import secrets
import socket
import time
from dataclasses import dataclass
from datetime import date, timedelta

from pathway.context import Kivo
from pathway.notifiers import BatchNotifier, Notifier, Recipient, ReminderMessage
from states.records import Caseworker, Followup, Reminder

MAX_BACKOFF = timedelta(hours=6)
Claim = tuple[Reminder, Followup, Caseworker | None, Caseworker | None]
NOBODY = "nobody to tell: the case has no active caseworker and there is no active coordinator"


@dataclass
class DispatchResult:
    """What one pass did. ``sent`` counts every reminder recorded sent (``escalated`` the
    escalations among them), including any a killed pass had sent without recording."""

    sent: int = 0
    escalated: int = 0
    failed: int = 0
    dropped: int = 0


def backoff(attempts: int) -> timedelta:
    """How long a reminder waits after its ``attempts``-th failed send: 2, 4, 8 … minutes,
    at most six hours."""
    return min(timedelta(minutes=2 ** min(max(attempts, 1), 20)), MAX_BACKOFF)


def worker_token() -> str:
    """Who holds a claim: host, process and a random part (unique per pass)."""
    return f"{socket.gethostname()[:32]}:{os.getpid()}:{secrets.token_hex(4)}"


def dispatch(
    kivo: Kivo,
    notifier: Notifier,
    *,
    batch: int = 500,
    lease: timedelta = timedelta(minutes=5),
    worker: str | None = None,
) -> DispatchResult:
    """Send every due reminder once; returns what was sent, escalated, failed, dropped.

    One path for every notifier: a claimed batch is handled in groups, the whole batch
    as one group for a notifier that takes batches, groups of one (one message, one
    transaction) for any other."""
    if batch < 1:
        raise ValueError("batch must be at least 1")
    token = worker or worker_token()
    result = DispatchResult()
    while True:
        started = time.monotonic()
        claimed = _claim(kivo, token, batch, lease)
        if not claimed:
            return result
        size = len(claimed) if isinstance(notifier, BatchNotifier) else 1
        for index in range(0, len(claimed), size):
            if index and _past_half(started, lease):
                _release(kivo, token, [r.id for r, *_ in claimed[index:]])
                break
            _handle(kivo, notifier, token, result, claimed[index : index + size], started, lease)


def _claim(kivo: Kivo, worker: str, batch: int, lease: timedelta) -> list[Claim]:
    now = kivo.now()
    with kivo.uow() as uow:
        claimed = list(
            uow.reminders.claim_due(
                today=kivo.today(), now=now, until=now + lease, worker=worker, limit=batch
            )
        )
        uow.commit()
    return claimed


def _past_half(started: float, lease: timedelta) -> bool:
    """Half the lease gone (on this process's monotonic clock): stop using the claims
    before they could run out and be taken over while still in use."""
    return time.monotonic() - started > lease.total_seconds() / 2


def _handle(
    kivo: Kivo,
    notifier: Notifier,
    worker: str,
    result: DispatchResult,
    claimed: list[Claim],
    started: float,
    lease: timedelta,
) -> None:
    """Decide for each claim, send what is due, then record the outcome of all of them
    in one transaction: sent (with any a dead pass had delivered), dropped, failed. A
    crash between sending and recording leaves the claims to run out; the next holder
    asks ``already_sent`` and records them without sending again."""
    dropped: list[int] = []
    known: list[Reminder] = []  # delivered by a pass that died before recording them
    failed: list[tuple[Reminder, Exception]] = []
    due: list[tuple[Reminder, ReminderMessage]] = []
    today = kivo.today()
    for reminder, followup, caseworker, coordinator in claimed:
        assert reminder.id is not None
        escalation = reminder.kind == "escalation"
        if _stale(reminder, followup, today):
            dropped.append(reminder.id)
        elif reminder.attempts > 1 and notifier.already_sent(reminder.id):
            known.append(reminder)
        elif (recipient := _recipient(caseworker, coordinator, escalation=escalation)) is None:
            failed.append((reminder, LookupError(NOBODY)))
        else:
            message = _message(reminder, followup, recipient, escalation=escalation, today=today)
            due.append((reminder, message))
    if len(due) > 1 and _past_half(started, lease):
        _release(kivo, worker, [reminder.id for reminder, _ in due[1:]])  # one, for progress
        due = due[:1]
    try:
        _send(notifier, [message for _, message in due])
    except Exception as error:
        failed += [(reminder, error) for reminder, _ in due]
        due = []
    sent = known + [reminder for reminder, _ in due]
    at = kivo.now()
    with kivo.uow() as uow:
        uow.reminders.mark_sent_many([r.id for r in sent if r.id is not None], worker, at)
        result.dropped += uow.reminders.mark_dropped_many(dropped, worker)
        for reminder, problem in failed:
            assert reminder.id is not None
            text = f"{type(problem).__name__}: {problem}"
            retry_at = at + backoff(reminder.attempts)
            uow.reminders.mark_failed(reminder.id, worker, text, retry_at)
        uow.commit()
    result.sent += len(sent)  # sent, even where the claim was taken over meanwhile
    result.escalated += sum(reminder.kind == "escalation" for reminder in sent)
    result.failed += len(failed)


def _send(notifier: Notifier, messages: list[ReminderMessage]) -> None:
    """A notifier that takes batches gets them in one ``send_many`` (one ``fsync``);
    any other is handed groups of one by ``dispatch``, so a crash can repeat at most
    the one message in flight."""
    if isinstance(notifier, BatchNotifier):
        notifier.send_many(messages)
        return
    for message in messages:
        notifier.send(message)


def _release(kivo: Kivo, worker: str, reminder_ids: list[int | None]) -> None:
    ids = [i for i in reminder_ids if i is not None]
    with kivo.uow() as uow:
        uow.reminders.release(ids, worker)
        uow.commit()


def _recipient(
    caseworker: Caseworker | None, coordinator: Caseworker | None, *, escalation: bool
) -> Recipient | None:
    """Escalations go to the coordinator, the rest to the case's caseworker; when the
    one is missing the other is told, so an unassigned case's work is not lost."""
    responsible = caseworker if caseworker is not None and caseworker.active else None
    first, second = (coordinator, responsible) if escalation else (responsible, coordinator)
    chosen = first or second
    if chosen is None:
        return None
    return Recipient(name=chosen.name, email=chosen.email, id=chosen.id)


def _stale(reminder: Reminder, followup: Followup, today: date) -> bool:
    """Not worth sending any more: the item is no longer pending or was moved to another
    day, or a "coming up" would come after the day it heralds."""
    if followup.status != "pending" or followup.due != reminder.due:
        return True
    return reminder.kind == "before" and reminder.due < today


def _message(
    reminder: Reminder,
    followup: Followup,
    recipient: Recipient,
    *,
    escalation: bool,
    today: date,
) -> ReminderMessage:
    assert reminder.id is not None
    return ReminderMessage(
        reminder_id=reminder.id,
        case_id=reminder.case_id,
        kind=reminder.kind,
        due=reminder.due,
        title=followup.title,
        recipient=recipient,
        escalation=escalation,
        today=today,
    )
