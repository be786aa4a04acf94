"""A caseworker's agenda: follow-ups and booked meetings as read-side lines.

Persistence fills these from joined SQL queries (the participant's name and the case's
caseworker come with each line); the use cases and entry points only read them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from states.errors import InvalidInput, quoted
from states.messages import N_, Message

FOLLOWUP_STATUSES = ("pending", "suspended", "done", "cancelled")
MEETING_STATUSES = ("scheduled", "held", "no-show", "cancelled")


class Finding(StrEnum):
    """What a follow-up found the participant doing: the ESF+ longer-term result
    categories (employed, also self-employed; in education or training; job-searching;
    inactive), or ``unknown`` when contact was made but the situation is not known."""

    EMPLOYED = "employed"
    SELF_EMPLOYED = "self-employed"
    IN_EDUCATION = "in-education"
    JOB_SEARCHING = "job-searching"
    INACTIVE = "inactive"
    UNKNOWN = "unknown"


FINDINGS = tuple(finding.value for finding in Finding)


def finding_of(value: str | None) -> Finding | None:
    """The finding named by ``value`` (``None``: no finding recorded)."""
    if value is None:
        return None
    try:
        return Finding(value.strip())
    except ValueError:
        raise InvalidInput(
            Message(
                N_("unknown finding {given}: choose one of {choices}"),
                {"given": quoted(value), "choices": ", ".join(FINDINGS)},
            ),
            allowed=list(FINDINGS),
        ) from None


@dataclass(frozen=True, slots=True)
class FollowupEntry:
    """A follow-up contact, planned tripartite meeting or decision on a case."""

    id: int
    case_id: int
    participant: str
    caseworker_id: int | None
    name: str
    kind: str
    title: str
    due: date
    status: str
    step: int | None
    done_on: date | None
    notes: str | None
    cancel_reason: str | None
    finding: str | None = None


@dataclass(frozen=True, slots=True)
class MeetingEntry:
    """A booked tripartite meeting; ``at`` is a moment (persistence gives it in UTC)."""

    id: int
    case_id: int
    participant: str
    caseworker_id: int | None
    at: datetime
    uid: str
    status: str
    followup_id: int | None
    supervisor_id: int | None
    supervisor: str | None
    workplace: str | None
    notes: str | None
    sequence: int = 0  # how often it was moved (the calendar event's SEQUENCE)
