"""The reports, aggregated in SQL."""

from __future__ import annotations

from sqlmodel import Session


class ReportQueries:
    def __init__(self, session: Session) -> None:
        self.session = session
