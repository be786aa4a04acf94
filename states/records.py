"""The entities the service layer works on; persistence maps them to and from rows.

Plain dataclasses, so the domain and the use cases never hold a database row and can be
tested without one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from states.case import PAUSED, step_of_state
from states.steps import Step


@dataclass(slots=True)
class Person:
    name: str
    personnummer: str | None = None
    gender: str = "unknown"
    birth_year: int | None = None
    groups: list[str] = field(default_factory=list)
    # When the residence permit was granted: dates the newly-arrived group, which counts
    # for YA only within 36 months of it (förordning 2013:1157 6 §).
    permit_date: date | None = None
    characteristics: dict[str, bool] = field(default_factory=dict)
    id: int | None = None


@dataclass(slots=True)
class Caseworker:
    name: str
    email: str | None = None
    role: str = "caseworker"
    active: bool = True
    id: int | None = None


@dataclass(slots=True)
class Workplace:
    name: str
    employer: str | None = None
    active: bool = True
    id: int | None = None


@dataclass(slots=True)
class Supervisor:
    name: str
    workplace_id: int
    trained_on: date | None = None
    capacity: int = 2
    active: bool = True
    id: int | None = None


@dataclass(slots=True)
class Case:
    person_id: int
    opened_on: date
    state: str = "enrolled"
    paused_from: str | None = None
    caseworker_id: int | None = None
    closed_on: date | None = None
    outcome: str | None = None
    consent_on: date | None = None
    last_move_on: date | None = None
    version: int = 0
    id: int | None = None

    @property
    def step(self) -> Step | None:
        return step_of_state(self.paused_from if self.state == PAUSED else self.state)


@dataclass(slots=True)
class Placement:
    case_id: int
    step: int
    start: date
    workplace_id: int | None = None
    supervisor_id: int | None = None
    programme: str | None = None
    planned_end: date | None = None
    ended_on: date | None = None
    end_reason: str | None = None
    id: int | None = None
    employment_kind: str | None = None  # fixed-term (step 7): sava, vikariat or sasong


@dataclass(slots=True)
class CaseEvent:
    """One line of a case's append-only history."""

    case_id: int
    kind: str
    on: date
    recorded_at: datetime
    from_state: str | None = None
    to_state: str | None = None
    actor_id: int | None = None
    reason: str | None = None
    warnings: list[dict[str, Any]] = field(default_factory=list)
    overrides: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    seq: int = 0
    id: int | None = None

    @property
    def outcome(self) -> str | None:
        """What an exit recorded as the case's outcome (``None`` for other events)."""
        found = self.data.get("outcome")
        return str(found) if found is not None else None

    @property
    def corrects(self) -> int | None:
        """The number of the event a correction undoes (``None`` for other events)."""
        found = self.data.get("corrects")
        return found if isinstance(found, int) and not isinstance(found, bool) else None

    @property
    def from_step(self) -> int | None:
        step = step_of_state(self.from_state or "")
        return step.number if step else None

    @property
    def to_step(self) -> int | None:
        step = step_of_state(self.to_state or "")
        return step.number if step else None


@dataclass(frozen=True, slots=True)
class CaseSummary:
    """One row of a caseload list (read side)."""

    id: int
    name: str
    state: str
    step: int | None
    status: str
    caseworker_id: int | None
    caseworker: str | None
    opened_on: date
    outcome: str | None
    version: int


@dataclass(slots=True)
class Followup:
    """A planned follow-up contact, tripartite meeting or decision on a case."""

    case_id: int
    name: str
    kind: str
    title: str
    due: date
    status: str = "pending"  # pending, done, cancelled, suspended
    step: int | None = None
    placement_id: int | None = None
    anchor: str = "start"
    offset_days: int = 0
    keep: bool = False
    done_on: date | None = None
    suspended_on: date | None = None
    notes: str | None = None
    cancel_reason: str | None = None
    finding: str | None = None  # what a done follow-up found (states.agenda.Finding)
    id: int | None = None


@dataclass(slots=True)
class Meeting:
    """A booked tripartite meeting; held, it satisfies the follow-up it matches."""

    case_id: int
    at: datetime
    uid: str
    status: str = "scheduled"  # scheduled, held, no-show, cancelled
    followup_id: int | None = None
    supervisor_id: int | None = None
    notes: str | None = None
    id: int | None = None
    sequence: int = 0  # how often it was moved: the calendar event's SEQUENCE


@dataclass(slots=True)
class Reminder:
    """One row of the outbox: tell someone about a follow-up on ``send_on``."""

    followup_id: int
    case_id: int
    kind: str  # before, due, escalation
    due: date
    send_on: date
    status: str = "pending"  # pending, sent, dropped
    attempts: int = 0
    next_attempt_at: datetime | None = None
    claimed_until: datetime | None = None
    claimed_by: str | None = None
    sent_at: datetime | None = None
    last_error: str | None = None
    id: int | None = None


@dataclass(slots=True)
class WeeklyLetter:
    """One row of the weekly letter's outbox: this person's letter for an ISO week."""

    caseworker_id: int
    week: str  # 2026-W10
    status: str = "pending"  # pending, sent, dropped (its week passed unsent)
    attempts: int = 0
    id: int | None = None


@dataclass(frozen=True, slots=True)
class SupervisorLoad:
    """A supervisor with their load: the open placements they supervise now."""

    id: int
    name: str
    workplace_id: int
    workplace: str
    trained_on: date | None
    capacity: int
    active: bool
    load: int

    @property
    def free(self) -> int:
        """Room for more participants; none for a deactivated supervisor."""
        return max(self.capacity - self.load, 0) if self.active else 0


@dataclass(frozen=True, slots=True)
class WorkplaceLoad:
    """A workplace with its open placements and its supervisors' capacity."""

    id: int
    name: str
    employer: str | None
    active: bool
    placements: int
    supervisors: int
    capacity: int


@dataclass(frozen=True, slots=True)
class OpenPlacement:
    """An open placement with whom it concerns (read side); the personnummer unmasked,
    for the use case to mask."""

    placement_id: int
    case_id: int
    step: int
    participant: str
    personnummer: str | None
    caseworker_id: int | None
    caseworker: str | None
    workplace_id: int | None
    supervisor_id: int | None
    programme: str | None
    start: date
    planned_end: date | None
