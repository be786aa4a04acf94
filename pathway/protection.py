"""Protected identity (skyddade personuppgifter): a coordinator sets or lifts the flag on
a person, with the reason, logged in the change log with the change itself.

While it is set, every output shows the person by initials (``states.protection``):
the read models select ``person.protected_initials`` in place of the name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pathway import actors
from pathway.editing import ChangeLine, _actor, _line, _reason
from states.changes import PERSON, changed
from states.errors import InvalidInput
from states.messages import N_, Hint, Message
from states.protection import PROTECTED, initials

if TYPE_CHECKING:
    from pathway.context import Kivo


@dataclass(frozen=True)
class Protection:
    """A person's protected identity after the command: ``initials`` while protected;
    ``changes``: what was logged (none when the flag was already as asked)."""

    person_id: int
    protected: bool
    initials: str | None
    changes: list[ChangeLine] = field(default_factory=list)


def protect_participant(
    kivo: Kivo,
    ident: int,
    *,
    reason: str | None,
    by: int | None,
    person: bool = False,
    lift: bool = False,
) -> Protection:
    """Protect the identity of a case's participant (``ident`` a case id, or a person id
    with ``person``), or with ``lift`` end the protection; a coordinator only, with the
    reason, logged as a change of the person's ``protected`` field."""
    if reason is None or not reason.strip():
        said = N_("a protected identity is set or lifted only with the reason: give {how}")
        raise InvalidInput(Message(said, {"how": Hint("reason", "--reason")}), field="reason")
    note = _reason(reason, kivo.today())
    with kivo.uow() as uow:
        actor = actors.require_coordinator(
            _actor(uow, by), "lift a protected identity" if lift else "protect an identity"
        )
        if not person:
            actors.cases_for(kivo, uow, actor, [ident], "protect")
        person_id = ident if person else uow.cases.get(ident).person_id
        uow.changes.lock(PERSON, person_id)
        current = uow.protection.initials(person_id)
        wanted = None if lift else initials(uow.people.get(person_id).name)
        lines = changed(
            PERSON,
            person_id,
            {PROTECTED: current is not None},
            {PROTECTED: not lift},
            at=kivo.now(),
            actor_id=actor.id,
            reason=note,
        )
        if not lines:
            return Protection(person_id, current is not None, current)
        uow.protection.set_initials(person_id, wanted)
        uow.changes.append_many(lines)
        uow.commit()
    names = {actor.id: actor.name} if actor.id is not None else {}
    return Protection(person_id, not lift, wanted, [_line(c, names) for c in lines])
