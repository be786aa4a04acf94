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
from datetime import UTC, date, datetime
from typing import Any, NamedTuple

from sqlalchemy import insert, or_, select, update
from sqlmodel import col
from sqlmodel import select as select_rows

from persistence.mapping import to_record, to_row
from persistence.repositories import _Repository
from persistence.tables import CaseRow, CaseworkerRow, FollowupRow, ReminderRow
from states.records import Caseworker, Followup, Reminder

ERROR_LENGTH = 500


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
            .returning(*_columns())
        )
        rows = self.session.connection().execute(claim).mappings().all()
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

    def release(self, reminder_ids: Iterable[int], worker: str) -> int:
        """Give back claims this worker will not get to; others may take them at once."""
        ids = list(reminder_ids)
        if not ids:
            return 0
        result = self.session.connection().execute(
            update(ReminderRow)
            .where(
                col(ReminderRow.id).in_(ids),
                col(ReminderRow.claimed_by) == worker,
                col(ReminderRow.status) == "pending",
            )
            .values(claimed_until=None, claimed_by=None)
        )
        return int(result.rowcount)

    def _finish(self, reminder_id: int, worker: str, **values: Any) -> bool:
        result = self.session.connection().execute(
            update(ReminderRow)
            .where(
                col(ReminderRow.id) == reminder_id,
                col(ReminderRow.claimed_by) == worker,
                col(ReminderRow.status) == "pending",
            )
            .values(**values)
        )
        return int(result.rowcount) == 1

    def _with_recipients(self, reminders: list[Reminder]) -> list[Claimed]:
        if not reminders:
            return []
        followups = {
            row.id: to_record(row, Followup)
            for row in self.session.exec(
                select_rows(FollowupRow).where(
                    col(FollowupRow.id).in_({r.followup_id for r in reminders})
                )
            )
        }
        responsible = dict(
            self.session.connection()
            .execute(
                select(col(CaseRow.id), col(CaseRow.caseworker_id)).where(
                    col(CaseRow.id).in_({r.case_id for r in reminders})
                )
            )
            .all()
        )
        workers = {
            row.id: to_record(row, Caseworker)
            for row in self.session.exec(
                select_rows(CaseworkerRow).where(
                    col(CaseworkerRow.id).in_({i for i in responsible.values() if i is not None})
                )
            )
        }
        coordinator = self._coordinator()
        claimed = []
        for reminder in reminders:
            worker_id = responsible.get(reminder.case_id)
            caseworker = None if worker_id is None else workers.get(worker_id)
            claimed.append(
                Claimed(reminder, followups[reminder.followup_id], caseworker, coordinator)
            )
        return claimed

    def _coordinator(self) -> Caseworker | None:
        row = self.session.exec(
            select_rows(CaseworkerRow)
            .where(col(CaseworkerRow.role) == "coordinator", col(CaseworkerRow.active).is_(True))
            .order_by(col(CaseworkerRow.id))
            .limit(1)
        ).first()
        return None if row is None else to_record(row, Caseworker)

    def _dialect(self) -> str:
        return self.session.get_bind().dialect.name


def _columns() -> list[Any]:
    return [col(getattr(ReminderRow, name)) for name in ReminderRow.model_fields]


def _reminder(values: Any) -> Reminder:
    fields = {name: values[name] for name in ReminderRow.model_fields}
    for key, value in fields.items():
        if isinstance(value, datetime) and value.tzinfo is None:
            fields[key] = value.replace(tzinfo=UTC)  # SQLite keeps no zone; we store UTC
    return Reminder(**fields)


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("moments given to the outbox must carry a time zone")
    return moment.astimezone(UTC)
