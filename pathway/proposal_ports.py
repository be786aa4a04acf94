"""What the proposal and supervisor-course use cases need from storage
(``persistence.proposal_repository``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Protocol

from states.courses import SupervisorCourse, SupervisorTraining
from states.proposals import Proposal


class ProposalRepository(Protocol):
    def add(self, record: Proposal) -> Proposal: ...
    def get(self, record_id: int) -> Proposal: ...
    def locked(self, proposal_id: int) -> Proposal:
        """The proposal, locked against concurrent writers until the transaction ends."""
        ...

    def save(self, record: Proposal) -> None: ...
    def open_for(self, place_id: int, case_id: int) -> Proposal | None: ...
    def accepted_of_case(self, case_id: int) -> Proposal | None:
        """The case's accepted proposal (at most one), locked."""
        ...

    def accepted_of_cases(self, case_ids: Sequence[int]) -> list[Proposal]:
        """The accepted proposals of the cases (one each at most), locked, in one query."""
        ...

    def close_open_for_place(self, place_id: int, on: date, reason: str, by: int | None) -> int:
        """Close every open proposal of a place; how many were closed."""
        ...

    def listing(
        self,
        *,
        place_id: int | None = None,
        case_id: int | None = None,
        status: str | None = None,
        limit: int | None = None,
        caseworker_id: int | None = None,
    ) -> list[Proposal]:
        """Proposals, oldest first (``caseworker_id``: of that caseworker's cases)."""
        ...


class SupervisorCourseRepository(Protocol):
    def add(self, record: SupervisorCourse) -> SupervisorCourse: ...
    def get(self, record_id: int) -> SupervisorCourse: ...
    def listing(self) -> list[SupervisorCourse]: ...
    def attendance(self) -> dict[int, int]: ...


class SupervisorTrainingRepository(Protocol):
    def add(self, record: SupervisorTraining) -> SupervisorTraining: ...
    def of_supervisors(
        self, supervisor_ids: Sequence[int]
    ) -> dict[int, list[SupervisorTraining]]: ...
    def attended(self, supervisor_id: int, course_id: int) -> bool: ...
