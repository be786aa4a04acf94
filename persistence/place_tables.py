"""The tables of places and employer contacts (``states.places``): one place row with
its current status, its append-only events, and the contact log per workplace."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, Column, DateTime, Index, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

_place_version = Column("version", Integer, nullable=False)


class PlaceRow(SQLModel, table=True):
    """A place; ``version`` guards the positions taken against concurrent writers."""

    __tablename__ = "place"
    __table_args__ = (Index("ix_place_status", "status"),)
    __mapper_args__: ClassVar[dict[str, Any]] = {"version_id_col": _place_version}
    id: int | None = Field(default=None, primary_key=True)
    workplace_id: int = Field(foreign_key="workplace.id", index=True)
    title: str = Field(max_length=200)
    positions: int
    taken: int = 0
    steps: list[int] = Field(default_factory=list, sa_type=JSON)
    programmes: list[str] = Field(default_factory=list, sa_type=JSON)
    tasks: list[str] = Field(default_factory=list, sa_type=JSON)
    requirements: list[str] = Field(default_factory=list, sa_type=JSON)
    requirements_note: str | None = None
    # Occupational areas (``states.profiles.AREAS``), and for the set-based match: the
    # areas as bits and the place's last step (a case before it can advance into it).
    areas: list[str] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]")
    )
    area_mask: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    top_step: int = Field(default=9, sa_column=Column(Integer, nullable=False, server_default="9"))
    municipality_key: str | None = Field(default=None, max_length=200)  # folded
    hours: int | None = None
    municipality: str | None = Field(default=None, max_length=200)
    supervisor_id: int | None = Field(default=None, foreign_key="supervisor.id")
    earliest_start: date | None = None
    status: str = Field(max_length=16)
    status_on: date
    created_on: date
    version: int = Field(default=1, sa_column=_place_version)


class PlaceEventRow(SQLModel, table=True):
    """A place's history; database triggers refuse UPDATE and DELETE."""

    __tablename__ = "place_event"
    __table_args__ = (UniqueConstraint("place_id", "seq", name="uq_place_event_seq"),)
    id: int | None = Field(default=None, primary_key=True)
    place_id: int = Field(foreign_key="place.id", index=True)
    seq: int
    kind: str = Field(max_length=16)
    from_status: str | None = Field(default=None, max_length=16)
    to_status: str | None = Field(default=None, max_length=16)
    on: date
    recorded_at: datetime = Field(sa_type=DateTime(timezone=True))
    actor_id: int | None = Field(default=None, foreign_key="caseworker.id")
    reason: str | None = None
    data: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)


class EmployerContactRow(SQLModel, table=True):
    """One dated contact with an employer at a workplace, and the next step agreed."""

    __tablename__ = "employer_contact"
    __table_args__ = (Index("ix_employer_contact_workplace_on", "workplace_id", "on"),)
    id: int | None = Field(default=None, primary_key=True)
    workplace_id: int = Field(foreign_key="workplace.id")
    on: date
    kind: str = Field(max_length=16)
    note: str
    by_id: int | None = Field(default=None, foreign_key="caseworker.id")
    next_on: date | None = None
    recorded_at: datetime = Field(sa_type=DateTime(timezone=True))
