"""Set-based writes for imports: Core insert() executemany, never ORM add_all."""

from __future__ import annotations

from sqlmodel import Session


class BulkWriter:
    def __init__(self, session: Session) -> None:
        self.session = session
