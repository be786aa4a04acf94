"""The SQL unit of work: one transaction per use case; rollback unless committed.

Its repositories and queries are built, and their modules imported, when a use case
first asks for them: a read-only ``kivo participant show`` imports the four modules it
reads with, not the twenty members' (reports, exports, bulk writing, …).
"""

from __future__ import annotations

from functools import cached_property
from types import TracebackType
from typing import TYPE_CHECKING, Self

from states.errors import Conflict

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlmodel import Session

    from persistence.access_log import AccessLogRepository
    from persistence.bulk import BulkWriter
    from persistence.changes import RecordChanges
    from persistence.digest_queries import DigestQueries
    from persistence.export_queries import ExportQueries
    from persistence.finding import PersonFinder
    from persistence.followups import (
        FollowupRepository,
        MeetingRepository,
    )
    from persistence.handover import HandoverQueries
    from persistence.health import HealthQueries
    from persistence.letters import LetterRepository
    from persistence.list_queries import ListQueries
    from persistence.notes import NoteRepository
    from persistence.outbox import ReminderRepository
    from persistence.pipeline_store import PipelineStore
    from persistence.place_repository import EmployerContactRepository, PlaceRepository
    from persistence.placements import PlacementRepository
    from persistence.queries import CaseQueries
    from persistence.report_queries import ReportQueries
    from persistence.repositories import (
        CaseRepository,
        CaseworkerRepository,
        EventRepository,
        PersonRepository,
        SupervisorRepository,
        WorkplaceRepository,
    )
    from persistence.targets import TargetRepository

LOCK_MESSAGES = ("database is locked", "could not serialize", "deadlock detected")
MEMBERS = (
    "people",
    "caseworkers",
    "workplaces",
    "supervisors",
    "cases",
    "events",
    "placements",
    "queries",
    "followups",
    "meetings",
    "reminders",
    "digest",
    "letters",
    "handover",
    "reports",
    "targets",
    "bulk",
    "exports",
    "health",
    "pipeline",
    "changes",
    "finder",
    "notes",
    "places",
    "employer_contacts",
    "listing",
    "access",
)
"""The repositories and queries, each built on first use within one ``with`` block."""


class SqlUnitOfWork:
    """Opens a session on enter; ``commit`` is explicit, anything else rolls back."""

    session: Session

    def __init__(self, engine: Engine, *, read_only: bool = False) -> None:
        self.engine = engine
        self.read_only = read_only

    def __enter__(self) -> Self:
        from sqlmodel import Session

        bind = self.engine
        if self.read_only and bind.dialect.name == "sqlite":
            bind = bind.execution_options(sqlite_begin="DEFERRED")
        for member in MEMBERS:  # entered again: no repository of the last session
            self.__dict__.pop(member, None)
        self.session = Session(bind, expire_on_commit=False)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self.session.rollback()
        finally:
            self.session.close()
        if exc is not None and _is_conflict(exc):
            raise Conflict(
                "someone else changed the same case or person at the same time; "
                "reload and try again"
            ) from exc

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()

    @cached_property
    def people(self) -> PersonRepository:
        from persistence.repositories import PersonRepository

        return PersonRepository(self.session)

    @cached_property
    def caseworkers(self) -> CaseworkerRepository:
        from persistence.repositories import CaseworkerRepository

        return CaseworkerRepository(self.session)

    @cached_property
    def workplaces(self) -> WorkplaceRepository:
        from persistence.repositories import WorkplaceRepository

        return WorkplaceRepository(self.session)

    @cached_property
    def supervisors(self) -> SupervisorRepository:
        from persistence.repositories import SupervisorRepository

        return SupervisorRepository(self.session)

    @cached_property
    def cases(self) -> CaseRepository:
        from persistence.repositories import CaseRepository

        return CaseRepository(self.session)

    @cached_property
    def events(self) -> EventRepository:
        from persistence.repositories import EventRepository

        return EventRepository(self.session)

    @cached_property
    def placements(self) -> PlacementRepository:
        from persistence.placements import PlacementRepository

        return PlacementRepository(self.session)

    @cached_property
    def queries(self) -> CaseQueries:
        from persistence.queries import CaseQueries

        return CaseQueries(self.session)

    @cached_property
    def followups(self) -> FollowupRepository:
        from persistence.followups import FollowupRepository

        return FollowupRepository(self.session)

    @cached_property
    def meetings(self) -> MeetingRepository:
        from persistence.followups import MeetingRepository

        return MeetingRepository(self.session)

    @cached_property
    def reminders(self) -> ReminderRepository:
        from persistence.outbox import ReminderRepository

        return ReminderRepository(self.session)

    @cached_property
    def digest(self) -> DigestQueries:
        from persistence.digest_queries import DigestQueries

        return DigestQueries(self.session)

    @cached_property
    def letters(self) -> LetterRepository:
        from persistence.letters import LetterRepository

        return LetterRepository(self.session)

    @cached_property
    def handover(self) -> HandoverQueries:
        from persistence.handover import HandoverQueries

        return HandoverQueries(self.session)

    @cached_property
    def reports(self) -> ReportQueries:
        from persistence.report_queries import ReportQueries

        return ReportQueries(self.session)

    @cached_property
    def targets(self) -> TargetRepository:
        from persistence.targets import TargetRepository

        return TargetRepository(self.session)

    @cached_property
    def bulk(self) -> BulkWriter:
        from persistence.bulk import BulkWriter

        return BulkWriter(self.session)

    @cached_property
    def exports(self) -> ExportQueries:
        from persistence.export_queries import ExportQueries

        return ExportQueries(self.session)

    @cached_property
    def health(self) -> HealthQueries:
        from persistence.health import HealthQueries

        return HealthQueries(self.session)

    @cached_property
    def pipeline(self) -> PipelineStore:
        from persistence.pipeline_store import PipelineStore

        return PipelineStore(self.session)

    @cached_property
    def changes(self) -> RecordChanges:
        from persistence.changes import RecordChanges

        return RecordChanges(self.session)

    @cached_property
    def finder(self) -> PersonFinder:
        from persistence.finding import PersonFinder

        return PersonFinder(self.session)

    @cached_property
    def notes(self) -> NoteRepository:
        from persistence.notes import NoteRepository

        return NoteRepository(self.session)

    @cached_property
    def places(self) -> PlaceRepository:
        from persistence.place_repository import PlaceRepository

        return PlaceRepository(self.session)

    @cached_property
    def employer_contacts(self) -> EmployerContactRepository:
        from persistence.place_repository import EmployerContactRepository

        return EmployerContactRepository(self.session)

    @cached_property
    def listing(self) -> ListQueries:
        from persistence.list_queries import ListQueries

        return ListQueries(self.session)

    @cached_property
    def access(self) -> AccessLogRepository:
        from persistence.access_log import AccessLogRepository

        return AccessLogRepository(self.session)


def _is_conflict(exc: BaseException) -> bool:
    """Optimistic-lock failures, lock time-outs, a doubled event or a person enrolled twice."""
    from sqlalchemy.exc import IntegrityError, OperationalError
    from sqlalchemy.orm.exc import StaleDataError

    if isinstance(exc, StaleDataError):
        return True
    text = str(exc).lower()
    if isinstance(exc, OperationalError):
        return any(message in text for message in LOCK_MESSAGES)
    doubled = ("uq_case_event_seq", "case_event.case_id, case_event.seq", "personnummer")
    return isinstance(exc, IntegrityError) and any(key in text for key in doubled)
