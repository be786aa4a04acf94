"""Places (platser) an employer offers, and the employer contacts that lead to them.

Pure rules: the place lifecycle (``contact`` → ``agreed`` → ``open`` → ``filled``, or
``cancelled`` with a reason), the small vocabulary of requirements a place may state,
the checks on free text (task lines, contact notes), and the lead-time arithmetic of
``kivo report places``. No I/O, no clock: every day is given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from states.errors import InvalidInput, quoted
from states.messages import N_, Hint, Message
from states.personnummer import holds_personnummer
from states.reports import percentile
from states.steps import Step, parse_step
from states.text import is_control
from states.violations import Violation, structural

WORKPLACE_STEPS = frozenset({2, 3, 6, 7, 8, 9})
"""The steps that happen at a workplace: the only ones a place can be for."""

MAX_POSITIONS = 100
MAX_HOURS = 40
MAX_TASK = 120  # a task line is short: "fill the bread shelves before opening"
MAX_TASKS = 20
MAX_NOTE = 2000


class PlaceStatus(StrEnum):
    CONTACT = "contact"  # the employer is willing; nothing agreed yet
    AGREED = "agreed"  # tasks, supervisor and terms agreed with the employer
    OPEN = "open"  # ready to take participants
    FILLED = "filled"  # every position taken (automatically)
    CANCELLED = "cancelled"  # with a reason; terminal


LIFECYCLE: dict[PlaceStatus, frozenset[PlaceStatus]] = {
    PlaceStatus.CONTACT: frozenset({PlaceStatus.AGREED, PlaceStatus.CANCELLED}),
    PlaceStatus.AGREED: frozenset({PlaceStatus.OPEN, PlaceStatus.CANCELLED}),
    PlaceStatus.OPEN: frozenset({PlaceStatus.FILLED, PlaceStatus.CANCELLED}),
    PlaceStatus.FILLED: frozenset({PlaceStatus.OPEN}),  # a position released again
    PlaceStatus.CANCELLED: frozenset(),
}
"""Who may follow whom. ``filled`` is reached, and left, only by taking and releasing
positions (``AUTOMATIC``); a person asks for agree, open and cancel."""

AUTOMATIC = frozenset(
    {(PlaceStatus.OPEN, PlaceStatus.FILLED), (PlaceStatus.FILLED, PlaceStatus.OPEN)}
)


class ContactKind(StrEnum):
    CALL = "call"
    VISIT = "visit"
    MEETING = "meeting"
    EMAIL = "e-mail"


PLACE_STATUSES = {
    "contact": N_("contact"),
    "agreed": N_("agreed"),
    "open": N_("open"),
    "filled": N_("filled"),
    "cancelled": N_("cancelled"),
}
"""Each status as the pages and the CLI name it outside English (its msgid is itself,
so a sentence names one by ``Message(status)``)."""

CONTACT_KINDS = {
    "call": N_("call"),
    "visit": N_("visit"),
    "meeting": N_("meeting"),
    "e-mail": N_("e-mail"),
}


def parse_status(text: str) -> PlaceStatus:
    try:
        return PlaceStatus(text.strip().lower())
    except ValueError:
        known = ", ".join(s.value for s in PlaceStatus)
        raise InvalidInput(
            Message(
                N_("unknown place status {text}: choose one of {known}"),
                {"text": quoted(text), "known": known},
            ),
            field="status",
        ) from None


def parse_contact_kind(text: str) -> ContactKind:
    cleaned = text.strip().lower()
    if cleaned == "email":
        cleaned = "e-mail"
    try:
        return ContactKind(cleaned)
    except ValueError:
        known = ", ".join(k.value for k in ContactKind)
        raise InvalidInput(
            Message(
                N_("unknown contact kind {text}: choose one of {known}"),
                {"text": quoted(text), "known": known},
            ),
            field="kind",
        ) from None


def transition_problem(
    current: PlaceStatus, wanted: PlaceStatus, *, automatic: bool = False
) -> Violation | None:
    """Why the place may not go from ``current`` to ``wanted`` (None: it may).

    A person never fills a place nor reopens a filled one: positions do that."""
    allowed = wanted in LIFECYCLE[current]
    if allowed and ((current, wanted) in AUTOMATIC) == automatic:
        return None
    said = Message(
        N_("a place cannot go from {current} to {wanted}: {why}"),
        {
            "current": Message(current.value),
            "wanted": Message(wanted.value),
            "why": _why_not(current, wanted),
        },
    )
    return structural("place-transition", said, from_status=current.value, to_status=wanted.value)


def _why_not(current: PlaceStatus, wanted: PlaceStatus) -> Message:
    """The clause of a refused transition that says what the place may do instead."""
    if (current, wanted) in AUTOMATIC:
        return Message(N_("only taking and releasing its positions does that"))
    if current is PlaceStatus.CANCELLED:
        return Message(N_("a cancelled place never changes again"))
    if current is wanted:
        return Message(N_("the place is {status} already"), {"status": Message(current.value)})
    following = sorted(s.value for s in LIFECYCLE[current] if (current, s) not in AUTOMATIC)
    if not following:
        return Message(N_("from {status} it may go to nothing"), {"status": Message(current.value)})
    return Message(
        N_("from {status} it may go to {following}"),
        {"status": Message(current.value), "following": ", ".join(following)},
    )


# --- the requirement vocabulary -------------------------------------------------------

LANGUAGES = frozenset(
    {
        "swedish",
        "english",
        "arabic",
        "somali",
        "tigrinya",
        "dari",
        "persian",
        "ukrainian",
        "finnish",
        "polish",
        "spanish",
        "german",
        "french",
        "kurdish",
        "bosnian",
        "turkish",
    }
)
LEVELS = ("A1", "A2", "B1", "B2", "C1", "C2")  # CEFR
LICENCES = ("AM", "A1", "A2", "A", "B", "BE", "C1", "C1E", "C", "CE", "D1", "D1E", "D", "DE")
PHYSICAL = ("light", "medium", "heavy")
_CERTIFICATE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


@dataclass(frozen=True, slots=True, order=True)
class Requirement:
    """One requirement: ``swedish:B1``, ``driving-licence:B``, ``certificate:hygiene``,
    ``physical:light``. ``kind`` is ``language`` for the languages."""

    kind: str
    name: str
    level: str

    def __str__(self) -> str:
        if self.kind == "language":
            return f"{self.name}:{self.level}"
        return f"{self.kind}:{self.level}"


def vocabulary() -> str:
    return (
        f"LANGUAGE:LEVEL (language one of {', '.join(sorted(LANGUAGES))}; level "
        f"{'/'.join(LEVELS)}), driving-licence:{'|'.join(LICENCES)}, certificate:NAME "
        f"(lower case letters, digits, dashes), physical:{'|'.join(PHYSICAL)}"
    )


def parse_requirement(text: str) -> Requirement:
    """A requirement from the vocabulary; anything else is bad input naming it."""
    head, sep, tail = text.strip().partition(":")
    key, value = head.strip().lower(), tail.strip()

    def bad(why: str, **params: str) -> InvalidInput:
        return InvalidInput(
            Message(
                N_(
                    "requirement {text} {why}; the vocabulary is {vocabulary} "
                    "(anything else goes in {note})"
                ),
                {
                    "text": quoted(text),
                    "why": Message(why, params),
                    "vocabulary": vocabulary(),
                    "note": Hint("requires_note", "--requires-note"),
                },
            ),
            field="requires",
        )

    if not sep or not key or not value:
        raise bad(N_("is not KIND:VALUE"))
    if key in LANGUAGES:
        level = value.upper()
        if level not in LEVELS:
            raise bad(N_("has no CEFR level {levels}"), levels="/".join(LEVELS))
        return Requirement("language", key, level)
    if key == "driving-licence":
        licence = value.upper()
        if licence not in LICENCES:
            raise bad(N_("names no licence class {classes}"), classes="/".join(LICENCES))
        return Requirement(key, key, licence)
    if key == "certificate":
        name = value.lower()
        if not _CERTIFICATE.match(name):
            raise bad(N_("names no certificate (lower case letters, digits and dashes)"))
        return Requirement(key, name, name)
    if key == "physical":
        demand = value.lower()
        if demand not in PHYSICAL:
            raise bad(N_("is not physical:{demands}"), demands="|".join(PHYSICAL))
        return Requirement(key, key, demand)
    raise bad(N_("is of no known kind"))


def parse_requirements(texts: list[str]) -> list[str]:
    """Requirements in their canonical spelling, sorted; one kind (a language, the
    licence, the physical demand) at most once, a certificate once per name."""
    found = sorted(parse_requirement(text) for text in texts)
    seen: dict[tuple[str, str], Requirement] = {}
    for requirement in found:
        key = (requirement.kind, requirement.name)
        if key in seen:
            raise InvalidInput(
                Message(
                    N_("requirements {first} and {second} say the same thing twice"),
                    {"first": str(seen[key]), "second": str(requirement)},
                ),
                field="requires",
            )
        seen[key] = requirement
    return [str(r) for r in found]


# --- steps, counts and free text --------------------------------------------------------


def parse_place_steps(text: str) -> list[int]:
    """``2,7`` or ``short-practice,fixed-term``: the workplace steps a place suits."""
    steps: set[Step] = set()
    for part in text.split(","):
        if not part.strip():
            raise InvalidInput(
                Message(
                    N_("{steps} {text} has an empty step"),
                    {"steps": Hint("steps", "--steps"), "text": quoted(text)},
                ),
                field="steps",
            )
        steps.add(parse_step(part))
    outside = sorted(s.number for s in steps if s.number not in WORKPLACE_STEPS)
    if outside:
        raise InvalidInput(
            Message(
                N_("a place is for workplace steps only ({steps}); not {outside}"),
                {
                    "steps": ", ".join(map(str, sorted(WORKPLACE_STEPS))),
                    "outside": ", ".join(map(str, outside)),
                },
            ),
            field="steps",
        )
    return sorted(s.number for s in steps)


def check_count(value: int, what: str, low: int, high: int) -> int:
    """``value`` within bounds; ``what`` (an ``N_``-marked word) names it and its field."""
    if not low <= value <= high:
        raise InvalidInput(
            Message(
                N_("{what} must be from {low} to {high}, not {value}"),
                {"what": Message(what), "low": low, "high": high, "value": value},
            ),
            field=what,
        )
    return value


def checked_text(
    text: str, what: str, *, today: date, limit: int, field_name: str, lines: bool = False
) -> str:
    """Free text (a task line, a contact note) stripped: not empty, at most ``limit``
    characters, no control character (``lines``: line breaks allowed) and no
    personnummer (it is printed and exported as written)."""
    cleaned = text.strip()
    problem = None
    if not cleaned:
        problem = Message(N_("is empty"))
    elif len(cleaned) > limit:
        problem = Message(N_("is longer than {limit} characters"), {"limit": limit})
    elif any(is_control(char, lines=lines) for char in cleaned):
        examples = N_("a tab, an escape") if lines else N_("a tab, a line break, an escape")
        problem = Message(
            N_("contains a control character ({examples} …)"), {"examples": Message(examples)}
        )
    elif holds_personnummer(cleaned, today=today):
        problem = Message(N_("holds a personnummer: keep personal data out of it"))
    if problem is not None:
        raise InvalidInput(
            Message(N_("{what} {problem}"), {"what": Message(what), "problem": problem}),
            field=field_name,
        )
    return cleaned


# --- records --------------------------------------------------------------------------


@dataclass(slots=True)
class Place:
    workplace_id: int
    title: str
    positions: int
    steps: list[int]
    status: str
    status_on: date
    created_on: date
    programmes: list[str] = field(default_factory=list)
    tasks: list[str] = field(default_factory=list)
    requirements: list[str] = field(default_factory=list)
    requirements_note: str | None = None
    hours: int | None = None
    municipality: str | None = None
    supervisor_id: int | None = None
    earliest_start: date | None = None
    areas: list[str] = field(default_factory=list)  # occupational areas (states.profiles)
    taken: int = 0
    version: int = 0
    id: int | None = None

    @property
    def free(self) -> int:
        return self.positions - self.taken


@dataclass(slots=True)
class PlaceEvent:
    """One change of a place, append-only: ``created``, ``agreed``, ``opened``,
    ``filled``, ``reopened``, ``cancelled``, ``taken``, ``released``."""

    place_id: int
    seq: int
    kind: str
    on: date
    recorded_at: datetime
    from_status: str | None = None
    to_status: str | None = None
    actor_id: int | None = None
    reason: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    id: int | None = None


@dataclass(slots=True)
class EmployerContact:
    workplace_id: int
    on: date
    kind: str
    note: str
    recorded_at: datetime
    by_id: int | None = None
    next_on: date | None = None
    id: int | None = None


EVENT_OF = {
    PlaceStatus.AGREED: "agreed",
    PlaceStatus.OPEN: "opened",
    PlaceStatus.FILLED: "filled",
    PlaceStatus.CANCELLED: "cancelled",
}


def replay_place(events: list[PlaceEvent]) -> tuple[str, int]:
    """The status and positions taken that a place's events add up to."""
    status, taken = "", 0
    for event in sorted(events, key=lambda e: e.seq):
        if event.to_status is not None:
            status = event.to_status
        if event.kind == "taken":
            taken += 1
        elif event.kind == "released":
            taken -= 1
    return status, taken


# --- lead times -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LeadTime:
    """Days from the first employer contact to a stage, over the places that reached it."""

    stage: str
    places: int
    median_days: int | None
    p90_days: int | None


def lead_time(stage: str, spans: list[tuple[date, date]]) -> LeadTime:
    """Nearest-rank median and 90th percentile of ``(first contact, reached)`` spans."""
    days = [(reached - first).days for first, reached in spans]
    return LeadTime(stage, len(days), percentile(days, 50), percentile(days, 90))


def first_contacts(
    places: list[tuple[int, int, date]], contacts: dict[int, list[date]]
) -> dict[int, date]:
    """The first employer contact behind each place ``(place id, workplace id, recorded
    on)``: the earliest contact at its workplace since the workplace's previous place
    was recorded (the run-up to this one), or the day the place was recorded itself
    when no contact came before it."""
    found: dict[int, date] = {}
    previous: dict[int, date] = {}
    for place_id, workplace_id, created in sorted(places, key=lambda p: (p[2], p[0])):
        since = previous.get(workplace_id)
        run_up = [
            day
            for day in contacts.get(workplace_id, [])
            if day <= created and (since is None or day > since)
        ]
        found[place_id] = min([created, *run_up])
        previous[workplace_id] = created
    return found
