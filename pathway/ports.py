"""What the use cases need from storage, as protocols; persistence provides them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from types import TracebackType
from typing import Protocol, Self, TypeVar

from states.records import (
    Case,
    CaseEvent,
    CaseSummary,
    Caseworker,
    Followup,
    Meeting,
    Person,
    Placement,
    Reminder,
    Supervisor,
    Workplace,
)

R = TypeVar("R")


class Repository(Protocol[R]):
    def add(self, record: R) -> R: ...
    def get(self, record_id: int) -> R: ...
    def find(self, record_id: int) -> R | None: ...
    def save(self, record: R) -> None: ...
    def all(self) -> list[R]: ...


class PersonRepository(Repository[Person], Protocol):
    def by_personnummer(self, digits: str, *, lock: bool = False) -> Person | None: ...


class CaseRepository(Repository[Case], Protocol):
    def for_person(self, person_id: int) -> list[Case]: ...


class EventRepository(Protocol):
    def append(self, event: CaseEvent) -> CaseEvent: ...
    def for_case(self, case_id: int) -> list[CaseEvent]: ...


class PlacementRepository(Repository[Placement], Protocol):
    def open_for_case(self, case_id: int) -> Sequence[Placement]: ...


class FollowupRepository(Repository[Followup], Protocol):
    def open_for_case(self, case_id: int) -> list[Followup]: ...


class ReminderRepository(Repository[Reminder], Protocol):
    def add_many(self, reminders: Iterable[Reminder]) -> None: ...
    def drop_pending(self, followup_ids: Iterable[int]) -> int: ...


class CaseQueries(Protocol):
    def caseload(
        self,
        *,
        step: int | None = None,
        status: str | None = None,
        caseworker_id: int | None = None,
        limit: int | None = None,
    ) -> list[CaseSummary]: ...


class UnitOfWork(Protocol):
    """One transaction; read-only members so any implementation's own types fit."""

    @property
    def people(self) -> PersonRepository: ...
    @property
    def caseworkers(self) -> Repository[Caseworker]: ...
    @property
    def workplaces(self) -> Repository[Workplace]: ...
    @property
    def supervisors(self) -> Repository[Supervisor]: ...
    @property
    def cases(self) -> CaseRepository: ...
    @property
    def events(self) -> EventRepository: ...
    @property
    def placements(self) -> PlacementRepository: ...
    @property
    def queries(self) -> CaseQueries: ...
    @property
    def followups(self) -> FollowupRepository: ...
    @property
    def meetings(self) -> Repository[Meeting]: ...
    @property
    def reminders(self) -> ReminderRepository: ...

    def __enter__(self) -> Self: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    def __call__(self, *, read_only: bool = False) -> UnitOfWork: ...
