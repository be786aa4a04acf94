"""Case notes: a caseworker's dated notes on a case, kept as written (append-only).

A note is personal data. It is dated by the injected clock, written by the caseworker
``by`` names (active), and never appears in an export or a log: the exports read their
own tables (cases, events, follow-ups, placements) and a note is not in the history's
events. Text with a control or escape character is refused; so is a blank one. Shown,
anything in a note written like a personnummer is masked unless asked for in full. A
case that has exited still takes notes (a call about the file after the exit).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from pathway import actors
from pathway.clock import LOCAL
from pathway.context import Kivo
from states.access import READ_NOTES
from states.messages import N_, Message
from states.notes import MAX_NOTE, CaseNote, checked_text
from states.personnummer import redact

if TYPE_CHECKING:
    from pathway.ports import UnitOfWork

NOTE = Message(N_("the note"))


@dataclass(frozen=True)
class NoteLine:
    """A note as shown: its time in Swedish local time, its author's name."""

    id: int
    case_id: int
    recorded_at: datetime
    author_id: int | None
    author: str | None
    text: str


def add_note(
    kivo: Kivo, case_id: int, text: str, *, by: int | None = None, show_personal: bool = False
) -> NoteLine:
    """Keep ``text`` as a note on case ``case_id``, dated now; the note as shown."""
    text = checked_text(text, NOTE, limit=MAX_NOTE, field="text")
    with kivo.uow() as uow:
        actor = actors.acting_on(kivo, uow, by, case_id, "note")
        note = uow.notes.add(
            CaseNote(
                case_id=case_id,
                recorded_at=kivo.now(),
                text=text,
                author_id=actor.id if actor else None,
            )
        )
        uow.commit()
    return _line(note, actor.name if actor else None, show_personal)


def list_notes(
    kivo: Kivo, case_id: int, *, show_personal: bool = False, by: int | None = None
) -> list[NoteLine]:
    """A case's notes, oldest first. ``by``: who reads them (their own case, or a
    coordinator; checked and logged as ``read-notes``)."""
    with kivo.uow(read_only=by is None) as uow:
        if by is None:
            uow.cases.get(case_id)
        else:
            actors.acting_on(kivo, uow, by, case_id, READ_NOTES)
        lines = notes_in(uow, case_id, show_personal=show_personal)
        if by is not None:
            uow.commit()
    return lines


def notes_in(uow: UnitOfWork, case_id: int, *, show_personal: bool = False) -> list[NoteLine]:
    """``list_notes``'s reads in the caller's unit of work (who reads: the caller's check)."""
    notes = uow.notes.for_case(case_id)
    authors = {
        author: uow.caseworkers.get(author).name
        for author in {note.author_id for note in notes}
        if author is not None
    }
    return [_line(n, authors.get(n.author_id or 0), show_personal) for n in notes]


def _line(note: CaseNote, author: str | None, show_personal: bool) -> NoteLine:
    assert note.id is not None
    return NoteLine(
        id=note.id,
        case_id=note.case_id,
        recorded_at=note.recorded_at.astimezone(LOCAL),
        author_id=note.author_id,
        author=author,
        text=note.text if show_personal else redact(note.text),
    )
