"""What a correction reads and writes besides the case and its history: the follow-ups,
meetings and placements a corrected move wrote, each by id (``pathway.corrections``).

A handful of rows per correction, by Core statements in the unit of work's transaction.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Table, delete, update
from sqlmodel import Session, col, select

from persistence.mapping import to_record
from persistence.tables import FollowupRow, MeetingRow, PlacementRow
from states.records import Followup, Meeting

FOLLOWUP: Table = FollowupRow.__table__  # type: ignore[attr-defined]
MEETING: Table = MeetingRow.__table__  # type: ignore[attr-defined]
PLACEMENT: Table = PlacementRow.__table__  # type: ignore[attr-defined]


class CorrectionStore:
    def __init__(self, session: Session) -> None:
        self.session = session

    def items(self, ids: Sequence[int]) -> list[Followup]:
        if not ids:
            return []
        query = (
            select(FollowupRow).where(col(FollowupRow.id).in_(ids)).order_by(col(FollowupRow.id))
        )
        return [to_record(row, Followup) for row in self.session.exec(query).all()]

    def meetings(self, ids: Sequence[int], *, of_items: Sequence[int] = ()) -> list[Meeting]:
        """Meetings by id, and those booked for any of the follow-ups ``of_items``."""
        if not ids and not of_items:
            return []
        query = (
            select(MeetingRow)
            .where(col(MeetingRow.id).in_(ids) | col(MeetingRow.followup_id).in_(of_items))
            .order_by(col(MeetingRow.id))
        )
        return [to_record(row, Meeting) for row in self.session.exec(query).all()]

    def set_meetings(self, changed: Sequence[Meeting]) -> None:
        """Each meeting's status and notes as given."""
        for meeting in changed:
            self.session.connection().execute(
                update(MEETING)
                .where(MEETING.c.id == meeting.id)
                .values(status=meeting.status, notes=meeting.notes)
            )

    def reopen_placements(self, ids: Sequence[int]) -> int:
        if not ids:
            return 0
        result = self.session.connection().execute(
            update(PLACEMENT)
            .where(PLACEMENT.c.id.in_(ids), PLACEMENT.c.ended_on.is_not(None))
            .values(ended_on=None, end_reason=None)
        )
        return int(result.rowcount)

    def remove_placement(self, placement_id: int) -> bool:
        """A placement that never was: its follow-ups no longer point at it, then it goes
        (the history's event still names it)."""
        connection = self.session.connection()
        connection.execute(
            update(FOLLOWUP)
            .where(FOLLOWUP.c.placement_id == placement_id)
            .values(placement_id=None)
        )
        result = connection.execute(delete(PLACEMENT).where(PLACEMENT.c.id == placement_id))
        return bool(result.rowcount)
