"""The weekly letter's outbox: a row per person and ISO week, claimed once.

Queueing inserts this week's rows for every active caseworker and coordinator with
``INSERT … SELECT … ON CONFLICT DO NOTHING`` on the unique (person, week) key, so a
second scheduler queueing the same week adds nothing. Claiming is the reminder
outbox's: one ``UPDATE … WHERE id IN (SELECT … LIMIT n) RETURNING`` with a lease; on
SQLite the unit of work holds the write lock (``BEGIN IMMEDIATE``), on PostgreSQL the
inner select takes ``FOR UPDATE SKIP LOCKED``. Marks succeed only for the claim holder.

Moments are bound in UTC: SQLite keeps no zone.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table, literal, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgres_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from persistence.tables import CaseworkerRow, WeeklyLetterRow
from states.records import WeeklyLetter

ERROR_LENGTH = 500
LETTER: Table = WeeklyLetterRow.__table__  # type: ignore[attr-defined]
PERSON: Table = CaseworkerRow.__table__  # type: ignore[attr-defined]
ROLES = ("caseworker", "coordinator")


class LetterRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def queue(self, week: str) -> int:
        """This week's letter for every active caseworker and coordinator, unless queued
        already; a letter still unsent from an earlier week is dropped (it is stale).
        Returns how many were queued now."""
        self.session.execute(
            update(LETTER)
            .where(LETTER.c.status == "pending", LETTER.c.week < week)
            .values(status="dropped", claimed_until=None)
        )
        people = (  # in id order: concurrent queueings then wait on rows in one order
            select(PERSON.c.id, literal(week), literal("pending"), literal(0))
            .where(PERSON.c.active.is_(True), PERSON.c.role.in_(ROLES))
            .order_by(PERSON.c.id)
        )
        insert = postgres_insert if self._dialect() == "postgresql" else sqlite_insert
        statement = (
            insert(LETTER)
            .from_select(["caseworker_id", "week", "status", "attempts"], people)
            .on_conflict_do_nothing(index_elements=["caseworker_id", "week"])
        )
        return int(self.session.execute(statement).rowcount)  # type: ignore[attr-defined]

    def claim(
        self, *, week: str, now: datetime, until: datetime, worker: str, limit: int
    ) -> list[WeeklyLetter]:
        """Claim up to ``limit`` of the week's unsent letters for ``worker`` until
        ``until``: not held by a live lease, not waiting for a retry. Each claim counts
        as an attempt."""
        due = (
            select(LETTER.c.id)
            .where(
                LETTER.c.status == "pending",
                LETTER.c.week == week,
                or_(LETTER.c.claimed_until.is_(None), LETTER.c.claimed_until < _utc(now)),
                or_(LETTER.c.next_attempt_at.is_(None), LETTER.c.next_attempt_at <= _utc(now)),
            )
            .order_by(LETTER.c.id)
            .limit(limit)
        )
        if self._dialect() == "postgresql":
            due = due.with_for_update(skip_locked=True)
        claimed = self.session.execute(
            update(LETTER)
            .where(LETTER.c.id.in_(due.scalar_subquery()))
            .values(claimed_until=_utc(until), claimed_by=worker, attempts=LETTER.c.attempts + 1)
            .returning(
                LETTER.c.caseworker_id,
                LETTER.c.week,
                LETTER.c.status,
                LETTER.c.attempts,
                LETTER.c.id,
            )
        ).all()
        return sorted((WeeklyLetter(*row) for row in claimed), key=lambda letter: letter.id or 0)

    def mark_sent(self, letter_id: int, worker: str, at: datetime) -> bool:
        """Record the letter sent; False if ``worker`` no longer holds its claim."""
        return self._finish(letter_id, worker, status="sent", sent_at=_utc(at), claimed_until=None)

    def mark_failed(self, letter_id: int, worker: str, error: str, retry_at: datetime) -> bool:
        """Release the claim; the letter is tried again from ``retry_at``."""
        return self._finish(
            letter_id,
            worker,
            claimed_until=None,
            claimed_by=None,
            last_error=error[:ERROR_LENGTH],
            next_attempt_at=_utc(retry_at),
        )

    def release(self, letter_ids: list[int], worker: str) -> int:
        """Give back claims this worker will not get to; others may take them at once."""
        released = 0
        for letter_id in letter_ids:
            released += self._finish(letter_id, worker, claimed_until=None, claimed_by=None)
        return released

    def all(self) -> list[WeeklyLetter]:
        rows = self.session.execute(
            select(
                LETTER.c.caseworker_id,
                LETTER.c.week,
                LETTER.c.status,
                LETTER.c.attempts,
                LETTER.c.id,
            ).order_by(LETTER.c.id)
        ).all()
        return [WeeklyLetter(*row) for row in rows]

    def _finish(self, letter_id: int, worker: str, **values: Any) -> bool:
        changed = self.session.execute(
            update(LETTER)
            .where(
                LETTER.c.id == letter_id,
                LETTER.c.claimed_by == worker,
                LETTER.c.status == "pending",
            )
            .values(**values)
        )
        return int(changed.rowcount) == 1  # type: ignore[attr-defined]

    def _dialect(self) -> str:
        return self.session.connection().dialect.name


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("moments given to the letter outbox must carry a time zone")
    return moment.astimezone(UTC)
