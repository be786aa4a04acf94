"""Consent is the participant's: withdrawn, it stops the workplace steps until it is
given again, lists the open placements to resolve, and replays with the history."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from pathway import enrolment, moves, placements
from pathway.context import Kivo
from pathway.errors import Refused
from pathway.supervisor_change import change_supervisor
from states.case import Outcome
from states.errors import Conflict
from states.steps import Step
from tests.integration.support import (
    TODAY,
    Staff,
    assert_history_replays_to_stored_state,
    enrol_case,
    events_of,
    stored_case,
    table_contents,
)

IN_PRACTICE = date(2026, 2, 2)
WITHDRAWN = date(2026, 2, 16)


@pytest.fixture
def kivo(module_kivo: Kivo) -> Kivo:
    """One database per kind for this module: every test enrols its own participants."""
    return module_kivo


@pytest.fixture
def staff(module_staff: Staff) -> Staff:
    return module_staff


def in_practice(kivo: Kivo, staff: Staff) -> int:
    """A case in short practice (consent given at enrolment), its placement open."""
    case_id = enrol_case(kivo, staff)
    moves.advance(
        kivo, case_id, Step.SHORT_PRACTICE, on=IN_PRACTICE, supervisor_id=staff.supervisor
    )
    return case_id


def refusal_codes(error: pytest.ExceptionInfo[Refused]) -> list[str]:
    return [v.code for v in error.value.violations]


def test_a_withdrawal_is_an_event_and_lists_the_open_placement_to_resolve(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = in_practice(kivo, staff)
    version = stored_case(kivo, case_id).version

    done = enrolment.withdraw_consent(kivo, case_id, on=WITHDRAWN, by=staff.caseworker)

    assert done.withdrawn_on == WITHDRAWN
    ((placement),) = done.placements
    assert (placement.case_id, placement.step, placement.start) == (case_id, 2, IN_PRACTICE)
    assert placement.supervisor_id == staff.supervisor
    stored = stored_case(kivo, case_id)
    assert stored.consent_on is None
    assert stored.version == done.version == version + 1
    last = events_of(kivo, case_id)[-1]
    assert (last.kind, last.on, last.actor_id) == ("consent_withdrawn", WITHDRAWN, staff.caseworker)
    assert_history_replays_to_stored_state(kivo, case_id)


def test_after_a_withdrawal_a_workplace_step_is_refused_even_for_a_coordinator(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = in_practice(kivo, staff)
    enrolment.withdraw_consent(kivo, case_id, on=WITHDRAWN)
    before = table_contents(kivo.database)

    with pytest.raises(Refused) as refused:
        moves.advance(
            kivo,
            case_id,
            Step.FIXED_TERM,
            on=TODAY,
            workplace_id=staff.workplace,
            until=date(2026, 8, 31),
            by=staff.coordinator,
            override="the employer needs an answer today",
        )

    blocking = [v.code for v in refused.value.violations if v.blocking]
    assert blocking == ["consent-missing"]
    assert table_contents(kivo.database) == before


def test_consent_given_again_opens_the_workplace_steps_again(kivo: Kivo, staff: Staff) -> None:
    case_id = in_practice(kivo, staff)
    enrolment.withdraw_consent(kivo, case_id, on=WITHDRAWN)

    enrolment.record_consent(kivo, case_id, on=TODAY)
    moves.advance(
        kivo,
        case_id,
        Step.FIXED_TERM,
        on=TODAY,
        workplace_id=staff.workplace,
        until=date(2026, 8, 31),
    )

    assert stored_case(kivo, case_id).state == "fixed-term"
    kinds = [e.kind for e in events_of(kivo, case_id)]
    assert kinds[-3:] == ["consent_withdrawn", "consent", "advanced"]
    assert_history_replays_to_stored_state(kivo, case_id)


def test_consent_given_again_before_the_withdrawal_is_refused_and_writes_nothing(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = in_practice(kivo, staff)
    enrolment.withdraw_consent(kivo, case_id, on=WITHDRAWN)
    before = table_contents(kivo.database)

    with pytest.raises(Refused) as refused:
        enrolment.record_consent(kivo, case_id, on=WITHDRAWN - timedelta(days=1))

    assert refusal_codes(refused) == ["date-before-withdrawal"]
    assert table_contents(kivo.database) == before


def test_a_step_away_from_any_workplace_needs_no_consent_after_a_withdrawal(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = in_practice(kivo, staff)
    enrolment.withdraw_consent(kivo, case_id, on=WITHDRAWN)

    moves.advance(kivo, case_id, Step.STUDY_PREP, on=TODAY)

    assert stored_case(kivo, case_id).state == "study-prep"


@pytest.mark.parametrize(
    ("situation", "on", "code"),
    [
        ("no consent", WITHDRAWN, "consent-not-recorded"),
        ("withdrawn already", WITHDRAWN, "consent-not-recorded"),
        ("before the consent", date(2026, 1, 11), "date-before-consent"),
        ("exited", WITHDRAWN, "case-exited"),
        ("in the future", date(2026, 3, 3), "date-in-future"),
    ],
)
def test_a_withdrawal_that_cannot_be_is_refused_and_writes_nothing(
    kivo: Kivo, staff: Staff, situation: str, on: date, code: str
) -> None:
    case_id = enrol_case(kivo, staff, consent=situation != "no consent")
    if situation == "withdrawn already":
        enrolment.withdraw_consent(kivo, case_id, on=WITHDRAWN)
    if situation == "exited":
        moves.exit_case(kivo, case_id, outcome=Outcome.MOVED, on=WITHDRAWN)
    before = table_contents(kivo.database)

    with pytest.raises(Refused) as refused:
        enrolment.withdraw_consent(kivo, case_id, on=on)

    assert code in refusal_codes(refused)
    assert table_contents(kivo.database) == before


def test_consent_and_its_withdrawal_take_the_version_the_caller_looked_at(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = in_practice(kivo, staff)
    seen = stored_case(kivo, case_id).version
    before = table_contents(kivo.database)

    with pytest.raises(Conflict):
        enrolment.withdraw_consent(kivo, case_id, on=WITHDRAWN, expected_version=seen - 1)
    assert table_contents(kivo.database) == before

    enrolment.withdraw_consent(kivo, case_id, on=WITHDRAWN, expected_version=seen)
    with pytest.raises(Conflict):
        enrolment.record_consent(kivo, case_id, on=TODAY, expected_version=seen)
    enrolment.record_consent(kivo, case_id, on=TODAY, expected_version=seen + 1)
    assert stored_case(kivo, case_id).consent_on == TODAY


def test_while_consent_is_withdrawn_the_placement_is_neither_extended_nor_resupervised(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = in_practice(kivo, staff)
    enrolment.withdraw_consent(kivo, case_id, on=WITHDRAWN)
    before = table_contents(kivo.database)

    with pytest.raises(Refused) as extension:
        placements.extend(
            kivo,
            case_id,
            until=date(2026, 6, 30),
            by=staff.coordinator,
            override="the employer asked for it",
        )
    with pytest.raises(Refused) as change:
        change_supervisor(kivo, case_id, staff.untrained_supervisor, by=staff.coordinator)

    assert "consent-missing" in refusal_codes(extension)
    assert "consent-missing" in refusal_codes(change)
    assert not any(v.overridable for v in extension.value.violations if v.code == "consent-missing")
    assert table_contents(kivo.database) == before
