"""Protected identity in storage: the flag-and-mask column ``person.protected_initials``
(``states.protection``), read set-based, and the expression every read model selects
for a person's name."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table, and_, func, select, update
from sqlmodel import Session

from persistence.tables import CaseRow, PersonRow, RecordChangeRow
from states.changes import PERSON as PERSON_RECORD
from states.changes import as_text
from states.errors import NotFound
from states.protection import PROTECTED

PERSON: Table = PersonRow.__table__  # type: ignore[attr-defined]
CASE: Table = CaseRow.__table__  # type: ignore[attr-defined]
CHANGE: Table = RecordChangeRow.__table__  # type: ignore[attr-defined]

SHOWN_NAME_SQL = "COALESCE({p}.protected_initials, {p}.name)"
"""A person's name as every output shows it, in SQL text (``{p}``: the person's alias)."""


def shown_name(person: Any = None) -> Any:
    """A person's name as every output shows it: the initials while the identity is
    protected. ``person``: the person table or an alias of it (default the table)."""
    table = PERSON if person is None else person
    return func.coalesce(table.c.protected_initials, table.c.name)


def shown_name_orm() -> Any:
    """``shown_name`` for queries on the ORM class ``PersonRow``."""
    return func.coalesce(PersonRow.protected_initials, PersonRow.name)


class ProtectionStore:
    def __init__(self, session: Session) -> None:
        self.session = session

    def initials(self, person_id: int) -> str | None:
        """The person's initials while their identity is protected, else ``None``;
        NotFound for no such person."""
        query = select(PERSON.c.id, PERSON.c.protected_initials).where(PERSON.c.id == person_id)
        row = self.session.connection().execute(query).first()
        if row is None:
            raise NotFound.with_id("person", person_id)
        return row[1]  # type: ignore[no-any-return]

    def set_initials(self, person_id: int, initials: str | None) -> None:
        """Protect the person (shown by ``initials``) or, with ``None``, lift it."""
        self.session.connection().execute(
            update(PERSON).where(PERSON.c.id == person_id).values(protected_initials=initials)
        )

    def renamed(self, person_id: int, initials: str) -> None:
        """The person was renamed: a protected one is shown by the new initials."""
        self.session.connection().execute(
            update(PERSON)
            .where(PERSON.c.id == person_id, PERSON.c.protected_initials.is_not(None))
            .values(protected_initials=initials)
        )

    def protections(self, case_ids: Sequence[int]) -> dict[int, list[tuple[datetime, bool]]]:
        """Per case among ``case_ids``: when its person's protection was set (``True``)
        and lifted (``False``), from the change log, oldest first; one statement."""
        if not case_ids:
            return {}
        query = (
            select(CASE.c.id, CHANGE.c.recorded_at, CHANGE.c.new_value)
            .join(
                CHANGE,
                and_(
                    CHANGE.c.record == PERSON_RECORD,
                    CHANGE.c.record_id == CASE.c.person_id,
                    CHANGE.c.field_name == PROTECTED,
                ),
            )
            .where(CASE.c.id.in_(sorted(set(case_ids))))
            .order_by(CASE.c.id, CHANGE.c.id)
        )
        found: dict[int, list[tuple[datetime, bool]]] = {}
        for case_id, at, value in self.session.connection().execute(query):
            moment = at.replace(tzinfo=UTC) if at.tzinfo is None else at
            found.setdefault(case_id, []).append((moment, value == as_text(True)))
        return found

    def protected_cases(self, case_ids: Sequence[int]) -> dict[int, str]:
        """``{case_id: initials}`` of the cases among ``case_ids`` whose person is
        protected: one statement."""
        if not case_ids:
            return {}
        query = (
            select(CASE.c.id, PERSON.c.protected_initials)
            .join(PERSON, PERSON.c.id == CASE.c.person_id)
            .where(CASE.c.id.in_(sorted(set(case_ids))), PERSON.c.protected_initials.is_not(None))
        )
        return {case_id: mask for case_id, mask in self.session.connection().execute(query)}
