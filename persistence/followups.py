"""Follow-ups and meetings: add, get, and the queries the use cases need.

Every list is filtered, joined and ordered in SQL. Moments are compared in UTC: SQLite
keeps no zone, so every stored moment is UTC (see ``persistence.mapping``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from sqlalchemy import bindparam
from sqlalchemy import select as select_columns
from sqlmodel import SQLModel, col, select

from persistence.mapping import to_record
from persistence.protection import shown_name_orm
from persistence.repositories import _Repository
from persistence.tables import (
    CaseRow,
    FollowupRow,
    MeetingRow,
    PersonRow,
    SupervisorRow,
    WorkplaceRow,
)
from states.agenda import FollowupEntry, MeetingEntry
from states.errors import NotFound
from states.records import Followup, Meeting

R = TypeVar("R")
T = TypeVar("T", bound=SQLModel)
OPEN = ("pending", "suspended")
_LINE_COLUMNS = (
    *("id", "case_id", "name", "kind", "title", "due", "status"),
    *("step", "done_on", "notes", "cancel_reason", "finding"),
)
"""The follow-up's columns a ``FollowupEntry`` shows (its field names)."""
BOOKED = ("scheduled", "held")  # a meeting that still stands for the item it is linked to


def _utc(moment: datetime) -> datetime:
    """A moment for a comparison: aware and in UTC, as stored."""
    if moment.tzinfo is None:
        raise ValueError("a moment to compare with must carry its time zone")
    return moment.astimezone(UTC)


class _Lockable(_Repository[R, T]):
    def locked(self, record_id: int) -> R:
        """Read a record and hold its row until the transaction ends (PostgreSQL: FOR
        UPDATE; SQLite's writers hold the whole database already), so two people recording
        the same thing at once cannot both find it still open."""
        query = select(self.row).where(col(self.row.id) == record_id)  # type: ignore[attr-defined]
        row = self.session.exec(query.with_for_update()).first()
        if row is None:
            raise NotFound.with_id(self.noun, record_id)
        self._loaded[record_id] = row
        return to_record(row, self.record)


class FollowupRepository(_Lockable[Followup, FollowupRow]):
    record, row, noun = Followup, FollowupRow, "follow-up"

    def add_many(self, records: Sequence[Followup]) -> list[int]:
        """Insert items with one statement; each learns its id (returned in order)."""
        return self._add_many(records)

    def open_for_case(self, case_id: int) -> list[Followup]:
        """Pending and suspended items of a case, earliest first."""
        query = (
            select(FollowupRow)
            .where(FollowupRow.case_id == case_id, col(FollowupRow.status).in_(OPEN))
            .order_by(col(FollowupRow.due), col(FollowupRow.id))
        )
        return self._records(query)

    def unbooked_meetings(self, case_id: int) -> list[Followup]:
        """A case's pending planned meetings that no scheduled or held meeting stands for."""
        booked = select(MeetingRow.followup_id).where(
            col(MeetingRow.followup_id).is_not(None), col(MeetingRow.status).in_(BOOKED)
        )
        query = (
            select(FollowupRow)
            .where(
                FollowupRow.case_id == case_id,
                FollowupRow.kind == "meeting",
                FollowupRow.status == "pending",
                col(FollowupRow.id).not_in(booked),
            )
            .order_by(col(FollowupRow.due), col(FollowupRow.id))
        )
        return self._records(query)

    def lines(
        self,
        *,
        followup_id: int | None = None,
        case_id: int | None = None,
        caseworker_id: int | None = None,
        statuses: Sequence[str] | None = None,
        due_by: date | None = None,
        due_before: date | None = None,
        case_ids: Sequence[int] | None = None,
    ) -> list[FollowupEntry]:
        """Items with their participant and caseworker, earliest due first.

        ``due_by`` includes its day, ``due_before`` does not; ``statuses`` ``None`` is all;
        ``case_ids``: the items of these cases (a page of a list) in one statement.
        """
        filters: dict[str, Any] = {
            "followup_id": followup_id,
            "case_id": case_id,
            "case_ids": None if case_ids is None else list(case_ids),
            "caseworker_id": caseworker_id,
            "statuses": None if statuses is None else list(statuses),
            "due_by": due_by,
            "due_before": due_before,
        }
        given = {name: value for name, value in filters.items() if value is not None}
        key = tuple(given)
        query = _LINES.get(key)
        if query is None:
            query = _LINES[key] = _followup_lines(key)
        self.session.flush()  # what the use case changed first (as the session's autoflush)
        rows = self.session.connection().execute(query, given).all()  # Core: no ORM layer
        return [  # columns, not ORM objects: a list page reads these on every request
            FollowupEntry(
                **dict(zip(_LINE_COLUMNS, row[:-2], strict=True)),
                participant=row[-2],
                caseworker_id=row[-1],
            )
            for row in rows
        ]

    def _records(self, query: Any) -> list[Followup]:
        rows = self.session.exec(query).all()
        for row in rows:
            self._loaded.setdefault(_id(row.id), row)
        return [to_record(row, Followup) for row in rows]


_LINE_FILTERS: dict[str, Any] = {
    "followup_id": lambda: col(FollowupRow.id) == bindparam("followup_id"),
    "case_id": lambda: col(FollowupRow.case_id) == bindparam("case_id"),
    "case_ids": lambda: col(FollowupRow.case_id).in_(bindparam("case_ids", expanding=True)),
    "caseworker_id": lambda: col(CaseRow.caseworker_id) == bindparam("caseworker_id"),
    "statuses": lambda: col(FollowupRow.status).in_(bindparam("statuses", expanding=True)),
    "due_by": lambda: col(FollowupRow.due) <= bindparam("due_by"),
    "due_before": lambda: col(FollowupRow.due) < bindparam("due_before"),
}
_LINES: dict[tuple[str, ...], Any] = {}
"""``FollowupRepository.lines``'s statements, one per set of filters given, built once:
the list, Today and the case page read follow-up lines on every request."""


def _followup_lines(filters: tuple[str, ...]) -> Any:
    query = select_columns(
        *(getattr(FollowupRow, name) for name in _LINE_COLUMNS),
        shown_name_orm(),
        col(CaseRow.caseworker_id),
    ).join(CaseRow, col(CaseRow.id) == FollowupRow.case_id)
    query = query.join(PersonRow, col(PersonRow.id) == CaseRow.person_id)
    for name in filters:
        query = query.where(_LINE_FILTERS[name]())
    return query.order_by(col(FollowupRow.due), col(FollowupRow.id))


class MeetingRepository(_Lockable[Meeting, MeetingRow]):
    record, row, noun = Meeting, MeetingRow, "meeting"

    def held_moments(self, case_ids: Sequence[int]) -> dict[int, list[datetime]]:
        """When each of several cases' meetings recorded as held took place (UTC), read
        set-based (a case with none is left out): the move pipeline's own read."""
        from persistence.pipeline_store import PipelineStore

        return PipelineStore(self.session.connection()).held_moments(case_ids)

    def lines(
        self,
        *,
        meeting_id: int | None = None,
        case_id: int | None = None,
        caseworker_id: int | None = None,
        statuses: Sequence[str] | None = None,
        start: datetime | None = None,
        end: datetime | None = None,
    ) -> list[MeetingEntry]:
        """Meetings with their participant, caseworker, supervisor and workplace, in time
        order; ``start`` is included and ``end`` is not; ``statuses`` ``None`` is all."""
        filters: dict[str, Any] = {
            "meeting_id": meeting_id,
            "case_id": case_id,
            "caseworker_id": caseworker_id,
            "statuses": None if statuses is None else list(statuses),
            "start": None if start is None else _utc(start),
            "end": None if end is None else _utc(end),
        }
        given = {name: value for name, value in filters.items() if value is not None}
        key = tuple(given)
        query = _MEETINGS.get(key)
        if query is None:
            query = _MEETINGS[key] = _meeting_lines(key)
        self.session.flush()  # what the use case changed first (as the session's autoflush)
        rows = self.session.connection().execute(query, given).all()  # columns, no ORM rows
        return [_meeting_entry(row) for row in rows]


_MEETING_COLUMNS = (
    *("id", "case_id", "at", "uid", "status"),
    *("followup_id", "supervisor_id", "notes", "sequence"),
)
_MEETING_FILTERS: dict[str, Any] = {
    "meeting_id": lambda: col(MeetingRow.id) == bindparam("meeting_id"),
    "case_id": lambda: col(MeetingRow.case_id) == bindparam("case_id"),
    "caseworker_id": lambda: col(CaseRow.caseworker_id) == bindparam("caseworker_id"),
    "statuses": lambda: col(MeetingRow.status).in_(bindparam("statuses", expanding=True)),
    "start": lambda: col(MeetingRow.at) >= bindparam("start"),
    "end": lambda: col(MeetingRow.at) < bindparam("end"),
}
_MEETINGS: dict[tuple[str, ...], Any] = {}
"""``MeetingRepository.lines``'s statements, one per set of filters given, built once."""


def _meeting_lines(filters: tuple[str, ...]) -> Any:
    query = (
        select_columns(
            *(getattr(MeetingRow, name) for name in _MEETING_COLUMNS),
            shown_name_orm(),
            col(CaseRow.caseworker_id),
            col(SupervisorRow.name),
            col(WorkplaceRow.name),
        )
        .join(CaseRow, col(CaseRow.id) == MeetingRow.case_id)
        .join(PersonRow, col(PersonRow.id) == CaseRow.person_id)
        .outerjoin(SupervisorRow, col(SupervisorRow.id) == MeetingRow.supervisor_id)
        .outerjoin(WorkplaceRow, col(WorkplaceRow.id) == SupervisorRow.workplace_id)
    )
    for name in filters:
        query = query.where(_MEETING_FILTERS[name]())
    return query.order_by(col(MeetingRow.at), col(MeetingRow.id))


def _meeting_entry(row: Any) -> MeetingEntry:
    values = dict(zip(_MEETING_COLUMNS, row[:-4], strict=True))
    at = values.pop("at")
    participant, worker, supervisor, workplace = row[-4:]
    return MeetingEntry(
        **values,
        participant=participant,
        caseworker_id=worker,
        at=at if at.tzinfo else at.replace(tzinfo=UTC),
        supervisor=supervisor,
        workplace=workplace,
    )


def _id(value: int | None) -> int:
    assert value is not None
    return value
