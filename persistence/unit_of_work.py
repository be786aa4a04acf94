"""The SQL unit of work: one transaction per use case; rollback unless committed."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from persistence.bulk import BulkWriter
from persistence.digest_queries import DigestQueries
from persistence.export_queries import ExportQueries
from persistence.followups import FollowupRepository, MeetingRepository
from persistence.handover import HandoverQueries
from persistence.health import HealthQueries
from persistence.outbox import ReminderRepository
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
from states.errors import Conflict

LOCK_MESSAGES = ("database is locked", "could not serialize", "deadlock detected")


class SqlUnitOfWork:
    """Opens a session on enter; ``commit`` is explicit, anything else rolls back."""

    def __init__(self, engine: Engine, *, read_only: bool = False) -> None:
        self.engine = engine
        self.read_only = read_only

    def __enter__(self) -> Self:
        bind = self.engine
        if self.read_only and bind.dialect.name == "sqlite":
            bind = bind.execution_options(sqlite_begin="DEFERRED")
        self.session = Session(bind, expire_on_commit=False)
        self.people = PersonRepository(self.session)
        self.caseworkers = CaseworkerRepository(self.session)
        self.workplaces = WorkplaceRepository(self.session)
        self.supervisors = SupervisorRepository(self.session)
        self.cases = CaseRepository(self.session)
        self.events = EventRepository(self.session)
        self.placements = PlacementRepository(self.session)
        self.queries = CaseQueries(self.session)
        self.followups = FollowupRepository(self.session)
        self.meetings = MeetingRepository(self.session)
        self.reminders = ReminderRepository(self.session)
        self.digest = DigestQueries(self.session)
        self.handover = HandoverQueries(self.session)
        self.reports = ReportQueries(self.session)
        self.targets = TargetRepository(self.session)
        self.bulk = BulkWriter(self.session)
        self.exports = ExportQueries(self.session)
        self.health = HealthQueries(self.session)
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


def _is_conflict(exc: BaseException) -> bool:
    """Optimistic-lock failures, lock time-outs, a doubled event or a person enrolled twice."""
    if isinstance(exc, StaleDataError):
        return True
    text = str(exc).lower()
    if isinstance(exc, OperationalError):
        return any(message in text for message in LOCK_MESSAGES)
    doubled = ("uq_case_event_seq", "case_event.case_id, case_event.seq", "personnummer")
    return isinstance(exc, IntegrityError) and any(key in text for key in doubled)
