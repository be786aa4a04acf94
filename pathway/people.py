"""Naming a person from the outside: ``PERSON`` on the command line or in a form is a
person id (a whole number of at most nine digits) or their personnummer in any form
kivo accepts (ten or twelve digits: never mistaken for an id). An unknown one is
``not-found``, and a personnummer is never echoed back."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from states.errors import InvalidInput, NotFound
from states.personnummer import parse_personnummer

if TYPE_CHECKING:
    from pathway.ports import UnitOfWork
    from states.records import Person

MAX_ID_DIGITS = 9


def person_id_of(uow: UnitOfWork, ref: str | int, *, today: date) -> int:
    """The id of the person ``ref`` names (an id or a personnummer)."""
    text = str(ref).strip()
    if not text:
        raise InvalidInput("name the person by their id or personnummer", field="person")
    if text.isascii() and text.isdecimal() and len(text) <= MAX_ID_DIGITS:
        person_id = int(text)
        if uow.people.find(person_id) is None:
            raise NotFound.with_id("person", person_id)
        return person_id
    number = parse_personnummer(text, today=today)  # bad: invalid-personnummer, masked
    found: Person | None = uow.people.by_personnummer(number.digits)
    if found is None or found.id is None:
        raise NotFound(f"no person with personnummer {number.masked()}", what="person", id=None)
    return found.id
