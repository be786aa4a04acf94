"""Programme targets per year; adds and gets, never commits."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from persistence.tables import TargetRow
from states.reports import Target


class TargetRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def set(self, programme: str, year: int, count: int, at: datetime) -> Target:
        """Replace the year's target if there is one (the row is locked), else add it."""
        query = select(TargetRow).where(TargetRow.programme == programme, TargetRow.year == year)
        row = self.session.exec(query.with_for_update()).first()
        if row is None:
            row = TargetRow(programme=programme, year=year, count=count, set_at=at)
        else:
            row.count, row.set_at = count, at
        self.session.add(row)
        self.session.flush()
        return Target(row.programme, row.year, row.count)

    def all(self) -> list[Target]:
        query = select(TargetRow).order_by(col(TargetRow.year), col(TargetRow.programme))
        return [Target(row.programme, row.year, row.count) for row in self.session.exec(query)]
