"""Protected identity in storage: the flag-and-mask column ``person.protected_initials``
(``states.protection``), read set-based, and the expression every read model selects
for a person's name."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, func, select, update
from sqlmodel import Session

from persistence.tables import CaseRow, PersonRow
from states.errors import NotFound

PERSON: Table = PersonRow.__table__  # type: ignore[attr-defined]
CASE: Table = CaseRow.__table__  # type: ignore[attr-defined]

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
            raise NotFound(f"no person with id {person_id}", what="person", id=person_id)
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
