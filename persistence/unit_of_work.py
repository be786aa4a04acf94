"""The SQL unit of work: one transaction per use case; rollback unless committed.

Its repositories and queries are built, and their modules imported, when a use case
first asks for them: a read-only ``kivo participant show`` imports the four modules it
reads with, not the twenty members' (reports, exports, bulk writing, …).

Entered again inside its own ``with`` block (a page's read use cases given one unit of
work, ``pathway.page_reads``), it is the same transaction: only the outermost block
ends it.

The transaction is opened on first use. The move pipeline (``pipeline``), when it comes
first (every move), runs on a DBAPI connection checked out of the engine's pool, with no
SQLAlchemy ``Connection`` nor ORM ``Session``: building, beginning, committing and closing
those cost more than the light move's own statements. Any other member gets a Core
``Connection`` (adopting the pool's connection, transaction and all, if the pipeline
began on it), and the ORM ``Session`` is built on that connection only when a repository
asks for ``session``. Whoever commits, it is one transaction: the session joins the
connection's (its commit flushes, the connection's commits), and anything not committed
is rolled back on exit.

A read-only unit of work on a SQLite file (``sqlite_url``) whose first member used is the
pipeline, in a process whose (lazy) engine is not built yet, reads on the bare driver
(``persistence.driver``): a one-shot ``participant show`` imports no SQLAlchemy. Should a
repository be asked for afterwards, its connection is made on that same driver
connection, in the same read transaction. Once the engine exists (a server, a second
use case), its pool serves every unit of work.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from states.errors import Conflict

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine
    from sqlmodel import Session

    from persistence.access_log import AccessLogRepository
    from persistence.bulk import BulkWriter
    from persistence.changes import RecordChanges
    from persistence.corrections import CorrectionStore
    from persistence.digest_queries import DigestQueries
    from persistence.erasure import ErasureStore
    from persistence.export_queries import ExportQueries
    from persistence.extract_queries import ExtractQueries
    from persistence.finding import PersonFinder
    from persistence.followups import (
        FollowupRepository,
        MeetingRepository,
    )
    from persistence.handover import HandoverQueries
    from persistence.health import HealthQueries
    from persistence.letters import LetterRepository
    from persistence.list_queries import ListQueries
    from persistence.matching import MatchQueries, ProfileRepository
    from persistence.notes import NoteRepository
    from persistence.outbox import ReminderRepository
    from persistence.pipeline_store import PipelineStore
    from persistence.place_repository import EmployerContactRepository, PlaceRepository
    from persistence.placements import PlacementRepository
    from persistence.proposal_repository import (
        ProposalRepository,
        SupervisorCourseRepository,
        SupervisorTrainingRepository,
    )
    from persistence.protection import ProtectionStore
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
    from persistence.retention import RetentionStore
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
    "corrections",
    "profiles",
    "matching",
    "proposals",
    "courses",
    "trainings",
    "access",
    "extracts",
    "retention",
    "protection",
    "erasure",
)
"""The repositories and queries, each built on first use within one ``with`` block."""


class SqlUnitOfWork:
    """Opens a connection on first use; ``commit`` is explicit, anything else rolls back.

    ``engine``: the engine, or a function that gives it (built on first use)."""

    def __init__(
        self,
        engine: Engine | Callable[[], Engine],
        *,
        read_only: bool = False,
        sqlite_url: str | None = None,
    ) -> None:
        self._engine = engine
        self.read_only = read_only
        self._driver_url = sqlite_url if read_only else None
        self._connection: Connection | None = None
        self._session: Session | None = None
        self._driver: Any = None  # a bare sqlite3 connection (read-only, pipeline first)
        self._pooled: Any = None  # the pool's DBAPI connection the pipeline began on
        self._depth = 0  # ``with`` blocks entered: a page's use cases share one (``joined``)

    @property
    def engine(self) -> Engine:
        engine = self._engine
        return engine() if callable(engine) else engine

    def __enter__(self) -> Self:
        self._depth += 1
        if self._depth > 1:  # entered again inside its block: the same transaction
            return self
        for member in MEMBERS:  # entered again: no repository of the last transaction
            self.__dict__.pop(member, None)
        self._connection = self._session = self._driver = self._pooled = None
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._depth -= 1
        if self._depth > 0:  # an inner block: the outer one ends the transaction
            return
        session, connection, driver = self._session, self._connection, self._driver
        pooled = self._pooled
        self._session = self._connection = self._driver = self._pooled = None
        try:
            if session is not None:
                session.close()
        finally:
            try:
                if connection is not None:
                    connection.close()  # what was not committed is rolled back
                if pooled is not None:
                    pooled.close()  # back to the pool, rolled back
            finally:
                if driver is not None:
                    driver.close()  # a read: nothing to keep
        if exc is not None and _is_conflict(exc):
            raise Conflict(
                "someone else changed the same case or person at the same time; "
                "reload and try again"
            ) from exc

    @property
    def connection(self) -> Connection:
        """This unit of work's connection, in a begun transaction (begun again after a
        commit or a rollback, as a session would)."""
        connection = self._connection
        if connection is None:
            if self._driver is not None:
                assert self._driver_url is not None
                connection = _on_driver(self._driver, self._driver_url)
            elif self._pooled is not None:  # the pipeline began on it: adopted, transaction and all
                from sqlalchemy import Connection

                connection = Connection(self._bind(), connection=self._pooled)
                self._pooled = None
            else:
                connection = self._bind().connect()
            self._connection = connection
        if not connection.in_transaction():
            connection.begin()
        return connection

    def _bind(self) -> Engine:
        engine = self.engine
        if self.read_only and engine.dialect.name == "sqlite":
            return engine.execution_options(sqlite_begin="DEFERRED")
        return engine

    def _pool_connection(self) -> Any:
        """A DBAPI connection from the engine's pool, in a begun transaction: what the
        pipeline runs on when it is the first member used (a move), without a SQLAlchemy
        ``Connection`` (its events and bookkeeping cost more than the light move's own
        statements). A member asked for afterwards adopts it (``connection``)."""
        pooled = self._pooled
        if pooled is None:
            pooled = self._pooled = self.engine.raw_connection()
        if self.engine.dialect.name == "sqlite":
            driver = pooled.driver_connection
            if not driver.in_transaction:
                driver.execute("BEGIN DEFERRED" if self.read_only else "BEGIN IMMEDIATE")
        return pooled  # psycopg begins a transaction itself with the first statement

    @property
    def _engine_built(self) -> bool:
        """Whether the engine exists (a given one, or a lazy one built): then its pool
        serves the reads too; the bare driver is for a process's first, cold read."""
        built = getattr(self._engine, "built", True)
        return built() if callable(built) else bool(built)

    def _driver_connection(self) -> Any:
        """The bare driver connection of a read-only unit of work, in a read transaction."""
        driver = self._driver
        if driver is None:
            from persistence.driver import connect, sqlite_file

            assert self._driver_url is not None
            path = sqlite_file(self._driver_url)
            assert path is not None, self._driver_url
            driver = self._driver = connect(self._driver_url, path)
        if not driver.in_transaction:
            driver.execute("BEGIN DEFERRED")
        return driver

    @property
    def session(self) -> Session:
        """The ORM session, built on first use on this unit of work's connection; it
        flushes on ``commit`` and never commits or closes the transaction itself."""
        session = self._session
        if session is None:
            from sqlmodel import Session

            session = self._session = Session(
                self.connection, expire_on_commit=False, join_transaction_mode="rollback_only"
            )
        return session

    def commit(self) -> None:
        if self._session is not None:
            self._session.commit()  # flushes; the connection's transaction commits below
        if self._connection is not None:
            self._connection.commit()
        if self._pooled is not None:
            self._pooled.commit()
        if self._driver is not None and self._driver.in_transaction:
            self._driver.commit()
        self.__dict__.pop("pipeline", None)  # its cursor begins again with the next use

    def rollback(self) -> None:
        if self._session is not None:
            self._session.rollback()
        if self._connection is not None:
            self._connection.rollback()
        if self._pooled is not None:
            self._pooled.rollback()
        if self._driver is not None and self._driver.in_transaction:
            self._driver.rollback()
        self.__dict__.pop("pipeline", None)

    @cached_property
    def people(self) -> PersonRepository:
        from persistence.repositories import PersonRepository

        return PersonRepository(self.session)

    @cached_property
    def caseworkers(self) -> CaseworkerRepository:
        from persistence.repositories import CaseworkerRepository

        return CaseworkerRepository(self.session, read_only=self.read_only)

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

        if self._connection is not None:
            return PipelineStore(self.connection)
        if self._driver is not None or (self._driver_url is not None and not self._engine_built):
            return PipelineStore.on_driver(self._driver_connection(), sqlite=True)
        pooled = self._pool_connection()
        return PipelineStore.on_driver(pooled, sqlite=self.engine.dialect.name == "sqlite")

    @cached_property
    def changes(self) -> RecordChanges:
        from persistence.changes import RecordChanges

        return RecordChanges(self.session)

    @cached_property
    def finder(self) -> PersonFinder:
        from persistence.finding import PersonFinder

        return PersonFinder(self.session)

    @cached_property
    def corrections(self) -> CorrectionStore:
        from persistence.corrections import CorrectionStore

        return CorrectionStore(self.session)

    @cached_property
    def notes(self) -> NoteRepository:
        from persistence.notes import NoteRepository

        return NoteRepository(self.session)

    @cached_property
    def profiles(self) -> ProfileRepository:
        from persistence.matching import ProfileRepository

        return ProfileRepository(self.session)

    @cached_property
    def matching(self) -> MatchQueries:
        from persistence.matching import MatchQueries

        return MatchQueries(self.session)

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
    def proposals(self) -> ProposalRepository:
        from persistence.proposal_repository import ProposalRepository

        return ProposalRepository(self.session)

    @cached_property
    def courses(self) -> SupervisorCourseRepository:
        from persistence.proposal_repository import SupervisorCourseRepository

        return SupervisorCourseRepository(self.session)

    @cached_property
    def trainings(self) -> SupervisorTrainingRepository:
        from persistence.proposal_repository import SupervisorTrainingRepository

        return SupervisorTrainingRepository(self.session)

    @cached_property
    def access(self) -> AccessLogRepository:
        from persistence.access_log import AccessLogRepository

        return AccessLogRepository(self.session)

    @cached_property
    def extracts(self) -> ExtractQueries:
        from persistence.extract_queries import ExtractQueries

        return ExtractQueries(self.session)

    @cached_property
    def retention(self) -> RetentionStore:
        from persistence.retention import RetentionStore

        return RetentionStore(self.session)

    @cached_property
    def protection(self) -> ProtectionStore:
        from persistence.protection import ProtectionStore

        return ProtectionStore(self.session)

    @cached_property
    def erasure(self) -> ErasureStore:
        from persistence.erasure import ErasureStore

        return ErasureStore(self.session)


def _on_driver(driver: Any, url: str) -> Connection:
    """A SQLAlchemy connection on a bare driver connection already in its read
    transaction (a read-only unit of work that began on the driver, then needs a
    repository). The engine learns the database on a connection of its own first:
    SQLAlchemy rolls back the connection it first learns on."""
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    from persistence.driver import connect, sqlite_file

    path = sqlite_file(url)
    assert path is not None, url
    given = iter([connect(url, path), driver])
    engine = create_engine("sqlite://", creator=lambda: next(given), poolclass=NullPool)
    engine.connect().close()  # the first, learning connection, closed
    return engine.connect()  # on ``driver``; its BEGIN is the dialect's no-op


def _is_conflict(exc: BaseException) -> bool:
    """Optimistic-lock failures, lock time-outs, a doubled event or a person enrolled twice."""
    from sqlalchemy.exc import IntegrityError, OperationalError
    from sqlalchemy.orm.exc import StaleDataError

    if isinstance(exc, StaleDataError):
        return True
    text = str(exc).lower()
    kinds = {kind.__name__ for kind in type(exc).__mro__}  # SQLAlchemy's or the driver's own
    if isinstance(exc, OperationalError) or "OperationalError" in kinds:
        return any(message in text for message in LOCK_MESSAGES)
    doubled = (
        "uq_case_event_seq",
        "case_event.case_id, case_event.seq",
        "personnummer",
        "uq_proposal_",  # a second open proposal, or a second accepted one, at once
        "proposal.place_id, proposal.case_id",
        "proposal.case_id",
    )
    integrity = isinstance(exc, IntegrityError) or "IntegrityError" in kinds
    return integrity and any(key in text for key in doubled)
