"""The case page's reads in one unit of work: who reads, the case with its history and
next moves, its agenda, its notes and the names its placements speak of.

A page that ran each read as its own use case opened six units of work (three of them
write transactions, each logging its own access-log row) and looked the reader up
twice; this is one connection, one transaction and one access-log row per page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pathway import actors
from pathway.choosing import Choice, names_in, supervisors_in
from pathway.notes import NoteLine, notes_in
from pathway.views import CaseReading, reading_in
from pathway.workspace import CaseAgenda, SignedIn, agenda_in, signed_in_as
from states.access import READ, SHOW_PERSONAL

if TYPE_CHECKING:
    from pathway.context import Kivo


@dataclass(frozen=True)
class CasePage:
    """Everything the case page shows, read in one transaction."""

    reader: SignedIn
    reading: CaseReading
    agenda: CaseAgenda
    notes: list[NoteLine]
    workplace_names: dict[int, str]
    supervisor_names: dict[int, str]
    supervisors: list[Choice]
    """The open placement's workplace's active supervisors (none without one)."""


def case_page(kivo: Kivo, case_id: int, *, by: int, show_personal: bool = False) -> CasePage:
    """Case ``case_id`` as ``by`` reads it on the page: ``by`` must be an active
    caseworker (``unknown-actor``, ``inactive-actor``) whose case it is, or a
    coordinator (another's case is ``NotFound``); the read is logged as one row,
    ``read`` (or ``show-personal`` with the personnummer in full), in the transaction
    of the reads. A refused read writes nothing."""
    with kivo.uow() as uow:
        actor = actors.checked_actor(uow.caseworkers.read(by), by)
        action = SHOW_PERSONAL if show_personal else READ
        actors.cases_for(kivo, uow, actor, [case_id], action)
        reading = reading_in(kivo, uow, case_id, actor, show_personal=show_personal)
        agenda = agenda_in(uow, case_id)
        placed = agenda.placements
        workplaces, supervisors = names_in(
            uow, (p.workplace_id for p in placed), (p.supervisor_id for p in placed)
        )
        current = next((p.workplace_id for p in placed if p.ended_on is None), None)
        choices = supervisors_in(uow, current)
        notes = notes_in(uow, case_id, show_personal=show_personal)
        uow.commit()
    return CasePage(signed_in_as(actor), reading, agenda, notes, workplaces, supervisors, choices)
