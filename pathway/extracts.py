"""Register extracts (registerutdrag, GDPR art. 15): everything kivo holds about one
person, for a coordinator to hand to them (``kivo person extract``, the web's
data-protection page).

Only a coordinator makes one. Making it is a read of each of the person's cases, so it
writes one access-log row per case (action ``extract``) in the same transaction that
reads the data: the extract itself lists that read. The use case returns the plain
document; the entry points write it as JSON or PDF (``pathway.extract_files``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pathway import actors
from pathway.people import person_id_of
from states.errors import NotFound
from states.extracts import extract_document

if TYPE_CHECKING:
    from pathway.context import Kivo

EXTRACT = "extract"
"""The access log's action for a register extract."""


@dataclass(frozen=True)
class Extract:
    """The extract's ``document`` (``states.extracts.extract_document``) and the id of
    the person it is about."""

    person_id: int
    document: dict[str, Any]

    @property
    def counts(self) -> dict[str, int]:
        counted: dict[str, int] = self.document["counts"]
        return counted


def person_extract(kivo: Kivo, person: str | int, *, by: int | None) -> Extract:
    """The register extract of ``person`` (an id or a personnummer), made by the
    coordinator ``by``; a caseworker, or no one named, is refused (``not-permitted``)."""
    with kivo.uow() as uow:
        actor = actors.require_coordinator(actors.actor_of(uow, by), "make a register extract")
        person_id = person_id_of(uow, person, today=kivo.today())
        case_ids = [case.id for case in uow.cases.for_person(person_id) if case.id is not None]
        actors.log(kivo, uow, actor, [(case_id, EXTRACT) for case_id in case_ids])
        held = uow.extracts.held(person_id)
        if held is None:  # removed between the two reads
            raise NotFound.with_id("person", person_id)
        made_by = {"id": actor.id, "name": actor.name}
        document = extract_document(held, made_at=kivo.now(), made_by=made_by)
        uow.commit()
    return Extract(person_id, document)
