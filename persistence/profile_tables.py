"""The tables of participant profiles and of what matching reads set-based: a profile's
capabilities (the requirement tags it meets) and a place's requirements, one row each,
so that "every requirement met" is a query, not a loop (``states.profiles``)."""

from __future__ import annotations

from sqlalchemy import JSON, Column, Index, Integer, String
from sqlmodel import Field, SQLModel


class ProfileRow(SQLModel, table=True):
    """A person's profile; ``interest_mask`` is the interests as bits (``AREAS``)."""

    __tablename__ = "participant_profile"
    person_id: int = Field(foreign_key="person.id", primary_key=True)
    interests: list[str] = Field(default_factory=list, sa_type=JSON)
    languages: list[str] = Field(default_factory=list, sa_type=JSON)
    licences: list[str] = Field(default_factory=list, sa_type=JSON)
    certificates: list[str] = Field(default_factory=list, sa_type=JSON)
    max_hours: int | None = None
    municipality: str | None = Field(default=None, max_length=60)
    municipality_key: str | None = Field(default=None, max_length=60)  # folded
    adaptations: list[str] = Field(default_factory=list, sa_type=JSON)
    interest_mask: int = Field(default=0, sa_column=Column(Integer, nullable=False))


class ProfileCapabilityRow(SQLModel, table=True):
    """One requirement tag a person's profile meets (written with the profile)."""

    __tablename__ = "profile_capability"
    __table_args__ = (Index("ix_profile_capability_tag", "capability", "person_id"),)
    person_id: int = Field(foreign_key="person.id", primary_key=True)
    capability: str = Field(sa_column=Column(String(48), primary_key=True))


class PlaceRequirementRow(SQLModel, table=True):
    """One requirement of a place from the vocabulary (written with the place)."""

    __tablename__ = "place_requirement"
    place_id: int = Field(foreign_key="place.id", primary_key=True)
    requirement: str = Field(sa_column=Column(String(48), primary_key=True))
