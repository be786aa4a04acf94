"""The reminder outbox: rows written with what they remind of, claimed by dispatchers."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import update
from sqlmodel import col

from persistence.repositories import _Repository
from persistence.tables import ReminderRow
from states.records import Reminder


class ReminderRepository(_Repository[Reminder, ReminderRow]):
    record, row, noun = Reminder, ReminderRow, "reminder"

    def add_many(self, reminders: Iterable[Reminder]) -> None:
        for reminder in reminders:
            self.add(reminder)

    def drop_pending(self, followup_ids: Iterable[int]) -> int:
        """Pending reminders of items that were done, cancelled or suspended go unsent."""
        ids = list(followup_ids)
        if not ids:
            return 0
        result = self.session.execute(
            update(ReminderRow)
            .where(col(ReminderRow.followup_id).in_(ids), col(ReminderRow.status) == "pending")
            .values(status="dropped")
        )
        return int(result.rowcount)  # type: ignore[attr-defined]
