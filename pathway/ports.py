"""What the use cases need from storage, as protocols; persistence provides them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from types import TracebackType
from typing import Protocol, Self, TypeVar

from pathway.access_ports import AccessLog
from pathway.bulk_ports import BulkWriter, ExportQueries
from pathway.correction_ports import CorrectionStore
from pathway.edit_ports import PersonFinder, RecordChanges
from pathway.erasure_ports import ErasureStore
from pathway.extract_ports import ExtractQueries
from pathway.health_ports import HealthQueries
from pathway.list_ports import ListQueries
from pathway.match_ports import MatchQueries, ProfileRepository
from pathway.outbox_ports import LetterRepository, ReminderRepository
from pathway.pipeline_ports import PipelineStore
from pathway.place_ports import EmployerContactRepository, PlaceRepository
from pathway.proposal_ports import (
    ProposalRepository,
    SupervisorCourseRepository,
    SupervisorTrainingRepository,
)
from pathway.protection_ports import ProtectionStore
from pathway.report_ports import ReportQueries, TargetRepository
from pathway.retention_ports import RetentionStore
from states.agenda import FollowupEntry, MeetingEntry
from states.digest import DueLine, MeetingLine, PlacementLine
from states.notes import CaseNote
from states.ownership import CaseloadCounts, CaseOwnership
from states.records import (
    Case,
    CaseEvent,
    CaseSummary,
    Caseworker,
    Followup,
    Meeting,
    OpenPlacement,
    Person,
    Placement,
    Supervisor,
    SupervisorLoad,
    Workplace,
    WorkplaceLoad,
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


class CaseworkerRepository(Repository[Caseworker], Protocol):
    def read(self, caseworker_id: int) -> Caseworker | None:
        """The caseworker (``None``: no such one), read without an ORM object: who acts
        is looked up on every request."""
        ...


class WorkplaceRepository(Repository[Workplace], Protocol):
    def loads(self) -> list[WorkplaceLoad]: ...
    def named(self, text: str, *, limit: int) -> list[Workplace]:
        """At most ``limit`` active workplaces numbered ``text`` or whose name contains
        it (any case), by name."""
        ...


class SupervisorRepository(Repository[Supervisor], Protocol):
    def locked(self, record_id: int) -> Supervisor: ...
    def loads(
        self, *, workplace_id: int | None = None, untrained_on: date | None = None
    ) -> list[SupervisorLoad]: ...
    def named(self, text: str, *, workplace_id: int | None, limit: int) -> list[Supervisor]:
        """At most ``limit`` active supervisors numbered ``text`` or whose name contains
        it (``""``: every one), at ``workplace_id`` when given, by name."""
        ...


class CaseRepository(Repository[Case], Protocol):
    def for_person(self, person_id: int) -> list[Case]: ...
    def locked(self, case_id: int) -> Case:
        """The case, locked against concurrent writers until the transaction ends."""
        ...

    def touch(self, record: Case) -> None:
        """Move the case's version on for a change that alters none of its columns;
        raise ``Conflict`` if it changed since it was read."""
        ...


class EventRepository(Protocol):
    def append(self, event: CaseEvent) -> CaseEvent: ...
    def for_case(self, case_id: int) -> list[CaseEvent]: ...
    def for_cases(self, case_ids: Sequence[int]) -> dict[int, list[CaseEvent]]:
        """Several cases' histories, each in order; a case without events is left out."""
        ...

    def last_on(self, case_ids: Sequence[int], *, moves_only: bool) -> dict[int, date]:
        """Each case's latest event day (``moves_only``: of state changes); a case
        without such events is left out."""
        ...


class PlacementRepository(Repository[Placement], Protocol):
    def open_for_case(self, case_id: int) -> Sequence[Placement]: ...
    def for_case(self, case_id: int) -> list[Placement]: ...
    def for_cases(self, case_ids: Sequence[int]) -> dict[int, list[Placement]]:
        """Several cases' placements, each case's earliest first (none: left out)."""
        ...

    def add_many(self, records: Sequence[Placement]) -> list[int]:
        """Insert placements in one statement; each learns its id (returned, in order)."""
        ...

    def save_many(self, records: Sequence[Placement]) -> None:
        """Save placements read in this transaction, in one flush."""
        ...

    def listing(
        self,
        *,
        workplace_id: int | None = None,
        programme: str | None = None,
        active_on: date | None = None,
        ending_before: date | None = None,
    ) -> list[Placement]: ...
    def open_with(
        self,
        *,
        supervisor_id: int | None = None,
        workplace_id: int | None = None,
        case_id: int | None = None,
    ) -> list[OpenPlacement]: ...


class FollowupRepository(Repository[Followup], Protocol):
    def locked(self, record_id: int) -> Followup: ...
    def add_many(self, records: Sequence[Followup]) -> list[int]:
        """Insert items in one statement; each learns its id (also returned, in order)."""
        ...

    def save_many(self, records: Sequence[Followup]) -> None:
        """Save items read in this transaction, in one flush."""
        ...

    def open_for_case(self, case_id: int) -> list[Followup]: ...
    def unbooked_meetings(self, case_id: int) -> list[Followup]: ...
    def lines(
        self,
        *,
        followup_id: int | None = None,
        case_id: int | None = None,
        caseworker_id: int | None = None,
        statuses: Sequence[str] | None = None,
        due_by: date | None = None,
        due_before: date | None = None,
        case_ids: Sequence[int] | None = None,
    ) -> list[FollowupEntry]: ...


class MeetingRepository(Repository[Meeting], Protocol):
    def locked(self, record_id: int) -> Meeting: ...
    def held_moments(self, case_ids: Sequence[int]) -> dict[int, list[datetime]]:
        """When several cases' meetings recorded as held took place (none: left out)."""
        ...

    def lines(
        self,
        *,
        meeting_id: int | None = None,
        case_id: int | None = None,
        caseworker_id: int | None = None,
        statuses: Sequence[str] | None = None,
        start: datetime | None = None,
        end: datetime | None = None,
    ) -> list[MeetingEntry]: ...


class NoteRepository(Protocol):
    """Case notes, append-only."""

    def add(self, note: CaseNote) -> CaseNote: ...
    def for_case(self, case_id: int) -> list[CaseNote]:
        """A case's notes, oldest first."""
        ...


class CaseQueries(Protocol):
    def caseload(
        self,
        *,
        step: int | None = None,
        status: str | None = None,
        caseworker_id: int | None = None,
        limit: int | None = None,
    ) -> list[CaseSummary]: ...
    def idle(self, *, caseworker_id: int, last_by: date) -> list[tuple[int, str, int | None, date]]:
        """The caseworker's open cases with nothing recorded after ``last_by``: (id,
        name, step, last day), the longest idle first."""
        ...


class DigestQueries(Protocol):
    """The weekly letter's read side (``persistence.digest_queries``)."""

    def due_between(
        self, first: date, last: date, *, caseworker_id: int | None = None
    ) -> list[DueLine]: ...
    def overdue_before(self, day: date, *, caseworker_id: int | None = None) -> list[DueLine]: ...
    def meetings_between(
        self, first: datetime, last: datetime, *, caseworker_id: int | None = None
    ) -> list[MeetingLine]: ...
    def placements_starting(
        self, first: date, last: date, *, caseworker_id: int | None = None
    ) -> list[PlacementLine]: ...
    def placements_ending(
        self, first: date, last: date, *, caseworker_id: int | None = None
    ) -> list[PlacementLine]: ...


class HandoverQueries(Protocol):
    """Caseload handover in set-based SQL (``persistence.handover``)."""

    def cases(self, case_ids: Sequence[int]) -> list[CaseOwnership]: ...
    def counts(self, from_id: int, case_ids: Sequence[int] | None = None) -> CaseloadCounts: ...
    def latest_transfer(
        self, from_id: int, case_ids: Sequence[int] | None = None
    ) -> date | None: ...
    def transfer(
        self,
        from_id: int,
        to_id: int,
        *,
        case_ids: Sequence[int] | None,
        on: date,
        recorded_at: datetime,
        actor_id: int | None,
        note: str | None,
        address: str | None = None,
    ) -> int: ...


class UnitOfWork(Protocol):
    """One transaction; read-only members so any implementation's own types fit."""

    @property
    def people(self) -> PersonRepository: ...
    @property
    def caseworkers(self) -> CaseworkerRepository: ...
    @property
    def workplaces(self) -> WorkplaceRepository: ...
    @property
    def supervisors(self) -> SupervisorRepository: ...
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
    def meetings(self) -> MeetingRepository: ...
    @property
    def reminders(self) -> ReminderRepository: ...
    @property
    def digest(self) -> DigestQueries: ...
    @property
    def letters(self) -> LetterRepository: ...
    @property
    def handover(self) -> HandoverQueries: ...
    @property
    def reports(self) -> ReportQueries: ...
    @property
    def targets(self) -> TargetRepository: ...
    @property
    def bulk(self) -> BulkWriter: ...
    @property
    def exports(self) -> ExportQueries: ...
    @property
    def health(self) -> HealthQueries: ...
    @property
    def pipeline(self) -> PipelineStore: ...
    @property
    def changes(self) -> RecordChanges: ...
    @property
    def finder(self) -> PersonFinder: ...
    @property
    def notes(self) -> NoteRepository: ...
    @property
    def corrections(self) -> CorrectionStore: ...
    @property
    def places(self) -> PlaceRepository: ...
    @property
    def employer_contacts(self) -> EmployerContactRepository: ...
    @property
    def listing(self) -> ListQueries: ...
    @property
    def profiles(self) -> ProfileRepository: ...
    @property
    def matching(self) -> MatchQueries: ...
    @property
    def proposals(self) -> ProposalRepository: ...
    @property
    def courses(self) -> SupervisorCourseRepository: ...
    @property
    def trainings(self) -> SupervisorTrainingRepository: ...
    @property
    def access(self) -> AccessLog: ...
    @property
    def extracts(self) -> ExtractQueries: ...
    @property
    def retention(self) -> RetentionStore: ...
    @property
    def protection(self) -> ProtectionStore: ...
    @property
    def erasure(self) -> ErasureStore: ...

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
