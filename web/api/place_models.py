"""The request bodies of the employer side (places, proposals, employer contacts,
profiles), each with an example for the OpenAPI document, and the examples of its
answers. The use cases check the vocabulary (steps, requirements, areas, languages),
as at the CLI."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field, JsonValue
from pydantic.config import JsonDict

from web.api.models import MOVE, Body, Day, Id, Text

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


class EndIn(Body):
    reason: Annotated[Text, Field(min_length=1, max_length=500)]
    on: Day | None = None

    model_config = _examples({"reason": "moved to another municipality", "on": "2026-04-01"})


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


# --- the answers' examples -----------------------------------------------------------

CHANGE = {
    "place_id": 4,
    "kind": "opened",
    "from_status": "agreed",
    "to_status": "open",
    "on": "2026-02-01",
    "taken": 0,
    "positions": 2,
    "version": 3,
}
REASONS = [
    {"code": "rules", "kind": "hard", "passed": True, "points": 0, "text": "the rules allow …"},
    {"code": "interest", "kind": "soft", "passed": True, "points": 30, "text": "wants food"},
]
CANDIDATES = {
    "place_id": 4,
    "title": "Bagerilärling",
    "status": "open",
    "candidates": [
        {
            "case_id": 3,
            "participant": "Sara Lind",
            "state": "information",
            "days_waiting": 40,
            "score": 30,
            "step": 2,
            "programme": "PRAKTIK",
            "reasons": REASONS,
        }
    ],
    "judged": 12,
    "why_not": {
        "case_id": 5,
        "excluded": True,
        "constraint": "consent-missing",
        "because": "step 2 under PRAKTIK: consent must be recorded",
        "reasons": [],
        "score": 0,
    },
}
RANKED = {
    "case_id": 3,
    "participant": "Sara Lind",
    "state": "information",
    "places": [
        {
            "place_id": 4,
            "title": "Bagerilärling",
            "workplace_id": 1,
            "days_open": 20,
            "score": 30,
            "step": 2,
            "programme": "PRAKTIK",
            "reasons": REASONS,
        }
    ],
    "judged": 3,
}
PROPOSAL = {
    "id": 6,
    "place_id": 4,
    "place": "Bagerilärling",
    "workplace_id": 1,
    "workplace": "Bageriet i Visby",
    "case_id": 3,
    "status": "open",
    "proposed_on": "2026-03-02",
    "by_id": 2,
    "decided_on": None,
    "declined_by": None,
    "reason": None,
    "step": None,
    "placement_id": None,
}
ACCEPTED = {
    "proposal_id": 6,
    "case_id": 3,
    "place_id": 4,
    "step": 2,
    "programme": "PRAKTIK",
    "placement_id": 7,
    "taken": 2,
    "positions": 2,
    "place_status": "filled",
    "move": MOVE,
    "ended_proposal_id": None,
}
CONTACT = {
    "id": 9,
    "on": "2026-01-15",
    "kind": "visit",
    "by_id": 2,
    "by": "Hanna",
    "note": "Två platser i bageriet",
    "next_on": "2026-02-01",
}
EMPLOYER = {
    "workplace_id": 1,
    "workplace": "Bageriet i Visby",
    "employer": "Bageriet AB",
    "active": True,
    "first_contact": "2026-01-15",
    "next_step": {"on": "2026-02-01", "contact_id": 9, "due": True, "overdue_days": 3},
    "contacts": [CONTACT],
    "places": [],
    "placements": [],
    "supervisors": [],
    "training": [],
}
PROFILE = {
    "case_id": 3,
    "person_id": 3,
    "participant": "Sara Lind",
    "interests": ["food", "retail"],
    "languages": ["swedish:B1"],
    "licences": [],
    "certificates": [],
    "max_hours": 30,
    "municipality": "Gotland",
    "adaptations": [],
    "heaviest_physical": "heavy",
    "recorded": True,
    "changes": [],
}
