"""The request bodies of the employer side (places, proposals, employer contacts,
profiles), each with an example for the OpenAPI document; the use cases check the
vocabulary (steps, requirements, areas, languages), as at the CLI."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field, JsonValue
from pydantic.config import JsonDict

from web.api.models import Body, Day, Id, Text

Word = Annotated[str, Field(min_length=1, max_length=60)]
Words = Annotated[list[Word], Field(max_length=20)]


def _examples(*examples: JsonDict) -> ConfigDict:
    found: list[JsonValue] = list(examples)
    return ConfigDict(extra="forbid", json_schema_extra={"examples": found})


class PlaceIn(Body):
    """A place a workplace offers, recorded at the ``contact`` stage."""

    workplace: Id
    title: Annotated[str, Field(min_length=1, max_length=200)]
    positions: Annotated[int, Field(ge=1, le=100)]
    steps: Annotated[list[int | Word], Field(min_length=1, max_length=9)]
    programmes: Words = Field(default_factory=list)
    requires: Words = Field(
        default_factory=list,
        description="swedish:B1, driving-licence:B, certificate:NAME, physical:…",
    )
    requires_note: Text | None = None
    hours: Annotated[int, Field(ge=1, le=40)] | None = None
    municipality: Annotated[str, Field(max_length=100)] | None = None
    supervisor: Id | None = None
    earliest_start: Day | None = None
    tasks: Annotated[list[Annotated[str, Field(max_length=200)]], Field(max_length=20)] = Field(
        default_factory=list
    )
    areas: Words = Field(
        default_factory=list, description="Occupational areas: retail, warehouse …"
    )
    on: Day | None = None

    model_config = _examples(
        {
            "workplace": 1,
            "title": "Bagerilärling",
            "positions": 2,
            "steps": [2, 7],
            "programmes": ["PRAKTIK"],
            "requires": ["swedish:A2"],
            "hours": 30,
            "municipality": "Gotland",
            "supervisor": 1,
            "earliest_start": "2026-03-01",
            "tasks": ["Baka bröd", "Diska"],
            "areas": ["food"],
        }
    )


class PlaceOnIn(Body):
    """The day a place was agreed or opened (today when left out)."""

    on: Day | None = None

    model_config = _examples({"on": "2026-02-01"})


class PlaceCancelIn(Body):
    reason: Annotated[Text, Field(min_length=1, max_length=500)]
    on: Day | None = None

    model_config = _examples({"reason": "the employer reorganised", "on": "2026-02-10"})


class ProposalIn(Body):
    place: Id
    case: Id
    on: Day | None = None

    model_config = _examples({"place": 4, "case": 3, "on": "2026-03-02"})


class AcceptIn(Body):
    on: Day | None = None
    until: Annotated[Day | None, Field(description="The placement's planned end.")] = None

    model_config = _examples({"on": "2026-03-09", "until": "2026-06-05"})


class DeclineIn(Body):
    by: Literal["participant", "employer"]
    reason: Annotated[Text, Field(min_length=1, max_length=500)]
    on: Day | None = None

    model_config = _examples({"by": "employer", "reason": "the team is full this spring"})


class ContactIn(Body):
    on: Day | None = None
    kind: Literal["call", "visit", "meeting", "e-mail"]
    note: Annotated[Text, Field(min_length=1, max_length=2000)]
    next: Annotated[Day | None, Field(description="When the next agreed step is due.")] = None

    model_config = _examples(
        {
            "on": "2026-01-15",
            "kind": "visit",
            "note": "Två platser i bageriet",
            "next": "2026-02-01",
        }
    )


class ProfileIn(Body):
    """The fields given replace those fields whole; ``clear`` empties fields."""

    interests: Words | None = None
    languages: Annotated[Words | None, Field(description="LANGUAGE:LEVEL: swedish:B1")] = None
    licences: Words | None = None
    certificates: Words | None = None
    max_hours: Annotated[int, Field(ge=1, le=40)] | None = None
    municipality: Annotated[str, Field(max_length=100)] | None = None
    adaptations: Words | None = None
    clear: Words = Field(default_factory=list)

    model_config = _examples(
        {"interests": ["retail", "food"], "languages": ["swedish:B1"], "max_hours": 30},
        {"clear": ["licences"]},
    )
