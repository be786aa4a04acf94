"""From stored records to the facts the pure rules judge."""

from __future__ import annotations

from states.case import CaseFacts
from states.personnummer import Personnummer
from states.records import Case, Person


def facts_of(case: Case, person: Person) -> CaseFacts:
    birth_date = Personnummer(person.personnummer).birth_date if person.personnummer else None
    return CaseFacts(
        state=case.state,
        paused_from=case.paused_from,
        consent_on=case.consent_on,
        birth_date=birth_date,
        birth_year=person.birth_year,
        groups=frozenset(person.groups),
        last_move_on=case.last_move_on,
        opened_on=case.opened_on,
    )
