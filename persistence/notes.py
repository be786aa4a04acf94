"""Case notes: append and read, never change (the table's triggers refuse it too)."""

from __future__ import annotations

from sqlmodel import Session, col, select

from persistence.mapping import to_record, to_row
from persistence.tables import CaseNoteRow
from states.notes import CaseNote


class NoteRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, note: CaseNote) -> CaseNote:
        """Insert and flush, so the note learns its id inside the transaction."""
        row = to_row(note, CaseNoteRow)
        self.session.add(row)
        self.session.flush()
        note.id = row.id
        return note

    def for_case(self, case_id: int) -> list[CaseNote]:
        """A case's notes, oldest first."""
        query = (
            select(CaseNoteRow)
            .where(CaseNoteRow.case_id == case_id)
            .order_by(col(CaseNoteRow.recorded_at), col(CaseNoteRow.id))
        )
        return [to_record(row, CaseNote) for row in self.session.exec(query).all()]
