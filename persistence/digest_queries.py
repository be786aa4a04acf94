"""Read-side queries for the weekly letter: filtered and joined in SQL, plain records out."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import and_, or_
from sqlmodel import Session, col, select

from persistence.protection import shown_name_orm
from persistence.tables import (
    CaseRow,
    FollowupRow,
    MeetingRow,
    PersonRow,
    PlacementRow,
    SupervisorRow,
    WorkplaceRow,
)
from states.digest import DueLine, MeetingLine, PlacementLine

DUE_STATUSES = ("pending", "done")  # cancelled and suspended items are not due


class DigestQueries:
    def __init__(self, session: Session) -> None:
        self.session = session

    def due_between(
        self, first: date, last: date, *, caseworker_id: int | None = None
    ) -> list[DueLine]:
        """Pending and done items due from ``first`` to ``last`` (both included)."""
        query = self._followups().where(
            col(FollowupRow.due) >= first,
            col(FollowupRow.due) <= last,
            col(FollowupRow.status).in_(DUE_STATUSES),
        )
        return self._due_lines(query, caseworker_id)

    def overdue_before(self, day: date, *, caseworker_id: int | None = None) -> list[DueLine]:
        """Items still pending although they were due before ``day``."""
        query = self._followups().where(
            col(FollowupRow.due) < day, col(FollowupRow.status) == "pending"
        )
        return self._due_lines(query, caseworker_id)

    def meetings_between(
        self, first: datetime, last: datetime, *, caseworker_id: int | None = None
    ) -> list[MeetingLine]:
        """Booked meetings, not cancelled, at a moment from ``first`` up to (not) ``last``."""
        query = (
            select(MeetingRow, shown_name_orm(), CaseRow.caseworker_id, SupervisorRow.name)
            .join(CaseRow, col(CaseRow.id) == MeetingRow.case_id)
            .join(PersonRow, col(PersonRow.id) == CaseRow.person_id)
            .outerjoin(SupervisorRow, col(SupervisorRow.id) == MeetingRow.supervisor_id)
            .where(
                col(MeetingRow.at) >= _utc(first),
                col(MeetingRow.at) < _utc(last),
                col(MeetingRow.status) != "cancelled",
            )
        )
        if caseworker_id is not None:
            query = query.where(CaseRow.caseworker_id == caseworker_id)
        query = query.order_by(col(MeetingRow.at), col(MeetingRow.id))
        return [
            MeetingLine(
                id=_id(meeting.id),
                case_id=meeting.case_id,
                participant=participant,
                caseworker_id=worker,
                at=meeting.at if meeting.at.tzinfo else meeting.at.replace(tzinfo=UTC),
                status=meeting.status,
                supervisor=supervisor,
            )
            for meeting, participant, worker, supervisor in self.session.exec(query)
        ]

    def placements_starting(
        self, first: date, last: date, *, caseworker_id: int | None = None
    ) -> list[PlacementLine]:
        query = self._placements().where(
            col(PlacementRow.start) >= first, col(PlacementRow.start) <= last
        )
        return self._placement_lines(query, caseworker_id)

    def placements_ending(
        self, first: date, last: date, *, caseworker_id: int | None = None
    ) -> list[PlacementLine]:
        """Placements that ended in the period, or are still open and planned to end in it."""
        ended = and_(col(PlacementRow.ended_on) >= first, col(PlacementRow.ended_on) <= last)
        planned = and_(
            col(PlacementRow.ended_on).is_(None),
            col(PlacementRow.planned_end) >= first,
            col(PlacementRow.planned_end) <= last,
        )
        return self._placement_lines(self._placements().where(or_(ended, planned)), caseworker_id)

    @staticmethod
    def _followups() -> Any:
        return (
            select(FollowupRow, shown_name_orm(), CaseRow.caseworker_id)
            .join(CaseRow, col(CaseRow.id) == FollowupRow.case_id)
            .join(PersonRow, col(PersonRow.id) == CaseRow.person_id)
        )

    def _due_lines(self, query: Any, caseworker_id: int | None) -> list[DueLine]:
        if caseworker_id is not None:
            query = query.where(CaseRow.caseworker_id == caseworker_id)
        query = query.order_by(col(FollowupRow.due), col(FollowupRow.case_id), col(FollowupRow.id))
        return [
            DueLine(
                id=_id(item.id),
                case_id=item.case_id,
                participant=participant,
                caseworker_id=worker,
                kind=item.kind,
                name=item.name,
                title=item.title,
                due=item.due,
                status=item.status,
            )
            for item, participant, worker in self.session.exec(query)
        ]

    @staticmethod
    def _placements() -> Any:
        return (
            select(PlacementRow, shown_name_orm(), CaseRow.caseworker_id, WorkplaceRow.name)
            .join(CaseRow, col(CaseRow.id) == PlacementRow.case_id)
            .join(PersonRow, col(PersonRow.id) == CaseRow.person_id)
            .outerjoin(WorkplaceRow, col(WorkplaceRow.id) == PlacementRow.workplace_id)
        )

    def _placement_lines(self, query: Any, caseworker_id: int | None) -> list[PlacementLine]:
        if caseworker_id is not None:
            query = query.where(CaseRow.caseworker_id == caseworker_id)
        query = query.order_by(col(PlacementRow.start), col(PlacementRow.id))
        return [
            PlacementLine(
                id=_id(placement.id),
                case_id=placement.case_id,
                participant=participant,
                caseworker_id=worker,
                step=placement.step,
                workplace=workplace,
                start=placement.start,
                planned_end=placement.planned_end,
                ended_on=placement.ended_on,
            )
            for placement, participant, worker, workplace in self.session.exec(query)
        ]


def _utc(moment: datetime) -> datetime:
    """Moments are stored in UTC (SQLite keeps no zone), so compare in UTC."""
    return moment.astimezone(UTC)


def _id(value: int | None) -> int:
    assert value is not None
    return value
