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

from sqlalchemy import Boolean, Date, DateTime, Table, insert, update
from sqlmodel import col
from sqlmodel import select as select_rows

from persistence.mapping import record_values
from persistence.repositories import _Repository, in_slices
from persistence.tables import FollowupRow, ReminderRow
from states.records import Caseworker, Followup, Reminder

ERROR_LENGTH = 500


class Claimed(NamedTuple):
    """A claimed reminder and what its message needs, resolved at claim (= send) time."""

    reminder: Reminder
    followup: Followup
    caseworker: Caseworker | None  # the case's responsible caseworker, if any
    coordinator: Caseworker | None  # the active coordinator with the lowest id, if any


REMINDER: Table = ReminderRow.__table__  # type: ignore[attr-defined]


def _insertable(reminder: Reminder) -> dict[str, Any]:
    values = record_values(reminder)
    del values["id"]
    return values


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
        followup_ids = sorted({followup_id for followup_id, _, _ in wanted})
        existing: dict[tuple[int, str, date], ReminderRow] = {}
        for some in in_slices(followup_ids):  # a big batch chunk queues more
            queued = self.session.exec(
                select_rows(ReminderRow).where(col(ReminderRow.followup_id).in_(some))
            ).all()
            existing.update({(row.followup_id, row.kind, row.due): row for row in queued})
        fresh = [reminder for key, reminder in wanted.items() if key not in existing]
        for key, reminder in wanted.items():
            row = existing.get(key)
            if row is not None and row.status == "dropped":
                _requeue(row, reminder.send_on)
                self.session.add(row)
        if fresh:  # the table's own insert: no SQLModel row built and validated per reminder
            rows = [_insertable(reminder) for reminder in fresh]
            self.session.execute(insert(REMINDER), rows)

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

        The dispatch pass's hot path, so it goes straight to the driver (as the import's
        bulk writes do): the claiming ``UPDATE … RETURNING`` and one joined read of the
        claimed reminders' follow-ups and caseworkers, rows turned into records directly.
        Building, compiling and processing these through SQLAlchemy (and, before, ORM
        rows) cost ten to forty times the statements themselves.
        """
        sql = self._sql()
        claimed = sql.rows(
            sql.claim,
            (
                sql.moment(_utc(until)),
                worker,
                sql.day(today),
                sql.moment(_utc(now)),
                sql.moment(_utc(now)),
                limit,
            ),
        )
        reminders = sorted(map(sql.reminder, claimed), key=lambda r: (r.send_on, r.id))
        return self._with_recipients(reminders)

    def mark_sent(self, reminder_id: int, worker: str, at: datetime) -> bool:
        """Record the reminder sent; False if ``worker`` no longer holds its claim."""
        return self._finish(
            reminder_id, worker, status="sent", sent_at=_utc(at), claimed_until=None
        )

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
        sql = self._sql()
        names = ", ".join(f"{sql.quote(name)} = ?" for name in values)
        bound = [sql.moment(v) if isinstance(v, datetime) else v for v in values.values()]
        changed = 0
        for chunk in in_slices(ids):
            changed += sql.run(
                f"UPDATE reminder SET {names} WHERE id IN ({_marks(len(chunk))}) "
                "AND claimed_by = ? AND status = 'pending'",
                (*bound, *chunk, worker),
            )
        return changed

    def _with_recipients(self, reminders: list[Reminder]) -> list[Claimed]:
        """Each claimed reminder's follow-up and its case's caseworker, and the
        coordinator: three reads by primary key (a single join of all four tables is
        planned by PostgreSQL as full scans of followup and kivo_case)."""
        if not reminders:
            return []
        sql = self._sql()
        followups = {
            row[-1]: sql.followup(row)
            for row in sql.rows_in(sql.followups, {r.followup_id for r in reminders})
        }
        caseworkers = {
            row[0]: sql.caseworker(row, 1)
            for row in sql.rows_in(sql.caseworkers, {r.case_id for r in reminders})
        }
        coordinator = next((sql.caseworker(row, 0) for row in sql.rows(sql.coordinator, ())), None)
        return [
            Claimed(r, followups[r.followup_id], caseworkers.get(r.case_id), coordinator)
            for r in reminders
        ]

    def _sql(self) -> _DriverSql:
        return _DriverSql(self.session.connection())


def _marks(count: int) -> str:
    return ", ".join("?" * count)


class _Statements:
    """The outbox's hot statements for one dialect, written once with ``?`` marks."""

    def __init__(self, dialect: Any) -> None:
        self.sqlite = dialect.name == "sqlite"
        self.quote = dialect.identifier_preparer.quote
        q = self.quote
        lock = "" if self.sqlite else " FOR UPDATE SKIP LOCKED"
        self.claim = (
            "UPDATE reminder SET claimed_until = ?, claimed_by = ?, attempts = attempts + 1 "
            "WHERE id IN (SELECT id FROM reminder WHERE status = 'pending' AND send_on <= ? "
            "AND (claimed_until IS NULL OR claimed_until < ?) "
            "AND (next_attempt_at IS NULL OR next_attempt_at <= ?) "
            f"ORDER BY send_on, id LIMIT ?{lock}) "
            f"RETURNING {', '.join(q(name) for name in _names(Reminder))}"
        )
        followup = ", ".join(q(name) for name in _names(Followup))
        caseworker = ", ".join(q(name) for name in _names(Caseworker))
        self.followups = f"SELECT {followup} FROM followup WHERE id IN"
        self.caseworkers = (
            "SELECT c.id, "
            + ", ".join(f"w.{q(name)}" for name in _names(Caseworker))
            + " FROM kivo_case c LEFT JOIN caseworker w ON w.id = c.caseworker_id "
            "WHERE c.id IN"
        )
        self.coordinator = (
            f"SELECT {caseworker} FROM caseworker "
            "WHERE role = 'coordinator' AND active ORDER BY id LIMIT 1"
        )


_STATEMENTS: dict[str, _Statements] = {}


class _DriverSql:
    """The outbox's statements sent straight to the driver on the unit of work's
    connection, with the conversions SQLAlchemy would do: on SQLite dates and moments
    are ISO text (moments in UTC, no zone, microseconds) and booleans 0/1; psycopg takes
    and gives the native types."""

    def __init__(self, connection: Any) -> None:
        name = connection.dialect.name
        if name not in _STATEMENTS:
            _STATEMENTS[name] = _Statements(connection.dialect)
        self.connection = connection
        statements = _STATEMENTS[name]
        self.sqlite, self.quote = statements.sqlite, statements.quote
        self.claim, self.followups = statements.claim, statements.followups
        self.caseworkers = statements.caseworkers
        self.coordinator = statements.coordinator

    def rows(self, sql: str, params: Sequence[Any]) -> list[Any]:
        return list(self.connection.exec_driver_sql(self._text(sql), tuple(params)).all())

    def rows_in(self, sql: str, ids: set[int]) -> list[Any]:
        """``sql`` ends in ``… IN``: its rows for the given ids, a chunk at a time."""
        ordered, rows = sorted(ids), []
        for chunk in in_slices(ordered):
            rows += self.rows(f"{sql} ({_marks(len(chunk))})", chunk)
        return rows

    def run(self, sql: str, params: Sequence[Any]) -> int:
        return int(self.connection.exec_driver_sql(self._text(sql), tuple(params)).rowcount)

    def _text(self, sql: str) -> str:
        return sql if self.sqlite else sql.replace("?", "%s")

    def day(self, value: date) -> Any:
        return value.isoformat() if self.sqlite else value

    def moment(self, value: datetime) -> Any:
        """A UTC moment as stored."""
        if self.sqlite:
            return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        return value

    def reminder(self, row: Sequence[Any]) -> Reminder:
        values = list(row)
        if self.sqlite:
            for index in _REMINDER_DAYS:
                values[index] = date.fromisoformat(values[index])
        for index in _REMINDER_MOMENTS:
            values[index] = _moment_of(values[index])
        return Reminder(*values)

    def followup(self, row: Sequence[Any]) -> Followup:
        values = list(row)
        if self.sqlite:
            for index in _FOLLOWUP_DAYS:
                if values[index] is not None:
                    values[index] = date.fromisoformat(values[index])
            for index in _FOLLOWUP_FLAGS:
                values[index] = bool(values[index])
        return Followup(*values)

    def caseworker(self, row: Sequence[Any], at: int) -> Caseworker | None:
        name, email, role, active, id_ = row[at : at + 5]
        if id_ is None:
            return None
        return Caseworker(name, email, role, bool(active), id_)


def _names(record: type[Any]) -> list[str]:
    return [field.name for field in fields(record)]


def _moment_of(value: Any) -> datetime | None:
    """A stored moment, in UTC: SQLite gives ISO text without a zone."""
    if value is None:
        return None
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _indexes(record: type[Any], row: type[Any], kind: type[Any]) -> list[int]:
    """Positions of the record's fields whose column is of ``kind`` (Date, Boolean …)."""
    table = row.__table__
    return [index for index, name in enumerate(_names(record)) if type(table.c[name].type) is kind]


_REMINDER_DAYS = _indexes(Reminder, ReminderRow, Date)
_REMINDER_MOMENTS = _indexes(Reminder, ReminderRow, DateTime)
_FOLLOWUP_DAYS = _indexes(Followup, FollowupRow, Date)
_FOLLOWUP_FLAGS = _indexes(Followup, FollowupRow, Boolean)


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("moments given to the outbox must carry a time zone")
    return moment.astimezone(UTC)
