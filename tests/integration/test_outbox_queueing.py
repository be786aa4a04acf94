"""Queueing reminders again for the same follow-up, kind and due date."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import date

from pathway import directory, enrolment, moves
from pathway.context import Kivo
from states.steps import Step
from tests.dispatch_support import ALL_KINDS, seed_many


def reminder_statuses(kivo: Kivo, case_id: int) -> Counter[str]:
    with kivo.uow(read_only=True) as uow:
        return Counter(r.status for r in uow.reminders.all() if r.case_id == case_id)


def test_a_pause_and_resume_on_the_same_day_brings_the_reminders_back_once(
    make_kivo: Callable[..., Kivo],
) -> None:
    kivo = make_kivo(now="2026-03-01T10:00")
    worker = directory.add_caseworker(kivo, "Anna", role="coordinator")
    case = enrolment.enrol(
        kivo, "L", birth_year=2003, caseworker_id=worker.id, on=date(2026, 1, 10), consent=True
    )
    moves.advance(kivo, case.case_id, Step.STUDY_PREP, on=date(2026, 1, 20))
    before = reminder_statuses(kivo, case.case_id)

    moves.pause(kivo, case.case_id, reason="ill", on=date(2026, 2, 1))
    assert reminder_statuses(kivo, case.case_id) == Counter({"dropped": before["pending"]})
    moves.resume(kivo, case.case_id, on=date(2026, 2, 1))

    assert reminder_statuses(kivo, case.case_id) == before


def test_queueing_again_for_more_follow_ups_than_one_lookup_holds_adds_nothing_twice(
    make_kivo: Callable[..., Kivo],
) -> None:
    """The lookup of what is queued goes in slices of follow-ups (a big batch chunk would
    pass SQLite's limit of bound values): every slice must be looked at."""
    kivo = make_kivo(now="2026-03-01T10:00")
    worker = directory.add_caseworker(kivo, "Anna", role="coordinator")
    case = enrolment.enrol(kivo, "L", birth_year=2003, caseworker_id=worker.id).case_id
    seed_many(kivo.database, [case], 3 * 2500, due=date(2026, 3, 20), kinds=ALL_KINDS)
    with kivo.uow(read_only=True) as uow:
        queued = uow.reminders.all()
    with kivo.uow() as uow:  # the last follow-up's three, in the lookup's last slice
        assert uow.reminders.drop_pending([queued[-1].followup_id]) == 3
        uow.commit()
    assert reminder_statuses(kivo, case)["dropped"] == 3

    with kivo.uow() as uow:
        uow.reminders.add_many(replace(r, id=None, status="pending") for r in queued)
        uow.commit()

    after = reminder_statuses(kivo, case)
    assert after == Counter({"pending": len(queued)})
