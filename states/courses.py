"""Supervisor training as a service the programme offers: courses on a day, and the
training each supervisor completed (at a course or not). Pure records; no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

MAX_TITLE = 200


@dataclass(slots=True)
class SupervisorCourse:
    title: str
    on: date
    recorded_at: datetime
    by_id: int | None = None
    id: int | None = None


@dataclass(slots=True)
class SupervisorTraining:
    """One completed training: the history ``kivo supervisor train`` keeps."""

    supervisor_id: int
    on: date
    recorded_at: datetime
    course_id: int | None = None
    by_id: int | None = None
    id: int | None = None
