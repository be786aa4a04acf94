"""Supervisor courses and training history on real databases (SQLite and PostgreSQL):
a course on a day, supervisors completing it, every training kept and shown with the
employer; bad input is named and writes nothing; the history is append-only."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from pathway import courses, directory, editing, employers
from pathway.context import Kivo
from states.errors import InvalidInput, NotFound
from tests.integration.support import TRAINED_ON, Staff, engine_of, table_contents


def test_a_course_attended_is_kept_in_the_history_and_shown_with_the_employer(
    kivo: Kivo, staff: Staff
) -> None:
    course = courses.add_course(kivo, title="Handledarutbildning vt", on=date(2026, 2, 3))
    planned = courses.add_course(kivo, title="Handledarutbildning ht", on=date(2026, 9, 1))
    done = editing.train_supervisor(
        kivo, staff.untrained_supervisor, on=date(2026, 2, 4), course_id=course.id, by=1
    )
    assert [(c.field, c.new) for c in done.changes] == [("trained_on", "2026-02-04")]
    again = editing.train_supervisor(  # the same date again, at no course: nothing new
        kivo, staff.untrained_supervisor, on=date(2026, 2, 4), by=1
    )
    assert again.changes == []
    refresher = editing.train_supervisor(
        kivo, staff.supervisor, on=date(2026, 2, 5), course_id=course.id, by=1
    )
    assert refresher.changes == []  # a refresher: trained since the first training
    listed = [(c.id, c.title, c.on, c.attended) for c in courses.list_courses(kivo)]
    assert listed == [
        (course.id, "Handledarutbildning vt", date(2026, 2, 3), 2),
        (planned.id, "Handledarutbildning ht", date(2026, 9, 1), 0),
    ]
    view = employers.employer_view(kivo, staff.workplace)
    assert [(t.supervisor_id, t.on, t.course) for t in view.training] == [
        (staff.supervisor, TRAINED_ON, None),  # recorded when the supervisor was added
        (staff.supervisor, date(2026, 2, 5), "Handledarutbildning vt"),
        (staff.untrained_supervisor, date(2026, 2, 4), "Handledarutbildning vt"),
    ]
    trained = {s.id: s.trained_on for s in view.supervisors}
    assert (trained[staff.untrained_supervisor], trained[staff.supervisor]) == (
        date(2026, 2, 4),
        TRAINED_ON,
    )
    earlier = editing.train_supervisor(kivo, staff.untrained_supervisor, on=date(2026, 1, 7), by=1)
    assert [(c.old, c.new) for c in earlier.changes] == [("2026-02-04", "2026-01-07")]


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (
            lambda k, s, c: courses.add_course(k, title=" ", on=date(2026, 2, 3)),
            InvalidInput,
            "empty",
        ),
        (
            lambda k, s, c: editing.train_supervisor(
                k, s.untrained_supervisor, on=date(2026, 2, 2), course_id=c, by=1
            ),
            InvalidInput,
            "before course",
        ),
        (
            lambda k, s, c: editing.train_supervisor(
                k, s.untrained_supervisor, on=date(2026, 2, 5), course_id=99, by=1
            ),
            NotFound,
            "no supervisor course with id 99",
        ),
        (
            lambda k, s, c: editing.train_supervisor(
                k, s.supervisor, on=date(2026, 2, 5), course_id=c, by=1
            ),
            InvalidInput,
            "completed course",
        ),
    ],
)
def test_bad_training_input_is_named_and_writes_nothing(
    kivo: Kivo, staff: Staff, call: object, error: type[Exception], words: str
) -> None:
    course = courses.add_course(kivo, title="Handledarutbildning", on=date(2026, 2, 3)).id
    editing.train_supervisor(kivo, staff.supervisor, on=date(2026, 2, 4), course_id=course, by=1)
    before = table_contents(kivo.database)
    with pytest.raises(error, match=words):
        call(kivo, staff, course)  # type: ignore[operator]
    assert table_contents(kivo.database) == before


def test_the_training_history_is_append_only_in_the_database(kivo: Kivo, staff: Staff) -> None:
    directory.add_supervisor(kivo, "Nils Ny", workplace_id=staff.workplace, trained_on=TRAINED_ON)
    for statement in (
        "UPDATE supervisor_training SET on = '2020-01-01'",
        "DELETE FROM supervisor_training",
    ):
        with pytest.raises(DBAPIError, match="append-only"), engine_of(kivo.database).begin() as db:
            db.execute(text(statement.replace(" on ", ' "on" ')))
