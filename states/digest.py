"""The weekly letter: its week (Monday to Sunday) and its lines, as plain records.

Persistence fills these from SQL; the use case groups them per caseworker. No I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta


@dataclass(frozen=True, slots=True)
class Week:
    """An ISO week: Monday ``start`` to Sunday ``end``, both included."""

    start: date
    end: date

    @property
    def label(self) -> str:
        year, number, _ = self.start.isocalendar()
        return f"{year}-W{number:02d}"

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end


def week_of(day: date) -> Week:
    """The Monday-to-Sunday week that holds ``day``."""
    start = day - timedelta(days=day.weekday())
    return Week(start, start + timedelta(days=6))


@dataclass(frozen=True, slots=True)
class DueLine:
    """A follow-up contact, planned tripartite meeting or decision, due on ``due``."""

    id: int
    case_id: int
    participant: str
    caseworker_id: int | None
    kind: str
    name: str
    title: str
    due: date
    status: str


@dataclass(frozen=True, slots=True)
class MeetingLine:
    """A booked tripartite meeting (``at`` is a moment; shown in local time)."""

    id: int
    case_id: int
    participant: str
    caseworker_id: int | None
    at: datetime
    status: str
    supervisor: str | None


@dataclass(frozen=True, slots=True)
class PlacementLine:
    """A placement; ``ended_on`` is set once it has ended, ``planned_end`` if planned."""

    id: int
    case_id: int
    participant: str
    caseworker_id: int | None
    step: int
    workplace: str | None
    start: date
    planned_end: date | None
    ended_on: date | None
