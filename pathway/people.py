"""Naming a person from the outside: ``PERSON`` on the command line or in a form is a
person id (a whole number of at most nine digits) or their personnummer in any form
kivo accepts (ten or twelve digits: never mistaken for an id). An unknown one is
``not-found``, and a personnummer is never echoed back."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from states.errors import InvalidInput, NotFound
from states.messages import N_, Message
from states.personnummer import parse_personnummer

if TYPE_CHECKING:
    from pathway.ports import UnitOfWork
    from states.records import Person

MAX_ID_DIGITS = 9


def person_id_of(uow: UnitOfWork, ref: str | int, *, today: date) -> int:
    """The id of the person ``ref`` names (an id or a personnummer)."""
    text = str(ref).strip()
    if not text:
        said = Message(N_("name the person by their id or personnummer"))
        raise InvalidInput(said, field="person")
    if text.isascii() and text.isdecimal() and len(text) <= MAX_ID_DIGITS:
        person_id = int(text)
        if uow.people.find(person_id) is None:
            raise NotFound.with_id("person", person_id)
        return person_id
    number = parse_personnummer(text, today=today)  # bad: invalid-personnummer, masked
    found: Person | None = uow.people.by_personnummer(number.digits)
    if found is None or found.id is None:
        said = Message(N_("no person with personnummer {masked}"), {"masked": number.masked()})
        raise NotFound(said, what="person", id=None)
    return found.id
