"""Set-based writes for imports: Core insert() executemany, never ORM add_all.

Each call is one statement for a whole chunk (SQLAlchemy's "insertmanyvalues" batches it
into multi-row INSERTs, with RETURNING in the order given), inside the unit of work's
transaction: an import is still all or nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC
from typing import Any

from sqlalchemy import Table, func, insert, select
from sqlmodel import Session

from persistence.tables import CaseEventRow, CaseRow, PersonRow
from states.records import Case, CaseEvent, Person

PERSON: Table = PersonRow.__table__  # type: ignore[attr-defined]
CASE: Table = CaseRow.__table__  # type: ignore[attr-defined]
EVENT: Table = CaseEventRow.__table__  # type: ignore[attr-defined]


class BulkWriter:
    def __init__(self, session: Session) -> None:
        self.session = session

    def stored_personnummer(self, digits: Sequence[str]) -> dict[str, int]:
        if not digits:
            return {}
        query = select(PERSON.c.personnummer, PERSON.c.id).where(
            PERSON.c.personnummer.in_(list(digits))
        )
        return {row[0]: row[1] for row in self.session.connection().execute(query)}

    def last_person_id(self) -> int:
        found = self.session.connection().execute(select(func.max(PERSON.c.id))).scalar()
        return int(found or 0)

    def add_people(self, people: Sequence[Person]) -> list[int]:
        values = [
            {
                "name": p.name,
                "personnummer": p.personnummer,
                "gender": p.gender,
                "birth_year": p.birth_year,
                "groups": p.groups,
            }
            for p in people
        ]
        return self._insert_returning_ids(PERSON, values)

    def add_cases(self, cases: Sequence[Case]) -> list[int]:
        values = [
            {
                "person_id": c.person_id,
                "state": c.state,
                "step": c.step.number if c.step else None,
                "paused_from": c.paused_from,
                "caseworker_id": c.caseworker_id,
                "opened_on": c.opened_on,
                "closed_on": c.closed_on,
                "outcome": c.outcome,
                "consent_on": c.consent_on,
                "last_move_on": c.last_move_on,
                "version": c.version,
            }
            for c in cases
        ]
        return self._insert_returning_ids(CASE, values)

    def add_events(self, events: Sequence[CaseEvent]) -> None:
        if not events:
            return
        values = [
            {
                "case_id": e.case_id,
                "seq": e.seq,
                "kind": e.kind,
                "from_state": e.from_state,
                "to_state": e.to_state,
                "on": e.on,
                "recorded_at": e.recorded_at.astimezone(UTC),
                "actor_id": e.actor_id,
                "reason": e.reason,
                "warnings": e.warnings,
                "overrides": e.overrides,
                "data": e.data,
            }
            for e in events
        ]
        self.session.connection().execute(insert(EVENT), values)

    def _insert_returning_ids(self, table: Table, values: list[dict[str, Any]]) -> list[int]:
        if not values:
            return []
        statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
        return list(self.session.connection().execute(statement, values).scalars())
