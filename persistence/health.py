"""The checks of ``kivo doctor`` and the scheduler heartbeats."""

from __future__ import annotations

from sqlmodel import Session


class HealthQueries:
    def __init__(self, session: Session) -> None:
        self.session = session
