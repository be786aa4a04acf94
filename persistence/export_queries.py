"""Streaming reads for exports: Core selects run with ``yield_per``, so PostgreSQL uses
a server-side cursor and SQLite hands rows over in batches; never one list in memory."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any, cast

from sqlalchemy import ColumnElement, Select, Table, and_, select, true
from sqlmodel import Session

from persistence.tables import (
    CaseEventRow,
    CaseRow,
    CaseworkerRow,
    FollowupRow,
    PersonRow,
    PlacementRow,
    SupervisorRow,
    WorkplaceRow,
)

BATCH = 1000

PERSON: Table = PersonRow.__table__  # type: ignore[attr-defined]
CASE: Table = CaseRow.__table__  # type: ignore[attr-defined]
CASEWORKER: Table = CaseworkerRow.__table__  # type: ignore[attr-defined]
EVENT: Table = CaseEventRow.__table__  # type: ignore[attr-defined]
FOLLOWUP: Table = FollowupRow.__table__  # type: ignore[attr-defined]
PLACEMENT: Table = PlacementRow.__table__  # type: ignore[attr-defined]
WORKPLACE: Table = WorkplaceRow.__table__  # type: ignore[attr-defined]
SUPERVISOR: Table = SupervisorRow.__table__  # type: ignore[attr-defined]


def _within(column: Any, first: date | None, last: date | None) -> ColumnElement[bool]:
    conditions = []
    if first is not None:
        conditions.append(column >= first)
    if last is not None:
        conditions.append(column <= last)
    return and_(true(), *conditions)


class ExportQueries:
    def __init__(self, session: Session) -> None:
        self.session = session

    def cases(self, first: date | None, last: date | None) -> Iterator[Mapping[str, Any]]:
        query = (
            select(
                CASE.c.id.label("case_id"),
                CASE.c.person_id,
                PERSON.c.name,
                PERSON.c.protected_initials,
                PERSON.c.personnummer,
                PERSON.c.gender,
                PERSON.c.birth_year,
                PERSON.c.groups,
                PERSON.c.characteristics,
                CASE.c.caseworker_id,
                CASEWORKER.c.name.label("caseworker"),
                CASE.c.opened_on,
                CASE.c.state,
                CASE.c.step,
                CASE.c.paused_from,
                CASE.c.consent_on,
                CASE.c.last_move_on,
                CASE.c.closed_on,
                CASE.c.outcome,
                CASE.c.version,
            )
            .join(PERSON, PERSON.c.id == CASE.c.person_id)
            .outerjoin(CASEWORKER, CASEWORKER.c.id == CASE.c.caseworker_id)
            .where(_within(CASE.c.opened_on, first, last))
            .order_by(CASE.c.id)
        )
        return self._stream(query)

    def events(self, first: date | None, last: date | None) -> Iterator[Mapping[str, Any]]:
        query = (
            select(
                EVENT.c.case_id,
                EVENT.c.seq,
                EVENT.c.kind,
                EVENT.c.from_state,
                EVENT.c.to_state,
                EVENT.c.on,
                EVENT.c.recorded_at,
                EVENT.c.actor_id,
                EVENT.c.reason,
                EVENT.c.warnings,
                EVENT.c.overrides,
                EVENT.c.data,
            )
            .where(_within(EVENT.c.on, first, last))
            .order_by(EVENT.c.case_id, EVENT.c.seq)
        )
        return self._stream(query)

    def followups(self, first: date | None, last: date | None) -> Iterator[Mapping[str, Any]]:
        query = (
            select(
                FOLLOWUP.c.id,
                FOLLOWUP.c.case_id,
                FOLLOWUP.c.name,
                FOLLOWUP.c.kind,
                FOLLOWUP.c.title,
                FOLLOWUP.c.due,
                FOLLOWUP.c.status,
                FOLLOWUP.c.step,
                FOLLOWUP.c.placement_id,
                FOLLOWUP.c.done_on,
                FOLLOWUP.c.suspended_on,
                FOLLOWUP.c.notes,
                FOLLOWUP.c.cancel_reason,
            )
            .where(_within(FOLLOWUP.c.due, first, last))
            .order_by(FOLLOWUP.c.due, FOLLOWUP.c.id)
        )
        return self._stream(query)

    def placements(self, first: date | None, last: date | None) -> Iterator[Mapping[str, Any]]:
        query = (
            select(
                PLACEMENT.c.id,
                PLACEMENT.c.case_id,
                PLACEMENT.c.step,
                PLACEMENT.c.workplace_id,
                WORKPLACE.c.name.label("workplace"),
                PLACEMENT.c.supervisor_id,
                SUPERVISOR.c.name.label("supervisor"),
                PLACEMENT.c.programme,
                PLACEMENT.c.start,
                PLACEMENT.c.planned_end,
                PLACEMENT.c.ended_on,
                PLACEMENT.c.end_reason,
            )
            .outerjoin(WORKPLACE, WORKPLACE.c.id == PLACEMENT.c.workplace_id)
            .outerjoin(SUPERVISOR, SUPERVISOR.c.id == PLACEMENT.c.supervisor_id)
            .where(_within(PLACEMENT.c.start, first, last))
            .order_by(PLACEMENT.c.start, PLACEMENT.c.id)
        )
        return self._stream(query)

    def protected_cases(
        self, kind: str, first: date | None, last: date | None, limit: int = 10
    ) -> list[int]:
        """Up to ``limit`` ids of the cases of protected persons among the rows a
        ``kind`` export of the period holds: one statement."""
        table, column = {
            "cases": (CASE, CASE.c.opened_on),
            "events": (EVENT, EVENT.c.on),
            "followups": (FOLLOWUP, FOLLOWUP.c.due),
            "placements": (PLACEMENT, PLACEMENT.c.start),
        }[kind]
        case_id = CASE.c.id if table is CASE else table.c.case_id
        source = CASE if table is CASE else table.join(CASE, CASE.c.id == table.c.case_id)
        query = (
            select(case_id)
            .distinct()
            .select_from(source.join(PERSON, PERSON.c.id == CASE.c.person_id))
            .where(PERSON.c.protected_initials.is_not(None), _within(column, first, last))
            .order_by(case_id)
            .limit(limit)
        )
        return [int(row[0]) for row in self.session.connection().execute(query)]

    def _stream(self, query: Select[Any]) -> Iterator[Mapping[str, Any]]:
        result = self.session.connection().execute(
            query, execution_options={"yield_per": BATCH, "stream_results": True}
        )
        yield from cast(Iterator[Mapping[str, Any]], iter(result.mappings()))
