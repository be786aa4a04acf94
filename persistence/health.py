"""The checks of ``kivo doctor`` and the scheduler heartbeats.

Every check is one set-based query, so it costs the same on ten cases or a million;
the replay check reads cases in batches (keyset pagination) with their events joined in,
so a batch's states and histories come from one snapshot even while others write.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, exists, func, insert, or_, select, update
from sqlalchemy.sql import Select
from sqlmodel import Session, col

from persistence.tables import (
    CaseEventRow,
    CaseRow,
    CaseworkerRow,
    FollowupRow,
    HeartbeatRow,
    ReminderRow,
)

EXITED = "exited"
PAUSED = "paused"


@dataclass(frozen=True, slots=True)
class HistoryLine:
    seq: int
    kind: str
    to_state: str | None
    outcome: str | None = None
    corrects: int | None = None  # a correction: the number of the move it undoes


@dataclass(frozen=True, slots=True)
class CaseHistory:
    case_id: int
    state: str
    paused_from: str | None
    outcome: str | None
    events: list[HistoryLine] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Heartbeat:
    worker: str
    host: str
    pid: int
    started_at: datetime
    seen_at: datetime
    stopped_at: datetime | None


@dataclass(frozen=True, slots=True)
class Anomaly:
    code: str
    count: int
    ids: list[int]


def _invariants() -> dict[str, Select[Any]]:
    """Each invariant as the query of the ids that break it (cases, follow-ups, reminders)."""
    case, event, item, reminder, worker = (
        CaseRow.__table__,  # type: ignore[attr-defined]
        CaseEventRow.__table__,  # type: ignore[attr-defined]
        FollowupRow.__table__,  # type: ignore[attr-defined]
        ReminderRow.__table__,  # type: ignore[attr-defined]
        CaseworkerRow.__table__,  # type: ignore[attr-defined]
    )
    enrolled = exists().where(event.c.case_id == case.c.id, event.c.kind == "enrolled")
    item_case = select(case.c.state).where(case.c.id == item.c.case_id).scalar_subquery()
    owner_inactive = exists().where(worker.c.id == case.c.caseworker_id, worker.c.active.is_(False))
    open_items = exists().where(item.c.case_id == case.c.id, item.c.status == "pending")
    return {
        "case-without-enrolment": select(case.c.id).where(~enrolled),
        # A pending reminder must remind of a pending follow-up due on the day it was
        # queued for; every change of a follow-up drops its reminders in its transaction.
        "reminder-orphaned": select(reminder.c.id)
        .select_from(reminder.join(item, item.c.id == reminder.c.followup_id))
        .where(
            reminder.c.status == "pending",
            or_(item.c.status != "pending", item.c.due != reminder.c.due),
        ),
        "reminder-sent-and-unsent": select(reminder.c.id).where(
            or_(
                and_(reminder.c.status == "sent", reminder.c.sent_at.is_(None)),
                and_(reminder.c.status != "sent", reminder.c.sent_at.is_not(None)),
            )
        ),
        # Closing a case cancels what is still open except the follow-ups after
        # employment (``keep``); only a paused case has suspended items.
        "followup-orphaned": select(item.c.id).where(
            or_(
                and_(item.c.status == "pending", ~item.c.keep, item_case == EXITED),
                and_(item.c.status == "suspended", item_case != PAUSED),
            )
        ),
        "owner-inactive": select(case.c.id).where(
            owner_inactive, or_(case.c.state != EXITED, open_items)
        ),
    }


class HealthQueries:
    def __init__(self, session: Session) -> None:
        self.session = session

    def case_histories(self, *, after: int, limit: int) -> list[CaseHistory]:
        batch = (
            select(col(CaseRow.id))
            .where(col(CaseRow.id) > after)
            .order_by(col(CaseRow.id))
            .limit(limit)
            .scalar_subquery()
        )
        rows = self.session.connection().execute(
            select(
                col(CaseRow.id),
                col(CaseRow.state),
                col(CaseRow.paused_from),
                col(CaseRow.outcome),
                col(CaseEventRow.seq),
                col(CaseEventRow.kind),
                col(CaseEventRow.to_state),
                col(CaseEventRow.data)["outcome"].as_string(),
                col(CaseEventRow.data)["corrects"].as_integer(),
            )
            .select_from(CaseRow)
            .outerjoin(CaseEventRow, col(CaseEventRow.case_id) == col(CaseRow.id))
            .where(col(CaseRow.id).in_(batch))
            .order_by(col(CaseRow.id), col(CaseEventRow.seq))
        )
        histories: list[CaseHistory] = []
        for case_id, state, paused_from, outcome, seq, kind, to_state, recorded, undoes in rows:
            assert case_id is not None
            if not histories or histories[-1].case_id != case_id:
                histories.append(CaseHistory(case_id, state, paused_from, outcome))
            if seq is not None:
                histories[-1].events.append(HistoryLine(seq, kind, to_state, recorded, undoes))
        return histories

    def anomalies(self, *, sample: int) -> list[Anomaly]:
        found = []
        connection = self.session.connection()
        for code, query in _invariants().items():
            inner = query.subquery()
            count = connection.execute(select(func.count()).select_from(inner)).scalar_one()
            if count:
                ids = connection.execute(
                    select(inner.c[0]).order_by(inner.c[0]).limit(sample)
                ).scalars()
                found.append(Anomaly(code, int(count), [int(i) for i in ids]))
        return found

    def heartbeats(self) -> list[Heartbeat]:
        rows = self.session.connection().execute(
            select(HeartbeatRow.__table__).order_by(col(HeartbeatRow.started_at))  # type: ignore[attr-defined]
        )
        return [
            Heartbeat(
                worker=row.worker,
                host=row.host,
                pid=row.pid,
                started_at=_aware(row.started_at),
                seen_at=_aware(row.seen_at),
                stopped_at=None if row.stopped_at is None else _aware(row.stopped_at),
            )
            for row in rows
        ]

    def beat(self, *, worker: str, host: str, pid: int, at: datetime) -> None:
        connection, moment = self.session.connection(), _utc(at)
        changed = connection.execute(
            update(HeartbeatRow)
            .where(col(HeartbeatRow.worker) == worker)
            .values(seen_at=moment, stopped_at=None)
        )
        if changed.rowcount == 0:
            connection.execute(
                insert(HeartbeatRow).values(
                    worker=worker, host=host[:255], pid=pid, started_at=moment, seen_at=moment
                )
            )

    def stopped(self, *, worker: str, at: datetime) -> None:
        moment = _utc(at)
        self.session.connection().execute(
            update(HeartbeatRow)
            .where(col(HeartbeatRow.worker) == worker)
            .values(seen_at=moment, stopped_at=moment)
        )

    def retire_silent(self, *, host: str, silent_since: datetime, at: datetime) -> int:
        result = self.session.connection().execute(
            update(HeartbeatRow)
            .where(
                col(HeartbeatRow.host) == host,
                col(HeartbeatRow.stopped_at).is_(None),
                col(HeartbeatRow.seen_at) < _utc(silent_since),
            )
            .values(stopped_at=col(HeartbeatRow.seen_at))
        )
        return int(result.rowcount)


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("heartbeat moments must carry a time zone")
    return moment.astimezone(UTC)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # SQLite keeps no zone
