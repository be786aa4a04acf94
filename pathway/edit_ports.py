"""What finding and editing need from storage (``persistence.finding``,
``persistence.changes``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from states.changes import RecordChange
from states.search import FoundCase, Query


class PersonFinder(Protocol):
    def find(self, query: Query, *, caseworker_id: int | None, limit: int) -> list[FoundCase]:
        """Cases whose participant matches, the caseworker's own first, at most ``limit``."""
        ...


class RecordChanges(Protocol):
    def lock(self, record: str, record_id: int) -> None:
        """Lock the record against concurrent edits (NotFound if there is none)."""
        ...

    def append_many(self, changes: Sequence[RecordChange]) -> None: ...
    def for_record(self, record: str, record_id: int) -> list[RecordChange]: ...
    def contact(self, person_id: int) -> tuple[str | None, str | None]:
        """The person's e-mail address and phone number."""
        ...

    def set_contact(self, person_id: int, email: str | None, phone: str | None) -> None: ...
