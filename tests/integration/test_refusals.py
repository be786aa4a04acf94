"""Refusals, bad input, dry runs and overrides: whatever is refused writes nothing.

"Nothing" is checked against the whole database: every row of every table is read
before and after the refused call and compared.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest

from pathway import directory, enrolment, moves
from pathway.context import Kivo
from pathway.errors import Refused
from states.case import Outcome
from states.errors import InvalidInput, KivoError, NotFound
from states.personnummer import InvalidPersonnummer
from states.steps import Step
from tests.integration.support import (
    TODAY,
    Staff,
    enrol_case,
    events_of,
    fresh_personnummer,
    placements_of,
    stored_case,
    table_contents,
)

LAST_MOVE = date(2026, 2, 2)
OVERRIDE = "the training is booked for next week; the supervisor starts under guidance"


@pytest.fixture
def kivo(module_kivo: Kivo) -> Kivo:
    """One database per kind for this module: every test enrols its own participants."""
    return module_kivo


@pytest.fixture
def staff(module_staff: Staff) -> Staff:
    return module_staff


@dataclass(frozen=True)
class Cases:
    staff: Staff
    active: int  # in step 5 (vocational training), consent recorded, last moved LAST_MOVE
    no_consent: int  # enrolled, no consent
    paused: int  # paused from step 1
    exited: int
    pnr: str  # the personnummer of the ``active`` case's participant


def add_cases(kivo: Kivo, staff: Staff) -> Cases:
    pnr = fresh_personnummer()
    active = enrol_case(kivo, staff, pnr=pnr)
    moves.advance(kivo, active, Step.VOCATIONAL_TRAINING, on=LAST_MOVE)
    no_consent = enrol_case(kivo, staff, name="Bo Utan Samtycke", consent=False)
    paused = enrol_case(kivo, staff, name="Cia Pausad")
    moves.advance(kivo, paused, Step.INFORMATION, on=date(2026, 1, 20))
    moves.pause(kivo, paused, reason="ill", on=date(2026, 1, 21))
    exited = enrol_case(kivo, staff, name="Dan Avslutad")
    moves.exit_case(kivo, exited, outcome=Outcome.MOVED, on=date(2026, 1, 20))
    return Cases(staff, active, no_consent, paused, exited, pnr)


@pytest.fixture
def cases(kivo: Kivo, staff: Staff) -> Cases:
    return add_cases(kivo, staff)


@pytest.fixture(scope="module")
def shared(module_kivo: Kivo, module_staff: Staff) -> tuple[Kivo, Cases]:
    """The same cases for every refusal below: each must leave the database untouched."""
    return module_kivo, add_cases(module_kivo, module_staff)


Attempt = Callable[[Kivo, Cases], object]

REFUSED: dict[str, tuple[Attempt, str]] = {
    "advance backwards": (
        lambda k, c: moves.advance(k, c.active, Step.STUDY_PREP, on=TODAY),
        "not-forward",
    ),
    "advance to the step it is in": (
        lambda k, c: moves.advance(k, c.active, Step.VOCATIONAL_TRAINING, on=TODAY),
        "same-step",
    ),
    "fall back forwards": (
        lambda k, c: moves.fall_back(k, c.active, Step.PERMANENT, reason="r", on=TODAY),
        "not-backward",
    ),
    "fall back before any step": (
        lambda k, c: moves.fall_back(k, c.no_consent, Step.INFORMATION, reason="r", on=TODAY),
        "no-step-yet",
    ),
    "workplace step without workplace": (
        lambda k, c: moves.advance(k, c.active, Step.WORKPLACE_LEARNING, on=TODAY),
        "workplace-missing",
    ),
    "workplace step without consent": (
        lambda k, c: moves.advance(
            k, c.no_consent, Step.SHORT_PRACTICE, on=TODAY, supervisor_id=c.staff.supervisor
        ),
        "consent-missing",
    ),
    "untrained supervisor": (
        lambda k, c: moves.advance(
            k,
            c.active,
            Step.WORKPLACE_LEARNING,
            on=TODAY,
            supervisor_id=c.staff.untrained_supervisor,
        ),
        "supervisor-untrained",
    ),
    "fixed term without end": (
        lambda k, c: moves.advance(
            k, c.active, Step.FIXED_TERM, on=TODAY, workplace_id=c.staff.workplace
        ),
        "end-date-missing",
    ),
    "end before start": (
        lambda k, c: moves.advance(
            k,
            c.active,
            Step.FIXED_TERM,
            on=TODAY,
            workplace_id=c.staff.workplace,
            until=date(2026, 1, 1),
        ),
        "end-before-start",
    ),
    "effective date in the future": (
        lambda k, c: moves.advance(
            k, c.active, Step.PERMANENT, on=date(2026, 3, 3), workplace_id=c.staff.workplace
        ),
        "date-in-future",
    ),
    "effective date before the last move": (
        lambda k, c: moves.fall_back(
            k, c.active, Step.INFORMATION, reason="r", on=date(2026, 2, 1)
        ),
        "date-before-last-move",
    ),
    "resume a case that is not paused": (
        lambda k, c: moves.resume(k, c.active, on=TODAY),
        "not-paused",
    ),
    "pause a paused case": (
        lambda k, c: moves.pause(k, c.paused, reason="r", on=TODAY),
        "already-paused",
    ),
    "advance a paused case": (
        lambda k, c: moves.advance(k, c.paused, Step.STUDY_PREP, on=TODAY),
        "case-paused",
    ),
    "move an exited case": (
        lambda k, c: moves.advance(k, c.exited, Step.INFORMATION, on=TODAY),
        "case-exited",
    ),
    "exit an exited case": (
        lambda k, c: moves.exit_case(k, c.exited, outcome=Outcome.OTHER, on=TODAY),
        "case-exited",
    ),
    "consent twice": (
        lambda k, c: enrolment.record_consent(k, c.active, on=TODAY),
        "consent-already-recorded",
    ),
    "consent for an exited case": (
        lambda k, c: enrolment.record_consent(k, c.exited, on=TODAY),
        "case-exited",
    ),
    "consent before the enrolment": (
        lambda k, c: enrolment.record_consent(k, c.no_consent, on=date(2026, 1, 1)),
        "date-before-enrolment",
    ),
    "enrolment in the future": (
        lambda k, c: enrolment.enrol(k, "Eva Framtid", on=date(2026, 3, 3)),
        "date-in-future",
    ),
    "enrol an enrolled person": (
        lambda k, c: enrolment.enrol(k, "Amira Igen", personnummer=c.pnr),
        "already-enrolled",
    ),
}

INVALID: dict[str, tuple[Attempt, type[KivoError]]] = {
    "fall back without a reason": (
        lambda k, c: moves.fall_back(k, c.active, Step.INFORMATION, reason="  ", on=TODAY),
        InvalidInput,
    ),
    "pause without a reason": (
        lambda k, c: moves.pause(k, c.active, reason="", on=TODAY),
        InvalidInput,
    ),
    "supervisor from another workplace": (
        lambda k, c: moves.advance(
            k,
            c.active,
            Step.WORKPLACE_LEARNING,
            on=TODAY,
            workplace_id=c.staff.workplace,
            supervisor_id=c.staff.other_supervisor,
        ),
        InvalidInput,
    ),
    "unknown supervisor": (
        lambda k, c: moves.advance(k, c.active, Step.WORKPLACE_LEARNING, supervisor_id=999),
        NotFound,
    ),
    "unknown workplace": (
        lambda k, c: moves.advance(k, c.active, Step.PERMANENT, workplace_id=999),
        NotFound,
    ),
    "unknown case": (
        lambda k, c: moves.advance(k, 999, Step.PERMANENT),
        NotFound,
    ),
    "unknown actor": (
        lambda k, c: moves.exit_case(k, c.active, outcome=Outcome.OTHER, by=999),
        NotFound,
    ),
    "invalid personnummer": (
        lambda k, c: enrolment.enrol(k, "Fia Fel", personnummer="19900101-1230"),
        InvalidPersonnummer,
    ),
    "unknown gender": (
        lambda k, c: enrolment.enrol(k, "Gun Okänd", gender="robot"),
        InvalidInput,
    ),
    "unknown group": (
        lambda k, c: enrolment.enrol(k, "Gun Okänd", groups=["pirates"]),
        InvalidInput,
    ),
    "no name": (
        lambda k, c: enrolment.enrol(k, " "),
        InvalidInput,
    ),
    "implausible birth year": (
        lambda k, c: enrolment.enrol(k, "Hans Gammal", birth_year=1850),
        InvalidInput,
    ),
    "unknown caseworker": (
        lambda k, c: enrolment.enrol(k, "Ida Ny", caseworker_id=999),
        NotFound,
    ),
    "supervisor at an unknown workplace": (
        lambda k, c: directory.add_supervisor(k, "Jan", workplace_id=999),
        NotFound,
    ),
    "caseworker with a bad email": (
        lambda k, c: directory.add_caseworker(k, "Kim", email="not-an-address"),
        InvalidInput,
    ),
}


@pytest.mark.parametrize(("attempt", "code"), REFUSED.values(), ids=REFUSED.keys())
def test_a_refused_change_names_its_rule_and_writes_nothing(
    shared: tuple[Kivo, Cases], attempt: Attempt, code: str
) -> None:
    kivo, cases = shared
    before = table_contents(kivo.database)

    with pytest.raises(Refused) as refused:
        attempt(kivo, cases)

    assert code in [v.code for v in refused.value.violations]
    assert table_contents(kivo.database) == before


@pytest.mark.parametrize(("attempt", "error"), INVALID.values(), ids=INVALID.keys())
def test_invalid_input_is_rejected_and_writes_nothing(
    shared: tuple[Kivo, Cases], attempt: Attempt, error: type[KivoError]
) -> None:
    kivo, cases = shared
    before = table_contents(kivo.database)

    with pytest.raises(error):
        attempt(kivo, cases)

    assert table_contents(kivo.database) == before


def test_a_dry_run_says_what_would_happen_and_writes_nothing(kivo: Kivo, cases: Cases) -> None:
    before = table_contents(kivo.database)
    version = stored_case(kivo, cases.active).version

    result = moves.advance(
        kivo,
        cases.active,
        Step.WORKPLACE_LEARNING,
        on=TODAY,
        supervisor_id=cases.staff.supervisor,
        dry_run=True,
    )

    assert (result.dry_run, result.from_state, result.to_state, result.step) == (
        True,
        "vocational-training",
        "workplace-learning",
        6,
    )
    assert (result.version, result.placement_id) == (version, None)
    assert table_contents(kivo.database) == before


def test_a_dry_run_of_a_refused_move_is_refused_too(kivo: Kivo, cases: Cases) -> None:
    before = table_contents(kivo.database)

    with pytest.raises(Refused) as refused:
        moves.advance(
            kivo,
            cases.no_consent,
            Step.SHORT_PRACTICE,
            on=TODAY,
            supervisor_id=cases.staff.supervisor,
            dry_run=True,
        )

    assert [v.code for v in refused.value.violations] == ["consent-missing"]
    assert table_contents(kivo.database) == before


def test_a_coordinators_override_is_recorded_with_the_codes_it_lifted_and_its_reason(
    kivo: Kivo, cases: Cases
) -> None:
    staff = cases.staff

    result = moves.advance(
        kivo,
        cases.active,
        Step.WORKPLACE_LEARNING,
        on=TODAY,
        supervisor_id=staff.untrained_supervisor,
        by=staff.coordinator,
        override=OVERRIDE,
    )

    lifted = ["supervisor-untrained"]
    assert sorted(result.overridden) == lifted
    event = events_of(kivo, cases.active)[-1]
    assert (event.kind, event.to_state, event.actor_id) == (
        "advanced",
        "workplace-learning",
        staff.coordinator,
    )
    assert sorted(event.overrides) == lifted
    assert event.reason == event.data["override_reason"] == OVERRIDE
    assert stored_case(kivo, cases.active).state == "workplace-learning"
    (placement,) = placements_of(kivo, cases.active)
    assert placement.supervisor_id == staff.untrained_supervisor


def test_a_coordinator_cannot_override_a_missing_consent_and_nothing_is_written(
    kivo: Kivo, cases: Cases
) -> None:
    before = table_contents(kivo.database)

    with pytest.raises(Refused) as refused:
        moves.advance(
            kivo,
            cases.no_consent,
            Step.SHORT_PRACTICE,
            on=TODAY,
            supervisor_id=cases.staff.untrained_supervisor,
            by=cases.staff.coordinator,
            override=OVERRIDE,
        )

    overridable = {v.code: v.overridable for v in refused.value.violations}
    assert overridable == {"consent-missing": False, "supervisor-untrained": True}
    assert table_contents(kivo.database) == before


def test_an_override_of_a_move_nothing_blocks_records_no_override(kivo: Kivo, cases: Cases) -> None:
    moves.advance(
        kivo,
        cases.active,
        Step.PERMANENT,
        on=TODAY,
        workplace_id=cases.staff.workplace,
        by=cases.staff.coordinator,
        override=OVERRIDE,
    )

    assert events_of(kivo, cases.active)[-1].overrides == []


@pytest.mark.parametrize("by", ["caseworker", "nobody"])
def test_an_override_by_anyone_but_a_coordinator_is_refused_and_writes_nothing(
    kivo: Kivo, cases: Cases, by: str
) -> None:
    actor = cases.staff.caseworker if by == "caseworker" else None
    before = table_contents(kivo.database)

    with pytest.raises(Refused) as refused:
        moves.advance(
            kivo,
            cases.no_consent,
            Step.SHORT_PRACTICE,
            on=TODAY,
            supervisor_id=cases.staff.supervisor,
            by=actor,
            override=OVERRIDE,
        )

    codes = [v.code for v in refused.value.violations]
    assert "override-not-permitted" in codes
    assert "consent-missing" in codes
    assert table_contents(kivo.database) == before


def _overriding(case: Callable[[Cases], int], to: Step, on: date = TODAY) -> Attempt:
    """An advance carrying a coordinator's written override."""

    def attempt(kivo: Kivo, cases: Cases) -> object:
        return moves.advance(
            kivo,
            case(cases),
            to,
            on=on,
            # a step at no workplace takes none (naming one is bad input)
            workplace_id=cases.staff.workplace if to.at_workplace else None,
            by=cases.staff.coordinator,
            override=OVERRIDE,
        )

    return attempt


NOT_OVERRIDABLE: dict[str, tuple[Attempt, str]] = {
    "advance backwards": (_overriding(lambda c: c.active, Step.STUDY_PREP), "not-forward"),
    "advance to the step it is in": (
        _overriding(lambda c: c.active, Step.VOCATIONAL_TRAINING),
        "same-step",
    ),
    "effective date in the future": (
        _overriding(lambda c: c.active, Step.PERMANENT, date(2026, 3, 3)),
        "date-in-future",
    ),
    "effective date before the last move": (
        _overriding(lambda c: c.active, Step.PERMANENT, date(2026, 2, 1)),
        "date-before-last-move",
    ),
    "advance a paused case": (_overriding(lambda c: c.paused, Step.PERMANENT), "case-paused"),
    "move an exited case": (_overriding(lambda c: c.exited, Step.PERMANENT), "case-exited"),
}


@pytest.mark.parametrize(("attempt", "code"), NOT_OVERRIDABLE.values(), ids=NOT_OVERRIDABLE.keys())
def test_a_refusal_by_the_path_itself_stays_refused_even_for_a_coordinator(
    shared: tuple[Kivo, Cases], attempt: Attempt, code: str
) -> None:
    kivo, cases = shared
    before = table_contents(kivo.database)

    with pytest.raises(Refused) as refused:
        attempt(kivo, cases)

    fixed = [v for v in refused.value.violations if v.code == code]
    assert fixed
    assert not any(v.overridable for v in fixed)
    assert table_contents(kivo.database) == before


def test_the_next_moves_of_a_refusal_do_not_ask_for_the_supervisor_it_was_given(
    kivo: Kivo, cases: Cases
) -> None:
    with pytest.raises(Refused) as refused:
        moves.advance(
            kivo,
            cases.no_consent,
            Step.SHORT_PRACTICE,
            on=TODAY,
            supervisor_id=cases.staff.supervisor,
        )

    needs = {m["step"]: {n["code"] for n in m["needs"]} for m in refused.value.next_moves}
    assert needs[2] == needs[3] == {"consent-missing"}
    assert needs[4] == set()
