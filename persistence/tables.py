"""The database tables. Field names match ``states.records`` so mapping stays trivial."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, Column, DateTime, Index, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from persistence.place_tables import (  # noqa: F401  (one metadata: every table is here)
    EmployerContactRow,
    PlaceEventRow,
    PlaceRow,
)
from persistence.profile_tables import (  # noqa: F401
    PlaceRequirementRow,
    ProfileCapabilityRow,
    ProfileRow,
)
from persistence.proposal_tables import (  # noqa: F401  (one metadata: every table is here)
    ProposalRow,
    SupervisorCourseRow,
    SupervisorTrainingRow,
)

_case_version = Column("version", Integer, nullable=False)


class PersonRow(SQLModel, table=True):
    __tablename__ = "person"
    id: int | None = Field(default=None, primary_key=True)
    name: str
    personnummer: str | None = Field(default=None, unique=True, max_length=12)
    gender: str = Field(default="unknown", max_length=16)
    birth_year: int | None = None
    groups: list[str] = Field(default_factory=list, sa_type=JSON)
    permit_date: date | None = None
    # Sensitive ESF+ characteristics as stated (name -> yes/no); absent means unknown.
    characteristics: dict[str, bool] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False, server_default="{}")
    )
    # How to reach the participant; set by ``participant edit`` (not part of ``Person``).
    email: str | None = None
    phone: str | None = Field(default=None, max_length=32)
    # Protected identity: the initials shown in place of the name (None: not protected;
    # ``states.protection``). Set by ``participant protect``, not part of ``Person``.
    protected_initials: str | None = Field(default=None, max_length=16)
    # An erased person (``states.erasure``): the stand-in date of birth that keeps every
    # age band, and the day of the erasure.
    born_on: date | None = None
    erased_on: date | None = None


class PersonWordRow(SQLModel, table=True):
    """A person's name as folded words (``states.search.name_words``): a search for the
    beginning of a word reads this index instead of every name. Written with the person."""

    __tablename__ = "person_word"
    __table_args__ = (
        # (word, person): the search reads only the index (covering)
        Index(
            "ix_person_word_prefix",
            "word",
            "person_id",
            postgresql_ops={"word": "text_pattern_ops"},
        ),
    )
    person_id: int = Field(foreign_key="person.id", primary_key=True)
    word: str = Field(primary_key=True, max_length=200)


class RecordChangeRow(SQLModel, table=True):
    """One changed field of a person, caseworker, supervisor or workplace: append-only."""

    __tablename__ = "record_change"
    __table_args__ = (Index("ix_record_change_record", "record", "record_id", "id"),)
    id: int | None = Field(default=None, primary_key=True)
    record: str = Field(max_length=16)  # person, caseworker, supervisor, workplace
    record_id: int
    field_name: str = Field(max_length=32)
    old_value: str | None = None
    new_value: str | None = None
    actor_id: int | None = Field(default=None, foreign_key="caseworker.id")
    reason: str | None = None
    recorded_at: datetime = Field(sa_type=DateTime(timezone=True))


class CaseworkerRow(SQLModel, table=True):
    __tablename__ = "caseworker"
    id: int | None = Field(default=None, primary_key=True)
    name: str
    email: str | None = None
    role: str = Field(default="caseworker", max_length=16)
    active: bool = True


class WorkplaceRow(SQLModel, table=True):
    __tablename__ = "workplace"
    id: int | None = Field(default=None, primary_key=True)
    name: str
    employer: str | None = None
    active: bool = True


class SupervisorRow(SQLModel, table=True):
    __tablename__ = "supervisor"
    id: int | None = Field(default=None, primary_key=True)
    name: str
    workplace_id: int = Field(foreign_key="workplace.id", index=True)
    trained_on: date | None = None
    capacity: int = 2
    active: bool = True


class CaseRow(SQLModel, table=True):
    """One enrolment; ``version`` guards against lost updates (optimistic locking)."""

    __tablename__ = "kivo_case"
    __table_args__ = (Index("ix_case_state", "state"),)
    __mapper_args__: ClassVar[dict[str, Any]] = {"version_id_col": _case_version}
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    state: str = Field(max_length=32)
    step: int | None = None
    paused_from: str | None = Field(default=None, max_length=32)
    caseworker_id: int | None = Field(default=None, foreign_key="caseworker.id", index=True)
    opened_on: date
    closed_on: date | None = None
    outcome: str | None = Field(default=None, max_length=16)
    consent_on: date | None = None
    last_move_on: date | None = None
    version: int = Field(default=1, sa_column=_case_version)


class CaseEventRow(SQLModel, table=True):
    """The append-only history; database triggers refuse UPDATE and DELETE."""

    __tablename__ = "case_event"
    __table_args__ = (
        UniqueConstraint("case_id", "seq", name="uq_case_event_seq"),
        Index("ix_case_event_flow", "kind", "on", "from_state", "to_state", "case_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="kivo_case.id")
    seq: int
    kind: str = Field(max_length=32)
    from_state: str | None = Field(default=None, max_length=32)
    to_state: str | None = Field(default=None, max_length=32)
    on: date
    recorded_at: datetime = Field(sa_type=DateTime(timezone=True))
    actor_id: int | None = Field(default=None, foreign_key="caseworker.id")
    reason: str | None = None
    warnings: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    overrides: list[str] = Field(default_factory=list, sa_type=JSON)
    data: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)

    @property
    def outcome(self) -> str | None:
        """What an exit recorded (as ``states.records.CaseEvent.outcome``)."""
        found = self.data.get("outcome")
        return str(found) if found is not None else None

    @property
    def corrects(self) -> int | None:
        """What a correction undoes (as ``states.records.CaseEvent.corrects``)."""
        found = self.data.get("corrects")
        return found if isinstance(found, int) and not isinstance(found, bool) else None


class PlacementRow(SQLModel, table=True):
    __tablename__ = "placement"
    __table_args__ = (Index("ix_placement_start", "start"),)
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="kivo_case.id", index=True)
    step: int
    workplace_id: int | None = Field(default=None, foreign_key="workplace.id", index=True)
    supervisor_id: int | None = Field(default=None, foreign_key="supervisor.id", index=True)
    programme: str | None = Field(default=None, max_length=16)
    start: date
    planned_end: date | None = None
    ended_on: date | None = None
    end_reason: str | None = None
    employment_kind: str | None = Field(default=None, max_length=16)  # step 7 only


class FollowupRow(SQLModel, table=True):
    __tablename__ = "followup"
    __table_args__ = (Index("ix_followup_status_due", "status", "due"),)
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="kivo_case.id", index=True)
    name: str = Field(max_length=64)
    kind: str = Field(max_length=16)
    title: str
    due: date
    status: str = Field(default="pending", max_length=16)
    step: int | None = None
    placement_id: int | None = Field(default=None, foreign_key="placement.id")
    anchor: str = Field(default="start", max_length=16)
    offset_days: int = 0
    keep: bool = False
    done_on: date | None = None
    suspended_on: date | None = None
    notes: str | None = None
    cancel_reason: str | None = None
    finding: str | None = Field(default=None, max_length=32)


class MeetingRow(SQLModel, table=True):
    __tablename__ = "meeting"
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="kivo_case.id", index=True)
    at: datetime = Field(sa_type=DateTime(timezone=True), index=True)
    uid: str = Field(max_length=128, unique=True)
    status: str = Field(default="scheduled", max_length=16)
    followup_id: int | None = Field(default=None, foreign_key="followup.id")
    supervisor_id: int | None = Field(default=None, foreign_key="supervisor.id")
    notes: str | None = None
    # How often the meeting was moved: its calendar event's SEQUENCE (RFC 5545 3.8.7.4).
    sequence: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class CaseNoteRow(SQLModel, table=True):
    """Dated case notes (personal data): append-only, as the history is; database
    triggers refuse UPDATE and DELETE."""

    __tablename__ = "case_note"
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="kivo_case.id", index=True)
    recorded_at: datetime = Field(sa_type=DateTime(timezone=True))
    author_id: int | None = Field(default=None, foreign_key="caseworker.id")
    text: str


class ReminderRow(SQLModel, table=True):
    """The reminder outbox; (followup, kind, due) is unique so nothing is queued twice."""

    __tablename__ = "reminder"
    __table_args__ = (
        UniqueConstraint("followup_id", "kind", "due", name="uq_reminder_what"),
        Index("ix_reminder_due", "status", "send_on", "id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    followup_id: int = Field(foreign_key="followup.id", index=True)
    case_id: int = Field(foreign_key="kivo_case.id")
    kind: str = Field(max_length=16)
    due: date
    send_on: date
    status: str = Field(default="pending", max_length=16)
    attempts: int = 0
    next_attempt_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    claimed_until: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    claimed_by: str | None = Field(default=None, max_length=64)
    sent_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    last_error: str | None = None


class WeeklyLetterRow(SQLModel, table=True):
    """The weekly letter's outbox: one row per person and ISO week (``2026-W10``); the
    unique key makes a second scheduler's queueing of the same letter a no-op."""

    __tablename__ = "weekly_letter"
    __table_args__ = (
        UniqueConstraint("caseworker_id", "week", name="uq_weekly_letter_person_week"),
    )
    id: int | None = Field(default=None, primary_key=True)
    caseworker_id: int = Field(foreign_key="caseworker.id")
    week: str = Field(max_length=8)
    status: str = Field(default="pending", max_length=16)  # pending, sent, dropped
    attempts: int = 0
    next_attempt_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    claimed_until: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    claimed_by: str | None = Field(default=None, max_length=64)
    sent_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    last_error: str | None = None


class TargetRow(SQLModel, table=True):
    """A programme's target for a year: how many placements it should start."""

    __tablename__ = "target"
    __table_args__ = (UniqueConstraint("programme", "year", name="uq_target_programme_year"),)
    id: int | None = Field(default=None, primary_key=True)
    programme: str = Field(max_length=16)
    year: int
    count: int
    set_at: datetime = Field(sa_type=DateTime(timezone=True))


class HeartbeatRow(SQLModel, table=True):
    """One row per scheduler process; ``seen_at`` is refreshed on every tick."""

    __tablename__ = "scheduler_heartbeat"
    id: int | None = Field(default=None, primary_key=True)
    worker: str = Field(max_length=64, unique=True)
    host: str = Field(max_length=255)
    pid: int
    started_at: datetime = Field(sa_type=DateTime(timezone=True))
    seen_at: datetime = Field(sa_type=DateTime(timezone=True))
    stopped_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


class AccessLogRow(SQLModel, table=True):
    """The access log (loggkontroll): who read or changed which case, when, from where.
    Append-only: database triggers refuse UPDATE and DELETE."""

    __tablename__ = "access_log"
    __table_args__ = (
        Index("ix_access_log_case", "case_id", "id"),
        Index("ix_access_log_caseworker", "caseworker_id", "id"),
        Index("ix_access_log_at", "at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_type=DateTime(timezone=True))
    caseworker_id: int | None = Field(default=None, foreign_key="caseworker.id")
    case_id: int = Field(foreign_key="kivo_case.id")
    action: str = Field(max_length=32)
    address: str | None = Field(default=None, max_length=64)


class RemovalInProgressRow(SQLModel, table=True):
    """The guard row of a sanctioned removal (erasure, retention): held only inside the
    removal's own transaction, it lets the append-only triggers pass an UPDATE or DELETE."""

    __tablename__ = "removal_in_progress"
    id: int = Field(primary_key=True)


class DataRemovalRow(SQLModel, table=True):
    """One sanctioned removal of personal data, recorded without personal data: when, which
    kind (erasure or retention), under which decision, by whom, how many of each record."""

    __tablename__ = "data_removal"
    __table_args__ = (Index("ix_data_removal_at", "at"),)
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_type=DateTime(timezone=True))
    kind: str = Field(max_length=16)
    decision: str = Field(max_length=200)
    case_id: int | None = Field(default=None)
    by_id: int | None = Field(default=None, foreign_key="caseworker.id")
    counts: dict[str, int] = Field(sa_column=Column(JSON, nullable=False))
