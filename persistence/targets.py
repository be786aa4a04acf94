"""Programme targets per year; adds and gets, never commits."""

from __future__ import annotations

from sqlmodel import Session


class TargetRepository:
    def __init__(self, session: Session) -> None:
        self.session = session
