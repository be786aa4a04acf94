"""Streaming reads for exports."""

from __future__ import annotations

from sqlmodel import Session


class ExportQueries:
    def __init__(self, session: Session) -> None:
        self.session = session
