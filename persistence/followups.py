"""Follow-ups and meetings: add, get, and the few queries the use cases need."""

from __future__ import annotations

from sqlmodel import col, select

from persistence.mapping import to_record
from persistence.repositories import _Repository
from persistence.tables import FollowupRow, MeetingRow
from states.records import Followup, Meeting

OPEN = ("pending", "suspended")


class FollowupRepository(_Repository[Followup, FollowupRow]):
    record, row, noun = Followup, FollowupRow, "follow-up"

    def open_for_case(self, case_id: int) -> list[Followup]:
        """Pending and suspended items of a case, earliest first."""
        query = (
            select(FollowupRow)
            .where(FollowupRow.case_id == case_id, col(FollowupRow.status).in_(OPEN))
            .order_by(col(FollowupRow.due), col(FollowupRow.id))
        )
        rows = self.session.exec(query).all()
        for row in rows:
            assert row.id is not None
            self._loaded.setdefault(row.id, row)
        return [to_record(row, Followup) for row in rows]


class MeetingRepository(_Repository[Meeting, MeetingRow]):
    record, row, noun = Meeting, MeetingRow, "meeting"
