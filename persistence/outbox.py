"""The reminder outbox: rows written with what they remind of, claimed by dispatchers.

A dispatcher claims due rows with one atomic statement and a lease (``claimed_until``):
``UPDATE … WHERE id IN (SELECT … LIMIT n) RETURNING …``. On SQLite the unit of work
already holds the write lock (``BEGIN IMMEDIATE``), so two claims never interleave; on
PostgreSQL the inner select takes ``FOR UPDATE SKIP LOCKED``, so concurrent claims
take disjoint rows without waiting for each other. A claim whose worker died runs out
with its lease and is taken over. Marking a claimed row sent, dropped or failed only
succeeds while the row is still claimed by the same worker.

Moments are stored in UTC: SQLite keeps no zone, so every bound moment is converted.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import fields
from datetime import UTC, date, datetime
from typing import Any, NamedTuple

from sqlalchemy import DateTime, insert, or_, select, update
from sqlmodel import col
from sqlmodel import select as select_rows

from persistence.mapping import to_row
from persistence.repositories import _Repository
from persistence.tables import CaseRow, CaseworkerRow, FollowupRow, ReminderRow
from states.records import Caseworker, Followup, Reminder

ERROR_LENGTH = 500
CHUNK = 1000  # ids per IN (…): far below SQLite's and PostgreSQL's parameter limits


class Claimed(NamedTuple):
    """A claimed reminder and what its message needs, resolved at claim (= send) time."""

    reminder: Reminder
    followup: Followup
    caseworker: Caseworker | None  # the case's responsible caseworker, if any
    coordinator: Caseworker | None  # the active coordinator with the lowest id, if any


def _requeue(row: ReminderRow, send_on: date) -> None:
    """A dropped reminder queued again starts afresh."""
    row.status, row.send_on, row.attempts = "pending", send_on, 0
    row.claimed_until = row.claimed_by = row.next_attempt_at = None
    row.last_error = None


class ReminderRepository(_Repository[Reminder, ReminderRow]):
    record, row, noun = Reminder, ReminderRow, "reminder"

    def add_many(self, reminders: Iterable[Reminder]) -> None:
        """Queue reminders; (follow-up, kind, due) is unique, so one queued again (a pause
        and resume on the same day) comes back if it was dropped, and a sent one stays sent.

        One SELECT finds what is already queued and one executemany inserts the rest: a
        move queues tens of reminders, and a round trip each was most of its cost.
        """
        wanted: dict[tuple[int, str, date], Reminder] = {}
        for reminder in reminders:
            wanted.setdefault((reminder.followup_id, reminder.kind, reminder.due), reminder)
        if not wanted:
            return
        followup_ids = {followup_id for followup_id, _, _ in wanted}
        queued = self.session.exec(
            select_rows(ReminderRow).where(col(ReminderRow.followup_id).in_(followup_ids))
        ).all()
        existing = {(row.followup_id, row.kind, row.due): row for row in queued}
        fresh = [reminder for key, reminder in wanted.items() if key not in existing]
        for key, reminder in wanted.items():
            row = existing.get(key)
            if row is not None and row.status == "dropped":
                _requeue(row, reminder.send_on)
                self.session.add(row)
        if fresh:
            rows = [to_row(reminder, ReminderRow).model_dump(exclude={"id"}) for reminder in fresh]
            self.session.execute(insert(ReminderRow), rows)

    def drop_pending(self, followup_ids: Iterable[int]) -> int:
        """Pending reminders of items that were done, cancelled or suspended go unsent."""
        ids = list(followup_ids)
        if not ids:
            return 0
        result = self.session.execute(
            update(ReminderRow)
            .where(col(ReminderRow.followup_id).in_(ids), col(ReminderRow.status) == "pending")
            .values(status="dropped")
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    def claim_due(
        self, *, today: date, now: datetime, until: datetime, worker: str, limit: int
    ) -> Sequence[Claimed]:
        """Claim up to ``limit`` due reminders for ``worker`` until ``until``.

        Due: pending, to be sent on or before ``today``, not claimed by a live lease and
        not waiting for a retry. Each claim counts as an attempt.

        Two statements, Core only: the claiming ``UPDATE … RETURNING`` and one joined
        read of the claimed reminders' follow-ups and caseworkers (plus the coordinator).
        Loading these as ORM rows and mapping them was 95% of a claim's time.
        """
        at, lease = _utc(now), _utc(until)
        due = (
            select(col(ReminderRow.id))
            .where(
                col(ReminderRow.status) == "pending",
                col(ReminderRow.send_on) <= today,
                or_(col(ReminderRow.claimed_until).is_(None), col(ReminderRow.claimed_until) < at),
                or_(
                    col(ReminderRow.next_attempt_at).is_(None),
                    col(ReminderRow.next_attempt_at) <= at,
                ),
            )
            .order_by(col(ReminderRow.send_on), col(ReminderRow.id))
            .limit(limit)
        )
        if self._dialect() == "postgresql":
            due = due.with_for_update(skip_locked=True)
        claim = (
            update(ReminderRow)
            .where(col(ReminderRow.id).in_(due.scalar_subquery()))
            .values(
                claimed_until=lease,
                claimed_by=worker,
                attempts=col(ReminderRow.attempts) + 1,
            )
            .returning(*_REMINDER)
        )
        rows = self.session.connection().execute(claim).all()
        reminders = sorted((_reminder(row) for row in rows), key=lambda r: (r.send_on, r.id))
        return self._with_recipients(reminders)

    def mark_sent(self, reminder_id: int, worker: str, at: datetime) -> bool:
        """Record the reminder sent; False if ``worker`` no longer holds its claim."""
        return self._finish(
            reminder_id, worker, status="sent", sent_at=_utc(at), claimed_until=None
        )

    def mark_dropped(self, reminder_id: int, worker: str) -> bool:
        """What it reminded of is no longer pending: never send it."""
        return self._finish(reminder_id, worker, status="dropped", claimed_until=None)

    def mark_failed(self, reminder_id: int, worker: str, error: str, retry_at: datetime) -> bool:
        """Release the claim; the reminder stays pending and is retried from ``retry_at``."""
        return self._finish(
            reminder_id,
            worker,
            claimed_until=None,
            claimed_by=None,
            last_error=error[:ERROR_LENGTH],
            next_attempt_at=_utc(retry_at),
        )

    def mark_sent_many(self, reminder_ids: Iterable[int], worker: str, at: datetime) -> int:
        """Record a batch sent in one statement per chunk of ids; returns how many rows
        ``worker`` still held (the others were taken over, or were no longer pending)."""
        return self._finish_many(
            reminder_ids, worker, status="sent", sent_at=_utc(at), claimed_until=None
        )

    def mark_dropped_many(self, reminder_ids: Iterable[int], worker: str) -> int:
        """Never send these (what they remind of is no longer pending); returns how many."""
        return self._finish_many(reminder_ids, worker, status="dropped", claimed_until=None)

    def release(self, reminder_ids: Iterable[int], worker: str) -> int:
        """Give back claims this worker will not get to; others may take them at once."""
        return self._finish_many(reminder_ids, worker, claimed_until=None, claimed_by=None)

    def _finish(self, reminder_id: int, worker: str, **values: Any) -> bool:
        return self._finish_many([reminder_id], worker, **values) == 1

    def _finish_many(self, reminder_ids: Iterable[int], worker: str, **values: Any) -> int:
        """Change rows ``worker`` still holds and that are still pending (``UPDATE … WHERE
        id IN (…) AND claimed_by = ? AND status = 'pending'``); returns how many changed."""
        ids = list(reminder_ids)
        changed = 0
        for start in range(0, len(ids), CHUNK):
            result = self.session.connection().execute(
                update(ReminderRow)
                .where(
                    col(ReminderRow.id).in_(ids[start : start + CHUNK]),
                    col(ReminderRow.claimed_by) == worker,
                    col(ReminderRow.status) == "pending",
                )
                .values(**values)
            )
            changed += int(result.rowcount)
        return changed

    def _with_recipients(self, reminders: list[Reminder]) -> list[Claimed]:
        """Each claimed reminder's follow-up and its case's caseworker, in one joined
        read (Core rows straight into records), and the coordinator."""
        if not reminders:
            return []
        found: dict[int, tuple[Followup, Caseworker | None]] = {}
        ids = [r.id for r in reminders]
        connection = self.session.connection()
        for start in range(0, len(ids), CHUNK):
            rows = connection.execute(
                select(col(ReminderRow.id), *_FOLLOWUP, *_CASEWORKER)
                .join(FollowupRow, col(FollowupRow.id) == col(ReminderRow.followup_id))
                .join(CaseRow, col(CaseRow.id) == col(ReminderRow.case_id))
                .outerjoin(CaseworkerRow, col(CaseworkerRow.id) == col(CaseRow.caseworker_id))
                .where(col(ReminderRow.id).in_(ids[start : start + CHUNK]))
            ).all()
            for row in rows:
                followup = Followup(*row[1:_WORKER_AT])
                worker = row[_WORKER_AT:]
                found[row[0]] = (followup, None if worker[-1] is None else Caseworker(*worker))
        coordinator = self._coordinator()
        claimed = []
        for reminder in reminders:
            assert reminder.id is not None
            followup, caseworker = found[reminder.id]
            claimed.append(Claimed(reminder, followup, caseworker, coordinator))
        return claimed

    def _coordinator(self) -> Caseworker | None:
        row = (
            self.session.connection()
            .execute(
                select(*_CASEWORKER)
                .where(
                    col(CaseworkerRow.role) == "coordinator", col(CaseworkerRow.active).is_(True)
                )
                .order_by(col(CaseworkerRow.id))
                .limit(1)
            )
            .first()
        )
        return None if row is None else Caseworker(*row)

    def _dialect(self) -> str:
        return self.session.get_bind().dialect.name


def _columns_of(record: type[Any], row: type[Any]) -> list[Any]:
    """The row's columns in the order of the record's fields (to build it positionally)."""
    return [col(getattr(row, field.name)) for field in fields(record)]


_REMINDER = _columns_of(Reminder, ReminderRow)
_FOLLOWUP = _columns_of(Followup, FollowupRow)
_CASEWORKER = _columns_of(Caseworker, CaseworkerRow)
_WORKER_AT = 1 + len(_FOLLOWUP)  # where the caseworker's columns start in a joined row
_MOMENTS = [i for i, column in enumerate(_REMINDER) if isinstance(column.type, DateTime)]


def _reminder(values: Sequence[Any]) -> Reminder:
    fields_ = list(values)
    for index in _MOMENTS:
        value = fields_[index]
        if value is not None and value.tzinfo is None:
            fields_[index] = value.replace(tzinfo=UTC)  # SQLite keeps no zone; we store UTC
    return Reminder(*fields_)


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("moments given to the outbox must carry a time zone")
    return moment.astimezone(UTC)
