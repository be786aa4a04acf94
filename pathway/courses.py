"""Supervisor training as a service the programme offers: courses on a day, and who
completed training when (``kivo supervisor train ID --on DATE [--course ID]``, which
``pathway.editing.train_supervisor`` records, keeping every training as history)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pathway.context import Kivo
from pathway.ports import UnitOfWork
from states.courses import MAX_TITLE, SupervisorCourse, SupervisorTraining
from states.errors import InvalidInput
from states.messages import N_, Hint, Message
from states.places import checked_text


@dataclass(frozen=True)
class CourseLine:
    id: int
    title: str
    on: date
    attended: int  # supervisors who completed it


@dataclass(frozen=True)
class TrainingLine:
    """A training a supervisor completed: on a day, at a course or not."""

    supervisor_id: int
    on: date
    course_id: int | None
    course: str | None


def add_course(kivo: Kivo, *, title: str, on: date, by: int | None = None) -> CourseLine:
    """Record a supervisor training course on a day (planned ones too: a course is
    announced before it is held)."""
    today = kivo.today()
    course = SupervisorCourse(
        title=checked_text(title, "the title", today=today, limit=MAX_TITLE, field_name="title"),
        on=on,
        recorded_at=kivo.now(),
        by_id=by,
    )
    with kivo.uow() as uow:
        if by is not None:
            uow.caseworkers.get(by)
        uow.courses.add(course)
        uow.commit()
    return CourseLine(_id(course.id), course.title, course.on, 0)


def list_courses(kivo: Kivo) -> list[CourseLine]:
    """Every course by day, with how many supervisors completed it."""
    with kivo.uow(read_only=True) as uow:
        courses = uow.courses.listing()
        attended = uow.courses.attendance() if courses else {}
    return [CourseLine(_id(c.id), c.title, c.on, attended.get(_id(c.id), 0)) for c in courses]


def record_training(
    kivo: Kivo,
    uow: UnitOfWork,
    supervisor_id: int,
    *,
    on: date,
    course_id: int | None,
    by: int | None,
) -> None:
    """Add a completed training to the supervisor's history, in the caller's
    transaction. At a course: not before the course's day, and once per course."""
    if course_id is not None:
        course = uow.courses.get(course_id)
        if on < course.on:
            said = {
                "option": Hint("on", "--on"),
                "on": on.isoformat(),
                "course": course_id,
                "held": course.on.isoformat(),
            }
            early = N_("{option} {on} is before course {course} was held ({held})")
            raise InvalidInput(Message(early, said), field="on")
        if uow.trainings.attended(supervisor_id, course_id):
            said = {"supervisor": supervisor_id, "course": course_id}
            again = N_("supervisor {supervisor} completed course {course} already")
            raise InvalidInput(Message(again, said), field="course")
    uow.trainings.add(
        SupervisorTraining(
            supervisor_id=supervisor_id,
            on=on,
            recorded_at=kivo.now(),
            course_id=course_id,
            by_id=by,
        )
    )


def trainings_of(uow: UnitOfWork, supervisor_ids: list[int]) -> list[TrainingLine]:
    """The supervisors' completed trainings, earliest first, with the courses' titles."""
    found = uow.trainings.of_supervisors(supervisor_ids)
    courses = {c.id: c.title for c in uow.courses.listing()} if found else {}
    return [
        TrainingLine(t.supervisor_id, t.on, t.course_id, courses.get(t.course_id))
        for supervisor_id in supervisor_ids
        for t in found.get(supervisor_id, [])
    ]


def _id(value: int | None) -> int:
    assert value is not None
    return value
