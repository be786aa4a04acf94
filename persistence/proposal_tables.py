"""The tables of proposals (``states.proposals``) and of supervisor courses and the
training each supervisor attended (``states.courses``)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import DateTime, Index, text
from sqlmodel import Field, SQLModel

OPEN_ONLY = text("status = 'open'")
ACCEPTED_ONLY = text("status = 'accepted'")


class ProposalRow(SQLModel, table=True):
    """A case proposed for a place. Two partial unique indexes keep, in the database
    itself, one open proposal per place and case and one accepted proposal per case."""

    __tablename__ = "proposal"
    __table_args__ = (
        Index(
            "uq_proposal_open_place_case",
            "place_id",
            "case_id",
            unique=True,
            sqlite_where=OPEN_ONLY,
            postgresql_where=OPEN_ONLY,
        ),
        Index(
            "uq_proposal_accepted_case",
            "case_id",
            unique=True,
            sqlite_where=ACCEPTED_ONLY,
            postgresql_where=ACCEPTED_ONLY,
        ),
        Index("ix_proposal_case_id", "case_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    place_id: int = Field(foreign_key="place.id", index=True)
    case_id: int = Field(foreign_key="kivo_case.id")
    status: str = Field(max_length=16)
    proposed_on: date
    recorded_at: datetime = Field(sa_type=DateTime(timezone=True))
    by_id: int | None = Field(default=None, foreign_key="caseworker.id")
    decided_on: date | None = None
    decided_by_id: int | None = Field(default=None, foreign_key="caseworker.id")
    declined_by: str | None = Field(default=None, max_length=16)
    reason: str | None = None
    placement_id: int | None = Field(default=None, foreign_key="placement.id")
    step: int | None = None


class SupervisorCourseRow(SQLModel, table=True):
    """A supervisor training course the programme offers, on a day."""

    __tablename__ = "supervisor_course"
    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)
    on: date
    recorded_at: datetime = Field(sa_type=DateTime(timezone=True))
    by_id: int | None = Field(default=None, foreign_key="caseworker.id")


class SupervisorTrainingRow(SQLModel, table=True):
    """A supervisor completed training on a day, at a course or not: the history of
    ``kivo supervisor train`` (append-only: never changed, never deleted)."""

    __tablename__ = "supervisor_training"
    id: int | None = Field(default=None, primary_key=True)
    supervisor_id: int = Field(foreign_key="supervisor.id", index=True)
    on: date
    course_id: int | None = Field(default=None, foreign_key="supervisor_course.id", index=True)
    recorded_at: datetime = Field(sa_type=DateTime(timezone=True))
    by_id: int | None = Field(default=None, foreign_key="caseworker.id")
