"""Reports count a corrected move out, on SQLite and PostgreSQL: after the corrections,
every report reads as it did before the corrected moves were recorded (the funnel's
states and flows, outcomes, fallbacks, time in step, lead time).

Each test on a fresh database of its own: the reports count every case in it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pathway import moves, reports
from pathway.context import Kivo
from pathway.corrections import correct
from states.case import Outcome
from states.steps import Step
from tests.integration.support import Staff, enrol_case

START, END = date(2026, 1, 1), date(2026, 3, 31)


def every_report(kivo: Kivo) -> dict[str, Any]:
    return {
        "funnel": reports.funnel(kivo, start=START, end=END),
        "funnel today": reports.funnel(kivo, on=date(2026, 3, 2), start=START, end=END),
        "funnel in February": reports.funnel(kivo, on=date(2026, 2, 25), start=START, end=END),
        "outcomes": reports.outcomes(kivo, start=START, end=END),
        "fallbacks": reports.fallbacks(kivo, start=START, end=END),
        "time in step": reports.time_in_step(kivo, start=START, end=END),
        "lead time": reports.lead_time(kivo, start=START, end=END),
    }


def test_every_report_reads_after_the_corrections_as_before_the_corrected_moves(
    kivo: Kivo, staff: Staff
) -> None:
    cases = [enrol_case(kivo, staff, name=name) for name in ("Anna Först", "Bo Andra")]
    for case_id in cases:
        moves.advance(kivo, case_id, Step(1), on=date(2026, 1, 14), by=staff.caseworker)
    first, second = cases
    moves.advance(
        kivo, first, Step(2), on=date(2026, 2, 2), supervisor_id=staff.supervisor, by=None
    )
    moves.exit_case(kivo, second, outcome=Outcome.STUDIES, on=date(2026, 2, 10))
    third = enrol_case(kivo, staff, name="Cilla Tredje")
    before = every_report(kivo)

    moves.fall_back(kivo, first, Step(1), reason="left the bakery", on=date(2026, 2, 20))
    moves.advance(kivo, first, Step(4), on=date(2026, 2, 24))  # study preparation
    correct(kivo, second, 4, reason="exit of the wrong case", by=staff.coordinator)
    moves.exit_case(kivo, second, outcome=Outcome.EMPLOYED, on=date(2026, 2, 24))
    moves.advance(
        kivo, third, Step(2), on=date(2026, 2, 24), supervisor_id=staff.supervisor, by=None
    )
    moved = every_report(kivo)
    assert all(moved[name] != before[name] for name in before), [
        name for name in before if moved[name] == before[name]
    ]

    correct(kivo, first, 6, reason="no such course", by=staff.coordinator)
    correct(kivo, first, 5, reason="did not leave", by=staff.coordinator)
    correct(kivo, second, 6, reason="the employment fell through", by=staff.coordinator)
    moves.exit_case(kivo, second, outcome=Outcome.STUDIES, on=date(2026, 2, 10))
    correct(kivo, third, 3, reason="placed in error", by=staff.coordinator)

    assert every_report(kivo) == before
