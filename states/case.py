"""Case states, outcomes and the facts a rule may look at."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import Enum, StrEnum
from typing import TypeVar

from states.errors import InvalidInput, quoted
from states.messages import N_, Message
from states.programmes import Catalogue, default_catalogue
from states.steps import Step, step_by_slug

E = TypeVar("E", bound=Enum)

ENROLLED = "enrolled"
PAUSED = "paused"
EXITED = "exited"


class Outcome(StrEnum):
    """How a case ended. ESF+ counts self-employment as employment (Annex I of
    regulation (EU) 2021/1057: "in employment, including self-employment")."""

    EMPLOYED = "employed"
    SELF_EMPLOYED = "self-employed"
    STUDIES = "studies"
    JOB_SEEKING = "job-seeking"
    MOVED = "moved"
    DECLINED = "declined"
    OTHER = "other"


class Gender(StrEnum):
    """Self-stated gender (ESF+ breaks indicators down by it); never derived."""

    WOMAN = "woman"
    MAN = "man"
    NON_BINARY = "non-binary"
    UNKNOWN = "unknown"


class Group(StrEnum):
    LONG_TERM_UNEMPLOYED = "long-term-unemployed"
    NEWLY_ARRIVED = "newly-arrived"
    DISABILITY = "disability"
    THIRD_COUNTRY_NATIONAL = "third-country-national"
    FOREIGN_BACKGROUND = "foreign-background"
    # ESF+ status at entry (common indicators): recorded as a group, never derived.
    UNEMPLOYED = "unemployed"
    INACTIVE = "inactive"
    EMPLOYED = "employed"
    # ESF+ education level at entry, as ISCED bands.
    ISCED_0_2 = "isced-0-2"
    ISCED_3_4 = "isced-3-4"
    ISCED_5_8 = "isced-5-8"


class Characteristic(StrEnum):
    """Sensitive characteristics ESF+ asks about (regulation (EU) 2021/1057 Annex I):
    recorded only as the person states them, yes or no; not recorded is unknown."""

    DISABILITY = "disability"
    THIRD_COUNTRY_NATIONAL = "third-country-national"
    FOREIGN_BACKGROUND = "foreign-background"
    MINORITY = "minority"
    HOMELESS = "homeless"
    RURAL = "rural"


ANSWERS = {"yes": True, "no": False}


def parse_characteristics(given: Iterable[str]) -> dict[str, bool]:
    """``NAME=yes`` or ``NAME=no`` for each characteristic stated; a name given twice
    with different answers, or anything else, is invalid input."""
    found: dict[str, bool] = {}
    for text in given:
        name, sep, answer = text.partition("=")
        key = parse_enum(Characteristic, name, "characteristic").value
        value = ANSWERS.get(answer.strip().lower()) if sep else None
        if value is None:
            raise InvalidInput(
                Message(
                    N_("characteristic {given}: write NAME=yes or NAME=no"), {"given": quoted(text)}
                ),
                field="characteristic",
            )
        if found.get(key, value) != value:
            raise InvalidInput(
                Message(N_("characteristic {key} given as both yes and no"), {"key": key}),
                field="characteristic",
            )
        found[key] = value
    return dict(sorted(found.items()))


class Role(StrEnum):
    CASEWORKER = "caseworker"
    COORDINATOR = "coordinator"


class MoveKind(StrEnum):
    """The triggers of the transition table; values are the history's event kinds."""

    ADVANCE = "advanced"
    FALL_BACK = "fell_back"
    PAUSE = "paused"
    RESUME = "resumed"
    EXIT = "exited"
    # Not a move along the path: the placement of a case already in a workplace step
    # (imported there, fallen back into it, or after its placement ended early) starts,
    # the case staying where it is. Judged and planned as an advance into that step is.
    START_PLACEMENT = "placement_started"


OPENING_MOVES = (MoveKind.ADVANCE, MoveKind.START_PLACEMENT)
"""Moves that open a placement in the step they lead to: the entry rules judge them."""

LEAVING_MOVES = (MoveKind.ADVANCE, MoveKind.FALL_BACK, MoveKind.EXIT)
"""Moves that leave the current step: its placement ends and its items are cancelled.
A pause does not leave the step."""

STEP_STATES: tuple[str, ...] = tuple(step.slug for step in Step)
ALL_STATES: tuple[str, ...] = (ENROLLED, *STEP_STATES, PAUSED, EXITED)


def step_of_state(state: str | None) -> Step | None:
    """The step a state stands for; ``None`` for enrolled, paused and exited."""
    return step_by_slug(state) if state else None


def status_of_state(state: str) -> str:
    if state == EXITED:
        return "exited"
    if state == PAUSED:
        return "paused"
    return "active"


ENUM_NAMES = (
    N_("caseworker"),
    N_("characteristic"),
    N_("gender"),
    N_("group"),
    N_("outcome"),
    N_("role"),
)
"""What ``parse_enum`` is told it parses, marked for the catalogue so a refusal names it
in the reader's language."""


def parse_enum(kind: type[E], text: str, what: str) -> E:
    """Parse a user-given value into an enum, naming the choices when it is wrong."""
    try:
        return kind(text.strip().lower())
    except ValueError:
        choices = ", ".join(str(member.value) for member in kind)
        said = Message(
            N_("unknown {what} {given}: choose one of {choices}"),
            {"what": Message(what), "given": quoted(text), "choices": choices},
        )
        raise InvalidInput(said, field=what) from None


@dataclass(frozen=True, slots=True)
class SupervisorFacts:
    id: int
    workplace_id: int
    trained_on: date | None
    capacity: int = 2
    # Open placements with this supervisor, not counting the moving case's own (which
    # the move ends): the participants the supervisor already has at once.
    load: int = 0
    active: bool = True


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """What the rules may know about a case at the moment of a move."""

    state: str
    paused_from: str | None = None
    consent_on: date | None = None
    birth_date: date | None = None
    birth_year: int | None = None
    groups: frozenset[str] = field(default_factory=frozenset)
    permit_date: date | None = None  # residence permit granted: dates newly-arrived
    last_move_on: date | None = None
    opened_on: date | None = None
    # Tripartite meetings recorded as held since the case entered its current step.
    meetings_held_in_step: int = 0
    # The participant's earlier placements under the move's programme in the scope of its
    # total (participant, workplace or employer), each (start, end) cut off at the move's
    # start: what a programme whose total spans placements adds to this one.
    programme_before: tuple[tuple[date, date], ...] = ()
    # The participant's earlier fixed-term stays (step 7, across their cases), each listed
    # under every workplace of its employer: (workplace id, start, end, employment kind),
    # both days included.
    fixed_term_stays: tuple[tuple[int | None, date, date, str], ...] = ()
    # Whether the case has an open placement (judged when a placement starts).
    placement_open: bool = False
    # The programmes catalogue in effect (the organisation's, or the shipped one).
    catalogue: Catalogue = field(default_factory=default_catalogue, repr=False)

    @property
    def step(self) -> Step | None:
        return step_of_state(self.paused_from if self.state == PAUSED else self.state)


@dataclass(frozen=True, slots=True)
class Move:
    """A requested move and the details it brings (placement, dates)."""

    kind: MoveKind
    on: date
    to: Step | None = None
    workplace_id: int | None = None
    supervisor: SupervisorFacts | None = None
    programme: str | None = None
    until: date | None = None
    reason: str | None = None
    outcome: Outcome | None = None
    workplace_active: bool = True
    employment_kind: str | None = None  # fixed-term: sava (the default), vikariat, sasong
    # An exit's ESF+ immediate result "gaining a qualification upon leaving".
    qualification: bool = False
    # The planned percent of the time in training or supervision, and the employment's
    # percent of full time: checked for a programme that requires them (YA).
    training_share: int | None = None
    extent: int | None = None

    @property
    def start(self) -> date:
        """A move's placement starts on its effective date."""
        return self.on
