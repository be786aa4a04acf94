"""Matching that explains itself: the hard constraints a participant and a place must
meet, the points the soft ones earn, and the reasons for both.

Hard: the move into the place's step is allowed by the rules (``states.judge``, judged
by the use case) and every requirement of the place is met by the profile
(``unmet``). Soft, in points: an interest in the place's occupational area, the same
municipality, hours within the participant's most hours per week, and the days waiting.
Pure: the days are given.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from states.profiles import same_municipality
from states.records import Supervisor

INTEREST_POINTS = 40
MUNICIPALITY_POINTS = 25
HOURS_POINTS = 15
WAITING_DAYS = 30  # a point per 30 days waiting …
WAITING_MAX = 12  # … up to a year
SETTLED_LATER = frozenset({"end-date-missing"})
"""Rule codes about what a proposal's acceptance gives (the planned end of a fixed-term
employment without a programme to plan it): a note on the candidate, not an exclusion."""


@dataclass(frozen=True, slots=True)
class Reason:
    """One constraint or score: ``hard`` constraints pass or exclude, soft ones earn
    ``points``; ``code`` is stable, ``text`` the sentence a caseworker reads."""

    code: str
    passed: bool
    text: str
    hard: bool = False
    points: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "kind": "hard" if self.hard else "soft",
            "passed": self.passed,
            "points": self.points,
            "text": self.text,
        }


@dataclass(frozen=True, slots=True)
class CaseCandidate:
    """A case the pre-filter kept for a place, with what its reasons are made of."""

    case_id: int
    name: str
    state: str
    since: date  # waiting since: the last move, or the day the case opened
    interests: list[str]
    municipality: str | None
    max_hours: int | None
    has_profile: bool
    score: int


@dataclass(frozen=True, slots=True)
class PlaceSettings:
    """What an advance into a place needs besides the case: whether its workplace is
    active, its supervisor, and the supervisor's open placements (of any case)."""

    workplace_active: bool
    supervisor: Supervisor | None
    load: int


@dataclass(frozen=True, slots=True)
class PlaceCandidate:
    """An open place the pre-filter kept for a case."""

    place_id: int
    workplace_id: int
    title: str
    steps: list[int]
    programmes: list[str]
    requirements: list[str]
    areas: list[str]
    hours: int | None
    municipality: str | None
    supervisor_id: int | None
    status_on: date
    score: int


def unmet(requirements: Iterable[str], capabilities: frozenset[str]) -> list[str]:
    """The requirements (canonical spelling) the capabilities do not meet, in order."""
    return [r for r in requirements if r not in capabilities]


def requirement_reasons(requirements: Sequence[str], capabilities: frozenset[str]) -> list[Reason]:
    """One hard reason per requirement, or one saying the place asks for none."""
    if not requirements:
        return [Reason("requirements", True, "the place states no requirement", hard=True)]
    missing = set(unmet(requirements, capabilities))
    return [
        Reason(
            "requirement",
            requirement not in missing,
            f"requirement {requirement} "
            + ("is not met by the profile" if requirement in missing else "met"),
            hard=True,
        )
        for requirement in requirements
    ]


def interest_reason(place_areas: Sequence[str], interests: Sequence[str]) -> Reason:
    shared = sorted(set(place_areas) & set(interests))
    if shared:
        return Reason(
            "interest", True, f"interested in {', '.join(shared)}", points=INTEREST_POINTS
        )
    if not place_areas:
        return Reason("interest", False, "the place names no occupational area")
    if not interests:
        return Reason("interest", False, "the profile names no interest")
    return Reason("interest", False, f"no interest in {', '.join(sorted(place_areas))}")


def municipality_reason(place: str | None, participant: str | None) -> Reason:
    if same_municipality(place, participant):
        return Reason(
            "municipality",
            True,
            f"lives in {participant}, where the place is",
            points=MUNICIPALITY_POINTS,
        )
    if place is None or participant is None:
        missing = "the place" if place is None else "the profile"
        return Reason("municipality", False, f"{missing} names no municipality")
    return Reason("municipality", False, f"lives in {participant}, the place is in {place}")


def hours_reason(place_hours: int | None, max_hours: int | None) -> Reason:
    """Points unless the place's hours exceed the participant's most per week."""
    if place_hours is not None and max_hours is not None and place_hours > max_hours:
        return Reason(
            "hours", False, f"the place's {place_hours} h a week exceed the most, {max_hours} h"
        )
    if place_hours is None or max_hours is None:
        text = "no limit on hours stated" if max_hours is None else "the place states no hours"
        return Reason("hours", True, text, points=HOURS_POINTS)
    return Reason(
        "hours",
        True,
        f"the place's {place_hours} h a week are within the most, {max_hours} h",
        points=HOURS_POINTS,
    )


def waiting_points(days: int) -> int:
    return min(max(days, 0) // WAITING_DAYS, WAITING_MAX)


def waiting_reason(days: int, what: str = "waiting") -> Reason:
    points = waiting_points(days)
    return Reason("waiting", points > 0, f"{what} {max(days, 0)} days", points=points)


def waiting_since(today: date) -> list[date]:
    """The day on or before which a wait since then earns 1, 2, … ``WAITING_MAX`` points
    (for the score computed in SQL)."""
    return [today - timedelta(days=WAITING_DAYS * k) for k in range(1, WAITING_MAX + 1)]


def score(reasons: Iterable[Reason]) -> int:
    return sum(reason.points for reason in reasons)


def soft_reasons(
    *,
    place_areas: Sequence[str],
    interests: Sequence[str],
    place_municipality: str | None,
    municipality: str | None,
    place_hours: int | None,
    max_hours: int | None,
    waiting_days: int,
    waiting_what: str = "waiting",
) -> list[Reason]:
    return [
        interest_reason(place_areas, interests),
        municipality_reason(place_municipality, municipality),
        hours_reason(place_hours, max_hours),
        waiting_reason(waiting_days, waiting_what),
    ]


def rank_key(score: int, waiting_days: int, ident: int) -> tuple[int, int, int]:
    """Highest score first; ties by the longest wait, then the lowest id."""
    return (-score, -waiting_days, ident)
