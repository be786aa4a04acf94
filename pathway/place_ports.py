"""What the place and employer use cases need from storage (``persistence.place_repository``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Protocol

from states.places import EmployerContact, Place, PlaceEvent


class PlaceRepository(Protocol):
    def add(self, record: Place) -> Place: ...
    def get(self, record_id: int) -> Place: ...
    def find(self, record_id: int) -> Place | None: ...
    def locked(self, place_id: int) -> Place:
        """The place, locked against concurrent writers until the transaction ends."""
        ...

    def save(self, record: Place) -> None:
        """Save a place read in this transaction; ``Conflict`` if it changed meanwhile."""
        ...

    def listing(
        self,
        *,
        status: str | None = None,
        workplace_id: int | None = None,
        step: int | None = None,
        limit: int | None = None,
    ) -> list[Place]: ...
    def append_event(self, event: PlaceEvent) -> PlaceEvent: ...
    def events(self, place_id: int) -> list[PlaceEvent]: ...
    def events_of(self, place_ids: Sequence[int]) -> dict[int, list[PlaceEvent]]: ...


class EmployerContactRepository(Protocol):
    def add(self, record: EmployerContact) -> EmployerContact: ...
    def for_workplace(self, workplace_id: int) -> list[EmployerContact]: ...
    def days_by_workplace(self) -> dict[int, list[date]]: ...
