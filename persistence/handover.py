"""Caseload handover in SQL: whole caseloads move with a few set-based statements.

The cases to move are those of one caseworker that still need someone: open, or closed
with a pending follow-up, a scheduled meeting or a pending reminder (the follow-ups after
employment outlive the case). Follow-ups, meetings and reminders belong to their case and
reminders find their recipient at send time, so moving the case moves them all.

``kivo_case.version`` is the ORM's optimistic-lock column; a Core UPDATE bypasses the ORM,
so it bumps the version itself, and a concurrent move of a moved case becomes a conflict.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    ColumnElement,
    Integer,
    String,
    and_,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from persistence.tables import (
    AccessLogRow,
    CaseEventRow,
    CaseRow,
    FollowupRow,
    MeetingRow,
    ReminderRow,
)
from states.case import EXITED
from states.ownership import CaseloadCounts, CaseOwnership

TRANSFERRED = "transferred"


class HandoverQueries:
    def __init__(self, session: Session) -> None:
        self.session = session

    def cases(self, case_ids: Sequence[int]) -> list[CaseOwnership]:
        """The named cases that exist, with their owner and whether they need one."""
        if not case_ids:
            return []
        query = select(col(CaseRow.id), col(CaseRow.caseworker_id), col(CaseRow.state), _live())
        rows = self._run(query.where(col(CaseRow.id).in_(set(case_ids)))).all()
        return [CaseOwnership(r[0], r[1], r[2], bool(r[3])) for r in rows]

    def counts(self, from_id: int, case_ids: Sequence[int] | None = None) -> CaseloadCounts:
        """What a handover of ``from_id``'s caseload (or of the named cases) would move."""
        chosen = select(col(CaseRow.id)).where(_chosen(from_id, case_ids)).scalar_subquery()
        cases = self._count(
            select(func.count()).select_from(CaseRow).where(_chosen(from_id, case_ids))
        )
        followups = self._count(
            select(func.count())
            .select_from(FollowupRow)
            .where(col(FollowupRow.case_id).in_(chosen), col(FollowupRow.status) == "pending")
        )
        meetings = self._count(
            select(func.count())
            .select_from(MeetingRow)
            .where(col(MeetingRow.case_id).in_(chosen), col(MeetingRow.status) == "scheduled")
        )
        reminders = self._count(
            select(func.count())
            .select_from(ReminderRow)
            .where(col(ReminderRow.case_id).in_(chosen), col(ReminderRow.status) == "pending")
        )
        return CaseloadCounts(cases, followups, meetings, reminders)

    def latest_transfer(self, from_id: int, case_ids: Sequence[int] | None = None) -> date | None:
        """The latest transfer or opening date among the chosen cases (a handover cannot
        be dated before it)."""
        chosen = select(col(CaseRow.id)).where(_chosen(from_id, case_ids)).scalar_subquery()
        transferred = self._run(
            select(func.max(CaseEventRow.on)).where(
                col(CaseEventRow.case_id).in_(chosen), col(CaseEventRow.kind) == TRANSFERRED
            )
        ).scalar()
        opened = self._run(
            select(func.max(CaseRow.opened_on)).where(_chosen(from_id, case_ids))
        ).scalar()
        found = [d for d in (transferred, opened) if d is not None]
        return max(found) if found else None

    def transfer(
        self,
        from_id: int,
        to_id: int,
        *,
        case_ids: Sequence[int] | None,
        on: date,
        recorded_at: datetime,
        actor_id: int | None,
        note: str | None,
        address: str | None = None,
    ) -> int:
        """Record a ``transferred`` event and an access-log row on every chosen case and
        move them, in three statements; returns the number of cases moved."""
        chosen = _chosen(from_id, case_ids)
        event = aliased(CaseEventRow)
        next_seq = (
            select(func.coalesce(func.max(event.seq), 0) + 1)
            .where(col(event.case_id) == col(CaseRow.id))
            .scalar_subquery()
        )
        data = {"from": from_id, "to": to_id, "note": note}
        rows = select(
            col(CaseRow.id),
            next_seq,
            literal(TRANSFERRED, String),
            literal(on),
            literal(recorded_at.astimezone(UTC)),
            literal(actor_id, Integer),
            literal(note, String),
            literal([], JSON),
            literal([], JSON),
            literal(data, JSON),
        ).where(chosen)
        columns = [
            "case_id", "seq", "kind", "on", "recorded_at", "actor_id", "reason",
            "warnings", "overrides", "data",
        ]  # fmt: skip
        self._run(insert(CaseEventRow).from_select(columns, rows))
        logged = select(
            literal(recorded_at.astimezone(UTC)),
            literal(actor_id, Integer),
            col(CaseRow.id),
            literal(TRANSFERRED, String),
            literal(address, String),
        ).where(chosen)
        access = ["at", "caseworker_id", "case_id", "action", "address"]
        self._run(insert(AccessLogRow).from_select(access, logged))
        moved = self._run(
            update(CaseRow)
            .where(chosen)
            .values(caseworker_id=to_id, version=col(CaseRow.version) + 1)
            .execution_options(synchronize_session=False)
        )
        return int(moved.rowcount)

    def _count(self, query: Any) -> int:
        return int(self._run(query).scalar() or 0)

    def _run(self, statement: Any) -> Any:
        return self.session.connection().execute(statement)


def _live() -> ColumnElement[bool]:
    """A case still needs someone: open, or something on it is pending."""
    return or_(
        col(CaseRow.state) != EXITED,
        exists().where(
            col(FollowupRow.case_id) == col(CaseRow.id), col(FollowupRow.status) == "pending"
        ),
        exists().where(
            col(MeetingRow.case_id) == col(CaseRow.id), col(MeetingRow.status) == "scheduled"
        ),
        exists().where(
            col(ReminderRow.case_id) == col(CaseRow.id), col(ReminderRow.status) == "pending"
        ),
    )


def _chosen(from_id: int, case_ids: Sequence[int] | None) -> ColumnElement[bool]:
    found = and_(col(CaseRow.caseworker_id) == from_id, _live())
    if case_ids is not None:
        found = and_(found, col(CaseRow.id).in_(set(case_ids)))
    return found
