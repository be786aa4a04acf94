"""Queueing reminders again for the same follow-up, kind and due date."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date

from pathway import directory, enrolment, moves
from pathway.context import Kivo
from states.steps import Step


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
